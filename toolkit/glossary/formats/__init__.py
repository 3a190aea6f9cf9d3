"""Glossary exchange formats behind one lazy registry: TBX (lxml) and delimited text (csv module).

``tbx`` lives in :mod:`toolkit.glossary.formats.tbx`, ``csv`` and ``tsv`` in
:mod:`toolkit.glossary.formats.delimited`; a module is imported only when its format is used, so
lxml stays out of every command that does not read or write TBX.

Readers return :class:`ImportedConcept` records (terms whose status may be unknown, source line
numbers for messages); :mod:`toolkit.glossary.merge` folds them into the glossary files.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from toolkit.errors import GlossaryError, UsageError
from toolkit.glossary.model import Glossary
from toolkit.models import Term

#: Format name → module that reads and writes it.
FORMATS: dict[str, str] = {
    "tbx": "toolkit.glossary.formats.tbx",
    "csv": "toolkit.glossary.formats.delimited",
    "tsv": "toolkit.glossary.formats.delimited",
}
#: Delimited shapes (see :mod:`toolkit.glossary.formats.delimited` for which tool loads which).
SHAPES: tuple[str, ...] = ("amazon", "google", "deepl", "omegat")
DEFAULT_SHAPES: dict[str, str] = {"csv": "amazon", "tsv": "omegat"}
_EXTENSIONS = {
    ".tbx": "tbx",
    ".xml": "tbx",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".utf8": "tsv",
}
_ZH_REGIONS = ("CN", "TW", "HK", "MO", "SG")
_HANT_REGIONS = ("TW", "HK", "MO")


@dataclass(frozen=True, slots=True)
class ImportedTerm:
    """A term read from an exchange file; ``term.line`` is its line in that file.

    ``status_given`` is False when the file does not say (CSV cells, TBX without
    administrativeStatus): the merge then makes it preferred or admitted as the glossary allows.
    """

    term: Term
    status_given: bool = True


@dataclass(frozen=True, slots=True)
class ImportedConcept:
    """One entry of an exchange file (a TBX conceptEntry, a CSV row or group of rows)."""

    terms: tuple[ImportedTerm, ...]
    id: str | None = None
    type: str | None = None  # one of CONCEPT_TYPES when the file says so
    definition: str = ""
    note: str = ""
    refs: tuple[str, ...] = ()
    line: int | None = None
    #: zh-Hant terms equal to OpenCC s2t of a zh-Hans term are dropped (they come back by
    #: derivation); set by shapes whose zh-Hant column holds derived target forms.
    drop_derivable_hant: bool = False


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote."""

    path: str
    format: str
    shape: str | None
    pair: tuple[str, str] | None
    concepts: int
    rows: int
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """An export checked and counted before any byte is written; ``write`` streams it."""

    write: Callable[[BinaryIO], None]
    concepts: int
    rows: int
    skipped: list[str] = field(default_factory=list)


def format_module(name: str) -> ModuleType:
    """The module serving format ``name`` (imported on first use)."""
    try:
        return importlib.import_module(FORMATS[name])
    except KeyError:
        raise UsageError(
            f"unknown glossary format {name!r}", hint=f"use one of {', '.join(FORMATS)}"
        ) from None


def detect_format(path: Path) -> str:
    """Format of an exchange file from its extension, else from its first character."""
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt:
        return fmt
    try:
        with open(path, "rb") as handle:
            head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
    if head.startswith(b"<"):
        return "tbx"
    return "tsv" if b"\t" in head.split(b"\n", 1)[0] else "csv"


def parse_lang_code(code: str) -> tuple[str, str | None] | None:
    """Glossary language tag and region of a language code found in a file, or None.

    zh, zh-CN, zh-Hans, zs → zh-Hans; zh-TW, zh-HK → zh-Hant with region TW/HK; zh-Hant, zt →
    zh-Hant; en-US, en-GB → en; de-DE, de-AT → de. Case and ``_`` for ``-`` do not matter.
    """
    parts = code.strip().replace("_", "-").split("-")
    base = parts[0].lower()
    rest = parts[1:]
    if base in ("en", "de"):
        if not rest or (len(rest) == 1 and len(rest[0]) == 2 and rest[0].isalpha()):
            return base, None
        return None
    if base in ("zs", "zt") and not rest:
        return ("zh-Hans", None) if base == "zs" else ("zh-Hant", None)
    if base != "zh":
        return None
    script: str | None = None
    region: str | None = None
    for part in rest:
        if part.lower() in ("hans", "hant") and script is None:
            script = part.lower()
        elif part.upper() in _ZH_REGIONS and region is None:
            region = part.upper()
        else:
            return None
    if script is None:
        script = "hant" if region in _HANT_REGIONS else "hans"
    if script == "hans":
        return "zh-Hans", None
    return "zh-Hant", region if region in _HANT_REGIONS else None


