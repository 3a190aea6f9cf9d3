"""The SentencePiece model shared by the test packages: generated text, reproducible bytes.

The training text is generated here (no data files): a few hundred template sentences in
Simplified Chinese, Traditional Chinese, German and English with the punctuation, digits and
acronyms of the news seeds, plus every GB2312 level-1 and Big5 level-1 character (the common
hanzi of both scripts, enumerated from the codecs) so that Chinese text tokenizes about one piece
per character, as it does with real Argos models, instead of three byte pieces.

Choices that decide what round-trips (measured over every code point, see the tests): through
``encode`` → pieces → Argos' ``decode``, every string comes back unchanged except that ``_`` and
``▁`` (U+2581) become spaces — the first by Argos' ``decode``, the second because it is
SentencePiece's own space marker.

* ``normalization_rule_name="identity"``: no NFKC (real Argos models use ``nmt_nfkc``, which maps
  ！ to !, U+3000 to a space, ﬁ to fi …), so full-width forms, U+3000 and combining marks reach
  the model unchanged. It also keeps the model file small (no normalisation tables).
* ``remove_extra_whitespaces=False``: with the default (True) ``"a  b"`` comes back as ``"a b"``
  and leading/trailing spaces vanish. Off, the copy model echoes whitespace exactly, so a test
  sees anything the pipeline does to spaces.
* ``add_dummy_prefix=True`` as in real Argos models: a sentence's first word is ``▁word`` like
  any other, and ``decode`` drops the leading space it stands for (``" a"`` still round-trips:
  it encodes as ``▁``, ``▁a``). Off, the first word would be a different piece than the same
  word mid-sentence.
* ``byte_fallback=True``: a character outside the vocabulary becomes ``<0xNN>`` pieces, so there
  is never an ``<unk>``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from functools import cache

#: Training sentences per template language; four languages → 4 × this many lines.
LINES_PER_LANGUAGE = 120
#: Multi-character pieces wanted beyond the required characters and the 256 byte pieces.
EXTRA_PIECES = 400

# Slot fillers, Simplified and Traditional (s2twp of the Simplified list, checked by hand).
_HANS = {
    "who": "欧洲领导人 北约秘书长 美国总统 德国总理 波兰总理 乌克兰总统泽连斯基 法国总统马克龙 "
    "国防部长 外交部长 五角大楼官员 欧盟委员会 联合国秘书长 前北约驻美大使 知情人士",
    "where": "布鲁塞尔 华盛顿 柏林 巴黎 华沙 基辅 莫斯科 格陵兰 丹麦 慕尼黑 伦敦 北京",
    "said": "表示 指出 强调 警告说 透露 认为 承认 宣布 呼吁",
    "topic": "集体防御 军事联盟 安全架构 和平谈判 停火协议 武器援助 国防开支 能源危机 贸易关税 "
    "经济制裁 空中防御 情报共享 核威慑 军事演习 战略自主",
    "modal": "必须 应该 可能 已经 仍然 不得不 正在 将会",
    "verb": "加强 削弱 讨论 推迟 批准 拒绝 支持 反对 扩大 减少",
    "noun": "成员国 盟友 议会 政府 军队 士兵 火箭弹 坦克 战斗机 无人机 导弹 边境 条约 危机 "
    "信任 承诺 义务 威胁 秩序 规则 历史",
    "source": "路透社 德国之声 金融时报 新华社 美联社",
    "when": "今天 昨天 本月 上周 明年 去年 周一 周末",
    "adverb": "非常 十分 更加 彻底 严重",
}
_HANT = {
    "who": "歐洲領導人 北約秘書長 美國總統 德國總理 波蘭總理 烏克蘭總統澤連斯基 法國總統馬克龍 "
    "國防部長 外交部長 五角大樓官員 歐盟委員會 聯合國秘書長 前北約駐美大使 知情人士",
    "where": "布魯塞爾 華盛頓 柏林 巴黎 華沙 基輔 莫斯科 格陵蘭 丹麥 慕尼黑 倫敦 臺北",
    "said": "表示 指出 強調 警告說 透露 認為 承認 宣佈 呼籲",
    "topic": "集體防禦 軍事聯盟 安全架構 和平談判 停火協議 武器援助 國防開支 能源危機 貿易關稅 "
    "經濟制裁 空中防禦 情報共享 核威懾 軍事演習 戰略自主",
    "modal": "必須 應該 可能 已經 仍然 不得不 正在 將會",
    "verb": "加強 削弱 討論 推遲 批准 拒絕 支持 反對 擴大 減少",
    "noun": "成員國 盟友 議會 政府 軍隊 士兵 火箭彈 坦克 戰鬥機 無人機 導彈 邊境 條約 危機 "
    "信任 承諾 義務 威脅 秩序 規則 歷史",
    "source": "路透社 德國之聲 金融時報 新華社 美聯社",
    "when": "今天 昨天 本月 上週 明年 去年 週一 週末",
    "adverb": "非常 十分 更加 徹底 嚴重",
}
_ZH_TEMPLATES = (
    "{when},{who}在{where}{said}:“{topic}{modal}{verb}。”",
    "{when}，{who}在{where}{said}：「{noun}{modal}{verb}{topic}。」",
    "据{source}报道,{who}{said},{noun}{adverb}{modal}{verb}{topic}——{acronym}对此未予置评。",
    "《{source}》援引{n}位知情人士的话说,{topic}的{noun}{modal}{verb}……",
    "{year}年{month}月{day}日,{who}({acronym}){said},{topic}占比约为{pct}%。",
    "{who}{said}：“{noun}{adverb}重要！”{where}的{noun}仍然{verb}{topic}？",
    "{topic}、{noun}和{topic}（{acronym}）在{year}年{modal}{verb}；{n}个{noun}{said}反对。",
)
# The Simplified characters of the templates' own words, and the quotes Traditional text prefers.
_TEMPLATE_T = str.maketrans("据报话说对评约为个占“”", "據報話說對評約為個佔「」")
_DE = {
    "who": "Die Europäer|Der Bundeskanzler|Die Außenministerin|Ein US-Beamter|Der Generalsekretär"
    "|Die Bundesregierung|Mehrere Diplomaten|Das Pentagon|Die Öffentlichkeit|Der Präsident",
    "said": "sagte|betonte|warnte|erklärte|räumte ein|berichtete",
    "where": "Brüssel|Washington|Berlin|München|Köln|Düsseldorf|Warschau|Kiew|Grönland|Dänemark",
    "topic": "die Verteidigungsfähigkeit|die Aufklärung|die Luftverteidigung|das Bündnis"
    "|die Sicherheit|die Abschreckung|die Überprüfung|die Größe der Streitkräfte"
    "|die Straßenblockade|die Äußerung|die Lieferung von Raketen|den Großteil der Ausgaben",
    "verb": "übernehmen|stärken|schwächen|verschieben|prüfen|ablehnen|erhöhen|verringern",
    "adj": "unrealistisch|dringend|wichtig|schwierig|möglich|glaubwürdig|äußerst knapp",
}
_DE_TEMPLATES = (
    "{who} {said} am {day}. {month_de} {year} in {where}: „Wir müssen {topic} {verb}.“",
    "Laut {acronym} sollen die Europäer bis {year} rund {pct} % für {topic} ausgeben.",
    "{who} {said}, {topic} sei {adj} – {n} Quellen bestätigten das (Stand: {day}.{month}.{year}).",
    "“{topic} ist {adj}”, {said} {who}; die Frist erscheint {adj}…",
    "Die {acronym} will {topic} {verb}, aber {who} hält das für {adj}!",
    "Über {topic} wurde in {where} gesprochen: Größe, Maß und Fußball spielten keine Rolle?",
)
_EN = {
    "who": "European leaders|The chancellor|A US official|The secretary-general|Diplomats"
    "|The Pentagon|The president|Two senior officers|The defence minister|Analysts",
    "said": "said|stressed|warned|explained|admitted|reported",
    "where": "Brussels|Washington|Berlin|Warsaw|Kyiv|Greenland|Copenhagen|London|Munich",
    "topic": "collective defence|the alliance|air defence|intelligence sharing|deterrence"
    "|the security architecture|peace talks|arms deliveries|defence spending|sanctions",
    "verb": "take over|strengthen|weaken|postpone|review|reject|increase|reduce",
    "adj": "unrealistic|urgent|important|difficult|possible|credible|extremely tight",
}
_EN_TEMPLATES = (
    "{who} {said} on {month_en} {day}, {year} in {where}: “We must {verb} {topic}.”",
    "According to {acronym}, Europe should spend about {pct}% on {topic} by {year}.",
    "{who} {said} that {topic} was {adj} — {n} sources confirmed it (as of {day}/{month}/{year}).",
    "“{topic} is {adj},” {who} {said}; the deadline seems {adj}…",
    "The {acronym} wants to {verb} {topic}, but {who} think it is {adj}!",
    "Was {topic} discussed in {where}? It's {adj}: 3.5 % of GDP, not 2 %.",
)
_ACRONYMS = ("NATO", "EU", "SACEUR", "UN", "USA", "HIMARS", "G7", "OSZE", "OSCE", "IMF", "DW")
_MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
_MONTHS_EN = "January February March April May June July August September October November December"


def _common_hanzi() -> list[str]:
    """GB2312 level 1 (3,755 common simplified) and Big5 level 1 (5,401 common traditional)."""
    seen: dict[str, None] = {}
    for first_bytes, second_bytes, codec in (
        (range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312"),
        (range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)], "big5"),
    ):
        for first in first_bytes:
            for second in second_bytes:
                try:
                    char = bytes((first, second)).decode(codec)
                except UnicodeDecodeError:
                    continue
                if "\u4e00" <= char <= "\u9fff":
                    seen.setdefault(char)
    return list(seen)


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    month = rng.randrange(1, 13)
    values = {name: rng.choice(choices) for name, choices in slots.items()}
    values.update(
        acronym=rng.choice(_ACRONYMS),
        n=str(rng.randrange(2, 40)),
        pct=rng.choice(("2", "3,5", "3.5", "5", "12", "50", "0,8")),
        year=str(rng.randrange(1941, 2031)),
        month=str(month),
        day=str(rng.randrange(1, 29)),
        month_de=_MONTHS_DE.split()[month - 1],
        month_en=_MONTHS_EN.split()[month - 1],
    )
    return template.format(**values)


def training_lines() -> Iterator[str]:
    """The generated training text, identical on every call (fixed-seed ``random.Random``)."""
    rng = random.Random(20240601)
    hans = {slot: words.split() for slot, words in _HANS.items()}
    hant = {slot: words.split() for slot, words in _HANT.items()}
    german = {slot: words.split("|") for slot, words in _DE.items()}
    english = {slot: words.split("|") for slot, words in _EN.items()}
    for _ in range(LINES_PER_LANGUAGE):
        template = rng.choice(_ZH_TEMPLATES)
        yield _fill(template, hans, rng)
        yield _fill(template.translate(_TEMPLATE_T), hant, rng)
        yield _fill(rng.choice(_DE_TEMPLATES), german, rng)
        yield _fill(rng.choice(_EN_TEMPLATES), english, rng)
    hanzi = _common_hanzi()
    for start in range(0, len(hanzi), 60):
        yield "".join(hanzi[start : start + 60])


@cache
def train_sentencepiece() -> bytes:
    """Train the unigram SentencePiece model on :func:`training_lines`; returns its bytes.

    Byte-reproducible: the text is generated deterministically, training runs on one thread
    without sampling or shuffling, and the model is written through ``model_writer``.
    """
    import sentencepiece as spm

    lines = list(training_lines())
    characters = {char for line in lines for char in line}
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        # Required characters + 3 control pieces + 256 byte pieces + some multi-character pieces;
        # the limit is soft, the trainer stops early if the text has fewer good pieces.
        vocab_size=len(characters) + 3 + 256 + EXTRA_PIECES,
        hard_vocab_limit=False,
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=True,
        split_digits=False,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def vocabulary(model_bytes: bytes) -> list[str]:
    """The pieces of a SentencePiece model in id order (``<unk>``, ``<s>``, ``</s>``, bytes, …)."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model_bytes)
    return [processor.id_to_piece(index) for index in range(processor.get_piece_size())]
