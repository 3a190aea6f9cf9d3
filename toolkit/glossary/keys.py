"""What the glossary matcher's keys stand for: entries, answers and the per-key states.

A *key* is one indexed string: a form of a term with one of its endings, or a blocker
(``Term.not_in``). The automaton holds the keys themselves, or for declined German phrases only
their last words (:func:`anchored`); see :mod:`toolkit.glossary.match`.
"""

from __future__ import annotations

from typing import Any

from toolkit.chinese import fold
from toolkit.glossary.inflect import declensions, last_words
from toolkit.glossary.shaping import is_word_char
from toolkit.models import Term

_INFLECTING = frozenset(("de", "en"))

# An entry is one indexed string of a term: (term number, written declension form — None for a
# blocker —, declined or not). Answers are term numbers, or a Choice.
Entry = tuple[int, "str | None", bool]
NO_CONCEPTS: frozenset[str] = frozenset()


class Choice:
    """Entries tied on (declined, concept status, concept): the surface and the language decide."""

    __slots__ = ("options", "tables")

    def __init__(self, options: tuple[tuple[str, str, int], ...]) -> None:
        self.options = options  # (written form, term language, term number), in rank order
        self.tables: dict[str | None, tuple[dict[str, int], int]] | None = None

    def pick(self, surface: str, lang: str | None) -> int:
        if self.tables is None:
            self.tables = {}
        table = self.tables.get(lang)
        if table is None:
            table = self.tables[lang] = self._table(lang)
        return table[0].get(surface, table[1])

    def _table(self, lang: str | None) -> tuple[dict[str, int], int]:
        """(written form → term, term for any other surface) under ``lang``: the first option in
        rank order, preferring one in ``lang``."""
        by_form: dict[str, tuple[int, bool]] = {}
        default: tuple[int, bool] | None = None
        for form, term_lang, number in self.options:
            candidate = (number, term_lang == lang)
            known = by_form.get(form)
            if known is None or (candidate[1] and not known[1]):
                by_form[form] = candidate
            if default is None or (candidate[1] and not default[1]):
                default = candidate
        assert default is not None
        return {form: number for form, (number, _) in by_form.items()}, default[0]


class Key:
    """A key that blocks, or whose entries are case-sensitive (others are a tuple of entries)."""

    __slots__ = ("blocking", "cased", "entries", "upper_first")

    def __init__(self, entries: tuple[Entry, ...], blocking: frozenset[str]) -> None:
        self.entries = entries
        self.blocking = blocking  # concepts whose blocker this string is
        self.cased: dict[str, int | None] = {}  # surface → the id answering for it
        # every entry case-sensitive with a capital first: a surface starting small matches none
        self.upper_first = False


class Anchor:
    """An automaton key that ends longer keys: their prefixes, checked in the shaped text."""

    __slots__ = ("lengths", "plain", "table")

    def __init__(self, plain: int | None, lengths: tuple[int, ...], table: dict[str, Any]):
        self.plain = plain  # id of the key that is the anchor itself
        self.lengths = lengths  # of the prefixes, ascending
        # shaped prefix → key id; until a hit first finds the prefix (most declined variants
        # never occur), its entries (a tuple) or a blocking Key
        self.table = table


# What an id (an automaton key, or a key found through one) needs at a hit:
UNKNOWN = 0  # not worked out yet (an automaton key before its first hit)
READY = 1  # its answer stands wherever it overlaps no other candidate
ANCHOR = 2  # an Anchor: look for the prefixes
CASED = 3  # case-sensitive entries: check the letter case
BLOCKER = 4  # only blocks: matters where it overlaps other candidates
NONE = 5  # stands for nothing (last_words may give a few more automaton keys than needed)
_WORD_FIRST: dict[str, bool] = {}


def _starts_word(text: str) -> bool:
    first = text[:1]
    known = _WORD_FIRST.get(first)
    if known is None:
        known = _WORD_FIRST[first] = bool(first) and is_word_char(fold(first))
    return known


def _inflects(term: Term) -> bool:
    return (
        term.lang in _INFLECTING
        and not (term.case_sensitive or term.dnt)
        and term.form != "acronym"
    )


def anchored(term: Term, concept_type: str) -> bool:
    """Whether the automaton holds only the last words of the term's forms (after the last
    space): declined German phrases, whose forms all keep the spaces and the first letter."""
    text = term.text
    if term.lang != "de" or concept_type == "person" or " " not in text or not _inflects(term):
        return False
    last = text.rsplit(" ", 1)[-1]
    return len(last) >= 3 and _starts_word(text) and _starts_word(last)


def keys_of(term: Term, concept_type: str) -> list[tuple[str, str | None, bool]]:
    """(indexed string, written form or None for a blocker, declined) of one term."""
    blockers: list[tuple[str, str | None, bool]] = [(c, None, False) for c in term.not_in]
    if not _inflects(term):
        return [(term.text, term.text, False), *blockers]
    return [
        (form + ending, form, number > 0)
        for number, (form, endings) in enumerate(declensions(term.text, term.lang, concept_type))
        for ending in endings
    ] + blockers


def anchors_of(term: Term, concept_type: str, by_last_word: bool) -> list[str]:
    """The automaton keys of ``term``: its indexed strings, or for a phrase indexed by its last
    word (:func:`anchored`) those words, found without spelling the forms out (maybe a few
    more)."""
    if by_last_word:
        return [*last_words(term.text, "de", concept_type), *term.not_in]
    if not _inflects(term):
        return [term.text, *term.not_in]
    return [key for key, _written, _declined in keys_of(term, concept_type)]
