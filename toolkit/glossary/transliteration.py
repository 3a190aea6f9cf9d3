"""Unknown Chinese renderings of known names: 普丁 for 普京, 澤倫斯基 for 泽连斯基.

Regions transliterate foreign names with other characters, so a Taiwan or Hong Kong article
names a known person in a form the glossary lacks. Two kinds of evidence find them:

* **Sound.** A run of characters that foreign names are written with (the characters of the
  glossary's own person, place and weapon names) that matches no term is compared, as toneless
  pinyin (pypinyin), with every known Chinese name; a close one (difflib ratio on the pinyin) is a
  candidate rendering of that concept.
* **Context.** Known terms around the run that the concept's definition names (俄罗斯 "Russia"
  near 普丁, whose concept is "President of Russia") make it more likely.

Used by :mod:`toolkit.glossary.suggest`; pypinyin is imported only here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from toolkit.chinese import fold
from toolkit.glossary.model import Glossary

#: Concept types whose Chinese names are transliterations.
NAME_TYPES = ("person", "place", "weapon")
# Characters mainland, Taiwan and Hong Kong transliterations of foreign names are made of (the
# common syllables of the Xinhua name tables and their regional counterparts, in simplified form:
# text is folded before the lookup). The glossary's own name characters are added to them.
_TRANSLITERATION_CHARS = (
    "阿埃艾爱安昂奥澳巴拜班邦包保鲍贝本比彼毕宾波伯博布蔡查柴达戴丹道德登邓迪蒂丁东杜顿多厄恩"
    "尔法凡菲费芬丰冯弗福富盖甘冈高戈格葛根贡古瓜哈海汉杭豪赫亨洪侯胡华惠霍基吉济加贾杰捷金津卡"
    "凯坎康考柯科克肯孔库夸奎昆拉莱赖兰朗劳勒雷蕾黎李里理丽利莉连廉梁林琳铃刘留柳龙隆卢鲁路伦"
    "罗洛吕马玛迈麦曼芒毛梅美门蒙孟米密明缪摩莫默姆穆纳娜奈南内尼宁纽努诺欧帕潘庞佩彭皮珀普齐奇"
    "契恰乔切钦琼丘屈让热仁荣若瑞撒萨塞赛桑森沙莎尚绍舍申圣施什史舒斯松宋苏索塔泰坦汤唐陶特滕提"
    "廷通图托瓦万旺威韦维魏温翁沃乌吾伍西希锡夏谢辛欣休修许雅亚扬杨耶叶伊依因英尤约泽扎詹"
    "兹宗佐基夫奇茨科娃斯司士尤霍翰卓佳嘉桂蔻"
)
#: A rendering must sound at least this close (difflib ratio of the toneless pinyin); a name of
#: two characters (so many ordinary words are two characters) also needs shared context.
MIN_SIMILARITY = 0.78
_INTERPUNCTS = "·・•‧∙⋅．."
_MAX_RUN = 8


@dataclass(frozen=True)
class SoundsLike:
    """A known name a candidate sounds like."""

    concept: str
    term: str  # the known rendering (or the part of it, 普京 of 弗拉基米尔·普京)
    similarity: float
    candidate_pinyin: str
    term_pinyin: str


class NameSounds:
    """The glossary's Chinese names as pinyin, and the characters names are written with."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.chars = frozenset(fold(_TRANSLITERATION_CHARS))
        self._names: dict[str, list[tuple[str, str]]] = {}  # pinyin → [(concept, name)]
        known: set[str] = set()
        for concept, term in glossary.terms():
            if not term.lang.startswith("zh"):
                continue
            known.add(fold(term.text))
            if concept.type not in NAME_TYPES:
                continue
            for part in _name_parts(term.text):
                # Only transliterations sound like other transliterations: people's names, and
                # place and weapon names written mostly in name characters (柏林, not 欧洲联盟).
                folded = fold(part)
                share = sum(char in self.chars for char in folded) / max(len(folded), 1)
                if concept.type == "person" or share >= 2 / 3:
                    self._names.setdefault(self.pinyin(part), []).append((concept.id, part))
        self.known = known

    @cached_property
    def _lazy_pinyin(self):  # -> callable
        from pypinyin import lazy_pinyin

        return lazy_pinyin

    def pinyin(self, text: str) -> str:
        """Toneless pinyin, syllables joined by spaces (泽连斯基 → "ze lian si ji")."""
        return " ".join(self._lazy_pinyin(fold(text), errors="ignore"))

    def runs(self, text: str, taken: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """Spans of ``text`` written only in name characters (interpuncts inside allowed), 2 to
        8 characters long, outside the ``taken`` spans (known terms)."""
        blocked = [False] * len(text)
        for start, end in taken:
            blocked[start:end] = [True] * (end - start)
        folded = fold(text)
        start = None
        for index in range(len(text) + 1):
            inside = (
                index < len(text)
                and not blocked[index]
                and (
                    folded[index] in self.chars
                    or (start is not None and text[index] in _INTERPUNCTS)
                )
            )
            if inside and start is None:
                start = index
            elif not inside and start is not None:
                end = index
                while end > start and text[end - 1] in _INTERPUNCTS:
                    end -= 1
                if 2 <= end - start <= _MAX_RUN:
                    yield start, end
                start = None

    def sounds_like(self, candidate: str) -> list[SoundsLike]:
        """Known names ``candidate`` sounds like, closest first (at most three concepts)."""
        spoken = self.pinyin(candidate)
        if not spoken or fold(candidate) in self.known:
            return []
        close = difflib.get_close_matches(spoken, self._names, n=8, cutoff=MIN_SIMILARITY)
        found: dict[str, SoundsLike] = {}
        syllables = len(spoken.split())
        for name in close:
            if abs(len(name.split()) - syllables) > 1 or name == spoken:
                continue  # same sound, other characters: a script variant the matcher knows
            ratio = round(difflib.SequenceMatcher(None, spoken, name).ratio(), 3)
            for concept, term in self._names[name]:
                if concept not in found:
                    found[concept] = SoundsLike(concept, term, ratio, spoken, name)
        return sorted(found.values(), key=lambda s: (-s.similarity, s.concept))[:3]

    def context(self, concept_id: str, nearby: Iterable[str]) -> list[str]:
        """The concepts among ``nearby`` that ``concept_id``'s definition names ("Russia" in
        "President of Russia"): shared context."""
        concept = self.glossary.by_id[concept_id]
        words = f"{concept.definition} {concept.note}".casefold()
        shared = []
        for other_id in dict.fromkeys(nearby):
            if other_id == concept_id:
                continue
            other = self.glossary.by_id[other_id]
            names = {t.text.casefold() for t in other.terms if t.lang == "en"}
            if any(re.search(rf"\b{re.escape(name)}\b", words) for name in names if len(name) > 2):
                shared.append(other_id)
        return shared


def _name_parts(text: str) -> list[str]:
    """A name and its parts between interpuncts (唐纳德·特朗普 → itself, 唐纳德, 特朗普)."""
    parts = [part for part in re.split(f"[{re.escape(_INTERPUNCTS)}]", text) if part]
    return [text, *parts] if len(parts) > 1 else [text]
