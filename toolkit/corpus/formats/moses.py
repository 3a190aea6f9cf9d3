r"""Moses: line-aligned plain-text files, one sentence per line, as MT training tools expect.

``out`` is a stem; the files are named with full BCP 47 tags, so scripts stay apart:

- ``<out>.<src_lang>`` and ``<out>.<tgt_lang>``: line *n* of each is unit *n*'s source and target
  (``--out corpus.zh-en`` → ``corpus.zh-en.zh-Hans``, ``corpus.zh-en.en``);
- ``<out>.ids``: line *n* is unit *n*'s ``id<TAB>doc``, escaped as in the TSV format, so
  ``paste corpus.ids corpus.zh-en.zh-Hans corpus.zh-en.en`` lines everything up;
- ``<out>.meta.json``: the export metadata (language pair, tool, signature), the same object as
  the JSONL first line, so the corpus can be traced and read back.

All four appear together or not at all. Lines end with ``\n``; files are UTF-8 without BOM.

A sentence never contains a line break: every run of line-break characters (those
:meth:`str.splitlines` splits on — ``\n \r \v \f \x1c \x1d \x1e \x85 U+2028 U+2029``) in a source or
target is replaced by one space, with one :class:`~toolkit.errors.ToolkitWarning` per export that
counts the units changed. Moses keeps ids, documents, text and the export signature; status, terms,
notes, lines and kinds need TSV, JSONL or TMX.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import zip_longest
from pathlib import Path

from toolkit.corpus.formats import (
    ExportMeta,
    atomic_outputs,
    checked_units,
    meta_from_record,
    meta_record,
    no_units_error,
    open_text,
)
from toolkit.corpus.formats.tsv import escape, unescape
from toolkit.errors import CatalogError, ToolkitWarning
from toolkit.models import Unit

name = "moses"
suffixes: tuple[str, ...] = ()  # a stem: the files get language suffixes
multilingual = False  # one language per file

# A BCP 47 tag: it becomes a file suffix, so no dots, slashes or the reserved "ids"/"meta".
_TAG = re.compile(r"(?!ids$|meta$)[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def paths(out: Path, src_lang: str, tgt_lang: str) -> tuple[Path, Path, Path, Path]:
    """The files an export to ``out`` writes: source, target, ids, metadata."""
    out = Path(out)
    return (
        out.with_name(f"{out.name}.{src_lang}"),
        out.with_name(f"{out.name}.{tgt_lang}"),
        out.with_name(f"{out.name}.ids"),
        out.with_name(f"{out.name}.meta.json"),
    )


def one_line(text: str) -> str:
    """``text`` with each run of line breaks replaced by a space (what Moses files hold)."""
    return _LINE_BREAKS.sub(" ", text)


def write(units: Iterable[Unit], out: Path, meta: ExportMeta) -> int:
    """Write the line-aligned files for ``units`` (``meta``'s pair) next to the stem ``out``."""
    out = Path(out)
    tags = (meta.src_lang, meta.tgt_lang)
    if meta.src_lang == meta.tgt_lang or not all(_TAG.fullmatch(tag) for tag in tags):
        raise CatalogError(
            f"cannot name Moses files for the pair {meta.src_lang}→{meta.tgt_lang}",
            path=out,
            hint="source and target must be different BCP 47 tags (zh-Hans, de, en)",
        )
    targets = paths(out, meta.src_lang, meta.tgt_lang)
    count = flattened = 0
    first_flattened = ""
    with atomic_outputs(*targets) as temps:
        src_temp, tgt_temp, ids_temp, meta_temp = temps
        with (
            open(src_temp, "w", encoding="utf-8", newline="\n") as src_file,
            open(tgt_temp, "w", encoding="utf-8", newline="\n") as tgt_file,
            open(ids_temp, "w", encoding="utf-8", newline="\n") as ids_file,
        ):
            for unit in checked_units(units, meta, out):
                source, target = one_line(unit.source), one_line(unit.target)
                if source != unit.source or target != unit.target:
                    flattened += 1
                    first_flattened = first_flattened or unit.id
                src_file.write(source + "\n")
                tgt_file.write(target + "\n")
                ids_file.write(f"{escape(unit.id)}\t{escape(unit.doc)}\n")
                count += 1
        if not count:
            raise no_units_error(out)
        meta_temp.write_text(
            json.dumps(meta_record(meta, name), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
    if flattened:
        warnings.warn(
            f"{out}: line breaks inside {flattened} unit(s) (first: {first_flattened}) "
            "were replaced by spaces; Moses files hold one sentence per line",
            ToolkitWarning,
            stacklevel=2,
        )
    return count


def carry(unit: Unit, meta: ExportMeta) -> Unit:
    """What Moses keeps: id, doc, one-line source and target, languages and the export signature."""
    return Unit(
        id=unit.id,
        doc=unit.doc,
        source=one_line(unit.source),
        target=one_line(unit.target),
        src_lang=unit.src_lang,
        tgt_lang=unit.tgt_lang,
        signature=meta.signature,
    )


def read_meta(path: Path) -> ExportMeta:
    """The ``<stem>.meta.json`` of the export whose stem is ``path``."""
    meta_path = Path(path).with_name(f"{Path(path).name}.meta.json")
    try:
        record = json.loads(meta_path.read_text(encoding="utf-8"))
    except OSError as err:
        raise CatalogError(
            f"cannot read: {err.strerror or err}",
            path=meta_path,
            hint="pass the stem given to the export (corpus, not corpus.en), or the languages",
        ) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CatalogError(f"not JSON: {err}", path=meta_path) from err
    return meta_from_record(record, meta_path)


def read(path: Path, *, src_lang: str | None = None, tgt_lang: str | None = None) -> Iterator[Unit]:
    """Units of the Moses export with stem ``path``.

    The language pair and signature come from ``<stem>.meta.json``; for a corpus made elsewhere,
    pass ``src_lang`` and ``tgt_lang`` instead (ids then number the lines from 1, unless a
    ``<stem>.ids`` file is there).
    """
    path = Path(path)
    signature = ""
    if src_lang is None or tgt_lang is None:
        meta = read_meta(path)
        src_lang, tgt_lang, signature = meta.src_lang, meta.tgt_lang, meta.signature
    src_path, tgt_path, ids_path, _ = paths(path, src_lang, tgt_lang)
    names = (src_path, tgt_path, ids_path)
    with ExitStack() as stack:
        streams = [
            stack.enter_context(open_text(src_path)),
            stack.enter_context(open_text(tgt_path)),
        ]
        if ids_path.exists():
            streams.append(stack.enter_context(open_text(ids_path)))
        number = 0
        try:
            for number, lines in enumerate(zip_longest(*streams), start=1):
                if None in lines:
                    short = [str(n) for n, line in zip(names, lines, strict=False) if line is None]
                    raise CatalogError(
                        f"files are not line-aligned: {', '.join(short)} end(s) before line "
                        f"{number}",
                        path=src_path,
                        line=number,
                        hint="Moses files must have the same number of lines",
                    )
                unit_id, doc = (
                    _parse_ids(lines[2].removesuffix("\n"), ids_path, number)
                    if len(lines) == 3
                    else (str(number), "")
                )
                yield Unit(
                    id=unit_id,
                    doc=doc,
                    source=lines[0].removesuffix("\n"),
                    target=lines[1].removesuffix("\n"),
                    src_lang=src_lang,
                    tgt_lang=tgt_lang,
                    signature=signature,
                )
        except UnicodeDecodeError as err:
            raise CatalogError(
                f"not UTF-8 text ({err.reason}) near line {number + 1}", path=src_path
            ) from err


def _parse_ids(text: str, path: Path, number: int) -> tuple[str, str]:
    fields = text.split("\t")
    if len(fields) != 2:
        raise CatalogError("expected id<TAB>doc", path=path, line=number)
    return unescape(fields[0], path, number), unescape(fields[1], path, number)
