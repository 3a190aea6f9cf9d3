"""CSV and TSV glossaries in the shapes machine-translation services and CAT tools load.

Shapes (``--shape``; ``--pair SRC-TGT`` picks the direction of bilingual ones):

* ``amazon`` (CSV default) — Amazon Translate custom terminology: CSV or TSV, UTF-8, a header row
  of language codes, the first column is the source (UNI) or any column is (MULTI); matching is
  exact and case-sensitive. We write Amazon's codes ``en,zh,zh-TW,de``. Without ``--pair``: one row
  per concept, its preferred term in each language, English first. With ``--pair``: the two
  columns of the pair under their codes, one row per source form.
* ``google`` — Google Cloud Translation glossary. With ``--pair``: a unidirectional glossary, two
  columns (source, target), no header, one row per source form. Without: an equivalent term sets
  glossary (CSV only), header of Google's codes ``en,zh-CN,zh-TW,de``, one row per concept.
* ``deepl`` — a DeepL glossary dictionary (one direction): ``source,target`` entries, source first,
  no header, unique sources, UTF-8; CSV or TSV. ``--pair`` required.
* ``omegat`` (TSV default) — an OmegaT glossary file (save as ``.txt`` or ``.utf8``: UTF-8):
  ``source<TAB>target<TAB>comment``, never quoted (OmegaT splits lines on tabs) and a first ``#``
  line (OmegaT skips those) carrying the export signature. ``--pair`` required.

A "source form" is every term of the source language (admitted variants, derived zh-Hant forms and
forbidden renderings included, since sources do use them; a do-not-translate form counts in
every language) mapped to the concept's preferred target
term; do-not-translate concepts keep their own form. Forbidden terms are never targets and a
forbidden term is never mapped to itself. Amazon and Google match sources case-sensitively, so
their bilingual shapes also map the capitalised form of a lower-case term (sentence starts); DeepL
adapts case by itself. A source form claimed by two concepts keeps the first and warns (DeepL
rejects duplicate sources). OmegaT's comment column says what a translator needs: the definition,
"do not translate", the forbidden target renderings to avoid, and which source forms are variants.

Escaping: CSV goes through the csv module (RFC 4180 quoting, ``\\n`` line ends, UTF-8 without BOM).
TSV is never quoted (OmegaT and the services read raw tab-split lines): glossary terms cannot
contain tabs or line breaks (the glossary rejects them), comments have their whitespace collapsed,
and any field that still holds one is refused.

Import reads a header row of language codes (every header shape above; Google's ``pos`` and
``description`` columns are understood) or, with ``--pair``, the headerless two-column shape (TSV:
an optional comment column); rows sharing a target term are one concept.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

from toolkit import __version__
from toolkit.errors import GlossaryError, ToolkitWarning, UsageError
from toolkit.glossary.formats import (
    ExportPlan,
    ImportedConcept,
    ImportedTerm,
    clean_text,
    parse_lang_code,
)
from toolkit.glossary.model import Glossary
from toolkit.models import Concept, Term

#: Column languages of the multilingual shapes, in order (the first is the source).
MULTILINGUAL_LANGS: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant", "de")
#: Language codes each service documents for our tags.
SHAPE_CODES: dict[str, dict[str, str]] = {
    "amazon": {
        "en": "en",
        "de": "de",
        "zh-Hans": "zh",
        "zh-Hant": "zh-TW",
        "zh-Hant-TW": "zh-TW",
        "zh-Hant-HK": "zh-HK",
    },
    "google": {
        "en": "en",
        "de": "de",
        "zh-Hans": "zh-CN",
        "zh-Hant": "zh-TW",
        "zh-Hant-TW": "zh-TW",
        "zh-Hant-HK": "zh-HK",
    },
}
_STATUS_RANK = {"preferred": 0, "admitted": 1, "forbidden": 2}
_EXTRA_COLUMNS = ("pos", "description")


# --- export -------------------------------------------------------------------------------------


def plan(glossary: Glossary, *, fmt: str, shape: str, pair: tuple[str, str] | None) -> ExportPlan:
    """Build every row of the export (so faults surface before a byte is written)."""
    if shape in ("deepl", "omegat") and pair is None:
        raise UsageError(
            f"the {shape} shape is bilingual: pass --pair SRC-TGT", hint="--pair zh-en"
        )
    if shape == "google" and pair is None and fmt == "tsv":
        raise UsageError(
            "Google's equivalent term sets are CSV only", hint="use --format csv, or give --pair"
        )
    skipped: list[str] = []
    if pair is None:
        header, rows, concepts = _multilingual_rows(glossary, shape, skipped)
    else:
        header, rows, concepts = _bilingual_rows(glossary, shape, pair, skipped)
    if not rows:
        raise UsageError(
            f"nothing to export as {shape}" + (f" for {pair[0]} → {pair[1]}" if pair else ""),
            hint="the glossary has no term in the source language",
        )
    buffer = io.StringIO()
    if fmt == "tsv":
        if shape == "omegat" and pair is not None:
            buffer.write(
                f"# toolkit {__version__} glossary {pair[0]}→{pair[1]}"
                f" sha256:{glossary.sha256[:16]} | source, target, comment\n"
            )
        writer = csv.writer(
            buffer, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        )
    else:
        writer = csv.writer(buffer, lineterminator="\n")
    for row in [header, *rows] if header else rows:
        try:
            writer.writerow(row)
        except csv.Error:
            raise GlossaryError(
                f"{row[0]!r} holds a tab or line break, which TSV cannot carry",
                hint="remove it from the glossary, or export CSV",
            ) from None
    data = buffer.getvalue().encode("utf-8")
    return ExportPlan(
        write=lambda handle: handle.write(data), concepts=concepts, rows=len(rows), skipped=skipped
    )


def target_text(glossary: Glossary, concept: Concept, tag: str) -> str | None:
    """What ``concept`` must read as in target ``tag``, or None when it has no such term."""
    lang = "zh-Hant" if tag.startswith("zh-Hant") else tag
    if concept.dnt or concept.preferred(lang) is not None:
        return glossary.target_term(concept.id, tag)
    return None


def _multilingual_rows(
    glossary: Glossary, shape: str, skipped: list[str]
) -> tuple[list[str], list[list[str]], int]:
    codes = SHAPE_CODES[shape]
    header = [codes[lang] for lang in MULTILINGUAL_LANGS]
    rows: list[list[str]] = []
    first_column: dict[str, str] = {}
    for concept in glossary:
        cells = [target_text(glossary, concept, lang) or "" for lang in MULTILINGUAL_LANGS]
        if not cells[0]:
            skipped.append(f"{concept.id}: no English term for the source column")
            continue
        if cells[0] in first_column:
            owner = first_column[cells[0]]
            _skip(skipped, f"{cells[0]!r} of {concept.id} is already the entry of {owner}")
            continue
        first_column[cells[0]] = concept.id
        rows.append(cells)
    return header, rows, len(rows)


def _bilingual_rows(
    glossary: Glossary, shape: str, pair: tuple[str, str], skipped: list[str]
) -> tuple[list[str] | None, list[list[str]], int]:
    source, target = pair
    source_lang = "zh-Hant" if source.startswith("zh-Hant") else source
    target_lang = "zh-Hant" if target.startswith("zh-Hant") else target
    header = None
    if shape == "amazon":
        header = [SHAPE_CODES["amazon"][source], SHAPE_CODES["amazon"][target]]
    rows: list[list[str]] = []
    claimed: dict[str, str] = {}
    exported: set[str] = set()
    for concept in glossary:
        # Do-not-translate forms stand verbatim in sources of every language.
        dnt = [t for t in concept.terms if t.dnt and t.lang != source_lang]
        forms = sorted(
            [t for t in concept.terms if t.lang == source_lang] + dnt,
            key=lambda t: _STATUS_RANK[t.status],
        )
        if not forms:
            continue
        wanted = target_text(glossary, concept, target)
        if wanted is None:
            skipped.append(f"{concept.id}: no {target_lang} term")
            continue
        for term in forms:
            texts = [term.text]
            if shape in ("amazon", "google") and _capitalisable(term):
                texts.append(term.text[0].upper() + term.text[1:])
            for text in texts:
                if term.status == "forbidden" and text == wanted:
                    continue  # mapping a forbidden rendering to itself would enforce it
                if shape == "omegat" and text.startswith("#"):
                    _skip(skipped, f"{text!r} of {concept.id}: OmegaT reads '#' lines as comments")
                    continue
                owner = claimed.get(text)
                if owner is not None:
                    if owner != concept.id:
                        _skip(skipped, f"{text!r} of {concept.id} already maps for {owner}")
                    continue
                claimed[text] = concept.id
                exported.add(concept.id)
                row = [text, wanted]
                if shape == "omegat":
                    row.append(_comment(concept, term, source_lang, target_lang))
                rows.append(row)
    return header, rows, len(exported)


def _capitalisable(term: Term) -> bool:
    first = term.text[:1]
    return not term.case_sensitive and first.islower() and len(first.upper()) == 1


def _comment(concept: Concept, source_term: Term, source_lang: str, target_lang: str) -> str:
    parts = [concept.definition] if concept.definition else []
    if concept.dnt:
        parts.append("do not translate")
    avoid = [t.text for t in concept.terms if t.lang == target_lang and t.status == "forbidden"]
    if avoid:
        parts.append("avoid: " + ", ".join(avoid))
    if source_term.status != "preferred":
        preferred = concept.preferred(source_lang)
        of = f" of {preferred.text}" if preferred is not None else ""
        parts.append(f"{source_term.status} source form{of}")
    return re.sub(r"\s+", " ", " | ".join(parts)).strip()


def _skip(skipped: list[str], message: str) -> None:
    skipped.append(message)
    warnings.warn(f"export: {message}; skipped", ToolkitWarning, stacklevel=3)


# --- import -------------------------------------------------------------------------------------


def read(path: Path, *, fmt: str, pair: tuple[str, str] | None) -> list[ImportedConcept]:
    """Concepts of a CSV/TSV glossary with a header of language codes, or two columns + ``pair``."""
    rows = _rows(path, fmt)
    if not rows:
        raise GlossaryError(
            "empty file: no rows", path=path, hint="a header row of language codes first"
        )
    first_line, first = rows[0]
    columns = _header(first)
    if columns is not None:
        return _read_multilingual(path, columns, rows[1:])
    if pair is None:
        unknown = next(
            (
                cell
                for cell in first
                if not parse_lang_code(cell) and cell.lower() not in _EXTRA_COLUMNS
            ),
            first[0],
        )
        raise GlossaryError(
            f"unknown language code {unknown!r} in the header row",
            path=path,
            line=first_line,
            hint="start with a header of language codes (en, zh-CN, zh-TW, de), or pass "
            "--pair SRC-TGT for a two-column file without header",
        )
    return _read_bilingual(path, fmt, pair, rows)


def _rows(path: Path, fmt: str) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(
            f"not UTF-8 at byte {exc.start}", path=path, hint="save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
    if fmt == "tsv":
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if fmt == "tsv" and row[0].startswith("#"):
                continue  # OmegaT's comment lines
            rows.append((start, row))
    except csv.Error as exc:
        raise GlossaryError(f"not valid CSV: {exc}", path=path, line=reader.line_num) from None
    return rows


def _header(row: list[str]) -> list[tuple[str, str | None]] | None:
    """(tag, region) per column — ("pos"/"description", None) for Google's extras — or None."""
    columns: list[tuple[str, str | None]] = []
    for cell in row:
        name = cell.strip()
        if name.lower() in _EXTRA_COLUMNS:
            columns.append((name.lower(), None))
            continue
        mapped = parse_lang_code(name) if name else None
        if mapped is None:
            return None
        columns.append(mapped)
    return columns if any(tag not in _EXTRA_COLUMNS for tag, _ in columns) else None


