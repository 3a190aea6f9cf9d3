"""Sentence boundaries for zh, de and en, as ``(start, end)`` spans of the input text.

The rules run in linear time, so a 50 MB single-line file is no harder than a short article:

1. A hard break (line end, paragraph separator) always ends a sentence; each line is handled alone.
2. Quote and bracket pairs are matched with a small stack (``„…“``, ``»…«``, ``«…»``, ``“…”``,
   ``「…」``, ``《…》``, ``(…)`` …). A terminal inside a matched pair does not end a sentence: a
   quotation of several sentences stays one unit with the words that introduce it, and a book
   title such as 《摔跤吧！爸爸》 is never cut. Pairs longer than :data:`MAX_QUOTE_SPAN` are
   ignored, so one stray quote mark cannot glue a whole article into one sentence.
3. Every run of terminal punctuation, with the closing quotes, brackets and footnote marks after
   it, is a candidate boundary; the language's rules accept or reject it (abbreviations, ordinal
   numbers, ``ein(!) Satz``, a transliterated name joined by an ASCII dot …).
4. A sentence longer than :data:`MAX_SENTENCE` characters (text without punctuation) is cut at the
   last space or clause mark before the limit, so nothing downstream receives a 50 MB "sentence".

Only regular expressions made of single character classes are used (no nested quantifiers), and
every look-around is bounded, so there is no backtracking blow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.segment import abbreviations

#: A pair of quotes or brackets further apart than this does not protect what is inside it.
MAX_QUOTE_SPAN = 600
#: Longer sentences are cut at a space or clause mark (pathological input only).
MAX_SENTENCE = 2000
_MAX_STACK = 32

_HARD_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINES = re.compile(f"[^{_HARD_BREAKS}]+")
_NON_SPACE = re.compile(r"\S")

# Opening mark → the marks that close it. », « and " open or close depending on what is open.
_CLOSERS_OF: dict[str, str] = {
    "„": "“”",
    "‚": "‘’",
    "“": "”",
    "‘": "’",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
    '"': '"',
    "「": "」",
    "『": "』",
    "《": "》",
    "〈": "〉",
    "【": "】",
    "〔": "〕",
    "(": ")）",
    "（": "）)",
    "[": "]",
}
_OPENERS = frozenset(_CLOSERS_OF)
_SHIELDING = frozenset("《〈【〔(（[")
_CLOSERS = frozenset("".join(_CLOSERS_OF.values()))
_PAIR_MARKS = re.compile("[" + re.escape("".join(sorted(_OPENERS | _CLOSERS))) + "]")
# Marks that may follow a terminal and still belong to its sentence.
_TRAILING = _CLOSERS | frozenset("¹²³⁴⁵⁶⁷⁸⁹⁰")
_QUOTE_CLOSERS = frozenset('“”’»«›‹"」』')
# A “ right after these closes an open “ (a common typo for ” in zh-Hant sources, seed 002).
_BEFORE_TYPO_CLOSER = frozenset("。！？!?.…,，、")
# After a closing quote these mean the sentence goes on: “…！”，他说 / „Geh!“, sagte sie.
_CONTINUATION = frozenset(",，、;；:：")
_LEADING_MARKS = "\"'„“”‚‘’»«‹›([{（【「『《-–—"
_ORDINAL = re.compile(r"\d{1,3}|\d{1,2}\.\d{1,2}")
_DOTTED_INITIALS = re.compile(r"[^\W\d_]{1,3}(?:\.[^\W\d_]{1,3})+")
_LAST_WORD = re.compile(r"\S++$")  # searched with endpos: the word ending there
_SOFT_BREAK = re.compile(r"[\s,，、;；:：]")


@dataclass(frozen=True)
class _Rules:
    lang: str
    terminals: frozenset[str]
    run: re.Pattern[str]
    abbreviations: frozenset[str]
    ordinals: bool  # German: "am 17. Juni", "im 13. Jahrhundert"


def _rules(lang: str, terminals: str, abbreviations_: frozenset[str], ordinals: bool) -> _Rules:
    return _Rules(
        lang=lang,
        terminals=frozenset(terminals),
        run=re.compile("[" + re.escape(terminals) + "]+"),
        abbreviations=abbreviations_,
        ordinals=ordinals,
    )


_ZH = _rules("zh", "。！？｡!?…．.", abbreviations.ENGLISH, ordinals=False)
_DE = _rules("de", ".!?…", abbreviations.GERMAN, ordinals=True)
_EN = _rules("en", ".!?…", abbreviations.ENGLISH, ordinals=False)


def rules_for(lang: str) -> _Rules:
    """The rule set of a language code or tag (``zh-Hant`` → zh); unknown → English rules."""
    base = lang.split("-")[0].lower()
    return {"zh": _ZH, "de": _DE}.get(base, _EN)


def split_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: stripped of surrounding whitespace, never empty, in order."""
    rules = rules_for(lang)
    spans: list[tuple[int, int]] = []
    for line in _LINES.finditer(text):
        start = line.start()
        for cut in (*_boundaries(text, line.start(), line.end(), rules), line.end()):
            _emit(text, start, cut, spans)
            start = cut
    return spans


