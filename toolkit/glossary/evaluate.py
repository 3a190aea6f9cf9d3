"""Scoring the glossary against hand-annotated news paragraphs (``tests/data/heldout/``).

Each paragraph lists its mentions in order (``surface``, ``concept`` — an English Wikipedia
title or descriptive name, never a glossary id —, ``type``, optional ``parts``). A mention is
*linked* to the glossary concepts that stand for it: the concept whose ``refs`` hold that English
Wikipedia page, or whose English terms hold that name, and those the hand-kept link table names
(``links.toml``: names the annotators wrote differently from the glossary, and the broader
concept a specific mention is also rightly rendered by — "the 2025 NATO summit" mentioned as
北约峰会 is the glossary's "NATO summit"). The paragraph goes through the real path —
ingest, segmentation, :meth:`Matcher.scan` with its context stage — and:

* a mention is **found** when a hit of its linked concept overlaps it, or when every part of a
  compound mention ("法国国防部长": France) is found inside it; **flagged** when an ambiguous hit
  overlapping it lists the concept among its candidates (not asserted, not found);
* a hit is **true** when it overlaps a mention of its concept or of one of the mention's parts,
  **false** otherwise (ambiguous hits count apart).

Concept recall counts each (paragraph, concept) once. Used by ``benchmarks/terminology.py`` and
``tests/test_heldout.py``; nothing here runs in the pipeline.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from toolkit.glossary.model import Glossary

SCRIPTS = ("zh-Hans", "zh-Hant", "de")
_WIKI = "https://en.wikipedia.org/wiki/"


@dataclass(frozen=True)
class Mention:
    paragraph: str
    start: int
    end: int
    surface: str
    name: str  # the annotation's concept name
    concepts: frozenset[str]  # the glossary concepts it is linked to (empty: not in the glossary)
    parts: tuple[frozenset[str], ...] = ()  # linked concepts of each part


@dataclass
class Score:
    """Counts for one script and set."""

    paragraphs: int = 0
    mentions: int = 0
    found: int = 0
    flagged: int = 0
    concepts: int = 0
    concepts_found: int = 0
    hits: int = 0
    true_hits: int = 0
    ambiguous_hits: int = 0
    misses: list[Mention] = field(default_factory=list)
    false_hits: list[tuple[str, str, str]] = field(default_factory=list)  # paragraph, surface, id

    @property
    def recall(self) -> float:
        return self.found / self.mentions if self.mentions else 1.0

    @property
    def concept_recall(self) -> float:
        return self.concepts_found / self.concepts if self.concepts else 1.0

    @property
    def precision(self) -> float:
        return self.true_hits / self.hits if self.hits else 1.0


def load_paragraphs(folder: Path, script: str) -> list[dict]:
    """The annotated paragraphs of one script (``zh-Hans.json`` …)."""
    return json.loads((folder / f"{script}.json").read_text(encoding="utf-8"))


def locate(item: dict) -> list[tuple[int, int, dict]]:
    """(start, end, mention) of each mention, searched forward from the previous one.

    Raises ``ValueError`` when a mention is not in the text after the previous one.
    """
    text = item["text"]
    spans = []
    position = 0
    for mention in item["mentions"]:
        start = text.find(mention["surface"], position)
        if start < 0:
            raise ValueError(f"{item['id']}: mention {mention['surface']!r} not found in order")
        end = start + len(mention["surface"])
        spans.append((start, end, mention))
        position = end
    return spans


class Linker:
    """Annotation concept names → the glossary concepts that stand for them."""

    def __init__(self, glossary: Glossary, links: dict[str, list[str]] | None = None) -> None:
        self._by_name: dict[str, set[str]] = {}
        # A page several concepts cite (the council and its ministers' meeting, a minister and
        # the ministry) is background to each, not what any of them is: only a page one concept
        # cites names it, so a mention is never found through a neighbouring concept.
        holders: dict[str, set[str]] = {}
        for concept in glossary:
            for ref in concept.refs:
                if ref.startswith(_WIKI):
                    title = unquote(ref[len(_WIKI) :]).replace("_", " ")
                    holders.setdefault(title.casefold(), set()).add(concept.id)
        for title, ids in holders.items():
            if len(ids) == 1:
                self._by_name[title] = set(ids)
        for concept in glossary:
            for term in concept.terms:
                if term.lang == "en":
                    self._by_name.setdefault(term.text.casefold(), set()).add(concept.id)
        for name, concept_ids in (links or {}).items():
            known = {c for c in concept_ids if c in glossary.by_id}
            if known:
                self._by_name.setdefault(name.casefold(), set()).update(known)

    def __call__(self, name: str) -> frozenset[str]:
        return frozenset(self._by_name.get(name.casefold(), ()))


def read_links(path: Path) -> dict[str, list[str]]:
    """The hand-kept ``[links]`` table (annotation name = glossary id or list of ids)."""
    if not path.is_file():
        return {}
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("links", {})
    return {name: [ids] if isinstance(ids, str) else list(ids) for name, ids in table.items()}


def score_paragraphs(items: Iterable[dict], glossary: Glossary, linker: Linker) -> Score:
    """Match every paragraph (through ingest, segmentation and the context stage) and count."""
    from toolkit.glossary.match import matcher_for
    from toolkit.ingest import document_from_text
    from toolkit.segment import segment_document

    matcher = matcher_for(glossary)
    score = Score()
    for item in items:
        score.paragraphs += 1
        document = document_from_text(item["text"], doc_id=item["id"])
        segments = list(segment_document(document))
        bases = {segment.id: segment.start for segment in segments}
        hits = [
            (bases[hit.segment] + hit.start, bases[hit.segment] + hit.end, hit)
            for hit in matcher.scan(segments)
        ]
        offset = document.text.find(item["text"])
        if offset < 0:
            raise ValueError(f"{item['id']}: ingest changed the text; store it as ingest reads it")
        mentions = [
            Mention(
                item["id"],
                start + offset,
                end + offset,
                raw["surface"],
                raw["concept"],
                linker(raw["concept"]),
                tuple(linker(part) for part in raw.get("parts", ())),
            )
            for start, end, raw in locate(item)
        ]
        _count(score, item["id"], mentions, hits)
    return score


def _count(score: Score, paragraph: str, mentions: list[Mention], hits: list) -> None:
    def overlapping(mention: Mention) -> list:
        return [hit for start, end, hit in hits if start < mention.end and mention.start < end]

    wanted: dict[str, bool] = {}
    for mention in mentions:
        score.mentions += 1
        near = overlapping(mention)
        asserted = {hit.concept for hit in near if not hit.ambiguous}
        found = bool(mention.concepts & asserted)
        if not found and mention.parts and all(mention.parts):
            found = all(part & asserted for part in mention.parts)
        key = mention.name
        wanted[key] = wanted.get(key, False) or found
        if found:
            score.found += 1
            continue
        candidates = {c for hit in near if hit.ambiguous for c in (hit.concept, *hit.alternatives)}
        if mention.concepts & candidates:
            score.flagged += 1
        score.misses.append(mention)
    score.concepts += len(wanted)
    score.concepts_found += sum(wanted.values())
    for start, end, hit in hits:
        if hit.ambiguous:
            score.ambiguous_hits += 1
            continue
        score.hits += 1
        fits = any(
            start < mention.end
            and mention.start < end
            and (hit.concept in mention.concepts or any(hit.concept in p for p in mention.parts))
            for mention in mentions
        )
        if fits:
            score.true_hits += 1
        else:
            score.false_hits.append((paragraph, hit.surface, hit.concept))


def proposed_misses(items: Iterable[dict], misses: Iterable[Mention], glossary: Glossary) -> int:
    """How many of ``misses`` ``glossary suggest`` would put before a reviewer: a candidate it
    finds in the mention's paragraph overlaps the mention's surface (the long tail the glossary
    lacks reaches it through suggest → review → import, not through the matcher)."""
    from toolkit.glossary.suggest import suggest
    from toolkit.ingest import document_from_text
    from toolkit.segment import segment_document

    proposed: dict[str, list[str]] = {}
    for item in items:
        segments = list(segment_document(document_from_text(item["text"], doc_id=item["id"])))
        proposed[item["id"]] = [c.text.casefold() for c in suggest(segments, glossary)]
    count = 0
    for miss in misses:
        surface = miss.surface.casefold()
        if any(text in surface or surface in text for text in proposed.get(miss.paragraph, ())):
            count += 1
    return count
