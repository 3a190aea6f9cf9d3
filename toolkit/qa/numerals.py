"""Number words, numerals and the patterns that find them, for :mod:`toolkit.qa.numbers`.

Chinese characters, English and German words, month names; each value function turns one
written form into its value, or ``None`` when the form is not a number.
"""

from __future__ import annotations

import re
from fractions import Fraction


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _numbered(words: str, start: int = 1, step: int = 1) -> dict[str, int]:
    return {word: start + step * index for index, word in enumerate(_words(words))}


MONTH_NAMES = _words(
    "January February March April May June July August September October November December"
)
MONTHS_EN = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
MONTHS_EN.update(_numbered("jan feb mar apr"))
MONTHS_EN.update(_numbered("jun jul aug sep", 6))
MONTHS_EN.update(_numbered("oct nov dec", 10), sept=9)
MONTHS_DE = _numbered("januar februar märz april mai juni juli august september oktober november")
MONTHS_DE.update(dezember=12, jänner=1, sept=9)
MONTHS_DE.update(_numbered("jan feb"))
MONTHS_DE.update(_numbered("aug sep okt nov dez", 8))

# --- Chinese ---------------------------------------------------------------------------------

ZH_DIGITS = {"零": 0, "〇": 0, "两": 2} | _numbered("一 二 三 四 五 六 七 八 九")
ZH_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九]|[十百千]|万|亿")

#: Measure words and units after which Chinese numerals are a count (simplified forms).
ZH_MEASURES: tuple[str, ...] = tuple(
    sorted(
        _words(
            "个 名 位 人 次 年 月 日 天 号 周 岁 倍 项 条 种 架 艘 枚 辆 门 台 家 国 座 支 批 份 "
            "届 轮 场 件 点 大 组 篇 部 层 所 股 只 头 句 章 处 段 席 票 集 期 吨 米 公里 千米 "
            "公斤 克 小时 分钟 秒 星期 美元 欧元 元 英镑 卢布 日元 百分点 万 亿"
        ),
        key=len,
        reverse=True,
    )
)


def zh_value(text: str) -> Fraction | None:
    """Value of a Chinese numeral, digits mixed in.

    一千零五十 = 1050, 十二万八千 = 128000, 12.8万 = 128000, 1万亿 = 10¹², 二〇二五 = 2025
    (read digit by digit). 三四 ("three or four") has no single value: ``None``.
    """
    plain = text.replace(",", "")
    tokens = _ZH_TOKEN.findall(plain)
    if not tokens or "".join(tokens) != plain:
        return None
    if len(tokens) > 1 and all(token in ZH_DIGITS for token in tokens):
        if len(tokens) < 3 and not {"〇", "零"} & set(tokens):
            return None
        return Fraction(int("".join(str(ZH_DIGITS[token]) for token in tokens)))
    total = section = Fraction(0)
    number: Fraction | None = None
    for token in tokens:
        if token[0].isdigit():
            number = Fraction(token)
        elif token in ZH_DIGITS:
            if ZH_DIGITS[token] or number is None:  # 零 only holds a place: 一千零五十
                number = Fraction(ZH_DIGITS[token])
        elif token in _ZH_UNITS:
            section += (number if number is not None else 1) * _ZH_UNITS[token]
            number = None
        elif token == "万":
            section = ((section + (number or 0)) or 1) * 10_000
            number = None
        else:  # 亿 multiplies everything before it: 1万亿 = (1万) × 亿
            total = ((total + section + (number or 0)) or 1) * 100_000_000
            section, number = Fraction(0), None
    return total + section + (number or 0)


# --- English ---------------------------------------------------------------------------------

