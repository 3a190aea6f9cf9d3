"""Where the lookup index lives: dicts in memory, or an SQLite file in the user cache folder.

A cold ``toolkit glossary lookup`` must answer in well under 150 ms, whatever the glossary's
size. Loading a whole index — tens of thousands of folded and declined forms — costs tens of
milliseconds however it is serialised, so the cache is an SQLite database a lookup *queries*: one
indexed read per form it tries, one read per concept it shows. A miss (fuzzy suggestions) reads
only the written forms that share the most character pairs with the query (an indexed
``grams`` table), and :mod:`difflib` ranks those few hundred.

Every table holds strings: ``forms`` and ``written`` map a folded form to its entries packed as
``"id\\tnumber"`` lines, ``concepts`` map an id to the concept as a JSON row, and ``meta`` holds
the fingerprint of the files it was built from, the fold map and the function words.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE forms (key TEXT PRIMARY KEY, entries TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE written (key TEXT PRIMARY KEY, entries TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE concepts (id TEXT PRIMARY KEY, row TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE grams (gram TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (gram, key)) WITHOUT ROWID;
"""
#: Written forms a fuzzy lookup compares (those sharing the most character pairs with it).
CANDIDATES = 300


def grams(text: str) -> set[str]:
    """The character pairs of ``text`` (a one-character text is its own gram)."""
    return {text[i : i + 2] for i in range(max(len(text) - 1, 1))}


class Store(Protocol):
    """What :class:`toolkit.glossary.lookup.LookupIndex` reads."""

    fold_map: dict[int, str]
    function_words: frozenset[str]

    def form(self, key: str) -> str | None: ...
    def written(self, key: str) -> str | None: ...
    def candidates(self, key: str) -> list[str]: ...
    def row(self, concept_id: str) -> str | None: ...
    def concept_ids(self) -> list[str]: ...


class MemoryStore:
    """An index built in this process (the server, tests)."""

    def __init__(
        self,
        forms: dict[str, str],
        written: dict[str, str],
        rows: dict[str, str],
        fold_map: dict[int, str],
        function_words: Iterable[str],
    ) -> None:
        self._forms, self._written, self._rows = forms, written, rows
        self._by_gram: dict[str, list[str]] | None = None
        self.fold_map = fold_map
        self.function_words = frozenset(function_words)

    def form(self, key: str) -> str | None:
        return self._forms.get(key)

    def written(self, key: str) -> str | None:
        return self._written.get(key)

    def candidates(self, key: str) -> list[str]:
        counts: dict[str, int] = {}
        for gram in grams(key):
            for written in self._grams().get(gram, ()):
                counts[written] = counts.get(written, 0) + 1
        return sorted(counts, key=lambda w: (-counts[w], w))[:CANDIDATES]

    def _grams(self) -> dict[str, list[str]]:
        if self._by_gram is None:
            self._by_gram = {}
            for written in self._written:
                for gram in grams(written):
                    self._by_gram.setdefault(gram, []).append(written)
        return self._by_gram

    def row(self, concept_id: str) -> str | None:
        return self._rows.get(concept_id)

    def concept_ids(self) -> list[str]:
        return list(self._rows)

    def save(self, path: Path, stamps: Any) -> None:
        """Write the index as the SQLite cache at ``path`` (atomically; a read-only cache folder
        only costs speed)."""
        import tempfile

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".lookup-", suffix=".tmp")
            os.close(fd)
            connection = sqlite3.connect(temp)
            try:
                connection.executescript(_SCHEMA)
                meta = {
                    "stamps": stamps,
                    "fold_map": {str(code): char for code, char in self.fold_map.items()},
                    "function_words": sorted(self.function_words),
                }
                connection.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [(key, json.dumps(value, ensure_ascii=False)) for key, value in meta.items()],
                )
                for table, items in (
                    ("forms", self._forms),
                    ("written", self._written),
                    ("concepts", self._rows),
                ):
                    connection.executemany(f"INSERT INTO {table} VALUES (?, ?)", items.items())
                connection.executemany(
                    "INSERT INTO grams VALUES (?, ?)",
                    ((gram, key) for key in self._written for gram in grams(key)),
                )
                connection.commit()
            finally:
                connection.close()
            os.replace(temp, path)
        except (OSError, sqlite3.Error):
            Path(temp).unlink(missing_ok=True)


class SqliteStore:
    """The cache file, queried form by form."""

    def __init__(self, connection: sqlite3.Connection, meta: dict[str, Any]) -> None:
        self._db = connection
        self.fold_map = {int(code): char for code, char in meta["fold_map"].items()}
        self.function_words = frozenset(meta["function_words"])

    @classmethod
    def open(cls, path: Path, stamps: Any) -> SqliteStore | None:
        """The cache at ``path`` if it was built from the files ``stamps`` describes."""
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            meta = {
                key: json.loads(value)
                for key, value in connection.execute("SELECT key, value FROM meta")
            }
        except (sqlite3.Error, ValueError):
            return None
        if meta.get("stamps") != json.loads(json.dumps(stamps)):
            connection.close()
            return None
        return cls(connection, meta)

    def _one(self, sql: str, key: str) -> str | None:
        found = self._db.execute(sql, (key,)).fetchone()
        return found[0] if found else None

    def form(self, key: str) -> str | None:
        return self._one("SELECT entries FROM forms WHERE key = ?", key)

    def written(self, key: str) -> str | None:
        return self._one("SELECT entries FROM written WHERE key = ?", key)

    def candidates(self, key: str) -> list[str]:
        pairs = sorted(grams(key))
        marks = ",".join("?" * len(pairs))
        rows = self._db.execute(
            f"SELECT key FROM grams WHERE gram IN ({marks}) GROUP BY key "
            "ORDER BY COUNT(*) DESC, key LIMIT ?",
            (*pairs, CANDIDATES),
        )
        return [found for (found,) in rows]

    def row(self, concept_id: str) -> str | None:
        return self._one("SELECT row FROM concepts WHERE id = ?", concept_id)

    def concept_ids(self) -> list[str]:
        return [key for (key,) in self._db.execute("SELECT id FROM concepts")]
