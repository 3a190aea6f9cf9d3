"""``toolkit glossary export`` and ``toolkit glossary import``: TBX, CSV and TSV exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.groups import glossary_app
from toolkit.cli.options import GlossaryOption, glossary_dir

_FORMAT_HELP = "tbx (TBX v3, TBX-Basic), csv or tsv; default: from the --out extension."
_SHAPE_HELP = (
    "csv/tsv layout: amazon (header of language codes; csv default), google, deepl, omegat "
    "(tsv default)."
)
_PAIR_HELP = (
    "Direction SRC-TGT for bilingual shapes: zh-en, de-en, en-zh, zt-en (zh-Hant), en-zh-TW…"
)


def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (atomically).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=_FORMAT_HELP)] = None,
    pair: Annotated[str | None, typer.Option("--pair", help=_PAIR_HELP)] = None,
    shape: Annotated[str | None, typer.Option("--shape", help=_SHAPE_HELP)] = None,
    glossary: GlossaryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Export the glossary as TBX, or CSV/TSV in the shapes DeepL, Google, Amazon, OmegaT load."""
    from toolkit.errors import UsageError
    from toolkit.glossary.formats import FORMATS, export_glossary
    from toolkit.glossary.store import load_glossary

    if fmt is None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise UsageError(
                f"cannot tell the format from {out.name!r}", hint="pass --format tbx|csv|tsv"
            )
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="use --format tbx, csv or tsv")
    summary = export_glossary(
        load_glossary(glossary_dir(glossary)), out, fmt, shape=shape, pair=pair
    )
    if as_json:
        from toolkit.cli.render import json_line

        json_line(
            {
                "path": summary.path,
                "format": summary.format,
                "shape": summary.shape,
                "pair": list(summary.pair) if summary.pair else None,
                "concepts": summary.concepts,
                "rows": summary.rows,
                "skipped": summary.skipped,
            }
        )
        return
    what = "TBX-Basic" if summary.format == "tbx" else f"{summary.format} ({summary.shape} shape)"
    direction = f" {summary.pair[0]} → {summary.pair[1]}" if summary.pair else ""
    unit = "terms" if summary.format == "tbx" else "rows"
    typer.echo(
        f"wrote {summary.concepts} concepts, {summary.rows} {unit} as {what}{direction}"
        f" to {summary.path}"
    )
    if summary.skipped:
        typer.echo(
            f"skipped {len(summary.skipped)}: {summary.skipped[0]}"
            + (" …  (--json lists all)" if len(summary.skipped) > 1 else "")
        )


def import_command(
    file: Annotated[Path, typer.Argument(help="TBX (v3 or v2 martif), CSV or TSV file to import.")],
    glossary: GlossaryOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    pair: Annotated[
        str | None, typer.Option("--pair", help="SRC-TGT of a two-column file without header.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="tbx, csv or tsv; default: detected.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Merge a TBX/CSV/TSV glossary into the glossary files; conflicts are reported, not applied."""
    from toolkit.glossary.merge import import_glossary_file

    report = import_glossary_file(file, glossary_dir(glossary), fmt=fmt, pair=pair, dry_run=dry_run)
    if as_json:
        from toolkit.cli.render import json_line

        for concept in report.concepts_added:
            json_line(
                {
                    "event": "concept_added",
                    "concept": concept.id,
                    "type": concept.type,
                    "file": concept.path,
                    "terms": len(concept.terms),
                }
            )
        for concept_id, term in report.terms_added:
            json_line(
                {
                    "event": "term_added",
                    "concept": concept_id,
                    "lang": term.lang,
                    "text": term.text,
                    "status": term.status,
                }
            )
        for conflict in report.conflicts:
            json_line(
                {
                    "event": "conflict",
                    "file": report.source,
                    "line": conflict.line,
                    "concept": conflict.concept,
                    "message": conflict.message,
                }
            )
        json_line(
            {
                "event": "summary",
                "source": report.source,
                "glossary": report.glossary,
                "dry_run": report.dry_run,
                "concepts_added": len(report.concepts_added),
                "terms_added": len(report.terms_added),
                "known": report.known,
                "conflicts": len(report.conflicts),
                "files": report.files,
            }
        )
        return
    verb = "would add" if report.dry_run else "added"
    new_terms = sum(len(concept.terms) for concept in report.concepts_added)
    typer.echo(
        f"{report.source}: {verb} {len(report.concepts_added)} concepts ({new_terms} terms),"
        f" {len(report.terms_added)} terms to existing concepts; {report.known} already known;"
        f" {len(report.conflicts)} conflicts"
    )
    for concept in report.concepts_added:
        typer.echo(f"  + {concept.id} ({concept.type}) → {concept.path}")
    for concept_id, term in report.terms_added:
        typer.echo(f"  + {concept_id}: {term.lang} {term.text!r} ({term.status})")
    for conflict in report.conflicts:
        where = f"{report.source}:{conflict.line}" if conflict.line else report.source
        typer.echo(f"conflict: {where}: {conflict.message}")
    if report.dry_run:
        typer.echo("dry run: nothing written")
    elif report.files:
        typer.echo("wrote " + ", ".join(report.files))


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``import`` to the ``glossary`` group."""
    glossary_app.command("export")(export_command)
    glossary_app.command("import")(import_command)
