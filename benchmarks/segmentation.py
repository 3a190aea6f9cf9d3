"""Sentence segmentation: accuracy on the golden cases, speed, and a 50 MB single-line file.

Baseline: pySBD (a development dependency), measured in the same run on the same input.

    .venv/bin/python benchmarks/segmentation.py [--reference ../shared/reference/sbd]
        [--big-mb 50] [--skip-big]

1. Accuracy per reference file (``reference/sbd/*.json``), for our rules and for pySBD, each case
   compared as its ``comparison`` field says (see toolkit/segment/evaluate.py).
2. Speed in characters per second on the seed paragraphs, ours against pySBD.
3. One long line cut at growing sizes, both splitters: the growth factor when the size doubles
   (2 means linear, 4 quadratic).
4. A ``--big-mb`` MB single-line file per language (German, Chinese) through the whole ingest +
   segment pipeline (``iter_segments``), plus a file a tenth that size: time, segments, peak
   memory, and the time ratio for 10× the size (≈10 means linear). pySBD is not run on it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.segment import SEGMENTER_ID, iter_segments, split_sentences  # noqa: E402
from toolkit.segment.evaluate import score_all  # noqa: E402

DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference" / "sbd"
SEEDS = ROOT / "seeds"

# Sentences for the big files: abbreviations, ordinals, quotes and numbers on every line.
GERMAN_CHUNK = (
    "Die USA fordern von Europa, bis 2027 den Großteil der Verteidigung zu übernehmen. "
    "Das teilten Beamte am 17. Juni mit, u. a. Dr. Müller von der NATO. "
    "„Die Verbündeten haben es erkannt. Sie handeln“, sagte der Sprecher. "
    "Die Kosten liegen bei 3.5 Mrd. Euro bzw. 1.000 Euro pro Kopf! "
)
CHINESE_CHUNK = (
    "前北约驻美大使伊沃.达尔德表示:“这场危机远比北约 77 年历史上任何一次都严重。彻底结束了。”"
    "我们明天一起去看《摔跤吧！爸爸》好吗？好！澤連斯基于12月20日對記者說。"
    "他们寄希望于去年北约成员国共同承诺,到 2035 年将开支提高到 5%……"
)


def pysbd_splitter():
    import pysbd

    cache: dict[str, object] = {}

    def split(text: str, lang: str) -> list[tuple[int, int]]:
        segmenter = cache.get(lang)
        if segmenter is None:
            segmenter = cache[lang] = pysbd.Segmenter(language=lang, clean=False)
        spans: list[tuple[int, int]] = []
        cursor = 0
        for sentence in segmenter.segment(text):  # type: ignore[attr-defined]
            piece = sentence.strip()
            if not piece:
                continue
            found = text.find(piece, cursor)
            if found < 0:  # pySBD changed the text: keep the cut where it said
                found = cursor
            spans.append((found, found + len(piece)))
            cursor = found + len(piece)
        return spans

    return split


def accuracy(reference: Path) -> dict[str, float]:
    print(f"== accuracy on {reference} (ours: {SEGMENTER_ID}, baseline: pySBD)")
    ours = {score.name: score for score in score_all(reference, split_sentences)}
    baseline = {score.name: score for score in score_all(reference, pysbd_splitter())}
    print(f"{'file':34} {'cases':>5} {'ours':>14} {'pySBD':>14}")
    for name, score in ours.items():
        other = baseline[name]
        print(
            f"{name:34} {score.cases:5d} "
            f"{score.correct:4d} {score.accuracy:7.1%}  {other.correct:4d} {other.accuracy:7.1%}"
        )
    for score in ours.values():
        for failure in score.failures:
            print(f"  ours fails {score.name}: {failure.text[:70]!r}")
    return {name: score.accuracy for name, score in ours.items()}


def seed_paragraphs() -> list[tuple[str, str]]:
    from toolkit.ingest import iter_documents

    return [(p.text, p.lang) for doc in iter_documents([SEEDS]) for p in doc.paragraphs]


def speed() -> None:
    paragraphs = seed_paragraphs() * 5
    chars = sum(len(text) for text, _ in paragraphs)
    print(f"\n== speed on the seed paragraphs ×5 ({chars:,} characters)")
    results = {}
    for name, split in (("ours", split_sentences), ("pySBD", pysbd_splitter())):
        began = time.perf_counter()
        count = sum(len(split(text, lang)) for text, lang in paragraphs)
        elapsed = time.perf_counter() - began
        results[name] = chars / elapsed
        print(f"{name:6} {elapsed:7.3f} s  {chars / elapsed:12,.0f} chars/s  {count} sentences")
    print(f"ours/pySBD speed ratio: {results['ours'] / results['pySBD']:.1f}×")


def best_time(function, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - began)
    return best


def scaling() -> None:
    """Time both splitters on growing prefixes of one line: doubling the size should double time.

    pySBD gets 25–100 k characters (it needs seconds there already), ours 0.5–4 M; best of 3.
    """
    print("\n== one long line, growing: best time per size, and growth when the size doubles")
    print("   (×2 per doubling is linear, ×4 quadratic)")
    plans = (
        ("pySBD", pysbd_splitter(), (25_000, 50_000, 100_000), 1),
        ("ours", split_sentences, (500_000, 1_000_000, 2_000_000, 4_000_000), 3),
    )
    for lang, chunk in (("de", GERMAN_CHUNK), ("zh", CHINESE_CHUNK)):
        for name, split, sizes, repeat in plans:
            line = chunk * (max(sizes) // len(chunk) + 1)
            cells, previous = [], None
            for size in sizes:
                elapsed = best_time(split, line[:size], lang, repeat=repeat)
                growth = f" ×{elapsed / previous:.1f}" if previous else ""
                previous = elapsed
                cells.append(f"{size / 1e6:g}M {elapsed:6.3f} s{growth}")
            print(f"{lang} {name:6} " + " | ".join(cells))


def write_single_line(path: Path, chunk: str, megabytes: float) -> int:
    target = int(megabytes * 1_000_000)
    unit = chunk.encode("utf-8")
    repeats = max(1, target // len(unit))
    with path.open("wb") as handle:
        for _ in range(repeats):
            handle.write(unit)
        handle.write(b"\n")
    return repeats * len(unit)


def run_big(path: Path) -> tuple[float, int]:
    began = time.perf_counter()
    count = 0
    for _ in iter_segments([path]):
        count += 1
    return time.perf_counter() - began, count


def big_files(megabytes: float) -> None:
    print(f"\n== single-line files through ingest + segment (iter_segments), {megabytes:g} MB")
    print("   (pySBD is not run: its time grows with the square of the line, see above)")
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as folder:
        for lang, chunk in (("de", GERMAN_CHUNK), ("zh", CHINESE_CHUNK)):
            small = Path(folder) / f"small_{lang}.txt"
            big = Path(folder) / f"big_{lang}.txt"
            small_bytes = write_single_line(small, chunk, megabytes / 10)
            big_bytes = write_single_line(big, chunk, megabytes)
            small_time = min(run_big(small)[0] for _ in range(3))
            big_time, count = run_big(big)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{lang}: {big_bytes / 1e6:6.1f} MB in {big_time:6.1f} s "
                f"({big_bytes / 1e6 / big_time:5.1f} MB/s), {count:,} segments; "
                f"{small_bytes / 1e6:5.1f} MB in {small_time:5.2f} s; "
                f"10× size → ×{big_time / small_time:4.1f} time (linear ≈ 10); "
                f"peak RSS so far {peak_mb:,.0f} MB"
            )
            split_began = time.perf_counter()
            split_sentences(big.read_text(encoding="utf-8"), lang)
            print(f"    of which split_sentences alone: {time.perf_counter() - split_began:5.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--big-mb", type=float, default=50.0)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    if args.reference.is_dir():
        accuracy(args.reference)
    else:
        print(f"(no reference cases at {args.reference}: accuracy skipped)")
    speed()
    scaling()
    if not args.skip_big:
        big_files(args.big_mb)


if __name__ == "__main__":
    main()
