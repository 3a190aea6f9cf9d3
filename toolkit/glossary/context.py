"""What a hit means where it stands: the stage between the automaton and every consumer.

The automaton knows strings; four rules need the text around them.

* **Titles.** A term strictly inside a 《…》 or 〈…〉 title is a word of that name, not the term:
  华盛顿 in 《华盛顿邮报》 is no city, 北约 in 《北约2022战略概念》 no organisation. A term that is
  the whole title (《金融时报》) stands.
* **Other words.** Characters of a term that belong to two other words: 北约 in
  "波克罗夫斯克以北约20公里" is 以北 "north of" + 约 "about" before a distance. The reading is
  recognised by the words around it (a compass phrase before, a number after), which no
  ``not_in`` string can spell out for every number.
* **Cues.** A term with ``near`` cues counts only where one of them occurs in the same
  paragraph, or where its concept was named unambiguously before in the same document (one
  sense per discourse: "Christopher Landau … Landau said"); a term with ``not_near`` cues does
  not count where one occurs. A cue is a string (folded, so any script or case) or ``@id``, a
  hit of that concept.
* **Homonyms.** A surface several concepts share (沃尔兹: Mike Waltz, Tim Walz) is decided by
  the same cues, then by which candidate the document named before; here the cues choose
  between senses rather than gate the term. One sense may ask for no cue: it is the *default
  sense* (哈尔科夫 the city, unless the paragraph speaks of regions or names the oblast). When
  nothing decides and there is no default, the hit is kept *ambiguous*: ``concept`` is the
  first candidate, ``alternatives`` the others, and nobody downstream asserts either sense.

Paragraphs stream: a paragraph is resolved when the next one starts, with what the document
named before it, so memory stays bounded on any corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from toolkit.chinese import fold
from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Term, TermHit


class _Hit(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def concept(self) -> str: ...
    @property
    def term(self) -> Term: ...


H = TypeVar("H", bound=_Hit)
Rebuild = Callable[[H, str, Term, tuple[str, ...]], H]

_TITLE = re.compile(r"《([^《》\n]+)》|〈([^〈〉\n]+)〉")
_TITLE_MARKS = ("《", "〈")


def in_titles(text: str) -> list[tuple[int, int]]:
    """Spans of the insides of the 《…》 / 〈…〉 titles of ``text``."""
    if not any(mark in text for mark in _TITLE_MARKS):
        return []
    return [match.span(1) if match.group(1) else match.span(2) for match in _TITLE.finditer(text)]


# (pattern, the group that is no term there), written for both scripts so that the text need
# not be folded: this runs on every text with hits.
_OTHER_WORDS = (
    # 以北约20公里 / 东北约3千米 / 西北約兩公里: "(north) of, about N": no NATO.
    re.compile(
        r"(?:[以东東西正偏]|方向)(北[约約])"
        r"(?=\s*[0-9０-９一二两兩三四五六七八九十百千几幾数數半])"
    ),
)
_OTHER_WORDS_HINTS = ("北约", "北約")  # a text without them has no such reading


def other_words(text: str) -> list[tuple[int, int]]:
    """Spans where a term's characters belong to other words (see the module notes)."""
    if not any(hint in text for hint in _OTHER_WORDS_HINTS):
        return []
    return [match.span(1) for pattern in _OTHER_WORDS for match in pattern.finditer(text)]


def outside_other_words(hits: list[H], text: str) -> list[H]:
    """``hits`` (with ``start``/``end`` in ``text``) without those strictly inside a title and
    those whose characters belong to other words there."""
    titles = in_titles(text)
    others = other_words(text) if hits else []
    if not titles and not others:
        return hits
    return [
        hit
        for hit in hits
        if not any(
            low <= hit.start and hit.end <= high and (hit.start, hit.end) != (low, high)
            for low, high in titles
        )
        and (hit.start, hit.end) not in others
    ]


