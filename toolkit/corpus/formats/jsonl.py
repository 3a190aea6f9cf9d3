"""JSON Lines: a metadata line, then one JSON object per unit with every Unit field.

Line 1: ``{"meta": {"format": "jsonl", "tool": …, "tool_version": …, "signature": …, "src_lang": …,
"tgt_lang": …}}``. Then per unit: ``id doc source target src_lang tgt_lang status terms signature
line note kind``, where ``terms`` is a list of ``{"concept", "term_en", "surface", "target_term"}``
and ``line`` is a number or null. UTF-8, non-ASCII written as is (``ensure_ascii=False``); JSON
escapes every control character, so a record never spans two lines.

:func:`read` yields the units and skips the metadata line (:func:`read_meta` returns it); a file
without one reads too. Unknown keys are ignored, so later versions may add fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from toolkit.corpus.formats import (
    ExportMeta,
    atomic_outputs,
    checked_units,
    meta_from_record,
    meta_record,
    no_units_error,
    open_text,
    status_from_text,
    term_from_record,
    term_record,
)
from toolkit.errors import CatalogError
from toolkit.models import Unit

name = "jsonl"
suffixes: tuple[str, ...] = (".jsonl",)
multilingual = True  # rows and records carry their languages

_STRING_FIELDS = ("id", "doc", "source", "target", "src_lang", "tgt_lang")
_OPTIONAL_STRINGS = {"signature": "", "note": "", "kind": "body"}


def record(unit: Unit) -> dict[str, Any]:
    """Every field of ``unit`` as a JSON object (one line of the export)."""
    return {
        "id": unit.id,
        "doc": unit.doc,
        "source": unit.source,
        "target": unit.target,
        "src_lang": unit.src_lang,
        "tgt_lang": unit.tgt_lang,
        "status": unit.status,
        "terms": [term_record(term) for term in unit.terms],
        "signature": unit.signature,
        "line": unit.line,
        "note": unit.note,
        "kind": unit.kind,
    }


def write(units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
    """Write the metadata line, then ``units`` (``meta``'s pair), to ``out``; return the count."""
    out = Path(out)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    with atomic_outputs(out) as (temp,), open(temp, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(encode({"meta": meta_record(meta, name)}) + "\n")
        for unit in checked_units(units, meta, out):
            stream.write(encode(record(unit)) + "\n")
            count += 1
        if not count:
            raise no_units_error(out)
    return count


def carry(unit: Unit, meta: ExportMeta) -> Unit:
    """JSONL keeps every field: a unit reads back unchanged."""
    return unit


def read(path: Path) -> Iterator[Unit]:
    """The units of a JSONL export, one at a time (the metadata line is skipped)."""
    path = Path(path)
    for number, record in _records(path):
        if "meta" in record:
            meta_from_record(record["meta"], path, number)  # checked, not returned
        else:
            yield _unit(record, path, number)


def read_meta(path: Path) -> ExportMeta | None:
    """The export metadata on the first line, or ``None`` when the file starts with a unit."""
    path = Path(path)
    for number, record in _records(path):
        return meta_from_record(record["meta"], path, number) if "meta" in record else None
    return None


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with open_text(path) as stream:
        number = 0
        try:
            for number, text in enumerate(stream, start=1):  # number is reported
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as err:
                    raise CatalogError(
                        f"not a JSON object ({err.msg})",
                        path=path,
                        line=number,
                        hint="each line holds one JSON object",
                    ) from err
                if not isinstance(record, dict):
                    raise CatalogError("each line must be a JSON object", path=path, line=number)
                yield number, record
        except UnicodeDecodeError as err:
            raise CatalogError(
                f"not UTF-8 text ({err.reason})", path=path, line=number + 1
            ) from err


def _unit(record: dict[str, Any], path: Path, number: int) -> Unit:
    if "id" not in record and "segment" in record:
        # A line `translate --json` printed (a shard of a large run): the same record, its id
        # called segment.
        record = {"id": record["segment"], **record}
    bad = [key for key in _STRING_FIELDS if not isinstance(record.get(key), str)]
    bad += [key for key in _OPTIONAL_STRINGS if not isinstance(record.get(key, ""), str)]
    line = record.get("line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
        bad.append("line")
    terms = record.get("terms", [])
    if not isinstance(terms, list):
        bad.append("terms")
    if bad:
        raise CatalogError(
            f"unit fields missing or of the wrong type: {', '.join(bad)}",
            path=path,
            line=number,
            hint="id, doc, source, target, src_lang, tgt_lang are strings; line a number or null",
        )
    return Unit(
        id=record["id"],
        doc=record["doc"],
        source=record["source"],
        target=record["target"],
        src_lang=record["src_lang"],
        tgt_lang=record["tgt_lang"],
        status=status_from_text(str(record.get("status", "machine")), path, number),
        terms=tuple(term_from_record(term, path, number) for term in terms),
        line=line,
        **{key: record.get(key, default) for key, default in _OPTIONAL_STRINGS.items()},
    )
