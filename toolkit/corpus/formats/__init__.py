"""Parallel-text export formats behind one lazy registry.

``get_format("tmx").write(units, out, meta)`` writes, ``get_format("tmx").read(out)`` reads back.

Every module in this package (``tmx``, ``tsv``, ``moses``, ``jsonl``) is one format and satisfies
:class:`Format`. The registry lists the package's modules without importing them, so adding a
module adds a format and lxml loads only when TMX is used.

Shared rules, enforced here for every writer:

- An export holds one language pair: a unit whose ``src_lang``/``tgt_lang`` differ from the
  :class:`ExportMeta` raises :class:`~toolkit.errors.CatalogError` — unless the meta's pair is
  :data:`ALL` and the format is ``multilingual`` (TMX, TSV and JSONL carry each unit's languages;
  Moses files and a PO catalog cannot).
- Writers stream: they hold one unit at a time, whatever the size of the generator.
- Writes are atomic: every output goes to a temp file beside its target and is renamed into place
  only when all of them are complete. An exception (from the writer or from the units generator)
  leaves neither target nor temp file behind. An export with zero units raises and writes nothing.
- Output is byte-reproducible: no timestamps, so the same units and meta give the same bytes.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TextIO, get_args, runtime_checkable

from toolkit import __version__
from toolkit.errors import CatalogError, UsageError
from toolkit.models import Unit, UnitStatus, UnitTerm

__all__ = [
    "ALL",
    "FORMAT_NAMES",
    "UNIT_STATUSES",
    "ExportMeta",
    "Format",
    "atomic_outputs",
    "checked_units",
    "get_format",
    "meta_from_record",
    "meta_record",
    "no_units_error",
    "open_text",
    "status_from_text",
    "term_from_record",
    "term_json",
    "term_record",
]

UNIT_STATUSES: tuple[str, ...] = get_args(UnitStatus)
#: The language "pair" of an export of every pair (TMX's srclang="*all*").
ALL = "*all*"
_TERM_KEYS = ("concept", "term_en", "surface", "target_term")
_META_KEYS = ("tool", "tool_version", "signature", "src_lang", "tgt_lang")


@dataclass(frozen=True)
class ExportMeta:
    """What one export is: its language pair and the signature of what produced it."""

    src_lang: str  # BCP 47: zh-Hans, zh-Hant, de, en — TMX srclang, Moses file suffix
    tgt_lang: str
    signature: str  # reproducibility signature, e.g. "toolkit 0.1.0|engine:…|glossary:sha256:…"
    tool: str = "toolkit"
    tool_version: str = __version__


@runtime_checkable
class Format(Protocol):
    """One export format (a module of this package)."""

    name: str
    suffixes: tuple[str, ...]
    multilingual: bool  # can hold units of several language pairs in one export

    def write(self, units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
        """Write ``units`` to ``out`` atomically; return how many were written."""
        ...

    def read(self, path: Path) -> Iterator[Unit]:
        """Read back what :meth:`write` wrote, one unit at a time."""
        ...

    def carry(self, unit: Unit, meta: ExportMeta) -> Unit:
        """``unit`` as :meth:`read` returns it: the fields this format keeps, the rest defaulted."""
        ...


# Discovered from the package folder (no imports), so the list is never kept in sync by hand.
FORMAT_NAMES: tuple[str, ...] = tuple(
    sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
)


def get_format(name: str) -> Format:
    """The format called ``name`` (one of :data:`FORMAT_NAMES`), imported on first use."""
    if name not in FORMAT_NAMES:
        raise UsageError(
            f"unknown export format {name!r}", hint=f"choose one of {', '.join(FORMAT_NAMES)}"
        )
    module = importlib.import_module(f"{__name__}.{name}")
    return module  # type: ignore[return-value]  # a module satisfying the Format protocol


def checked_units(units: Iterable[Unit], meta: ExportMeta, out: Path) -> Iterator[Unit]:
    """Pass ``units`` through, refusing any unit of another language pair than ``meta``'s (an
    :data:`ALL` export takes every pair)."""
    if meta.src_lang == ALL:
        yield from units
        return
    for unit in units:
        if unit.src_lang != meta.src_lang or unit.tgt_lang != meta.tgt_lang:
            raise CatalogError(
                f"unit {unit.id} is {unit.src_lang}→{unit.tgt_lang}, but this export is "
                f"{meta.src_lang}→{meta.tgt_lang}",
                path=out,
                hint="export one language pair at a time (select it with --pair)",
            )
        yield unit


def meta_record(meta: ExportMeta, format_name: str) -> dict[str, str]:
    """``meta`` as a JSON object (the JSONL first line, the Moses ``.meta.json``)."""
    return {
        "format": format_name,
        "tool": meta.tool,
        "tool_version": meta.tool_version,
        "signature": meta.signature,
        "src_lang": meta.src_lang,
        "tgt_lang": meta.tgt_lang,
    }


def meta_from_record(record: Any, path: Path, line: int | None = None) -> ExportMeta:
    """Inverse of :func:`meta_record`; a malformed object raises :class:`CatalogError`."""
    if not isinstance(record, dict) or not all(
        isinstance(record.get(key), str) for key in _META_KEYS
    ):
        raise CatalogError(
            f"export metadata must be an object with string fields {', '.join(_META_KEYS)}",
            path=path,
            line=line,
        )
    return ExportMeta(**{key: record[key] for key in _META_KEYS})


def term_record(term: UnitTerm) -> dict[str, str]:
    """A unit term as a JSON object (JSONL ``terms``, TSV ``terms`` column, TMX ``x-term`` prop)."""
    return {
        "concept": term.concept,
        "term_en": term.term_en,
        "surface": term.surface,
        "target_term": term.target_term,
    }


@lru_cache(maxsize=4096)
def term_json(term: UnitTerm) -> str:
    """:func:`term_record` as compact JSON; cached, as a corpus repeats the same few terms."""
    return json.dumps(term_record(term), ensure_ascii=False, separators=(",", ":"))


def term_from_record(record: Any, path: Path, line: int | None = None) -> UnitTerm:
    """Inverse of :func:`term_record`; a malformed object raises :class:`CatalogError`."""
    if not isinstance(record, dict) or not all(
        isinstance(record.get(key), str) for key in _TERM_KEYS
    ):
        raise CatalogError(
            f"a unit term must be an object with string fields {', '.join(_TERM_KEYS)}",
            path=path,
            line=line,
        )
    return UnitTerm(*(record[key] for key in _TERM_KEYS))


def status_from_text(value: str, path: Path, line: int | None = None) -> UnitStatus:
    """A unit status read from a file, checked against :data:`UNIT_STATUSES`."""
    if value not in UNIT_STATUSES:
        raise CatalogError(
            f"unknown unit status {value!r}",
            path=path,
            line=line,
            hint=f"use one of {', '.join(UNIT_STATUSES)}",
        )
    return value  # type: ignore[return-value]  # checked just above


def no_units_error(out: Path) -> CatalogError:
    """The error every writer raises when it was given nothing to write."""
    return CatalogError(
        "no units to export: nothing was written",
        path=out,
        hint="check the selection (--pair, --docs, --reviewed-only) and that translations exist",
    )


def open_text(path: Path) -> TextIO:
    """``path`` opened for reading as UTF-8 split on ``\\n`` only; failure is a CatalogError."""
    try:
        return open(path, encoding="utf-8", newline="\n")
    except OSError as err:
        raise CatalogError(f"cannot read: {err.strerror or err}", path=path) from err


def _open_temp(target: Path) -> Path:
    from toolkit.files import mode_for

    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    with open(temp, "xb"):
        pass
    os.chmod(temp, mode_for(target))  # the file's own mode, else the umask's default
    return temp


def _write_error(target: Path, err: OSError) -> CatalogError:
    return CatalogError(
        f"cannot write: {err.strerror or err}",
        path=target,
        hint="check that the folder exists, is writable and has free space",
    )


@contextmanager
def atomic_outputs(*targets: Path) -> Iterator[tuple[Path, ...]]:
    """Temp paths beside ``targets``; on a clean exit each is renamed onto its target.

    All temp files are complete before the first rename, and the renames follow each other
    directly; if one fails, the files already renamed are removed, so a multi-file export
    (Moses) appears whole or not at all. On any exception every temp file is removed and the
    exception propagates (an :class:`OSError` on our files becomes a :class:`CatalogError`).
    """
    temps: list[Path] = []
    try:
        for target in targets:
            try:
                temps.append(_open_temp(target))
            except OSError as err:
                raise _write_error(target, err) from err
        yield tuple(temps)
        done: list[Path] = []
        for temp, target in zip(temps, targets, strict=True):
            try:
                os.replace(temp, target)
            except OSError as err:
                for renamed in done:
                    renamed.unlink(missing_ok=True)
                raise _write_error(target, err) from err
            done.append(target)
    except OSError as err:
        _remove(temps)
        by_temp = {str(temp): target for temp, target in zip(temps, targets, strict=False)}
        if err.filename is not None and str(err.filename) not in by_temp:
            raise  # raised while reading someone else's file (the units' source): not ours to name
        raise _write_error(by_temp.get(str(err.filename), targets[0]), err) from err
    except UnicodeEncodeError as err:
        _remove(temps)
        raise CatalogError(
            f"text cannot be encoded as UTF-8 ({err.reason}: {err.object[err.start : err.end]!r})",
            path=targets[0],
            hint="a lone surrogate comes from a broken decode upstream; re-read the source",
        ) from err
    except BaseException:
        _remove(temps)
        raise


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
