"""Find glossary terms in text: two Aho-Corasick passes over a folded copy, spans in the original.

Design (figures from ``benchmarks/glossary.py``):

* Every term of every language — derived zh-Hant forms and German/English declensions
  (:mod:`toolkit.glossary.inflect`) included — is indexed by its *match key*: the
  :func:`toolkit.chinese.fold` of the form (t2s per character, half-width, lower case) with
  whitespace, apostrophe and hyphen variants unified. Folding never changes the length of a
  string, so a span on the folded text is the span in the original. A whole text is folded once,
  through a numpy lookup table (``str.translate`` costs ~40 ns a character, numpy ~3).
* pyahocorasick finds a node's child by linear search, so an automaton whose root has thousands
  of children (one per first Han character) crawls at ~3 MB/s. Keys that begin with a non-word
  character (Chinese terms) are therefore indexed as UTF-8 bytes read as Latin-1: the root has a
  handful of children (UTF-8 lead bytes) and every other node at most 64 (keys are inserted in
  sorted order, which measured ~20 % faster). A cumulative count of UTF-8 lead bytes turns the
  byte offsets of hits back into character offsets. Texts with no character a Han key can start
  with skip this pass.
* Keys that begin with a Latin letter or digit need word boundaries ("EU" must not hit "neu" or
  "EUISS"; Chinese characters, hyphens and punctuation are boundaries: "司令(SACEUR)",
  "NATO-Außenminister"). They are matched in a second automaton over a *marked* copy in which
  every non-word character is a space, the key having a space before it (and after it, unless
  its last word may take an ending). A raw hit is thus already a whole-word hit; keys with
  punctuation or spaces are then checked against the folded text, case-sensitive terms against
  the original case, and declinable terms against their allowed endings ("Schattenflotte" +
  "n"; never "Schattenflottentanker"). A group of entries needing none of these checks is
  accepted as found, without a Python call per entry.
* Overlaps: leftmost wins, then longest. The term reported for one span is ranked by (written form
  before declined form, the concept's best status — preferred, admitted, forbidden —, concept id,
  surface written exactly as the term, term language equal to the segment's, term status,
  language, text). Same input, same output.
"""

from __future__ import annotations

import re
import sys
import weakref
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple

from toolkit.glossary.inflect import EXACT, declensions
from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Term, TermHit

_STATUS_RANK = {"preferred": 0, "admitted": 1, "forbidden": 2}
_LANG_RANK = {"en": 0, "zh-Hans": 1, "zh-Hant": 2, "de": 3}
# Word characters are letters and digits below U+2000 (Latin, Greek, Cyrillic); CJK ideographs,
# kana and every punctuation block are boundaries.
_WORD_LIMIT = 0x2000
_UNICODE_SIZE = 0x110000
# Joins segments matched in one batch: never part of a key, a boundary in the marked text.
_SEPARATOR = "\x00"
_BATCH_CHARS = 1 << 16


def is_word_char(char: str) -> bool:
    """Latin/Greek/Cyrillic letter or digit: what a Latin term must not touch."""
    return char.isalnum() and ord(char) < _WORD_LIMIT


@cache
def _key_table() -> list[str]:
    """``str.translate`` table of :func:`match_key` (for short strings; texts use numpy)."""
    from toolkit.chinese import _fold_table

    table = list(_fold_table())
    for code, char in enumerate(table):
        if char.isspace():
            table[code] = " "
    # Typographic apostrophes and hyphens are written either way in news text.
    for chars, plain in (("\u2019\u2018\u02bc\u2032", "'"), ("\u2010\u2011", "-")):
        for char in chars:
            table[ord(char)] = plain
    return table


