"""The context stage: titles, near / not_near cues, homonyms, one sense per document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.glossary.match import Matcher
from toolkit.glossary.store import load_glossary
from toolkit.glossary.validate import validate_glossary
from toolkit.ingest import document_from_text
from toolkit.segment import segment_document

DATA = Path(__file__).parent / "data" / "glossary" / "context"
GLOSSARY = load_glossary(DATA)
MATCHER = Matcher.from_glossary(GLOSSARY)


def hits(text: str, lang: str | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(m.surface, m.concept, m.alternatives) for m in MATCHER.find(text, lang)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # homonyms: the cue decides
        (
            "白宫国家安全顾问沃尔兹表示",
            [("白宫国家安全顾问", "national-security-adviser", ()), ("沃尔兹", "mike-waltz", ())],
        ),
        ("前联合国大使沃尔兹表示", [("沃尔兹", "mike-waltz", ())]),
        ("明尼苏达州州长沃尔兹表示", [("沃尔兹", "tim-walz", ())]),
        # … or the full name said before in the same text
        (
            "蒂姆·沃尔兹当天发言。沃尔兹表示",
            [("蒂姆·沃尔兹", "tim-walz", ()), ("沃尔兹", "tim-walz", ())],
        ),
        # … and where nothing decides, both candidates, no sense asserted
        ("沃尔兹表示", [("沃尔兹", "mike-waltz", ("tim-walz",))]),
        # a default sense holds unless another sense's cue is there
        ("哈尔科夫遭到空袭。", [("哈尔科夫", "kharkiv", ())]),
        ("俄方要求乌克兰交出五个地区，包括哈尔科夫。", [("哈尔科夫", "kharkiv-oblast", ())]),
        (
            "哈尔科夫州州长说，哈尔科夫",
            [("哈尔科夫州", "kharkiv-oblast", ()), ("哈尔科夫", "kharkiv-oblast", ())],
        ),
        ("Russland fordert die Regionen Donezk und Charkiw.", [("Charkiw", "kharkiv-oblast", ())]),
        ("In Charkiw schlugen Raketen ein.", [("Charkiw", "kharkiv", ())]),
        # a short form that is also something else needs its cue
        ("Vizeaußenminister Landau sagte", [("Landau", "christopher-landau", ())]),
        ("In Landau regnete es.", []),
        (
            "Christopher Landau kam. Landau sagte",
            [
                ("Christopher Landau", "christopher-landau", ()),
                ("Landau", "christopher-landau", ()),
            ],
        ),
        (
            "Das US-Außenministerium und Landau",
            [
                ("US-Außenministerium", "us-state-department", ()),
                ("Landau", "christopher-landau", ()),
            ],
        ),
        # not_near beats near; a concept cue counts
        ("德国的金牛座", [("德国", "germany", ()), ("金牛座", "taurus", ())]),
        ("金牛座导弹", [("金牛座导弹", "taurus", ())]),
        ("金牛座是导弹", [("金牛座", "taurus", ())]),
        ("金牛座导弹与星座", [("金牛座导弹", "taurus", ())]),  # the long form has no cues
        ("金牛座的星座运势说导弹", []),
        ("金牛座", []),
        # titles: a term inside a longer name is no term; the whole title is
        ("据《华盛顿邮报》报道", []),
        ("据《金融时报》报道", [("金融时报", "financial-times", ())]),
        ("〈华盛顿观察〉专栏说，华盛顿表示", [("华盛顿", "washington", ())]),
        ("华府表示", [("华府", "washington", ())]),
        # characters of a term that belong to other words: "north of, about 20 km"
        ("位于波克罗夫斯克以北约20公里", []),
        ("多布罗皮利亚以北約兩公里处，东北约3千米", []),
        ("北约32个成员国以北约名义表示", [("北约", "nato", ()), ("北约", "nato", ())]),
        ("以北约为首的联军", [("北约", "nato", ())]),
        # Swiss / ASCII spelling with ss for ß, declined
        ("Das Weisse Haus teilte mit", [("Weisse Haus", "white-house", ())]),
        ("Sprecher des Weissen Hauses", [("Weissen Hauses", "white-house", ())]),
    ],
)
def test_context_decides(text, expected):
    assert hits(text) == expected


def test_one_sense_per_document_across_paragraphs():
    """A full name in an earlier paragraph decides a bare surname later in the document, not in
    another document."""
    first = document_from_text("迈克·沃尔兹抵达华盛顿。\n\n沃尔兹表示，会谈顺利。", doc_id="a")
    second = document_from_text("沃尔兹表示，会谈顺利。", doc_id="b")
    segments = [*segment_document(first), *segment_document(second)]
    found = [(h.doc, h.surface, h.concept, h.alternatives) for h in MATCHER.scan(segments)]
    assert found == [
        ("a", "迈克·沃尔兹", "mike-waltz", ()),
        ("a", "华盛顿", "washington", ()),
        ("a", "沃尔兹", "mike-waltz", ()),
        ("b", "沃尔兹", "mike-waltz", ("tim-walz",)),
    ]


def test_a_cue_here_beats_a_name_said_before():
    """Tim Walz named first; a later paragraph's 白宫国家安全顾问沃尔兹 is still Mike Waltz, and a
    bare 沃尔兹 once the document has named both stays open between them."""
    doc = document_from_text(
        "蒂姆·沃尔兹出席集会。\n\n白宫国家安全顾问沃尔兹表示反对。\n\n沃尔兹随后离开。", doc_id="w"
    )
    found = [(h.surface, h.concept, h.alternatives) for h in MATCHER.scan(segment_document(doc))]
    assert found == [
        ("蒂姆·沃尔兹", "tim-walz", ()),
        ("白宫国家安全顾问", "national-security-adviser", ()),
        ("沃尔兹", "mike-waltz", ()),
        ("沃尔兹", "mike-waltz", ("tim-walz",)),
    ]


def test_cues_are_read_in_the_whole_paragraph():
    """A cue in another sentence of the same paragraph counts; one in another paragraph does not
    (the paragraph is the window, the document only remembers concepts named)."""
    text = "明尼苏达州举行集会。沃尔兹表示反对。\n\n次日，沃尔兹再次发言。\n\n州长没有出席。"
    doc = document_from_text(text, doc_id="c")
    found = [(h.segment, h.concept, h.alternatives) for h in MATCHER.scan(segment_document(doc))]
    assert found == [("c-p001-s02", "tim-walz", ()), ("c-p002-s01", "tim-walz", ())]


_PIECES = st.sampled_from(
    [
        *("沃尔兹", "迈克·沃尔兹", "州长", "国家安全顾问", "《", "》", "华盛顿", "邮报"),
        *("金牛座", "导弹", "星座", "德国", "Landau", " Christopher Landau "),
        *("Vizeaußenminister", "。", "，", "x"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_context_only_removes_or_narrows(text):
    """The stage never invents a hit: every hit is a raw automaton hit (same span), and its
    concept is the raw one or another concept holding the same surface."""
    raw = {(m.start, m.end): m for m in MATCHER._find(text, None)}
    for match in MATCHER.find(text):
        assert (match.start, match.end) in raw
        owners = {
            concept.id
            for concept, term in GLOSSARY.terms()
            if term.text.casefold() == raw[(match.start, match.end)].term.text.casefold()
        }
        assert {match.concept, *match.alternatives} <= owners
        assert match.concept not in match.alternatives


def test_scan_json_marks_ambiguous_hits(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("沃尔兹表示，会谈顺利。\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["glossary", "scan", str(source), "--json", "--glossary", str(DATA)]
    )
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["ambiguous"] is True
    assert [c["concept"] for c in record["candidates"]] == ["mike-waltz", "tim-walz"]
    assert [c["term_en"] for c in record["candidates"]] == ["Mike Waltz", "Tim Walz"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a homonym needs cues on every concept sharing it but one (the default sense)
        (
            (', near = ["地区", "州"]', ""),
            "'哈尔科夫' (zh-Hans) also belongs to kharkiv-oblast",
        ),
        (("@germany", "@deutschland"), "context cue '@deutschland' of '金牛座' names no concept"),
        # a rendering the pipeline writes must be enforced
        (
            (
                '{ lang = "de", text = "Taurus", status = "preferred" }',
                '{ lang = "de", text = "Taurus", status = "preferred", enforce = false }',
            ),
            "de 'Taurus' is preferred but not enforced",
        ),
    ],
)
def test_validate_checks_context(tmp_path, edit, message):
    text = (DATA / "concepts.toml").read_text(encoding="utf-8")
    old, new = edit
    assert old in text
    (tmp_path / "concepts.toml").write_text(text.replace(old, new), encoding="utf-8")
    assert any(message in problem.message for problem in validate_glossary(tmp_path))
    assert validate_glossary(DATA) == []


def test_require_sources(tmp_path):
    text = (DATA / "concepts.toml").read_text(encoding="utf-8")
    (tmp_path / "concepts.toml").write_text(text, encoding="utf-8")
    problems = validate_glossary(tmp_path, require_sources=True)
    assert problems and all("has no source" in p.message for p in problems)
    sourced = text.replace('status = "preferred" }', 'status = "preferred", source = "Xinhua" }')
    sourced = sourced.replace('form = "shortForm"', 'form = "shortForm", source = "CNA"')
    sourced = sourced.replace('region = "TW" }', 'region = "TW", source = "CNA" }')
    (tmp_path / "concepts.toml").write_text(sourced, encoding="utf-8")
    assert validate_glossary(tmp_path, require_sources=True) == []
