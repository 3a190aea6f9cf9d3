"""The glossary's own file format: TOML files in ``glossary/``, one ``[[concept]]`` per entry.

Each concept lists its terms as inline tables, one term per line, so a review diff shows exactly
which rendering changed::

    [[concept]]
    id = "coalition-of-the-willing"
    type = "policy"
    definition = "Group of states led by France and the UK backing Ukraine's security."
    note = "Seed 000 writes 志愿者联盟 ('volunteers' alliance'), a loose rendering."
    refs = ["seed:000", "seed:002"]
    terms = [
      { lang = "en", text = "coalition of the willing", status = "preferred" },
      { lang = "zh-Hans", text = "意愿联盟", status = "preferred" },
      { lang = "zh-Hans", text = "志愿者联盟", status = "admitted", seen = ["000"] },
      { lang = "zh-Hant", text = "意願聯盟", status = "preferred", seen = ["002"] },
      { lang = "de", text = "Koalition der Willigen", status = "preferred" },
    ]

zh-Hant terms not written out are derived with OpenCC s2t from the zh-Hans ones.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit.errors import GlossaryError
from toolkit.glossary.model import CONCEPT_TYPES, Glossary
from toolkit.models import LANG_TAGS, Concept, Term

STATUSES = ("preferred", "admitted", "forbidden")
REGIONS = ("CN", "TW", "HK", "MO", "SG")
TERM_FORMS = ("fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase")
CONCEPT_KEYS = {"id", "type", "definition", "note", "refs", "terms"}
TERM_KEYS = {
    "lang",
    "text",
    "status",
    "case_sensitive",
    "dnt",
    "region",
    "form",
    "seen",
    "note",
    "not_in",
    "near",
    "not_near",
    "source",
    "enforce",
}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def glossary_files(path: Path) -> list[Path]:
    """The TOML files of a glossary folder (sorted), or the one file given."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise GlossaryError(
            "no glossary here", path=path, hint="pass --glossary DIR or set TOOLKIT_GLOSSARY"
        )
    files = sorted(path.glob("*.toml"))
    if not files:
        raise GlossaryError("glossary folder holds no .toml file", path=path)
    return files


def load_glossary(path: Path | str) -> Glossary:
    """Read and check a glossary folder or file; raise :class:`GlossaryError` on the first fault."""
    path = Path(path)
    concepts: list[Concept] = []
    for file in glossary_files(path):
        concepts.extend(read_concepts(file))
    seen: dict[str, Concept] = {}
    for concept in concepts:
        if concept.id in seen:
            first = seen[concept.id]
            raise GlossaryError(
                f"duplicate concept id {concept.id!r} (first at {first.path}:{first.line})",
                path=concept.path,
                line=concept.line,
                hint="give each concept its own id",
            )
        seen[concept.id] = concept
    return Glossary(tuple(with_derived_forms(c) for c in concepts), source=str(path))


def read_concepts(file: Path, errors: list[GlossaryError] | None = None) -> list[Concept]:
    """Concepts of one TOML file, as written (no derived terms).

    Raises :class:`GlossaryError` on the first fault; given an ``errors`` list, appends every
    fault to it instead — each bad concept is left out, the others are returned — so a checker
    can report them all.
    """

    def fault(error: GlossaryError) -> None:
        if errors is None:
            raise error from None
        errors.append(error)

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fault(
            GlossaryError(
                f"not UTF-8 at byte {exc.start}", path=file, hint="save the file as UTF-8"
            )
        )
        return []
    except OSError as exc:
        fault(GlossaryError(f"cannot read: {exc.strerror}", path=file))
        return []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        fault(
            GlossaryError(
                f"not valid TOML: {reason}",
                path=file,
                line=int(found.group(1)) if found else None,
                hint="fix the syntax (see README: glossary format)",
            )
        )
        return []
    lines = text.splitlines()
    for key in sorted(set(data) - {"concept"}):
        fault(
            GlossaryError(
                f"unknown top-level key {key!r}",
                path=file,
                line=_find_line(lines, 0, f"{key}"),
                hint="entries are [[concept]] tables",
            )
        )
    raw = data.get("concept", [])
    if not isinstance(raw, list):
        fault(GlossaryError("'concept' must be an array of tables ([[concept]])", path=file))
        return []
    headers = [i for i, line in enumerate(lines) if line.strip() == "[[concept]]"]
    concepts = []
    for n, entry in enumerate(raw):
        try:
            concepts.append(_concept(entry, file, lines, headers[n] if n < len(headers) else 0))
        except GlossaryError as error:
            fault(error)
    return concepts


