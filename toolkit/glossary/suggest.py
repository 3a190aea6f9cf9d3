"""Candidate new terms and variants the glossary lacks, found in documents. Nothing is added.

Kinds, strongest evidence first (the base of the score, multiplied by ``1 + ln(count)``):

``glossed`` (4.0 for another rendering of a known concept, 3.0 for a new one)
    A Chinese name the text itself glosses with its original, as the Chinese press does at a
    foreign name's first mention: 谢莫尼亚克（Tomasz Siemoniak）. When the original is a known term
    the Chinese form is a rendering the concept lacks; otherwise both are a new concept's terms.
``regional`` (3.5, times how close it sounds; ×1.5 with shared context)
    A Chinese name the glossary lacks that sounds like a known one — another region's
    transliteration of a known concept (普丁 for 普京, 澤倫斯基 for 泽连斯基), found through pinyin
    (:mod:`toolkit.glossary.transliteration`); known terms nearby that the concept's definition
    names (俄罗斯 for "President of Russia") are shared context.
``near-miss`` (3.0)
    One character away from a listed zh form (意愿联盟 → 自愿联盟), compared on folded text so the
    script does not count; or a Latin name that differs slightly from a listed one (difflib ratio
    ≥ 0.85: "Keith Kellog" for "Keith Kellogg").
``unlisted`` (2.5)
    Text the matcher recognises only through folding, e.g. a mixed-script 意愿聯盟 when the
    glossary lists 意愿联盟 and 意願聯盟: worth recording as a variant seen in that document.
``quoted`` (1.5)
    A short string in quotes 「」『』“”„“«»‹›《》 that matches no term.
``name`` / ``acronym`` (1.0)
    A capitalised multiword Latin name, or an all-capitals word of 2–6 letters, unknown to the
    glossary. A known term's neighbour is not a new term: a name that holds a known term
    ("Schattenflotte Russlands") is left out, and so are German noun pairs (every word capitalised
    in German, "Regierung Verhandlungen": words ending like common nouns are no name).

Every candidate says why it is one (``why``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from toolkit.glossary.model import Glossary
from toolkit.models import Segment

BASE_SCORES = {
    "glossed": 4.0,
    "regional": 3.5,
    "near-miss": 3.0,
    "unlisted": 2.5,
    "quoted": 1.5,
    "name": 1.0,
    "acronym": 1.0,
}
_CONTEXT_BOOST = 1.5
# Endings of German common nouns (Regierung, Sicherheit, Verhandlungen …): no part of a name.
_GERMAN_NOUN_ENDINGS = (
    "ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion", "tionen",
    "sion", "sionen", "tät", "täten", "ismus", "nis", "nisse", "tum", "ment", "ments", "enz",
    "anz", "ität", "ierung", "innen", "chef", "chefin", "minister",
    "ministerin", "präsident", "präsidentin", "sprecher", "sprecherin", "kanzler", "kanzlerin",
)  # fmt: skip
_QUOTES = re.compile(
    r"「([^「」\n]{2,40})」|『([^『』\n]{2,40})』|“([^“”\n]{2,40})”|„([^„“”\n]{2,40})[“”]"
    r"|«([^«»\n]{2,40})»|‹([^‹›\n]{2,40})›|《([^《》\n]{2,40})》"
)
_PARTICLES = "von|van|der|den|de|di|da|du|al|bin|la|le|zu"
_NAME = re.compile(
    rf"(?<![\w-])[A-ZÄÖÜ][\w'’-]*[a-zäöüß][\w'’-]*"
    rf"(?:\s+(?:(?:{_PARTICLES})\s+)*[A-ZÄÖÜ][\w'’-]*[a-zäöüß][\w'’-]*)+"
)
_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{2,6}(?![\w])")
# A Latin original in brackets right after Chinese text: 谢莫尼亚克（Tomasz Siemoniak）.
_GLOSS = re.compile(r"[（(]\s*([A-Z][A-Za-zÀ-ÿĀ-ž.'’ -]{1,60}?)\s*[)）]")
_NEW_GLOSSED = 0.75  # glossed weight when the original names no known concept (3.0 of 4.0)
# Where a glossed name that is no transliteration starts: after a function word or a verb of
# saying, visiting or meeting (报道称林雪平 → 林雪平).
_GLOSS_STARTS = frozenset("称稱说說据據到访訪见見会會令")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# Capitalised words that start sentences or are ordinary nouns rather than names.
_NOT_NAME_START_TEXT = (
    "Die Der Das Des Dem Den Ein Eine Einer Eines Einem Einen Im In Am An Auf Aus Bei Mit Nach "
    "Für Vor Über Unter Und Oder Aber Als Wie Wenn Während Seit Bis Zum Zur Vom The A An Of On "
    "At And But For With From By This That These Those It He She They We Mr Mrs Ms Dr"
)
_NOT_NAME_START = frozenset(_NOT_NAME_START_TEXT.split())
# Grammatical characters (folded): a window that changes or ends in one is not a term variant.
_FUNCTION_CHARS = frozenset("的了与和在是对而及或将被把等也都就并向从为于以其之这那有个们")
_MIN_NEAR_MISS = 4  # shorter zh forms are one character away from too many ordinary words


@dataclass
class Candidate:
    """A string worth a reviewer's look."""

    text: str
    kind: str
    count: int = 0
    segments: list[str] = field(default_factory=list)
    concept: str | None = None  # the concept a near-miss or unlisted spelling belongs to
    similar_to: str | None = None  # the listed form it is close to
    why: str = ""  # the evidence, in words
    weight: float = 1.0  # regional: how close it sounds, times the context boost

    @property
    def score(self) -> float:
        base = BASE_SCORES[self.kind] * self.weight
        return round(base * (1 + math.log(max(self.count, 1))), 3)


