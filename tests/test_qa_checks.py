"""QA checks: the registry, each check on small units, planted errors in fixture catalogs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from toolkit.corpus.catalog import read_units
from toolkit.errors import UsageError
from toolkit.glossary.store import load_glossary
from toolkit.models import Unit
from toolkit.qa import CHECKS, Issue, check_units, run_checks, select_checks
from toolkit.qa.calibrate import (
    LengthRange,
    calibrate,
    calibrate_folder,
    dump,
    package_table_path,
    ranges_from_table,
)
from toolkit.qa.checks import SEVERITIES

QA = Path(__file__).parent / "data" / "qa"
CATALOGS = QA / "catalogs"
SHAPES = (
    *("{{1}}", "{}", "%1$s", "%d", "###1###", "@@2@@", "<t1>", "</g2>", "[1]", "[ 12 ]"),
    *("［3］", "【4】", "〔5〕", "〖6〗", "〚7〛", "⟦T1⟧", "⟨8⟩", "⟪9⟫", "⦃10⦄", "⦅11⦆"),
    *("❨12❩", "«13»", "‹14›", "《15》", "〈16〉", "(T17)", "（x18）", "\ue000", "\U000f0001"),
)
SPEC_IDS = {
    "terminology": "error",
    "forbidden-term": "error",
    "variant": "warning",
    "numbers": "error",
    "placeholder": "error",
    "untranslated": "error",
    "script": "error",
    "repetition": "error",
    "inconsistent": "warning",
    "length": "warning",
    "punctuation": "warning",
}


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(QA / "glossary")


@pytest.fixture(scope="module")
def fixture_units() -> list[Unit]:
    return list(read_units(CATALOGS))


@pytest.fixture(scope="module")
def fixture_ranges(fixture_units) -> dict[tuple[str, str], LengthRange]:
    return ranges_from_table(calibrate(fixture_units, min_units=3))


def make(
    source: str, target: str, src: str = "zh-Hans", tgt: str = "en", segment: str = "000-p001-s01"
) -> Unit:
    return Unit(segment, segment[:3], source, target, src, tgt, status="reviewed")


def fired(units: list[Unit], glossary, only: str, ranges=None) -> list[Issue]:
    return list(run_checks(units, select_checks([only]), glossary=glossary, length_ranges=ranges))


# --- registry -------------------------------------------------------------------------------------


def test_registry_holds_every_check_with_severity_and_title() -> None:
    assert {cid: c.severity for cid, c in CHECKS.items()} == SPEC_IDS
    for check in CHECKS.values():
        assert check.severity in SEVERITIES
        assert check.title and "\n" not in check.title and check.title.endswith(".")
        assert check.title == check.function.__doc__.strip().splitlines()[0]


@pytest.mark.parametrize(
    ("only", "skip", "expected"),
    [
        (None, None, list(SPEC_IDS)),
        (["numbers", "length"], None, ["numbers", "length"]),
        (
            None,
            ["terminology", "variant"],
            [c for c in SPEC_IDS if c not in ("terminology", "variant")],
        ),
        (["numbers", "length"], ["length"], ["numbers"]),
    ],
)
def test_only_and_skip_select_by_id(only, skip, expected) -> None:
    assert [c.id for c in select_checks(only, skip)] == expected


@pytest.mark.parametrize(
    ("only", "skip", "message"),
    [
        (["numbrs"], None, "unknown check id: numbrs"),
        (None, ["lenght", "foo"], "unknown check ids: lenght, foo"),
        (["numbers"], ["numbers"], "no check left"),
    ],
)
def test_bad_selections_are_usage_errors(only, skip, message) -> None:
    with pytest.raises(UsageError, match=message):
        select_checks(only, skip)


def test_glossary_checks_refuse_to_run_without_a_glossary() -> None:
    unit = make("特朗普在 2035 年说。", "Trump said in 2036.")
    with pytest.raises(UsageError, match="need a glossary"):
        list(run_checks([unit], length_ranges={}))
    others = select_checks(skip=["terminology", "forbidden-term", "variant"])
    assert {issue.check for issue in run_checks([unit], others, length_ranges={})} == {"numbers"}


# --- clean fixtures -------------------------------------------------------------------------------


def test_clean_fixture_catalogs_raise_nothing(glossary, fixture_units, fixture_ranges) -> None:
    assert len(fixture_units) > 40
    assert {(u.src_lang, u.tgt_lang) for u in fixture_units} == {
        ("zh-Hans", "en"),
        ("zh-Hant", "en"),
        ("de", "en"),
        ("zh-Hans", "de"),
    }
    issues = list(run_checks(fixture_units, glossary=glossary, length_ranges=fixture_ranges))
    assert issues == []


# --- each check on small units ------------------------------------------------------------------

CASES: list[tuple[str, str, str, str, str, bool]] = [
    # check, source, target, source lang, target lang, fires
    ("terminology", "唐纳德·特朗普说。", "Donald Trump said.", "zh-Hans", "en", False),
    ("terminology", "唐纳德·特朗普说。", "He said.", "zh-Hans", "en", True),
    ("terminology", "特朗普说。", "Trump said.", "zh-Hans", "en", False),
    ("terminology", "特朗普说,特朗普认为。", "Trump said he thought.", "zh-Hans", "en", True),
    ("terminology", "特朗普说,特朗普认为。", "Trump said Trump thought.", "zh-Hans", "en", False),
    ("terminology", "凯洛格(Keith Kellog)表示。", "Keith Kellogg said.", "zh-Hans", "en", False),
    ("terminology", "白宫表示。", "Ein Sprecher des Weißen Hauses sagte.", "zh-Hans", "de", False),
    ("terminology", "白宫表示。", "Ein Sprecher sagte.", "zh-Hans", "de", True),
    ("terminology", "基辅领导人表示。", "Die Führung in Kiev sagte.", "zh-Hans", "de", True),
    ("terminology", "基辅领导人表示。", "Kiev's leaders said.", "zh-Hans", "en", False),
    ("terminology", "澤連斯基說。", "Zelensky said.", "zh-Hant", "en", False),
    ("terminology", "歸Energoatom所有。", "Owned by Energoatom.", "zh-Hant", "en", False),
    ("terminology", "歸Energoatom所有。", "Owned by the operator.", "zh-Hant", "en", True),
    ("terminology", "Das Weiße Haus schwieg.", "The White House was silent.", "de", "en", False),
    ("terminology", "Das Weiße Haus schwieg.", "The presidency was silent.", "de", "en", True),
    # An acronym is found as a whole word in its own case: "US" is not inside "because".
    ("terminology", "Die USA zögern.", "The US hesitates.", "de", "en", False),
    ("terminology", "Die USA zögern.", "Because they hesitate.", "de", "en", True),
    ("terminology", "Die USA zögern.", "The us hesitates.", "de", "en", True),
    ("forbidden-term", "基辅领导人表示。", "Kiev's leaders said.", "zh-Hans", "en", True),
    ("forbidden-term", "基辅领导人表示。", "Kyiv's leaders said.", "zh-Hans", "en", False),
    ("forbidden-term", "凯洛格表示。", "Keith Kellog said.", "zh-Hans", "en", True),
    ("forbidden-term", "凯洛格表示。", "Keith Kellogg said.", "zh-Hans", "en", False),
    (
        "forbidden-term",
        "US ambassador to NATO Ivo Daalder said.",
        "美国驻北约大使伊沃·达尔德表示。",
        "en",
        "zh-Hans",
        False,
    ),
    (
        "forbidden-term",
        "US ambassador to NATO Ivo Daalder said.",
        "北约驻美大使伊沃·达尔德表示。",
        "en",
        "zh-Hans",
        True,
    ),
    ("variant", "美国支持。", "US support.", "zh-Hans", "en", True),
    ("variant", "美国支持。", "United States support.", "zh-Hans", "en", False),
    ("variant", "特朗普说。", "Trump said.", "zh-Hans", "en", False),
    ("variant", "唐纳德·特朗普说。", "Trump said.", "zh-Hans", "en", True),
    ("variant", "泽连斯基说。", "Zelenskyy said.", "zh-Hans", "en", False),  # short for short
    ("variant", "Die USA zögern.", "The US hesitates.", "de", "en", False),  # USA licenses US
    ("variant", "他说。", "Trump said.", "zh-Hans", "en", False),  # not named in the source
    # A derived form of the expected rendering is not a competing variant.
    ("variant", "东欧盟友支持。", "Eastern European allies agree.", "zh-Hans", "en", False),
    ("variant", "东欧支持。", "Eastern Europe agrees.", "zh-Hans", "en", False),
    ("numbers", "在 2035 年前。", "By 2035.", "zh-Hans", "en", False),
    ("numbers", "在 2035 年前。", "By 2036.", "zh-Hans", "en", True),
    ("numbers", "提高到 5%。", "Raise it to five percent.", "zh-Hans", "en", False),
    ("numbers", "见 https://x.org/a/2025。", "See https://x.org/a/2025.", "zh-Hans", "en", False),
    ("numbers", "他说。", "He said {0}.", "zh-Hans", "en", False),  # a placeholder, not a 0
    ("placeholder", "他说。", "He said.", "zh-Hans", "en", False),
    ("placeholder", "他说。", "He said ZQXAB.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said \ue001.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said {0}.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said %s.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said ###T01###.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said [[TOKEN_1]].", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said <x1/>.", "zh-Hans", "en", True),
    ("placeholder", "他说。", "He said __T1__.", "zh-Hans", "en", True),
    ("placeholder", "他说 {0}。", "He said {0}.", "zh-Hans", "en", False),
    # the families MT post-processors and CAT tools leave behind
    *(("placeholder", "他说。", f"He said {shape}.", "zh-Hans", "en", True) for shape in SHAPES),
    # … but not what the source holds, list markers, years, percentages
    ("placeholder", "见【1】。", "See 【1】.", "zh-Hans", "en", False),
    ("placeholder", "见［1］。", "See [1].", "zh-Hans", "en", False),  # full-width in the source
    ("placeholder", "（1）他说。", "(1) He said.", "zh-Hans", "en", False),
    ("placeholder", "他说。", "(1) He said.", "zh-Hans", "en", False),
    ("placeholder", "2025年他说。", "In [2025] he said.", "zh-Hans", "en", False),
    ("placeholder", "他说了。", "He said [sic].", "zh-Hans", "en", False),
    ("placeholder", "增长 5%。", "Up 5% since then.", "zh-Hans", "en", False),
    ("untranslated", "他说。", "", "zh-Hans", "en", True),
    ("untranslated", "他说。", "他说。", "zh-Hans", "en", True),
    ("untranslated", "Er sagte.", "Er sagte.", "de", "en", True),
    ("untranslated", "Energoatom", "Energoatom", "zh-Hant", "en", False),
    ("untranslated", "2025", "2025", "zh-Hans", "en", False),
    (
        "untranslated",
        "https://www.dw.com/a-71571767",
        "https://www.dw.com/a-71571767",
        "zh-Hans",
        "en",
        False,
    ),
    ("untranslated", "Donald Trump", "Donald Trump", "de", "en", False),
    ("untranslated", "他说。", "他說。", "zh-Hans", "zh-Hant", False),
    ("untranslated", "他说。", "他说。", "zh-Hans", "zh-Hant", False),
    ("punctuation", "他说:“是的。”", "He said: “Yes.”", "zh-Hans", "en", False),
    ("punctuation", "他说:“是的。”", "He said: “Yes.", "zh-Hans", "en", True),
    ("script", "他说是的。", "He said yes.", "zh-Hans", "en", False),
    ("script", "他说是的。", "He 说 yes.", "zh-Hans", "en", True),
    ("script", "他说是的。", "Er sagte 是的.", "zh-Hans", "de", True),
    ("script", "Er zitierte „是的“.", "He quoted “是的”.", "de", "en", False),  # quoted Chinese
    ("script", "他说是的。", "他說是的。", "zh-Hans", "zh-Hant", False),
    ("script", "Er sagte ja.", "他说是的。", "de", "zh-Hans", False),
    ("repetition", "他说。", "鯈鯈鯈鯈 he said.", "zh-Hans", "en", True),
    ("repetition", "他说。", "He said said said said.", "zh-Hans", "en", False),  # no space after
    ("repetition", "他说。", "He said very very very very much.", "zh-Hans", "en", True),
    ("repetition", "他说。", "會灾纶會灾纶會灾纶會灾纶", "zh-Hans", "zh-Hant", True),
    ("repetition", "哈哈哈哈，他说。", "“哈哈哈哈”，他說。", "zh-Hans", "zh-Hant", False),
    ("repetition", "花了2000000000美元。", "It cost $2,000,000,000.", "zh-Hans", "en", False),
    ("repetition", "他说……", "He said......", "zh-Hans", "en", False),
    ("punctuation", "他说:“是的。", "He said: “Yes.", "zh-Hans", "en", False),  # split quotation
    ("punctuation", "他说:「是的。」", "He said: “Yes.", "zh-Hant", "en", True),
    ("punctuation", "他说:「是的。」", "He said: “Yes.”", "zh-Hant", "en", False),
    ("punctuation", "他说是的。", "„Ja“, sagte er.", "zh-Hans", "de", False),
    ("punctuation", "他说是的。", "»Ja«, sagte er.", "zh-Hans", "de", False),
    ("punctuation", "他说是的。", "„Ja, sagte er.", "zh-Hans", "de", True),
    ("punctuation", "他（前总统）说。", "He (the former president said.", "zh-Hans", "en", True),
    ("punctuation", "他说。", "He said.)", "zh-Hans", "en", True),
    ("punctuation", "见 https://x.org/a。", "See https://x.org/a.", "zh-Hans", "en", False),
    ("punctuation", "见 https://x.org/a。", "See the website.", "zh-Hans", "en", True),
    ("punctuation", "写信至 info@dw.com。", "Write to info@dw.com.", "zh-Hans", "en", False),
    ("punctuation", "写信至 info@dw.com。", "Write to them.", "zh-Hans", "en", True),
]


@pytest.mark.parametrize(("check_id", "source", "target", "src", "tgt", "fires"), CASES)
def test_check_cases(glossary, check_id, source, target, src, tgt, fires) -> None:
    issues = fired([make(source, target, src, tgt)], glossary, check_id)
    assert bool(issues) is fires, issues
    for issue in issues:
        text = source if issue.where == "source" else target
        assert issue.check == check_id and issue.severity == SPEC_IDS[check_id]
        assert issue.start is not None and text[issue.start : issue.end] == issue.span


def test_untranslated_and_empty_units_are_left_to_untranslated(glossary) -> None:
    units = [make("唐纳德·特朗普在 2035 年说:“是。", ""), make("特朗普说。", "特朗普说。")]
    issues = list(run_checks(units, glossary=glossary, length_ranges={}))
    assert {issue.check for issue in issues} == {"untranslated"}
    assert issues[0].where == "source"


@pytest.mark.parametrize(
    ("units", "flagged"),
    [
        ([("特朗普说。", "Trump said."), ("特朗普说。", "Trump stated.")], ["000-p001-s02"]),
        ([("特朗普说。", "Trump said."), ("特朗普说。", "trump  SAID.")], []),
        (
            [("澤連斯基說。", "Zelensky said."), ("泽连斯基说。", "Zelensky stated.")],
            ["000-p001-s02"],
        ),
        ([("特朗普说。", "Trump said."), ("特朗普表示。", "Trump said.")], ["000-p001-s02"]),
        ([("特朗普说。", "Trump said."), ("特朗普表示。", "Trump stated.")], []),
        ([("特朗普说。", "Trump said."), ("特朗普说。", "")], []),
    ],
)
def test_inconsistent_compares_with_earlier_units(glossary, units, flagged) -> None:
    built = [
        make(source, target, "zh-Hant" if "說" in source else "zh-Hans", segment=f"000-p001-s0{i}")
        for i, (source, target) in enumerate(units, start=1)
    ]
    issues = fired(built, glossary, "inconsistent")
    assert [issue.segment for issue in issues] == flagged


@pytest.mark.parametrize(
    ("source", "target", "pair", "fires"),
    [
        ("这是一个有二十个字的句子,用来测试长度。", "x" * 60, ("zh-Hans", "en"), False),
        ("这是一个有二十个字的句子,用来测试长度。", "x" * 120, ("zh-Hans", "en"), True),
        ("这是一个有二十个字的句子,用来测试长度。", "x" * 20, ("zh-Hans", "en"), True),
        ("这是标题。", "x" * 80, ("zh-Hans", "en"), False),  # too short to judge
        ("这是一个有二十个字的句子,用来测试长度。", "x" * 120, ("zh-Hant", "en"), False),
    ],
)
def test_length_uses_the_measured_range(glossary, source, target, pair, fires) -> None:
    ranges = {("zh-Hans", "en"): LengthRange("zh-Hans", "en", 2.0, 4.0, 30)}
    unit = make(source, target, *pair)
    assert bool(fired([unit], glossary, "length", ranges)) is fires


# --- planted errors -------------------------------------------------------------------------

Mutation = Callable[[Path], None]


def edit(catalog: str, segment: str, change: Callable[[str], str]) -> Mutation:
    def apply(folder: Path) -> None:
        po = polib.pofile(str(folder / catalog), wrapwidth=0)
        entry = next(e for e in po if e.msgctxt == segment)
        new = change(entry.msgstr if entry.msgstr else "")
        assert new != entry.msgstr, "the mutation must change something"
        entry.msgstr = new
        po.save()

    return apply


def copy_source(catalog: str, segment: str) -> Mutation:
    def apply(folder: Path) -> None:
        po = polib.pofile(str(folder / catalog), wrapwidth=0)
        entry = next(e for e in po if e.msgctxt == segment)
        entry.msgstr = entry.msgid
        po.save()

    return apply


def add(catalog: str, segment: str, copy_of: str, source=None, target=None) -> Mutation:
    def apply(folder: Path) -> None:
        po = polib.pofile(str(folder / catalog), wrapwidth=0)
        model = next(e for e in po if e.msgctxt == copy_of)
        po.append(
            polib.POEntry(
                msgctxt=segment,
                msgid=source(model.msgid) if source else model.msgid,
                msgstr=target(model.msgstr) if target else model.msgstr,
                comment=model.comment,
            )
        )
        po.save()

    return apply


FILLER = " It would still be, by all accounts, a gradual and orderly handover of responsibilities."

PLANTED = [
    ("terminology", edit("000.en.po", "000-p003-s01", lambda t: t.replace("Donald Trump", "He"))),
    (
        "terminology",
        edit(
            "001.de.po", "001-p016-s01", lambda t: t.replace("des Weißen Hauses", "der Regierung")
        ),
    ),
    ("forbidden-term", edit("001.en.po", "001-p003-s02", lambda t: t.replace("Kyiv", "Kiev"))),
    ("variant", edit("000.en.po", "000-p002-s01", lambda t: t.replace("United States", "US"))),
    ("numbers", edit("000.en.po", "000-p014-s01", lambda t: t.replace("2027", "2028"))),
    ("numbers", edit("001.de.po", "001-p010-s01", lambda t: t.replace("20. Januar", "21. Januar"))),
    (
        "numbers",
        edit(
            "002.en.po", "002-p015-s02", lambda t: t.replace("five kilometres", "six kilometres", 1)
        ),
    ),
    ("placeholder", edit("000.en.po", "000-p004-s01", lambda t: t.replace("shift", "shift ZQXAB"))),
    (
        "placeholder",
        edit("003.en.po", "003-p015-s01", lambda t: t.replace("comment", "comment {0}")),
    ),
    ("untranslated", edit("000.en.po", "000-p009-s01", lambda t: "")),
    ("untranslated", copy_source("003.en.po", "003-p015-s01")),
    (
        "inconsistent",
        add(
            "000.en.po",
            "000-p099-s01",
            "000-p015-s01",
            target=lambda t: t.replace("apparent", "evident"),
        ),
    ),
    (
        "inconsistent",
        add(
            "000.en.po",
            "000-p099-s01",
            "000-p015-s01",
            source=lambda s: s.replace("局势", "整个局势"),
        ),
    ),
    ("length", edit("000.en.po", "000-p014-s02", lambda t: t + FILLER * 3)),
    ("punctuation", edit("000.en.po", "000-p008-s02", lambda t: t.rstrip("”"))),
    ("punctuation", edit("003.en.po", "003-p014-s01", lambda t: t.replace("”", ""))),
]


@pytest.mark.parametrize(("expected", "mutation"), PLANTED)
def test_a_planted_error_fires_exactly_its_check(
    tmp_path, glossary, fixture_ranges, expected: str, mutation: Mutation
) -> None:
    folder = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, folder)
    mutation(folder)
    report = check_units(read_units(folder), glossary=glossary, length_ranges=fixture_ranges)
    assert {issue.check for issue in report.issues} == {expected}, report.issues


# --- length calibration ---------------------------------------------------------------------------


def test_calibration_widens_the_measured_extremes(fixture_units) -> None:
    table = calibrate(fixture_units, min_units=3)
    pairs = {(p["src_lang"], p["tgt_lang"]): p for p in table["pairs"]}
    assert set(pairs) == {("zh-Hans", "en"), ("zh-Hant", "en"), ("de", "en"), ("zh-Hans", "de")}
    zh_en = pairs[("zh-Hans", "en")]
    assert zh_en["low"] == round(zh_en["min"] / 1.25, 4)
    assert zh_en["high"] == round(zh_en["max"] * 1.25, 4)
    assert 1.5 < zh_en["min"] < zh_en["max"] < 6  # English is about three times as long
    assert pairs[("de", "en")]["max"] < 1.5
    machine = [
        Unit(u.id, u.doc, u.source, u.target * 9, u.src_lang, u.tgt_lang) for u in fixture_units
    ]
    assert calibrate(machine)["pairs"] == []  # only reviewed units count
    strict = calibrate(fixture_units)  # default: at least 20 units per pair
    bounded = {(p["src_lang"], p["tgt_lang"]) for p in strict["pairs"] if p["low"] is not None}
    assert bounded == {("zh-Hans", "en")}


def _reviewed_units_in(folder: Path) -> int:
    return sum(1 for _ in read_units(folder, reviewed_only=True)) if folder.is_dir() else 0


def test_shipped_length_ranges_match_the_references(root) -> None:
    translations = root / "translations"
    shipped = json.loads(package_table_path().read_text(encoding="utf-8"))
    if not _reviewed_units_in(translations):
        # Nothing to measure yet: the package ships no bounds, so the check stays silent.
        assert all(pair["low"] is None for pair in shipped["pairs"])
        pytest.skip("translations/ holds no reviewed units yet")
    assert dump(shipped) == dump(calibrate_folder(translations)), (
        "length ranges are stale: run "
        "python -m toolkit.qa.calibrate translations/ --out toolkit/qa/length_ranges.json"
    )


def test_reviewed_references_raise_nothing(root) -> None:
    """No false alarms on the four seeds' references: no error, and no warning either."""
    translations = root / "translations"
    if not _reviewed_units_in(translations):
        pytest.skip("translations/ holds no reviewed units yet")
    report = check_units(
        read_units(translations, reviewed_only=True), glossary=load_glossary(root / "glossary")
    )
    assert report.units == 269
    assert not report.issues, "\n".join(
        f"{e.segment} {e.check} ({e.severity}): {e.message}" for e in report.issues
    )
