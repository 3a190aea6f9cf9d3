"""Look a term up in the glossary: any language, script, case or (German) inflection.

Lookup must answer in well under 150 ms from a cold start, so it needs neither the matcher nor
numpy: a dict from the folded form of every term (and every declined form) to its concepts does.
Loading the TOML files, deriving the zh-Hant forms with OpenCC and building the fold table cost
more than the whole budget, so the glossary (as JSON rows), that dict and the part of the fold
table that is not the identity are kept in an SQLite file in the user cache folder that a lookup
queries (:mod:`toolkit.glossary.lookup_store`), keyed by the glossary files' paths, sizes and
modification times (and the toolkit's own sources, so a code change rebuilds it). Concepts come
back as :class:`ConceptView` named tuples with :class:`toolkit.models.Concept`'s fields.

Suggestions for a query with no exact match come from :mod:`difflib` on the folded *written*
terms that share the most character pairs with it: declined forms answer exact lookups ("des
Weißen Hauses"), but a suggestion is always a term as the glossary writes it, never a form the
declension rules made up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from toolkit.glossary.lookup_store import MemoryStore, Store
    from toolkit.glossary.model import Glossary
    from toolkit.models import Concept

_CACHE_VERSION = 4
_SOURCES = (
    "chinese.py",
    "glossary/store.py",
    "glossary/inflect.py",
    "glossary/lookup.py",
    "glossary/lookup_store.py",
)
#: Suggestions listed when nothing matches exactly.
MAX_SUGGESTIONS = 5
_CUTOFF = 0.6


# NamedTuples and a plain class, not dataclasses: each @dataclass costs ~2 ms at import.
class Found(NamedTuple):
    """A concept that matched the query, and the term forms it matched through."""

    concept: ConceptView
    matched: tuple[TermView, ...]


class Suggestion(NamedTuple):
    """A close (not exact) glossary form."""

    text: str
    concept: ConceptView
    score: float


class LookupResult(NamedTuple):
    """What a lookup found: exact matches, else suggestions."""

    query: str
    found: tuple[Found, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def exit_code(self) -> int:
        """0 for a match or suggestions, 1 when nothing at all comes close."""
        return 0 if self.found or self.suggestions else 1


class TermView(NamedTuple):
    """A term as a lookup shows it: :class:`toolkit.models.Term`'s fields, without importing
    the dataclasses (~20 ms of a cold start)."""

    text: str
    lang: str
    status: str = "preferred"
    case_sensitive: bool = False
    dnt: bool = False
    region: str | None = None
    form: str | None = None
    seen: tuple[str, ...] = ()
    note: str = ""
    not_in: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    source: str = ""
    derived: bool = False
    line: int | None = None


class ConceptView(NamedTuple):
    """A concept as a lookup shows it (:class:`toolkit.models.Concept`'s fields)."""

    id: str
    type: str
    terms: tuple[TermView, ...]
    definition: str = ""
    note: str = ""
    refs: tuple[str, ...] = ()
    path: str | None = None
    line: int | None = None

    @property
    def en(self) -> str:
        """The preferred English term, as :attr:`toolkit.models.Concept.en`."""
        preferred = [t for t in self.terms if t.lang == "en" and t.status == "preferred"]
        plain = [t for t in preferred if t.region is None]
        return (plain or preferred)[0].text if preferred else self.id


class LookupIndex:
    """Folded forms → (concept id, term index), over a store: dicts built in this process, or
    the SQLite cache a cold start queries (:mod:`toolkit.glossary.lookup_store`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.fold_map = store.fold_map
        self._concepts: dict[str, ConceptView] = {}

    @classmethod
    def build(cls, glossary: Glossary) -> LookupIndex:
        """The index of ``glossary`` in memory."""
        return cls(_memory_store(glossary))

    def concept(self, concept_id: str) -> ConceptView:
        """The concept ``concept_id``, read from the store at first use."""
        known = self._concepts.get(concept_id)
        if known is None:
            row = self.store.row(concept_id)
            if row is None:
                raise KeyError(concept_id)
            known = self._concepts[concept_id] = _concept_from_row(row)
        return known

    @property
    def glossary(self) -> list[ConceptView]:
        """Every concept (for callers that want them all)."""
        return [self.concept(cid) for cid in self.store.concept_ids()]

    def fold(self, text: str) -> str:
        return " ".join(text.split()).translate(self.fold_map)

    def lookup(self, query: str) -> LookupResult:
        """Exact matches of ``query`` (a term in any form, or a concept id), else suggestions.

        A leading article or preposition is ignored ("des Weißen Hauses").
        """
        store = self.store
        query = " ".join(query.split())
        key = self.fold(query)
        words = query.split(" ")
        entries = store.form(key)
        while entries is None and len(words) > 1 and words[0].lower() in store.function_words:
            words.pop(0)
            key = self.fold(" ".join(words))
            entries = store.form(key)
        found: dict[str, list[TermView]] = {}
        near: dict[str, Suggestion] = {}
        if store.row(query) is not None:
            found[query] = []
        for concept_id, number in _entries(entries):
            concept = self.concept(concept_id)
            term = concept.terms[number]
            if term.case_sensitive and " ".join(words) != term.text:
                # "saceur" for the case-sensitive SACEUR: close, not the same.
                near.setdefault(concept_id, Suggestion(term.text, concept, 0.99))
                continue
            found.setdefault(concept_id, []).append(term)
        for concept_id in found:
            near.pop(concept_id, None)
        if not found:
            for candidate, score in _close(key, store.candidates(key)):
                for concept_id, number in _entries(store.written(candidate)):
                    if concept_id not in near:
                        concept = self.concept(concept_id)
                        near[concept_id] = Suggestion(concept.terms[number].text, concept, score)
        suggestions = sorted(near.values(), key=lambda s: (-s.score, s.concept.id))
        return LookupResult(
            query=query,
            found=tuple(Found(self.concept(cid), tuple(terms)) for cid, terms in found.items()),
            suggestions=tuple(suggestions[:MAX_SUGGESTIONS]),
        )


def _memory_store(glossary: Glossary) -> MemoryStore:
    from toolkit.chinese import fold_table
    from toolkit.glossary.inflect import FUNCTION_WORDS, inflected_forms
    from toolkit.glossary.lookup_store import MemoryStore

    table = fold_table()
    fold_map = {code: char for code, char in enumerate(table) if char != chr(code)}
    forms: dict[str, list[str]] = {}
    written: dict[str, list[str]] = {}
    for concept in glossary:
        for number, term in enumerate(concept.terms):
            entry = f"{concept.id}\t{number}"
            written.setdefault(" ".join(term.text.split()).translate(table), []).append(entry)
            variants = (
                [term.text]
                if term.case_sensitive or term.dnt
                else inflected_forms(term.text, term.lang, concept.type)
            )
            for form in variants:
                bucket = forms.setdefault(form.translate(table), [])
                if entry not in bucket:
                    bucket.append(entry)
    return MemoryStore(
        {key: "\n".join(entries) for key, entries in forms.items()},
        {key: "\n".join(entries) for key, entries in written.items()},
        {concept.id: _concept_row(concept) for concept in glossary},
        fold_map,
        FUNCTION_WORDS,
    )


def _entries(packed: str | None) -> list[tuple[str, int]]:
    if not packed:
        return []
    pairs = (entry.split("\t") for entry in packed.split("\n"))
    return [(concept_id, int(number)) for concept_id, number in pairs]


def _close(key: str, choices: list[str]) -> list[tuple[str, float]]:
    """The ``choices`` closest to ``key`` (at most 20, ratio ≥ the cutoff), best first."""
    import difflib

    close = difflib.get_close_matches(key, choices, n=20, cutoff=_CUTOFF)
    return [(found, round(difflib.SequenceMatcher(None, key, found).ratio(), 3)) for found in close]


_TERM_FIELDS = (
    "text", "lang", "status", "case_sensitive", "dnt", "region", "form", "seen", "note",
    "not_in", "near", "not_near", "source", "derived", "line",
)  # fmt: skip


def _concept_row(concept: Concept) -> str:
    import json

    terms = [[getattr(term, name) for name in _TERM_FIELDS] for term in concept.terms]
    c = concept
    return json.dumps(
        [c.id, c.type, c.definition, c.note, list(c.refs), c.path, c.line, terms],
        ensure_ascii=False,
    )


def _concept_from_row(row: str) -> ConceptView:
    import json

    cid, kind, definition, note, refs, path, line, terms = json.loads(row)
    built = []
    for values in terms:
        fields = dict(zip(_TERM_FIELDS, values, strict=True))
        for name in ("seen", "not_in", "near", "not_near"):
            fields[name] = tuple(fields[name])
        built.append(TermView(**fields))
    return ConceptView(cid, kind, tuple(built), definition, note, tuple(refs), path, line)


# -- the compiled cache -------------------------------------------------------------------------


def _cache_file(glossary_dir: Path) -> Path:
    from hashlib import sha1

    from toolkit.config import cache_dir

    digest = sha1(str(glossary_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"lookup-{digest}.sqlite3"


def _glossary_files(path: Path) -> list[Path]:
    """:func:`toolkit.glossary.store.glossary_files` without importing the TOML reader."""
    if path.is_file():
        return [path]
    files = sorted(path.glob("*.toml")) if path.is_dir() else []
    if not files:
        from toolkit.glossary.store import glossary_files

        return glossary_files(path)  # raises the loader's error
    return files


def _fingerprint(files: list[Path]) -> list[Any]:
    package = Path(__file__).resolve().parent.parent
    stamps: list[Any] = [_CACHE_VERSION]
    for path in [*files, *(package / name for name in _SOURCES)]:
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return stamps


def load_index(glossary_dir: Path | str) -> LookupIndex:
    """The lookup index of a glossary folder: the SQLite cache when the files have not changed,
    else built (and cached) now."""
    from toolkit.glossary.lookup_store import SqliteStore

    glossary_dir = Path(glossary_dir)
    files = _glossary_files(glossary_dir)
    stamps = _fingerprint(files)
    cache = _cache_file(glossary_dir)
    store = SqliteStore.open(cache, stamps) if cache.exists() else None
    if store is not None:
        return LookupIndex(store)
    from toolkit.glossary.store import load_glossary

    built = _memory_store(load_glossary(glossary_dir))
    built.save(cache, stamps)
    return LookupIndex(built)


def lookup(glossary_dir: Path | str, query: str) -> LookupResult:
    """Look ``query`` up in the glossary at ``glossary_dir``."""
    return load_index(glossary_dir).lookup(query)


# -- output shared by the fast path and the typer command ---------------------------------------


def _term_flags(term: TermView) -> str:
    flags = []
    if term.region:
        flags.append(f"region {term.region}")
    if term.case_sensitive:
        flags.append("case-sensitive")
    if term.dnt:
        flags.append("do-not-translate")
    if term.derived:
        flags.append("derived")
    if term.seen:
        flags.append("seen " + ",".join(term.seen))
    return "; ".join(flags)


_LANG_ORDER = {"en": 0, "zh-Hans": 1, "zh-Hant": 2, "de": 3}
_STATUS_ORDER = {"preferred": 0, "admitted": 1, "forbidden": 2}


def _display_order(term: TermView) -> tuple[int, int, str]:
    return (_LANG_ORDER.get(term.lang, 9), _STATUS_ORDER[term.status], term.region or "")


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def format_lookup(result: LookupResult, as_json: bool = False) -> str:
    """The text (or JSON lines) ``toolkit glossary lookup`` prints on stdout."""
    if as_json:
        import json

        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in _records(result))
    lines: list[str] = []
    for found in result.found:
        concept = found.concept
        lines.append(f"{concept.id} ({concept.type}): {concept.en}")
        if concept.definition:
            lines.append(f"  {concept.definition}")
        width = max(_width(t.text) for t in concept.terms)
        for term in sorted(concept.terms, key=_display_order):
            mark = "*" if term in found.matched else " "
            flags = _term_flags(term)
            padding = " " * (width - _width(term.text))
            row = f" {mark} {term.lang:<8} {term.status:<10} {term.text}{padding}"
            if flags:
                row += f"  [{flags}]"
            if term.note:
                row += f"  {term.note}"
            lines.append(row.rstrip())
        if concept.note:
            lines.append(f"  note: {concept.note}")
        lines.append("")
    if result.suggestions:
        lines.append(f"no exact match for {result.query!r}; did you mean:")
        for suggestion in result.suggestions:
            concept = suggestion.concept
            lines.append(
                f"  {suggestion.text}  → {concept.id} ({concept.en})  score {suggestion.score:.2f}"
            )
    if not lines:
        return ""
    return "\n".join(lines).rstrip("\n") + "\n"


def _records(result: LookupResult) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for found in result.found:
        concept = found.concept
        records.append(
            {
                "query": result.query,
                "concept": concept.id,
                "type": concept.type,
                "term_en": concept.en,
                "definition": concept.definition,
                "note": concept.note,
                "refs": list(concept.refs),
                "matched": [term.text for term in found.matched],
                "terms": [
                    {
                        "lang": term.lang,
                        "text": term.text,
                        "status": term.status,
                        "case_sensitive": term.case_sensitive,
                        "dnt": term.dnt,
                        "region": term.region,
                        "derived": term.derived,
                        "seen": list(term.seen),
                        "note": term.note,
                    }
                    for term in concept.terms
                ],
            }
        )
    for suggestion in result.suggestions:
        records.append(
            {
                "query": result.query,
                "suggestion": suggestion.text,
                "concept": suggestion.concept.id,
                "term_en": suggestion.concept.en,
                "score": suggestion.score,
            }
        )
    if not records:  # a miss is an answer too: one record, so a script reads something
        records.append({"query": result.query, "concept": None, "found": False})
    return records


def not_found_message(result: LookupResult) -> str:
    """The one line on stderr when nothing matches or comes close."""
    return f"no glossary term matches {result.query!r} and none comes close"
