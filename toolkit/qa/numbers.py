"""Numbers in a sentence, normalised so that a source and its translation can be compared.

:func:`extract` finds the quantities a sentence states and gives each a comparable key;
:func:`compare` pairs the quantities of a source with those of its translation and returns what
is left over on either side.

What is understood
------------------
* Digits with each language's separators: ``1,000.5`` and ``12.8`` (en, zh), ``1.000,5`` and
  ``3,5`` (de), thin or no-break spaces between groups (``1 000``). Digits glued to Latin letters
  are identifiers, not numbers (``G7``, ``5G``, ``A400M``), except ordinal suffixes (``3rd``),
  scale suffixes (``$5bn``, ``€3m``) and units (``5km``).
* Scales: ``万 亿 万亿 千`` after digits or in Chinese numerals (12.8万 = 128,000;
  1050亿 = 105 billion; 1万亿 = 1 trillion); ``thousand million billion trillion bn tn``;
  ``Tausend Million(en) Mio. Milliarde(n) Mrd. Billion(en) Bio.`` (German *Billion* is 10¹²).
* Percentages: ``5%``, ``5 %``, ``5％``, ``百分之五``, ``5 percent``/``per cent``, ``5 Prozent``,
  and percentage points (``个百分点``, ``percentage points``, ``Prozentpunkte``) alike.
* Fractions: ``三分之二``, ``two-thirds``, ``zwei Drittel`` (= 2/3).
* Dates: ``1月28日``, ``2025年9月3日``, ``2026.01.28``, ``2026-01-28``, ``28.01.2026``,
  ``January 28``, ``28 January``, ``Jan. 28, 2026``, ``17. Juni``; a bare month (``1月``,
  ``January``, ``Januar``) is a month. The year of a date is compared as a plain number, so
  ``2026年1月28日`` equals ``January 28, 2026``. A date also pairs with its bare day number when
  the translation leaves the month implicit (``12月20日`` and ``on the 20th``).
* Ordinals count as their number: ``第三`` = ``third`` = ``3rd`` = ``3.``.
* Chinese numerals in characters (``十二``, ``一千零五十``, ``二〇二五年``), but only where they
  are numbers: after ``第``, in ``百分之…``/``…分之…``, in dates, or before a measure word or
  unit (``五公里``, ``三大问题``, ``十年``, ``两国``). ``一直``, ``统一``, ``十分``, ``万一`` are
  words, and ``数十亿``/``几十年`` are vague, not numbers.
* English and German number words up to the trillions (``twenty-five``, ``three hundred``,
  ``fünfundzwanzig``, ``zwei Millionen``), ``dozen``, ``decade``/``Jahrzehnt`` = 10 and
  ``eight decades`` = 80. Plurals without a count (``hundreds``, ``Tausende``, ``decades``) are
  vague, not numbers.

What is deliberately not
------------------------
* A *one* written in words (``一``, ``one``, ``first``, ``ein``, ``erste``) is ignored: in news
  text it is an article or an idiom far more often than a count.
* Roman numerals, times of day as such, currencies and units (compared as bare values),
  ``half``/``一半``/``Hälfte``, ``两万五`` (colloquial 25,000).

Comparison
----------
Quantities are compared as multisets of keys (kind, value). Where either side says the number is
approximate (``about``, ``nearly``, ``约``, ``近``, ``…多``, ``左右``, ``etwa``, ``rund`` …) two
values also match when one rounds to the other at the precision it is written with (``about
130,000`` matches 12.8万). A quantity written with digits, or as an explicit Chinese percentage or
fraction, that finds no partner is always reported; one written in words or Chinese numerals only
when the other side also has an unpaired quantity of the same kind (a word number that vanished
in translation is usually an idiom, a changed one is an error).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from toolkit.qa.numerals import (
    CURRENCY_SUFFIX_SCALE,
    DE_APPROX,
    DE_DATES,
    DE_FRACTION,
    DE_FRACTION_RE,
    DE_ONES,
    DE_ORDINAL_STEMS,
    DE_SCALE,
    DECADES_AFTER,
    DIGITS,
    EN_APPROX,
    EN_DATES,
    EN_FRACTION,
    EN_FRACTION_RE,
    EN_ORDINAL,
    EN_SCALE,
    EN_SMALL,
    GROUPS,
    LATIN,
    MONTH_NAMES,
    MONTHS_DE,
    MONTHS_EN,
    NUMERIC_DATES,
    ORDINAL_SUFFIXES,
    PERCENT_AFTER,
    SCALE_AFTER,
    SUFFIX_SCALE,
    UNITS,
    WORD,
    ZH_APPROX_AFTER,
    ZH_APPROX_BEFORE,
    ZH_DATE,
    ZH_FRACTION,
    ZH_MEASURE,
    ZH_PERCENT,
    ZH_RUN,
    ZH_VAGUE_BEFORE,
    de_word_value,
    zh_value,
)

Side = Literal["source", "target"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity stated in a text: ``text[start:end]`` says it.

    ``kind`` is ``number`` (cardinals, ordinals, years, fractions), ``percent``, ``date``
    (``value`` = (month, day)) or ``month``. ``firm`` is False for numbers written in words or
    Chinese numerals; ``approx`` is True when the text hedges it ("about", 约, rund).
    """

    kind: str
    value: Fraction | tuple[int, int] | int
    start: int
    end: int
    text: str
    firm: bool = True
    approx: bool = False

    @property
    def key(self) -> tuple[str, object]:
        return (self.kind, self.value)

    def describe(self) -> str:
        """The normalised value, as a reader would write it: ``128,000``, ``5%``, ``28 January``."""
        if self.kind == "date":
            month, day = self.value  # type: ignore[misc]
            return f"{day} {MONTH_NAMES[month - 1]}"
        if self.kind == "month":
            return MONTH_NAMES[int(self.value) - 1]  # type: ignore[arg-type]
        value = self.value
        assert isinstance(value, Fraction)
        text = _format_fraction(value)
        return f"{text}%" if self.kind == "percent" else text


