"""Number reading for the ``numbers`` check: Chinese, German and English forms, and comparison."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.qa.numbers import compare, extract
from toolkit.qa.numerals import de_word_value, zh_value


def keys(text: str, lang: str) -> list[tuple[str, object]]:
    return [quantity.key for quantity in extract(text, lang)]


def n(value: int | str) -> tuple[str, Fraction]:
    return ("number", Fraction(value))


def pct(value: int | str) -> tuple[str, Fraction]:
    return ("percent", Fraction(value))


# --- what each form reads as --------------------------------------------------------------------

FORMS = [
    # Chinese scales and numerals
    ("zh-Hans", "约有12.8万人", [n(128000)]),
    ("zh-Hans", "1万亿美元", [n(10**12)]),
    ("zh-Hans", "1050亿", [n(105 * 10**9)]),
    ("zh-Hans", "总额超过650亿美元", [n(65 * 10**9)]),
    ("zh-Hans", "一千零五十名士兵", [n(1050)]),
    ("zh-Hans", "十二万八千人", [n(128000)]),
    ("zh-Hant", "兩萬名士兵", [n(20000)]),
    ("zh-Hans", "1,000名", [n(1000)]),
    ("zh-Hans", "１２．８万人", [n(128000)]),  # full-width digits
    ("zh-Hans", "5千米", [n(5)]),  # a kilometre, not a thousand
    # percentages and fractions
    ("zh-Hans", "国内生产总值的 5%", [pct(5)]),
    ("zh-Hans", "百分之五", [pct(5)]),
    ("zh-Hans", "百分之十二点", [pct(12)]),
    ("zh-Hans", "提高了3个百分点", [pct(3)]),
    ("zh-Hans", "三分之二的成员国", [n("2/3")]),
    # dates, months, years
    ("zh-Hans", "1月28日", [("date", (1, 28))]),
    ("zh-Hans", "发布时间:2026.01.28", [n(2026), ("date", (1, 28))]),
    ("zh-Hans", "1941 年 12 月 7 日", [n(1941), ("date", (12, 7))]),
    ("zh-Hant", "在2025年9月3日", [n(2025), ("date", (9, 3))]),
    ("zh-Hans", "十二月二十日", [("date", (12, 20))]),
    ("zh-Hans", "今年1月", [("month", 1)]),
    ("zh-Hans", "三个月", [n(3)]),  # a duration, not March
    ("zh-Hans", "二〇二五年", [n(2025)]),
    ("zh-Hans", "到 2035 年", [n(2035)]),
    # ordinals, counts, decades
    ("zh-Hans", "第三个问题", [n(3)]),
    ("zh-Hant", "三大關于談判路徑的問題", [n(3)]),
    ("zh-Hant", "撤退五公里", [n(5)]),
    ("zh-Hans", "十年", [n(10)]),
    ("zh-Hans", "自近八十年前成立以来", [n(80)]),
    # Chinese that is not a number
    ("zh-Hans", "一直、统一、十分、万一、一些、千方百计", []),
    ("zh-Hans", "花费的数十亿美元", []),
    ("zh-Hans", "过去几十年", []),
    ("zh-Hans", "三四个月", []),
    ("zh-Hans", "一个世代", []),  # a written one is ignored
    ("zh-Hans", "北约 77 年历史", [n(77)]),
    # English
    ("en", "128,000 people", [n(128000)]),
    ("en", "$1 trillion", [n(10**12)]),
    ("en", "105 billion", [n(105 * 10**9)]),
    ("en", "$5bn and €3m", [n(5 * 10**9), n(3 * 10**6)]),
    ("en", "1,000.5", [n("1000.5")]),
    ("en", "5% / 5 % / five percent / 5 per cent", [pct(5)] * 4),
    ("en", "two-thirds of members", [n("2/3")]),
    ("en", "ten years, a decade, eight decades", [n(10), n(10), n(80)]),
    ("en", "two hundred and fifty thousand", [n(250000)]),
    ("en", "twenty-first", [n(21)]),
    ("en", "the third issue, the 3rd issue", [n(3), n(3)]),
    ("en", "January 28", [("date", (1, 28))]),
    ("en", "28 January 2026", [("date", (1, 28)), n(2026)]),
    ("en", "on December 7, 1941", [("date", (12, 7)), n(1941)]),
    ("en", "Jan. 28 and the 28th of January", [("date", (1, 28))] * 2),
    ("en", "in January", [("month", 1)]),
    ("en", "you may say May 2025", [("month", 5), n(2025)]),
    ("en", "G7, 5G, A400M and F-16s", [n(16)]),
    ("en", "one of the first", []),
    ("en", "hundreds of thousands, billions of dollars", []),
    # German
    ("de", "1.000,5", [n("1000.5")]),
    ("de", "3,5 Prozent", [pct("3.5")]),
    ("de", "5 % und 5%", [pct(5), pct(5)]),
    ("de", "128.000 Menschen", [n(128000)]),
    ("de", "1,5 Milliarden Euro", [n(1_500_000_000)]),
    ("de", "eine Billion", [n(10**12)]),  # German Billion = 10¹²
    ("de", "17. Juni", [("date", (6, 17))]),
    ("de", "am 28.01.2026", [("date", (1, 28)), n(2026)]),
    ("de", "im Juni", [("month", 6)]),
    ("de", "bis 2027.", [n(2027)]),
    ("de", "zum 3. Mal", [n(3)]),
    ("de", "fünf vertraute Quellen", [n(5)]),
    ("de", "fünfundzwanzig", [n(25)]),
    ("de", "zwei Drittel", [n("2/3")]),
    ("de", "den zweiten Weltkrieg", [n(2)]),
    ("de", "acht Jahrzehnte", [n(80)]),
    ("de", "ein US-Beamter, einer Frist", []),
    ("de", "Tausende Soldaten, Zweifel", []),
]


@pytest.mark.parametrize(("lang", "text", "expected"), FORMS)
def test_forms_read_as_values(lang: str, text: str, expected: list) -> None:
    assert keys(text, lang) == expected


def test_spans_point_at_the_text() -> None:
    text = "欧盟 27 国领导人在2月10日表示,提高到百分之五"
    for quantity in extract(text, "zh-Hans"):
        assert text[quantity.start : quantity.end] == quantity.text
    assert [q.text for q in extract(text, "zh-Hans")] == ["27", "2月10日", "百分之五"]


def test_masked_spans_hold_no_numbers() -> None:
    text = "see https://example.org/a/2025/10 and {0}"
    assert keys(text, "en") == [n(2025), n(10), n(0)]
    assert keys(text, "en") and not extract(text, "en", mask=[(4, 33), (38, 41)])


# --- source against target --------------------------------------------------------------------

PAIRS = [
    # (source lang, source, target lang, target, agree)
    ("zh-Hans", "约有12.8万人", "en", "about 128,000 people", True),
    ("zh-Hans", "约有12.8万人", "en", "about 130,000 people", True),  # rounding, hedged
    ("zh-Hans", "有12.8万人", "en", "130,000 people", False),  # rounding, not hedged
    ("zh-Hans", "约有12.8万人", "en", "about 138,000 people", False),
    ("zh-Hans", "1万亿美元", "en", "$1 trillion", True),
    ("zh-Hans", "1万亿美元", "en", "$1 billion", False),
    ("zh-Hans", "1050亿", "en", "105 billion", True),
    ("zh-Hans", "1050亿", "en", "1.05 billion", False),
    ("zh-Hans", "国内生产总值的 5%", "en", "5% of GDP", True),
    ("zh-Hans", "国内生产总值的 5%", "en", "5 percent of GDP", True),
    ("zh-Hans", "国内生产总值的 5%", "en", "6% of GDP", False),
    ("zh-Hans", "国内生产总值的 5%", "en", "5 of GDP", False),
    ("zh-Hans", "百分之五", "en", "5%", True),
    ("zh-Hans", "百分之五", "en", "50%", False),
    ("zh-Hans", "三分之二", "en", "two-thirds", True),
    ("zh-Hans", "三分之二", "en", "one-third", False),
    ("zh-Hans", "十年", "en", "a decade", True),
    ("zh-Hans", "十年", "en", "ten years", True),
    ("zh-Hans", "十年", "en", "twelve years", False),
    ("zh-Hans", "近八十年前", "en", "nearly eight decades ago", True),
    ("zh-Hans", "近八十年前", "en", "almost 77 years ago", True),  # hedged, rounds to 80
    ("zh-Hans", "1月28日", "en", "January 28", True),
    ("zh-Hans", "1月28日", "en", "28 January", True),
    ("zh-Hans", "1月28日", "en", "January 29", False),
    ("zh-Hans", "1月28日", "en", "on the 28th", True),  # month left implicit
    ("zh-Hans", "2026.01.28", "en", "28 January 2026", True),
    ("zh-Hans", "2026.01.28", "en", "28 January 2025", False),
    ("zh-Hans", "1941 年 12 月 7 日", "en", "December 7, 1941", True),
    ("zh-Hans", "第三个问题", "en", "the third issue", True),
    ("zh-Hans", "第三个问题", "en", "the second issue", False),
    ("zh-Hant", "撤退五公里", "en", "withdraw five kilometres", True),
    ("zh-Hant", "撤退五公里", "en", "withdraw six kilometres", False),
    ("zh-Hant", "撤退五公里", "en", "withdraw 5 km", True),
    ("zh-Hans", "一直担心", "en", "had always feared", True),
    ("zh-Hans", "美俄两国", "en", "the US and Russia", True),  # a word count may vanish
    ("zh-Hans", "美俄两国", "en", "the 3 countries", False),  # a written one may not appear
    ("de", "1.000,5 Euro", "en", "1,000.5 euros", True),
    ("de", "1.000,5 Euro", "en", "1,005 euros", False),
    ("de", "3,5 Prozent", "en", "3.5%", True),
    ("de", "3,5 Prozent", "en", "35%", False),
    ("de", "5 %", "en", "5 percent", True),
    ("de", "am 17. Juni", "en", "on 17 June", True),
    ("de", "am 17. Juni", "en", "on 17 July", False),
    ("de", "bis 2027", "en", "by 2027", True),
    ("de", "bis 2027", "en", "by 2028", False),
    ("de", "fünf Quellen", "en", "five sources", True),
    ("de", "fünf Quellen", "en", "four sources", False),
    ("de", "zum 3. Mal", "en", "for the third time", True),
    ("de", "rund 130.000", "en", "128,000", True),  # hedged in the source
    ("de", "1,5 Milliarden", "en", "1.5 billion", True),
    ("de", "eine Billion", "en", "a trillion", True),
    ("de", "eine Billion", "en", "a billion", False),
    ("en", "about 130,000 people", "zh-Hans", "约13万人", True),
    ("en", "5%", "de", "5 Prozent", True),
    ("en", "January 28", "de", "28. Januar", True),
]


@pytest.mark.parametrize(("src_lang", "source", "tgt_lang", "target", "agree"), PAIRS)
def test_source_and_target_compared(
    src_lang: str, source: str, tgt_lang: str, target: str, agree: bool
) -> None:
    unpaired = compare(extract(source, src_lang), extract(target, tgt_lang))
    assert (not unpaired) is agree, unpaired


def test_unpaired_side_and_span_are_reported() -> None:
    source = "到 2035 年将开支提高到 5%"
    target = "to raise spending to 6% by 2035"
    unpaired = compare(extract(source, "zh-Hans"), extract(target, "en"))
    found = {(item.side, item.quantity.text) for item in unpaired}
    assert found == {("source", "5%"), ("target", "6%")}
    for item in unpaired:
        text = source if item.side == "source" else target
        assert text[item.quantity.start : item.quantity.end] == item.quantity.text


def test_multisets_count_repeats() -> None:
    source = extract("撤退5公里,他们也会撤退5公里", "zh-Hans")
    assert compare(source, extract("five kilometres, and they five kilometres", "en")) == []
    missing = compare(source, extract("five kilometres, and they also", "en"))
    assert [(item.side, item.quantity.describe()) for item in missing] == [("source", "5")]


def test_word_numbers_that_vanish_are_idioms_but_changed_ones_are_not() -> None:
    source = extract("撤退五公里,他们也会撤退五公里", "zh-Hans")
    assert compare(source, extract("withdraw a few kilometres", "en")) == []
    changed = compare(source, extract("withdraw five kilometres, then six", "en"))
    assert {(item.side, item.quantity.describe()) for item in changed} == {
        ("source", "5"),
        ("target", "6"),
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千零五十", 1050),
        ("十二万八千", 128000),
        ("一亿二千万", 120_000_000),
        ("两百", 200),
        ("十五", 15),
        ("二十", 20),
        ("12.8万", 128000),
        ("1万亿", 10**12),
        ("三千亿", 300 * 10**9),
        ("二〇二五", 2025),
        ("三四", None),
        ("年", None),
    ],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert zh_value(text) == (None if value is None else Fraction(value))


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("zwölf", 12),
        ("siebzehn", 17),
        ("fünfundzwanzig", 25),
        ("einundzwanzig", 21),
        ("dreihundert", 300),
        ("zweitausendsechs", 2006),
        ("hundert", 100),
        ("Zweifel", None),
        ("Tausende", None),
        ("ein", None),
    ],
)
def test_german_number_words(word: str, value: int | None) -> None:
    assert de_word_value(word) == value


# --- one value, written the Chinese, German and English ways --------------------------------


def chinese_numeral(number: int) -> str:
    """Write 0 < number < 10⁸ in Chinese characters (the test's own formatter)."""
    digits = "零一二三四五六七八九"

    def below_10000(value: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = value // unit % 10
            if digit:
                if zero and out:
                    out += "零"
                out += digits[digit] + name
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(number, 10_000)
    text = below_10000(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + below_10000(low)
    return text


def grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


@given(st.integers(min_value=2, max_value=99_999_999))
def test_integers_read_the_same_in_every_language(number: int) -> None:
    forms = [
        ("en", grouped(number, ",")),
        ("de", grouped(number, ".")),
        ("zh-Hans", grouped(number, ",") + "人"),
        ("zh-Hans", chinese_numeral(number) + "人"),
        ("de", grouped(number, "\u202f")),
    ]
    for lang, text in forms:
        assert keys(text, lang) == [n(number)], (lang, text)


@given(
    st.integers(min_value=1, max_value=99_999),
    st.integers(min_value=1, max_value=9),
    st.sampled_from([(10**4, "万", 10**3, "thousand"), (10**8, "亿", 10**9, "billion")]),
)
def test_scaled_decimals_read_the_same(whole: int, tenth: int, scale: tuple) -> None:
    factor, chinese, english_factor, english = scale
    decimal = f"{whole}.{tenth}"
    value = Fraction(decimal) * factor
    scaled = format(Decimal(int(value)) / Decimal(english_factor), "f")
    assert keys(f"{decimal}{chinese}美元", "zh-Hans") == [n(value)]
    assert keys(f"{scaled} {english}", "en") == [n(value)]
    assert keys(grouped(int(value), ","), "en") == [n(value)]
    assert keys(grouped(int(value), "."), "de") == [n(value)]


@given(st.decimals(min_value="0.01", max_value="99999.99", places=2))
def test_decimals_read_the_same(number) -> None:
    value = Fraction(str(number))
    english = f"{number:,.2f}"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert keys(english, "en") == [n(value)]
    assert keys(german, "de") == [n(value)]
    assert keys(f"{number:.2f}%", "zh-Hans") == [pct(value)]
    assert keys(f"{german} Prozent", "de") == [pct(value)]
