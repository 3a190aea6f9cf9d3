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


def read_html(markup: str, first_line: int = 1) -> tuple[list[Block], Meta]:
    """Blocks and metadata of ``markup``, whose first line is line ``first_line`` of the file."""
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
            meta.title = _clean(page.findtext(".//title") or "") or None
            root = page.find("body")
            if root is None:
                return [], meta
        else:
            root = lxml.html.fragment_fromstring(data, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):  # nothing but whitespace or comments
        return [], meta
    walker = _Walker(first_line, meta)
    walker.walk(root)
    return walker.blocks, meta


def _clean(text: str) -> str:
    return " ".join(text.split())


def _inline_text(element, out: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS:
        return  # comments, processing instructions, images: their tail is the caller's
    if tag == "br":
        out.append(" ")
        return
    if element.text:
        out.append(element.text)
    for child in element:
        _inline_text(child, out)
        if child.tail:
            out.append(child.tail)


def _holds_block(element) -> bool:
    return any(
        isinstance(node.tag, str) and node.tag in BLOCK_TAGS for node in element.iterdescendants()
    )


class _Run:
    """Inline text gathered for one block, and which inline elements carried it."""

    def __init__(self, line: int) -> None:
        self.pieces: list[str] = []
        self.wrappers: set[str] = set()
        self.bare = False  # text directly in the block, outside any inline element
        self.line = line  # where its first visible text is
        self.started = False

    def add_bare(self, text: str, line: int) -> None:
        if text.strip():
            self.bare = True
            self._start(line)
        self.pieces.append(text)

    def add_inline(self, tag: str, pieces: list[str], line: int) -> None:
        if "".join(pieces).strip():
            self.wrappers.add(tag)
            self._start(line)
        self.pieces.extend(pieces)

    def _start(self, line: int) -> None:
        if not self.started:
            self.line, self.started = line, True

    def hint(self, base: str) -> str:
        if base == "body" and not self.bare and len(self.wrappers) == 1:
            return _WRAPPER_HINTS.get(next(iter(self.wrappers)), base)
        return base


class _Walker:
    def __init__(self, first_line: int, meta: Meta) -> None:
        self.offset = first_line - 1
        self.meta = meta
        self.blocks: list[Block] = []

    def line(self, element) -> int:
        return (element.sourceline or 1) + self.offset

    def walk(self, element) -> None:
        base = _TAG_HINTS.get(element.tag, "body")
        run = _Run(self.line(element))
        if element.text:
            run.add_bare(element.text, self.line(element))
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag not in SKIP_TAGS:
                if tag in BLOCK_TAGS or _holds_block(child):
                    self.flush(run, base)
                    run = _Run(self.line(child))
                    self.walk(child)
                else:
                    pieces: list[str] = []
                    _inline_text(child, pieces)
                    run.add_inline(tag, pieces, self.line(child))
            if child.tail:
                run.add_bare(child.tail, self.line(child))
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
