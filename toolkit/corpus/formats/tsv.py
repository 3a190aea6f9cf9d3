r"""TSV: one header line, then one line per unit, every :class:`~toolkit.models.Unit` field kept.

Columns, in order: ``id doc src_lang tgt_lang source target status signature line kind note
terms``. ``line`` is empty when unknown; ``terms`` is empty or a JSON array of objects
(``concept``, ``term_en``, ``surface``, ``target_term``).

Escaping, as in PostgreSQL ``COPY … (FORMAT text)``: in every field a backslash is written ``\\``,
a tab ``\t``, a line feed ``\n`` and a carriage return ``\r``; nothing else is escaped and no field
is quoted (quotes are ordinary characters). So a line never holds a raw tab inside a field nor a raw
line break, any string round-trips, and ``cut -f5,6`` gives the source and target columns. Lines
end with ``\n``; the file is UTF-8 without BOM (a BOM is tolerated when reading). The signature is
per unit, in its column. Reading accepts the columns in any order and needs ``source``, ``target``,
``src_lang`` and ``tgt_lang``; absent optional columns take the Unit defaults, unknown ones are
ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from toolkit.corpus.formats import (
    ExportMeta,
    atomic_outputs,
    checked_units,
    no_units_error,
    open_text,
    status_from_text,
    term_from_record,
    term_json,
)
from toolkit.errors import CatalogError
from toolkit.models import Unit

name = "tsv"
suffixes: tuple[str, ...] = (".tsv",)
multilingual = True  # rows and records carry their languages

COLUMNS: tuple[str, ...] = (
    "id",
    "doc",
    "src_lang",
    "tgt_lang",
    "source",
    "target",
    "status",
    "signature",
    "line",
    "kind",
    "note",
    "terms",
)
_REQUIRED = ("source", "target", "src_lang", "tgt_lang")

_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPE_SEQUENCE = re.compile(r"\\(.?)", re.DOTALL)


def escape(text: str) -> str:
    r"""``text`` as one TSV field: ``\`` ``\t`` ``\n`` ``\r`` become backslash escapes."""
    # Four C-level replaces beat one str.translate, which maps character by character in Python.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape(field: str, path: Path | None = None, line: int | None = None) -> str:
    """Inverse of :func:`escape`; an unknown escape (``\\x``) or a trailing ``\\`` raises."""
    if "\\" not in field:
        return field

    def replace(match: re.Match[str]) -> str:
        char = _UNESCAPES.get(match.group(1))
        if char is None:
            raise CatalogError(
                f"unknown escape {match.group(0)!r} in a TSV field",
                path=path,
                line=line,
                hint=r"write a backslash as \\; only \\ \t \n \r are escapes",
            )
        return char

    return _ESCAPE_SEQUENCE.sub(replace, field)


def _row(unit: Unit) -> str:
    terms = f"[{','.join(map(term_json, unit.terms))}]" if unit.terms else ""
    fields = (
        unit.id,
        unit.doc,
        unit.src_lang,
        unit.tgt_lang,
        unit.source,
        unit.target,
        unit.status,
        unit.signature,
        "" if unit.line is None else str(unit.line),
        unit.kind,
        unit.note,
        terms,
    )
    return "\t".join(map(escape, fields)) + "\n"


def write(units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
    """Write ``units`` (one language pair, ``meta``'s) to the TSV file ``out``; return the count."""
    out = Path(out)
    count = 0
    with atomic_outputs(out) as (temp,), open(temp, "w", encoding="utf-8", newline="\n") as stream:
        stream.write("\t".join(COLUMNS) + "\n")
        for unit in checked_units(units, meta, out):
            stream.write(_row(unit))
            count += 1
        if not count:
            raise no_units_error(out)
    return count


def carry(unit: Unit, meta: ExportMeta) -> Unit:
    """TSV keeps every field: a unit reads back unchanged."""
    return unit


def read(path: Path) -> Iterator[Unit]:
    """Units of a TSV file written by :func:`write` (or any TSV with the required columns)."""
    path = Path(path)
    with open_text(path) as stream:
        try:
            yield from _read_lines(stream, path)
        except UnicodeDecodeError as err:
            raise CatalogError(f"not UTF-8 text ({err.reason})", path=path) from err


def _read_lines(lines: Iterable[str], path: Path) -> Iterator[Unit]:
    numbered = enumerate(lines, start=1)
    header_line = next(numbered, None)
    if header_line is None:
        raise CatalogError("empty file: expected a header line", path=path, line=1)
    header = header_line[1].removeprefix("\ufeff").rstrip("\n").split("\t")  # BOM: Excel
    missing = [column for column in _REQUIRED if column not in header]
    if missing:
        raise CatalogError(
            f"missing column(s) {', '.join(missing)} in the header",
            path=path,
            line=1,
            hint=f"the header names the columns: {' '.join(COLUMNS)}",
        )
    index = {column: position for position, column in enumerate(header) if column in COLUMNS}
    for number, text in numbered:
        cells = text.rstrip("\n").split("\t")
        if len(cells) != len(header):
            raise CatalogError(
                f"{len(cells)} fields where the header has {len(header)}",
                path=path,
                line=number,
                hint=r"tabs inside a field must be written \t",
            )
        values = {column: unescape(cells[at], path, number) for column, at in index.items()}
        yield _unit(values, path, number)


def _unit(values: dict[str, str], path: Path, number: int) -> Unit:
    line_text = values.get("line", "")
    try:
        line = int(line_text) if line_text else None
    except ValueError:
        raise CatalogError(
            f"line column holds {line_text!r}, not a number", path=path, line=number
        ) from None
    terms_text = values.get("terms", "")
    try:
        term_records = json.loads(terms_text) if terms_text else []
    except json.JSONDecodeError as err:
        raise CatalogError(f"terms column is not JSON ({err.msg})", path=path, line=number) from err
    if not isinstance(term_records, list):
        raise CatalogError("terms column must be a JSON array", path=path, line=number)
    return Unit(
        id=values.get("id", ""),
        doc=values.get("doc", ""),
        source=values["source"],
        target=values["target"],
        src_lang=values["src_lang"],
        tgt_lang=values["tgt_lang"],
        status=status_from_text(values.get("status", "machine"), path, number),
        terms=tuple(term_from_record(record, path, number) for record in term_records),
        signature=values.get("signature", ""),
        line=line,
        note=values.get("note", ""),
        kind=values.get("kind", "body"),
    )
