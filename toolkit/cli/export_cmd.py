"""`toolkit export`: the catalogs of translations/ as TMX, TSV, Moses, JSONL or PO."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (Moses: a file stem).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="tmx, tsv, moses, jsonl or po.")
    ] = "tmx",
    pair: Annotated[
        str | None,
        typer.Option(
            help="Language pair, e.g. zh-en, zh-Hant-en, de-en. Default: every pair of the "
            "catalogs (several in one file for tmx, tsv and jsonl; moses and po need --pair).",
        ),
    ] = None,
    docs: Annotated[
        str | None, typer.Option(help="Comma-separated document ids (default: all).")
    ] = None,
    reviewed_only: Annotated[
        bool, typer.Option("--reviewed-only", help="Only human-reviewed units.")
    ] = False,
    catalog_dir: Annotated[
        Path | None,
        typer.Option(help="PO catalog folder (default: translations/, $TOOLKIT_TRANSLATIONS)."),
    ] = None,
    from_jsonl: Annotated[
        list[Path] | None,
        typer.Option(
            "--from-jsonl",
            help="Read units from JSONL files or folders of them (JSONL exports, or the "
            "`translate --json` shards of a large or Ray run) instead of the catalogs. "
            "Repeatable.",
        ),
    ] = None,
) -> None:
    """Export aligned units of the PO catalogs as a parallel corpus."""
    from toolkit.config import default_translations_dir
    from toolkit.corpus.export import Selection, document_list, export_catalogs, parse_pair

    selection = Selection(
        folder=catalog_dir or default_translations_dir(),
        pair=parse_pair(pair) if pair else None,
        docs=document_list(docs),
        reviewed_only=reviewed_only,
        shards=tuple(from_jsonl or ()),
    )
    count, meta = export_catalogs(selection, fmt, out)
    pair_text = (
        "all language pairs" if meta.src_lang == "*all*" else f"{meta.src_lang}→{meta.tgt_lang}"
    )
    typer.echo(f"wrote {count} units ({pair_text}) to {out} ({fmt})", err=True)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
