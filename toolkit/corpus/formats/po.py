"""Gettext PO: one catalog holding every exported unit, for CAT tools and gettext workflows.

Entries are written as in the ``translations/`` catalogs (:mod:`toolkit.corpus.catalog`):
``msgctxt`` = segment id, ``msgid`` = source, ``msgstr`` = target, ``fuzzy`` unless reviewed,
``#.`` lines for the source language and glossary terms, ``#:`` = ``<document>:<line>``. The
header carries the language pair and the signature. A memory hit reads back as machine output
(both are fuzzy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from toolkit.corpus import catalog
from toolkit.corpus.formats import ExportMeta, atomic_outputs, checked_units, no_units_error
from toolkit.errors import CatalogError
from toolkit.models import Unit

name = "po"
suffixes: tuple[str, ...] = (".po",)
multilingual = False  # one catalog, one target language


def write(units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
    """Write ``units`` as one PO catalog (built in memory: a PO file is read whole anyway)."""
    import polib

    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"{meta.tool} {meta.tool_version}",
        "Language": meta.tgt_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Toolkit-Source-Language": meta.src_lang,
        catalog.SIGNATURE_HEADER: meta.signature,
    }
    for unit in checked_units(units, meta, out):
        _check_carriable(unit, out)
        line = "" if unit.line is None or unit.line < 1 else str(unit.line)
        po.append(catalog.unit_to_entry(unit, (unit.doc, line)))
    if not len(po):
        raise no_units_error(out)
    with atomic_outputs(out) as (temp,):
        temp.write_text(str(po), encoding="utf-8")
    return len(po)


# PO strings escape only \\ \" \t \n \r; other control characters would corrupt the file.
# Line separators other than \n (U+0085, U+2028, U+2029) break PO readers' line handling.
_UNCARRIABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")
_DOCUMENT = re.compile(r"^[^\s:]+$")


def _check_carriable(unit: Unit, out: Path) -> None:
    """Refuse what a PO file cannot hold, rather than write something that reads back wrong."""
    problem = None
    if not unit.id or not unit.source:
        problem = "an empty segment id or source (an empty msgid is the PO header)"
    elif not _DOCUMENT.match(unit.doc):
        problem = f"document name {unit.doc!r} (a #: reference takes no spaces or colons)"
    else:
        for field in ("id", "source", "target", "signature"):
            found = _UNCARRIABLE.search(getattr(unit, field))
            if found:
                problem = f"control character U+{ord(found.group()):04X} in {field}"
                break
    if problem is not None:
        raise CatalogError(
            f"unit {unit.id!r} cannot be written to PO: {problem}",
            path=out,
            hint="export it as jsonl or tsv, which carry any text",
        )


def read(path: Path) -> Iterator[Unit]:
    """The units of a PO export (or of any catalog written by the toolkit)."""
    po = catalog.read_catalog(path)
    target = po.metadata.get("Language", "")
    source = po.metadata.get("X-Toolkit-Source-Language", "")
    if not target or not source:
        raise CatalogError(
            "PO header lacks Language or X-Toolkit-Source-Language", path=path, line=1
        )
    signature = po.metadata.get(catalog.SIGNATURE_HEADER, "")
    for entry in po:
        if entry.obsolete:
            continue
        doc = entry.occurrences[0][0] if entry.occurrences else ""
        yield catalog.entry_to_unit(entry, doc, target, source, signature)


def carry(unit: Unit, meta: ExportMeta) -> Unit:
    """What survives a PO round trip: memory hits read back as machine output, notes on one
    line, line numbers only from 1, kinds as one line."""
    status = "machine" if unit.status == "memory" else unit.status
    if status == "reviewed" and not unit.target:
        status = "machine"  # an empty msgstr is an untranslated entry, whatever its flags
    note = catalog.one_line(unit.note) if status in ("reviewed", "needs_review") else ""
    if status == "needs_review":
        note = note or "unspecified"
    line = unit.line if unit.line is not None and unit.line >= 1 else None
    kind = catalog.one_line(unit.kind) or "body"
    return replace(unit, kind=kind, status=status, note=note, line=line, signature=meta.signature)
