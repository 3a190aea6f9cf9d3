"""Find glossary terms in text: one Aho-Corasick pass over a shaped copy, spans in the original.

Design. Figures from ``benchmarks/glossary.py`` (100 000 terms, 10 MB of zh/de/en text, a shared
2-core machine): build 1.2–1.5 s CPU, ``find`` 12–14 MB/s, ``scan`` 9–11 MB/s, where shaping and
the automaton alone run at 26–35 MB/s and the previous matcher (pyahocorasick, two passes) built
in 3.6–4.7 s and found at 5.7–6 MB/s.

* Keys: every term of every language — derived zh-Hant forms, and German/English declensions
  with each of their endings (:mod:`toolkit.glossary.inflect`), blockers too — folded with
  :func:`toolkit.chinese.fold` (t2s per character, half-width, lower case, one kind of space,
  apostrophe and hyphen), which never changes the length of a string.
* Word boundaries by construction: the automaton reads the text *shaped*
  (:mod:`toolkit.glossary.shaping`): folded, with the first and last letter of each word written
  as code points of their own, and keys are shaped alike. Every automaton hit is then a
  whole-word hit ("EU" is not inside "neu" or "EUISS"; "Schattenflotte" + "n" is not inside
  "Schattenflottentanker"; Chinese characters and punctuation are boundaries), with no check in
  Python. Shaping keeps the length, so offsets are offsets in the original.
* Declined German phrases are indexed by their last word (:func:`toolkit.glossary.keys.anchored`):
  "europäischer Pfeiler" has a dozen forms that differ in the first words, so the automaton holds
  the few forms of "Pfeiler" and a hit checks the rest of the phrase in the shaped text. Those
  forms are most of a large glossary's automaton, and of its build time.
* One automaton (ahocorasick-rs, Rust) in overlapping mode reports every occurrence of every key
  in order of its end; leftmost-longest resolution happens here, over those candidates, so a
  candidate rejected by the one check the automaton cannot make — the letter case of
  case-sensitive terms — never hides a shorter or later valid one. Candidates rarely overlap in
  news text: runs without overlaps go through map/zip/compress with no Python loop per hit.
* Building computes only the automaton keys; what each key stands for (its terms, prefixes,
  ranked answer) is worked out at its first hit and kept, in tuples and plain lists the garbage
  collector soon ignores. The first pass over a large text pays for that (2.2–3 s for the
  benchmark's, which hits 45 000 keys); a real glossary's few thousand keys cost milliseconds.
* Overlaps: leftmost wins, then longest. The term reported for one span is ranked by (written form
  before declined form, the concept's best status — preferred, admitted, forbidden —, concept id,
  surface written exactly as the term, term language equal to the segment's, term status,
  language, text). Same input, same output.
* Blockers (``Term.not_in``: 东欧盟友 holds 欧盟 but is not the EU) compete as keys. One that wins
  the resolution reports nothing and removes the hits of its concept inside its span; the
  resolution then goes on at the same place, so another term inside the span (东欧) can still be
  found.
"""

from __future__ import annotations

import sys
import threading
import weakref
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from itertools import compress, repeat
from operator import is_not, itemgetter, lt, ne, sub
from typing import Any, NamedTuple

from toolkit.chinese import fold, fold_keep_case
from toolkit.glossary import shaping
from toolkit.glossary.context import ContextRules, outside_other_words, resolve_segments
from toolkit.glossary.inflect import ADDED_LETTERS
from toolkit.glossary.keys import (
    ANCHOR,
    BLOCKER,
    CASED,
    NO_CONCEPTS,
    NONE,
    READY,
    UNKNOWN,
    Anchor,
    Choice,
    Entry,
    Key,
    anchored,
    anchors_of,
    keys_of,
)
from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Term, TermHit

_EMPTY: tuple[list, list, list] = ([], [], [])
_STATUS_RANK = {"preferred": 0, "admitted": 1, "forbidden": 2}
_LANG_RANK = {"en": 0, "zh-Hans": 1, "zh-Hant": 2, "de": 3}
# Joins segments matched in one batch (and keys shaped in one pass): never part of a key.
_SEPARATOR = "\x00"
_BATCH_CHARS = 1 << 16
# Below this many characters str.translate and re beat importing numpy (~0.1–0.4 s); once numpy
# is loaded anyway, it is used for every text but short ones (a few µs of overhead per call).
_NUMPY_FROM = 1 << 15
_NUMPY_LOADED_FROM = 256
_ID = itemgetter(0)
_START = itemgetter(1)
_END = itemgetter(2)
_new_tuple = tuple.__new__
is_word_char = shaping.is_word_char