EN_SMALL = _numbered(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
    0,
)
EN_SMALL.update(_numbered("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10))
EN_SMALL.update(dozen=12, decade=10)
EN_ORDINAL = _numbered(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
EN_ORDINAL.update(_numbered("thirtieth fortieth fiftieth", 30, 10))
EN_SCALE = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
EN_SCALE["trillion"] = 10**12
#: Scale suffixes glued to digits: $5bn, €2tn.
SUFFIX_SCALE = {"bn": 10**9, "tn": 10**12, "trn": 10**12, "mn": 10**6}
#: Glued after a currency sign only: $10m, €500k.
CURRENCY_SUFFIX_SCALE = {"m": 10**6, "k": 1000}
#: Units glued to digits, written exactly so (5G is an identifier, not five grams).
UNITS = frozenset(_words("km kg mm cm m t mg ml h min ms GW MW kW kWh MWh GWh TWh mph ha s"))
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
EN_FRACTION = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5}

# --- German ----------------------------------------------------------------------------------

DE_ONES = _numbered("eins zwei drei vier fünf sechs sieben acht neun") | {"ein": 1}
_DE_TEENS = _numbered("zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn", 10)
_DE_TEENS["neunzehn"] = 19
_DE_TENS = _numbered("zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig", 20, 10)
# Ordinal stems that are not also common words ("achte" is "respects", "erste" is one).
DE_ORDINAL_STEMS = _numbered("zweit dritt viert fünft sechst siebt", 2)
DE_ORDINAL_STEMS.update(_numbered("neunt zehnt elft zwölft", 9))
DE_SCALE = {"hundert": 100, "tausend": 1000, "tsd": 1000, "million": 10**6, "millionen": 10**6}
DE_SCALE.update(mio=10**6, milliarde=10**9, milliarden=10**9, mrd=10**9)
DE_SCALE.update(billion=10**12, billionen=10**12, bio=10**12)  # German Billion = 10¹²
DE_FRACTION = {"drittel": 3, "viertel": 4, "fünftel": 5}


def de_word_value(word: str) -> int | None:
    """Value of one German numeral word: zwölf, fünfundzwanzig, dreihundert, zweitausendsechs."""
    word = word.lower()
    for scale_word, scale in (("tausend", 1000), ("hundert", 100)):
        head, found, tail = word.partition(scale_word)
        if found:
            left = _de_below_100(head) if head else 1
            right = de_word_value(tail) if tail else 0
            if left is None or right is None or (scale == 100 and left > 9):
                return None
            return left * scale + right
    return _de_below_100(word)


def _de_below_100(word: str) -> int | None:
    if word in DE_ONES and word != "ein":
        return DE_ONES[word]
    if word in _DE_TEENS:
        return _DE_TEENS[word]
    if word in _DE_TENS:
        return _DE_TENS[word]
    ones, found, tens = word.partition("und")
    if found and ones in DE_ONES and ones != "eins" and tens in _DE_TENS:
        return DE_ONES[ones] + _DE_TENS[tens]
    return None


# --- patterns --------------------------------------------------------------------------------

LATIN = "A-Za-zÀ-ÖØ-öø-ɏ"
ZH_MEASURE = re.compile("|".join(map(re.escape, ZH_MEASURES)))
ZH_VAGUE_BEFORE = ("数", "几")  # 数十亿 "billions", 几十年 "decades"
# A lone 约/近 hedges only when it is not the end of a word (北约 NATO, 条约 treaty, 最近 recently).
ZH_APPROX_BEFORE = re.compile(
    r"(?:大约|大概|约为|将近|接近|超过|至少|不到|不足|多达|高达|最多|逾|超"
    r"|(?<![北条公预合契协制节签履违邀])约|(?<![最附接靠将临亲贴逼])近)\s*$"
)
ZH_APPROX_AFTER = re.compile(r"^\s*(?:多|余|左右|上下|来|以上)")
EN_APPROX = re.compile(
    r"(?i)\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|more than|"
    r"fewer than|less than|up to|close to|at least|at most|an estimated|estimated)"
    r"\s+(?:US|A|C)?[$€£¥]?\s*$"
)
DE_APPROX = re.compile(
    r"(?i)\b(?:etwa|rund|knapp|fast|beinahe|ungefähr|circa|ca\.|über|mehr als|weniger als|bis zu|"
    r"mindestens|höchstens|gut|nahezu|annähernd|geschätzt)\s+[$€£]?\s*$"
)


EN_MONTH_FULL = "January|February|March|April|June|July|August|September|October|November|December"
EN_MONTH_DAY = EN_MONTH_FULL + r"|May|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
DE_MONTH_FULL = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
)
DE_MONTH_DAY = DE_MONTH_FULL + r"|(?:Jan|Feb|Aug|Sept?|Okt|Nov|Dez)\."
ORD = r"(?:st|nd|rd|th)?"
NOT_BEFORE = rf"(?<![{LATIN}\d])(?<!\d[.,])"

NUMERIC_DATES = (
    # 2026.01.28, 2026-01-28, 2026/01/28
    re.compile(
        rf"{NOT_BEFORE}(?P<y>\d{{4}})(?P<sep>[./-])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?!\d)"
    ),
    # 28.01.2026
    re.compile(rf"{NOT_BEFORE}(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}})(?!\d)"),
)
ZH_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
ZH_DATE = re.compile(
    rf"(?<![\d.{ZH_NUMERAL_CHARS}])(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*)?"
    rf"(?P<m>{ZH_NUM})\s*月(?:份)?(?:\s*(?P<d>{ZH_NUM})\s*[日号])?"
)
EN_DATES = (
    re.compile(
        rf"\b(?P<mn>{EN_MONTH_DAY})(?!\w)\s+(?P<d>\d{{1,2}}){ORD}\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ),
    re.compile(
        rf"{NOT_BEFORE}(?P<d>\d{{1,2}}){ORD}\s+(?:of\s+)?(?P<mn>{EN_MONTH_DAY})(?!\w)(?:,?\s+(?P<y>\d{{4}})\b)?"
    ),
    re.compile(rf"\b(?P<mn>{EN_MONTH_FULL})\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    re.compile(r"\b(?P<mn>May)\s+(?P<y>\d{4})\b"),
)
DE_DATES = (
    re.compile(
        rf"{NOT_BEFORE}(?P<d>\d{{1,2}})\.\s*(?P<mn>{DE_MONTH_DAY})(?!\w)(?:\s+(?P<y>\d{{4}})\b)?"
    ),
    re.compile(rf"\b(?P<mn>{DE_MONTH_FULL})\b(?:\s+(?P<y>\d{{4}})\b)?"),
)
ZH_PERCENT = re.compile(rf"百分之\s*(?P<n>\d+(?:\.\d+)?|[{ZH_NUMERAL_CHARS}]+)")
ZH_FRACTION = re.compile(
    rf"(?P<den>\d+|[{ZH_NUMERAL_CHARS}]+)\s*分之\s*(?P<num>\d+|[{ZH_NUMERAL_CHARS}]+)"
)
EN_FRACTION_RE = re.compile(
    r"(?i)\b(?P<num>one|two|three|four)[\s-](?P<den>thirds?|quarters?|fifths?)\b"
)
DE_FRACTION_RE = re.compile(
    r"(?i)\b(?P<num>ein|zwei|drei|vier)\s*(?P<den>drittel|viertel|fünftel)\b"
)

GROUPS = r"[\u00a0\u2009\u202f]"
DIGITS = {
    "en": re.compile(
        rf"{NOT_BEFORE}(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d{{1,3}}(?:{GROUPS}\d{{3}})+(?!\d)|\d+)"
        r"(?:\.\d+)?"
    ),
    "de": re.compile(
        rf"{NOT_BEFORE}(?:\d{{1,3}}(?:\.\d{{3}})+(?![\d])|\d{{1,3}}(?:{GROUPS}\d{{3}})+(?!\d)|\d+)"
        r"(?:,\d+)?"
    ),
}
DIGITS["zh"] = DIGITS["en"]
ZH_RUN = re.compile(rf"[{ZH_NUMERAL_CHARS}]+")
WORD = re.compile(rf"[{LATIN}]+")

PERCENT_AFTER = {
    "en": re.compile(r"(?i)^\s?(?:%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"),
    "de": re.compile(r"(?i)^\s?(?:%|Prozent(?:punkte?n?)?\b|Prozentpunkte?n?\b)"),
    "zh": re.compile(r"^\s?(?:%|个百分点)"),
}
SCALE_AFTER = {
    "en": re.compile(r"(?i)^[\s-]?(?P<w>thousand|million|billion|trillion|bn|tn|trn|mn)\b"),
    "de": re.compile(
        r"(?i)^\s?(?P<w>Tausend|Millionen|Million|Mio|Milliarden|Milliarde|Mrd|Billionen|Billion|Bio|Tsd)\b\.?"
    ),
    "zh": re.compile(r"^\s?(?P<w>[十百千万亿]+)(?![米克瓦])"),  # 千米 is a kilometre
}
DECADES_AFTER = {
    "en": re.compile(r"(?i)^\s+decades\b"),
    "de": re.compile(r"(?i)^\s+Jahrzehnten?\b"),
}
