"""Segment: documents → sentence :class:`~toolkit.models.Segment` records with exact offsets.

Segment ids read ``{doc}-p{paragraph:03d}-s{n:02d}`` (``003-p004-s02``): the paragraph index and
the sentence number inside it, both 1-based, so they stay the same from run to run as long as the
source and :data:`SEGMENTER_ID` do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from toolkit.models import Document, Segment

__all__ = ["SEGMENTER_ID", "iter_segments", "segment_document", "split_sentences"]

#: Name and version of the rules, for reproducibility signatures. Bump the version whenever a
#: change to the rules (toolkit/segment/rules.py, abbreviations.py) changes any output.
SEGMENTER_ID = "toolkit-rules/2"


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text`` in language ``lang`` (``zh``, ``de``, ``en``).

    Spans are in order, do not overlap, never cover only whitespace, and carry no surrounding
    whitespace. Runs in linear time in ``len(text)``.
    """
    from toolkit.segment.rules import split_spans

    return split_spans(text, lang)


def segment_id(doc: str, paragraph: int, number: int) -> str:
    """``003-p004-s02``: document, paragraph index, sentence number in the paragraph."""
    return f"{doc}-p{paragraph:03d}-s{number:02d}"


def segment_document(doc: Document) -> Iterator[Segment]:
    """The sentences of every translatable paragraph of ``doc`` (metadata paragraphs have none)."""
    from toolkit.chinese import to_hans

    for paragraph in doc.paragraphs:
        if paragraph.kind == "metadata":
            continue
        spans = split_sentences(paragraph.text, paragraph.lang)
        for number, (start, end) in enumerate(spans, 1):
            text = paragraph.text[start:end]
            yield Segment(
                id=segment_id(doc.id, paragraph.index, number),
                doc=doc.id,
                start=paragraph.start + start,
                end=paragraph.start + end,
                text=text,
                norm=to_hans(text) if paragraph.lang == "zh" else text,
                lang=paragraph.lang,
                script=paragraph.script,
                kind=paragraph.kind,
                paragraph=paragraph.index,
                line=paragraph.line,
            )


def iter_segments(paths: Iterable[Path | str]) -> Iterator[Segment]:
    """Ingest and segment files and folders, streaming one document at a time."""
    from toolkit.ingest import iter_documents

    for doc in iter_documents(paths):
        yield from segment_document(doc)
