"""Blocks → :class:`Document`: kinds, languages and scripts per paragraph, and the cleaned text.

Kind rules, first match wins (each one is exercised by a seed, see tests/test_ingest.py):

1. **notice** — the text opens with ``©`` or a notice label and a colon: ``特別聲明:…`` and
   ``Notice: The content above…`` (seed 002), ``© 2025年德国之声版权声明…`` (seed 001).
2. **markup** — what the HTML or markdown says (``<h2>``, ``<p><strong>…</strong></p>``,
   ``<small>`` captions, a markdown link title underlined with ``------``).
3. **caption** — the line right after an image line that does not end like a sentence (seed 002:
   "…接受媒體采訪" after ``![]()`` is a caption; "…便于進行靈活交易。" after one is body text).
4. **title** — the first line, when it is not punctuated as a sentence and more text follows: a
   headline has no full stop. Seed 002's first line (ending in a quoted phrase) is its title; seed
   000's first line ends in "。" — a lead sentence, not a headline, so seed 000 has no title.
5. **heading** — ALL-CAPS lines (seed 003), a short Chinese line "label：question？" with no other
   sentence in it (seed 002's "美國策略:推動…架空多邊協調?"), or any short line without final
   punctuation between two paragraphs (a subheading in a plain-text dump).
6. **body** — everything else.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from toolkit.chinese import is_han
from toolkit.ingest import detect
from toolkit.ingest.blocks import Block, Meta
from toolkit.models import Document, Paragraph

PARAGRAPH_SEPARATOR = "\n\n"
HEADLINE_MAX = 150
SHORT_HEADING_HAN = 25
SHORT_HEADING_WORDS = 8
QUESTION_HEADING_MAX = 40

_ENDS_SENTENCE = re.compile(r"[.!?。！？…｡][\"'”’“」』）)\]»«›‹]*")
_TERMINAL = re.compile(r"[.!?。！？…｡]")
_NOTICE_LABELS = frozenset(
    """特别声明 特別聲明 免责声明 免責聲明 版权声明 版權聲明 声明 聲明 notice disclaimer copyright
    hinweis haftungsausschluss urheberrecht""".split()  # noqa: SIM905 (word lists read best as text)
)
_NOTICE_OPENINGS = ("©", "(c) ", "(C) ", "Copyright ", "版权所有", "版權所有")


def build_document(doc_id: str, path: Path, blocks: list[Block], meta: Meta) -> Document:
    """Assemble the cleaned text and its paragraphs from a reader's blocks."""
    kinds = _kinds(blocks)
    langs = _languages(blocks)
    scripts = _scripts(blocks, langs)
    paragraphs: list[Paragraph] = []
    pieces: list[str] = []
    offset = 0
    for index, block in enumerate(blocks):
        if pieces:
            pieces.append(PARAGRAPH_SEPARATOR)
            offset += len(PARAGRAPH_SEPARATOR)
        pieces.append(block.text)
        paragraphs.append(
            Paragraph(
                index=index + 1,
                start=offset,
                end=offset + len(block.text),
                text=block.text,
                kind=kinds[index],  # type: ignore[arg-type]
                lang=langs[index],  # type: ignore[arg-type]
                script=scripts[index],  # type: ignore[arg-type]
                line=block.line,
            )
        )
        offset += len(block.text)
    title = next((p.text for p in paragraphs if p.kind == "title"), meta.title)
    return Document(
        id=doc_id,
        path=str(path),
        text="".join(pieces),
        paragraphs=tuple(paragraphs),
        title=title,
        date=meta.date or meta.fallback_date,
        url=meta.url,
    )


def ends_like_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence punctuation, closing quotes and brackets allowed."""
    tail = text[-12:]
    return any(match.end() == len(tail) for match in _ENDS_SENTENCE.finditer(tail))


def is_notice(text: str) -> bool:
    if text.startswith(_NOTICE_OPENINGS):
        return True
    head = text[:24]
    cut = min((i for i in (head.find(":"), head.find("：")) if i > 0), default=-1)
    return cut > 0 and head[:cut].strip().lower() in _NOTICE_LABELS


def _kinds(blocks: list[Block]) -> list[str]:
    kinds: list[str] = []
    has_title = False
    last = len(blocks) - 1
    for index, block in enumerate(blocks):
        text = block.text
        if is_notice(text):
            kind = "notice"
        elif block.hint is not None:
            kind = block.hint
        elif block.after_image and not ends_like_sentence(text):
            kind = "caption"
        elif index == 0 and index < last and _is_headline(text):
            kind = "title"
        elif _is_heading(text, is_last=index == last):
            kind = "heading"
        else:
            kind = "body"
        if kind == "title":
            kind = "heading" if has_title else "title"
            has_title = True
        kinds.append(kind)
    return kinds


def _is_headline(text: str) -> bool:
    return len(text) <= HEADLINE_MAX and not ends_like_sentence(text)


def _is_heading(text: str, *, is_last: bool) -> bool:
    if ends_like_sentence(text):
        return _is_question_heading(text)
    cased = [char for char in text[:200] if char.isupper() or char.islower()]
    if len(cased) >= 4 and not any(char.islower() for char in cased) and len(text) <= 200:
        return True  # KEINE KLARHEIT DARÜBER, WIE DIE USA …
    if is_last or text[-1] in ",，、;；:：" or "://" in text:
        return False
    if text[0] in "(（[【" and text[-1] in ")）]】":
        return False  # a byline or credit: (路透社等)
    han = sum(1 for char in text[: SHORT_HEADING_HAN + 1] if is_han(char))
    if han:
        return len(text) <= SHORT_HEADING_HAN
    return len(text) <= 80 and len(text.split()) <= SHORT_HEADING_WORDS


def _is_question_heading(text: str) -> bool:
    if len(text) > QUESTION_HEADING_MAX or text[-1] not in "?？":
        return False
    head = text[: len(text) // 2 + 1]
    labelled = ":" in head or "：" in head
    return labelled and _TERMINAL.search(text, 0, len(text) - 1) is None


def _languages(blocks: list[Block]) -> list[str]:
    found = [detect.language(block.text) for block in blocks]
    weight: Counter[str] = Counter()
    for block, lang in zip(blocks, found, strict=True):
        if lang:
            weight[lang] += min(len(block.text), detect.SAMPLE_CHARS)
    majority = weight.most_common(1)[0][0] if weight else "en"
    # A Latin paragraph without telling words inside a Chinese document is most likely English.
    latin_default = majority if majority != "zh" else "en"
    langs: list[str] = []
    for block, lang in zip(blocks, found, strict=True):
        if lang is None:
            has_letters = any(char.isalpha() for char in block.text[:200])
            lang = latin_default if has_letters else majority
        langs.append(lang)
    return langs


def _scripts(blocks: list[Block], langs: list[str]) -> list[str]:
    shares = {
        index: detect.han_share(block.text)
        for index, block in enumerate(blocks)
        if langs[index] == "zh"
    }
    majority = detect.majority_script(list(shares.values()))
    return [
        (detect.script(shares[index]) or majority) if index in shares else "Latn"
        for index in range(len(blocks))
    ]
