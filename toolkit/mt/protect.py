"""Glossary enforcement around a black-box MT engine: protect → decode → restore/verify → repair.

CTranslate2 has no positive constrained decoding, and placeholders get squeezed or mangled by Argos
models, so enforcement is by construction plus verification:

1. every glossary hit in the source becomes a *slot*: do-not-translate terms are written inline in
   their fixed form; other terms become sentinels of a scheme that does not occur in the source;
2. after decoding, each sentinel must come back exactly once and is replaced by the concept's
   preferred target term; inline terms must survive as written; nothing resembling any sentinel
   scheme may remain;
3. a unit that fails is retried with the next scheme, then translated piecewise (the text between
   terms is translated, the terms are inserted by us), and as the last resort kept, scrubbed of
   anything sentinel-like, and marked ``needs_review`` with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Translate = Callable[[list[str]], list[str]]

_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-zÀ-ɏ]")


@dataclass(frozen=True)
class Slot:
    """One protected term occurrence: ``source[start:end]`` must read ``target`` in the output."""

    start: int
    end: int
    concept: str
    target: str
    inline: bool  # do-not-translate: the fixed form goes into the source itself


@dataclass(frozen=True)
class SentinelScheme:
    """A way of writing slot ``i`` into the source, and of finding it (or its debris) again."""

    name: str
    template: Callable[[int], str]
    find: re.Pattern[str]  # group "index" identifies the slot, tolerant of inserted spaces/case
    debris: re.Pattern[str]  # anything that looks like part of a sentinel of this scheme

    def marker(self, index: int) -> str:
        return self.template(index)

    def index_of(self, match: re.Match[str]) -> int:
        return self.parse(match.group("index"))

    parse: Callable[[str], int] = int


def _letters(index: int) -> str:
    return chr(65 + index // 26) + chr(65 + index % 26)


def _from_letters(text: str) -> int:
    first, second = text.replace(" ", "").upper()
    return (ord(first) - 65) * 26 + ord(second) - 65


# Acronym-like: NMT models copy unknown capitalised Latin strings (names, acronyms) verbatim.
ACRONYM = SentinelScheme(
    name="acronym",
    template=lambda i: f"ZQX{_letters(i)}",
    find=re.compile(r"(?i)(?<![a-z])z ?q ?x ?(?P<index>[a-z] ?[a-z])(?![a-z])"),
    debris=re.compile(r"(?i)z ?q ?x"),
    parse=_from_letters,
)
# Private-use code points: <unk> for vocabularies without byte fallback, which CTranslate2's
# replace_unknowns copies back from the source; one code point per slot.
PRIVATE_USE = SentinelScheme(
    name="private-use",
    template=lambda i: chr(0xE000 + i),
    find=re.compile(r"(?P<index>[\ue000-\ue0ff])"),
    debris=re.compile(r"[\ue000-\uf8ff]"),
    parse=lambda text: ord(text) - 0xE000,
)
SCHEMES: tuple[SentinelScheme, ...] = (ACRONYM, PRIVATE_USE)
MAX_SLOTS = 26 * 26


def usable_schemes(source: str) -> list[SentinelScheme]:
    """Schemes whose debris does not already occur in ``source`` (so leaks stay detectable)."""
    return [scheme for scheme in SCHEMES if not scheme.debris.search(source)]


def protect(source: str, slots: Sequence[Slot], scheme: SentinelScheme) -> str:
    """``source`` with each slot replaced by its inline form or its sentinel."""
    out: list[str] = []
    position = 0
    for index, slot in enumerate(slots):
        out.append(source[position : slot.start])
        if slot.inline:
            out.append(slot.target)
        else:
            marker = scheme.marker(index)
            before = next((part[-1] for part in reversed(out) if part), "")
            after = source[slot.end] if slot.end < len(source) else ""
            out.append(_spaced(marker, before, after))
        position = slot.end
    out.append(source[position:])
    return "".join(out)


def _spaced(marker: str, before: str, after: str) -> str:
    # A Latin marker glued to Latin letters ("ZQXAAs", "ZQXAAZQXAB") is no longer a word of its
    # own, for the tokenizer or for the pattern that finds it again.
    if not _LATIN_OR_DIGIT.match(marker):
        return marker
    left = " " if before and _LATIN_OR_DIGIT.match(before) else ""
    right = " " if after and _LATIN_OR_DIGIT.match(after) else ""
    return f"{left}{marker}{right}"


@dataclass(frozen=True)
class Outcome:
    """Text after restoration, and why it is not acceptable (``None`` when it is)."""

    text: str
    problem: str | None


def restore(output: str, source: str, slots: Sequence[Slot], scheme: SentinelScheme) -> Outcome:
    """Put target terms in place of sentinels and verify the result."""
    found: Counter[int] = Counter()

    def substitute(match: re.Match[str]) -> str:
        index = scheme.index_of(match)
        if 0 <= index < len(slots) and not slots[index].inline:
            found[index] += 1
            return slots[index].target
        return match.group(0)

    text = scheme.find.sub(substitute, output)
    for index, slot in enumerate(slots):
        if slot.inline:
            continue
        if found[index] == 0:
            return Outcome(text, f"sentinel for {slot.concept} dropped")
        if found[index] > 1:
            return Outcome(text, f"sentinel for {slot.concept} duplicated")
    leak = leaked(text, source)
    if leak:
        return Outcome(text, f"sentinel debris {leak!r} left in the output")
    return Outcome(text, missing_terms(text, slots))


def leaked(text: str, source: str) -> str | None:
    """The first sentinel-like fragment of ``text`` that the source did not already contain."""
    for scheme in SCHEMES:
        if scheme.debris.search(source):
            continue
        match = scheme.debris.search(text)
        if match:
            return match.group(0)
    return None


def scrub(text: str, source: str) -> str:
    """Remove every sentinel-like fragment the source did not contain (last resort)."""
    for scheme in SCHEMES:
        if not scheme.debris.search(source):
            text = scheme.find.sub("", text)
            text = scheme.debris.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def count_terms(text: str, terms: Sequence[str]) -> Counter[str]:
    """Occurrences of each term in ``text``, longest first, never counting one span twice."""
    taken = [False] * len(text)
    counts: Counter[str] = Counter()
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                counts[term] += 1
                taken[start:end] = [True] * len(term)
            start = text.find(term, start + 1)
    return counts


def missing_terms(text: str, slots: Sequence[Slot]) -> str | None:
    """Why the slots' target terms are not all present exactly as often as protected."""
    expected = Counter(slot.target for slot in slots)
    counts = count_terms(text, list(expected))
    for term, want in expected.items():
        if counts[term] < want:
            return f"term {term!r} missing from the output"
        if counts[term] > want:
            return f"term {term!r} appears {counts[term]} times, expected {want}"
    return None


def pieces(source: str, slots: Sequence[Slot]) -> list[str | Slot]:
    """The source cut at the slots: text pieces and the slots between them."""
    parts: list[str | Slot] = []
    position = 0
    for slot in slots:
        parts.append(source[position : slot.start])
        parts.append(slot)
        position = slot.end
    parts.append(source[position:])
    return parts


def needs_translation(piece: str) -> bool:
    """Pieces of only spaces, punctuation and digits are carried over as they are."""
    return any(char.isalpha() for char in piece)


def join_pieces(parts: Sequence[str], spaced: bool) -> str:
    """Join translated pieces and terms; Latin-script targets get single spaces between words."""
    if not spaced:
        return "".join(part.strip() for part in parts)
    text = " ".join(part.strip() for part in parts if part.strip())
    # No space before closing punctuation, none after opening brackets/quotes.
    text = re.sub(r"\s+([,.;:!?%)\]}»”])", r"\1", text)
    text = re.sub(r"([(\[{«„“])\s+", r"\1", text)
    return text
