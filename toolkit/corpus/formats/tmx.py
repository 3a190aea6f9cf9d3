"""TMX 1.4b, written with lxml's incremental ``etree.xmlfile`` so memory stays flat.

Shape (valid against the TMX 1.4 DTD)::

    <?xml version='1.0' encoding='utf-8'?>
    <!DOCTYPE tmx SYSTEM "tmx14.dtd">
    <tmx version="1.4">
    <header creationtool="toolkit" creationtoolversion="0.1.0" segtype="sentence"
            o-tmf="toolkit-units" adminlang="en" srclang="zh-Hans" datatype="plaintext">
      <prop type="x-signature">toolkit 0.1.0|engine:…</prop>
    </header>
    <body>
    <tu tuid="003-p004-s02">
      <note>why the unit needs review</note>              (only when the unit has a note)
      <prop type="x-document">003</prop>
      <prop type="x-status">machine</prop>
      <prop type="x-kind">body</prop>
      <prop type="x-line">12</prop>                      (only when known)
      <prop type="x-signature">…</prop>                  (only when it differs from the header's)
      <prop type="x-term">{"concept":…,"term_en":…,"surface":…,"target_term":…}</prop>  (per term)
      <tuv xml:lang="zh-Hans"><seg>…</seg></tuv>
      <tuv xml:lang="en"><seg>…</seg></tuv>
    </tu>
    </body>
    </tmx>

The unit's note goes in TMX's own ``<note>`` element (CAT tools show it), the rest in ``x-``
props. Every Unit field round-trips. No creation date is written, so output is reproducible.

An export of every language pair (``ExportMeta`` pair ``*all*``) writes ``srclang="*all*"`` in the
header and its own ``srclang`` on each ``<tu>``. A unit whose source is already in the target
language and stays as written (an English notice in an English translation) is no translation
pair: its ``<tu>`` holds one ``<tuv>``, the text in that language (the DTD allows it); such a unit
reads back with its text as source and target.

Characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF; lone
surrogates) are refused, not escaped: there is no standard TMX escape for them, and a private one
would silently change the text for every other tool. The error names the unit and field; the
source or target must be cleaned upstream (or exported as JSONL/TSV, which carry any string).
CR is kept (lxml writes it as ``&#13;``), and whitespace in ``<seg>`` is significant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolkit.corpus.formats import (
    ALL,
    UNIT_STATUSES,
    ExportMeta,
    atomic_outputs,
    checked_units,
    no_units_error,
    status_from_text,
    term_from_record,
    term_json,
)
from toolkit.errors import CatalogError
from toolkit.models import Unit, UnitTerm

name = "tmx"
suffixes: tuple[str, ...] = (".tmx",)
multilingual = True  # srclang="*all*", each <tu> its own srclang

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
O_TMF = "toolkit-units"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What XML 1.0's Char production excludes (lxml refuses these, we say where they are).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write(units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
    """Write ``units`` (``meta``'s language pair) as TMX 1.4b to ``out``; return the count."""
    from lxml import etree

    out = Path(out)
    with atomic_outputs(out) as (temp,), open(temp, "wb") as stream:
        with etree.xmlfile(stream, encoding="utf-8") as xf:
            xf.write_declaration()
            xf.write_doctype(DOCTYPE)
            with xf.element("tmx", version="1.4"):
                _write_header(xf, meta, out)
                with xf.element("body"):
                    xf.write("\n")
                    count = _write_units(xf, _TuTemplates(etree, meta), units, meta, out)
                xf.write("\n")
        stream.write(b"\n")
    return count


def _write_header(xf: Any, meta: ExportMeta, out: Path) -> None:
    header = {
        "creationtool": meta.tool,
        "creationtoolversion": meta.tool_version,
        "segtype": "sentence",
        "o-tmf": O_TMF,
        "adminlang": "en",
        "srclang": meta.src_lang,
        "datatype": "plaintext",
    }
    xf.write("\n")
    try:
        with xf.element("header", header):
            xf.write("\n  ")
            with xf.element("prop", type="x-signature"):
                xf.write(meta.signature)
            xf.write("\n")
    except ValueError:
        _raise_if_not_xml(out, "export metadata", vars(meta))
        raise
    xf.write("\n")


def _write_units(
    xf: Any, templates: _TuTemplates, units: Iterable[Unit], meta: ExportMeta, out: Path
) -> int:
    count = 0
    for unit in checked_units(units, meta, out):
        try:
            tu = templates.fill(unit)
        except ValueError:
            _raise_if_not_xml(out, f"unit {unit.id}", _text_fields(unit))
            raise
        xf.write(tu)
        count += 1
    if not count:
        raise no_units_error(out)
    return count


# A <tu> tree, its note/prop elements, the texts they hold now, the source and target <seg>.
_Template = tuple[Any, list[Any], list[str | None], Any, Any]


class _TuTemplates:
    """One reusable ``<tu>`` tree per shape (note or not, which props); per unit only texts change.

    Opening an ``xmlfile`` element per tag costs ~4 µs (attributes are the slow part) and building
    a fresh tree per unit about as much; refilling a template and writing it is ~4x faster. The
    ``xml:lang`` attributes are set once: :func:`checked_units` guarantees one language pair.
    """

    def __init__(self, etree: Any, meta: ExportMeta) -> None:
        self._etree = etree
        self._meta = meta
        self._all = meta.src_lang == ALL
        self._shapes: dict[tuple[Any, ...], _Template] = {}

    def fill(self, unit: Unit) -> Any:
        """The ``<tu>`` element of ``unit`` (valid until the next call)."""
        own_signature = unit.signature != self._meta.signature
        shape: tuple[Any, ...] = (
            bool(unit.note),
            unit.line is not None,
            own_signature,
            len(unit.terms),
        )
        if self._all:
            one = unit.src_lang == unit.tgt_lang and unit.source == unit.target
            shape += (unit.src_lang, None if one else unit.tgt_lang)
        template = self._shapes.get(shape) or self._build(shape)
        tu, slots, last, source_seg, target_seg = template
        values = [unit.note] if unit.note else []
        values += (unit.doc, unit.status, unit.kind)
        if unit.line is not None:
            values.append(str(unit.line))
        if own_signature:
            values.append(unit.signature)
        values.extend(map(term_json, unit.terms))
        tu.set("tuid", unit.id)
        for index, value in enumerate(values):
            # Document, status, kind and terms repeat from unit to unit; a Python comparison is
            # far cheaper than an lxml text assignment.
            if value != last[index]:
                slots[index].text = value
                last[index] = value
        source_seg.text = unit.source
        if target_seg is not None:
            target_seg.text = unit.target
        return tu

    def _build(self, shape: tuple[Any, ...]) -> _Template:
        sub = self._etree.SubElement
        has_note, has_line, own_signature, term_count = shape[:4]
        languages = shape[4:] if self._all else (self._meta.src_lang, self._meta.tgt_lang)
        prop_types = ["x-document", "x-status", "x-kind"]
        prop_types += ["x-line"] * has_line + ["x-signature"] * own_signature
        prop_types += ["x-term"] * term_count
        tu = (
            self._etree.Element("tu", srclang=languages[0])
            if self._all
            else self._etree.Element("tu")
        )
        tu.text = "\n  "
        tu.tail = "\n"
        slots = [sub(tu, "note")] if has_note else []
        slots += [sub(tu, "prop", type=prop_type) for prop_type in prop_types]
        segs = [
            sub(sub(tu, "tuv", {_XML_LANG: lang}), "seg") for lang in languages if lang is not None
        ]
        for child in tu:
            child.tail = "\n  "
        tu[-1].tail = "\n"
        last: list[str | None] = [None] * len(slots)
        self._shapes[shape] = (tu, slots, last, segs[0], segs[1] if len(segs) > 1 else None)
        return self._shapes[shape]


def _text_fields(unit: Unit) -> dict[str, str]:
    return {
        "id": unit.id,
        "doc": unit.doc,
        "source": unit.source,
        "target": unit.target,
        "src_lang": unit.src_lang,
        "tgt_lang": unit.tgt_lang,
        "note": unit.note,
        "kind": unit.kind,
        "signature": unit.signature,
    }  # not terms: their JSON escapes control characters


def _raise_if_not_xml(out: Path, what: str, fields: dict[str, Any]) -> None:
    for field, value in fields.items():
        match = _NOT_XML.search(value) if isinstance(value, str) else None
        if match:
            raise CatalogError(
                f"{what}: {field} holds U+{ord(match.group()):04X} at offset {match.start()}, "
                "which XML 1.0 (TMX) cannot carry",
                path=out,
                hint="remove control characters upstream, or export as JSONL or TSV",
            )


def carry(unit: Unit, meta: ExportMeta) -> Unit:
    """TMX keeps every field: a unit reads back unchanged."""
    return unit


def read(path: Path) -> Iterator[Unit]:
    """Units of a bilingual TMX file, streamed (each ``<tu>`` is freed once read).

    The source ``<tuv>`` is the one whose ``xml:lang`` matches the ``<tu>``'s or the header's
    ``srclang``; the other is the target. Inline markup in ``<seg>`` is flattened to its text.
    """
    from lxml import etree

    path = Path(path)
    srclang: str | None = None
    header_signature = ""
    try:
        events = etree.iterparse(
            str(path),
            events=("end",),
            tag=("header", "tu"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        )
        for _, element in events:
            if element.tag == "header":
                srclang = element.get("srclang")
                for prop in element.iterchildren("prop"):
                    if prop.get("type") == "x-signature":
                        header_signature = prop.text or ""
                continue
            if srclang is None:
                raise CatalogError(
                    "<tu> before a <header> with srclang", path=path, line=element.sourceline
                )
            yield _unit(element, srclang, header_signature, path)
            # Free what was read: the tree would otherwise grow with the file.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as err:
        raise CatalogError(
            f"not well-formed XML: {err.msg}", path=path, line=err.lineno or None
        ) from err
    except OSError as err:
        raise CatalogError(f"cannot read: {err.strerror or err}", path=path) from err


def _unit(tu: Any, header_srclang: str, header_signature: str, path: Path) -> Unit:
    srclang = (tu.get("srclang") or header_srclang).lower()
    props: dict[str, str] = {}
    terms: list[UnitTerm] = []
    notes: list[str] = []
    tuvs: list[tuple[str, str]] = []
    # Plain iteration and tag tests: ElementPath (find) costs more than the parse itself.
    for child in tu:
        tag = child.tag
        if tag == "prop":
            prop_type = child.get("type", "")
            if prop_type == "x-term":
                terms.append(_term(child.text or "", path, child.sourceline))
            else:
                props.setdefault(prop_type, child.text or "")
        elif tag == "tuv":
            lang = child.get(_XML_LANG) or child.get("lang") or ""
            segs = [node for node in child if node.tag == "seg"]
            seg = segs[0] if segs else None
            text = "" if seg is None else seg.text if len(seg) == 0 else "".join(seg.itertext())
            tuvs.append((lang, text or ""))
        elif tag == "note":
            notes.append(child.text or "")
    same = [lang.lower() == srclang for lang, _ in tuvs]
    if len(tuvs) == 1 and same[0]:
        tuvs = tuvs * 2  # a text already in its target language (see the module notes)
    elif len(tuvs) == 2 and all(same):
        pass  # the same language, changed: source first, as written
    elif len(tuvs) != 2 or same.count(True) != 1:
        raise CatalogError(
            f"<tu> has languages {', '.join(lang for lang, _ in tuvs) or 'none'} for srclang "
            f"{srclang}; expected the source and one target",
            path=path,
            line=tu.sourceline,
            hint="this reader reads bilingual TMX",
        )
    (src_lang, source), (tgt_lang, target) = (
        tuvs if tuvs[0][0].lower() == srclang else reversed(tuvs)
    )
    line_prop = props.get("x-line")
    try:
        unit_line = int(line_prop) if line_prop is not None else None
    except ValueError:
        raise CatalogError(
            f"x-line prop {line_prop!r} is not a number", path=path, line=tu.sourceline
        ) from None
    status = props.get("x-status", "machine")
    return Unit(
        id=tu.get("tuid", ""),
        doc=props.get("x-document", ""),
        source=source,
        target=target,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        status=status if status in UNIT_STATUSES else status_from_text(status, path, tu.sourceline),
        terms=tuple(terms),
        signature=props.get("x-signature", header_signature),
        line=unit_line,
        note="\n".join(notes),
        kind=props.get("x-kind", "body"),
    )


def _term(text: str, path: Path, line: int | None) -> UnitTerm:
    try:
        return _parse_term(text)
    except json.JSONDecodeError as err:
        raise CatalogError(f"x-term prop is not JSON ({err.msg})", path=path, line=line) from err
    except ValueError:
        record = json.loads(text)
        return term_from_record(record, path, line)  # raises the precise error


@lru_cache(maxsize=4096)
def _parse_term(text: str) -> UnitTerm:
    # Cached: a corpus repeats the same few glossary terms.
    record = json.loads(text)
    if not isinstance(record, dict) or not all(isinstance(value, str) for value in record.values()):
        raise ValueError(text)
    try:
        return UnitTerm(**record)
    except TypeError:
        raise ValueError(text) from None
