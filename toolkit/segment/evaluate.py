"""Scoring a sentence splitter against the golden cases in ``reference/sbd/*.json``.

Each case is ``{text, expected, comparison, pysbd_options?, expected_count?}``; ``comparison``
says how its upstream test compares (pySBD strips each sentence, sentencex normalises whitespace,
LanguageTool keeps trailing spaces, some LanguageTool cases only count sentences). Cases whose
``pysbd_options`` ask for cleaning are run on the text as pySBD's own ``Cleaner`` leaves it (the
golden sentences are cut from cleaned text, e.g. ``z.B.`` → ``z. B.``), for every splitter alike;
this needs pySBD installed (a development dependency).

Used by ``benchmarks/segmentation.py`` and the golden test; nothing here runs in the pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Splitter = Callable[[str, str], list[tuple[int, int]]]


@dataclass(frozen=True)
class Failure:
    source: str
    text: str
    expected: list[str] | int
    got: list[str]


@dataclass
class FileScore:
    name: str
    cases: int = 0
    correct: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0


def case_language(case: dict, path: Path) -> str:
    """The case's language: pySBD's option, else the one named in the file name."""
    options = case.get("pysbd_options") or {}
    if options.get("language"):
        return str(options["language"])
    return "zh" if "_zh" in path.stem else "de"


def prepared_text(case: dict, lang: str) -> str:
    """The text a splitter receives: cleaned by pySBD's Cleaner when the case asks for it."""
    options = case.get("pysbd_options") or {}
    if not options.get("clean"):
        return case["text"]
    from pysbd.cleaner import Cleaner
    from pysbd.languages import Language

    language = Language.get_language_code(lang)
    return Cleaner(case["text"], language, doc_type=options.get("doc_type")).clean()


def sentences_for(case: dict, text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The sentences as the case's upstream test sees them."""
    comparison = case["comparison"]
    if comparison.startswith("exact"):
        # LanguageTool: every sentence runs up to the next one, trailing spaces included.
        starts = [0, *(start for start, _ in spans[1:])]
        ends = [*starts[1:], len(text)]
        return [text[a:b] for a, b in zip(starts, ends, strict=True)]
    pieces = [text[a:b] for a, b in spans]
    if comparison.startswith("whitespace-normalised"):
        return [" ".join(piece.split()) for piece in pieces]
    return [piece.strip() for piece in pieces]


def case_passes(case: dict, text: str, spans: list[tuple[int, int]]) -> bool:
    comparison = case["comparison"]
    if comparison.startswith("only the number"):
        return len(spans) == case["expected_count"]
    if comparison.startswith("whitespace-normalised"):
        expected = [" ".join(sentence.split()) for sentence in case["expected"]]
    elif comparison.startswith("segments stripped"):
        expected = [sentence.strip() for sentence in case["expected"]]
    elif comparison.startswith("exact"):
        expected = list(case["expected"])
    else:
        raise ValueError(f"unknown comparison: {comparison}")
    return sentences_for(case, text, spans) == expected


def score_file(path: Path, splitter: Splitter) -> FileScore:
    """Run every case of one reference file through ``splitter(text, lang)``."""
    cases = json.loads(path.read_text(encoding="utf-8"))
    score = FileScore(path.name)
    for case in cases:
        lang = case_language(case, path)
        text = prepared_text(case, lang)
        spans = splitter(text, lang)
        score.cases += 1
        if case_passes(case, text, spans):
            score.correct += 1
        else:
            expected = (
                case["expected"]
                if case.get("expected") is not None
                else case.get("expected_count", 0)
            )
            got = [text[a:b] for a, b in spans]
            score.failures.append(Failure(case.get("source", ""), case["text"], expected, got))
    return score


def score_all(reference_dir: Path, splitter: Splitter) -> list[FileScore]:
    """Scores for every ``*.json`` file of ``reference_dir``, sorted by file name."""
    return [score_file(path, splitter) for path in sorted(reference_dir.glob("*.json"))]