class ContextRules:
    """The glossary's context-dependent terms, and the resolution of a paragraph's hits."""

    def __init__(self, glossary: Glossary) -> None:
        owners: dict[str, list[tuple[str, Term]]] = {}
        for concept, term in glossary.terms():
            owners.setdefault(fold(term.text), []).append((concept.id, term))
        # id(term) → the (concept, term) candidates a hit through it may mean. Terms are the
        # glossary's own objects (the matcher hands them out), kept alive by self._glossary.
        self._glossary = glossary
        self._candidates: dict[int, tuple[tuple[str, Term], ...]] = {}
        for pairs in owners.values():
            concepts = {concept for concept, _ in pairs}
            for concept, term in pairs:
                if len(concepts) > 1:
                    self._candidates[id(term)] = _one_per_concept(pairs, term)
                elif term.near or term.not_near:
                    self._candidates[id(term)] = ((concept, term),)
        self._cues: dict[str, str] = {}

    @property
    def active(self) -> bool:
        """Whether any term depends on its context."""
        return bool(self._candidates)

    def resolve(self, hits: list[H], text: str, named: set[str], rebuild: Rebuild[H]) -> list[H]:
        """The hits of one paragraph (``text``), decided; ``named`` holds the concepts the
        document named unambiguously before, and grows by this paragraph's."""
        candidates = self._candidates
        if not candidates or not any(id(hit.term) in candidates for hit in hits):
            named.update(hit.concept for hit in hits)
            return hits
        folded = fold(text)
        # Concepts named in this paragraph (cues), and before it in the document (memory).
        here = {hit.concept for hit in hits if id(hit.term) not in candidates}
        decided: dict[int, tuple[str, Term] | list[tuple[str, Term]] | None] = {}
        for _ in range(2):  # a hit decided in the first pass may be the cue of another
            for number, hit in enumerate(hits):
                options = candidates.get(id(hit.term))
                if options is None:
                    continue
                strengths = [
                    (self._strength(concept, term, folded, here, named), (concept, term))
                    for concept, term in options
                ]
                best = max(strength for strength, _ in strengths)
                if len(options) == 1:
                    viable = [option for strength, option in strengths if strength >= _PLAIN]
                elif best >= _REMEMBERED:
                    # The strongest evidence decides: a cue here beats a name said before.
                    viable = [option for strength, option in strengths if strength == best]
                else:
                    # A homonym's cues choose between its senses; none present, the default
                    # sense (the one asking for no cue) holds, and without one it stays open.
                    viable = [option for strength, option in strengths if strength == _PLAIN]
                    if len(viable) != 1:
                        viable = [option for strength, option in strengths if strength > _EXCLUDED]
                if len(viable) == 1:
                    decided[number] = viable[0]
                    here.add(viable[0][0])
                else:
                    decided[number] = viable or None
        out = []
        for number, hit in enumerate(hits):
            if number not in decided:
                out.append(hit)
                continue
            outcome = decided[number]
            if outcome is None:
                continue
            if isinstance(outcome, tuple):
                concept, term = outcome
                if concept != hit.concept or term is not hit.term:
                    hit = rebuild(hit, concept, term, ())
                out.append(hit)
            else:
                first, *others = _first_as_matched(outcome, hit)
                out.append(rebuild(hit, first[0], first[1], tuple(c for c, _ in others)))
        named.update(here)
        return out

    def _strength(
        self, concept: str, term: Term, folded: str, here: set[str], named: set[str]
    ) -> int:
        """How well the context supports reading the hit as ``concept`` (see the constants)."""
        if any(self._present(cue, folded, here) for cue in term.not_near):
            return _EXCLUDED
        if concept in here or any(self._present(cue, folded, here) for cue in term.near):
            return _CUED
        if concept in named:
            return _REMEMBERED
        return _PLAIN if not term.near else _UNSUPPORTED

    def _present(self, cue: str, folded: str, here: set[str]) -> bool:
        if cue.startswith("@"):
            return cue[1:] in here
        key = self._cues.get(cue)
        if key is None:
            key = self._cues[cue] = fold(cue)
        return key in folded


# What the context says for one reading of a hit, weakest first.
_EXCLUDED = 0  # a not_near cue is in the paragraph
_UNSUPPORTED = 1  # it has near cues, and none is there
_PLAIN = 2  # it asks for no cue
_REMEMBERED = 3  # the document named the concept before
_CUED = 4  # a near cue is in the paragraph, or the concept is named in it


def _one_per_concept(
    pairs: Sequence[tuple[str, Term]], matched: Term
) -> tuple[tuple[str, Term], ...]:
    """One (concept, term) per concept sharing a surface: the term in ``matched``'s language
    when the concept has one (its cues are the ones written for that language)."""
    best: dict[str, Term] = {}
    for concept, term in pairs:
        known = best.get(concept)
        if known is None or (term.lang == matched.lang and known.lang != matched.lang):
            best[concept] = term
    best_of_matched = next(c for c, t in pairs if t is matched)
    best[best_of_matched] = matched
    return tuple(best.items())


def _first_as_matched(options: list[tuple[str, Term]], hit: _Hit) -> list[tuple[str, Term]]:
    """The candidates with the one the matcher ranked first (its own pick) at the head."""
    return sorted(options, key=lambda option: option[0] != hit.concept)


def rebuild_hit(hit: TermHit, concept: str, term: Term, alternatives: tuple[str, ...]) -> TermHit:
    from dataclasses import replace

    return replace(hit, concept=concept, term=term, alternatives=alternatives)


def resolve_segments(
    rules: ContextRules, batches: Iterable[tuple[Sequence[Segment], list[TermHit]]]
) -> Iterator[TermHit]:
    """Hits of batches of segments (each batch's hits in segment order), decided paragraph by
    paragraph (see the module notes)."""
    key: tuple[str, int] | None = None
    texts: list[str] = []
    pending: list[TermHit] = []
    named: set[str] = set()
    doc: str | None = None
    for batch, hits in batches:
        position = 0
        for segment in batch:
            own: list[TermHit] = []
            while position < len(hits) and hits[position].segment == segment.id:
                own.append(hits[position])
                position += 1
            here = (segment.doc, segment.paragraph)
            if here != key:
                if pending:
                    yield from rules.resolve(pending, "\n".join(texts), named, rebuild_hit)
                texts, pending, key = [], [], here
                if segment.doc != doc:
                    named, doc = set(), segment.doc
            texts.append(segment.text)
            if own:
                pending.extend(outside_other_words(own, segment.text))
    if pending:
        yield from rules.resolve(pending, "\n".join(texts), named, rebuild_hit)