def _read_multilingual(
    path: Path, columns: list[tuple[str, str | None]], rows: list[tuple[int, list[str]]]
) -> list[ImportedConcept]:
    concepts: list[ImportedConcept] = []
    for line, row in rows:
        if len(row) != len(columns):
            raise GlossaryError(
                f"row has {len(row)} columns, the header has {len(columns)}",
                path=path,
                line=line,
                hint="give every row one cell per header column (empty cells are allowed)",
            )
        terms: list[ImportedTerm] = []
        definition = ""
        for (lang, region), cell in zip(columns, row, strict=True):
            text = clean_text(cell)
            if not text or lang == "pos":
                continue
            if lang == "description":
                definition = text
                continue
            term = Term(text=text, lang=lang, status="admitted", region=region, line=line)
            terms.append(ImportedTerm(term, status_given=False))
        if terms:
            concepts.append(
                ImportedConcept(
                    terms=tuple(terms), definition=definition, line=line, drop_derivable_hant=True
                )
            )
    return concepts


def _read_bilingual(
    path: Path, fmt: str, pair: tuple[str, str], rows: list[tuple[int, list[str]]]
) -> list[ImportedConcept]:
    from toolkit.chinese import fold

    (source_lang, source_region), (target_lang, target_region) = (
        _split_tag(pair[0]),
        _split_tag(pair[1]),
    )
    widths = (2, 3) if fmt == "tsv" else (2,)
    groups: dict[str, tuple[int, list[ImportedTerm], list[str]]] = {}
    for line, row in rows:
        if len(row) not in widths:
            raise GlossaryError(
                f"row has {len(row)} columns, expected "
                + (" or ".join(map(str, widths)))
                + f" (source, target{', comment' if fmt == 'tsv' else ''})",
                path=path,
                line=line,
            )
        source, target = clean_text(row[0]), clean_text(row[1])
        if not source or not target:
            raise GlossaryError("empty source or target cell", path=path, line=line)
        key = fold(target)
        if key not in groups:
            target_term = Term(
                text=target, lang=target_lang, status="admitted", region=target_region, line=line
            )
            groups[key] = (line, [ImportedTerm(target_term, status_given=False)], [])
        _, terms, comments = groups[key]
        if all(t.term.text != source or t.term.lang != source_lang for t in terms):
            term = Term(
                text=source, lang=source_lang, status="admitted", region=source_region, line=line
            )
            terms.append(ImportedTerm(term, status_given=False))
        comment = clean_text(row[2]) if len(row) > 2 else ""
        if comment and comment not in comments:
            comments.append(comment)
    # The first source form of a group becomes preferred (exports write the preferred one first).
    return [
        ImportedConcept(
            terms=(terms[1], terms[0], *terms[2:]) if len(terms) > 1 else tuple(terms),
            note=" / ".join(comments),
            line=line,
            drop_derivable_hant=True,
        )
        for line, terms, comments in groups.values()
    ]


def _split_tag(tag: str) -> tuple[str, str | None]:
    if tag.startswith("zh-Hant-"):
        return "zh-Hant", tag.rsplit("-", 1)[1]
    return tag, None
