"""Language (zh, de, en) and Chinese script (Hans, Hant) of a paragraph.

Both look at a bounded sample of the paragraph (:data:`SAMPLE_CHARS`), so a 50 MB line costs no
more than a short one. A paragraph without a clear signal gets ``None`` and the caller gives it the
document's majority.
"""

from __future__ import annotations

import re

from toolkit.chinese import is_han, traditional_share

SAMPLE_CHARS = 4000
#: A paragraph is Hant when OpenCC t2s changes at least this share of its Han characters. Measured
#: on the seeds: zh-Hant paragraphs 0.20–0.47 (with simplified 并/于/为 mixed in), zh-Hans 0–0.04.
HANT_SHARE = 0.10
#: Below this share, and with enough Han characters to be sure, a paragraph is Hans.
HANS_SHARE = 0.05
HANS_MIN_HAN = 15

_WORDS = re.compile(r"[^\W\d_]+")
# Frequent words of one language that are not words of the other (no "in", "was", "an", "will").
_GERMAN = frozenset(
    """der die das und ist nicht mit von zu den des dem ein eine einer eines einem sich auf für
    wird werden wurde sind auch als bei im am zum zur nach über wie dass oder aber noch nur hat
    haben sie er wir ich uns sei seien diese dieser dieses durch gegen ohne sollte
    könnten""".split()  # noqa: SIM905 (word lists read best as text)
)
_ENGLISH = frozenset(
    """the and of to is are were that for with on as by be this which it from at or not have has
    had would their its they we you he she been can could should about into than these those who
    what there when if any""".split()  # noqa: SIM905 (word lists read best as text)
)
_GERMAN_LETTERS = frozenset("äöüßÄÖÜ")


def language(text: str) -> str | None:
    """``zh``, ``de`` or ``en`` for a paragraph; ``None`` when it has no telling words."""
    sample = text[:SAMPLE_CHARS]
    han = sum(1 for char in sample if is_han(char))
    words = _WORDS.findall(sample)
    # A Han character carries about as much as a Latin word: "凯洛格(Keith Kellog)" stays zh,
    # an English notice quoting one Chinese name stays en.
    latin_words = [word for word in words if not any(is_han(char) for char in word)]
    if han and han >= len(latin_words):
        return "zh"
    if not latin_words:
        return None
    lowered = [word.lower() for word in latin_words]
    german = sum(word in _GERMAN for word in lowered)
    german += sum(1 for char in sample if char in _GERMAN_LETTERS)
    english = sum(word in _ENGLISH for word in lowered)
    if german > english:
        return "de"
    if english > german:
        return "en"
    return None


def han_share(text: str) -> tuple[int, int]:
    """(characters OpenCC t2s changes, Han characters) in the paragraph's sample."""
    return traditional_share(text[:SAMPLE_CHARS])


def script(share: tuple[int, int]) -> str | None:
    """``Hant`` or ``Hans`` from :func:`han_share`; ``None`` when too few characters tell."""
    changed, han = share
    if not han:
        return None
    ratio = changed / han
    if changed and ratio >= HANT_SHARE:
        return "Hant"
    if han >= HANS_MIN_HAN and ratio < HANS_SHARE:
        return "Hans"
    return None


def majority_script(shares: list[tuple[int, int]]) -> str:
    """Document script from the :func:`han_share` counts of its Chinese paragraphs."""
    changed = sum(count for count, _ in shares)
    han = sum(total for _, total in shares)
    return "Hant" if han and changed / han >= HANT_SHARE else "Hans"
