"""Reader for text files: one non-blank line is one block, with the markdown bits news dumps use.

Recognised, on lines of at most :data:`SHORT_LINE` characters (so no pattern ever runs over a
huge line):

* image lines ``![alt](url)`` or a lone ``<img …>``: dropped; the next line may be a caption;
* rules ``------``: dropped; right under a line they make it a heading (markdown setext), which
  is how seed 001 marks its title;
* a whole-line link ``[text](url)``: its text is kept, the URL becomes the document's URL;
* ``# heading`` lines;
* metadata lines ``label: value`` whose value is a URL or a date, or whose label is a known
  metadata label (``发布时间:2026.01.28``, ``源地址:https://…``): lifted into document fields;
* an HTML comment line: an epoch inside it is a fallback date (seed 001's ``<!--1739276225000-->``).

The first line that opens an HTML tag hands the rest of the file to :mod:`toolkit.ingest.html`.
"""

from __future__ import annotations

import re

from toolkit.ingest.blocks import Block, Meta, epoch_date, parse_date
from toolkit.ingest.layout import Layout, LinePlace

SHORT_LINE = 300

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^()\s]+)\)")
_RULE = re.compile(r"(?:-[ ]?){3,}|(?:\*[ ]?){3,}|(?:_[ ]?){3,}|={3,}")
_ATX = re.compile(r"(#{1,6})[ \t]+([^#]+?)[ \t#]*")
_HTML_START = re.compile(r"<(?:\?xml\b|!doctype\b|[a-zA-Z][a-zA-Z0-9]*(?:[\s/>]|$))", re.IGNORECASE)
_LABELLED = re.compile(r"([^\s:：]{1,12}|[A-Za-z][A-Za-z .-]{0,24}?)\s*[:：]\s*(\S.*)")
_URL = re.compile(r"https?://\S+")
METADATA_LABELS = frozenset(
    """
    作者 记者 記者 来源 來源 出处 出處 编辑 編輯 责任编辑 責任編輯 原标题 原標題
    发布时间 發布時間 發佈時間 时间 時間 日期 源地址 原文地址 原文链接 原文鏈接 链接 鏈接 网址 網址
    author source url link date
    published updated autor quelle datum veröffentlicht aktualisiert stand
    """.split()  # noqa: SIM905 (word lists read best as text)
)


def read_plain(text: str, layout: Layout | None = None) -> tuple[list[Block], Meta]:
    """Blocks and metadata of a text file (``\\n`` line ends, any markup shape).

    With a ``layout``, where each block came from is recorded in it (:mod:`toolkit.ingest.layout`).
    """
    from toolkit.ingest.html import read_html  # lxml loads only for files that hold HTML

    blocks: list[Block] = []
    meta = Meta()
    after_image = False
    lines = text.split("\n")

    def place(index: int, block_text: str) -> None:
        if layout is not None:
            start = lines[index].find(block_text)
            layout.places.append(LinePlace(index, start, start + len(block_text)))

    for index, raw in enumerate(lines):
        line_no = index + 1
        line = raw.strip()
        if not line:
            continue
        if len(line) <= SHORT_LINE:
            if _IMAGE.fullmatch(line) or _is_image_tag(line):
                after_image = True
                continue
            if _RULE.fullmatch(line):
                _mark_setext(blocks, line_no)
                continue
            if line.startswith("<!--") and line.endswith("-->"):
                meta.fallback_date = meta.fallback_date or epoch_date(line[4:-3])
                continue
            if _take_metadata(line, meta):
                continue
            link = _LINK.fullmatch(line)
            if link:
                meta.add_url(link.group(2))
                hint = "title" if not blocks else None
                blocks.append(Block(link.group(1).strip(), line_no, hint))
                place(index, blocks[-1].text)
                after_image = False
                continue
            heading = _ATX.fullmatch(line)
            if heading:
                level_one = len(heading.group(1)) == 1
                hint = "title" if level_one and not blocks else "heading"
                blocks.append(Block(heading.group(2).strip(), line_no, hint))
                place(index, blocks[-1].text)
                after_image = False
                continue
        if _HTML_START.match(line):
            if layout is not None:
                layout.html_line = index
            html_blocks, html_meta = read_html("\n".join(lines[index:]), line_no, layout)
            blocks.extend(html_blocks)
            _merge(meta, html_meta)
            break
        blocks.append(Block(line, line_no, after_image=after_image))
        place(index, line)
        after_image = False
    return blocks, meta


def _is_image_tag(line: str) -> bool:
    return line[:4].lower() == "<img" and line.endswith(">") and line.count("<") == 1


def _mark_setext(blocks: list[Block], line_no: int) -> None:
    if blocks and blocks[-1].line == line_no - 1 and blocks[-1].hint in (None, "title"):
        previous = blocks[-1]
        hint = "title" if len(blocks) == 1 else "heading"
        blocks[-1] = Block(previous.text, previous.line, hint, previous.after_image)


def _take_metadata(line: str, meta: Meta) -> bool:
    """Lift a metadata line into ``meta``; False when the line is text."""
    whole_date = parse_date(line)
    if whole_date:
        meta.add_date(whole_date)
        return True
    match = _LABELLED.fullmatch(line)
    if match is None:
        return False
    label, value = match.group(1).strip().lower(), match.group(2).strip()
    if _URL.fullmatch(value):
        meta.add_url(value)
        return True
    value_date = parse_date(value)
    if value_date:
        meta.add_date(value_date)
        return True
    return label in METADATA_LABELS


def _merge(meta: Meta, other: Meta) -> None:
    meta.title = meta.title or other.title
    meta.fallback_date = meta.fallback_date or other.fallback_date
    if other.date:
        meta.add_date(other.date)
    if other.url:
        meta.add_url(other.url)