def _match_pairs(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Positions (opening, closing) of matched quote and bracket pairs in ``text[lo:hi]``."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for match in _PAIR_MARKS.finditer(text, lo, hi):
        mark, pos = match.group(), match.start()
        if stack and pos - stack[0][1] > MAX_QUOTE_SPAN:
            stack = [entry for entry in stack if pos - entry[1] <= MAX_QUOTE_SPAN]
        if mark in _CLOSERS:
            depth = _opener_depth(stack, mark, text, pos)
            if depth is not None:
                pairs.append((stack[depth][1], pos))
                del stack[depth:]
                continue
        if mark in _OPENERS:
            stack.append((mark, pos))
            if len(stack) > _MAX_STACK:
                del stack[0]
    return pairs


def _opener_depth(stack: list[tuple[str, int]], mark: str, text: str, pos: int) -> int | None:
    if not stack:
        return None
    top = len(stack) - 1
    if mark == "“" and stack[top][0] == "“" and text[pos - 1] in _BEFORE_TYPO_CLOSER:
        return top
    for depth in range(top, -1, -1):
        if mark in _CLOSERS_OF[stack[depth][0]]:
            return depth
    return None


def _outermost(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # Stack matching never yields crossing pairs: after sorting, a pair that starts inside the
    # previous outer pair is nested in it.
    outer: list[tuple[int, int]] = []
    for pair in sorted(pairs):
        if not outer or pair[0] > outer[-1][1]:
            outer.append(pair)
    return outer


def _boundaries(text: str, lo: int, hi: int, rules: _Rules) -> list[int]:
    pairs = _match_pairs(text, lo, hi)
    # Titles and brackets hold their sentence together; quotations do not: a quote of two
    # sentences is two sentences (as the SRX rules and the news do it).
    shields = _outermost([pair for pair in pairs if text[pair[0]] in _SHIELDING])
    opening = {start for start, _ in pairs}
    cuts: list[int] = []
    shield = 0
    run_end = lo
    for match in rules.run.finditer(text, lo, hi):
        start = match.start()
        if start < run_end:  # already part of the previous extended run
            continue
        end = match.end()
        while end < hi and (
            text[end] in rules.terminals or (text[end] in _TRAILING and end not in opening)
        ):
            end += 1
        run_end = end
        last = end - 1
        while shield < len(shields) and shields[shield][1] < last:
            shield += 1
        if shield < len(shields) and shields[shield][0] < last < shields[shield][1]:
            continue  # inside a quotation or a title: the quote goes on
        accept = _accept_zh if rules.lang == "zh" else _accept_latin
        if accept(text, start, match.end(), end, lo, hi, rules):
            cuts.append(end)
    return cuts


def _accept_zh(
    text: str, start: int, run_end: int, end: int, lo: int, hi: int, rules: _Rules
) -> bool:
    run = text[start:run_end]
    following = text[end] if end < hi else ""
    if following in _CONTINUATION:
        return False
    if run.strip(".．"):  # 。！？… (full or half width)
        return True
    # An ASCII or full-width dot ends a sentence only before a space or the end of the line:
    # 伊沃.达尔德 (a transliterated name), 12.8, 2026.01.28 and URLs stay whole.
    if following and not following.isspace():
        return False
    word = _word_before(text, start, lo)
    return not _is_abbreviation(word, rules)


def _accept_latin(
    text: str, start: int, run_end: int, end: int, lo: int, hi: int, rules: _Rules
) -> bool:
    if end < hi and not text[end].isspace():
        return False  # 3.5, u.a., EMail.Adresse@example.com, „Geh!“, sagte sie
    if start > lo and text[start - 1] in "([":
        return False  # ein(!) Satz, ein(???) Satz
    following = _NON_SPACE.search(text, end, hi)
    if following is None:
        return True
    next_char = following.group()
    if next_char in _CONTINUATION or next_char in ")]}":
        return False  # ,,Wann kommst du?” ,,Das … (a quote made of two commas)
    run = text[start:run_end]
    if "!" in run or "?" in run:
        # »Nun also, wie ist's?« fragte er — a closing quote ends the question's sentence.
        return not next_char.islower() or text[end - 1] in _QUOTE_CLOSERS
    if not run.strip("…") and (start == lo or text[start - 1].isspace()):
        return False  # a detached ellipsis marks an omission: „nach der K … brücke“
    if next_char.islower():
        return False
    if run == ".":
        word = _word_before(text, start, lo)
        if _is_abbreviation(word, rules):
            return False
        if next_char.isdigit() and word.lower() in abbreviations.BEFORE_NUMBERS:
            return False  # Art. 5 GG, No. 10
        if rules.ordinals and _ORDINAL.fullmatch(word):
            return False  # am 17. Juni, im 13. Jahrhundert, 1. Bundesliga
    return True


def _word_before(text: str, pos: int, lo: int) -> str:
    match = _LAST_WORD.search(text, max(lo, pos - 40), pos)
    return match.group().lstrip(_LEADING_MARKS) if match else ""


def _is_abbreviation(word: str, rules: _Rules) -> bool:
    if not word:
        return False
    if len(word) == 1:
        return word.isalpha()  # initials and single-letter forms: S. 225, z. B., u. Ä.
    return word.lower() in rules.abbreviations or _DOTTED_INITIALS.fullmatch(word) is not None


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return
    start = first.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = _soft_cut(text, start, start + MAX_SENTENCE)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        resume = _NON_SPACE.search(text, cut, end)
        if resume is None:
            return
        start = resume.start()
    spans.append((start, end))


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Position after the last space or clause mark in the second half of ``text[start:limit]``."""
    cut = limit
    for match in _SOFT_BREAK.finditer(text, start + MAX_SENTENCE // 2, limit):
        cut = match.end()
    return cut
