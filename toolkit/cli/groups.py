"""Sub-command groups shared by several command modules."""

from __future__ import annotations

import typer

glossary_app = typer.Typer(
    name="glossary",
    help="Look up, scan, check, import and export the multilingual concept glossary.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
models_app = typer.Typer(
    name="models",
    help="List, install and remove translation packages (Argos .argosmodel).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
