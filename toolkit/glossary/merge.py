"""Merge an exchange file (TBX, CSV, TSV) into the glossary folder: add, never overwrite.

* An imported concept none of whose terms folds (:func:`toolkit.chinese.fold`) to a known term is
  new: it is appended to the TOML file of its type (the file already holding most concepts of that
  type, else ``people.toml``, ``organisations.toml`` … ; no known type → ``imported.toml`` with
  ``type = "policy"``, to be re-filed by hand). Its id is the file's, unless missing or taken:
  then the slug of its English term.
* Terms of a known concept that the glossary lacks (same language and text; case counts for
  case-sensitive terms) are appended to that concept's ``terms`` array
  (tomlkit edits: comments and layout of everything else stay byte for byte).
* Conflicts are reported, never applied: a term that already belongs to another concept, a second
  preferred term for a language (and region) that has one, a status different from the glossary's.
  A homonym — a term with ``near`` cues, such as 沃尔兹 of both Mike Waltz and Tim Walz — says
  nothing about which concept an entry is, and may belong to several; an entry whose terms are
  all homonyms is the concept its id names when one of them is already that concept's.

Every changed file is rendered in memory, the whole glossary is loaded from a scratch copy to prove
it still reads, and only then is each file replaced atomically (and loaded again after).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.glossary.formats import ImportedConcept, ImportedTerm, read_exchange_file
from toolkit.glossary.model import CONCEPT_TYPES
from toolkit.glossary.store import (
    ID_PATTERN,
    dump_concepts,
    glossary_files,
    inline_term,
    load_glossary,
    with_derived_forms,
)
from toolkit.models import Concept, Term

#: Default file of each concept type in a glossary folder.
TYPE_FILES: dict[str, str] = {
    "person": "people.toml",
    "organisation": "organisations.toml",
    "post": "posts.toml",
    "place": "places.toml",
    "weapon": "weapons.toml",
    "policy": "policy.toml",
    "event": "events.toml",
}
UNKNOWN_TYPE_FILE = "imported.toml"
UNKNOWN_TYPE = "policy"  # the catch-all "policy / concept" type, until a human re-files it
_UNKNOWN_HEADER = (
    "# Concepts imported without a known type, filed as policy: move each to the file of its\n"
    "# type and correct its type.\n\n"
)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Something the import file says that the glossary contradicts; nothing was changed."""

    message: str
    line: int | None
    concept: str | None = None


