"""``toolkit render``: the bilingual HTML review page — markup, highlights, CLI, a real browser."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.corpus.catalog import read_units, write_catalogs
from toolkit.corpus.review_page import (
    ReviewRow,
    Span,
    highlight,
    render_page,
    review_pages,
    review_rows,
)
from toolkit.errors import UsageError
from toolkit.glossary.match import Match, matcher_for
from toolkit.glossary.store import load_glossary
from toolkit.models import Term, Unit
from toolkit.qa.checks import Issue
from toolkit.qa.runner import run_checks

QA = Path(__file__).parent / "data" / "qa"
CATALOGS = QA / "catalogs"
GLOSSARY_DIR = QA / "glossary"
GLOSSARY = load_glossary(GLOSSARY_DIR)
MATCHER = matcher_for(GLOSSARY)
SIGNATURE = "toolkit 0.1.0|review fixture"
NASTY = '<script>alert("x")</script> & \'single\' "double" </td></tr> &amp;'
VOID = {"meta", "link", "br", "col", "img", "input", "hr", "wbr", "source", "base"}
HOMONYMS = """\
[[concept]]
id = "mike-waltz"
type = "person"
terms = [
  { lang = "en", text = "Mike Waltz", status = "preferred" },
  { lang = "zh-Hans", text = "迈克·沃尔兹", status = "preferred" },
  { lang = "zh-Hans", text = "沃尔兹", status = "admitted", form = "shortForm" },
]

[[concept]]
id = "tim-walz"
type = "person"
terms = [
  { lang = "en", text = "Tim Walz", status = "preferred" },
  { lang = "zh-Hans", text = "蒂姆·沃尔兹", status = "preferred" },
  { lang = "zh-Hans", text = "沃尔兹", status = "admitted", form = "shortForm" },
]
"""


# --- helpers -------------------------------------------------------------------------------------


class Balance(HTMLParser):
    """Every end tag closes the element opened last: the markup is well formed, not repaired."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.faults: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.faults.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def assert_well_formed(html: str) -> None:
    checker = Balance()
    checker.feed(html)
    checker.close()
    assert checker.faults == [] and checker.stack == [], (checker.faults, checker.stack)


def parse(html: str):
    return lxml.html.document_fromstring(html)


def rows_of(page) -> dict[str, object]:
    return {tr.get("data-segment"): tr for tr in page.xpath("//tr[@data-segment]")}


def cell(row, side: str):
    return row.xpath(f"./td[contains(concat(' ', @class, ' '), ' {side} ')]")[0]


def issue_text(td, number: int) -> str:
    """The text of every fragment of QA mark ``number`` in a cell, in document order."""
    return "".join(m.text_content() for m in td.xpath(f".//mark[@data-issue='{number}']"))


def header(page, key: str) -> list:
    """The header's count chips of ``data-status`` or ``data-severity``."""
    return page.xpath(f"//header//span[@class='count'][@data-{key}]")


def plant(folder: Path, catalog: str, segment: str, old: str, new: str) -> None:
    po = polib.pofile(str(folder / catalog), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == segment)
    assert old in entry.msgstr
    entry.msgstr = entry.msgstr.replace(old, new)
    po.save()


def unit(number: int, source: str, target: str, status: str = "reviewed", note: str = "") -> Unit:
    segment = f"900-p{number:03d}-s01"
    return Unit(
        segment, "900", source, target, "zh-Hans", "en", status, (), SIGNATURE, number, note
    )


CRAFTED = [
    unit(1, f"特朗普说：{NASTY}", f"Trump said: {NASTY}", note=f"reviewer: {NASTY}"),
    unit(2, "北约外长在基辅开会。", "NATO foreign ministers met in Kiev.", "machine"),
    unit(
        3, "他们希望在 2027 年前实现这一目标。", "They want it by 2028.", "needs_review", "debris"
    ),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def catalogs(tmp_path) -> Path:
    """The QA fixture catalogs with faults planted: a forbidden term (on a term hit) and a
    number changed; plus catalog 900 with markup characters, every status and a note."""
    folder = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, folder)
    plant(folder, "001.en.po", "001-p003-s02", "Kyiv", "Kiev")
    plant(folder, "000.en.po", "000-p014-s01", "2027", "2028")
    write_catalogs(folder, CRAFTED, {"900": "seeds/900.txt"}, SIGNATURE)
    return folder


