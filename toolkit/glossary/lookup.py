"""Look a term up in the glossary: any language, script, case or (German) inflection.

Lookup must answer in well under 150 ms from a cold start, so it needs neither the matcher nor
numpy: a dict from the folded form of every term (and every declined form) to its concepts does.
Loading the TOML files, deriving the zh-Hant forms with OpenCC and building the fold table cost
more than the whole budget, so the loaded glossary, that dict and the part of the fold table that
is not the identity are pickled into the user cache folder, keyed by the glossary files' paths,
sizes and modification times (and the toolkit's own sources, so a code change rebuilds it).

Suggestions for a query with no exact match come from :mod:`difflib` on the folded *written*
terms: declined forms answer exact lookups ("des Weißen Hauses"), but a suggestion is always a
term as the glossary writes it, never a form the declension rules made up.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any, NamedTuple

from toolkit.glossary.inflect import FUNCTION_WORDS, inflected_forms
from toolkit.glossary.model import Glossary
from toolkit.models import Concept, Term

_CACHE_VERSION = 2
_SOURCES = ("chinese.py", "glossary/store.py", "glossary/inflect.py", "glossary/lookup.py")
#: Suggestions listed when nothing matches exactly.
MAX_SUGGESTIONS = 5
_CUTOFF = 0.6


# NamedTuples and a plain class, not dataclasses: each @dataclass costs ~2 ms at import.
class Found(NamedTuple):
    """A concept that matched the query, and the term forms it matched through."""

    concept: Concept
    matched: tuple[Term, ...]


class Suggestion(NamedTuple):
    """A close (not exact) glossary form."""

    text: str
    concept: Concept
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


class LookupIndex:
    """A glossary plus the dict from folded forms to (concept id, term index) pairs."""

    def __init__(
        self,
        glossary: Glossary,
        forms: dict[str, list[tuple[str, int]]],
        fold_map: dict[int, str],
        written: dict[str, list[tuple[str, int]]] | None = None,
    ) -> None:
        self.glossary = glossary
        self.forms = forms
        self.fold_map = fold_map
        self.written = written if written is not None else forms

    @classmethod
    def build(cls, glossary: Glossary) -> LookupIndex:
        from toolkit.chinese import fold_table

        table = fold_table()
        fold_map = {code: char for code, char in enumerate(table) if char != chr(code)}
        forms: dict[str, list[tuple[str, int]]] = {}
        written: dict[str, list[tuple[str, int]]] = {}
        for concept in glossary:
            for number, term in enumerate(concept.terms):
                written.setdefault(" ".join(term.text.split()).translate(table), []).append(
                    (concept.id, number)
                )
                variants = (
                    [term.text]
                    if term.case_sensitive or term.dnt
                    else inflected_forms(term.text, term.lang, concept.type)
                )
                for form in variants:
                    entry = (concept.id, number)
                    bucket = forms.setdefault(form.translate(table), [])
                    if entry not in bucket:
                        bucket.append(entry)
        return cls(glossary, forms, fold_map, written)

    def fold(self, text: str) -> str:
        return " ".join(text.split()).translate(self.fold_map)

    def lookup(self, query: str) -> LookupResult:
        """Exact matches of ``query`` (a term in any form, or a concept id), else suggestions.

        A leading article or preposition is ignored ("des Weißen Hauses").
        """
        query = " ".join(query.split())
        key = self.fold(query)
        words = query.split(" ")
        while key not in self.forms and len(words) > 1 and words[0].lower() in FUNCTION_WORDS:
            words.pop(0)
            key = self.fold(" ".join(words))
        found: dict[str, list[Term]] = {}
        near: dict[str, Suggestion] = {}
        by_id = self.glossary.by_id
        if query in by_id:
            found[query] = []
        for concept_id, number in self.forms.get(key, ()):
            term = by_id[concept_id].terms[number]
            if term.case_sensitive and " ".join(words) != term.text:
                # "saceur" for the case-sensitive SACEUR: close, not the same.
                near.setdefault(concept_id, Suggestion(term.text, by_id[concept_id], 0.99))
                continue
            found.setdefault(concept_id, []).append(term)
        for concept_id in found:
            near.pop(concept_id, None)
        if not found:
            import difflib

            for candidate in difflib.get_close_matches(key, self.written, n=20, cutoff=_CUTOFF):
                score = round(difflib.SequenceMatcher(None, key, candidate).ratio(), 3)
                for concept_id, number in self.written[candidate]:
                    if concept_id in near:
                        continue
                    concept = by_id[concept_id]
                    near[concept_id] = Suggestion(concept.terms[number].text, concept, score)
        suggestions = sorted(near.values(), key=lambda s: (-s.score, s.concept.id))
        return LookupResult(
            query=query,
            found=tuple(Found(by_id[cid], tuple(terms)) for cid, terms in found.items()),
            suggestions=tuple(suggestions[:MAX_SUGGESTIONS]),
        )


# -- the compiled cache -------------------------------------------------------------------------


def _cache_file(glossary_dir: Path) -> Path:
    from hashlib import sha1

    from toolkit.config import cache_dir

    digest = sha1(str(glossary_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"lookup-{digest}.pickle"


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
    """The lookup index of a glossary folder, from the cache when the files have not changed."""
    glossary_dir = Path(glossary_dir)
    files = _glossary_files(glossary_dir)
    stamps = _fingerprint(files)
    cache = _cache_file(glossary_dir)
    try:
        with open(cache, "rb") as handle:
            saved_stamps, index = pickle.load(handle)
        if saved_stamps == stamps and isinstance(index, LookupIndex):
            return index
    except Exception:  # a missing, stale or unreadable cache is rebuilt
        pass
    from toolkit.glossary.store import load_glossary

    index = LookupIndex.build(load_glossary(glossary_dir))
    _write_cache(cache, (stamps, index))
    return index


def _write_cache(path: Path, payload: Any) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".lookup-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        pass  # a read-only cache folder only costs speed


def lookup(glossary_dir: Path | str, query: str) -> LookupResult:
    """Look ``query`` up in the glossary at ``glossary_dir``."""
    return load_index(glossary_dir).lookup(query)


# -- output shared by the fast path and the typer command ---------------------------------------


def _term_flags(term: Term) -> str:
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


def _display_order(term: Term) -> tuple[int, int, str]:
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