@dataclass
class ImportReport:
    """What an import added (or would add, on a dry run) and what it refused."""

    source: str
    glossary: str
    dry_run: bool
    concepts_added: list[Concept] = field(default_factory=list)
    terms_added: list[tuple[str, Term]] = field(default_factory=list)  # (concept id, term)
    known: int = 0  # imported terms the glossary already holds
    conflicts: list[Conflict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    concept: Concept  # current state, derived zh-Hant terms included
    new: bool
    path: Path
    added: list[Term] = field(default_factory=list)


def import_glossary_file(
    path: Path | str,
    glossary: Path | str,
    *,
    fmt: str | None = None,
    pair: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``path`` (TBX v3/v2, CSV, TSV) and merge it into the glossary folder ``glossary``."""
    concepts = read_exchange_file(path, fmt=fmt, pair=pair)
    return merge_concepts(concepts, glossary, source=str(path), dry_run=dry_run)


def merge_concepts(
    imported: list[ImportedConcept],
    glossary: Path | str,
    *,
    source: str = "",
    dry_run: bool = False,
) -> ImportReport:
    """Merge ``imported`` into the glossary at ``glossary``; write unless ``dry_run``."""
    root = Path(glossary)
    existing = _load_existing(root)
    merger = _Merger(root, existing)
    report = ImportReport(source=source, glossary=str(root), dry_run=dry_run)
    for concept in imported:
        merger.merge(concept, report)
    report.concepts_added = [
        replace(entry.concept, terms=tuple(t for t in entry.concept.terms if not t.derived))
        for entry in merger.entries.values()
        if entry.new
    ]
    report.terms_added = [
        (entry.concept.id, term)
        for entry in merger.entries.values()
        if not entry.new
        for term in entry.added
    ]
    report.conflicts.sort(key=lambda c: (c.line is None, c.line or 0))
    texts = merger.render()
    report.files = [str(path) for path in texts]
    if texts and not dry_run:
        _write_verified(root, texts, merger)
    return report


def _load_existing(root: Path) -> list[Concept]:
    if root.is_file():
        return list(load_glossary(root))
    if not root.exists() or not any(root.glob("*.toml")):
        return []
    return list(load_glossary(root))


class _Merger:
    def __init__(self, root: Path, existing: list[Concept]) -> None:
        from toolkit.chinese import fold

        self.fold = fold
        self.root = root
        self.entries: dict[str, _Entry] = {}
        self.owners: dict[str, list[str]] = {}  # folded text → concept ids
        # folded text → the concepts whose term there carries near cues (a homonym's senses)
        self.cued: dict[str, set[str]] = {}
        self.type_files = Counter(
            (concept.type, Path(concept.path).name) for concept in existing if concept.path
        )
        for concept in existing:
            self._register(_Entry(concept, new=False, path=Path(concept.path or root)))

    def _register(self, entry: _Entry) -> None:
        self.entries[entry.concept.id] = entry
        for term in entry.concept.terms:
            owners = self.owners.setdefault(self.fold(term.text), [])
            if entry.concept.id not in owners:
                owners.append(entry.concept.id)
            if term.near:
                self.cued.setdefault(self.fold(term.text), set()).add(entry.concept.id)

    # --- deciding ---------------------------------------------------------------------------

    def merge(self, imported: ImportedConcept, report: ImportReport) -> None:
        terms = self._distinct(imported)
        matched: Counter[str] = Counter()
        for item in terms:
            if item.term.near:
                continue  # a homonym does not tell which concept this is
            key = self.fold(item.term.text)
            for owner in self.owners.get(key, []):
                # A concept whose term here needs cues (the oblast's bare 顿涅茨克) is not
                # named by it: the plain term's owner (the city) is.
                if owner not in self.cued.get(key, ()):
                    matched[owner] += 1
        # Every term a homonym (all carry cues, as a "2% target" does): the file's id tells
        # which concept it is, provided one of its terms is already that concept's.
        if not matched and any(
            imported.id in self.owners.get(self.fold(t.term.text), []) for t in terms
        ):
            matched[imported.id] = 1
        if not matched:
            self._add_concept(imported, terms, report)
            return
        # The file's own id decides between candidates; else the most terms (ties: first met).
        target = imported.id if imported.id in matched else matched.most_common(1)[0][0]
        entry = self.entries[target]
        for item in terms:
            self._merge_term(entry, item, imported, report)

    def _distinct(self, imported: ImportedConcept) -> list[ImportedTerm]:
        seen: set[tuple[str, str]] = set()
        terms: list[ImportedTerm] = []
        derivable: set[str] = set()
        if imported.drop_derivable_hant:
            from toolkit.chinese import s2t

            derivable = {s2t(t.term.text) for t in imported.terms if t.term.lang == "zh-Hans"}
        for item in imported.terms:
            key = (item.term.lang, self._term_key(item.term))
            if key in seen:
                continue
            if item.term.lang == "zh-Hant" and item.term.text in derivable:
                continue  # loading derives it again
            seen.add(key)
            terms.append(item)
        return terms

    @staticmethod
    def _term_key(term: Term) -> str:
        # Within a concept, forms that fold together can still be different terms: 賈里德 is
        # preferred and 賈裏德 forbidden; NATO and Nato are two case-sensitive terms.
        return term.text if term.case_sensitive else term.text.lower()

    def _same(self, held: Term, term: Term) -> bool:
        """Whether ``term`` is ``held`` (a do-not-translate form is the same in every language)."""
        if held.lang != term.lang and not held.dnt:
            return False
        if held.case_sensitive or term.case_sensitive:
            return held.text == term.text
        return held.text.lower() == term.text.lower()

    def _merge_term(
        self, entry: _Entry, item: ImportedTerm, imported: ImportedConcept, report: ImportReport
    ) -> None:
        term = item.term
        key = self.fold(term.text)
        concept = entry.concept
        line = term.line or imported.line
        owners = self.owners.get(key, [])
        homonym = bool(term.near) and (key in self.cued or not owners)
        if owners and concept.id not in owners and not homonym:
            report.conflicts.append(
                Conflict(
                    f"{term.lang} term {term.text!r} already belongs to concept {owners[0]!r}"
                    f" (the file puts it with {concept.id!r})",
                    line,
                    concept.id,
                )
            )
            return
        known = next((t for t in concept.terms if self._same(t, term)), None)
        if known is not None:
            report.known += 1
            if item.status_given and known.status != term.status:
                report.conflicts.append(
                    Conflict(
                        f"{term.lang} term {term.text!r} of {concept.id!r} is {known.status} in"
                        f" the glossary, {term.status} in the file",
                        line,
                        concept.id,
                    )
                )
            return
        current = _preferred(concept.terms, term.lang, term.region)
        if item.status_given and term.status == "preferred" and current is not None:
            report.conflicts.append(
                Conflict(
                    f"{term.lang} term {term.text!r} would be a second preferred term of"
                    f" {concept.id!r}, which prefers {current.text!r}",
                    line,
                    concept.id,
                )
            )
            return
        status = term.status if item.status_given else ("admitted" if current else "preferred")
        added = replace(term, status=status, line=None, derived=False)
        entry.added.append(added)
        entry.concept = replace(concept, terms=(*concept.terms, added))
        self.owners.setdefault(key, []).append(concept.id)
        if added.near:
            self.cued.setdefault(key, set()).add(concept.id)

    def _add_concept(
        self, imported: ImportedConcept, terms: list[ImportedTerm], report: ImportReport
    ) -> None:
        if not terms:
            return
        chosen: list[Term | None] = [None] * len(terms)
        claimed: set[tuple[str, str | None]] = set()
        # Preferred terms the file states win over ones whose status it leaves open.
        for n, item in enumerate(terms):
            slot = (item.term.lang, item.term.region)
            if item.status_given and item.term.status == "preferred":
                if slot in claimed:
                    report.conflicts.append(
                        Conflict(
                            f"{item.term.lang} term {item.term.text!r} is a second preferred term"
                            " of its concept in the file",
                            item.term.line or imported.line,
                        )
                    )
                    continue
                claimed.add(slot)
                chosen[n] = item.term
        for n, item in enumerate(terms):
            if item.status_given and item.term.status != "preferred":
                chosen[n] = item.term
            elif not item.status_given:
                slot = (item.term.lang, item.term.region)
                status = "admitted" if slot in claimed else "preferred"
                claimed.add(slot)
                chosen[n] = replace(item.term, status=status)
        kept = tuple(replace(t, line=None, derived=False) for t in chosen if t is not None)
        if not kept:
            return
        kind = imported.type if imported.type in CONCEPT_TYPES else None
        concept = Concept(
            id=self._fresh_id(imported, kept),
            type=kind or UNKNOWN_TYPE,
            terms=kept,
            definition=imported.definition,
            note=imported.note,
            refs=imported.refs,
        )
        path = self._file_for(kind)
        concept = replace(with_derived_forms(concept), path=str(path))
        self._register(_Entry(concept, new=True, path=path))

    def _fresh_id(self, imported: ImportedConcept, terms: tuple[Term, ...]) -> str:
        if imported.id and ID_PATTERN.match(imported.id) and imported.id not in self.entries:
            return imported.id
        names = [t.text for t in terms if t.lang == "en" and t.status == "preferred"]
        names += [t.text for t in terms if t.lang in ("en", "de")]
        base = next((slug for slug in map(_slug, names) if slug), "")
        base = base or (imported.id if imported.id and ID_PATTERN.match(imported.id) else "concept")
        candidate, n = base, 2
        while candidate in self.entries:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _file_for(self, kind: str | None) -> Path:
        if self.root.is_file():
            return self.root
        if kind is None:
            return self.root / UNKNOWN_TYPE_FILE
        homes = [(count, name) for (type_, name), count in self.type_files.items() if type_ == kind]
        if homes:
            return self.root / max(homes, key=lambda home: home[0])[1]
        return self.root / TYPE_FILES[kind]

    # --- writing ----------------------------------------------------------------------------

    def render(self) -> dict[Path, str]:
        """New text of every file the merge changes."""
        import tomlkit

        appended: dict[Path, dict[str, list[Term]]] = {}
        created: dict[Path, list[Concept]] = {}
        for entry in self.entries.values():
            if entry.new:
                written = tuple(t for t in entry.concept.terms if not t.derived)
                created.setdefault(entry.path, []).append(replace(entry.concept, terms=written))
            elif entry.added:
                appended.setdefault(entry.path, {})[entry.concept.id] = entry.added
        texts: dict[Path, str] = {}
        for path in [*appended, *(p for p in created if p not in appended)]:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            if path in appended:
                document = tomlkit.parse(text)
                tables = {str(table.get("id")): table for table in document.get("concept", [])}
                for concept_id, terms in appended[path].items():
                    array = tables[concept_id]["terms"]
                    for term in terms:
                        # Parsed from store.inline_term so the new line looks like its neighbours.
                        array.append(tomlkit.parse("x = " + inline_term(term))["x"])
                text = tomlkit.dumps(document)
            if path in created:
                block = dump_concepts(created[path])
                if text.strip():
                    text = text.rstrip("\n") + "\n\n" + block
                else:
                    text = (_UNKNOWN_HEADER if path.name == UNKNOWN_TYPE_FILE else "") + block
            texts[path] = text
        return texts


def _preferred(terms: tuple[Term, ...], lang: str, region: str | None) -> Term | None:
    return next(
        (t for t in terms if t.lang == lang and t.status == "preferred" and t.region == region),
        None,
    )


def _slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _glossary_sources(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return glossary_files(root) if root.is_dir() and any(root.glob("*.toml")) else []


def _write_verified(root: Path, texts: dict[Path, str], merger: _Merger) -> None:
    from toolkit.files import atomic_writer

    _verify(root, texts, merger)
    if not root.is_file():
        root.mkdir(parents=True, exist_ok=True)
    before = {path: path.read_bytes() if path.is_file() else None for path in texts}
    for path, text in texts.items():
        with atomic_writer(path) as handle:
            handle.write(text)
    try:
        load_glossary(root)
    except GlossaryError:
        # Someone edited the folder meanwhile: put back what was there rather than leave a mix.
        for path, data in before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                with atomic_writer(path, binary=True) as handle:
                    handle.write(data)
        raise


def _verify(root: Path, texts: dict[Path, str], merger: _Merger) -> None:
    """Load the merged glossary from a scratch copy; raise if it would not load or lost a term."""
    scratch = Path(tempfile.mkdtemp(prefix="toolkit-import-"))
    try:
        for path in _glossary_sources(root):
            if path not in texts:
                shutil.copyfile(path, scratch / path.name)
        for path, text in texts.items():
            (scratch / path.name).write_text(text, encoding="utf-8")
        try:
            loaded = load_glossary(scratch)
        except GlossaryError as exc:
            name = Path(exc.path).name if exc.path else None
            raise GlossaryError(
                f"the merged glossary would not load ({exc.message}); nothing written",
                path=(root.parent if root.is_file() else root) / name if name else root,
                line=exc.line,
            ) from None
        for entry in merger.entries.values():
            concept = loaded.get(entry.concept.id)
            wanted = entry.concept.terms if entry.new else tuple(entry.added)
            have = {(t.lang, t.text, t.status) for t in concept.terms} if concept else set()
            missing = [
                t for t in wanted if not t.derived and (t.lang, t.text, t.status) not in have
            ]
            if missing:
                raise GlossaryError(
                    f"merging lost {missing[0].lang} term {missing[0].text!r} of"
                    f" {entry.concept.id!r}; nothing written",
                    path=entry.path,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
