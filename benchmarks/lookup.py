"""`toolkit glossary lookup` from a cold start: a new process per query, as a user runs it.

Runs the console script (the fast path, no typer) on the real glossary for a hit, a declined
form, a miss with suggestions and a miss without, several times each, and prints the best and
median wall time per query (the cache in the user cache folder is warm: it is built by the first
run after a glossary change, which is timed apart). Baseline in the same run: loading the
glossary from its TOML files and looking the term up (what a cacheless lookup would cost).

    uv run python benchmarks/lookup.py [--runs 7]

Goal (issues 4 and 9): ≤ 150 ms from a cold start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["Selenski", "des Weißen Hauses", "Selenskj", "qqqqzzzz"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    script = shutil.which("toolkit", path=str(Path(sys.executable).parent)) or "toolkit"
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TOOLKIT_CACHE_DIR": cache}
        glossary = ["--glossary", str(ROOT / "glossary")]
        first = timed([script, "glossary", "lookup", "NATO", *glossary], env)
        print(f"first run after a glossary change (builds the cache): {first * 1000:.0f} ms")
        for query in QUERIES:
            times = [
                timed([script, "glossary", "lookup", query, *glossary], env)
                for _ in range(args.runs)
            ]
            print(
                f"{query!r:24} best {min(times) * 1000:6.0f} ms  median "
                f"{statistics.median(times) * 1000:6.0f} ms  ({args.runs} runs)"
            )
        python = [sys.executable, "-c"]
        baseline = (
            "from toolkit.glossary.store import load_glossary;"
            "from toolkit.glossary.lookup import LookupIndex;"
            f"LookupIndex.build(load_glossary({str(ROOT / 'glossary')!r})).lookup('Selenski')"
        )
        times = [timed([*python, baseline], env) for _ in range(3)]
        print(f"baseline, no cache (TOML + index build per run): best {min(times) * 1000:.0f} ms")
        python_only = [timed([*python, "pass"], env) for _ in range(args.runs)]
        print(f"python interpreter start alone: best {min(python_only) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