def match_key(text: str) -> str:
    """The folded form matching works on (:func:`toolkit.chinese.fold`): same length."""
    return fold(text)


class Match(NamedTuple):
    """A term found in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    concept: str
    term: Term
    # Other concepts the surface may name when the context does not decide (see TermHit).
    alternatives: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)

    @property
    def expects_rendering(self) -> bool:
        """Whether one target rendering is expected of this hit: the context decided its sense
        and the glossary enforces the term (``Term.enforce``)."""
        return not self.alternatives and self.term.enforce


def _rebuild_match(hit: Match, concept: str, term: Term, alternatives: tuple[str, ...]) -> Match:
    return hit._replace(concept=concept, term=term, alternatives=alternatives)


def _use_numpy(size: int) -> bool:
    return size >= _NUMPY_FROM or (size >= _NUMPY_LOADED_FROM and "numpy" in sys.modules)


def _fold_and_mark(text: str) -> tuple[str, bytes]:
    """The folded text and each character's word-edge flavour (see toolkit.glossary.shaping)."""
    return shaping.fold_and_mark(text, _use_numpy(len(text)))


class Matcher:
    """Aho-Corasick index over every term of a glossary. Build with :meth:`from_glossary`.

    Safe to share between threads: the work done at a key's first hit may be done twice, and is
    published only once complete.
    """

    def __init__(self, glossary: Glossary) -> None:
        self._glossary = glossary
        # per term number (lists of existing objects: few new ones for the collector to walk)
        self._concepts: list[str] = []
        self._term_list: list[Term] = []
        self._types: list[str] = []
        texts = [ADDED_LETTERS]
        anchors: list[str] = []
        owners: list[int] = []
        self._anchored = bytearray()
        # terms whose every indexed string stands for (number, text, not declined): no blocker,
        # one declension (see _work_out)
        self._plain = bytearray()
        for number, (concept, term) in enumerate(glossary.terms()):
            self._concepts.append(concept.id)
            self._term_list.append(term)
            self._types.append(concept.type)
            texts.append(term.text)
            texts.extend(term.not_in)
            by_last_word = anchored(term, concept.type)
            self._anchored.append(by_last_word)
            self._plain.append(
                not (term.not_in or by_last_word)
                and (term.lang != "de" or concept.type == "person" or " " not in term.text)
            )
            found = anchors_of(term, concept.type, by_last_word)
            anchors.extend(found)
            owners.extend(repeat(number, len(found)))
        # Every letter a key can hold: the terms' own and those declension endings add.
        joined = _SEPARATOR.join(texts)
        self._shaper = shaping.Shaper(shaping.letters_of(joined, _use_numpy(len(joined))))
        joined = _SEPARATOR.join(anchors)
        shaped = self._shape(joined).split(_SEPARATOR)
        if len(shaped) != len(anchors):  # a term holds the separator itself
            shaped = list(map(self._shape, anchors))
        self._patterns = [pattern for pattern in dict.fromkeys(shaped) if pattern.strip()]
        # pattern → its first owner, and the other owners of the patterns that have several
        self._first_owner = dict(zip(reversed(shaped), reversed(owners), strict=True))
        # (tuples of ints, which the garbage collector soon stops walking)
        self._more_owners: dict[str, tuple[int, ...]] = {}
        more = self._more_owners
        others = map(ne, map(self._first_owner.__getitem__, shaped), owners)
        for pattern, owner in compress(zip(shaped, owners, strict=True), others):
            more[pattern] = (*more.get(pattern, ()), owner)
        #: Distinct keys in the automaton (German phrases by their last word).
        self.size: int = len(self._patterns)
        # per id: what it needs at a hit, its answer, and its entries (a tuple) or Key or Anchor
        self._states = bytearray(len(self._patterns))
        self._answers: list[Any] = [None] * len(self._patterns)
        self._keys: list[Any] = [None] * len(self._patterns)
        self._term_keys: dict[int, tuple[tuple[str, str, Entry], ...]] = {}
        self._prefixes: dict[str, str] = {}
        self._choices: dict[tuple[Entry, ...], Any] = {}
        self._heads: dict[Entry, tuple[Any, ...]] = {}
        self._best_status: dict[str, int] = {}
        self._growing = threading.Lock()
        self._automaton = None
        if self._patterns:
            import ahocorasick_rs

            self._automaton = ahocorasick_rs.AhoCorasick(
                self._patterns,
                matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
                store_patterns=False,
                implementation=ahocorasick_rs.Implementation.ContiguousNFA,
            )

    @cached_property
    def context(self) -> ContextRules:
        """The glossary's context rules (:mod:`toolkit.glossary.context`), built at first use."""
        return ContextRules(self._glossary)

    @classmethod
    def from_glossary(cls, glossary: Glossary) -> Matcher:
        """Index every term (derived zh-Hant and declined forms included) of ``glossary``."""
        return cls(glossary)

    def _shape(self, text: str) -> str:
        return self._shaper.shape(text, _use_numpy(len(text)))

    # -- matching -------------------------------------------------------------------------------

    def find(self, text: str, lang: str | None = None) -> list[Match]:
        """Non-overlapping term hits in ``text``, left to right, decided in their context
        (:mod:`toolkit.glossary.context`; ``text`` is one paragraph).

        ``lang`` (a BCP 47 tag such as ``zh-Hant``) breaks ties between terms of one concept that
        fold to the same key (意愿聯盟 is both 意愿联盟 and 意願聯盟).
        """
        found = outside_other_words(self._find(text, lang), text)
        context = self.context
        if found and context.active:
            found = context.resolve(found, text, set(), _rebuild_match)
        return found

    def _find(self, text: str, lang: str | None) -> list[Match]:
        starts, ends, answers = self._resolve(text)
        if not starts:
            return []
        # Built with map and zip: a Python loop per hit would cost more than the automaton.
        surfaces = list(map(text.__getitem__, map(slice, starts, ends)))
        _pick(answers, surfaces, lang)
        concepts = map(self._concepts.__getitem__, answers)
        terms = map(self._term_list.__getitem__, answers)
        rows = zip(starts, ends, surfaces, concepts, terms, repeat(()))
        return list(map(_new_tuple, repeat(Match), rows))

    def scan(self, segments: Iterable[Segment]) -> Iterator[TermHit]:
        """Term hits of each segment (offsets in ``segment.text``), in segment order, decided in
        the context of their paragraph and document (:mod:`toolkit.glossary.context`)."""
        return resolve_segments(self.context, self._batches(segments))

    def _batches(self, segments: Iterable[Segment]) -> Iterator[tuple[list[Segment], list]]:
        """Segments with their raw hits, in batches joined by a separator no key contains, so
        the automaton runs over long strings rather than once per sentence."""
        batch: list[Segment] = []
        size = 0
        for segment in segments:
            batch.append(segment)
            size += len(segment.text) + 1
            if size >= _BATCH_CHARS:
                yield batch, self._scan_batch(batch)
                batch, size = [], 0
        if batch:
            yield batch, self._scan_batch(batch)

    def _scan_batch(self, batch: list[Segment]) -> list[TermHit]:
        joined = _SEPARATOR.join(segment.text for segment in batch)
        starts, ends, answers = self._resolve(joined)
        if not starts:
            return []
        bases = [0]
        for segment in batch:
            bases.append(bases[-1] + len(segment.text) + 1)
        numbers = [number - 1 for number in map(bisect_right, repeat(bases), starts)]
        hit_segments = list(map(batch.__getitem__, numbers))
        offsets = list(map(bases.__getitem__, numbers))
        surfaces = list(map(joined.__getitem__, map(slice, starts, ends)))
        _pick(answers, surfaces, [segment.tag for segment in hit_segments])
        return list(
            map(
                TermHit,
                [segment.id for segment in hit_segments],
                [segment.doc for segment in hit_segments],
                map(sub, starts, offsets),
                map(sub, ends, offsets),
                surfaces,
                map(self._concepts.__getitem__, answers),
                map(self._term_list.__getitem__, answers),
            )
        )

    def _resolve(self, text: str) -> tuple[Sequence[int], Sequence[int], list[Any]]:
        """Starts, ends and answers of the hits, in order (an answer is a term number, or a
        Choice that still needs the surface and the language)."""
        if not text or self._automaton is None:
            return _EMPTY
        shaped = self._shape(text)
        found = self._automaton.find_matches_as_indexes(shaped, True)
        if not found:
            return _EMPTY
        ids, starts, ends = zip(*found, strict=True)
        flags = bytes(map(self._states.__getitem__, ids))
        if flags.count(READY) != len(flags):  # first hits, anchors, letter case, blockers
            found = self._expand(found, flags, shaped, text)
            if not found:
                return _EMPTY
            ids, starts, ends = zip(*found, strict=True)
        if any(map(lt, ends[1:], ends)):  # the automaton reports in order of the end
            found.sort(key=_END)
            ids, starts, ends = zip(*found, strict=True)
        answers = list(map(self._answers.__getitem__, ids))
        runs = _overlapping_runs(starts, ends)
        if not runs and None not in answers:
            return starts, ends, answers
        if runs:
            # Each run of overlapping candidates is resolved leftmost-longest; its hits take
            # the first places of the run, the other places get no answer.
            starts, ends = list(starts), list(ends)
            for low, high in runs:
                last = high - 1
                if answers[last] is not None and starts[last] < min(starts[low:last]):
                    # The candidate ending last starts first: it covers the run and wins
                    # (a name and the names inside it, the common case).
                    starts[low], ends[low], answers[low] = starts[last], ends[last], answers[last]
                    answers[low + 1 : high] = [None] * (high - low - 1)
                else:
                    self._resolve_run(found, low, high, starts, ends, answers, text)
        # Blockers (and the losers of the runs) have no answer.
        kept = list(map(is_not, answers, repeat(None)))
        return (
            list(compress(starts, kept)),
            list(compress(ends, kept)),
            list(compress(answers, kept)),
        )

    def _expand(self, found: list, flags: bytes, shaped: str, text: str) -> list:
        """``found`` with each hit that is not simply ready replaced by what it stands for."""
        out: list[tuple[int, int, int]] = []
        append = out.append
        keys = self._keys
        for hit, state in zip(found, flags, strict=True):
            if state == READY:
                append(hit)
                continue
            key, start, end = hit
            if state == CASED:
                # Most of these are lower-case words spelling an acronym ("der" for "DER").
                cased = keys[key]
                if cased.upper_first and text[start].islower():
                    continue
                self._add_cased(cased, text[start:end], start, end, out)
            else:
                self._add(key, start, end, shaped, text, out)
        return out

    def _add(self, key: int, start: int, end: int, shaped: str, text: str, out: list) -> None:
        """Append to ``out`` what key ``key`` found at start:end stands for."""
        state = self._states[key]
        if state == UNKNOWN:
            self._work_out(key)
            state = self._states[key]
        if state in (READY, BLOCKER):
            out.append((key, start, end))
        elif state == CASED:
            self._add_cased(self._keys[key], text[start:end], start, end, out)
        elif state == ANCHOR:
            anchor = self._keys[key]
            if anchor.plain is not None:
                self._add(anchor.plain, start, end, shaped, text, out)
            table = anchor.table
            for length in anchor.lengths:
                if length <= start:
                    prefix = shaped[start - length : start]
                    answering = table.get(prefix)
                    if answering is not None:
                        if answering.__class__ is tuple:
                            answering = table[prefix] = self._new_id(answering, NO_CONCEPTS)
                        elif answering.__class__ is Key:
                            answering = table[prefix] = self._new_id(
                                answering.entries, answering.blocking
                            )
                        self._add(answering, start - length, end, shaped, text, out)

    def _add_cased(self, cased: Key, surface: str, start: int, end: int, out: list) -> None:
        """Append the id answering for the entries of ``cased`` that ``surface`` matches."""
        answering = cased.cased.get(surface, -1)
        if answering == -1:
            folded = fold_keep_case(surface)
            valid = tuple(
                entry
                for entry in cased.entries
                if not self._term_list[entry[0]].case_sensitive
                or fold_keep_case(entry[1]) == folded
            )
            answering = None
            if valid or cased.blocking:
                answering = self._new_id(valid, cased.blocking, check_case=False)
            cased.cased[surface] = answering
        if answering is not None:
            out.append((answering, start, end))

    def _resolve_run(
        self,
        found: list,
        low: int,
        high: int,
        starts: list[int],
        ends: list[int],
        answers: list[Any],
        text: str,
    ) -> None:
        """Leftmost-longest over the overlapping candidates ``found[low:high]`` (blockers
        included); the hits are written to the first places of the range, in order."""
        run = sorted(found[low:high], key=lambda hit: (hit[1], -hit[2]))
        hits: list[tuple[int, int, Any]] = []
        last_end = -1
        removals: list[tuple[int, int, frozenset[str]]] = []
        position = 0
        while position < len(run):
            key, start, end = run[position]
            position += 1
            keys = [key]
            while position < len(run) and run[position][1:] == (start, end):
                keys.append(run[position][0])
                position += 1
            if start < last_end:
                continue
            answer = self._answers[key] if len(keys) == 1 and not removals else None
            if answer is None:
                entries = [
                    entry
                    for key in keys
                    for entry in self._entries(key)
                    if not _removed(self._concepts[entry[0]], start, end, removals)
                ]
                if not entries:
                    blocking = NO_CONCEPTS.union(*map(self._blocking, keys))
                    if blocking:
                        removals.append((start, end, blocking))
                    continue
                answer = self._choice(entries)
            hits.append((start, end, answer))
            last_end = end
        for place, (start, end, answer) in enumerate(hits, low):
            starts[place], ends[place], answers[place] = start, end, answer
        answers[low + len(hits) : high] = [None] * (high - low - len(hits))

    def _entries(self, key: int) -> tuple[Entry, ...]:
        found = self._keys[key]
        return found if found.__class__ is tuple else found.entries

    def _blocking(self, key: int) -> frozenset[str]:
        found = self._keys[key]
        return found.blocking if found.__class__ is Key else NO_CONCEPTS

    # -- what the keys stand for (worked out at their first hit) ----------------------------------

    def _work_out(self, number: int) -> None:
        """Gather the forms that end in automaton key ``number``; give each key an id."""
        pattern = self._patterns[number]
        first = self._first_owner[pattern]
        more = self._more_owners.get(pattern)
        terms = self._term_list
        if more is None and self._plain[first]:  # most keys: one term, written as it stands
            self._set(number, ((first, terms[first].text, False),), NO_CONCEPTS)
            return
        owners = list(dict.fromkeys([first, *(more or ())]))
        if all(map(self._plain.__getitem__, owners)):  # no need to spell forms out
            self._set(
                number, tuple((owner, terms[owner].text, False) for owner in owners), NO_CONCEPTS
            )
            return
        folded = pattern.translate(self._shaper.unshape)
        keys: dict[str, tuple[list[Entry], set[str]]] = {}
        for owner in owners:
            for prefix, anchor, entry in self._keys_of_term(owner):
                if anchor != folded:
                    continue
                if prefix:
                    shaped = self._prefixes.get(prefix)
                    if shaped is None:
                        # A prefix ends in a space: shaped alone it reads as in the phrase.
                        shaped = self._prefixes[prefix] = self._shaper.shape(prefix, False)
                    prefix = shaped
                entries, blocking = keys.setdefault(prefix, ([], set()))
                if entry[1] is None:
                    blocking.add(self._concepts[owner])
                else:
                    entries.append(entry)
        plain = keys.pop("", None)
        if not keys:
            entries, blocking = plain if plain is not None else ([], set())
            self._set(number, tuple(entries), _concept_set(blocking))
            return
        table: dict[str, Any] = {
            prefix: Key(tuple(entries), frozenset(blocking)) if blocking else tuple(entries)
            for prefix, (entries, blocking) in keys.items()
        }
        plain_id = None
        if plain is not None:
            plain_id = self._new_id(tuple(plain[0]), _concept_set(plain[1]))
        lengths = tuple(sorted({len(prefix) for prefix in table}))
        self._keys[number] = Anchor(plain_id, lengths, table)
        self._states[number] = ANCHOR

    def _keys_of_term(self, number: int) -> tuple[tuple[str, str, Entry], ...]:
        """(prefix, folded automaton key, entry) of every indexed string of one term."""
        known = self._term_keys.get(number)
        if known is None:
            anchored = self._anchored[number]
            keys = keys_of(self._term_list[number], self._types[number])
            cuts = [
                key.rfind(" ") + 1 if anchored and written is not None else 0
                for key, written, _declined in keys
            ]
            tails = [key[cut:] for (key, _, _), cut in zip(keys, cuts, strict=True)]
            folded = fold(_SEPARATOR.join(tails)).split(_SEPARATOR)
            if len(folded) != len(tails):  # a key holds the separator itself
                folded = list(map(fold, tails))
            known = tuple(
                (key[:cut], anchor, (number, written, declined))
                for (key, written, declined), cut, anchor in zip(keys, cuts, folded, strict=True)
            )
            self._term_keys[number] = known
        return known

    def _new_id(
        self, entries: tuple[Entry, ...], blocking: frozenset[str], check_case: bool = True
    ) -> int:
        with self._growing:  # the three lists grow together, whatever other threads do
            number = len(self._states)
            self._states.append(UNKNOWN)
            self._answers.append(None)
            self._keys.append(None)
        self._set(number, entries, blocking, check_case)
        return number

    def _set(
        self,
        number: int,
        entries: tuple[Entry, ...],
        blocking: frozenset[str],
        check_case: bool = True,
    ) -> None:
        """Record what id ``number`` stands for (its state last: see the class docstring)."""
        if len(entries) == 1 and not blocking and not self._term_list[entries[0][0]].case_sensitive:
            self._keys[number] = entries
            self._answers[number] = entries[0][0]
            self._states[number] = READY
        elif check_case and any(self._term_list[entry[0]].case_sensitive for entry in entries):
            cased = Key(entries, blocking)
            cased.upper_first = not blocking and all(
                self._term_list[entry[0]].case_sensitive and fold_keep_case(entry[1][:1]).isupper()
                for entry in entries
            )
            self._keys[number] = cased
            self._states[number] = CASED
        elif entries:
            self._keys[number] = Key(entries, blocking) if blocking else entries
            self._answers[number] = self._choice(entries)
            self._states[number] = READY
        else:
            self._keys[number] = Key(entries, blocking)
            self._states[number] = BLOCKER if blocking else NONE

    def _choice(self, entries: Sequence[Entry]) -> Any:
        """The term number when the static rank decides, else a Choice among the tied entries."""
        if len(entries) == 1:
            return entries[0][0]
        known = self._choices.get(tuple(entries))
        if known is not None:
            return known
        ranked = sorted(entries, key=self._head)
        best = self._head(ranked[0])[:3]
        tied = [entry for entry in ranked if self._head(entry)[:3] == best]
        if len({entry[0] for entry in tied}) == 1:
            answer: Any = tied[0][0]
        else:
            answer = Choice(
                tuple(
                    (written, self._term_list[number].lang, number) for number, written, _ in tied
                )
            )
        self._choices[tuple(entries)] = answer
        return answer

    def _head(self, entry: Entry) -> tuple[Any, ...]:
        """Static rank: (declined, concept's best status, concept, status, language, text)."""
        head = self._heads.get(entry)
        if head is None:
            concept, term = self._concepts[entry[0]], self._term_list[entry[0]]
            best = self._best_status.get(concept)
            if best is None:
                terms = self._glossary.by_id[concept].terms
                best = self._best_status[concept] = min(_STATUS_RANK[t.status] for t in terms)
            head = self._heads[entry] = (
                entry[2],
                best,
                concept,
                _STATUS_RANK[term.status],
                _LANG_RANK.get(term.lang, 9),
                term.text,
            )
        return head


