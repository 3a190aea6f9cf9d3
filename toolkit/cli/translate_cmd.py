"""`toolkit translate`: sources in, glossary-consistent aligned translations out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.options import BATCHING_HELP, GlossaryOption


def translate(
    paths: Annotated[
        list[Path], typer.Argument(help="Source files or folders.", metavar="PATH...")
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Target: en, de, zh-Hans, zh-Hant-TW (Taiwan forms: 川普, 普丁), zh-Hant-HK "
            "(Hong Kong forms); zh-Hant alone means zh-Hant-TW.",
        ),
    ],
    source: Annotated[
        str, typer.Option("--from", help="Source language (auto: detected per paragraph).")
    ] = "auto",
    beam: Annotated[int, typer.Option(min=1, max=16, help="Beam size (Argos uses 4).")] = 4,
    device: Annotated[str, typer.Option(help="cpu, cuda or auto.")] = "cpu",
    threads: Annotated[
        int, typer.Option(min=0, help="Translation threads (0: one per CPU core).")
    ] = 0,
    compute_type: Annotated[
        str, typer.Option(help="CTranslate2 compute type: auto, int8, float32, …")
    ] = "auto",
    batching: Annotated[str, typer.Option(help=BATCHING_HELP)] = "exact",
    glossary: GlossaryOption = None,
    catalog_dir: Annotated[
        Path | None,
        typer.Option(help="PO catalog folder (default: translations/, $TOOLKIT_TRANSLATIONS)."),
    ] = None,
    write_catalogs: Annotated[
        bool, typer.Option("--catalogs/--no-catalogs", help="Write PO catalogs.")
    ] = True,
    install: Annotated[
        bool, typer.Option("--install/--no-install", help="Download missing packages.")
    ] = True,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check",
            help="Run the error-level QA checks on machine output; failures need review.",
        ),
    ] = True,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object per segment.")
    ] = False,
    ray: Annotated[
        bool,
        typer.Option(
            "--ray",
            help="Run the MT pass on a Ray cluster (needs the extra: uv sync --extra ray).",
        ),
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            help="With --ray: auto (a running cluster) or ray://host:port; default: a local one.",
        ),
    ] = None,
    actors: Annotated[
        int | None,
        typer.Option(
            "--actors", min=1, help="With --ray: translator actors (default: one per GPU or node)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write each translated document here as <doc>.<target>.<ext>, in the "
            "source's shape. Without it, a single file's translation goes to stdout.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Translate sources into --to with the glossary enforced; write PO catalogs and the
    translated documents."""
    from toolkit.cli import render
    from toolkit.cli.models_cmd import install_pair
    from toolkit.cli.options import glossary_dir
    from toolkit.config import default_translations_dir
    from toolkit.corpus import catalog
    from toolkit.glossary.store import load_glossary
    from toolkit.ingest import iter_documents
    from toolkit.mt.engine import DecodeOptions, check_decode_options, resolve_device
    from toolkit.mt.memory import TranslationMemory
    from toolkit.mt.pipeline import (
        CorpusTranslator,
        TranslateOptions,
        check_languages,
        check_source_language,
    )
    from toolkit.segment import SEGMENTER_ID, segment_document

    ray_options = None
    if ray:
        from toolkit.mt.ray import RayOptions, require_ray

        require_ray()  # before any work: a missing extra is one line, not a traceback
        ray_options = RayOptions(address=ray_address, actors=actors)
    elif ray_address is not None or actors is not None:
        from toolkit.errors import UsageError

        flag = "--ray-address" if ray_address is not None else "--actors"
        raise UsageError(f"{flag} needs --ray")
    options = TranslateOptions(
        target=to,
        source=source,
        check=check,
        decode=DecodeOptions(
            beam=beam,
            # With --ray the cluster's machines decode: "auto" is resolved there.
            device=device if ray else resolve_device(device),
            threads=threads,
            compute_type=compute_type,
            batching=batching,
        ),
        ray=ray_options,
    )
    check_languages(options)
    check_decode_options(options.decode, local=not ray)
    terms = load_glossary(glossary_dir(glossary))
    sources: dict[str, str] = {}
    segments = []
    documents = []
    for document in iter_documents(paths):
        check_source_language(document, source)
        sources[document.id] = document.path
        documents.append(document)
        segments.extend(segment_document(document))
    folder = catalog_dir or default_translations_dir()
    if out is not None:
        from toolkit.files import ensure_folder

        ensure_folder(out, "output folder")  # before any MT work
    with TranslationMemory() as memory:
        if write_catalogs:
            catalog.prepare_folder(folder)
            catalog.load_reviewed(folder, memory)
        translator = CorpusTranslator(
            terms, memory, options, installer=install_pair if install else None
        )
        # Missing packages download (with their own progress bar) before the MT pass starts.
        plan = translator.prepare(segments)
        with render.progress() as bar:
            task = bar.add_task(f"→ {to}", total=len(segments))
            units = list(translator.execute(plan, SEGMENTER_ID, lambda n: bar.advance(task, n)))
    if write_catalogs:
        written = catalog.write_catalogs(folder, units, sources, translator.signature)
        for path in written:
            typer.echo(f"wrote {path}", err=True)
    if json_output:
        for unit in units:
            render.json_line(catalog.unit_record(unit))
        return
    from toolkit.corpus.documents import translated_document, write_documents

    if out is not None:
        for path in write_documents(out, documents, units, to):
            typer.echo(f"wrote {path}", err=True)
    elif len(paths) == 1 and paths[0].is_file() and len(documents) == 1:
        # The translated text is the output: `toolkit translate a.txt --to en > a.en.txt`.
        text = translated_document(documents[0].path, units, to)
        render.units_summary(units, stderr=True)
        typer.echo(text, nl=not text.endswith("\n"))
        return
    render.units_summary(units, stderr=out is not None)


def register(app: typer.Typer) -> None:
    app.command("translate")(translate)
