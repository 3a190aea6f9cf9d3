"""Terminal rendering with rich, imported only when a command draws something.

JSON output never goes through here: it is one ``json.dumps`` per line on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.models import Unit


def json_line(record: dict[str, Any]) -> None:
    """Write one JSON object as one line on stdout."""
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def console(stderr: bool = False):  # -> rich.console.Console
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def table(
    columns: Sequence[str | tuple[str, dict[str, Any]]],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    stderr: bool = False,
) -> None:
    """Print a table on stdout (or stderr). A column is a header or (header, rich Column
    options).

    Cells may be plain strings or rich renderables (e.g. ``rich.text.Text`` with styled spans).
    """
    from rich.table import Table

    grid = Table(title=title, caption=caption, show_lines=False, expand=False)
    for column in columns:
        if isinstance(column, tuple):
            grid.add_column(column[0], **column[1])
        else:
            grid.add_column(column)
    for row in rows:
        grid.add_row(*(cell if not isinstance(cell, (int, float)) else str(cell) for cell in row))
    console(stderr).print(grid)


def styled(text: str, spans: Iterable[tuple[int, int, str]] = ()):  # -> rich.text.Text
    """``text`` with style ranges (start, end, style), e.g. to highlight a term or an error."""
    from rich.text import Text

    out = Text(text)
    for start, end, style in spans:
        out.stylize(style, start, end)
    return out


def progress(unit: str = "segments"):  # -> rich.progress.Progress (a context manager)
    """A progress display on stderr: bar, done/total, items per second, ETA.

    Use ``task = bar.add_task(description, total=n)`` then ``bar.advance(task, k)``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task):
            speed = task.finished_speed or task.speed
            return Text(f"{speed:6.1f} {unit}/s" if speed else f"     … {unit}/s")

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
    )


class LazyProgress:
    """A progress callback whose bar appears on its first call, so that anything printed
    before (a download bar, an error) is not drawn over; use as a context manager."""

    def __init__(self, description: str, total: int | None = None) -> None:
        self.description, self.total = description, total
        self.bar = None
        self.task = None

    def __call__(self, advance: int) -> None:
        if self.bar is None:
            self.bar = progress()
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total)
        self.bar.advance(self.task, advance)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def units_summary(units: Sequence[Unit], stderr: bool = False) -> None:
    """Per document: how many units came from where; then every unit that needs review."""
    from collections import Counter

    per_doc: dict[str, Counter[str]] = {}
    for unit in units:
        per_doc.setdefault(unit.doc, Counter())[unit.status] += 1
    statuses = ("reviewed", "memory", "machine", "needs_review")
    table(
        ["document", *statuses, "total"],
        [
            (doc, *(str(counts[s]) for s in statuses), str(sum(counts.values())))
            for doc, counts in per_doc.items()
        ],
        title="translated units",
        stderr=stderr,
    )
    flagged = [unit for unit in units if unit.status == "needs_review"]
    if flagged:
        table(
            ["segment", "why", "target"],
            [(unit.id, unit.note, unit.target[:80]) for unit in flagged],
            title="needs review",
            stderr=stderr,
        )
