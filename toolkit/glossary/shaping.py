"""The string the glossary automaton reads: folded text with word edges written into it.

Latin terms must match whole words ("EU" is not inside "neu" or "EUISS"). Rather than checking
boundaries after each automaton hit, the text is *shaped*: folded (:func:`toolkit.chinese.fold`)
and the first and last letter of every word — a run of letters and digits below U+2000 (Latin,
Greek, Cyrillic) — written with a code point of its own: an initial, final, or isolated form
(a one-letter word). Keys are shaped the same way, so a key that starts or ends with a letter
only occurs where the text has a word boundary there, while a key starting with a Chinese
character or punctuation matches anywhere. Inside a phrase the shapes agree too: a key is a
substring of the shaped text exactly where the folded key is a whole-word substring of the
folded text.

* Shaping keeps the length, so offsets in the shaped text are offsets in the original.
* The forms are code points :func:`fold` never produces (capitals, traditional characters, …),
  so they never meet a text character; a–z starting a word is written A–Z, so shaped Latin text
  has the UTF-8 size of the original.
* Letters no key uses become one placeholder (no key can match across them), lone surrogates
  another: the automaton reads valid UTF-8.
* Two implementations give the same string: str.translate and re for short texts, numpy for long
  ones (the caller decides; importing numpy costs more than shaping a sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from toolkit.chinese import fold, fold_table
from toolkit.errors import GlossaryError

# Word characters are letters and digits below U+2000 (Latin, Greek, Cyrillic); CJK ideographs,
# kana and every punctuation block are boundaries.
WORD_LIMIT = 0x2000
_UNICODE_SIZE = 0x110000
_WORD_RUN = re.compile("[^_\\W\u2000-\U0010ffff]+")
_EDGE = re.compile(b"[\x01-\x03]")


def is_word_char(char: str) -> bool:
    """Latin/Greek/Cyrillic letter or digit: what a Latin term must not touch."""
    return char.isalnum() and ord(char) < WORD_LIMIT


@cache
def _fold_array() -> Any:
    """:func:`fold` as a lookup array over every code point."""
    import numpy as np

    table = fold_table()
    folded = np.arange(_UNICODE_SIZE, dtype=np.uint32)
    folded[: len(table)] = np.fromiter(map(ord, table), dtype=np.uint32, count=len(table))
    return folded


@cache
def _word_array() -> Any:
    """Whether each code point folds to a word character."""
    import numpy as np

    letters = np.zeros(_UNICODE_SIZE, dtype=bool)
    letters[:WORD_LIMIT] = [chr(code).isalnum() for code in range(WORD_LIMIT)]
    return letters[_fold_array()]


@cache
def _word_codes() -> Any:
    import numpy as np

    return np.flatnonzero(_word_array())


_SPARE: list[int] = []


def spare_code_points(count: int) -> list[int]:
    """The first ``count`` code points :func:`fold` never produces (capitals, traditional
    characters, …): the shaped forms are written with these."""
    if len(_SPARE) < count:
        table = fold_table()
        produced = _produced()
        code = _SPARE[-1] + 1 if _SPARE else 0x80
        while len(_SPARE) < count and code < len(table):
            if not 0xD800 <= code < 0xE000 and chr(code) not in produced:
                _SPARE.append(code)
            code += 1
    return _SPARE[:count]


@cache
def _produced() -> frozenset[str]:
    return frozenset(fold_table())


def prepare(vectorised: bool = True) -> None:
    """Build the per-process tables now (benchmarks keep them out of their timings)."""
    _produced()
    fold("")
    if vectorised:
        _word_codes()


def _edge_flavours(word: Any) -> Any:
    """Per character: 1 first letter of a word, 2 last, 3 both (a one-letter word), else 0."""
    import numpy as np

    before = np.zeros_like(word)
    before[1:] = word[:-1]
    after = np.zeros_like(word)
    after[:-1] = word[1:]
    flavours = (word > before).view(np.uint8)
    flavours |= (word > after).view(np.uint8) << 1
    return flavours


def fold_and_mark(text: str, vectorised: bool) -> tuple[str, bytes]:
    """The folded text, and the edge flavour of each character (1 first letter of a word, 2 last,
    3 a one-letter word, 0 otherwise)."""
    if not vectorised:
        folded = fold(text)
        edges = bytearray(len(text))
        for word in _WORD_RUN.finditer(folded):
            start, end = word.span()
            if end - start == 1:
                edges[start] = 3
            else:
                edges[start] = 1
                edges[end - 1] = 2
        return folded, bytes(edges)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = _fold_array().take(codes).tobytes().decode("utf-32-le", "surrogatepass")
    return folded, _edge_flavours(_word_array().take(codes)).tobytes()


def letters_of(text: str, vectorised: bool) -> set[str]:
    """The word characters of ``text``, folded."""
    if not vectorised:
        return {char for char in set(fold(text)) if is_word_char(char)}
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = _fold_array().take(codes)[_word_array().take(codes)]
    return {chr(code) for code in np.flatnonzero(np.bincount(folded, minlength=WORD_LIMIT))}


class _InsideTable(dict):
    """``str.translate`` table for characters that are not word edges: letters no key uses become
    one placeholder, lone surrogates another; anything else stays."""

    def __init__(self, letters: dict[str, Any], unknown: int, surrogate: int) -> None:
        super().__init__()
        self._letters = letters
        self._unknown = unknown
        self._surrogate = surrogate

    def __missing__(self, code: int) -> int:
        value = code
        if 0xD800 <= code < 0xE000:
            value = self._surrogate
        elif code < WORD_LIMIT and chr(code).isalnum() and chr(code) not in self._letters:
            value = self._unknown
        self[code] = value
        return value


class Shaper:
    """Shapes text for one glossary: ``letters`` are every (folded) letter its keys may hold."""

    def __init__(self, letters: Iterable[str]) -> None:
        ordered = sorted(set(letters))
        spare = spare_code_points(2 + 3 * len(ordered))
        if len(spare) < 2 + 3 * len(ordered):
            raise GlossaryError(
                f"the glossary uses {len(ordered)} distinct letters; the matcher handles "
                f"{(len(spare) - 2) // 3}"
            )
        free = iter(spare[2:])
        #: letter → (initial, final, isolated) forms
        self.forms: dict[str, tuple[str, str, str]] = {}
        for letter in ordered:
            initial = letter.upper() if "a" <= letter <= "z" else chr(next(free))
            self.forms[letter] = (initial, chr(next(free)), chr(next(free)))
        self.unknown, self.surrogate = spare[0], spare[1]
        self.inside = _InsideTable(self.forms, self.unknown, self.surrogate)
        #: str.translate table from a shaped key back to its folded form
        self.unshape = {ord(form): letter for letter, forms in self.forms.items() for form in forms}
        self._arrays: tuple[Any, Any] | None = None

    def shape(self, text: str, vectorised: bool) -> str:
        """``text`` as the automaton reads it (same length)."""
        if vectorised:
            return self._shape_numpy(text)
        folded, edges = fold_and_mark(text, False)
        inside = folded.translate(self.inside)
        if not _EDGE.search(edges):
            return inside
        chars = list(inside)
        forms = self.forms
        for edge in _EDGE.finditer(edges):
            at = edge.start()
            letter_forms = forms.get(folded[at])
            if letter_forms is not None:
                chars[at] = letter_forms[edges[at] - 1]
        return "".join(chars)

    def _shape_numpy(self, text: str) -> str:
        import numpy as np

        if self._arrays is None:
            self._arrays = self._build_arrays()
        table, forms = self._arrays
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        keys = table.take(codes)
        keys += _edge_flavours(keys >= _UNICODE_SIZE)
        return forms.take(keys).tobytes().decode("utf-32-le")

    def _build_arrays(self) -> tuple[Any, Any]:
        """(code point → folded code point, or for a letter 4 × its slot past the Unicode range;
        that index plus the edge flavour → the code point written). One lookup each, fused with
        folding: the haystack of a 10 MB text is built in a few numpy passes."""
        import numpy as np

        letters = list(self.forms)
        table = _fold_array().copy()
        table[0xD800:0xE000] = self.surrogate
        slots = np.zeros(WORD_LIMIT, dtype=np.uint32)  # slot 0: letters no key uses
        slots[[ord(letter) for letter in letters]] = np.arange(1, len(letters) + 1)
        words = _word_codes()
        table[words] = _UNICODE_SIZE + 4 * slots[_fold_array()[words]]
        forms = np.empty(_UNICODE_SIZE + 4 * (len(letters) + 1), dtype=np.uint32)
        forms[:_UNICODE_SIZE] = np.arange(_UNICODE_SIZE, dtype=np.uint32)
        forms[_UNICODE_SIZE : _UNICODE_SIZE + 4] = self.unknown
        rows = [[ord(letter), *map(ord, self.forms[letter])] for letter in letters]
        if rows:
            forms[_UNICODE_SIZE + 4 :] = np.array(rows, dtype=np.uint32).ravel()
        return table, forms