def render(folder: Path, glossary=GLOSSARY) -> dict[str, str]:
    units = list(read_units(folder))
    return {p.name: p.html for p in review_pages(review_rows(units, glossary), glossary)}


# --- the page ------------------------------------------------------------------------------------


def test_one_row_per_unit_in_catalog_order(catalogs) -> None:
    pages = render(catalogs)
    assert sorted(pages) == [f"{n}.html" for n in ("000.en", "001.de", "001.en", "002.en")] + [
        "003.en.html",
        "900.en.html",
    ]
    for name, html in pages.items():
        assert_well_formed(html)
        units = list(read_units(catalogs / name.replace(".html", ".po")))
        trs = parse(html).xpath("//tbody/tr")
        assert [tr.get("data-segment") for tr in trs] == [u.id for u in units]
        for tr, expected in zip(trs, units, strict=True):
            assert tr.get("id") == expected.id and expected.id in tr.xpath("./th")[0].text_content()
            assert cell(tr, "source").text_content() == expected.source
            assert cell(tr, "target").text_content() == expected.target
            assert cell(tr, "source").get("lang") == expected.src_lang
            assert cell(tr, "target").get("lang") == expected.tgt_lang


def test_term_marks_are_the_matcher_hits_on_both_sides(catalogs) -> None:
    for name, html in render(catalogs).items():
        rows = rows_of(parse(html))
        for expected in read_units(catalogs / name.replace(".html", ".po")):
            for side, text, lang in (
                ("source", expected.source, expected.src_lang),
                ("target", expected.target, expected.tgt_lang),
            ):
                marks = cell(rows[expected.id], side).xpath(".//mark[contains(@class, 'term')]")
                hits = MATCHER.find(text, lang)
                assert [(m.get("data-concept"), m.text_content()) for m in marks] == [
                    (h.concept, h.surface) for h in hits
                ]
                for mark, hit in zip(marks, hits, strict=True):
                    name_en = GLOSSARY.get(hit.concept).en
                    assert mark.get("title") == f"{name_en} ({hit.concept})"
                    assert mark.get("class") == "term"
                    assert mark.get("data-term-status") == hit.term.status


def test_qa_findings_are_listed_and_their_spans_marked(catalogs) -> None:
    pages = {name: parse(html) for name, html in render(catalogs).items()}
    issues = list(run_checks(read_units(catalogs), glossary=GLOSSARY))
    assert {(i.segment, i.check) for i in issues} >= {
        ("001-p003-s02", "forbidden-term"),
        ("000-p014-s01", "numbers"),
        ("900-p003-s01", "numbers"),
    }
    listed = 0
    for name, page in pages.items():
        for segment, tr in rows_of(page).items():
            items = tr.xpath(".//ol[@class='issues']/li")
            listed += len(items)
            assert int(tr.get("data-issues")) == len(items)
            for item in items:
                number = int(item.get("data-issue"))
                key = (segment, item.get("data-check"), item.get("data-where"))
                matching = [
                    i
                    for i in issues
                    if (i.segment, i.check, i.where) == key and i.message in item.text_content()
                ]
                assert matching, (name, segment, item.text_content())
                issue = matching[0]
                assert item.get("class") == f"issue {issue.severity}"
                if issue.start is not None and issue.end > issue.start:
                    assert issue_text(cell(tr, issue.where), number) == issue.span
                    mark = cell(tr, issue.where).xpath(f".//mark[@data-issue='{number}']")[0]
                    assert mark.get("class") == f"qa {issue.severity}"
                    assert issue.message in mark.get("title")
    assert listed == len(issues)
    # The planted forbidden term is a term hit and a QA span at once: both marks, nested.
    kiev = rows_of(pages["001.en.html"])["001-p003-s02"]
    term = cell(kiev, "target").xpath(".//mark[@data-concept]")[0]
    assert term.text_content() == "Kiev" and term.get("data-term-status") == "forbidden"
    assert [m.get("data-check") for m in term.xpath("./mark")] == ["forbidden-term"]
    # The German catalog holds the same segment id, correctly spelt: its row has no finding.
    assert rows_of(pages["001.de.html"])["001-p003-s02"].get("data-issues") == "0"