def target_tag(lang: str, region: str | None) -> str:
    """Target tag for a language and region: zh-Hant + TW → ``zh-Hant-TW``."""
    if lang == "zh-Hant" and region in ("TW", "HK"):
        return f"zh-Hant-{region}"
    return lang


def parse_pair(pair: str) -> tuple[str, str]:
    """``zh-en`` → (``zh-Hans``, ``en``); ``en-zt`` → (``en``, ``zh-Hant``); ``de-zh-TW`` →
    (``de``, ``zh-Hant-TW``). Raise :class:`UsageError` when no split gives two known codes."""
    cuts = [m.start() for m in re.finditer("-", pair)]
    for cut in cuts:
        source = parse_lang_code(pair[:cut])
        target = parse_lang_code(pair[cut + 1 :])
        if source and target:
            if source[0] == target[0]:
                raise UsageError(f"--pair {pair}: source and target are the same language")
            return target_tag(*source), target_tag(*target)
    raise UsageError(
        f"cannot read language pair {pair!r}",
        hint="write SRC-TGT with codes en, de, zh (zh-Hans), zt (zh-Hant), zh-TW, zh-HK: zh-en",
    )


def export_glossary(
    glossary: Glossary,
    out: Path | str,
    fmt: str,
    *,
    shape: str | None = None,
    pair: str | None = None,
) -> ExportSummary:
    """Write ``glossary`` to ``out`` as ``fmt`` (tbx, csv, tsv), atomically.

    ``shape`` (csv/tsv only) picks the tool layout, ``pair`` (``zh-en``) the direction of
    bilingual shapes. Nothing is written when the options make no sense or nothing is exportable.
    """
    from toolkit.files import atomic_writer

    out = Path(out)
    module = format_module(fmt)
    pair_tags = parse_pair(pair) if pair else None
    if fmt == "tbx":
        if shape is not None or pair_tags is not None:
            raise UsageError("--shape and --pair apply to csv and tsv exports only")
        plan = module.plan(glossary)
    else:
        shape = shape or DEFAULT_SHAPES[fmt]
        if shape not in SHAPES:
            raise UsageError(f"unknown shape {shape!r}", hint=f"use one of {', '.join(SHAPES)}")
        plan = module.plan(glossary, fmt=fmt, shape=shape, pair=pair_tags)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out, binary=True) as handle:
        plan.write(handle)
    return ExportSummary(
        path=str(out),
        format=fmt,
        shape=shape,
        pair=pair_tags,
        concepts=plan.concepts,
        rows=plan.rows,
        skipped=plan.skipped,
    )


def read_exchange_file(
    path: Path | str, *, fmt: str | None = None, pair: str | None = None
) -> list[ImportedConcept]:
    """Read a TBX (v3 or v2 martif), CSV or TSV glossary file into :class:`ImportedConcept` s."""
    path = Path(path)
    if not path.is_file():
        raise GlossaryError("no such file", path=path)
    fmt = fmt or detect_format(path)
    module = format_module(fmt)
    pair_tags = parse_pair(pair) if pair else None
    if fmt == "tbx":
        return module.read(path)
    return module.read(path, fmt=fmt, pair=pair_tags)


def clean_text(text: str) -> str:
    """Text of a file field: stripped; whitespace runs holding a line break or tab become a space.

    XML and spreadsheet tools re-wrap long notes; single spaces inside a term are kept as written.
    """
    if "\n" in text or "\r" in text or "\t" in text:
        text = re.sub(r"[ \t]*[\r\n\t][\s]*", " ", text)
    return text.strip()
