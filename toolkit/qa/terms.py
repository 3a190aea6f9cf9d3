"""Glossary terms of a unit's source paired with the term mentions of its target.

Shared by the ``terminology``, ``forbidden-term`` and ``variant`` checks, so that they agree on
one pairing and one problem is reported once: a concept rendered with a forbidden or an admitted
term counts as present (``terminology`` stays quiet) and is reported by the check about that term.

A source mention expects :meth:`Glossary.rendering` in the target — exactly what the MT
enforcement writes. Mentions of one concept separated only by brackets or spaces are one
mention glossed twice (``凯洛格(Keith Kellog)``) and expect one rendering. Per concept, target
mentions pair with source mentions: first those that read as an expected rendering (German
declensions included: the matcher finds "des Weißen Hauses" as the term "Weißes Haus"), then any
other mention of the concept, then the expected text found verbatim where the matcher saw none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.glossary.match import Match, Matcher
    from toolkit.glossary.model import Glossary
    from toolkit.models import Unit

# What may stand between two mentions of one concept that gloss each other.
_GLOSS_GAP = re.compile(r"[\s()（）\[\]【】/、,，:：-]*")


@dataclass(frozen=True)
class Mention:
    """A concept named in the source (possibly twice, as a gloss) and what the target must say."""

    concept: str
    start: int
    end: int
    matches: tuple[Match, ...]
    expected: tuple[str, ...]

    @property
    def surface(self) -> str:
        return " / ".join(match.surface for match in self.matches)


@dataclass
class TermAlignment:
    """What the three glossary checks report for one unit."""

    missing: list[Mention] = field(default_factory=list)
    variants: list[tuple[Match, Mention]] = field(default_factory=list)
    forbidden: list[Match] = field(default_factory=list)


def base_lang(tag: str) -> str:
    """Glossary language of a target tag: zh-Hant-TW → zh-Hant."""
    return "zh-Hant" if tag.startswith("zh-Hant") else tag


def _script_family(tag: str) -> str:
    return "zh" if tag.startswith("zh") else "latin"


def mentions(unit: Unit, glossary: Glossary, source_hits: list[Match]) -> list[Mention]:
    """The source mentions of ``unit`` with their expected renderings, glosses merged."""
    out: list[Mention] = []
    for match in source_hits:
        expected = glossary.rendering(
            match.concept, match.term, match.surface, unit.tgt_lang, source=unit.src_lang
        )
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.concept == match.concept
            and _GLOSS_GAP.fullmatch(unit.source[previous.end : match.start])
        ):
            renderings = tuple(dict.fromkeys((*previous.expected, expected)))
            out[-1] = Mention(
                match.concept, previous.start, match.end, (*previous.matches, match), renderings
            )
            continue
        out.append(Mention(match.concept, match.start, match.end, (match,), (expected,)))
    return out


def align(unit: Unit, glossary: Glossary, matcher: Matcher) -> TermAlignment:
    """Pair the glossary mentions of ``unit``'s source and target (see the module notes)."""
    from toolkit.chinese import fold as match_key

    result = TermAlignment()
    target_lang = base_lang(unit.tgt_lang)
    # No language hint on the source, exactly as the MT pipeline matches it (toolkit.mt.pipeline),
    # so that both expect the same rendering.
    # An ambiguous source term expects no one rendering (the pipeline flags its unit instead),
    # nor does a term the glossary leaves to the translator.
    source_hits = [hit for hit in matcher.find(unit.source, unit.src_lang) if hit.expects_rendering]
    target_hits = matcher.find(unit.target, unit.tgt_lang)
    result.forbidden = [
        hit
        for hit in target_hits
        if hit.term.status == "forbidden" and base_lang(hit.term.lang) == target_lang
    ]
    wanted = mentions(unit, glossary, source_hits)
    expected_keys = {
        concept: {match_key(text) for m in wanted if m.concept == concept for text in m.expected}
        for concept in {m.concept for m in wanted}
    }

    def reads_as(hit: Match, keys: set[str]) -> bool:
        return match_key(hit.surface) in keys or match_key(hit.term.text) in keys

    family = _script_family(unit.tgt_lang)
    available: dict[str, list[Match]] = {}
    for hit in target_hits:
        keys = expected_keys.get(hit.concept)
        if keys is None:
            continue  # a concept the source does not name: nothing to pair it with
        # A forbidden term of another language ("Kiev" in German) is not a rendering at all.
        own = base_lang(hit.term.lang) == target_lang
        related = _script_family(hit.term.lang) == family and hit.term.status != "forbidden"
        if own or related or hit.term.dnt or reads_as(hit, keys):
            available.setdefault(hit.concept, []).append(hit)

    unpaired: list[Mention] = []
    for mention in wanted:  # 1. a target mention that reads as an expected rendering
        keys = {match_key(text) for text in mention.expected}
        hits = available.get(mention.concept, [])
        hit = next((h for h in hits if reads_as(h, keys)), None)
        if hit is None:
            unpaired.append(mention)
        else:
            hits.remove(hit)
    still: list[Mention] = []
    for mention in unpaired:  # 2. any other mention of the concept
        hits = available.get(mention.concept, [])
        if not hits:
            still.append(mention)
            continue
        hit = hits.pop(0)
        if (
            hit.term.status == "admitted"
            and base_lang(hit.term.lang) == target_lang
            and not _licensed(mention, hit)
            and not _extends(mention, hit)
        ):
            result.variants.append((hit, mention))
    # 3. the expected text written where the matcher found no term (outside every target hit)
    folded = match_key(unit.target)
    covered = [(hit.start, hit.end) for hit in target_hits]
    for mention in still:
        span = _find_free(unit.target, folded, mention.expected, covered)
        if span is None:
            result.missing.append(mention)
        else:
            covered.append(span)
    return result


def _extends(mention: Mention, hit: Match) -> bool:
    """The admitted term is the expected rendering grown by a suffix ("Eastern European" for
    "Eastern Europe"): an inflected or derived form, not a competing variant."""
    from toolkit.chinese import fold

    surface = fold(hit.surface)
    return any(fold(text) and surface.startswith(fold(text)) for text in mention.expected)


def _licensed(mention: Mention, hit: Match) -> bool:
    """The source mention itself allows this admitted term: a short form for a short form
    (特朗普 → Trump, 泽连斯基 → Zelenskyy), an acronym for an acronym."""
    from toolkit.glossary.model import KEPT_FORMS

    return any(
        match.term.form in KEPT_FORMS and hit.term.form == match.term.form
        for match in mention.matches
    )


# A Latin letter or digit: what a Latin term must not touch on either side ("US" is not in
# "because", "EU" not in "neu").
_WORD = re.compile(r"[0-9A-Za-zÀ-ɏ]")


def _find_free(
    text: str, folded: str, expected: list[str], covered: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """A span of ``text`` holding one of the ``expected`` renderings, outside ``covered``.

    Acronyms (all capitals) are looked for as written, everything else on folded text; Latin
    renderings only as whole words.
    """
    from toolkit.chinese import fold

    for rendering in expected:
        if not rendering:
            continue
        exact = rendering.isupper() and len(rendering) > 1
        haystack, key = (text, rendering) if exact else (folded, fold(rendering))
        start = haystack.find(key)
        while start != -1:
            end = start + len(key)
            bounded = not (
                (_WORD.match(key[0]) and start > 0 and _WORD.match(text[start - 1]))
                or (_WORD.match(key[-1]) and end < len(text) and _WORD.match(text[end]))
            )
            if bounded and not any(start < e and s < end for s, e in covered):
                return start, end
            start = haystack.find(key, start + 1)
    return None