@dataclass(frozen=True, slots=True)
class Unpaired:
    """A quantity of one side that has no partner on the other."""

    side: Side
    quantity: Quantity


def _format_fraction(value: Fraction) -> str:
    if value.denominator == 1 and value < 10_000:
        return str(value.numerator)  # 2026, not 2,026
    if value.denominator == 1:
        return f"{value.numerator:,}"
    decimal = _decimal_places(value)
    if decimal is not None:
        return f"{float(value):,.{decimal}f}"
    return f"{value.numerator}/{value.denominator}"


def _decimal_places(value: Fraction) -> int | None:
    """Digits after the point of a finite decimal, None for 2/3 and the like."""
    denominator = value.denominator
    places = 0
    while denominator % 10 == 0 or denominator % 2 == 0 or denominator % 5 == 0:
        if denominator == 1:
            break
        value *= 10
        denominator = value.denominator
        places += 1
    return places if value.denominator == 1 else None


# --- text preparation ------------------------------------------------------------------------

# Full-width digits and signs → ASCII, same length (zh text is also converted with t2s first).
_WIDTH = {code: chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}
_WIDTH.update({0xFF05: "%", 0xFF0E: "."})


def _prepare(text: str, lang: str, mask: Iterable[tuple[int, int]]) -> str:
    if lang == "zh":
        # Per-character t2s (萬 → 万, 兩 → 两, 個 → 个) and half-width digits, same length. The
        # fold also turns full stops into interpuncts and full-width commas into commas: keep the
        # original there, a decimal point must stay a point and "，" is no thousands separator.
        from toolkit.chinese import fold_keep_case

        folded = fold_keep_case(text)
        if folded != text:
            text = "".join(
                old if old in ".．，" else new for old, new in zip(text, folded, strict=True)
            )
    text = text.translate(_WIDTH)
    spans = sorted(mask)
    if spans:
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    return text


def lang_family(tag: str) -> str:
    """``zh`` for any Chinese tag, ``de`` for German, ``en`` for everything else."""
    if tag.startswith("zh"):
        return "zh"
    return "de" if tag.startswith("de") else "en"


# --- extraction --------------------------------------------------------------------------------


