"""Export speed and memory: streaming writers on 1 000 000 synthetic units vs an in-memory tree.

    .venv/bin/python benchmarks/export.py [--units 1000000] [--baseline-units 200000]

Each measurement runs in its own subprocess, so peak RSS (``ru_maxrss``) belongs to that writer
alone. Rows:

- ``generate``: only producing the synthetic units (the floor every writer pays);
- ``tmx``, ``tsv``, ``jsonl``, ``moses``: the streaming writers of ``toolkit.corpus.formats``;
- ``tmx-read``: reading the TMX back with the streaming reader;
- baseline, at ``--baseline-units`` (default 200 000; a 1 000 000-unit tree needs several GB):
  ``tmx-tree`` builds the whole TMX tree in memory with lxml (``etree.SubElement``) and writes it
  with ``ElementTree.write``, against ``tmx`` streaming the same units.

Columns: ``seconds`` is wall time including the unit generator; ``cpu s`` the process's CPU time,
the steadier figure on a shared machine. Goal for the streaming TMX writer on 1 000 000 units:
≤ 30 s and ≤ 200 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.corpus.formats import ExportMeta, get_format, term_record  # noqa: E402
from toolkit.models import Unit, UnitTerm  # noqa: E402

META = ExportMeta(
    src_lang="zh-Hans",
    tgt_lang="en",
    signature="toolkit 0.1.0|engine:ctranslate2 4.5|model:translate-zh_en-1.9 sha256:ab12cd34"
    "|beam:4|seg:toolkit-rules 1|glossary:sha256:cd34ef56|opencc:t2s",
)
_ZH = "国务院总理在北京会见了来访的德国联邦总理，双方就经贸合作、气候变化和地区安全交换了意见。"
_EN = (
    "The Premier of the State Council met the visiting German Federal Chancellor in Beijing; "
    "the two sides exchanged views on trade cooperation, climate change & regional security."
)
_TERM = UnitTerm("chancellor-de", "Federal Chancellor", "德国联邦总理", "Federal Chancellor")


def synthetic_units(count: int) -> Iterator[Unit]:
    """``count`` distinct, realistic-sized units (~45 CJK chars → ~170 Latin chars, one term)."""
    for index in range(count):
        doc = f"{index // 5000:04d}"
        text_id = f"{doc}-p{index // 20 % 250:03d}-s{index % 20:02d}"
        yield Unit(
            id=text_id,
            doc=doc,
            source=f"{_ZH}（{index}）",
            target=f"{_EN} <{index}>",
            src_lang="zh-Hans",
            tgt_lang="en",
            status="reviewed" if index % 7 == 0 else "machine",
            terms=(_TERM,),
            signature=META.signature,
            line=index % 400 + 1,
        )


def _tree_baseline(units: Iterator[Unit], out: Path) -> int:
    """The in-memory way: the whole TMX document as one lxml tree, then written at once."""
    from lxml import etree

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        creationtool=META.tool,
        creationtoolversion=META.tool_version,
        segtype="sentence",
        adminlang="en",
        srclang=META.src_lang,
        datatype="plaintext",
    )
    header.set("o-tmf", "toolkit-units")
    etree.SubElement(header, "prop", type="x-signature").text = META.signature
    body = etree.SubElement(root, "body")
    count = 0
    for unit in units:
        tu = etree.SubElement(body, "tu", tuid=unit.id)
        etree.SubElement(tu, "prop", type="x-document").text = unit.doc
        etree.SubElement(tu, "prop", type="x-status").text = unit.status
        etree.SubElement(tu, "prop", type="x-kind").text = unit.kind
        etree.SubElement(tu, "prop", type="x-line").text = str(unit.line)
        for term in unit.terms:
            etree.SubElement(tu, "prop", type="x-term").text = json.dumps(
                term_record(term), ensure_ascii=False, separators=(",", ":")
            )
        for code, text in ((unit.src_lang, unit.source), (unit.tgt_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv", {lang: code})
            etree.SubElement(tuv, "seg").text = text
        count += 1
    etree.ElementTree(root).write(
        str(out),
        encoding="utf-8",
        xml_declaration=True,
        doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
    )
    return count


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _child(job: str, count: int, folder: Path) -> dict[str, float]:
    """Run one measurement in this process and return its figures."""
    start_rss = _peak_rss_mb()
    name = job.removesuffix("-read").removesuffix("-tree")
    out = folder / f"bench.{name}"
    started, cpu_started = time.perf_counter(), time.process_time()
    if job == "generate":
        written = sum(1 for _ in synthetic_units(count))
    elif job == "tmx-tree":
        written = _tree_baseline(synthetic_units(count), out)
    elif job.endswith("-read"):
        written = sum(1 for _ in get_format(name).read(out))
    else:
        written = get_format(job).write(synthetic_units(count), out, META)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    size = sum(p.stat().st_size for p in folder.glob(f"{out.name}*"))
    return {
        "units": written,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "units_per_s": written / seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": start_rss,
        "file_mb": size / 1e6,
    }


def _run(job: str, count: int, folder: Path) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--child",
        job,
        "--units",
        str(count),
        "--dir",
        str(folder),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{job} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--baseline-units", type=int, default=200_000)
    parser.add_argument("--formats", default="tmx,tsv,jsonl,moses")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.units, args.dir)))
        return

    rows: list[tuple[str, int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as tmp:
        folder = Path(tmp)
        jobs = [("generate", args.units)]
        for name in args.formats.split(","):
            jobs.append((name, args.units))
            if name == "tmx":
                jobs.append(("tmx-read", args.units))
        for job, count in jobs:
            rows.append((job, count, _run(job, count, folder)))
            for stale in folder.iterdir():
                if not (job == "tmx" and stale.name == "bench.tmx"):
                    stale.unlink()
        base_folder = folder / "baseline"
        base_folder.mkdir()
        streamed = _run("tmx", args.baseline_units, base_folder)
        tree = _run("tmx-tree", args.baseline_units, base_folder)
        rows += [("tmx", args.baseline_units, streamed), ("tmx-tree", args.baseline_units, tree)]

    columns = ("units", "seconds", "cpu s", "units/s", "peak RSS MB", "file MB")
    widths = (9, 8, 8, 10, 12, 8)
    print(f"{'job':<10} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for job, count, row in rows:
        print(
            f"{job:<10} {count:>9} {row['seconds']:>8.2f} {row['cpu_seconds']:>8.2f} "
            f"{row['units_per_s']:>10.0f} "
            f"{row['peak_rss_mb']:>12.1f} {row['file_mb']:>8.1f}"
        )
    print(f"(interpreter + imports alone: {rows[0][2]['rss_before_mb']:.1f} MB RSS)")
    print(
        f"baseline at {args.baseline_units} units: streaming TMX is "
        f"{tree['seconds'] / streamed['seconds']:.2f}x the speed and uses "
        f"{streamed['peak_rss_mb'] / tree['peak_rss_mb']:.2f}x the peak RSS of the in-memory tree"
    )
    tmx = next(row for job, count, row in rows if job == "tmx" and count == args.units)
    verdict = "meets" if tmx["seconds"] <= 30 and tmx["peak_rss_mb"] <= 200 else "MISSES"
    print(
        f"goal (TMX, {args.units} units, ≤ 30 s and ≤ 200 MB): {verdict} "
        f"({tmx['seconds']:.1f} s wall, {tmx['cpu_seconds']:.1f} s CPU, "
        f"{tmx['peak_rss_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
