"""(not yet implemented)"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (or to a shared group in ``toolkit.cli.groups``)."""