class _Scan:
    """One pass over a prepared text: claimed spans never yield a second quantity."""

    def __init__(self, original: str, work: str, lang: str) -> None:
        self.original = original
        self.work = work
        self.lang = lang
        self.taken = bytearray(len(work))
        self.found: list[Quantity] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def claim(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)

    def add(
        self,
        kind: str,
        value: Fraction | tuple[int, int] | int,
        start: int,
        end: int,
        *,
        firm: bool = True,
    ) -> None:
        self.found.append(
            Quantity(
                kind, value, start, end, self.original[start:end], firm, self.approx(start, end)
            )
        )

    def approx(self, start: int, end: int) -> bool:
        before = self.work[max(0, start - 24) : start]
        if self.lang == "zh":
            return bool(
                ZH_APPROX_BEFORE.search(before) or ZH_APPROX_AFTER.match(self.work[end : end + 4])
            )
        pattern = DE_APPROX if self.lang == "de" else EN_APPROX
        return bool(pattern.search(before))


def extract(text: str, lang: str, mask: Iterable[tuple[int, int]] = ()) -> list[Quantity]:
    """Quantities stated in ``text`` (language tag ``lang``), in text order.

    ``mask`` lists spans to ignore (URLs, placeholders): their digits are not numbers.
    """
    family = lang_family(lang)
    scan = _Scan(text, _prepare(text, family, mask), family)
    _dates(scan)
    if family == "zh":
        _zh_constructions(scan)
    else:
        _word_fractions(scan)
    _digit_numbers(scan)
    if family == "zh":
        _zh_numerals(scan)
    else:
        _word_numbers(scan)
    found = [q for q in scan.found if q.firm or q.kind != "number" or q.value != 1]
    return sorted(found, key=lambda q: (q.start, q.end))


def _dates(scan: _Scan) -> None:
    work = scan.work
    for pattern in NUMERIC_DATES:
        for match in pattern.finditer(work):
            month, day = int(match["m"]), int(match["d"])
            if 1 <= month <= 12 and 1 <= day <= 31 and scan.free(*match.span()):
                scan.claim(*match.span())
                scan.add("number", Fraction(int(match["y"])), *match.span("y"))
                start = min(match.start("m"), match.start("d"))
                end = max(match.end("m"), match.end("d"))
                scan.add("date", (month, day), start, end)
    if scan.lang == "zh":
        for match in ZH_DATE.finditer(work):
            month = _small(match["m"])
            day = _small(match["d"]) if match["d"] else None
            if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
                continue
            if not scan.free(*match.span()):
                continue
            scan.claim(*match.span())
            if match["y"]:
                year = zh_value(match["y"])
                if year is not None:
                    scan.add("number", year, *match.span("y"), firm=match["y"].isdigit())
            firm = match["m"].isdigit()
            if day is None:
                scan.add("month", month, match.start("m"), match.end(), firm=firm)
            else:
                scan.add("date", (month, day), match.start("m"), match.end(), firm=firm)
        return
    months = MONTHS_DE if scan.lang == "de" else MONTHS_EN
    for pattern in DE_DATES if scan.lang == "de" else EN_DATES:
        for match in pattern.finditer(work):
            if not scan.free(*match.span()):
                continue
            month = months[match["mn"].rstrip(".").lower()]
            scan.claim(*match.span())
            if match["y"]:
                scan.add("number", Fraction(int(match["y"])), *match.span("y"))
            groups = match.groupdict()
            end = match.end("y") if match["y"] else match.end()
            if groups.get("d"):
                day = int(match["d"])
                if not 1 <= day <= 31:
                    continue
                span_end = match.start("y") if match["y"] else end
                scan.add(
                    "date", (month, day), match.start(), _rstrip(work, match.start(), span_end)
                )
            else:
                span_end = match.start("y") if match["y"] else end
                scan.add("month", month, match.start(), _rstrip(work, match.start(), span_end))


def _rstrip(work: str, start: int, end: int) -> int:
    while end > start and work[end - 1] in " ,":
        end -= 1
    return end