def suggest(segments: Iterable[Segment], glossary: Glossary) -> list[Candidate]:
    """Ranked candidates (score, then count, then text) found in ``segments``."""
    from toolkit.glossary.inflect import inflected_forms
    from toolkit.glossary.match import match_key, matcher_for

    matcher = matcher_for(glossary)
    known_keys: set[str] = set()
    literal: dict[str, set[str]] = {}
    latin_forms: dict[str, tuple[str, str]] = {}
    for concept, term in glossary.terms():
        forms = inflected_forms(term.text, term.lang, concept.type)
        literal.setdefault(concept.id, set()).update(f.casefold() for f in forms)
        known_keys.update(match_key(form) for form in forms)
        if term.lang in ("en", "de") and not term.case_sensitive:
            latin_forms.setdefault(term.text, (concept.id, term.text))
    masks = _zh_masks(glossary)
    found: dict[tuple[str, str], Candidate] = {}

    def add(
        text: str, kind: str, segment: Segment, concept=None, similar=None, why="", weight=1.0
    ) -> None:
        candidate = found.get((kind, text))
        if candidate is None:
            candidate = found[(kind, text)] = Candidate(
                text, kind, 0, [], concept, similar, why, weight
            )
        elif weight > candidate.weight:
            candidate.why, candidate.weight = why, weight  # the strongest evidence seen
        candidate.count += 1
        if segment.id not in candidate.segments:
            candidate.segments.append(segment.id)

    def known(text: str) -> bool:
        hits = matcher.find(text)
        return match_key(text) in known_keys or (
            len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(text)
        )

    sounds = None
    for segment in segments:
        text = segment.text
        matches = matcher.find(text, segment.tag)
        spans = [(match.start, match.end) for match in matches]
        for match in matches:
            if match.surface.casefold() not in literal.get(match.concept, set()):
                add(
                    match.surface,
                    "unlisted",
                    segment,
                    match.concept,
                    match.term.text,
                    f"read as {match.term.text!r} only through folding (script, width, case)",
                )
        for quoted in _QUOTES.finditer(text):
            inner = next(group for group in quoted.groups() if group).strip()
            if inner and _short(inner) and not known(inner):
                add(inner, "quoted", segment, why="a short quoted expression no term matches")
        for name in _NAME.finditer(text):
            words = name.group().split()
            while words and words[0] in _NOT_NAME_START:
                words.pop(0)
            if segment.lang == "de" and len(words) > 2:
                # German capitalises nouns: "Sondergesandte Keith Kellogg" names Keith Kellogg.
                words = _last_name_words(words)
            if len(words) < 2:
                continue
            candidate = " ".join(words)
            begin = name.start() + name.group().find(candidate)
            if known(candidate) or _holds_known(begin, begin + len(candidate), spans):
                continue  # a known term, or a known term and its neighbour
            if segment.lang == "de" and _german_noun_pair(words):
                continue
            close = difflib.get_close_matches(candidate, latin_forms, n=1, cutoff=0.85)
            if close:
                concept_id, listed = latin_forms[close[0]]
                ratio = difflib.SequenceMatcher(None, candidate, listed).ratio()
                why = f"spelled like {listed!r} ({ratio:.2f})"
                add(candidate, "near-miss", segment, concept_id, listed, why)
            else:
                add(candidate, "name", segment, why="a capitalised name no term matches")
        for acronym in _ACRONYM.finditer(text):
            if not known(acronym.group()) and not _holds_known(*acronym.span(), spans):
                add(acronym.group(), "acronym", segment, why="an acronym no term matches")
        near_spans: list[tuple[int, int]] = []
        for start, window, concept_id, listed in _near_misses(text, masks, known_keys, match_key):
            end = start + len(window)
            if any(a < start < b or a < end < b for a, b in spans):
                continue  # cuts through a known term: 朗普政府 inside 特朗普政府
            near_spans.append((start, end))
            add(window, "near-miss", segment, concept_id, listed, f"one character from {listed!r}")
        if segment.lang == "zh":
            if sounds is None:
                from toolkit.glossary.transliteration import NameSounds

                sounds = NameSounds(glossary)
            nearby = [match.concept for match in matches]
            glossed: set[int] = set()
            name_runs: dict[int, int] | None = None  # end → start of each name-character run
            for gloss in _GLOSS.finditer(text):
                if name_runs is None:
                    name_runs = {stop: start for start, stop in sounds.runs(text, spans)}
                name = _glossed_name(text, gloss.start(), name_runs, spans)
                if name is None:
                    continue
                glossed.add(gloss.start() - len(name))
                hits = matcher.find(gloss.group(1))
                whole = [h for h in hits if (h.start, h.end) == (0, len(gloss.group(1)))]
                if whole:
                    concept_id = whole[0].concept
                    why = (
                        f"written beside its original {gloss.group(1)!r}, a term of "
                        f"{concept_id}: a rendering the concept lacks"
                    )
                    add(name, "glossed", segment, concept_id, gloss.group(1), why)
                else:
                    why = (
                        f"written beside its original {gloss.group(1)!r}, which no term "
                        "matches: a new concept with both renderings"
                    )
                    add(name, "glossed", segment, None, gloss.group(1), why, _NEW_GLOSSED)
            for start, end in sounds.runs(text, spans + near_spans):
                if start not in glossed:
                    _add_regional(add, sounds, segment, text[start:end], nearby)
    return sorted(found.values(), key=lambda c: (-c.score, -c.count, c.text, c.kind))


