"""Bytes on disk → text, with one clear error for everything that is not UTF-8 text."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from toolkit.errors import InputError

# Characters that would break a line-based export or look like a line end to some tools; inside a
# line they become plain spaces (same length, so nothing else moves).
_BLANKS = {ord(char): " " for char in "\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"}
_BLANKS.update({code: " " for code in range(0x01, 0x20) if chr(code) not in "\n\r"})
_BLANKS[0x7F] = " "
_HAS_BLANKS = re.compile("[" + re.escape("".join(map(chr, _BLANKS))) + "]")


def read_text(path: Path) -> str:
    """Decode ``path`` as UTF-8 (a BOM is dropped) with ``\\n`` line ends.

    Raises :class:`InputError` for a missing file, a binary file (NUL bytes, UTF-16) and invalid
    UTF-8, naming the file, the line and the byte offset.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            "UTF-16 text, not UTF-8", path=path, hint="convert it, e.g. iconv -f UTF-16 -t UTF-8"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"binary file (NUL byte at offset {nul})",
            path=path,
            line=data.count(b"\n", 0, nul) + 1,
            hint="pass text files only (UTF-8 .txt, .md or .html)",
        )
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skip:].decode("utf-8") if skip else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        raise InputError(
            f"not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset}",
            path=path,
            line=data.count(b"\n", 0, offset) + 1,
            hint="save the file as UTF-8",
        ) from None
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """``\n`` line ends (CRLF and CR become LF); tabs, form feeds and other controls → spaces."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The search runs at C speed; translate only pays off when there is something to replace.
    return text.translate(_BLANKS) if _HAS_BLANKS.search(text) else text
