"""Check a glossary folder and report every problem, not only the first.

The loader (:mod:`toolkit.glossary.store`) stops at the first fault; here each file and each
concept is read on its own so one run lists them all:

* schema errors from the loader (bad TOML, unknown keys, unknown language codes, a ``not_in``
  entry that does not contain its term, …), every one of them;
* duplicate concept ids;
* one surface (folded: script, case and width ignored) in two concepts, unless every term
  sharing it says by ``near`` cues which context makes it that concept's (a homonym);
* ``near`` / ``not_near`` cues naming a concept (``@id``) that does not exist;
* a "term" that is no term: a date or number (1941年12月7日 would turn every mention of that day
  into the event), a single Chinese character, an article or preposition;
* with ``require_sources``, a rendering without a ``seen`` document or a ``source`` (English
  terms of a concept with ``refs`` are covered by them) — the project's own glossary policy;
* a language with terms but no preferred term, or more than one (zh-Hant: one plain preferred,
  plus at most one per region);
* a plain (non-regional) zh-Hant term that does not t2s-normalise to a zh-Hans term of its concept;
* with a seeds folder, ``seen`` ids that name no document there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.models import Concept, Term


@dataclass(frozen=True, order=True)
class Problem:
    """One fault, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else (f"{self.path}: {self.message}")
        )


def validate_glossary(
    glossary_dir: Path | str, seeds: Path | str | None = None, *, require_sources: bool = False
) -> list[Problem]:
    """Every problem of the glossary at ``glossary_dir``, sorted by file and line."""
    from toolkit.glossary import store

    files = store.glossary_files(Path(glossary_dir))
    problems: list[Problem] = []
    concepts: list[Concept] = []
    for file in files:
        concepts.extend(_read_file(file, problems))
    first: dict[str, Concept] = {}
    for concept in concepts:
        if concept.id in first:
            earlier = first[concept.id]
            problems.append(
                _problem(
                    concept,
                    None,
                    (
                        f"duplicate concept id {concept.id!r} "
                        f"(first at {earlier.path}:{earlier.line})"
                    ),
                )
            )
        else:
            first[concept.id] = concept
    full = [store.with_derived_forms(concept) for concept in first.values()]
    problems.extend(_shared_surfaces(full))
    ids = {concept.id for concept in full}
    for concept in full:
        problems.extend(_preferred_counts(concept))
        problems.extend(_hant_without_hans(concept))
        problems.extend(_context_cues(concept, ids))
        problems.extend(_not_terms(concept))
        if require_sources:
            problems.extend(_unsourced(concept))
    if seeds is not None:
        problems.extend(_unknown_seen(full, Path(seeds)))
    return sorted(set(problems))


def _read_file(file: Path, problems: list[Problem]) -> list[Concept]:
    """The concepts of one file that pass the loader's checks; the others become problems."""
    from toolkit.glossary import store

    errors: list[GlossaryError] = []
    concepts = store.read_concepts(file, errors)
    problems.extend(_from_error(error, file) for error in errors)
    return concepts


def _from_error(exc: GlossaryError, file: Path) -> Problem:
    message = exc.message + (f" — {exc.hint}" if exc.hint else "")
    return Problem(exc.path or str(file), exc.line or 0, " ".join(message.split()))


def _problem(concept: Concept, term: Term | None, message: str) -> Problem:
    line = (term.line if term is not None and term.line else None) or concept.line or 0
    return Problem(concept.path or "", line, message)


def _shared_surfaces(concepts: Iterable[Concept]) -> list[Problem]:
    from toolkit.chinese import fold

    owners: dict[str, dict[str, Term]] = defaultdict(dict)
    where: dict[tuple[str, str], Concept] = {}
    uncued: dict[str, set[str]] = defaultdict(set)  # concepts whose term there asks no cue
    for concept in concepts:
        for term in concept.terms:
            key = fold(" ".join(term.text.split()))
            owners[key].setdefault(concept.id, term)
            where[(key, concept.id)] = concept
            if not term.near:
                uncued[key].add(concept.id)
    problems = []
    for key, by_concept in owners.items():
        # A homonym: every sense has cues, or all but one — the default sense.
        if len(by_concept) < 2 or len(uncued[key]) <= 1:
            continue
        ids = sorted(by_concept)
        for concept_id in ids:
            term = by_concept[concept_id]
            others = ", ".join(other for other in ids if other != concept_id)
            problems.append(
                _problem(
                    where[(key, concept_id)],
                    term,
                    (f"concept {concept_id}: {term.text!r} ({term.lang}) also belongs to {others}"),
                )
            )
    return problems


