"""The small frozen records that flow between the pipeline stages.

sources → ingest → :class:`Document` → segment → :class:`Segment` → glossary match →
:class:`TermHit` → protect / engine / restore → :class:`Unit` → export / check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParagraphKind = Literal["title", "heading", "body", "caption", "metadata", "notice"]
Lang = Literal["zh", "de", "en"]
Script = Literal["Hans", "Hant", "Latn"]
TermStatus = Literal["preferred", "admitted", "forbidden"]
UnitStatus = Literal["machine", "memory", "reviewed", "needs_review"]

PARAGRAPH_KINDS: tuple[str, ...] = ("title", "heading", "body", "caption", "metadata", "notice")
#: Glossary and target language tags (BCP 47).
LANG_TAGS: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant", "de")


def lang_tag(lang: str, script: str) -> str:
    """BCP 47 tag of a paragraph or segment: ``zh`` + ``Hant`` → ``zh-Hant``; ``de`` → ``de``."""
    return f"{lang}-{script}" if lang == "zh" else lang


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A block of a cleaned document; ``document.text[start:end] == text``."""

    index: int  # 1-based, counts every paragraph of the document, metadata included
    start: int
    end: int
    text: str
    kind: ParagraphKind
    lang: Lang
    script: Script
    line: int  # 1-based line in the source file where the paragraph begins

    @property
    def tag(self) -> str:
        return lang_tag(self.lang, self.script)


@dataclass(frozen=True, slots=True)
class Document:
    """One source article, cleaned: markup and image lines gone, metadata lifted into fields."""

    id: str
    path: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence: ``document.text[start:end] == text``; ``norm`` is its zh-Hans form.

    ``norm`` has the same length as ``text`` (character-for-character conversion), so spans found
    on one are spans on the other.
    """

    id: str  # "003-p004-s02"
    doc: str
    start: int
    end: int
    text: str
    norm: str
    lang: Lang
    script: Script
    kind: ParagraphKind
    paragraph: int
    line: int

    @property
    def tag(self) -> str:
        return lang_tag(self.lang, self.script)


@dataclass(frozen=True, slots=True)
class Term:
    """One rendering of a concept in one language."""

    text: str
    lang: str  # one of LANG_TAGS
    status: TermStatus = "preferred"
    case_sensitive: bool = False
    dnt: bool = False  # do-not-translate: stays verbatim in every target language
    region: str | None = None  # "TW", "HK", "CN": a regional lexical form, not a script variant
    form: str | None = None  # TBX termType override (acronym, shortForm, …); derived when None
    seen: tuple[str, ...] = ()  # document ids where this rendering occurs
    note: str = ""
    # Longer strings that contain this term but are not it (东欧盟友 holds 欧盟 but means
    # "Eastern European allies"): the matcher lets them win and drops them.
    not_in: tuple[str, ...] = ()
    # Context cues, looked for in the same paragraph: a literal string (folded) or "@concept-id"
    # (a hit of that concept). With ``near`` the term counts only where a cue occurs (a bare
    # surname two people share); with ``not_near`` it does not count where one occurs.
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    source: str = ""  # where the domain's media use this rendering (outlet, URL, reference)
    # False: recognised (scan, lookup, the held-out score) but rendered freely by MT and never
    # checked — a short form translators render by context (俄军: "Russian forces", "the
    # Russian army", "Russia").
    enforce: bool = True
    derived: bool = False  # zh-Hant form computed with OpenCC, not written in the glossary
    line: int | None = None  # line in the glossary file, for messages


@dataclass(frozen=True, slots=True)
class Concept:
    """A glossary entry: one meaning, its terms in every language."""

    id: str
    type: str  # person, organisation, post, place, weapon, policy, event
    terms: tuple[Term, ...]
    definition: str = ""
    note: str = ""
    refs: tuple[str, ...] = ()
    path: str | None = None
    line: int | None = None

    def preferred(self, lang: str, region: str | None = None) -> Term | None:
        """The preferred term in ``lang``; for zh-Hant, the ``region`` form when there is one."""
        candidates = [t for t in self.terms if t.lang == lang and t.status == "preferred"]
        if region is not None:
            regional = [t for t in candidates if t.region == region]
            if regional:
                return regional[0]
        plain = [t for t in candidates if t.region is None]
        return (plain or candidates or [None])[0]

    @property
    def en(self) -> str:
        """The preferred English term: the concept's name in every report."""
        term = self.preferred("en")
        return term.text if term is not None else self.id

    @property
    def dnt(self) -> bool:
        return any(t.dnt for t in self.terms if t.status == "preferred")


@dataclass(frozen=True, slots=True)
class TermHit:
    """A glossary term found in a segment; offsets are in ``segment.text``."""

    segment: str
    doc: str
    start: int
    end: int
    surface: str
    concept: str
    term: Term
    # Other concepts this surface may name when the context does not decide (沃尔兹: Mike Waltz
    # or Tim Walz): the hit is ambiguous and ``concept`` is only the first candidate.
    alternatives: tuple[str, ...] = ()

    @property
    def preferred(self) -> bool:
        return self.term.status == "preferred"

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


@dataclass(frozen=True, slots=True)
class UnitTerm:
    """A term of an aligned unit: what the source said and what the target must say."""

    concept: str
    term_en: str
    surface: str
    target_term: str


@dataclass(frozen=True, slots=True)
class Unit:
    """An aligned translation unit: one source segment and its translation."""

    id: str  # the segment id
    doc: str
    source: str
    target: str
    src_lang: str  # BCP 47: zh-Hans, zh-Hant, de, en
    tgt_lang: str
    status: UnitStatus = "machine"
    terms: tuple[UnitTerm, ...] = ()
    signature: str = ""
    line: int | None = None
    note: str = ""  # why a unit needs review, or a translator's comment
    kind: str = "body"
