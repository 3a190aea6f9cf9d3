"""Server throughput: N concurrent LibreTranslate clients against one batched pipeline pass.

    .venv/bin/python benchmarks/serve.py [--sentences 160] [--clients 16] [--per-request 1]
                                         [--beam 4] [--cap 50] [--glossary DIR] [--window-ms 5]
                                         [--passes 1] [--time-limit 900]
                                         [--batching exact,padded]

Both sides run the Argos-size random package (zh→en, 6+6 layers, d_model 512, int8; built by
``toolkit.testing.models``) on the same unique Chinese seed sentences (each cut to ≤ 25 tokens),
outputs capped at ``--cap`` tokens, each with a fresh translation memory (so nothing comes from
it), after a warm-up that loads the model.

* **pipeline**: what ``toolkit translate`` does — one :class:`CorpusTranslator` pass over all
  sentences (glossary matching, protection, batched decoding, restoring, QA), each sentence
  written back as a document.
* **server**: ``toolkit serve`` in a child process on a loopback port; ``--clients`` asyncio
  clients (httpx) each send one sentence per ``POST /translate`` (``--per-request`` K: a q list
  of K) and wait for the answer before sending the next, until every sentence is done.

The server runs once per ``--batching`` mode (each with a fresh memory): ``exact`` (batches of
one token length: every output equals the pipeline's, checked) and ``padded`` (the server's
default: lengths mixed, as LibreTranslate batches; outputs may differ from the pipeline's, counted).
Prints sentences/s of each, the server's p50/p99 latency and passes, and the ratio to the
pipeline (goal: the server ≥ 80 % of the pipeline under 16 clients).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def pipeline_pass(sentences, glossary, memory_path, decode) -> tuple[list[str], float]:
    """``toolkit translate``'s path: every sentence a document, one corpus-wide pass."""
    from toolkit.corpus.documents import translated_text
    from toolkit.ingest import document_from_text
    from toolkit.mt.memory import TranslationMemory
    from toolkit.mt.pipeline import CorpusTranslator, TranslateOptions
    from toolkit.segment import SEGMENTER_ID, segment_document

    start = time.perf_counter()
    segments = []
    for number, text in enumerate(sentences):
        segments.extend(segment_document(document_from_text(text, f"s{number}")))
    with TranslationMemory(memory_path) as memory:
        translator = CorpusTranslator(glossary, memory, TranslateOptions("en", decode=decode))
        units = list(translator.run(segments, SEGMENTER_ID))
    outputs = [
        translated_text(text, [u for u in units if u.doc == f"s{n}"], "en", f"s{n}")
        for n, text in enumerate(sentences)
    ]
    return outputs, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def run_clients(
    url: str, sentences: list[str], clients: int, per_request: int, time_limit: float
):
    """Every sentence through ``POST /translate`` (``per_request`` in a q list, or a string),
    ``clients`` requests at a time; (outputs, latencies, seconds, stats)."""
    import httpx

    outputs = [""] * len(sentences)
    latencies: list[float] = []
    queue = [
        list(range(start, min(start + per_request, len(sentences))))
        for start in range(0, len(sentences), per_request)
    ]
    queue.reverse()

    async def client(http: httpx.AsyncClient) -> None:
        while queue:
            numbers = queue.pop()
            q = [sentences[n] for n in numbers] if per_request > 1 else sentences[numbers[0]]
            sent = time.perf_counter()
            response = await http.post("/translate", json={"q": q, "source": "zh", "target": "en"})
            response.raise_for_status()
            latencies.append(time.perf_counter() - sent)
            answer = response.json()["translatedText"]
            for number, text in zip(numbers, answer if per_request > 1 else [answer], strict=True):
                outputs[number] = text

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=time_limit, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(client(http) for _ in range(clients))), timeout=time_limit
        )
        seconds = time.perf_counter() - start
        stats = (await http.get("/stats")).json()
    return outputs, latencies, seconds, stats


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=160)
    parser.add_argument("--clients", type=int, default=16, choices=range(1, 65), metavar="1..64")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--cap", type=int, default=50, help="max tokens of an output, both sides")
    parser.add_argument("--glossary", type=Path, default=None, help="default: the real glossary")
    parser.add_argument("--window-ms", type=float, default=5.0)
    parser.add_argument("--passes", type=int, default=1, help="server passes at once")
    parser.add_argument("--per-request", type=int, default=1, help="sentences per request (q list)")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds, server side")
    parser.add_argument(
        "--batching", default="exact,padded", help="server runs, comma-separated: exact, padded"
    )
    args = parser.parse_args()

    from mt_throughput import argos_size_package, seed_sentences

    os.environ.pop("TOOLKIT_TRANSLATIONS", None)
    work, package = argos_size_package("serve-bench-")
    from toolkit.config import default_glossary_dir
    from toolkit.glossary.store import load_glossary
    from toolkit.mt.engine import DecodeOptions, PackageEngine

    glossary_dir = (args.glossary or default_glossary_dir()).resolve()
    glossary = load_glossary(glossary_dir)
    decode = DecodeOptions(beam=args.beam, max_decoding_length=args.cap)
    sentences = seed_sentences(args.sentences, PackageEngine(package, decode), distinct=True)
    warm = ["北约秘书长说。", "欧盟国家表示支持。"]

    pipeline_pass(warm, glossary, work / "warm.sqlite3", decode)  # model loading, not timed
    expected, pipeline_seconds = pipeline_pass(sentences, glossary, work / "cli.sqlite3", decode)

    count = len(sentences)
    pipeline_rate = count / pipeline_seconds
    print(
        f"{count} distinct sentences, beam {args.beam}, outputs capped at {args.cap} tokens, "
        f"{os.cpu_count()} cores, glossary {glossary_dir} ({len(glossary)} concepts), "
        f"{args.clients} clients × {args.per_request} sentence/request, "
        f"window {args.window_ms:g} ms, {args.passes} passes at once"
    )
    print(f"{'path':<44}{'seconds':>9}{'sentences/s':>13}{'ratio':>8}  latency p50 / p99, passes")
    print(f"{'pipeline, one pass (toolkit translate)':<44}{pipeline_seconds:>9.1f}"
          f"{pipeline_rate:>13.2f}{'1.00':>8}")  # fmt: skip
    failures = []
    for batching in args.batching.split(","):
        outputs, latencies, seconds, passes = serve_run(args, glossary_dir, work, batching, warm,
                                                        sentences)  # fmt: skip
        rate = count / seconds
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        differing = sum(a != b for a, b in zip(outputs, expected, strict=True))
        print(
            f"{'server, --batching ' + batching:<44}{seconds:>9.1f}{rate:>13.2f}"
            f"{rate / pipeline_rate:>8.2f}  {p50:.2f} s / {p99:.2f} s, {passes} passes for "
            f"{len(latencies)} requests; outputs unlike the pipeline's: {differing}"
        )
        if batching == "exact" and differing:
            failures.append(f"--batching exact: outputs differ on {differing} of {count}")
    print("goal: a server ≥ 0.80 of the pipeline under 16 clients")
    if failures:
        raise SystemExit("; ".join(failures))