def _add_regional(add, sounds, segment: Segment, run: str, nearby: list[str]) -> None:
    """Suggest ``run`` as another rendering of the known name it sounds most like."""
    heard = sounds.sounds_like(run)
    if not heard:
        return
    best = heard[0]
    shared = sounds.context(best.concept, nearby)
    if len(run) < 3 and not shared:
        return  # two characters sound like something too often to stand on their own
    weight = best.similarity * (_CONTEXT_BOOST if shared else 1.0)
    why = (
        f"sounds like {best.term!r} ({best.candidate_pinyin} ~ {best.term_pinyin}, "
        f"{best.similarity:.2f})"
    )
    if shared:
        names = ", ".join(sounds.glossary.by_id[c].en for c in shared)
        why += f"; context: {names} — named in the definition of {best.concept}"
    add(run, "regional", segment, best.concept, best.term, why, weight)


def _glossed_name(
    text: str, end: int, name_runs: dict[int, int], spans: list[tuple[int, int]]
) -> str | None:
    """The Chinese name that ends at ``end`` (where a bracketed original starts): the run of
    name characters there, else the Han characters since the last known term or function word
    or a verb of saying (at most eight); None when a known term ends there (nothing new)."""
    if any(b == end for _, b in spans):
        return None
    if end in name_runs:
        return text[name_runs[end] : end]
    start = end
    while (
        start > 0
        and end - start < 8
        and _HAN_RUN.fullmatch(text[start - 1])
        and text[start - 1] not in _FUNCTION_CHARS
        and text[start - 1] not in _GLOSS_STARTS
        and not any(a < start <= b for a, b in spans)
    ):
        start -= 1
    return text[start:end] if end - start >= 2 else None


