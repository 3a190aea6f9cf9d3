"""The MT pass on Ray against the local engine, on the Argos-size random package.

    uv run --extra ray python benchmarks/ray_scale.py [--sentences 200] [--beam 4] [--cap 50]
                                                      [--block-size 64] [--cpus N]

Builds the Argos-size random package (6+6 layers, d_model 512, 8 heads, FFN 2048, ~32k
vocabulary, int8; ``toolkit.testing.models``), takes the same seed sentences as
``mt_throughput.py``, and translates them three ways in one run:

* **local**: one ``PackageEngine.translate_batch`` in this process (one thread per core);
* **ray, 1 actor** and **ray, 2 actors**: ``RayEngine`` on a local Ray cluster started here
  (``--cpus``, default all cores), the CPUs shared out among the actors.

Ray timings include everything a ``translate_stream`` call costs: building the dataset, starting
the actors and loading the model in each, decoding, streaming the blocks back; cluster start-up
is reported apart. Prints sentences/s, the overhead ratio (Ray seconds / local seconds), the
extra seconds (mostly a fixed cost per call: actor start and model load) and whether the outputs
are identical (they must be).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--cap", type=int, default=50, help="max_decoding_length")
    parser.add_argument("--block-size", type=int, default=64, help="inputs per Ray block")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from mt_throughput import argos_size_package, seed_sentences

    _work, package = argos_size_package("ray-scale-")
    from toolkit.mt.engine import DecodeOptions, PackageEngine
    from toolkit.mt.ray import RayEngine, RayOptions, require_ray

    options = DecodeOptions(beam=args.beam, max_decoding_length=args.cap, chunk=args.sentences)
    local = PackageEngine(package, options)
    sentences = seed_sentences(args.sentences, local)
    local.translate_batch(sentences[:2])  # load the model outside the timing
    start = time.perf_counter()
    expected = local.translate_batch(sentences)
    rows = [("local PackageEngine", time.perf_counter() - start, True)]

    import logging

    ray = require_ray()  # sets RAY_ENABLE_UV_RUN_RUNTIME_ENV before the import
    start = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, logging_level=logging.WARNING)
    print(f"local Ray cluster ({args.cpus} CPUs) started in {time.perf_counter() - start:.1f} s")
    try:
        for actors in (1, 2):
            engine = RayEngine(
                package, options, RayOptions(actors=actors, block_size=args.block_size)
            )
            start = time.perf_counter()
            outputs = engine.translate_batch(sentences)
            label = f"ray, {actors} actor{'s' if actors > 1 else ''}"
            rows.append((label, time.perf_counter() - start, outputs == expected))
    finally:
        ray.shutdown()

    local_seconds = rows[0][1]
    print(
        f"{len(sentences)} sentences, beam {args.beam}, output capped at {args.cap} tokens, "
        f"{os.cpu_count()} cores, blocks of {args.block_size}"
    )
    print(
        f"{'path':<24}{'seconds':>10}{'sentences/s':>14}{'overhead':>10}{'extra s':>9}"
        f"{'identical':>11}"
    )
    for label, seconds, identical in rows:
        print(
            f"{label:<24}{seconds:>10.1f}{len(sentences) / seconds:>14.1f}"
            f"{seconds / local_seconds:>9.2f}x{seconds - local_seconds:>9.1f}{identical!s:>11}"
        )
    if not all(identical for _, _, identical in rows):
        raise SystemExit("Ray outputs differ from the local engine's")


if __name__ == "__main__":
    main()