def serve_run(args, glossary_dir, work, batching, warm, sentences):
    """One ``toolkit serve`` child with ``--batching``, the clients against it; (outputs,
    latencies, seconds, passes)."""
    port = free_port()
    command = [
        sys.executable, "-m", "toolkit", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--glossary", str(glossary_dir), "--beam", str(args.beam), "--max-tokens", str(args.cap),
        "--window-ms", str(args.window_ms), "--passes", str(args.passes), "--batching", batching,
    ]  # fmt: skip
    # A memory of its own per run: nothing may come from an earlier run's answers.
    env = {**os.environ, "TOOLKIT_DATA_DIR": str(work / f"server-data-{batching}")}
    # Run from an empty folder: no ./translations catalogs feed the server's memory.
    child = subprocess.Popen(
        command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        import httpx

        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/languages", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        for text in warm:  # load the model in the server too
            httpx.post(
                url + "/translate", json={"q": text, "source": "zh", "target": "en"}, timeout=120
            )
        before = httpx.get(url + "/stats").json()
        outputs, latencies, seconds, stats = asyncio.run(
            run_clients(url, sentences, args.clients, args.per_request, args.time_limit)
        )
    finally:
        child.terminate()
        child.wait(timeout=30)
    return outputs, latencies, seconds, stats["passes"] - before["passes"]


if __name__ == "__main__":
    main()
