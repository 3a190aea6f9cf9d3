"""Scan documents for glossary terms and report which renderings each document uses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Term, TermHit


def scan_segments(segments: Iterable[Segment], glossary: Glossary) -> Iterator[TermHit]:
    """Every term hit of ``segments`` (offsets in ``segment.text``)."""
    from toolkit.glossary.match import matcher_for

    return matcher_for(glossary).scan(segments)


def scan_paths(paths: Iterable[Path | str], glossary: Glossary) -> Iterator[TermHit]:
    """Ingest, segment and scan files and folders, one document at a time."""
    from toolkit.segment import iter_segments

    return scan_segments(iter_segments(paths), glossary)


def hit_record(hit: TermHit, glossary: Glossary) -> dict[str, Any]:
    """The JSON object of one hit (``scan --json``). An ambiguous hit (a surface the context
    does not decide between concepts) says so and lists its ``candidates``; ``concept`` is then
    only the first of them."""
    concept = glossary.by_id[hit.concept]
    record = {
        "doc": hit.doc,
        "segment": hit.segment,
        "start": hit.start,
        "end": hit.end,
        "surface": hit.surface,
        "concept": hit.concept,
        "term_en": concept.en,
        "lang": hit.term.lang,
        "preferred": hit.preferred,
        "status": hit.term.status,
        "term": hit.term.text,
        "ambiguous": hit.ambiguous,
    }
    if hit.ambiguous:
        record["candidates"] = [
            {"concept": candidate, "term_en": glossary.by_id[candidate].en}
            for candidate in (hit.concept, *hit.alternatives)
        ]
    return record


@dataclass
class ConceptUsage:
    """How one concept was rendered: per document, how often each (surface, term) occurred."""

    concept: str
    term_en: str
    by_doc: dict[str, Counter[tuple[str, Term]]] = field(default_factory=dict)

    def renderings(self, doc: str) -> list[tuple[str, Term, int]]:
        """(surface, matched term, count) in ``doc``, most frequent first."""
        counts = self.by_doc.get(doc, Counter())
        return sorted(
            ((surface, term, n) for (surface, term), n in counts.items()),
            key=lambda item: (-item[2], item[0]),
        )

    @property
    def varies(self) -> bool:
        """More than one surface across the documents, or any non-preferred one."""
        surfaces = {surface for counts in self.by_doc.values() for surface, _ in counts}
        terms = [term for counts in self.by_doc.values() for _, term in counts]
        return len(surfaces) > 1 or any(t.status != "preferred" for t in terms)


def variant_report(hits: Iterable[TermHit], glossary: Glossary) -> list[ConceptUsage]:
    """Per concept (sorted by id), the renderings each document used (ambiguous hits are
    nobody's rendering)."""
    usage: dict[str, ConceptUsage] = {}
    for hit in hits:
        if hit.ambiguous:
            continue
        entry = usage.get(hit.concept)
        if entry is None:
            concept = glossary.by_id[hit.concept]
            entry = usage[hit.concept] = ConceptUsage(hit.concept, concept.en)
        entry.by_doc.setdefault(hit.doc, Counter())[(hit.surface, hit.term)] += 1
    return [usage[key] for key in sorted(usage)]
