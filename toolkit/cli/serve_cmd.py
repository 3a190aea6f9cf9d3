"""`toolkit serve`: a LibreTranslate-compatible HTTP API with the glossary enforced, and a page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.options import BATCHING_HELP, GlossaryOption


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 5000,
    api_keys: Annotated[
        Path | None,
        typer.Option(
            "--api-keys",
            help="File of API keys, one per line: every API call must then carry one (api_key).",
            dir_okay=False,
        ),
    ] = None,
    threads: Annotated[
        int, typer.Option(min=0, help="Translation threads (0: one per CPU core).")
    ] = 0,
    glossary: GlossaryOption = None,
    beam: Annotated[int, typer.Option(min=1, max=16, help="Beam size (Argos uses 4).")] = 4,
    device: Annotated[str, typer.Option(help="cpu, cuda or auto.")] = "cpu",
    window_ms: Annotated[
        float,
        typer.Option(
            min=0, help="How long the batcher gathers concurrent requests into one pass (ms)."
        ),
    ] = 5.0,
    passes: Annotated[
        int,
        typer.Option(
            min=1,
            max=8,
            help="Pipeline passes running at once (more than 1 lets a pass for one target or "
            "glossary run beside another's).",
        ),
    ] = 1,
    char_limit: Annotated[
        int, typer.Option(min=-1, help="Characters per /translate request (-1: no limit).")
    ] = -1,
    max_tokens: Annotated[
        int, typer.Option(min=1, help="Longest output of one sentence, in tokens.")
    ] = 256,
    batching: Annotated[str, typer.Option(help=BATCHING_HELP)] = "padded",
    translations: Annotated[
        Path | None,
        typer.Option(
            help="PO catalogs whose reviewed entries feed the memory (default: the "
            "translations folder, $TOOLKIT_TRANSLATIONS or ./translations, when it exists).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Serve LibreTranslate's API (/translate, /languages, /detect, /translate_file,
    /frontend/settings) with the glossary enforced, plus /glossary/lookup, /glossary/scan and a
    web page at /. Concurrent requests are batched into corpus-sized pipeline passes."""
    from toolkit.cli.options import glossary_dir
    from toolkit.config import default_translations_dir
    from toolkit.mt.engine import DecodeOptions, check_decode_options, resolve_device
    from toolkit.serve.app import ServeConfig, load_keys
    from toolkit.serve.runner import serve as run

    decode = DecodeOptions(
        beam=beam,
        device=resolve_device(device),
        threads=threads,
        max_decoding_length=max_tokens,
        batching=batching,
    )
    check_decode_options(decode)
    reviewed = translations
    if reviewed is None and default_translations_dir().is_dir():
        reviewed = default_translations_dir()
    config = ServeConfig(
        glossary_dir=glossary_dir(glossary),
        reviewed_dir=reviewed,
        api_keys=load_keys(api_keys) if api_keys is not None else frozenset(),
        decode=decode,
        window=window_ms / 1000,
        passes=passes,
        char_limit=char_limit,
    )
    keys = f", {len(config.api_keys)} API keys" if config.api_keys else ""
    typer.echo(f"toolkit serve: glossary {config.glossary_dir}{keys}", err=True)
    run(config, host, port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