def test_everything_is_escaped(catalogs) -> None:
    html = render(catalogs)["900.en.html"]
    assert_well_formed(html)
    assert html.count("<script>") == 1 and "<script>alert" not in html
    page = parse(html)
    assert len(page.xpath("//script")) == 1 and "alert" not in page.xpath("//script")[0].text
    row = rows_of(page)["900-p001-s01"]
    assert cell(row, "source").text_content() == f"特朗普说：{NASTY}"
    assert cell(row, "target").text_content() == f"Trump said: {NASTY}"
    assert row.xpath(".//span[@data-status]")[0].get("title") == f"reviewer: {NASTY}"
    assert len(page.xpath("//tbody/tr")) == len(CRAFTED)


def test_status_badges_and_header_counts(catalogs) -> None:
    page = parse(render(catalogs)["900.en.html"])
    rows = rows_of(page)
    for expected in CRAFTED:
        badge = rows[expected.id].xpath(".//span[contains(@class, 'badge')]")[0]
        assert badge.get("data-status") == rows[expected.id].get("data-status") == expected.status
        assert badge.get("title") == (expected.note or None)
    labels = [rows[u.id].xpath(".//span[@data-status]")[0].text for u in CRAFTED]
    assert labels == ["reviewed", "machine", "needs review"]
    counts = {c.get("data-status"): int(c.xpath("./b")[0].text) for c in header(page, "status")}
    assert counts == {"reviewed": 1, "machine": 1, "needs_review": 1}
    issues = list(run_checks(CRAFTED, glossary=GLOSSARY))
    severities = {
        c.get("data-severity"): int(c.xpath("./b")[0].text) for c in header(page, "severity")
    }
    assert severities == {
        "error": sum(i.severity == "error" for i in issues),
        "warning": sum(i.severity == "warning" for i in issues),
    }
    assert severities["error"] >= 2  # Kiev and 2027 → 2028
    meta = {dd.get("data-field"): dd.text_content() for dd in page.xpath("//dl/dd")}
    assert meta == {"doc": "900", "target": "en", "source": "zh-Hans", "signature": SIGNATURE}


def test_ambiguous_hits_name_every_candidate(tmp_path) -> None:
    (tmp_path / "homonyms.toml").write_text(HOMONYMS, encoding="utf-8")
    glossary = load_glossary(tmp_path / "homonyms.toml")
    units = [unit(1, "沃尔兹表示没有。", "Tim Walz said no.")]
    [page] = review_pages(review_rows(units, glossary), glossary)
    row = rows_of(parse(page.html))[units[0].id]
    [source] = cell(row, "source").xpath(".//mark")
    assert source.get("class") == "term ambiguous" and source.text_content() == "沃尔兹"
    assert source.get("data-candidates") == "mike-waltz tim-walz"
    assert source.get("title") == "ambiguous: Mike Waltz (mike-waltz) or Tim Walz (tim-walz)"
    [target] = cell(row, "target").xpath(".//mark")
    assert target.get("class") == "term" and target.get("title") == "Tim Walz (tim-walz)"


def term(start: int, end: int, text: str, concept: str = "nato") -> Match:
    return Match(start, end, text[start:end], concept, Term(text[start:end], "en"))


