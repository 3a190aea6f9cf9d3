"""Glossary recall and precision on real news paragraphs the glossary was not built from.

Scores the hand-annotated paragraphs in ``tests/data/heldout/`` (12 per script and set; see its
README for how they were chosen and annotated, and ``toolkit/glossary/evaluate.py`` for what
counts) with the current glossary and with a baseline glossary from git — by default the one
before issue 9 (commit 570e6c4, 145 concepts) — in the same run. Sets ``a`` and ``c`` are
development sets (their misses may be printed, to find classes of failure; ``c`` was measured
once, fresh, before it was studied); ``b`` and ``d`` are test sets: only their figures are
printed unless ``--details b`` / ``--details d`` is given.

    uv run python benchmarks/terminology.py [--baseline-rev 570e6c4] [--details a]

Goals (issue 9): ≥ 98 % concept recall per script, zero false hits.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.glossary.evaluate import (  # noqa: E402
    SCRIPTS,
    Linker,
    Score,
    load_paragraphs,
    proposed_misses,
    read_links,
    score_paragraphs,
)
from toolkit.glossary.store import load_glossary  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "heldout"


def baseline_glossary(rev: str, into: Path) -> Path | None:
    """The ``glossary/`` folder of commit ``rev``, extracted into ``into`` (None outside git)."""
    try:
        blob = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "glossary"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(blob)) as archive:
        archive.extractall(into, filter="data")
    return into / "glossary"


def row(label: str, score: Score) -> str:
    return (
        f"  {label:<22} {score.paragraphs:>3} par {score.mentions:>4} mentions  "
        f"recall {score.recall:6.1%}  concept recall {score.concept_recall:6.1%}  "
        f"precision {score.precision:6.1%}  false hits {len(score.false_hits):>3}  "
        f"ambiguous {score.ambiguous_hits:>2} (flagged {score.flagged})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-rev", default="570e6c4")
    parser.add_argument("--details", choices=["a", "b", "c", "d", "e", "f", "none"], default="a")
    parser.add_argument(
        "--unlinked",
        action="store_true",
        help="only list the annotation names no glossary concept stands for (to keep links.toml)",
    )
    args = parser.parse_args()
    if args.unlinked:
        linker = Linker(load_glossary(ROOT / "glossary"), read_links(HELDOUT / "links.toml"))
        for script in SCRIPTS:
            for item in load_paragraphs(HELDOUT, script):
                for mention in item["mentions"]:
                    names = [mention["concept"], *mention.get("parts", ())]
                    for name in names:
                        if not linker(name):
                            print(f"{script}\t{mention['type']}\t{name}")
        return

    links = read_links(HELDOUT / "links.toml")
    current = load_glossary(ROOT / "glossary")
    glossaries = [(f"glossary ({len(current)} concepts)", current)]
    with tempfile.TemporaryDirectory() as temp:
        folder = baseline_glossary(args.baseline_rev, Path(temp))
        if folder is not None:
            old = load_glossary(folder)
            glossaries.append((f"baseline {args.baseline_rev} ({len(old)})", old))
        for script in SCRIPTS:
            items = load_paragraphs(HELDOUT, script)
            print(f"{script}")
            for name, glossary in glossaries:
                linker = Linker(glossary, links)
                print(f" {name}")
                for chosen in sorted({item["set"] for item in items}):
                    score = score_paragraphs(
                        [item for item in items if item["set"] == chosen], glossary, linker
                    )
                    print(row(f"set {chosen}", score))
                    if glossary is current and score.misses:
                        chosen_items = [item for item in items if item["set"] == chosen]
                        proposed = proposed_misses(chosen_items, score.misses, glossary)
                        print(
                            f"  {'':<22} glossary suggest proposes {proposed} of the "
                            f"{len(score.misses)} missed mentions to a reviewer"
                        )
                    if glossary is current and args.details == chosen:
                        for miss in score.misses:
                            linked = ", ".join(sorted(miss.concepts)) or "not in glossary"
                            print(
                                f"    miss  {miss.paragraph}: {miss.surface} = {miss.name} "
                                f"({linked})"
                            )
                        for paragraph, surface, concept in score.false_hits:
                            print(f"    false {paragraph}: {surface} → {concept}")


if __name__ == "__main__":
    main()
