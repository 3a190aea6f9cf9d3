"""The concept glossary held in memory."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from toolkit.models import Concept, Term

#: Term forms a translation keeps: a short mention gets the target's short form, an acronym the
#: target's acronym, a set phrase ("国内生产总值的 5%" of the 5% target) the target's phrase.
KEPT_FORMS = ("shortForm", "acronym", "abbreviation", "phrase")

CONCEPT_TYPES: tuple[str, ...] = (
    "person",
    "organisation",
    "post",
    "place",
    "weapon",
    "policy",
    "event",
)


@dataclass(frozen=True)
class Glossary:
    """A set of concepts; derived zh-Hant terms are already filled in."""

    concepts: tuple[Concept, ...]
    source: str = ""

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    @cached_property
    def by_id(self) -> dict[str, Concept]:
        return {concept.id: concept for concept in self.concepts}

    def get(self, concept_id: str) -> Concept | None:
        return self.by_id.get(concept_id)

    def terms(self) -> Iterator[tuple[Concept, Term]]:
        """Every (concept, term) pair, derived forms included."""
        for concept in self.concepts:
            for term in concept.terms:
                yield concept, term

    def target_term(self, concept_id: str, target: str, form: str | None = None) -> str:
        """What ``concept_id`` must read as in ``target`` (en, de, zh-Hans, zh-Hant[-TW|-HK]).

        Do-not-translate concepts keep their fixed form everywhere. A source written in a short
        form (``form="shortForm"``: 特朗普 rather than 唐纳德·特朗普) gets the target's short form
        when the glossary lists one ("Trump"), so a translation does not grow a full name at
        every mention.
        """
        concept = self.by_id[concept_id]
        if concept.dnt:
            dnt = next(t for t in concept.terms if t.dnt and t.status == "preferred")
            return dnt.text
        region = None
        lang = target
        if target.startswith("zh-Hant"):
            from toolkit.chinese import HANT_REGIONS

            lang, region = "zh-Hant", HANT_REGIONS.get(target)
        term = None
        if form in KEPT_FORMS:
            short = [
                t
                for t in concept.terms
                if t.lang == lang
                and t.form == form
                and t.status != "forbidden"
                and t.region in (None, region)
            ]
            short.sort(key=lambda t: (t.region != region, t.status != "preferred", t.derived))
            term = short[0] if short else None
        if term is None:
            term = concept.preferred(lang, region) or concept.preferred("en")
        return term.text if term is not None else concept.id

    def rendering(
        self, concept_id: str, term: Term, surface: str, target: str, source: str | None = None
    ) -> str:
        """The target text for a source mention ``surface`` of ``term``.

        A mention written exactly as an acceptable ``target``-language term stays as written (the
        acronym SACEUR inside a Chinese sentence translated into English); anything else —
        inflected or re-cased mentions, forbidden variants — becomes :meth:`target_term`. When
        the same string is also a term of the ``source`` language ("USA" in German), it is read
        as that language's term, so its form decides the rendering ("US").
        """
        if source is not None and term.lang != source:
            from toolkit.chinese import fold

            key = fold(term.text)
            concept = self.by_id[concept_id]
            own = [t for t in concept.terms if t.lang == source and fold(t.text) == key]
            if own:
                own.sort(key=lambda t: (t.status != "preferred", t.derived))
                term = own[0]
        lang = "zh-Hant" if target.startswith("zh-Hant") else target
        if term.lang == lang and term.status != "forbidden" and surface == term.text:
            return surface
        return self.target_term(concept_id, target, term.form)

    @cached_property
    def sha256(self) -> str:
        """Content hash (formatting, comments and file layout do not count)."""
        payload = [
            {
                "id": c.id,
                "type": c.type,
                "terms": [
                    [t.lang, t.text, t.status, t.case_sensitive, t.dnt, t.region] for t in c.terms
                ],
            }
            for c in sorted(self.concepts, key=lambda c: c.id)
        ]
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()
