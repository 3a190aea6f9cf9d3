"""`toolkit score`: how well an installed model (with the glossary) reproduces the references."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.options import GlossaryOption


def score(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Catalog folder with reviewed translations (default: translations/)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Only this pair, e.g. zh-en or de-en.")
    ] = None,
    beam: Annotated[int, typer.Option(min=1, max=16, help="Beam size.")] = 4,
    device: Annotated[str, typer.Option(help="cpu, cuda or auto.")] = "cpu",
    threads: Annotated[int, typer.Option(min=0, help="Translation threads (0: all cores).")] = 0,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Translate without glossary enforcement.")
    ] = False,
    glossary: GlossaryOption = None,
    install: Annotated[
        bool, typer.Option("--install/--no-install", help="Download missing packages.")
    ] = True,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
) -> None:
    """Re-translate the reviewed sources and print BLEU, chrF and term accuracy."""
    from toolkit.cli import render
    from toolkit.cli.models_cmd import install_pair
    from toolkit.cli.options import glossary_dir
    from toolkit.config import default_translations_dir
    from toolkit.corpus.score import score_catalogs
    from toolkit.glossary.store import load_glossary
    from toolkit.mt.engine import DecodeOptions, resolve_device

    with render.LazyProgress("scoring") as advance:
        report = score_catalogs(
            folder or default_translations_dir(),
            load_glossary(glossary_dir(glossary)),
            pair=model,
            decode=DecodeOptions(beam=beam, device=resolve_device(device), threads=threads),
            enforce_glossary=not no_glossary,
            installer=install_pair if install else None,
            progress=advance,
        )
    if json_output:
        for row in report.scores:
            render.json_line(
                {
                    "doc": row.doc,
                    "target": row.target,
                    "segments": row.segments,
                    "bleu": round(row.bleu, 2),
                    "chrf": round(row.chrf, 2),
                    "term_accuracy": round(row.term_accuracy, 2),
                    "terms": row.terms,
                    "glossary": report.glossary_enforced,
                    "signature": report.signature,
                    **{f"{k.lower()}_signature": v for k, v in report.metric_signatures.items()},
                }
            )
        return
    render.table(
        ["document", "target", "segments", "BLEU", "chrF", "term accuracy"],
        [
            (
                row.doc,
                row.target,
                row.segments,
                f"{row.bleu:.1f}",
                f"{row.chrf:.1f}",
                f"{row.term_accuracy:.1f}% of {row.terms}",
            )
            for row in report.scores
        ],
        title="glossary enforced" if report.glossary_enforced else "without the glossary",
    )
    for name, signature in report.metric_signatures.items():
        typer.echo(f"{name} {signature}")
    typer.echo(report.signature)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
