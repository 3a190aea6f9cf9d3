"""The translation memory: SQLite (WAL) in the data dir.

Machine translations are keyed by normalised source, language pair, engine signature and glossary
hash, so a new model, beam or glossary translates again while an unchanged setup translates only
what changed. Reviewed (human) translations are keyed by source and pair alone: they outrank any
machine output and are never overwritten by one.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from toolkit import config
from toolkit.errors import ToolkitError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS machine (
    source TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL,
    engine TEXT NOT NULL, glossary TEXT NOT NULL,
    target TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    PRIMARY KEY (source, src, tgt, engine, glossary)
);
CREATE TABLE IF NOT EXISTS reviewed (
    source TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL,
    target TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', updated REAL NOT NULL,
    PRIMARY KEY (source, src, tgt)
);
"""


def memory_key(text: str) -> str:
    """The normalised source a memory entry is keyed by (NFC, single spaces, no edges)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class MachineEntry:
    source: str
    src: str
    tgt: str
    engine: str
    glossary: str
    target: str
    status: str  # machine or needs_review
    note: str = ""


class TranslationMemory:
    """A handle on the memory database; use as a context manager."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else config.memory_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise ToolkitError(
                f"cannot open the translation memory ({exc})",
                path=self.path,
                hint="set TOOLKIT_DATA_DIR to a writable folder",
            ) from None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def reviewed(self, source: str, src: str, tgt: str) -> str | None:
        row = self._db.execute(
            "SELECT target FROM reviewed WHERE source=? AND src=? AND tgt=?",
            (memory_key(source), src, tgt),
        ).fetchone()
        return row[0] if row else None

    def machine(
        self, source: str, src: str, tgt: str, engine: str, glossary: str
    ) -> MachineEntry | None:
        row = self._db.execute(
            "SELECT target, status, note FROM machine "
            "WHERE source=? AND src=? AND tgt=? AND engine=? AND glossary=?",
            (memory_key(source), src, tgt, engine, glossary),
        ).fetchone()
        if row is None:
            return None
        return MachineEntry(source, src, tgt, engine, glossary, row[0], row[1], row[2])

    def add_machine(self, entries: Iterable[MachineEntry]) -> None:
        """Store machine output; committed at once, so an interrupted run keeps it."""
        now = time.time()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO machine VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        memory_key(e.source),
                        e.src,
                        e.tgt,
                        e.engine,
                        e.glossary,
                        e.target,
                        e.status,
                        e.note,
                        now,
                    )
                    for e in entries
                ],
            )

    def add_reviewed(self, entries: Iterable[tuple[str, str, str, str, str]]) -> int:
        """Store human-reviewed (source, src, tgt, target, origin) rows; returns rows written."""
        now = time.time()
        rows = [(memory_key(s), src, tgt, t, origin, now) for s, src, tgt, t, origin in entries]
        with self._db:
            self._db.executemany(
                "INSERT INTO reviewed VALUES (?,?,?,?,?,?) ON CONFLICT(source, src, tgt) "
                "DO UPDATE SET target=excluded.target, origin=excluded.origin, "
                "updated=excluded.updated",
                rows,
            )
        return len(rows)

    def stats(self) -> dict[str, int]:
        machine = self._db.execute("SELECT COUNT(*) FROM machine").fetchone()[0]
        reviewed = self._db.execute("SELECT COUNT(*) FROM reviewed").fetchone()[0]
        return {"machine": machine, "reviewed": reviewed}
