"""TBX: write TBX v3 (ISO 30042:2019, TBX-Basic dialect, DCA style); read TBX v3 and v2 (martif).

Export places every fact of the glossary in a TBX-Basic data category, so export → import gives
the same glossary back:

* concept id → ``conceptEntry/@id``, with ``_`` in front when it starts with a digit (xs:ID must
  be an NCName);
* concept type → ``descrip[@type="subjectField"]`` (person, organisation, …);
* definition → ``descrip[@type="definition"]``; each ref → ``admin[@type="source"]``; concept
  note → ``note``, all at conceptEntry level;
* term language → ``langSec/@xml:lang`` (en, zh-Hans, zh-Hant, de);
* status → ``termNote[@type="administrativeStatus"]``: preferredTerm-admn-sts,
  admittedTerm-admn-sts, deprecatedTerm-admn-sts (forbidden);
* form → ``termNote[@type="termType"]``: the term's form, else acronym for a case-sensitive
  all-capitals term, else fullForm;
* ``termNote[@type="partOfSpeech"]`` is always noun: TBX-Basic's picklist is noun, verb,
  adjective, adverb, other — it has no properNoun;
* region → ``termNote[@type="geographicalUsage"]`` such as ``zh-Hant-TW``;
* case-sensitive, do-not-translate, not enforced → ``note`` ``toolkit:case-sensitive``,
  ``toolkit:do-not-translate``, ``toolkit:not-enforced``; each seen document → ``note``
  ``toolkit:seen=000``; each blocker and context cue → ``note`` ``toolkit:not-in=…``,
  ``toolkit:near=…``, ``toolkit:not-near=…``; the term's source → ``admin[@type="source"]`` of
  its termSec; the term's own note → ``note``.

Derived zh-Hant terms are not written; loading the imported glossary derives them again. A form
equal to the one derived above reads back as "no form" (it says nothing more); a term note that
itself starts with ``toolkit:`` would read back as one of the facts above. Notes and
definitions are compared after :func:`~toolkit.glossary.formats.clean_text`: whitespace around them
and line breaks inside them are not significant.

Import also reads what other tools write: TBX v2 ``<martif>`` files (``termEntry`` → ``langSet``
→ ``tig``/``ntig``), ``normativeAuthorization`` as a status, supersededTerm as forbidden,
langSec-level definitions, and a subjectField that is not one of our concept types (kept in the
concept note).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from toolkit import __version__
from toolkit.errors import GlossaryError
from toolkit.glossary.formats import (
    ExportPlan,
    ImportedConcept,
    ImportedTerm,
    clean_text,
    parse_lang_code,
)
from toolkit.glossary.model import CONCEPT_TYPES, Glossary
from toolkit.glossary.store import ID_PATTERN, REGIONS, TERM_FORMS
from toolkit.models import LANG_TAGS, Concept, Term

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOTE_CASE_SENSITIVE = "toolkit:case-sensitive"
NOTE_DNT = "toolkit:do-not-translate"
NOTE_FREE = "toolkit:not-enforced"
NOTE_SEEN = "toolkit:seen="
#: Term facts kept in ``toolkit:<name>=value`` notes, one per value: (prefix, Term field).
NOTE_LISTS = (
    ("toolkit:not-in=", "not_in"),
    ("toolkit:near=", "near"),
    ("toolkit:not-near=", "not_near"),
)

STATUS_TO_TBX = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
# TBX v3 administrativeStatus and TBX v2 normativeAuthorization values, "-admn-sts" removed.
_TBX_TO_STATUS = {
    "preferredTerm": "preferred",
    "standardizedTerm": "preferred",
    "admittedTerm": "admitted",
    "legalTerm": "admitted",
    "regulatedTerm": "admitted",
    "deprecatedTerm": "forbidden",
    "supersededTerm": "forbidden",
}
_STATUS_TYPES = ("administrativeStatus", "normativeAuthorization")


# --- export -------------------------------------------------------------------------------------


def derived_form(text: str, case_sensitive: bool) -> str:
    """The termType a term without an explicit form gets: acronym or fullForm."""
    letters = [char for char in text if char.isalpha()]
    if case_sensitive and len(letters) >= 2 and all(char.isupper() for char in letters):
        return "acronym"
    return "fullForm"


def canonical_form(term: Term) -> str | None:
    """``term.form``, or None when it only repeats :func:`derived_form`."""
    if term.form == derived_form(term.text, term.case_sensitive):
        return None
    return term.form


def xml_id(concept_id: str) -> str:
    """Concept id as an xs:ID (an NCName cannot start with a digit)."""
    return f"_{concept_id}" if concept_id[:1].isdigit() else concept_id


def plan(glossary: Glossary) -> ExportPlan:
    """Check that ``glossary`` can be written as TBX and return the streaming writer."""
    concepts = list(glossary)
    if not concepts:
        raise GlossaryError("the glossary holds no concept to export", path=glossary.source or None)
    rows = sum(1 for concept in concepts for term in concept.terms if not term.derived)
    return ExportPlan(
        write=lambda handle: write(concepts, handle, source=glossary.source, sha=glossary.sha256),
        concepts=len(concepts),
        rows=rows,
    )


def write(
    concepts: Iterable[Concept], handle: BinaryIO, *, source: str = "", sha: str = ""
) -> None:
    """Stream ``concepts`` as a pretty-printed UTF-8 TBX-Basic document into ``handle``.

    Entries are built one at a time with lxml and serialised without a namespace inside a root
    that declares TBX's default namespace, so every element lands in it without being re-declared
    on each entry (lxml's ``xmlfile`` mis-serialises ``xml:lang`` on its root).
    """
    from lxml import etree

    handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    handle.write(
        f'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="{TBX_NAMESPACE}">\n'.encode()
    )
    header = etree.Element("tbxHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    title = etree.SubElement(etree.SubElement(file_desc, "titleStmt"), "title")
    title.text = "Multilingual concept glossary"
    source_desc = etree.SubElement(file_desc, "sourceDesc")
    signature = f"toolkit {__version__}|format:TBX-Basic|glossary:{sha[:16] or 'unknown'}"
    etree.SubElement(source_desc, "p").text = f"Exported from {source or 'a glossary'}: {signature}"
    _write_element(handle, header, level=1)
    handle.write(b"  <text>\n    <body>\n")
    for concept in concepts:
        _write_element(handle, _concept_entry(concept), level=3, concept=concept)
    handle.write(b"    </body>\n  </text>\n</tbx>\n")


def _write_element(
    handle: BinaryIO, element: Any, *, level: int, concept: Concept | None = None
) -> None:
    from lxml import etree

    etree.indent(element, space="  ", level=level)
    try:
        data = etree.tostring(element, encoding="utf-8")
    except ValueError as exc:  # control characters and the like cannot appear in XML 1.0
        where = concept.path if concept else None
        raise GlossaryError(
            f"concept {concept.id if concept else '?'}: {exc}",
            path=where,
            line=concept.line if concept else None,
        ) from None
    handle.write(b"  " * level + data + b"\n")


def _concept_entry(concept: Concept) -> Any:
    from lxml import etree

    sub = etree.SubElement
    entry = etree.Element("conceptEntry", id=xml_id(concept.id))
    sub(entry, "descrip", type="subjectField").text = concept.type
    if concept.definition:
        sub(entry, "descrip", type="definition").text = concept.definition
    for ref in concept.refs:
        sub(entry, "admin", type="source").text = ref
    if concept.note:
        sub(entry, "note").text = concept.note
    by_lang: dict[str, list[Term]] = {}
    for term in concept.terms:
        if not term.derived:
            by_lang.setdefault(term.lang, []).append(term)
    order = {lang: n for n, lang in enumerate(LANG_TAGS)}
    for lang in sorted(by_lang, key=lambda tag: order.get(tag, len(order))):
        section = sub(entry, "langSec", {XML_LANG: lang})
        for term in by_lang[lang]:
            term_sec = sub(section, "termSec")
            sub(term_sec, "term").text = term.text
            notes = [
                ("partOfSpeech", "noun"),
                ("termType", term.form or derived_form(term.text, term.case_sensitive)),
                ("administrativeStatus", STATUS_TO_TBX[term.status]),
            ]
            if term.region:
                notes.append(("geographicalUsage", f"{term.lang}-{term.region}"))
            for kind, value in notes:
                sub(term_sec, "termNote", type=kind).text = value
            if term.source:
                sub(term_sec, "admin", type="source").text = term.source
            facts = [NOTE_CASE_SENSITIVE] if term.case_sensitive else []
            facts += [NOTE_DNT] if term.dnt else []
            facts += [] if term.enforce else [NOTE_FREE]
            facts += [f"{NOTE_SEEN}{doc}" for doc in term.seen]
            for prefix, field in NOTE_LISTS:
                facts += [f"{prefix}{value}" for value in getattr(term, field)]
            facts += [term.note] if term.note else []
            for text in facts:
                sub(term_sec, "note").text = text
    return entry


# --- import -------------------------------------------------------------------------------------


def read(path: Path) -> list[ImportedConcept]:
    """Entries of a TBX v3 (``<tbx>``) or v2 (``<martif>``) file, streamed with lxml.iterparse."""
    from lxml import etree

    concepts: list[ImportedConcept] = []
    root = None
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        for event, element in events:
            if root is None:
                root = element
                name = etree.QName(element).localname
                if name not in ("tbx", "martif"):
                    raise GlossaryError(
                        f"not a TBX file: the root element is <{name}>",
                        path=path,
                        line=element.sourceline,
                        hint="expected <tbx> (TBX v3) or <martif> (TBX v2)",
                    )
                continue
            if event != "end":
                continue
            if etree.QName(element).localname in ("conceptEntry", "termEntry"):
                concepts.append(_read_entry(element, path))
                # Keep memory flat on big termbases: drop what has been read.
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or "syntax error")
        if not exc.lineno:
            message = "empty file" if message == "no element found" else message
        raise GlossaryError(
            f"not well-formed XML: {message}",
            path=path,
            line=exc.lineno or None,
            hint="fix the XML (xmllint --noout FILE shows the fault)",
        ) from None
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if not concepts:
        raise GlossaryError(
            "the TBX file holds no conceptEntry (v3) or termEntry (v2)", path=path, line=None
        )
    return concepts


def _local(element: Any) -> str:
    from lxml import etree

    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element: Any) -> str:
    return clean_text("".join(element.itertext()))


def _lang_of(element: Any, path: Path) -> tuple[str, str | None]:
    code = element.get(XML_LANG) or element.get("lang")
    if not code:
        raise GlossaryError(
            f"<{_local(element)}> has no xml:lang", path=path, line=element.sourceline
        )
    mapped = parse_lang_code(code)
    if mapped is None:
        raise GlossaryError(
            f"unknown language code {code!r}",
            path=path,
            line=element.sourceline,
            hint=f"the glossary holds {', '.join(LANG_TAGS)} (zh-CN, zh-TW, en-US … are mapped)",
        )
    return mapped


def _descrips(element: Any) -> Iterable[Any]:
    """``descrip`` children, also those wrapped in a ``descripGrp``."""
    for child in element:
        name = _local(child)
        if name == "descrip":
            yield child
        elif name == "descripGrp":
            yield from (grand for grand in child if _local(grand) == "descrip")


def _read_entry(entry: Any, path: Path) -> ImportedConcept:
    kind: str | None = None
    definitions: list[str] = []
    lang_definitions: list[tuple[str, str]] = []
    notes: list[str] = []
    refs: list[str] = []
    terms: list[ImportedTerm] = []
    for descrip in _descrips(entry):
        value = _text(descrip)
        if descrip.get("type") == "subjectField" and value:
            if value in CONCEPT_TYPES and kind is None:
                kind = value
            else:
                notes.append(f"subject field: {value}")
        elif descrip.get("type") == "definition" and value:
            definitions.append(value)
    for child in entry:
        name = _local(child)
        if name == "admin" and child.get("type") == "source" and _text(child):
            refs.append(_text(child))
        elif name == "note" and _text(child):
            notes.append(_text(child))
        elif name in ("langSec", "langSet"):
            lang, region = _lang_of(child, path)
            for descrip in _descrips(child):
                if descrip.get("type") == "definition" and _text(descrip):
                    lang_definitions.append((lang, _text(descrip)))
            for holder in child:
                if _local(holder) in ("termSec", "tig", "ntig"):
                    terms.append(_read_term(holder, lang, region, path))
    if not definitions and lang_definitions:
        english = [text for lang, text in lang_definitions if lang == "en"]
        definitions = english or [lang_definitions[0][1]]
    raw_id = entry.get("id")
    concept_id = None
    if raw_id:
        candidate = raw_id[1:] if raw_id.startswith("_") else raw_id
        concept_id = candidate if ID_PATTERN.match(candidate) else None
    return ImportedConcept(
        terms=tuple(terms),
        id=concept_id,
        type=kind,
        definition=" ".join(definitions),
        note=" / ".join(notes),
        refs=tuple(refs),
        line=entry.sourceline,
    )


def _read_term(holder: Any, lang: str, region: str | None, path: Path) -> ImportedTerm:
    # v3 termSec and v2 tig hold term and termNote directly; v2 ntig wraps them in a termGrp.
    parts: list[Any] = []
    for child in holder:
        name = _local(child)
        if name == "termGrp":
            parts.extend(child)
        elif name == "termNoteGrp":
            parts.extend(grand for grand in child if _local(grand) == "termNote")
        else:
            parts.append(child)
    text: str | None = None
    line = holder.sourceline
    status: str | None = None
    form: str | None = None
    case_sensitive = dnt = False
    enforce = True
    seen: list[str] = []
    notes: list[str] = []
    lists: dict[str, list[str]] = {field: [] for _, field in NOTE_LISTS}
    source = ""
    for part in parts:
        name = _local(part)
        value = _text(part)
        kind = part.get("type")
        listed = next(
            (
                (field, value[len(prefix) :])
                for prefix, field in NOTE_LISTS
                if name == "note" and value.startswith(prefix) and value[len(prefix) :].strip()
            ),
            None,
        )
        if listed is not None:
            lists[listed[0]].append(listed[1])
        elif name == "term":
            text, line = value, part.sourceline
        elif name == "termNote" and kind in _STATUS_TYPES:
            status = _TBX_TO_STATUS.get(value.removesuffix("-admn-sts"))
            if status is None:
                raise GlossaryError(
                    f"unknown {kind} {value!r}",
                    path=path,
                    line=part.sourceline,
                    hint="use preferredTerm-admn-sts, admittedTerm-admn-sts or "
                    "deprecatedTerm-admn-sts",
                )
        elif name == "termNote" and kind == "termType" and value in TERM_FORMS:
            form = value
        elif name == "termNote" and kind == "geographicalUsage" and value:
            place = value.replace("_", "-").split("-")[-1].upper()
            if lang.startswith("zh-") and place in REGIONS:
                region = place
            else:
                notes.append(f"geographical usage: {value}")
        elif name == "note" and value:
            if value == NOTE_CASE_SENSITIVE:
                case_sensitive = True
            elif value == NOTE_DNT:
                dnt = True
            elif value == NOTE_FREE:
                enforce = False
            elif value.startswith(NOTE_SEEN) and value[len(NOTE_SEEN) :].strip():
                seen.append(value[len(NOTE_SEEN) :].strip())
            else:
                notes.append(value)
        elif name == "admin" and kind == "source" and value:
            source = f"{source} / {value}" if source else value
    if not text:
        raise GlossaryError(
            f"a {lang} <{_local(holder)}> has no term text",
            path=path,
            line=holder.sourceline,
            hint="give every termSec a non-empty <term>",
        )
    term = Term(
        text=text,
        lang=lang,
        status=status or "admitted",
        case_sensitive=case_sensitive,
        dnt=dnt,
        region=region,
        form=form,
        seen=tuple(seen),
        note=" / ".join(notes),
        not_in=tuple(lists["not_in"]),
        near=tuple(lists["near"]),
        not_near=tuple(lists["not_near"]),
        source=source,
        enforce=enforce,
        line=line,
    )
    if form is not None:
        term = replace(term, form=canonical_form(term))
    return ImportedTerm(term=term, status_given=status is not None)
