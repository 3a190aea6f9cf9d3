"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def mode_for(path: Path) -> int:
    """The permissions a rewritten ``path`` keeps: its own, else what the umask gives a new file
    (the temp file's 0600 must not leak into the result)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_writer(
    path: Path | str, *, binary: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success rename it over ``path``, on error delete it.

    The result has the mode the file had before, or the umask's default for a new file.
    """
    path = Path(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode_for(path))
        mode = "wb" if binary else "w"
        with os.fdopen(
            fd, mode, **({} if binary else {"encoding": encoding, "newline": ""})
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def ensure_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (``what`` names it in the message), or raise one CatalogError line."""
    from toolkit.errors import CatalogError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogError(f"cannot create the {what} ({exc.strerror})", path=folder) from None
