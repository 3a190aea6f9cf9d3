"""Ingest: source files → :class:`~toolkit.models.Document` (cleaned text, typed paragraphs).

``read_document`` reads one file whatever its shape (plain text with metadata lines, markdown
bits, an HTML fragment or page); ``iter_documents`` expands files and folders and streams one
document at a time.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError, ToolkitWarning
from toolkit.models import Document

if TYPE_CHECKING:
    from toolkit.ingest.layout import Layout

__all__ = [
    "TEXT_SUFFIXES",
    "document_from_text",
    "document_id",
    "iter_documents",
    "read_document",
    "read_layout",
]

#: What a folder contributes: its visible files with these suffixes, subfolders too, by path.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})

# A fetcher's content hash appended to the name: 000_1af9f7c0197d13b8.txt.
_FETCH_SUFFIX = re.compile(r"(.+)_([0-9a-f]{12,64})")


def document_id(path: Path | str) -> str:
    """The document id: the file stem, without a trailing ``_<hex hash>`` fetch suffix.

    ``000_1af9f7c0197d13b8.txt`` → ``000``; ``article.txt`` → ``article``; an all-digit suffix
    (``report_20240101120000``) is a date, not a hash, and stays.
    """
    stem = Path(path).stem
    match = _FETCH_SUFFIX.fullmatch(stem)
    if match and not match.group(2).isdigit():
        return match.group(1)
    return stem


def read_document(path: Path) -> Document:
    """Read and clean one source file.

    Raises :class:`~toolkit.errors.InputError` for a missing, binary or non-UTF-8 file; warns
    (:class:`~toolkit.errors.ToolkitWarning`) when the file holds no text at all.
    """
    from toolkit.ingest.decode import read_text
    from toolkit.ingest.document import build_document
    from toolkit.ingest.plain import read_plain

    path = Path(path)
    text = read_text(path)
    blocks, meta = read_plain(text)
    document = build_document(document_id(path), path, blocks, meta)
    if not document.paragraphs:
        reason = "empty file" if not text else "no text in file"
        warnings.warn(f"{path}: {reason}, no segments", ToolkitWarning, stacklevel=2)
    return document


def read_layout(path: Path) -> tuple[Document, Layout, str]:
    """:func:`read_document`, plus where each paragraph came from and the file's text (for
    writing a translation back in the source's shape, :mod:`toolkit.corpus.documents`)."""
    from toolkit.ingest.decode import read_text
    from toolkit.ingest.document import build_document
    from toolkit.ingest.layout import Layout
    from toolkit.ingest.plain import read_plain

    path = Path(path)
    text = read_text(path)
    layout = Layout()
    blocks, meta = read_plain(text, layout)
    return build_document(document_id(path), path, blocks, meta), layout, text


def document_from_text(text: str, doc_id: str = "doc", path: Path | str = "<text>") -> Document:
    """Ingest ``text`` as if it were the content of a file (for tests and in-memory sources)."""
    from toolkit.ingest.decode import normalize_text
    from toolkit.ingest.document import build_document
    from toolkit.ingest.plain import read_plain

    blocks, meta = read_plain(normalize_text(text.removeprefix("\ufeff")))
    return build_document(doc_id, Path(path), blocks, meta)


def iter_documents(paths: Iterable[Path | str]) -> Iterator[Document]:
    """Documents of ``paths`` (files, or folders of text files, read recursively), one at a time,
    in order.

    Every path is listed and every id checked before the first document is read, so a clash
    (two files named ``000_….txt`` in different folders) fails before any output is written.
    """
    files = list(_expand(paths))
    owners: dict[str, Path] = {}
    for file in files:
        doc_id = document_id(file)
        if doc_id in owners:
            raise InputError(
                f"document id {doc_id!r} is already taken by {owners[doc_id]}",
                path=file,
                hint="rename one of the files: ids come from file names",
            )
        owners[doc_id] = file
    for file in files:
        yield read_document(file)


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            # Subfolders too (an archive by year and month); hidden files and folders are not read.
            found = sorted(
                child
                for child in path.rglob("*")
                if child.suffix.lower() in TEXT_SUFFIXES
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
                and child.is_file()
            )
            if not found:
                suffixes = " ".join(sorted(TEXT_SUFFIXES))
                warnings.warn(
                    f"{path}: no text files ({suffixes}) in folder", ToolkitWarning, stacklevel=3
                )
        elif path.exists():
            found = [path]
        else:
            raise InputError("no such file or folder", path=path)
        for file in found:
            key = file.resolve()
            if key not in seen:  # the same file named twice (a folder and a file in it)
                seen.add(key)
                yield file
