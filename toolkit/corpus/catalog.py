"""PO catalogs in ``translations/``: one per source document and target language, with review.

An entry carries ``msgctxt`` = segment id, ``msgid`` = the source sentence as written,
``msgstr`` = the translation, ``#:`` = source file:line, ``#.`` = the source language and the
glossary terms, and the ``fuzzy`` flag on machine output. An entry without ``fuzzy`` is
human-reviewed: a re-run never changes its translation, flags or translator comment (only the
tool's own ``#.`` lines and reference follow the glossary and the source, as msgmerge updates
extracted comments), and it feeds the translation memory so that an identical sentence anywhere
reuses it. When a source sentence changes, its old entry becomes
obsolete (``#~``) instead of being lost.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.errors import CatalogError
from toolkit.files import atomic_writer
from toolkit.models import Unit, UnitTerm

SIGNATURE_HEADER = "X-Toolkit-Signature"
SOURCE_HEADER = "X-Toolkit-Source"
_NAME = re.compile(r"^(?P<doc>.+)\.(?P<target>en|de|zh-Hans|zh-Hant(?:-TW|-HK)?)\.po$")
_SEGMENT_ID = re.compile(r"^(?P<doc>.+)-p\d{3,}-s\d{2,}$")
_TERM = re.compile(r"^term: (?P<json>\[.*\])$")
_LANG = re.compile(r"^source-language: (?P<lang>\S+)$")
_REVIEW = re.compile(r"^needs review: (?P<why>.*)$")
_KIND = re.compile(r"^kind: (?P<kind>.+)$")


def catalog_path(folder: Path, doc: str, target: str) -> Path:
    return folder / f"{doc}.{target}.po"


@dataclass(frozen=True)
class CatalogFile:
    """A catalog file found in a folder, named ``<doc>.<target>.po``."""

    path: Path
    doc: str
    target: str


def find_catalogs(folder: Path) -> list[CatalogFile]:
    """Catalogs of a folder (or the one file given), sorted by name.

    A ``.po`` file in the folder that is not named ``<document>.<target>.po`` is skipped with a
    warning (one stray file must not stop an export); the one file given by name must be.
    """
    if folder.is_file():
        files = [folder]
    elif folder.is_dir():
        files = sorted(folder.glob("*.po"))
    else:
        return []
    found = []
    for path in files:
        match = _NAME.match(path.name)
        if match is None:
            if folder.is_dir():
                import warnings

                from toolkit.errors import ToolkitWarning

                warnings.warn(
                    f"{path}: not named <document>.<target>.po, skipped — rename it, e.g. "
                    "000.en.po",
                    ToolkitWarning,
                    stacklevel=2,
                )
                continue
            raise CatalogError(
                "catalog name is not <document>.<target>.po",
                path=path,
                hint="rename it, e.g. 000.en.po",
            )
        found.append(CatalogFile(path, match["doc"], match["target"]))
    return found


def read_catalog(path: Path) -> Any:  # -> polib.POFile
    """Parse a PO file; syntax errors become one-line CatalogErrors with the line."""
    import polib

    # polib takes a string that is not an existing file for PO content: check first.
    if not path.is_file():
        raise CatalogError("cannot read: no such file", path=path)
    try:
        catalog = polib.pofile(str(path), wrapwidth=0)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise CatalogError(
            "not a valid PO file",
            path=path,
            line=int(line.group(1)) if line else None,
            hint="fix the syntax or restore the file from version control",
        ) from None
    for entry in catalog:
        if not entry.msgctxt:
            raise CatalogError(
                f"entry {entry.msgid[:30]!r} has no msgctxt (segment id)",
                path=path,
                line=entry.linenum,
                hint="restore the msgctxt line or delete the entry",
            )
    return catalog


def _lang_of(entry: Any, default: str) -> str:
    for line in entry.comment.splitlines():
        match = _LANG.match(line)
        if match:
            return match["lang"]
    return default


def _is_reviewed(entry: Any) -> bool:
    return not entry.obsolete and "fuzzy" not in entry.flags and bool(entry.msgstr)


def _header_source_lang(catalog: Any) -> str:
    return catalog.metadata.get("X-Toolkit-Source-Language", "zh-Hans")


def prepare_folder(folder: Path) -> None:
    """Create the catalog folder, or say in one line why it cannot be (before any MT work)."""
    from toolkit.files import ensure_folder

    ensure_folder(folder, "catalog folder")


def check_segment_ids(catalog: Any, doc: str, path: Path) -> None:
    """Every active entry's msgctxt must be a segment id of the catalog's document."""
    for entry in catalog:
        if entry.obsolete:
            continue
        match = _SEGMENT_ID.match(entry.msgctxt)
        if match is None or match["doc"] != doc:
            raise CatalogError(
                f"msgctxt {entry.msgctxt!r} names no segment of document {doc}",
                path=path,
                line=entry.linenum,
                hint="restore the segment id, or mark the entry obsolete (#~)",
            )


def load_reviewed(folder: Path, memory: Any) -> int:
    """Feed every reviewed entry of the catalogs in ``folder`` into the translation memory."""
    from toolkit.chinese import to_hans
    from toolkit.mt.pipeline import argos_code

    rows = []
    for found in find_catalogs(folder):
        catalog = read_catalog(found.path)
        check_segment_ids(catalog, found.doc, found.path)  # before any MT work, not after
        default = _header_source_lang(catalog)
        for entry in catalog:
            # Obsolete reviewed entries count too: they are human work for that exact sentence.
            if "fuzzy" in entry.flags or not entry.msgstr:
                continue
            lang = _lang_of(entry, default)
            source = to_hans(entry.msgid) if lang.startswith("zh") else entry.msgid
            rows.append((source, argos_code(lang), found.target, entry.msgstr, str(found.path)))
    return memory.add_reviewed(rows) if rows else 0


def one_line(text: str) -> str:
    """A note as PO comments keep it: whitespace runs (line breaks included) become one space."""
    return " ".join(text.split())


# Characters str.splitlines() breaks on that JSON leaves alone; escaped so a term stays one line.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _json_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_LINE_BREAKS)


def _comments(unit: Unit) -> str:
    lines = [f"source-language: {unit.src_lang}"]
    if one_line(unit.kind) not in ("", "body"):
        lines.append(f"kind: {one_line(unit.kind)}")
    # [concept, English term, source mention, target rendering] as JSON: readable, and safe for
    # any character a term may hold.
    lines += [
        "term: " + _json_line([t.concept, t.term_en, t.surface, t.target_term]) for t in unit.terms
    ]
    if unit.status == "needs_review":
        lines.append(f"needs review: {one_line(unit.note) or 'unspecified'}")
    return "\n".join(lines)


def unit_to_entry(unit: Unit, reference: tuple[str, str] | None) -> Any:
    """A PO entry for ``unit``: fuzzy unless reviewed; terms and language as ``#.`` lines."""
    import polib

    return polib.POEntry(
        msgctxt=unit.id,
        msgid=unit.source,
        msgstr=unit.target,
        comment=_comments(unit),
        # A reviewer's note travels as a translator comment (#), machine notes as #. lines.
        tcomment=one_line(unit.note) if unit.status == "reviewed" else "",
        occurrences=[reference] if reference else [],
        flags=[] if unit.status == "reviewed" else ["fuzzy"],
    )


