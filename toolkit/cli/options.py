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

#: Help of ``--batching`` (translate defaults to exact, serve to padded).
BATCHING_HELP = (
    "exact: batches of one token length, so every sentence decodes as it does alone; "
    "padded: lengths mixed, as Argos Translate and LibreTranslate batch — faster on few "
    "sentences at a time, but an output may depend on its batch partners."
)


def glossary_dir(option: Path | None) -> Path:
    from toolkit.config import default_glossary_dir

    return option if option is not None else default_glossary_dir()
