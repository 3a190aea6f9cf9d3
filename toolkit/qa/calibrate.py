"""Length-ratio ranges per language pair, measured on the reviewed reference translations.

The ``length`` check warns when a target is much longer or shorter than its source. What counts
as "much" depends on the pair (a Chinese sentence of 40 characters becomes ~120 English ones, a
German one about as many), so the range is measured, not guessed: for every pair, the ratio
``len(target) / len(source)`` (characters, runs of whitespace counted as one) of each reviewed
unit whose source has at least :data:`MIN_SOURCE_CHARS` characters; the bounds are the smallest
ratio divided by ``1 + MARGIN`` and the largest multiplied by ``1 + MARGIN``. A pair with fewer
than :data:`MIN_UNITS` such units gets no bounds, and the check skips it.

Regenerate the package's table after the references change (a test fails until you do)::

    python -m toolkit.qa.calibrate translations/ --out toolkit/qa/length_ranges.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.models import Unit

#: Sources shorter than this (headings, bylines) have erratic ratios and are left out.
MIN_SOURCE_CHARS = 10
#: Bounds widen the measured extremes by this share on either side.
MARGIN = 0.25
#: Fewer reviewed units than this for a pair: no bounds for it.
MIN_UNITS = 20
PACKAGE_TABLE = "length_ranges.json"


def text_length(text: str) -> int:
    """Characters of ``text`` with each run of whitespace counted as one space."""
    return len(" ".join(text.split()))


def length_ratio(unit: Unit) -> float | None:
    """``len(target) / len(source)``, or None when the source is too short to say."""
    source = text_length(unit.source)
    if source < MIN_SOURCE_CHARS or not unit.target.strip():
        return None
    return text_length(unit.target) / source


@dataclass(frozen=True)
class LengthRange:
    """The accepted ratios of one language pair."""

    src_lang: str
    tgt_lang: str
    low: float
    high: float
    units: int


def calibrate(
    units: Iterable[Unit], *, margin: float = MARGIN, min_units: int = MIN_UNITS
) -> dict[str, Any]:
    """The ranges table (a JSON-ready dict) measured on the reviewed units among ``units``."""
    ratios: dict[tuple[str, str], list[float]] = {}
    for unit in units:
        if unit.status != "reviewed":
            continue
        ratio = length_ratio(unit)
        if ratio is not None:
            ratios.setdefault((unit.src_lang, unit.tgt_lang), []).append(ratio)
    pairs = []
    for (src, tgt), values in sorted(ratios.items()):
        entry: dict[str, Any] = {
            "src_lang": src,
            "tgt_lang": tgt,
            "units": len(values),
            "min": round(min(values), 4),
            "max": round(max(values), 4),
            "low": None,
            "high": None,
        }
        if len(values) >= min_units:
            entry["low"] = round(min(values) / (1 + margin), 4)
            entry["high"] = round(max(values) * (1 + margin), 4)
        pairs.append(entry)
    return {
        "method": (
            "target/source characters (whitespace runs count as one) of reviewed units whose "
            f"source has at least {MIN_SOURCE_CHARS} characters; low = min / (1 + margin), "
            f"high = max × (1 + margin); no bounds below {min_units} units"
        ),
        "margin": margin,
        "min_source_chars": MIN_SOURCE_CHARS,
        "min_units": min_units,
        "pairs": pairs,
    }


def calibrate_folder(folder: Path, **options: Any) -> dict[str, Any]:
    """:func:`calibrate` over the reviewed entries of the PO catalogs in ``folder``."""
    from toolkit.corpus.catalog import read_units

    return calibrate(read_units(Path(folder), reviewed_only=True), **options)


def ranges_from_table(table: Mapping[str, Any]) -> dict[tuple[str, str], LengthRange]:
    """The calibrated pairs of a ranges table, keyed by (source language, target language)."""
    out = {}
    for entry in table.get("pairs", []):
        if entry.get("low") is None or entry.get("high") is None:
            continue
        key = (entry["src_lang"], entry["tgt_lang"])
        out[key] = LengthRange(*key, float(entry["low"]), float(entry["high"]), entry["units"])
    return out


def package_table_path() -> Path:
    return Path(__file__).with_name(PACKAGE_TABLE)


@cache
def package_ranges() -> dict[tuple[str, str], LengthRange]:
    """The ranges shipped with the package (read once, on first use)."""
    path = package_table_path()
    if not path.is_file():
        return {}
    return ranges_from_table(json.loads(path.read_text(encoding="utf-8")))


def dump(table: Mapping[str, Any]) -> str:
    """The table as written to disk: stable key order, one trailing newline."""
    return json.dumps(table, ensure_ascii=False, indent=2) + "\n"


def write_table(table: Mapping[str, Any], out: Path) -> None:
    """Write ``table`` to ``out`` atomically."""
    from toolkit.errors import CatalogError
    from toolkit.files import atomic_writer

    try:
        with atomic_writer(out) as handle:
            handle.write(dump(table))
    except OSError as exc:
        raise CatalogError(f"cannot write the ranges ({exc.strerror})", path=out) from None


def main(argv: list[str] | None = None) -> int:
    """``python -m toolkit.qa.calibrate FOLDER [--out FILE]``: measure and write (or print)."""
    import argparse

    from toolkit.errors import ToolkitError

    parser = argparse.ArgumentParser(
        prog="python -m toolkit.qa.calibrate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("folder", type=Path, help="folder of PO catalogs (translations/)")
    parser.add_argument("--out", type=Path, help="write the table here (default: stdout)")
    args = parser.parse_args(argv)
    try:
        if not args.folder.is_dir():
            raise ToolkitError("no such folder", path=args.folder)
        table = calibrate_folder(args.folder)
        if args.out is None:
            sys.stdout.write(dump(table))
        else:
            write_table(table, args.out)
            calibrated = sum(1 for pair in table["pairs"] if pair["low"] is not None)
            sys.stderr.write(
                f"{args.out}: {calibrated} of {len(table['pairs'])} pairs calibrated\n"
            )
    except ToolkitError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
