"""Where each block of a source file came from, so a translation can be put back in its place.

The readers record it only when asked (``read_plain(text, layout)``): one *place* per block, in
block order, so paragraph *i* of the document is ``layout.places[i - 1]``.

* :class:`LinePlace` — a text line: the block is ``lines[line][start:end]`` (the rest of the line
  is markup: ``# ``, ``[…](url)``).
* :class:`RunPlace` — a run of HTML inline content: the items that carried the block's text,
  in order (:class:`Text` nodes, :class:`Inline` elements with their own items, :class:`Skip`
  elements such as ``<img>`` or ``<br>`` that carry no text of their own).

The HTML part of a file (from the first line that opens a tag) is kept as the parsed tree
(``layout.html_root``), whose text nodes the writer replaces before serialising it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LinePlace:
    line: int  # 0-based index in the file's lines
    start: int
    end: int


@dataclass(slots=True)
class Text:
    """The ``text`` or ``tail`` of ``node``."""

    node: Any
    attr: str  # "text" or "tail"

    @property
    def value(self) -> str:
        return getattr(self.node, self.attr) or ""


@dataclass(slots=True)
class Inline:
    """An inline element (``<a>``, ``<span>``, ``<strong>``) and the items inside it."""

    element: Any
    items: list[Text | Inline | Skip] = field(default_factory=list)


@dataclass(slots=True)
class Skip:
    """An element with no text of its own in the block (``<img>``, ``<br>``, a comment)."""

    element: Any
    width: str = ""  # what it stands for in the block text: " " for <br>


@dataclass(slots=True)
class RunPlace:
    items: list[Text | Inline | Skip]


@dataclass
class Layout:
    """What :func:`toolkit.ingest.plain.read_plain` recorded."""

    places: list[LinePlace | RunPlace] = field(default_factory=list)
    html_line: int | None = None  # 0-based index of the line where the HTML part starts
    html_root: Any = None  # the parsed HTML part: a wrapper <div> of a fragment, or a page
    html_page: bool = False  # a whole page (doctype / <html>), not a fragment
