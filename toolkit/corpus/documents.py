"""Translated documents in the source's own shape: ``<doc>.<target>.<ext>``.

The pipeline translates sentences; a reader wants the article. The writer reads the source file
again (recording where every paragraph came from, :mod:`toolkit.ingest.layout`), joins each
paragraph's sentence translations and puts the result where the paragraph was:

* **text and markdown** — the line keeps its markup (``# ``, ``[…](url)``); blank lines, rules,
  image lines, comments and metadata lines (publication time, source URL) stay as they are;
* **HTML** (a fragment such as seed 001's, or a page) — every tag and attribute stays, in order;
  only text nodes are rewritten, inline markup kept around its words (:mod:`toolkit.corpus.inline`).

A paragraph already in the target language (an English notice in an English translation) stays
exactly as written. Sentences are joined as in the source, with a space between sentences of a
spaced target where the source (Chinese) had none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import CatalogError
from toolkit.models import Document, Unit

if TYPE_CHECKING:
    from toolkit.ingest.layout import Layout


@dataclass(frozen=True)
class ParagraphTranslation:
    text: str
    renderings: dict[str, str]  # source surface of a glossary term → its target rendering
    # (source start, end, target start, end) of each sentence, in the paragraph
    sentences: tuple[tuple[int, int, int, int], ...] = ()


def spaced(target: str) -> bool:
    """Whether the target language writes spaces between words and sentences."""
    return not target.startswith("zh")


def paragraph_translations(
    document: Document, units: Mapping[str, Unit], target: str
) -> dict[int, ParagraphTranslation]:
    """Paragraph index → its translation, for every paragraph that is translated.

    Raises :class:`CatalogError` when a sentence of the document has no unit.
    """
    from toolkit.segment import segment_document

    by_paragraph: dict[int, list] = {}
    for segment in segment_document(document):
        by_paragraph.setdefault(segment.paragraph, []).append(segment)
    out: dict[int, ParagraphTranslation] = {}
    for paragraph in document.paragraphs:
        segments = by_paragraph.get(paragraph.index)
        if not segments or paragraph.tag == target:
            continue
        pieces: list[str] = []
        renderings: dict[str, str] = {}
        sentences: list[tuple[int, int, int, int]] = []
        position = paragraph.start
        for segment in segments:
            unit = units.get(segment.id)
            if unit is None:
                raise CatalogError(
                    f"no translation of segment {segment.id}",
                    path=document.path,
                    line=segment.line,
                    hint="translate the document again",
                )
            gap = document.text[position : segment.start]
            if pieces:
                if gap.strip():
                    pieces.append(gap)
                elif gap or spaced(target):
                    pieces.append(" " if spaced(target) else "")
            elif gap.strip():
                pieces.append(gap)
            written = sum(map(len, pieces))
            sentences.append(
                (
                    segment.start - paragraph.start,
                    segment.end - paragraph.start,
                    written,
                    written + len(unit.target),
                )
            )
            pieces.append(unit.target)
            renderings.update((term.surface, term.target_term) for term in unit.terms)
            position = segment.end
        out[paragraph.index] = ParagraphTranslation("".join(pieces), renderings, tuple(sentences))
    return out


def translated_document(path: Path | str, units: Iterable[Unit], target: str) -> str:
    """The text of ``path`` with every translated paragraph in its place."""
    from toolkit.ingest import read_layout

    document, layout, text = read_layout(Path(path))
    return render_translation(document, layout, text, units, target)


def layout_of_text(
    text: str, doc_id: str = "doc", path: Path | str = "<text>"
) -> tuple[Document, Layout, str]:
    """:func:`toolkit.ingest.read_layout` for text held in memory (an upload, an API request):
    the document, where each paragraph came from, and the text as the reader saw it."""
    from toolkit.ingest.decode import normalize_text
    from toolkit.ingest.document import build_document
    from toolkit.ingest.layout import Layout
    from toolkit.ingest.plain import read_plain

    text = normalize_text(text.removeprefix("\ufeff"))
    layout = Layout()
    blocks, meta = read_plain(text, layout)
    return build_document(doc_id, Path(path), blocks, meta), layout, text


def translated_text(text: str, units: Iterable[Unit], target: str, doc_id: str = "doc") -> str:
    """:func:`translated_document` for text held in memory; ``units`` are those of the
    document :func:`layout_of_text` (or :func:`toolkit.ingest.document_from_text`) reads with
    the same ``doc_id``."""
    document, layout, normalized = layout_of_text(text, doc_id)
    return render_translation(document, layout, normalized, units, target)


def render_translation(
    document: Document, layout: Layout, text: str, units: Iterable[Unit], target: str
) -> str:
    """Write the translation of a document read with its ``layout`` from ``text``.

    The layout's HTML tree is rewritten in place, so a layout serves one rendering only.
    """
    from toolkit.ingest.layout import LinePlace

    by_id = {unit.id: unit for unit in units if unit.doc == document.id}
    translations = paragraph_translations(document, by_id, target)
    lines = text.split("\n")
    for paragraph, place in zip(document.paragraphs, layout.places, strict=True):
        done = translations.get(paragraph.index)
        if done is None:
            continue
        if isinstance(place, LinePlace):
            line = lines[place.line]
            lines[place.line] = line[: place.start] + done.text + line[place.end :]
        else:
            from toolkit.corpus.inline import distribute

            distribute(place.items, done.text, done.renderings, spaced(target), done.sentences)
    if layout.html_line is None:
        return "\n".join(lines)
    head = "".join(line + "\n" for line in lines[: layout.html_line])
    return head + _serialise(layout)


def _serialise(layout) -> str:
    root = layout.html_root
    if layout.html_page:
        doctype = root.getroottree().docinfo.doctype
        return (doctype + "\n" if doctype else "") + "".join(_markup(root)) + "\n"
    return (root.text or "") + "".join(piece for child in root for piece in _markup(child, True))


# The HTML serialisers of libxml2 percent-encode non-ASCII characters in href and src
# attributes, which would change attributes the writer promises to keep: this one writes each
# node back as parsed, escaping only what HTML requires.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())  # noqa: SIM905
_RAW_TEXT = frozenset(("script", "style"))


def _markup(node, tail: bool = False):
    from html import escape

    from lxml import etree

    tag = node.tag
    if tag is etree.Comment:
        yield f"<!--{node.text or ''}-->"
    elif not isinstance(tag, str):  # processing instructions, entities: as libxml2 writes them
        yield etree.tostring(node, encoding="unicode", with_tail=False)
    else:
        attributes = "".join(
            f' {name}="{escape(value, quote=True)}"' for name, value in node.attrib.items()
        )
        yield f"<{tag}{attributes}>"
        if tag not in _VOID:
            text = node.text or ""
            yield text if tag in _RAW_TEXT else escape(text, quote=False)
            for child in node:
                yield from _markup(child, True)
            yield f"</{tag}>"
    if tail and node.tail:
        yield escape(node.tail, quote=False)


def output_name(document: Document, target: str) -> str:
    """``<doc>.<target>.<ext>``: 000.en.txt for seeds/000_1af9….txt."""
    suffix = Path(document.path).suffix or ".txt"
    return f"{document.id}.{target}{suffix}"


def write_documents(
    folder: Path, documents: Iterable[Document], units: Iterable[Unit], target: str
) -> list[Path]:
    """Write each document's translation into ``folder`` (atomically); the paths written."""
    from toolkit.files import atomic_writer

    units = list(units)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogError(
            f"cannot create the output folder ({exc.strerror})", path=folder
        ) from None
    written = []
    for document in documents:
        text = translated_document(document.path, units, target)
        path = folder / output_name(document, target)
        with atomic_writer(path) as handle:
            handle.write(text)
        written.append(path)
    return written