def _small(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    value = zh_value(text)
    return int(value) if value is not None and value.denominator == 1 else None


def _zh_constructions(scan: _Scan) -> None:
    for match in ZH_PERCENT.finditer(scan.work):
        value = zh_value(match["n"])
        if value is not None and scan.free(*match.span()):
            scan.claim(*match.span())
            scan.add("percent", value, *match.span())
    for match in ZH_FRACTION.finditer(scan.work):
        numerator, denominator = zh_value(match["num"]), zh_value(match["den"])
        if numerator is not None and denominator and scan.free(*match.span()):
            scan.claim(*match.span())
            scan.add("number", numerator / denominator, *match.span())


def _word_fractions(scan: _Scan) -> None:
    if scan.lang == "de":
        pattern, numerators, denominators = DE_FRACTION_RE, DE_ONES, DE_FRACTION
    else:
        pattern, numerators, denominators = EN_FRACTION_RE, EN_SMALL, EN_FRACTION
    for match in pattern.finditer(scan.work):
        numerator = numerators[match["num"].lower()]
        denominator = denominators[match["den"].lower()]
        if scan.free(*match.span()):
            scan.claim(*match.span())
            scan.add("number", Fraction(numerator, denominator), *match.span(), firm=False)


def _digit_value(text: str, lang: str) -> Fraction:
    text = re.sub(GROUPS, "", text)
    if lang == "de":
        return Fraction(text.replace(".", "").replace(",", "."))
    return Fraction(text.replace(",", ""))


def _digit_numbers(scan: _Scan) -> None:
    work = scan.work
    for match in DIGITS[scan.lang].finditer(work):
        start, end = match.span()
        if not scan.free(start, end):
            continue
        value = _digit_value(match.group(), scan.lang)
        glued = re.match(rf"[{LATIN}]+", work[end:])
        if glued:
            suffix = glued.group()
            currency = start > 0 and work[start - 1] in "$€£¥"
            if suffix in SUFFIX_SCALE:
                value *= SUFFIX_SCALE[suffix]
                end += len(suffix)
            elif currency and suffix in CURRENCY_SUFFIX_SCALE:
                value *= CURRENCY_SUFFIX_SCALE[suffix]
                end += len(suffix)
            elif suffix in ORDINAL_SUFFIXES:
                end += len(suffix)
            elif suffix not in UNITS:  # 5km and the 1940s are numbers
                continue  # an identifier: G7, 5G, A400M
        # A German ordinal ("3.") is its number; the point needs no handling.
        _finish(scan, value, start, end, firm=True)


def _finish(scan: _Scan, value: Fraction, start: int, end: int, *, firm: bool) -> None:
    """Apply what may follow a number (scale, decades, percent), then record it."""
    work = scan.work
    scale = SCALE_AFTER[scan.lang].match(work[end:])
    if scale:
        word = scale["w"]
        factor: Fraction | None
        if scan.lang == "zh":
            factor = zh_value(word)
        elif scan.lang == "de":
            factor = Fraction(DE_SCALE[word.lower()])
        else:
            factor = Fraction(EN_SCALE.get(word.lower()) or SUFFIX_SCALE[word.lower()])
        if factor:
            value *= factor
            end += scale.end()
    decades = DECADES_AFTER.get(scan.lang)
    if decades is not None and decades.match(work[end:]):
        value *= 10
    kind = "number"
    percent = PERCENT_AFTER[scan.lang].match(work[end:])
    if percent:
        kind = "percent"
        end += percent.end()
    scan.claim(start, end)
    scan.add(kind, value, start, end, firm=firm)


def _zh_numerals(scan: _Scan) -> None:
    work = scan.work
    for match in ZH_RUN.finditer(work):
        start, end = match.span()
        run = match.group()
        if not scan.free(start, end) or not re.search("[零〇一二两三四五六七八九十]", run):
            continue
        before = work[max(0, start - 2) : start]
        if any(before.endswith(word) for word in ZH_VAGUE_BEFORE):
            continue
        after = work[end:]
        rest = re.match(r"\s*(?:多|余|来)?", after)
        follows = after[rest.end() if rest else 0 :]
        if not (before.endswith("第") or ZH_MEASURE.match(follows)):
            continue
        value = zh_value(run)
        if value is None:
            continue
        _finish(scan, value, start, end, firm=False)


def _word_numbers(scan: _Scan) -> None:
    words = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(scan.work)]
    parse = _de_run if scan.lang == "de" else _en_run
    index = 0
    while index < len(words):
        index += parse(scan, words, index)


