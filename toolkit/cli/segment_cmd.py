"""``toolkit segment``: show the sentence segments of source files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

TEXT_WIDTH = 60


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (or to a shared group in ``toolkit.cli.groups``)."""

    @app.command("segment")
    def segment(
        paths: Annotated[
            list[Path],
            typer.Argument(
                metavar="PATH",
                help="Source files, or folders of .txt/.md/.html files.",
                show_default=False,
            ),
        ],
        json_lines: Annotated[
            bool,
            typer.Option(
                "--json", help="One JSON object per segment and line, instead of a table."
            ),
        ] = False,
    ) -> None:
        """Split sources into paragraphs and sentences, with ids, kinds, languages and offsets."""
        from toolkit.segment import iter_segments

        segments = iter_segments(paths)
        if json_lines:
            from toolkit.cli.render import json_line

            for seg in segments:
                json_line(
                    {
                        "id": seg.id,
                        "doc": seg.doc,
                        "start": seg.start,
                        "end": seg.end,
                        "text": seg.text,
                        "norm": seg.norm,
                        "lang": seg.lang,
                        "script": seg.script,
                        "tag": seg.tag,
                        "kind": seg.kind,
                        "paragraph": seg.paragraph,
                        "line": seg.line,
                    }
                )
            return
        from toolkit.cli import render

        rows = [(seg.id, seg.kind, seg.tag, _shorten(seg.text)) for seg in segments]
        render.table(
            ["id", "kind", "lang", ("text", {"overflow": "fold"})],
            rows,
            caption=f"{len(rows)} segments",
        )


def _shorten(text: str, width: int = TEXT_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
