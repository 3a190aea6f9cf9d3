"""Reader for HTML (a fragment like seed 001's, or a whole page), parsed with lxml.

Every block element yields its inline text as one block (whitespace collapsed, links kept as their
text, images, scripts and styles dropped). The markup says the kind:

* ``<h1>`` a title, ``<h2>``–``<h6>`` headings, ``<figcaption>``/``<caption>`` captions;
* a block whose only text sits in ``<strong>``/``<b>`` is a heading (``<p><strong>军援耗费巨大
  </strong></p>``), in ``<small>`` a caption (``<div><small>…</small></div>`` under each image);
* a block that is nothing but a date or timestamp (``<div><i><br>2025-02-11T11:53:20.621Z</i>
  </div>``) is the document's date, not text.
"""

from __future__ import annotations

from toolkit.ingest.blocks import Block, Hint, Meta, parse_date
from toolkit.ingest.layout import Inline, Layout, RunPlace, Skip, Text

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul""".split()  # noqa: SIM905 (word lists read best as text)
)
SKIP_TAGS = frozenset(
    """audio button canvas embed head iframe img input map noscript object picture script select
    source style svg template textarea track video""".split()  # noqa: SIM905 (word lists read best as text)
)
_TAG_HINTS: dict[str, str] = {
    "h1": "title",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "figcaption": "caption",
    "caption": "caption",
}
_WRAPPER_HINTS: dict[str, str] = {"strong": "heading", "b": "heading", "small": "caption"}


def read_html(
    markup: str, first_line: int = 1, layout: Layout | None = None
) -> tuple[list[Block], Meta]:
    """Blocks and metadata of ``markup``, whose first line is line ``first_line`` of the file.

    With a ``layout``, each block's place (:class:`~toolkit.ingest.layout.RunPlace`) and the
    parsed tree are recorded in it.
    """
    import lxml.html
    from lxml import etree

    # Bytes, not str: lxml refuses str input that carries an XML encoding declaration.
    data = markup.encode("utf-8")
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    meta = Meta()
    try:
        head = markup[:1000].lower()
        if "<!doctype" in head or "<html" in head:
            page = lxml.html.document_fromstring(data, parser=parser)
            if layout is not None:
                layout.html_root, layout.html_page = page, True
            meta.title = _clean(page.findtext(".//title") or "") or None
            root = page.find("body")
            if root is None:
                return [], meta
        else:
            root = lxml.html.fragment_fromstring(data, create_parent="div", parser=parser)
            if layout is not None:
                layout.html_root = root
    except (etree.ParserError, ValueError):  # nothing but whitespace or comments
        return [], meta
    walker = _Walker(first_line, meta, layout)
    walker.walk(root)
    return walker.blocks, meta


def _clean(text: str) -> str:
    return " ".join(text.split())


def _inline_text(element, out: list[str], items: list | None = None) -> None:
    """Append the text of inline ``element`` to ``out`` (and, recording, what carried it to
    ``items``: the element's own items)."""
    if element.text:
        out.append(element.text)
        if items is not None:
            items.append(Text(element, "text"))
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:
            # comments, processing instructions, images: their tail is the caller's
            if items is not None:
                items.append(Skip(child))
        elif tag == "br":
            out.append(" ")
            if items is not None:
                items.append(Skip(child, " "))
        else:
            inner: list | None = [] if items is not None else None
            _inline_text(child, out, inner)
            if items is not None:
                items.append(Inline(child, inner or []))
        if child.tail:
            out.append(child.tail)
            if items is not None:
                items.append(Text(child, "tail"))


def _holds_block(element) -> bool:
    return any(
        isinstance(node.tag, str) and node.tag in BLOCK_TAGS for node in element.iterdescendants()
    )


class _Run:
    """Inline text gathered for one block, which inline elements carried it, and (recording)
    the items that hold it."""

    def __init__(self, line: int, recording: bool) -> None:
        self.pieces: list[str] = []
        self.items: list | None = [] if recording else None
        self.wrappers: set[str] = set()
        self.bare = False  # text directly in the block, outside any inline element
        self.line = line  # where its first visible text is
        self.started = False

    def add_bare(self, text: str, line: int, item: Text) -> None:
        if text.strip():
            self.bare = True
            self._start(line)
        self.pieces.append(text)
        if self.items is not None:
            self.items.append(item)

    def add_inline(self, tag: str, pieces: list[str], line: int, item: Inline | Skip) -> None:
        if "".join(pieces).strip():
            self.wrappers.add(tag)
            self._start(line)
        self.pieces.extend(pieces)
        if self.items is not None:
            self.items.append(item)

    def add_skip(self, item: Skip) -> None:
        if self.items is not None:
            self.items.append(item)

    def _start(self, line: int) -> None:
        if not self.started:
            self.line, self.started = line, True

    def hint(self, base: str) -> str:
        if base == "body" and not self.bare and len(self.wrappers) == 1:
            return _WRAPPER_HINTS.get(next(iter(self.wrappers)), base)
        return base


class _Walker:
    def __init__(self, first_line: int, meta: Meta, layout: Layout | None) -> None:
        self.offset = first_line - 1
        self.meta = meta
        self.layout = layout
        self.blocks: list[Block] = []

    def line(self, element) -> int:
        return (element.sourceline or 1) + self.offset

    def run(self, element) -> _Run:
        return _Run(self.line(element), self.layout is not None)

    def walk(self, element) -> None:
        base = _TAG_HINTS.get(element.tag, "body")
        run = self.run(element)
        if element.text:
            run.add_bare(element.text, self.line(element), Text(element, "text"))
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                run.add_skip(Skip(child))
            elif tag in BLOCK_TAGS or _holds_block(child):
                self.flush(run, base)
                run = self.run(child)
                self.walk(child)
            else:
                pieces: list[str] = []
                items: list | None = [] if self.layout is not None else None
                if tag == "br":
                    pieces.append(" ")
                    item: Inline | Skip = Skip(child, " ")
                else:
                    _inline_text(child, pieces, items)
                    item = Inline(child, items or [])
                run.add_inline(tag, pieces, self.line(child), item)
            if child.tail:
                run.add_bare(child.tail, self.line(child), Text(child, "tail"))
        self.flush(run, base)

    def flush(self, run: _Run, base: str) -> None:
        text = _clean("".join(run.pieces))
        if not text:
            return
        shown_date = parse_date(text)
        if shown_date:
            self.meta.add_date(shown_date)
            return
        hint: Hint = run.hint(base)
        self.blocks.append(Block(text, run.line, hint))
        if self.layout is not None:
            self.layout.places.append(RunPlace(run.items or []))