@cache
def _numpy_tables() -> tuple[Any, Any]:
    """(fold, mark) lookup arrays over every code point."""
    import numpy as np

    keys = _key_table()
    fold = np.arange(_UNICODE_SIZE, dtype=np.uint32)
    fold[: len(keys)] = np.fromiter(map(ord, keys), dtype=np.uint32, count=len(keys))
    word = np.zeros(_UNICODE_SIZE, dtype=bool)
    word[:_WORD_LIMIT] = [chr(code).isalnum() for code in range(_WORD_LIMIT)]
    mark = np.where(word[fold], fold, np.uint32(32)).astype(np.uint32)
    return fold, mark


# Below this many characters str.translate and re beat importing numpy (~0.1–0.4 s); once numpy
# is loaded anyway, it is used for every text.
_NUMPY_FROM = 1 << 15
_NON_WORD = re.compile("[_\\W\u2000-\U0010ffff]")


def _fold_and_mark(text: str) -> tuple[str, str]:
    """The folded text, and the marked one (non-word characters → spaces, padded by one)."""
    if len(text) < _NUMPY_FROM and "numpy" not in sys.modules:
        folded = text.translate(_key_table())
        return folded, " " + _NON_WORD.sub(" ", folded) + " "
    import numpy as np

    fold_table, mark_table = _numpy_tables()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = fold_table[codes].tobytes().decode("utf-32-le", "surrogatepass")
    padded = np.empty(len(codes) + 2, dtype=np.uint32)
    padded[0] = padded[-1] = 32
    padded[1:-1] = mark_table[codes]
    return folded, padded.tobytes().decode("utf-32-le", "surrogatepass")


def _char_counter(encoded: bytes):
    """A function: byte offset in UTF-8 ``encoded`` → characters up to and including it."""
    if len(encoded) < _NUMPY_FROM and "numpy" not in sys.modules:
        state = [0, 0]  # a byte offset and the characters before it; hits come in order

        def count(last_byte: int) -> int:
            state[1] += len(encoded[state[0] : last_byte + 1].decode("utf-8", "surrogatepass"))
            state[0] = last_byte + 1
            return state[1]

        return count
    import numpy as np

    counts = np.cumsum((np.frombuffer(encoded, dtype=np.uint8) & 0xC0) != 0x80)
    return lambda last_byte: int(counts[last_byte])


def match_key(text: str) -> str:
    """The folded form matching works on: same length as ``text``."""
    return text.translate(_key_table())


# An indexed form of a term, as a tuple (cheap to build and to pickle):
_TERM, _FORM, _KEY, _ENDINGS, _CASE, _VERIFY, _RIGHT, _HEAD, _TAIL, _SIMPLE, _LANG = range(11)
_Entry = tuple


