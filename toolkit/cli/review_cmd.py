"""``toolkit render``: one bilingual HTML review page per catalog, to read before editing it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.options import GlossaryOption


def register(app: typer.Typer) -> None:
    """Add ``toolkit render`` to ``app``."""

    @app.command("render")
    def render(
        out: Annotated[
            Path,
            typer.Option(
                "--out", "-o", help="Folder for the pages, <doc>.<target>.html (created)."
            ),
        ],
        paths: Annotated[
            list[Path] | None,
            typer.Argument(
                metavar="[PATH]...",
                help="Catalog folders or .po files (default: the translations folder, "
                "$TOOLKIT_TRANSLATIONS or ./translations).",
                show_default=False,
            ),
        ] = None,
        glossary: GlossaryOption = None,
        reviewed_only: Annotated[
            bool, typer.Option("--reviewed-only", help="Show human-reviewed entries only.")
        ] = False,
    ) -> None:
        """Write a self-contained HTML review page per catalog: source and target side by side,
        glossary terms and QA findings highlighted, each unit's status.

        The pages load nothing from anywhere (inline CSS, a few lines of JS). Exit code 2 on bad
        input; no page is written then.
        """
        from toolkit.corpus.review_page import render_paths

        if not paths:
            from toolkit.config import default_translations_dir

            paths = [default_translations_dir()]
        written = render_paths(paths, out, glossary_dir=glossary, reviewed_only=reviewed_only)
        names = ", ".join(path.name for path in written) or "none"
        noun = "page" if len(written) == 1 else "pages"
        typer.echo(f"wrote {len(written)} review {noun} to {out}: {names}", err=True)