def test_crossing_highlights_split_qa_marks_never_terms() -> None:
    target = "the NATO summit & <Kyiv>"
    row = ReviewRow(
        unit(1, "源", target),
        issues=(
            Issue("900-p001-s01", "900", "numbers", "error", "a", 0, 6),  # "the NA": crosses NATO
            Issue("900-p001-s01", "900", "length", "warning", "b", 4, 20),  # NATO … <K
            Issue("900-p001-s01", "900", "script", "error", "c", 10, 24),  # inside + across
            Issue("900-p001-s01", "900", "numbers", "error", "no span"),
            Issue("900-p001-s01", "900", "numbers", "error", "empty", 3, 3),
        ),
        target_terms=(term(4, 8, target), term(9, 15, target, "nato-summit")),
    )
    html = render_page("900", "en", [row], GLOSSARY)
    assert_well_formed(html)
    td = cell(rows_of(parse(html))["900-p001-s01"], "target")
    assert td.text_content() == target
    terms = td.xpath(".//mark[contains(@class, 'term')]")
    assert [m.text_content() for m in terms] == ["NATO", "summit"]
    for number, issue in enumerate(row.issues[:3]):
        assert issue_text(td, number) == target[issue.start : issue.end]
    assert len(td.xpath(".//mark[@data-issue='0']")) == 2  # split at NATO's start
    assert td.xpath(".//mark[@data-issue='3' or @data-issue='4']") == []
    assert len(rows_of(parse(html))["900-p001-s01"].xpath(".//li")) == 5


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="ab <&\"'中\n", max_size=16),
    cuts=st.lists(st.tuples(st.integers(0, 16), st.integers(0, 16), st.booleans()), max_size=6),
)
def test_any_spans_give_well_formed_markup(text, cuts) -> None:
    spans, term_end = [], 0
    for number, (a, b, is_term) in enumerate(cuts):
        start, end = sorted((a, b))
        if is_term and start >= term_end:  # terms never overlap one another, as the matcher's
            spans.append(Span(start, end, (0, start, -end), f' class="t" data-n="{number}"'))
            term_end = max(term_end, end)
        else:
            spans.append(Span(start, end, (1, start, -end, number), f' data-n="{number}"'))
    markup = highlight(text, spans)
    assert_well_formed(markup)
    root = lxml.html.fragment_fromstring(f"<div>{markup}</div>")
    assert root.text_content() == text
    for number, span in enumerate(spans):
        fragments = root.xpath(f".//mark[@data-n='{number}']")
        if not 0 <= span.start < span.end <= len(text):
            assert fragments == []
            continue
        assert "".join(f.text_content() for f in fragments) == text[span.start : span.end]
        if span.rank[0] == 0:
            assert len(fragments) == 1


def test_the_page_is_self_contained_and_pure(catalogs) -> None:
    html = render(catalogs)["900.en.html"]
    assert html == render(catalogs)["900.en.html"]  # no date, no randomness
    page = parse(html)
    for element in page.iter():
        for attribute in ("src", "href", "action", "srcset", "poster", "data"):
            value = element.get(attribute)
            if value is not None and attribute != "data":
                assert value.startswith(("#", "data:")), (element.tag, attribute, value)
    assert page.xpath("//script[@src] | //link[@rel='stylesheet'] | //img | //iframe") == []
    style = page.xpath("//style")[0].text
    assert "url(" not in style and "@import" not in style and "://" not in html
    csp = page.xpath("//meta[@http-equiv='Content-Security-Policy']")[0].get("content")
    assert "default-src 'none'" in csp
    with pytest.raises(UsageError):
        render_page("900", "de", [ReviewRow(CRAFTED[0])])


# --- the command ---------------------------------------------------------------------------------