def _preferred_counts(concept: Concept) -> list[Problem]:
    problems = []
    by_lang: dict[str, list[Term]] = defaultdict(list)
    for term in concept.terms:
        by_lang[term.lang].append(term)
    for lang, terms in by_lang.items():
        plain = [t for t in terms if t.status == "preferred" and t.region is None]
        regional: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            if term.status == "preferred" and term.region is not None:
                regional[term.region].append(term)
        if not plain and not regional:
            problems.append(
                _problem(
                    concept,
                    terms[0],
                    (f"concept {concept.id}: {lang} has terms but no preferred one"),
                )
            )
        elif not plain and lang != "zh-Hant":
            problems.append(
                _problem(
                    concept,
                    terms[0],
                    (f"concept {concept.id}: {lang} has only regional preferred terms"),
                )
            )
        if len(plain) > 1:
            names = ", ".join(repr(t.text) for t in plain)
            problems.append(
                _problem(
                    concept,
                    plain[1],
                    (f"concept {concept.id}: {lang} has {len(plain)} preferred terms ({names})"),
                )
            )
        for region, group in regional.items():
            if len(group) > 1:
                names = ", ".join(repr(t.text) for t in group)
                problems.append(
                    _problem(
                        concept,
                        group[1],
                        (
                            f"concept {concept.id}: {lang} has {len(group)} preferred terms "
                            f"for region {region} ({names})"
                        ),
                    )
                )
    return problems


def _hant_without_hans(concept: Concept) -> list[Problem]:
    from toolkit.chinese import fold, to_hans

    hans = {t.text for t in concept.terms if t.lang == "zh-Hans"}
    folded = {fold(text) for text in hans}
    problems = []
    for term in concept.terms:
        if term.lang != "zh-Hant" or term.region is not None or term.derived:
            continue
        if to_hans(term.text) in hans or fold(term.text) in folded:
            continue
        problems.append(
            _problem(
                concept,
                term,
                (
                    f"concept {concept.id}: zh-Hant {term.text!r} has no zh-Hans counterpart "
                    f"(t2s gives {to_hans(term.text)!r}) — add it, or mark the term with a region"
                ),
            )
        )
    return problems


def _context_cues(concept: Concept, ids: set[str]) -> list[Problem]:
    problems = []
    for term in concept.terms:
        if term.derived:
            continue
        if not term.enforce and (term.status == "preferred" or term.dnt):
            problems.append(
                _problem(
                    concept,
                    term,
                    f"concept {concept.id}: {term.lang} {term.text!r} is "
                    f"{'do-not-translate' if term.dnt else 'preferred'} but not enforced — a "
                    "rendering the pipeline writes must be enforced; make it admitted",
                )
            )
        for cue in (*term.near, *term.not_near):
            if cue.startswith("@") and cue[1:] not in ids:
                problems.append(
                    _problem(
                        concept,
                        term,
                        f"concept {concept.id}: context cue {cue!r} of {term.text!r} names no "
                        "concept — write @ and an existing concept id",
                    )
                )
    return problems


_NUMERIC = re.compile(r"[\d\s.,:/%年月日号號-]+")


def _not_terms(concept: Concept) -> list[Problem]:
    from toolkit.chinese import is_han
    from toolkit.glossary.inflect import FUNCTION_WORDS
    from toolkit.ingest.blocks import parse_date

    problems = []
    for term in concept.terms:
        if term.derived:
            continue
        text = term.text
        if parse_date(text) or _NUMERIC.fullmatch(text):
            why = "a date or number"
        elif len(text) == 1 and is_han(text):
            why = "a single Chinese character"
        elif not term.case_sensitive and text.casefold() in FUNCTION_WORDS:
            why = "an article or preposition"
        else:
            continue
        problems.append(
            _problem(
                concept,
                term,
                f"concept {concept.id}: {text!r} is {why}, not a term — every occurrence would "
                "become the concept; remove it (numbers and dates are checked by QA instead)",
            )
        )
    return problems


def _unsourced(concept: Concept) -> list[Problem]:
    """Renderings nobody says where they come from: every term is there because the domain's
    media use it."""
    problems = []
    for term in concept.terms:
        if term.derived or term.seen or term.source:
            continue
        if term.lang == "en" and concept.refs:
            continue
        problems.append(
            _problem(
                concept,
                term,
                f"concept {concept.id}: {term.lang} {term.text!r} has no source — add "
                'source = "outlet, URL or reference that uses it" (or seen = [doc ids])',
            )
        )
    return problems


def document_ids(seeds: Path) -> set[str]:
    """Ids a ``seen`` list may name: :func:`toolkit.ingest.document_id` of each file."""
    from toolkit.ingest import document_id

    if not seeds.is_dir():
        raise GlossaryError("seeds folder not found", path=seeds, hint="pass --seeds DIR")
    return {
        document_id(path)
        for path in seeds.iterdir()
        if path.is_file() and not path.name.startswith(".")
    }


def _unknown_seen(concepts: Iterable[Concept], seeds: Path) -> list[Problem]:
    known = document_ids(seeds)
    problems = []
    for concept in concepts:
        for term in concept.terms:
            for doc in term.seen:
                if doc not in known:
                    problems.append(
                        _problem(
                            concept,
                            term,
                            (
                                f"concept {concept.id}: {term.text!r} is marked seen in {doc!r}, "
                                f"which is not a document in {seeds}"
                            ),
                        )
                    )
    return problems