def _concept_set(concepts: set[str]) -> frozenset[str]:
    return frozenset(concepts) if concepts else NO_CONCEPTS


def _pick(answers: list[Any], surfaces: list[str], langs: str | list[str] | None) -> None:
    """Replace each Choice in ``answers`` by its pick for the surface and the language (one for
    every hit, or a list of them)."""
    for index in compress(range(len(answers)), map(isinstance, answers, repeat(Choice))):
        lang = langs[index] if isinstance(langs, list) else langs
        answers[index] = answers[index].pick(surfaces[index], lang)


def _removed(concept: str, start: int, end: int, removals: list) -> bool:
    """Whether a winning blocker of ``concept`` spans start:end."""
    return any(
        low <= start and end <= high and concept in concepts for low, high, concepts in removals
    )


def _overlapping_runs(starts: Sequence[int], ends: Sequence[int]) -> list[tuple[int, int]]:
    """[low, high) index ranges of candidates that overlap one another (in order of the end)."""
    runs: list[list[int]] = []
    # A candidate that starts before the previous one ends overlaps every earlier candidate
    # ending after its start: those form a contiguous range, as ends never decrease.
    for late in compress(range(1, len(starts)), map(lt, starts[1:], ends)):
        low = bisect_right(ends, starts[late], 0, late)
        while runs and low < runs[-1][1]:
            low = min(low, runs.pop()[0])
        runs.append([low, late + 1])
    return [(low, high) for low, high in runs]


_MATCHERS: dict[int, tuple[weakref.ref, Matcher]] = {}


def matcher_for(glossary: Glossary) -> Matcher:
    """The matcher of ``glossary``, built once per glossary object."""
    cached = _MATCHERS.get(id(glossary))
    if cached is not None and cached[0]() is glossary:
        return cached[1]
    matcher = Matcher.from_glossary(glossary)
    key = id(glossary)
    # The callback keeps its own reference to the cache: it may run while the module is torn down.
    _MATCHERS[key] = (
        weakref.ref(glossary, lambda _ref, cache=_MATCHERS: cache.pop(key, None)),
        matcher,
    )
    return matcher