def _holds_known(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _german_noun_pair(words: list[str]) -> bool:
    """Two or more capitalised German words of which one ends like a common noun (Verhandlungen,
    Sicherheit, Präsident): nouns side by side, not a name."""
    return any(word.lower().endswith(_GERMAN_NOUN_ENDINGS) for word in words)


def _last_name_words(words: list[str]) -> list[str]:
    """The last two capitalised words and the particles between them ("Ursula von der Leyen")."""
    tail = [words[-1]]
    index = len(words) - 2
    while index >= 0 and words[index] in _PARTICLES.split("|"):
        tail.insert(0, words[index])
        index -= 1
    if index >= 0:
        tail.insert(0, words[index])
    return tail


def _short(text: str) -> bool:
    """Term-sized: up to 12 Han characters or 5 words."""
    han = len(_HAN_RUN.findall(text))
    return (len(text) <= 12) if han else len(text.split()) <= 5


def _zh_masks(glossary: Glossary) -> dict[int, dict[str, tuple[str, str]]]:
    """Per length, each listed zh form's key with one position blanked → (concept, form)."""
    from toolkit.glossary.match import match_key

    masks: dict[int, dict[str, tuple[str, str]]] = {}
    for concept, term in glossary.terms():
        if not term.lang.startswith("zh"):
            continue
        key = match_key(term.text)
        if len(key) < _MIN_NEAR_MISS or not _HAN_RUN.fullmatch(key):
            continue
        table = masks.setdefault(len(key), {})
        for position in range(len(key)):
            table.setdefault(key[:position] + "\x00" + key[position + 1 :], (concept.id, term.text))
    return masks


def _near_misses(text, masks, known_keys, match_key):
    """(start, window, concept, listed form) for windows one character away from a listed zh
    form, where neither the changed character nor an edge is a function word (的, 与, 是 …)."""
    if not masks:
        return
    folded = match_key(text)
    for run in _HAN_RUN.finditer(folded):
        for length, table in masks.items():
            for start in range(run.start(), run.end() - length + 1):
                window = folded[start : start + length]
                if window in known_keys:
                    continue
                if window[0] in _FUNCTION_CHARS or window[-1] in _FUNCTION_CHARS:
                    continue
                for position in range(length):
                    hit = table.get(window[:position] + "\x00" + window[position + 1 :])
                    if hit is not None and window[position] not in _FUNCTION_CHARS:
                        yield start, text[start : start + length], hit[0], hit[1]
                        break
