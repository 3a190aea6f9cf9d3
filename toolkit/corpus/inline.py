"""Put a block's translation back into its HTML text nodes, inline markup kept around the words
it wrapped.

A block of HTML (a ``<p>``) reaches the pipeline as plain text; its inline elements (``<a>``,
``<span>``, ``<strong>``) carry part of that text. The translation is one string again, so each
inline element has to be given the target words it now wraps. In this order:

1. an element around a **glossary term** wraps that term's enforced rendering (``<span>乌克兰
   </span>`` → ``<span>Ukraine</span>``): the pipeline guarantees the rendering is there;
2. an element around text the translation repeats **verbatim** (names, numbers, Latin words in a
   Chinese source) wraps that text;
3. any other element wraps the target words at the **same relative position** between its
   neighbours, widened to whole words for Latin-script targets — an approximation a reviewer
   can see in the bilingual page.

Among several occurrences the one nearest the projected position wins, and every element stays in
its source order. Elements without text of their own (``<img>``, ``<br>``, comments) keep their
relative position. Tags, attributes and the order of every element are never changed; only text
nodes are rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from toolkit.ingest.layout import Inline, Skip, Text

# A letter or digit of a spaced script: Chinese characters are words of their own.
_WORD = re.compile(r"[^\W\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass
class _Atom:
    kind: str  # "text", "open", "close", "skip"
    item: Text | Inline | Skip
    start: int = 0  # boundary atoms: position in the collapsed source text
    target: int = 0  # boundary atoms: position in the target text


def _atoms(items: list, out: list[_Atom]) -> None:
    for item in items:
        if isinstance(item, Text):
            out.append(_Atom("text", item))
        elif isinstance(item, Inline):
            out.append(_Atom("open", item))
            _atoms(item.items, out)
            out.append(_Atom("close", item))
        else:
            out.append(_Atom("skip", item))


def _collapse(atoms: list[_Atom]) -> str:
    """The block text as the reader built it (whitespace collapsed); each boundary atom's
    ``start`` is its position in it."""
    chars: list[str] = []
    pending = False
    for atom in atoms:
        atom.start = len(chars)
        if atom.kind == "open" or atom.kind == "close":
            continue
        raw = atom.item.value if isinstance(atom.item, Text) else atom.item.width  # type: ignore[union-attr]
        for char in raw:
            if char.isspace():
                pending = bool(chars)
            else:
                if pending:
                    chars.append(" ")
                    pending = False
                chars.append(char)
    return "".join(chars)


Sentence = tuple[int, int, int, int]  # source start, end; target start, end (in the block)


def distribute(
    items: list,
    target: str,
    renderings: Mapping[str, str],
    spaced: bool,
    sentences: Sequence[Sentence] = (),
) -> None:
    """Rewrite the text nodes of one block's ``items`` so that they read ``target``.

    ``renderings`` maps a glossary term's source surface to its enforced target rendering;
    ``spaced`` is true for targets written with spaces between words (en, de); ``sentences``
    pairs each source sentence with its translation, so that an element is placed in the right
    sentence even where the translation reorders the paragraph.
    """
    atoms: list[_Atom] = []
    _atoms(items, atoms)
    texts = [atom for atom in atoms if atom.kind == "text"]
    if not texts:
        return
    source = _collapse(atoms)
    lead = _leading_space(texts[0].item.value)
    trail = _trailing_space(texts[-1].item.value)
    fixed = _anchors(source, target, renderings, sentences)
    _place_boundaries(atoms, source, target, renderings, spaced, fixed)
    position = 0
    for index, atom in enumerate(atoms):
        if atom.kind != "text":
            position = atom.target
            continue
        following = next((a.target for a in atoms[index + 1 :] if a.kind != "text"), len(target))
        piece = target[position:following]
        if atom is texts[0]:
            piece = lead + piece.lstrip() if lead else piece
        if atom is texts[-1]:
            piece = piece.rstrip() + trail if trail else piece
        setattr(atom.item.node, atom.item.attr, piece)  # type: ignore[union-attr]
        position = following


def _place_boundaries(
    atoms: list[_Atom],
    source: str,
    target: str,
    renderings: Mapping[str, str],
    spaced: bool,
    fixed: list[tuple[int, int]],
) -> None:
    """Target positions of the boundary atoms (element opens, closes, skips), in order;
    ``fixed`` holds the known (source, target) points."""
    opens = {id(atom.item): atom for atom in atoms if atom.kind == "open"}
    closes = {id(atom.item): atom for atom in atoms if atom.kind == "close"}
    floor = 0  # where the next element may start: after its previous sibling, inside its parent
    enclosing: list[int] = [len(target)]  # where the open elements end
    for atom in atoms:
        if atom.kind == "close":
            floor = atom.target
            enclosing.pop()
            continue
        if atom.kind != "open":
            continue
        close = closes[id(atom.item)]
        start, end = atom.start, close.start
        ceiling = enclosing[-1]
        text = source[start:end].strip()
        span = _aligned(text, target, renderings, floor, ceiling, fixed, start, end)
        if span is None:
            span = _snap(target, _project(start, fixed), _project(end, fixed), spaced)
        begin = min(max(span[0], floor), ceiling)
        finish = min(max(span[1], begin), ceiling)
        atom.target, close.target = begin, finish
        fixed.extend([(start, begin), (end, finish)])
        fixed.sort()
        floor = begin
        enclosing.append(finish)
    last = 0
    for atom in atoms:
        if atom.kind == "skip":
            atom.target = _snap(target, _project(atom.start, fixed), None, spaced)[0]
        if atom.kind != "text":
            # Elements never cross: each boundary at or after the previous one.
            atom.target = max(atom.target, last)
            if atom.kind == "close":
                opened = opens[id(atom.item)].target
                atom.target = max(atom.target, opened)
            last = atom.target
    # Only text nodes hold text: boundaries with no text node between them meet at one place
    # (the block's start or end at its edges), so no target text falls between them.
    group: list[_Atom] = []
    seen_text = False
    for atom in [*atoms, None]:
        if atom is not None and atom.kind != "text":
            group.append(atom)
            continue
        if group:
            place = group[0].target if seen_text else 0
            if atom is None:
                place = len(target)
            for boundary in group:
                boundary.target = place
            group = []
        seen_text = True


def _anchors(
    source: str, target: str, renderings: Mapping[str, str], sentences: Sequence[Sentence]
) -> list[tuple[int, int]]:
    """Fixed (source, target) points: the ends of the block and of each sentence, and both
    edges of every glossary term whose rendering occurs as often in the sentence's translation
    as the term in the sentence (the i-th with the i-th), kept where they do not cross."""
    points = [(0, 0), (len(source), len(target))]
    for s_start, s_end, t_start, t_end in sentences or [(0, len(source), 0, len(target))]:
        points += [(s_start, t_start), (s_end, t_end)]
        said, written = source[s_start:s_end], target[t_start:t_end].casefold()
        for surface, rendering in renderings.items():
            if not surface or not rendering:
                continue
            ours = [m.start() for m in re.finditer(re.escape(surface), said)]
            theirs = [m.start() for m in re.finditer(re.escape(rendering.casefold()), written)]
            if ours and len(ours) == len(theirs):
                for a, b in zip(ours, theirs, strict=True):
                    points.append((s_start + a, t_start + b))
                    points.append((s_start + a + len(surface), t_start + b + len(rendering)))
    points.sort()
    kept: list[tuple[int, int]] = []
    for point in points:
        if not kept or point[1] >= kept[-1][1]:
            kept.append(point)
    return kept


def _aligned(
    text: str,
    target: str,
    renderings: Mapping[str, str],
    low: int,
    high: int,
    fixed: list[tuple[int, int]],
    start: int,
    end: int,
) -> tuple[int, int] | None:
    """The target span of an element's text: its term's rendering, or the text itself."""
    if not text:
        return None
    wanted = _project((start + end) // 2, fixed)
    for needle in (renderings.get(text), text):
        if not needle:
            continue
        found = [
            match.start()
            for match in re.finditer(re.escape(needle.casefold()), target.casefold())
            if match.start() >= low and match.end() <= high
        ]
        if found:
            best = min(found, key=lambda at: abs(at + len(needle) // 2 - wanted))
            return best, best + len(needle)
    return None


def _project(position: int, fixed: list[tuple[int, int]]) -> int:
    """Linear interpolation between the surrounding fixed (source, target) points."""
    before = max((point for point in fixed if point[0] <= position), default=(0, 0))
    after = min((point for point in fixed if point[0] >= position), default=before)
    if after[0] == before[0]:
        return before[1]
    share = (position - before[0]) / (after[0] - before[0])
    return round(before[1] + share * (after[1] - before[1]))


def _snap(target: str, start: int, end: int | None, spaced: bool) -> tuple[int, int]:
    """Widen start:end to whole words of a spaced target (no-op for Chinese)."""
    start = max(0, min(start, len(target)))
    end = start if end is None else max(start, min(end, len(target)))
    if not spaced:
        return start, end
    while 0 < start < len(target) and _WORD.match(target[start - 1]) and _WORD.match(target[start]):
        start -= 1
    while 0 < end < len(target) and _WORD.match(target[end - 1]) and _WORD.match(target[end]):
        end += 1
    if end > start and not _WORD.search(target, start, end):
        # Punctuation alone would be an invisible link: take the word before it as well.
        while start > 0 and not _WORD.match(target[start - 1]):
            start -= 1
        while start > 0 and _WORD.match(target[start - 1]):
            start -= 1
    return start, end


def _leading_space(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing_space(text: str) -> str:
    return text[len(text.rstrip()) :]