def _en_run(scan: _Scan, words: list[tuple[int, int, str]], index: int) -> int:
    """Parse an English number-word run starting at ``index``; return the words it used."""
    work = scan.work
    total = current = 0
    numeric = False
    position = index
    while position < len(words):
        start, _, word = words[position]
        if position > index and not re.fullmatch(r"[ -]", work[words[position - 1][1] : start]):
            break
        following = words[position + 1][2] if position + 1 < len(words) else ""
        if word == "a" and position == index and (following in EN_SCALE or following == "dozen"):
            position += 1
            continue
        if word == "and" and numeric and following in EN_SMALL:
            position += 1
            continue
        if word in EN_SMALL:
            current += EN_SMALL[word]
        elif word in EN_ORDINAL:
            current += EN_ORDINAL[word]
            numeric = True
            position += 1
            break  # "twenty-first": an ordinal ends the number
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in EN_SCALE:
            total += (current or 1) * EN_SCALE[word]
            current = 0
        else:
            break
        numeric = True
        position += 1
        if word == "decade":
            break
    if not numeric:
        return 1
    while words[position - 1][2] in ("a", "and"):
        position -= 1
    start, end = words[index][0], words[position - 1][1]
    if scan.free(start, end):
        _finish(scan, Fraction(total + current), start, end, firm=False)
    return position - index


def _de_run(scan: _Scan, words: list[tuple[int, int, str]], index: int) -> int:
    """Parse a German numeral word at ``index`` (German writes them as one word)."""
    start, end, word = words[index]
    value = de_word_value(word)
    if value is None:
        stem = re.sub(r"(?:e|en|er|es|em)$", "", word)
        if word != stem and stem in DE_ORDINAL_STEMS:
            value = DE_ORDINAL_STEMS[stem]
        elif word == "jahrzehnt":
            value = 10
        elif word in ("ein", "eine", "einer", "einen", "einem", "eines") and index + 1 < len(words):
            following = words[index + 1][2]
            if following in DE_SCALE and following not in ("hundert", "tausend", "tsd"):
                value = 1
            else:
                return 1
        else:
            return 1
    if scan.free(start, end):
        _finish(scan, Fraction(value), start, end, firm=False)
    return 1


# --- comparison ------------------------------------------------------------------------------


def _precision(value: Fraction) -> Fraction:
    """The unit of the last significant digit: 130000 → 10000, 12.5 → 0.1, 2/3 → 0."""
    if value == 0:
        return Fraction(1)
    if value.denominator == 1:
        number = abs(value.numerator)
        unit = 1
        while number % 10 == 0:
            number //= 10
            unit *= 10
        return Fraction(unit)
    places = _decimal_places(value)
    return Fraction(1, 10**places) if places is not None else Fraction(0)


def _rounds_to(exact: Fraction, rounded: Fraction) -> bool:
    unit = _precision(rounded)
    if not unit:
        return exact == rounded
    return abs(exact - rounded) * 2 <= unit


def _close(a: Quantity, b: Quantity) -> bool:
    if a.kind != b.kind or a.kind not in ("number", "percent"):
        return False
    x, y = a.value, b.value
    assert isinstance(x, Fraction) and isinstance(y, Fraction)
    return _rounds_to(x, y) or _rounds_to(y, x)


def compare(source: Sequence[Quantity], target: Sequence[Quantity]) -> list[Unpaired]:
    """Quantities of either side left without a partner (see the module notes for the rules)."""
    left = list(source)
    right = list(target)
    # 1. equal keys; 2. rounding where a side hedges; 3. a date against its bare day.
    _pair(left, right, lambda s, t: s.key == t.key)
    _pair(left, right, lambda s, t: (s.approx or t.approx) and _close(s, t))
    _pair(left, right, _date_and_day)
    _pair(right, left, _date_and_day)
    out = [Unpaired("source", q) for q in left if q.firm or any(t.kind == q.kind for t in right)]
    out += [Unpaired("target", q) for q in right if q.firm or any(s.kind == q.kind for s in left)]
    return out


def _date_and_day(a: Quantity, b: Quantity) -> bool:
    return a.kind == "date" and b.kind == "number" and b.value == a.value[1]  # type: ignore[index]


def _pair(left: list[Quantity], right: list[Quantity], match) -> None:
    for quantity in list(left):
        for other in right:
            if match(quantity, other):
                left.remove(quantity)
                right.remove(other)
                break
