"""MT throughput: argostranslate's own translate path against the toolkit's batched engine.

    .venv/bin/python benchmarks/mt_throughput.py [--sentences 200] [--beam 4] [--cap 50]
                                                 [--argos-python PATH]

Both sides run the same Argos-size random package (6+6 layers, d_model 512, 8 heads, FFN 2048,
~32k vocabulary, int8; built by ``toolkit.testing.models``) on the same sentences of the seeds,
with decoding capped at ``--cap`` tokens (random models never emit ``</s>``), and the script
asserts that the outputs are identical.

* **argos**: ``argostranslate.translate.translate(q, "zh", "en")`` per sentence — Argos' own call
  shape (one ``translate_batch`` per sentence, ``inter_threads=1``). Its sentence splitter is
  replaced by one that returns the whole input (offline, the default one tries to download an
  ONNX model), and ``max_decoding_length`` is injected into its ``translate_batch`` calls.
  By default it runs in a child of this interpreter: ``argostranslate.sbd`` imports stanza at
  module level but never uses it here, so a stand-in module satisfies the import and no torch is
  needed. To run it on a full install instead, create one and pass its interpreter:
  ``python -m venv /tmp/argos && /tmp/argos/bin/pip install argostranslate`` (≈ 5.9 GB with
  torch), then ``--argos-python /tmp/argos/bin/python``.
* **toolkit**: one ``PackageEngine.translate_batch`` over all sentences — sorted by length,
  batched, ``inter_threads`` = CPU cores, ``intra_threads=1``.

Prints sentences/s of both and the ratio (aim: ≥ 10× at beam 4).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed_sentences(
    count: int, tokenizer, max_tokens: int = 25, *, distinct: bool = False
) -> list[str]:
    """Chinese seed sentences cut to at most ``max_tokens`` pieces (DESIGN.md's shape), repeated
    up to ``count``; ``distinct``: each once (a memory must not answer a repeat), and too few
    is an error."""
    from toolkit.segment import iter_segments

    sentences: list[str] = []
    for segment in iter_segments([ROOT / "seeds"]):
        if segment.lang != "zh":
            continue
        text = segment.norm
        while len(tokenizer.encode(text)) > max_tokens:
            text = text[: int(len(text) * 0.8)]
        sentences.append(text)
    if distinct:
        sentences = [text for text in dict.fromkeys(s.strip() for s in sentences) if text]
        if len(sentences) < count:
            raise SystemExit(f"only {len(sentences)} distinct sentences in the seeds")
    while len(sentences) < count:
        sentences += sentences
    return sentences[:count]


def argos_size_package(prefix: str) -> tuple[Path, Any]:
    """A fresh work folder with the toolkit's data and packages dirs pointed into it, and the
    Argos-size random zh→en package built and installed there; prints how long that took."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["TOOLKIT_DATA_DIR"] = str(work / "data")
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    # Imported only now: Argos reads the environment above when it is imported.
    from toolkit.mt.packages import find_package, install_file
    from toolkit.testing.models import build_package

    started = time.perf_counter()
    install_file(build_package("random", "zh", "en", work / "zh_en.argosmodel", size="argos"))
    package = find_package("zh", "en")
    assert package is not None
    built = time.perf_counter() - started
    print(f"built and installed the Argos-size random package in {built:.1f} s")
    return work, package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--cap", type=int, default=50, help="max_decoding_length on both sides")
    parser.add_argument("--argos-python", default=sys.executable)
    args = parser.parse_args()

    work, package = argos_size_package("mt-throughput-")
    from toolkit.mt.engine import DecodeOptions, PackageEngine
    from toolkit.testing.argos_reference import argos_translate

    engine = PackageEngine(
        package,
        DecodeOptions(beam=args.beam, max_decoding_length=args.cap, chunk=args.sentences),
    )
    sentences = seed_sentences(args.sentences, engine)
    engine.translate_batch(sentences[:2])  # load the model outside the timing
    start = time.perf_counter()
    ours = engine.translate_batch(sentences)
    ours_seconds = time.perf_counter() - start

    argos_outputs, argos_seconds = argos_translate(
        sentences,
        ("zh", "en"),
        work / "packages",
        work / "argos",
        beam=args.beam,
        cap=args.cap,
        python=args.argos_python,
    )
    identical = argos_outputs == ours
    argos_rate = len(sentences) / argos_seconds
    ours_rate = len(sentences) / ours_seconds
    cores = os.cpu_count()
    print(
        f"{len(sentences)} sentences, beam {args.beam}, output capped at {args.cap} tokens, "
        f"{cores} cores"
    )
    print(f"{'path':<32}{'seconds':>10}{'sentences/s':>14}")
    print(f"{'argostranslate translate()':<32}{argos_seconds:>10.1f}{argos_rate:>14.1f}")
    print(f"{'toolkit PackageEngine (batched)':<32}{ours_seconds:>10.1f}{ours_rate:>14.1f}")
    print(f"ratio: {ours_rate / argos_rate:.1f}x   identical outputs: {identical}")
    if not identical:
        differing = sum(a != b for a, b in zip(argos_outputs, ours, strict=True))
        raise SystemExit(f"outputs differ on {differing} of {len(sentences)} sentences")


if __name__ == "__main__":
    main()