def _header(
    catalog: Any, target: str, signature: str, source_path: str, source_lang: str, revised: str
) -> None:
    catalog.header = catalog.header or "Translations produced and reviewed with toolkit."
    catalog.metadata = {
        "Project-Id-Version": f"toolkit {__version__}",
        "Report-Msgid-Bugs-To": "",
        "PO-Revision-Date": revised,
        "Last-Translator": catalog.metadata.get("Last-Translator") or "toolkit",
        "Language-Team": catalog.metadata.get("Language-Team") or "none",
        "Language": target,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        SOURCE_HEADER: source_path,
        "X-Toolkit-Source-Language": source_lang,
        SIGNATURE_HEADER: signature,
    }


def _entries_text(catalog: Any) -> str:
    return "\n".join(str(entry) for entry in catalog)


def write_catalogs(
    folder: Path, units: Sequence[Unit], sources: Mapping[str, str], signature: str
) -> list[Path]:
    """Merge ``units`` into the catalogs of their documents; returns the files written (a
    catalog the run does not change is not rewritten).

    ``sources`` maps document ids to their source files, for the ``#:`` references.
    """
    import polib

    documents: dict[str, list[Unit]] = {}
    for unit in units:
        documents.setdefault(unit.doc, []).append(unit)
    prepare_folder(folder)
    written = []
    for doc, doc_units in documents.items():
        target = doc_units[0].tgt_lang
        path = catalog_path(folder, doc, target)
        catalog = read_catalog(path) if path.exists() else polib.POFile(wrapwidth=0)
        source_path = _relative(sources.get(doc, doc))
        merged = merge(catalog, doc_units, source_path, path)
        # The revision date moves only when an entry changed, so re-runs leave files untouched.
        revised = catalog.metadata.get("PO-Revision-Date", "")
        if not revised or _entries_text(merged) != _entries_text(catalog):
            revised = time.strftime("%Y-%m-%d %H:%M%z")
        _header(merged, target, signature, source_path, _main_lang(doc_units), revised)
        text = str(merged)  # exactly what polib (and poedit) write
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue  # a run that changes nothing leaves the file alone
        try:
            with atomic_writer(path) as handle:
                handle.write(text)
        except OSError as exc:
            raise CatalogError(f"cannot write the catalog ({exc.strerror})", path=path) from None
        written.append(path)
    return written


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def _main_lang(units: Sequence[Unit]) -> str:
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.src_lang] = counts.get(unit.src_lang, 0) + 1
    return max(counts, key=counts.__getitem__)


