"""Options several commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

GlossaryOption = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary folder or file (default: $TOOLKIT_GLOSSARY, ./glossary, or the checkout's).",
        show_default=False,
    ),
]


def glossary_dir(option: Path | None) -> Path:
    from toolkit.config import default_glossary_dir

    return option if option is not None else default_glossary_dir()
