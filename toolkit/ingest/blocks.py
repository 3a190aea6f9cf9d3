"""What the readers hand to the assembler: text blocks with their source line, and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

#: A block's kind as its markup states it (``<h2>``, ``<figcaption>``, a markdown ``# title``).
#: ``None`` leaves the kind to the text rules of :mod:`toolkit.ingest.document`.
Hint = str | None


@dataclass(frozen=True, slots=True)
class Block:
    text: str  # one line, stripped, never empty
    line: int  # 1-based source line where the block begins
    hint: Hint = None
    after_image: bool = False  # plain text: the line right after an image line


@dataclass(slots=True)
class Meta:
    title: str | None = None  # from an HTML <title>, used when no block is a title
    date: str | None = None
    url: str | None = None
    fallback_date: str | None = None  # from an epoch in an HTML comment: weaker than a shown date

    def add_date(self, value: str) -> None:
        self.date = self.date or value

    def add_url(self, value: str) -> None:
        self.url = self.url or value


_DATE = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?)?"
)
_EPOCH = re.compile(r"\d{10}|\d{13}")


def parse_date(text: str) -> str | None:
    """ISO date (``2026-01-28``) when the whole of ``text`` is a date or timestamp, else None.

    Accepts ``2026.01.28``, ``2026/1/28``, ``2026年1月28日``, ``2025-02-11T11:53:20.621Z``.
    """
    text = text.strip()
    if len(text) > 40:
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def epoch_date(text: str) -> str | None:
    """ISO date of a Unix timestamp in seconds or milliseconds (``1739276225000``)."""
    text = text.strip()
    if not _EPOCH.fullmatch(text):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