def merge(catalog: Any, units: Sequence[Unit], source_path: str, path: Path) -> Any:
    """A new catalog: reviewed entries kept as they are, machine ones refreshed, stale ones
    obsolete. Entries follow the segment order; obsolete ones go last."""
    import polib

    doc = units[0].doc
    active: dict[str, Any] = {}
    obsolete: list[Any] = [entry for entry in catalog if entry.obsolete]
    check_segment_ids(catalog, doc, path)
    for entry in catalog:
        if not entry.obsolete:
            active[entry.msgctxt] = entry
    fresh = polib.POFile(wrapwidth=0)
    fresh.metadata = dict(catalog.metadata)
    fresh.header = catalog.header
    for unit in units:
        old = active.pop(unit.id, None)
        if old is None or old.msgid != unit.source:
            # A sentence changed back: its reviewed entry comes back from the obsolete ones.
            revived = next(
                (
                    e
                    for e in obsolete
                    if (e.msgctxt, e.msgid) == (unit.id, unit.source)
                    and "fuzzy" not in e.flags
                    and e.msgstr
                ),
                None,
            )
            if revived is not None:
                obsolete.remove(revived)
                revived.obsolete = False
                if old is not None and old.msgstr:
                    old.obsolete = True
                    obsolete.append(old)
                fresh.append(revived)
                continue
        if old is not None and old.msgid == unit.source and _is_reviewed(old):
            # Human work (msgstr, flags, the translator's # comment) untouched; the #. lines
            # and the reference are the tool's and follow the glossary and the source.
            comment = _comments(unit)
            if comment.split() != old.comment.split():  # (an editor may have wrapped them)
                old.comment = comment
            reference = [(source_path, str(unit.line))] if unit.line else []
            if reference and old.occurrences != reference:
                old.occurrences = reference
            fresh.append(old)
            continue
        if old is not None and old.msgid != unit.source and old.msgstr:
            old.obsolete = True
            obsolete.append(old)
        reference = (source_path, str(unit.line)) if unit.line else None
        fresh.append(unit_to_entry(unit, reference))
    for stale in active.values():
        if stale.msgstr:
            stale.obsolete = True
            obsolete.append(stale)
    seen = set()
    for entry in obsolete:
        key = (entry.msgctxt, entry.msgid)
        if key not in seen:
            seen.add(key)
            fresh.append(entry)
    return fresh


def unit_record(unit: Unit) -> dict[str, Any]:
    """A unit as the JSON object `translate --json` prints: the export record, ``segment``
    naming its id."""
    from toolkit.corpus.formats.jsonl import record

    fields = record(unit)
    return {"segment": fields.pop("id"), **fields}


def read_units(
    folder: Path,
    *,
    docs: Iterable[str] | None = None,
    target: str | None = None,
    reviewed_only: bool = False,
) -> Iterator[Unit]:
    """Units stored in the catalogs of ``folder`` (active entries only)."""
    wanted = set(docs) if docs else None
    for found in find_catalogs(folder):
        if wanted is not None and found.doc not in wanted:
            continue
        if target is not None and found.target != target:
            continue
        catalog = read_catalog(found.path)
        default = _header_source_lang(catalog)
        signature = catalog.metadata.get(SIGNATURE_HEADER, "")
        for entry in catalog:
            if entry.obsolete:
                continue
            reviewed = _is_reviewed(entry)
            if reviewed_only and not reviewed:
                continue
            yield entry_to_unit(entry, found.doc, found.target, default, signature)


def entry_to_unit(entry: Any, doc: str, target: str, default_lang: str, signature: str) -> Unit:
    """The unit a PO entry holds (inverse of :func:`unit_to_entry`)."""
    reviewed = _is_reviewed(entry)
    terms = []
    note = ""
    kind = "body"
    for line in entry.comment.splitlines():
        term = _TERM.match(line)
        if term:
            terms.append(UnitTerm(*json.loads(term["json"])))
        review = _REVIEW.match(line)
        if review:
            note = review["why"]
        marked = _KIND.match(line)
        if marked:
            kind = marked["kind"]
    status = "reviewed" if reviewed else ("needs_review" if note else "machine")
    if reviewed:
        note = entry.tcomment
    line = int(entry.occurrences[0][1]) if entry.occurrences and entry.occurrences[0][1] else None
    return Unit(
        id=entry.msgctxt,
        doc=doc,
        source=entry.msgid,
        target=entry.msgstr,
        src_lang=_lang_of(entry, default_lang),
        tgt_lang=target,
        status=status,  # type: ignore[arg-type]
        terms=tuple(terms),
        signature=signature,
        line=line,
        note=note,
        kind=kind,
    )