class Match(NamedTuple):
    """A term found in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    concept: str
    term: Term


class Matcher:
    """Aho-Corasick index over every term of a glossary. Build with :meth:`from_glossary`."""

    def __init__(self, glossary: Glossary, state: dict[str, Any]) -> None:
        self._terms: list[tuple[str, Term]] = [(c.id, t) for c, t in glossary.terms()]
        self._han = state["han"]
        self._latin = state["latin"]
        # (key length in the automaton's text, entries, check mode: see _build_state)
        self._han_groups: list[tuple[int, tuple[_Entry, ...], int]] = state["han_groups"]
        self._latin_groups: list[tuple[int, tuple[_Entry, ...], int]] = state["latin_groups"]
        self._han_min: int = state["han_min"]
        self.size: int = state["size"]
        # Texts without a character a Han key can start with skip the Han pass.
        floor = chr(min(self._han_min, _UNICODE_SIZE - 1))
        self._han_probe = re.compile(f"[{re.escape(floor)}-\U0010ffff]")

    @classmethod
    def from_glossary(cls, glossary: Glossary) -> Matcher:
        """Index every term (derived zh-Hant and declined forms included) of ``glossary``."""
        return cls(glossary, _build_state(glossary))

    # -- matching -------------------------------------------------------------------------------

    def find(self, text: str, lang: str | None = None) -> list[Match]:
        """Non-overlapping term hits in ``text``, left to right.

        ``lang`` (a BCP 47 tag such as ``zh-Hant``) breaks ties between terms of one concept that
        fold to the same key (意愿聯盟 is both 意愿联盟 and 意願聯盟).
        """
        if not text:
            return []
        han = self._han_probe.search(text) is not None
        return [self._choose(text, *span, lang) for span in self._spans(text, han)]

    def scan(self, segments: Iterable[Segment]) -> Iterator[TermHit]:
        """Term hits of each segment (offsets in ``segment.text``), in segment order.

        Segments are matched in batches joined by a separator no key contains, so the automata
        run over long strings rather than once per sentence; segments without a character a Han
        key could start with skip the Han pass.
        """
        batch: list[Segment] = []
        size = 0
        for segment in segments:
            batch.append(segment)
            size += len(segment.text) + 1
            if size >= _BATCH_CHARS:
                yield from self._scan_batch(batch)
                batch, size = [], 0
        if batch:
            yield from self._scan_batch(batch)

    def _scan_batch(self, batch: list[Segment]) -> Iterator[TermHit]:
        probe = self._han_probe.search
        han_part: list[Segment] = []
        latin_part: list[Segment] = []
        for segment in batch:
            (han_part if probe(segment.text) else latin_part).append(segment)
        if not latin_part or not han_part:  # one pass, hits already in segment order
            yield from self._scan_part(batch, bool(han_part))
            return
        order = {segment.id: number for number, segment in enumerate(batch)}
        hits = [*self._scan_part(han_part, True), *self._scan_part(latin_part, False)]
        hits.sort(key=lambda hit: (order[hit.segment], hit.start))
        yield from hits

    def _scan_part(self, part: list[Segment], han: bool) -> Iterator[TermHit]:
        joined = _SEPARATOR.join(segment.text for segment in part)
        starts = []
        offset = 0
        for segment in part:
            starts.append(offset)
            offset += len(segment.text) + 1
        for start, end, group in self._spans(joined, han):
            index = bisect_right(starts, start) - 1
            segment = part[index]
            base = starts[index]
            surface = joined[start:end]
            concept, term = self._terms[self._pick(surface, group, segment.tag)[_TERM]]
            yield TermHit(
                segment=segment.id,
                doc=segment.doc,
                start=start - base,
                end=end - base,
                surface=surface,
                concept=concept,
                term=term,
            )

    def _spans(self, text: str, han: bool) -> list[tuple[int, int, tuple[_Entry, ...]]]:
        """Resolved (start, end, candidate entries) of ``text``: leftmost, then longest."""
        folded, marked = _fold_and_mark(text)  # marked[i + 1] belongs to text[i]

        found: list[tuple[int, int, tuple[_Entry, ...]]] = []
        if self._latin_groups:
            self._latin_hits(text, folded, marked, found)
        if han and self._han_groups:
            self._han_hits(text, folded, marked, found)
        if not found:
            return []
        found.sort(key=lambda hit: (hit[0], -hit[1]))
        resolved: list[tuple[int, int, tuple[_Entry, ...]]] = []
        last_end = -1
        for hit in found:
            start, end, entries = hit
            if resolved and resolved[-1][0] == start and resolved[-1][1] == end:
                resolved[-1] = (start, end, resolved[-1][2] + entries)
            elif start >= last_end:
                resolved.append(hit)
                last_end = end
        return resolved

    def _latin_hits(self, text: str, folded: str, marked: str, out: list) -> None:
        groups = self._latin_groups
        for last, index in self._latin.iter(marked):
            length, group, simple = groups[index]
            start = last - length + 1  # the key's leading space sits on text[start - 1]
            if simple > 0:  # whole words, no punctuation, case or endings to check
                out.append((start, start + simple, group))
            elif simple < 0:  # only the ending of the last word to check ("Schattenflotte-n")
                key_end = start - simple
                rest = marked[key_end + 1 : marked.find(" ", key_end + 1)]
                valid = tuple(entry for entry in group if rest in entry[_ENDINGS])
                if valid:
                    out.append((start, key_end + len(rest), valid))
            else:
                _accept_group(group, text, folded, marked, start, out)

    def _han_hits(self, text: str, folded: str, marked: str, out: list) -> None:
        encoded = folded.encode("utf-8", "surrogatepass")
        chars_at = _char_counter(encoded)
        groups = self._han_groups
        for last_byte, index in self._han.iter(encoded.decode("latin-1")):
            chars, group, simple = groups[index]
            start = chars_at(last_byte) - chars
            if simple > 0:
                out.append((start, start + simple, group))
            else:
                _accept_group(group, text, folded, marked, start, out)

    def _choose(
        self, text: str, start: int, end: int, group: tuple[_Entry, ...], lang: str | None
    ) -> Match:
        surface = text[start:end]
        concept, term = self._terms[self._pick(surface, group, lang)[_TERM]]
        return Match(start, end, surface, concept, term)

    def _pick(self, surface: str, group: tuple[_Entry, ...], lang: str | None) -> _Entry:
        """The entry reported for one span (see the module docstring for the ranking).

        ``group`` is sorted by the static part of the rank, so only entries tied with the first
        on (declined, concept status, concept) need the surface and language compared.
        """
        best = group[0]
        if len(group) == 1:
            return best
        head = best[_HEAD]
        best_key = (best[_FORM] != surface, best[_LANG] != lang)
        for entry in group[1:]:
            if entry[_HEAD] != head:
                break
            key = (entry[_FORM] != surface, entry[_LANG] != lang)
            if key < best_key:
                best, best_key = entry, key
        return best


def _accept_group(
    group: tuple[_Entry, ...], text: str, folded: str, marked: str, start: int, out: list
) -> None:
    """Append (start, end, entries) for the entries of ``group`` whose hit at ``start`` stands."""
    by_end: dict[int, list[_Entry]] = {}
    for entry in group:
        end = _accept(entry, text, folded, marked, start)
        if end is not None:
            by_end.setdefault(end, []).append(entry)
    for end, entries in by_end.items():
        out.append((start, end, tuple(entries)))


def _accept(entry: _Entry, text: str, folded: str, marked: str, start: int) -> int | None:
    """End of the hit of ``entry`` at ``start``, or None when the hit does not stand."""
    key = entry[_KEY]
    end = start + len(key)
    if entry[_VERIFY] and folded[start:end] != key:
        return None  # punctuation or spacing differs, or the hit spans two batched segments
    if entry[_CASE] is not None:
        from toolkit.chinese import fold_keep_case

        if fold_keep_case(text[start:end]) != entry[_CASE]:
            return None
    endings = entry[_ENDINGS]
    if endings == EXACT:
        if entry[_RIGHT] and marked[end + 1] != " ":
            return None  # a letter or digit follows
        return end
    stop = marked.find(" ", end + 1)
    rest = marked[end + 1 : stop]
    if rest not in endings:
        return None
    return end + len(rest)


def _build_state(glossary: Glossary) -> dict[str, Any]:
    """The automata and candidate groups of ``glossary`` (picklable: ints, strings, tuples)."""
    import ahocorasick

    from toolkit.chinese import fold_keep_case

    best_status: dict[str, int] = {}
    for concept, term in glossary.terms():
        rank = _STATUS_RANK[term.status]
        best_status[concept.id] = min(rank, best_status.get(concept.id, rank))
    pending: list[tuple[int, Term, str, str, tuple[str, ...], bool]] = []
    for number, (concept, term) in enumerate(glossary.terms()):
        if term.case_sensitive or term.dnt or term.form == "acronym":
            pairs = [(term.text, EXACT)]
        else:
            pairs = declensions(term.text, term.lang, concept.type)
        for order, (form, endings) in enumerate(pairs):
            pending.append((number, term, concept.id, form, endings, order > 0))
    forms = [item[3] for item in pending]
    keys = _map_many(forms, 0)
    marks = _map_many(forms, 1)
    han_groups: dict[str, list[_Entry]] = {}
    latin_groups: dict[str, list[_Entry]] = {}
    seen: set[tuple[int, str, tuple[str, ...]]] = set()
    size = 0
    for (number, term, concept, form, endings, declined), key, mark in zip(
        pending, keys, marks, strict=True
    ):
        if (number, key, endings) in seen or not key.strip():
            continue
        seen.add((number, key, endings))
        size += 1
        latin = mark[0] != " "
        right = mark[-1] != " "
        verify = latin and mark != key  # spaces or punctuation: check the folded text
        case = fold_keep_case(form) if term.case_sensitive else None
        simple = not verify and case is None and endings == EXACT and (latin or not right)
        entry = (
            number,
            form,
            key,
            endings,
            case,
            verify,
            right,
            (declined, best_status[concept], concept),
            (_STATUS_RANK[term.status], _LANG_RANK.get(term.lang, 9), term.text),
            simple,
            term.lang,
        )
        if latin:
            tail = " " if endings == EXACT and right else ""
            latin_groups.setdefault(" " + mark + tail, []).append(entry)
        else:
            han_groups.setdefault(key.encode("utf-8").decode("latin-1"), []).append(entry)
    state: dict[str, Any] = {"size": size}
    for name, groups in (("han", han_groups), ("latin", latin_groups)):
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        table: list[tuple[int, tuple[_Entry, ...], int]] = []
        # Inserting in sorted order keeps sibling nodes ordered, which measured ~20 % faster.
        for word in sorted(groups):
            group = groups[word]
            automaton.add_word(word, len(table))
            length = len(group[0][_KEY]) if name == "han" else len(word)
            # All entries simple: the hit stands as found and spans the key (> 0); only endings
            # to check (< 0, minus the key length); anything else (0) goes through _accept.
            key_length = len(group[0][_KEY])
            if all(e[_SIMPLE] for e in group):
                simple = key_length
            elif name == "latin" and all(_endings_only(e, key_length) for e in group):
                simple = -key_length
            else:
                simple = 0
            table.append((length, _ranked(group), simple))
        automaton.make_automaton()
        state[name] = automaton
        state[f"{name}_groups"] = table
    state["han_min"] = min(
        (ord(group[0][_KEY][0]) for group in han_groups.values()), default=_UNICODE_SIZE
    )
    return state


def _endings_only(entry: _Entry, key_length: int) -> bool:
    return (
        entry[_ENDINGS] != EXACT
        and not entry[_VERIFY]
        and entry[_CASE] is None
        and len(entry[_KEY]) == key_length
    )


def _ranked(group: list[_Entry]) -> tuple[_Entry, ...]:
    if len(group) == 1:
        return (group[0],)
    return tuple(sorted(group, key=lambda e: (e[_HEAD], e[_TAIL])))


def _map_many(texts: list[str], which: int) -> list[str]:
    """Fold (``which`` = 0) or mark (1) many strings in one numpy pass."""
    if not texts:
        return []
    if sum(map(len, texts)) < _NUMPY_FROM and "numpy" not in sys.modules:
        folded = [text.translate(_key_table()) for text in texts]
        return [_NON_WORD.sub(" ", text) for text in folded] if which else folded
    import numpy as np

    table = _numpy_tables()[which]
    joined = _SEPARATOR.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    out = table[codes]
    if which:  # the separator must survive marking
        out[codes == 0] = 0
    return out.tobytes().decode("utf-32-le").split(_SEPARATOR)


_MATCHERS: dict[int, tuple[weakref.ref, Matcher]] = {}


def matcher_for(glossary: Glossary) -> Matcher:
    """The matcher of ``glossary``, built once per glossary object."""
    cached = _MATCHERS.get(id(glossary))
    if cached is not None and cached[0]() is glossary:
        return cached[1]
    matcher = Matcher.from_glossary(glossary)
    key = id(glossary)
    _MATCHERS[key] = (weakref.ref(glossary, lambda _ref: _MATCHERS.pop(key, None)), matcher)
    return matcher
