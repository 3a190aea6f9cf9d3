"""Surface shapes the checks look for: URLs and e-mails, placeholders, paired punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]

# A URL ends at whitespace, at CJK text or punctuation, or at a quote or bracket around it.
_URL = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"'“”‘’„«»「」『』《》()（）\[\]{}、，。：；！？\u2e80-\u9fff]+"
)
_EMAIL = re.compile(r"(?a)\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_TRAILING = ".,;:!?"

# Bracket pairs MT post-processors and CAT tools wrap indices in: ASCII, full-width, CJK and the
# mathematical brackets (⟦1⟧ ⟨1⟩ ⦃1⦄ …).
_INDEX_BRACKETS = (
    "[]", "［］", "【】", "〔〕", "〖〗", "〘〙", "〚〛", "⟦⟧", "⟨⟩", "⟪⟫", "⟬⟭", "⟮⟯", "⦃⦄", "⦅⦆",
    "⦇⦈", "⦉⦊", "⦋⦌", "⦗⦘", "❨❩", "❪❫", "❬❭", "❮❯", "❰❱", "❲❳", "❴❵", "⁅⁆", "«»", "‹›",
    "〈〉", "《》", "〈〉", "<>", "{}", "｛｝", "＜＞",
)  # fmt: skip
_INDEX = r"\s*(?:[A-Za-z]{1,8}[_-]?)?\d{1,3}[A-Za-z]?\s*"
_BRACKETED = "|".join(
    f"{re.escape(opening)}{{1,2}}{_INDEX}{re.escape(closing)}{{1,2}}"
    for opening, closing in _INDEX_BRACKETS
)
# Round brackets around a bare number are list markers in news text, (1) (2): only an index
# with letters counts there, (T1) (x2).
_ROUND = r"[(（]\s*[A-Za-z]{1,8}[_-]?\d{1,3}\s*[)）]"

_PLACEHOLDERS = re.compile(
    "|".join(
        (
            r"\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}|\{\}",  # {name} {{name}} {}
            r"\$\{\w+\}",  # ${name}
            r"(?<![\d.,%])%(?:\(\w+\)|\d+\$)?[-+#0]*\d*(?:\.\d+)?[sdifxu@]\b",  # %s %(name)s %1$d
            r"#{2,}\s*\w+\s*#{2,}",  # ###T01### ###1###
            r"@{2,}\s*\w+\s*@{2,}",  # @@1@@
            r"\[\[[^\[\]\n]{0,40}\]\]",  # [[TOKEN_1]]
            r"</?(?:[A-Za-z]{1,3}\d+|x|g|bx|ex|ph|bpt|ept|it)\b[^<>]{0,40}?/?>",  # <x1/> <g2> </t3>
            r"__[A-Za-z]*\d+__",  # __T1__
            _BRACKETED,  # {0} {{1}} [1] ⟦T1⟧ 【2】 ⟨3⟩ …
            _ROUND,  # (T1)
            "[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]",  # private use
        )
    )
)


def links(text: str) -> list[tuple[int, int, str]]:
    """URLs and e-mail addresses in ``text``: (start, end, text), trailing punctuation left out."""
    found: list[tuple[int, int, str]] = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        found.append((start, end, text[start:end]))
    taken = [span[:2] for span in found]
    for match in _EMAIL.finditer(text):
        if not any(s <= match.start() < e for s, e in taken):
            found.append((match.start(), match.end(), match.group()))
    return sorted(found)


def placeholders(text: str) -> list[tuple[int, int, str]]:
    """Placeholder-like fragments: {0}, {{1}}, %s, %1$s, ###1###, [[x]], <t1>, __T1__, indices
    in brackets of any kind ([1], ⟦2⟧, 【3】, (T4)), private-use characters."""
    return [(m.start(), m.end(), m.group()) for m in _PLACEHOLDERS.finditer(text)]


def noise_spans(text: str) -> list[Span]:
    """Spans whose digits are no quantities: links and placeholders."""
    return [(start, end) for start, end, _ in (*links(text), *placeholders(text))]


# --- paired punctuation ---------------------------------------------------------------------

# Per class and language family: opener → the closers that end it. A character that can both
# close and open (German “, the straight ") closes when the innermost opener expects it.
_QUOTES_EN = {"“": "”", "「": "」", "『": "』", "«": "»", '"': '"'}
_QUOTES_DE = {"„": "“”", "»": "«", "«": "»", "“": "”", '"': '"'}
_PAIRS: dict[str, dict[str, str]] = {
    "brackets": {"(": ")）", "（": "）)", "[": "]", "【": "】"},
    "title marks": {"《": "》", "〈": "〉"},
}


@dataclass(frozen=True, slots=True)
class Unbalanced:
    """A quote or bracket without its partner: ``text[start:end] == char``."""

    kind: str  # "quotes", "brackets", "title marks"
    start: int
    end: int
    char: str
    opened: bool  # True: opened and never closed; False: closes nothing

    def describe(self) -> str:
        return (
            f"{self.char} opens and is never closed"
            if self.opened
            else f"{self.char} closes nothing"
        )


def _tables(lang: str) -> dict[str, dict[str, str]]:
    quotes = _QUOTES_DE if lang.startswith("de") else _QUOTES_EN
    return {"quotes": quotes, **_PAIRS}


_MARKS = re.compile(
    "["
    + re.escape(
        "".join(
            sorted(
                {
                    char
                    for table in (_QUOTES_EN, _QUOTES_DE, *_PAIRS.values())
                    for opener, closers in table.items()
                    for char in opener + closers
                }
            )
        )
    )
    + "]"
)


def unbalanced(text: str, lang: str) -> list[Unbalanced]:
    """Quotes and brackets of ``text`` (language tag ``lang``) that have no partner."""
    found: list[Unbalanced] = []
    marks = [(m.start(), m.group()) for m in _MARKS.finditer(text)]
    if not marks:
        return found
    for kind, pairs in _tables(lang).items():
        closers = {char for chars in pairs.values() for char in chars}
        stack: list[tuple[int, str]] = []
        for index, char in marks:
            if char not in pairs and char not in closers:
                continue
            if stack and char in pairs[stack[-1][1]]:
                stack.pop()
            elif char in pairs:
                stack.append((index, char))
            else:
                found.append(Unbalanced(kind, index, index + 1, char, False))
        found += [Unbalanced(kind, index, index + 1, char, True) for index, char in stack]
    return sorted(found, key=lambda item: item.start)


def unbalanced_kinds(text: str, lang: str) -> set[str]:
    """The classes (quotes, brackets, title marks) in which ``text`` is unbalanced."""
    return {item.kind for item in unbalanced(text, lang)}


# --- scripts and loops -----------------------------------------------------------------------

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")
# A piece of 1–12 characters holding a letter, repeated at least LOOP_TIMES times in a row.
LOOP_TIMES = 4
_LOOP = re.compile(
    r"(?P<piece>(?=[^\s\d]*[^\W\d_])\S.{0,11}?)(?:(?P=piece)){" + str(LOOP_TIMES - 1) + ",}"
)


def han_runs(text: str) -> list[tuple[int, int, str]]:
    """Runs of Chinese characters: (start, end, run)."""
    return [(m.start(), m.end(), m.group()) for m in _HAN_RUN.finditer(text)]


def loops(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, piece, times) of each piece repeated LOOP_TIMES or more times in a row
    ("鯈鯈鯈鯈", "會灾纶會灾纶會灾纶會灾纶", "very very very very ")."""
    found = []
    for match in _LOOP.finditer(text):
        piece = match.group("piece")
        if not piece.strip(" .…-—_=*·"):
            continue
        found.append((match.start(), match.end(), piece, len(match.group()) // len(piece)))
    return found