def render_cli(runner: CliRunner, *args: str):
    return runner.invoke(app, ["render", *args, "--glossary", str(GLOSSARY_DIR)])


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_cli_writes_a_page_per_catalog(runner, catalogs, tmp_path, monkeypatch) -> None:
    out = tmp_path / "pages"
    result = render_cli(runner, str(catalogs), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote 6 review pages to {out}: 000.en.html, ")
    assert sorted(p.name for p in out.iterdir()) == sorted(render(catalogs))
    assert (out / "900.en.html").read_text(encoding="utf-8") == render(catalogs)["900.en.html"]
    one = render_cli(runner, str(catalogs / "900.en.po"), "--out", str(out), "--reviewed-only")
    assert one.exit_code == 0 and "wrote 1 review page " in one.stderr
    assert len(parse((out / "900.en.html").read_text(encoding="utf-8")).xpath("//tbody/tr")) == 1
    monkeypatch.setenv("TOOLKIT_TRANSLATIONS", str(catalogs))  # the default PATH
    default = render_cli(runner, "--out", str(tmp_path / "default"))
    assert default.exit_code == 0 and len(list((tmp_path / "default").iterdir())) == 6


def misnamed(folder: Path) -> Path:
    """A file given by name must be <doc>.<target>.po (in a folder it is skipped, warned)."""
    return (folder / "900.en.po").rename(folder / "900.po")


def bad_po(folder: Path) -> Path:
    (folder / "000.en.po").write_text("this is not a PO file\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("make_input", "out_name", "message"),
    [
        (lambda c: c / "nowhere", "pages", "no such file or folder"),
        (lambda c: c.parent / "notes.txt", "pages", "not a PO catalog"),
        (misnamed, "pages", "<document>.<target>.po"),
        (bad_po, "pages", "not a valid PO file"),
        (lambda c: c, "notes.txt", "cannot create the output folder"),
        (lambda c: c, "notes.txt/pages", "cannot create the output folder"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(
    runner, catalogs, tmp_path, make_input, out_name, message
) -> None:
    (tmp_path / "notes.txt").write_text("not a catalog\n", encoding="utf-8")
    result = render_cli(runner, str(make_input(catalogs)), "--out", str(tmp_path / out_name))
    line = one_line_error(result)
    assert message in line
    assert not (tmp_path / "pages").exists()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "not a catalog\n"


def test_a_failed_write_leaves_no_partial_file(runner, catalogs, tmp_path, monkeypatch) -> None:
    out = tmp_path / "pages"
    assert render_cli(runner, str(catalogs / "900.en.po"), "--out", str(out)).exit_code == 0
    before = (out / "900.en.html").read_text(encoding="utf-8")
    plant(catalogs, "900.en.po", "900-p002-s01", "Kiev", "Kyiv")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("toolkit.files.os.fsync", disk_full)
    line = one_line_error(render_cli(runner, str(catalogs), "--out", str(out)))
    assert "cannot write the review page (No space left on device)" in line
    assert [p.name for p in out.iterdir()] == ["900.en.html"]  # no temp file, no new page
    assert (out / "900.en.html").read_text(encoding="utf-8") == before


# --- a real browser ------------------------------------------------------------------------------


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("chromium is not installed")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    return subprocess.run(
        [binary, *flags, *args], capture_output=True, text=True, timeout=25, check=True
    )


def test_chromium_renders_rows_terms_and_runs_the_script(runner, catalogs, tmp_path) -> None:
    out = tmp_path / "pages"
    assert render_cli(runner, str(catalogs), "--out", str(out)).exit_code == 0
    page = out / "000.en.html"
    url = page.resolve().as_uri()
    dom = parse(chromium(tmp_path, "--dump-dom", url).stdout)
    units = list(read_units(catalogs / "000.en.po"))
    hits = sum(
        len(MATCHER.find(u.source, u.src_lang)) + len(MATCHER.find(u.target, u.tgt_lang))
        for u in units
    )
    assert [tr.get("data-segment") for tr in dom.xpath("//tbody/tr")] == [u.id for u in units]
    assert len(dom.xpath("//mark[contains(@class, 'term')]")) == hits > 50
    # nothing to repair: the browser's DOM holds exactly the elements written
    written = parse(page.read_text(encoding="utf-8"))
    assert [e.tag for e in dom.iter("mark", "tr", "td", "li")] == [
        e.tag for e in written.iter("mark", "tr", "td", "li")
    ]
    numbers = {m.text_content() for m in dom.xpath("//mark[@data-check='numbers']")}
    assert numbers == {"2027", "2028"}
    # the inline script ran: the Content-Security-Policy hash matches it
    assert dom.xpath("/html")[0].get("data-js") == "ready"
    shot = tmp_path / "page.png"
    chromium(tmp_path, "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