def _find_line(lines: list[str], start: int, needle: str) -> int:
    """1-based number of the first line at or after ``start`` (0-based) containing ``needle``."""
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return start + 1


def _concept(entry: Any, file: Path, lines: list[str], header: int) -> Concept:
    line = header + 1

    def fail(message: str, at: int | None = None, hint: str | None = None) -> GlossaryError:
        return GlossaryError(message, path=file, line=at or line, hint=hint)

    if not isinstance(entry, dict):
        raise fail("a concept must be a table")
    unknown = set(entry) - CONCEPT_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(
            f"unknown concept key {key!r}",
            _find_line(lines, header, key),
            f"allowed: {', '.join(sorted(CONCEPT_KEYS))}",
        )
    concept_id = entry.get("id")
    if not isinstance(concept_id, str) or not ID_PATTERN.match(concept_id):
        raise fail(
            f"concept id {concept_id!r} is missing or not lower-case-with-hyphens",
            hint='write id = "shadow-fleet"',
        )
    line = _find_line(lines, header, json.dumps(concept_id, ensure_ascii=False))
    kind = entry.get("type")
    if kind not in CONCEPT_TYPES:
        raise fail(
            f"concept {concept_id}: type {kind!r} is not one of {', '.join(CONCEPT_TYPES)}",
            _find_line(lines, header, "type"),
        )
    for key in ("definition", "note"):
        if not isinstance(entry.get(key, ""), str):
            raise fail(f"concept {concept_id}: {key} must be a string")
    refs = entry.get("refs", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise fail(f"concept {concept_id}: refs must be a list of strings")
    raw_terms = entry.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise fail(f"concept {concept_id} has no terms", hint="add a terms = [ … ] list")
    terms = tuple(_term(t, concept_id, file, lines, header) for t in raw_terms)
    return Concept(
        id=concept_id,
        type=kind,
        terms=terms,
        definition=entry.get("definition", ""),
        note=entry.get("note", ""),
        refs=tuple(refs),
        path=str(file),
        line=line,
    )


def _term(raw: Any, concept_id: str, file: Path, lines: list[str], header: int) -> Term:
    if not isinstance(raw, dict):
        raise GlossaryError(
            f"concept {concept_id}: each term must be an inline table {{ lang = …, text = … }}",
            path=file,
            line=header + 1,
        )
    text = raw.get("text")
    line = _find_line(lines, header, json.dumps(text, ensure_ascii=False)) if text else header + 1

    def fail(message: str, hint: str | None = None) -> GlossaryError:
        return GlossaryError(f"concept {concept_id}: {message}", path=file, line=line, hint=hint)

    unknown = set(raw) - TERM_KEYS
    if unknown:
        raise fail(
            f"unknown term key {sorted(unknown)[0]!r}", f"allowed: {', '.join(sorted(TERM_KEYS))}"
        )
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        raise fail(f"term text {text!r} is empty or has surrounding spaces")
    if "\n" in text or "\t" in text:
        raise fail(f"term {text!r} contains a tab or line break")
    lang = raw.get("lang")
    if lang not in LANG_TAGS:
        raise fail(
            f"unknown language code {lang!r} for {text!r}", f"use one of {', '.join(LANG_TAGS)}"
        )
    status = raw.get("status")
    if status not in STATUSES:
        raise fail(f"status {status!r} of {text!r} is not one of {', '.join(STATUSES)}")
    region = raw.get("region")
    if region is not None and (region not in REGIONS or lang not in ("zh-Hans", "zh-Hant")):
        raise fail(f"region {region!r} of {text!r}: only zh terms take one of {', '.join(REGIONS)}")
    form = raw.get("form")
    if form is not None and form not in TERM_FORMS:
        raise fail(f"form {form!r} of {text!r} is not one of {', '.join(TERM_FORMS)}")
    for flag in ("case_sensitive", "dnt", "enforce"):
        if not isinstance(raw.get(flag, False), bool):
            raise fail(f"{flag} of {text!r} must be true or false")
    seen = raw.get("seen", [])
    if not isinstance(seen, list) or not all(isinstance(s, str) for s in seen):
        raise fail(f"seen of {text!r} must be a list of document ids")
    for key in ("note", "source"):
        if not isinstance(raw.get(key, ""), str):
            raise fail(f"{key} of {text!r} must be a string")
    lists = {}
    for key in ("not_in", "near", "not_near"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise fail(f"{key} of {text!r} must be a list of non-empty strings")
        lists[key] = tuple(value)
    not_in = lists["not_in"]
    from toolkit.chinese import fold

    for context in not_in:
        if fold(text) not in fold(context):
            raise fail(f"not_in entry {context!r} does not contain {text!r}")
    return Term(
        text=text,
        lang=lang,
        status=status,
        case_sensitive=raw.get("case_sensitive", False),
        dnt=raw.get("dnt", False),
        region=region,
        form=form,
        seen=tuple(seen),
        note=raw.get("note", ""),
        not_in=not_in,
        near=lists["near"],
        not_near=lists["not_near"],
        source=raw.get("source", ""),
        enforce=raw.get("enforce", True),
        line=line,
    )


def with_derived_forms(concept: Concept) -> Concept:
    """The concept with the forms the files need not spell out: the long and short Chinese
    ministerial titles, zh-Hant (OpenCC s2t) of every zh-Hans term, Arabic digits for the
    Chinese numerals of a term (七国集团 → 7国集团), the spelling without
    diacritics of every Latin name (Orban for Orbán), and the Swiss / ASCII spelling (ss for ß)
    of every German term."""
    return with_derived_swiss(
        with_derived_plain_latin(
            with_derived_arabic_numerals(with_derived_hant(with_derived_titles(concept)))
        )
    )


# Chinese ministers' titles come long and short: 外交部部长 (the formal style of Xinhua and
# government releases) and 外交部长 (the everyday one); a post written one way is said both ways.
_TITLE_PAIRS = (("外交部部长", "外交部长"), ("国防部部长", "国防部长"))
# German titles name a woman in office with -in (Außenministerin, Kommissionspräsidentin); the
# heads that take it. Adjectival nouns (Gesandter, Beauftragter) decline instead and are left out.
_GERMAN_HEADS = (
    "minister", "präsident", "kanzler", "botschafter", "sprecher", "berater", "sekretär",
    "kommissar", "chef", "befehlshaber",
)  # fmt: skip
_US_TITLE = re.compile(r"US-(?=[A-ZÄÖÜ])")


def with_derived_titles(concept: Concept) -> Concept:
    """Add the title forms a post's written terms imply: the other length of a Chinese
    ministerial title; for German, the feminine title and "amerikanischer X" beside "US-X"
    (the Swiss and Austrian style)."""
    if concept.type != "post":
        return concept
    written = {(t.lang, t.text) for t in concept.terms}
    derived: list[Term] = []

    def add(term: Term, text: str) -> None:
        if (term.lang, text) not in written:
            written.add((term.lang, text))
            status = "admitted" if term.status == "preferred" else term.status
            derived.append(replace(term, text=text, status=status, seen=(), derived=True))

    for term in concept.terms:
        if term.dnt or term.case_sensitive:
            continue
        if term.lang == "zh-Hans":
            for long, short in _TITLE_PAIRS:
                if term.text.endswith(long):
                    add(term, term.text[: -len(long)] + short)
                elif term.text.endswith(short):
                    add(term, term.text[: -len(short)] + long)
        elif term.lang == "de":
            texts = [term.text]
            if _US_TITLE.match(term.text):
                texts.append(_US_TITLE.sub("amerikanischer ", term.text, count=1))
                add(term, texts[-1])
            for text in texts:
                feminine = _feminine(text)
                if feminine:
                    add(term, feminine)
    return replace(concept, terms=concept.terms + tuple(derived)) if derived else concept


def _feminine(text: str) -> str | None:
    """The feminine form of a German title ("stellvertretender russischer Außenminister" →
    "stellvertretende russische Außenministerin"), or None when its head takes no -in."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if word[:1].islower():
            continue
        if not word.lower().endswith(_GERMAN_HEADS):
            return None  # the head is the first capitalised word; this one takes no -in
        before = [w[:-1] if w.endswith("er") and w[:1].islower() else w for w in words[:index]]
        return " ".join([*before, word + "in", *words[index + 1 :]])
    return None


def with_derived_hant(concept: Concept) -> Concept:
    """Add the zh-Hant form (OpenCC s2t) of every zh-Hans term the file does not spell out."""
    hans = [t for t in concept.terms if t.lang == "zh-Hans" and not t.dnt]
    if not hans:
        return concept
    from toolkit.chinese import s2t

    written = {t.text for t in concept.terms if t.lang == "zh-Hant"}
    has_plain_preferred = any(
        t.lang == "zh-Hant" and t.status == "preferred" and t.region is None for t in concept.terms
    )
    derived: list[Term] = []
    for term in hans:
        text = s2t(term.text)
        if text in written:
            continue
        written.add(text)
        status = term.status
        if status == "preferred" and (has_plain_preferred or term.region is not None):
            status = "admitted"
        derived.append(
            replace(
                term,
                text=text,
                lang="zh-Hant",
                status=status,
                seen=(),
                derived=True,
                region=None if term.region == "CN" else term.region,
            )
        )
    return replace(concept, terms=concept.terms + tuple(derived)) if derived else concept


_CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = re.compile(f"[{''.join(_CHINESE_DIGITS)}{''.join(_CHINESE_UNITS)}]+")


def _chinese_number(run: str) -> int:
    """The value of a run of Chinese numerals: 二十八 → 28, 十九 → 19, 二〇二五 → 2025."""
    if not any(char in _CHINESE_UNITS for char in run):
        return int("".join(str(_CHINESE_DIGITS[char]) for char in run))
    total = current = 0
    for char in run:
        if char in _CHINESE_UNITS:
            total += (current or 1) * _CHINESE_UNITS[char]
            current = 0
        else:
            current = _CHINESE_DIGITS[char]
    return total + current


def arabic_numerals(text: str) -> str:
    """``text`` with its Chinese numerals in Arabic digits, as Taiwan and many mainland outlets
    write counts (波罗的海三国 → 波罗的海3国, 二十国集团 → 20国集团). A lone 一 stays: it is
    mostly part of a word (统一, 一带一路)."""

    def digits(match: re.Match[str]) -> str:
        run = match.group(0)
        return run if run == "一" else str(_chinese_number(run))

    return _CHINESE_NUMBER.sub(digits, text)


def with_derived_arabic_numerals(concept: Concept) -> Concept:
    """Add the Arabic-digit form of every written Chinese term with numerals in it."""
    return _with_spellings(
        concept,
        lambda term: (
            arabic_numerals(term.text)
            if term.lang.startswith("zh") and not term.derived and not term.dnt
            else None
        ),
    )


def _with_spellings(concept: Concept, spell: Callable[[Term], str | None]) -> Concept:
    """Add, as derived admitted terms, the other spelling ``spell`` gives of each term (None:
    none) when the concept does not have it yet in that language."""
    written = {(t.lang, t.text) for t in concept.terms}
    derived: list[Term] = []
    for term in concept.terms:
        text = spell(term)
        if text is None or (term.lang, text) in written:
            continue
        written.add((term.lang, text))
        status = "admitted" if term.status == "preferred" else term.status
        derived.append(replace(term, text=text, status=status, seen=(), derived=True))
    return replace(concept, terms=concept.terms + tuple(derived)) if derived else concept


# Letters with no decomposition that ASCII copy writes plainly (Michał → Michal, Đ, Turkish ı).
_PLAIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"})
_DIAERESIS = "\u0308"


def plain_latin(text: str) -> str:
    """``text`` without the diacritics agency copy drops (Orbán → Orban, Šefčovič → Sefcovic,
    Nausėda → Nauseda); German umlauts stay (ä, ö, ü are letters of their own there)."""
    import unicodedata

    out: list[str] = []
    for char in unicodedata.normalize("NFD", text.translate(_PLAIN_LETTERS)):
        if unicodedata.combining(char) and not (char == _DIAERESIS and out and out[-1] in "aouAOU"):
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def with_derived_plain_latin(concept: Concept) -> Concept:
    """Add the spelling without diacritics of every English and German term that has some: dpa,
    Reuters and many sites write "Orban", "Sefcovic", "Nauseda" for Orbán, Šefčovič, Nausėda."""
    return _with_spellings(
        concept,
        lambda term: (
            plain_latin(term.text)
            if term.lang in ("en", "de") and not term.text.isascii()
            else None
        ),
    )


def with_derived_swiss(concept: Concept) -> Concept:
    """Add the spelling with ss for ß of every German term: Swiss papers (NZZ, SRF) and ASCII
    text write "Weisses Haus", "Aussenminister"."""
    return _with_spellings(
        concept,
        lambda term: (
            term.text.replace("ß", "ss")
            if term.lang == "de" and "ß" in term.text and not term.dnt
            else None
        ),
    )


def dump_concepts(concepts: Iterable[Concept]) -> str:
    """Serialise concepts in the canonical layout (written terms only, derived ones left out)."""
    import tomlkit

    out: list[str] = []
    for concept in concepts:
        out.append("[[concept]]")
        out.append(f"id = {_q(concept.id)}")
        out.append(f"type = {_q(concept.type)}")
        if concept.definition:
            out.append(f"definition = {_q(concept.definition)}")
        if concept.note:
            out.append(f"note = {_q(concept.note)}")
        if concept.refs:
            out.append(f"refs = [{', '.join(_q(r) for r in concept.refs)}]")
        out.append("terms = [")
        for term in concept.terms:
            if not term.derived:
                out.append(f"  {inline_term(term)},")
        out.append("]")
        out.append("")
    text = "\n".join(out)
    tomlkit.parse(text)  # the writer must never produce a file the reader rejects
    return text


def inline_term(term: Term) -> str:
    """One term as the inline table the files use."""
    parts = [f"lang = {_q(term.lang)}", f"text = {_q(term.text)}", f"status = {_q(term.status)}"]
    if term.case_sensitive:
        parts.append("case_sensitive = true")
    if term.dnt:
        parts.append("dnt = true")
    if not term.enforce:
        parts.append("enforce = false")
    if term.region:
        parts.append(f"region = {_q(term.region)}")
    if term.form:
        parts.append(f"form = {_q(term.form)}")
    if term.seen:
        parts.append(f"seen = [{', '.join(_q(s) for s in term.seen)}]")
    if term.note:
        parts.append(f"note = {_q(term.note)}")
    for key in ("not_in", "near", "not_near"):
        values = getattr(term, key)
        if values:
            parts.append(f"{key} = [{', '.join(_q(s) for s in values)}]")
    if term.source:
        parts.append(f"source = {_q(term.source)}")
    return "{ " + ", ".join(parts) + " }"


def _q(value: str) -> str:
    import tomlkit

    return tomlkit.string(value).as_string()
