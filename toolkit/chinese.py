"""Chinese script handling: OpenCC conversions and the matching fold.

Two normalisations with different jobs:

* :func:`to_hans` is OpenCC ``t2s`` (phrase-aware), used for a segment's ``norm`` — the form that is
  matched and machine-translated. It is length-preserving by contract so spans carry over.
* :func:`fold` is a single ``str.translate`` pass (C speed) used to build glossary match keys:
  traditional → simplified per character, regional variant characters → standard, full-width ASCII
  → ASCII, interpunct variants → ``·``, lower case. It never changes the length of a string.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: Output variants for Chinese targets: tag → OpenCC configuration applied to zh-Hans text.
HANT_CONFIGS: dict[str, str] = {
    "zh-Hant": "s2twp",
    "zh-Hant-TW": "s2twp",
    "zh-Hant-HK": "s2hk",
}
#: Region of each zh-Hant target, for choosing regional glossary forms.
HANT_REGIONS: dict[str, str] = {"zh-Hant": "TW", "zh-Hant-TW": "TW", "zh-Hant-HK": "HK"}

# Separators used inside transliterated names (伊沃·达尔德, 伊沃.达尔德, 伊沃•达尔德 …).
INTERPUNCTS = "·・•‧∙⋅．."


@cache
def _converter(config: str):  # -> opencc.OpenCC, imported lazily (dictionaries load in ~20 ms)
    from opencc import OpenCC

    return OpenCC(config)


def _dictionary_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "dictionary"


def _char_pairs(name: str) -> dict[str, str]:
    """Single-character mappings of an OpenCC dictionary file (first candidate wins)."""
    pairs: dict[str, str] = {}
    with open(_dictionary_dir() / name, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            target = targets.split(" ")[0] if targets else ""
            if len(source) == 1 and len(target) == 1:
                pairs[source] = target
    return pairs


@cache
def _t2s_chars() -> dict[int, str]:
    table: dict[int, str] = {}
    # Regional variant characters first, so 裡/裏 and 台/臺 end at the same simplified character.
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for source, target in _char_pairs(name).items():
            table[ord(source)] = target
    ts = _char_pairs("TSCharacters.txt")
    for code, target in list(table.items()):
        table[code] = ts.get(target, target)
    for source, target in ts.items():
        table[ord(source)] = target
    return table


@cache
def _fold_keep_case_table() -> dict[int, str]:
    table = dict(_t2s_chars())
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for char in INTERPUNCTS:
        table[ord(char)] = "·"
    return table


@cache
def _fold_table() -> list[str]:
    mapping = dict(_fold_keep_case_table())
    # Lower case only where it stays one character (İ → i̇ would shift offsets); Latin, Greek and
    # Cyrillic cover the names a news glossary holds.
    for code in (*range(0x41, 0x250), *range(0x370, 0x530)):
        mapping.setdefault(code, chr(code))
    for code, target in mapping.items():
        lowered = target.lower()
        if len(lowered) == 1:
            mapping[code] = lowered
    # News text writes apostrophes and hyphens either way, and spaces of every width.
    for chars, plain in (("\u2019\u2018\u02bc\u2032", "'"), ("\u2010\u2011", "-")):
        for char in chars:
            mapping[ord(char)] = plain
    # A list indexed by code point translates about twice as fast as a dict; code points past its
    # end raise IndexError, which str.translate treats as "leave unchanged".
    table = list(map(chr, range(max(mapping) + 1)))
    for code, target in mapping.items():
        table[code] = target
    for code, char in enumerate(table):
        if char.isspace():
            table[code] = " "
    return table


def fold_table() -> list[str]:
    """The table :func:`fold` translates with (index = code point), e.g. for numpy lookups."""
    return _fold_table()


def fold(text: str) -> str:
    """Matching key of ``text``: same length, simplified, half-width, lower-cased, one kind of
    space, apostrophe and hyphen."""
    return text.translate(_fold_table())


def fold_keep_case(text: str) -> str:
    """Like :func:`fold` but keeps letter case, for case-sensitive terms."""
    return text.translate(_fold_keep_case_table())


@cache
def _t2s_triggers() -> tuple[frozenset[str], tuple[str, ...]]:
    """What OpenCC t2s could change: characters of its table, and the few phrases of its phrase
    table written without one (沈默 → 沉默). Text with neither is returned as it is, so plain
    simplified text never reaches the pure-Python converter (about 1 MB/s)."""
    chars = frozenset(_char_pairs("TSCharacters.txt"))
    phrases = []
    with open(_dictionary_dir() / "TSPhrases.txt", encoding="utf-8") as handle:
        for line in handle:
            phrase = line.partition("\t")[0]
            if phrase and chars.isdisjoint(phrase):
                phrases.append(phrase)
    return chars, tuple(phrases)


def _needs_t2s(text: str) -> bool:
    chars, phrases = _t2s_triggers()
    return not chars.isdisjoint(text) or any(phrase in text for phrase in phrases)


def to_hans(text: str) -> str:
    """zh-Hans form of ``text`` (OpenCC t2s), guaranteed to keep its length."""
    if not _needs_t2s(text):
        return text
    converted = _converter("t2s").convert(text)
    if len(converted) != len(text):
        # A phrase rule changed the length: fall back to per-character conversion.
        converted = text.translate(_t2s_chars())
    return converted


def to_hant(text: str, target: str = "zh-Hant") -> str:
    """Convert zh-Hans ``text`` to the traditional variant of ``target`` (s2twp or s2hk)."""
    try:
        config = HANT_CONFIGS[target]
    except KeyError:
        raise ValueError(f"not a traditional Chinese target: {target}") from None
    return _converter(config).convert(text)


def s2t(text: str) -> str:
    """Plain OpenCC s2t (no regional vocabulary), used for derived glossary forms."""
    return _converter("s2t").convert(text)


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2FFFF
        or 0xF900 <= code <= 0xFAFF
    )


def han_count(text: str) -> int:
    return sum(1 for char in text if is_han(char))


def traditional_share(text: str) -> tuple[int, int]:
    """(characters that t2s changes, Han characters) for script detection."""
    table = _t2s_chars()
    han = changed = 0
    for char in text:
        if is_han(char):
            han += 1
            if ord(char) in table and table[ord(char)] != char:
                changed += 1
    return changed, han
