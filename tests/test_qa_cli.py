"""``toolkit check``: exit codes, table and JSON output, selection, bad input."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.corpus.catalog import read_units
from toolkit.corpus.formats import ExportMeta, get_format
from toolkit.qa import CHECKS
from toolkit.qa.calibrate import calibrate, ranges_from_table

QA = Path(__file__).parent / "data" / "qa"
CATALOGS = QA / "catalogs"
GLOSSARY = QA / "glossary"
JSON_KEYS = {"segment", "doc", "check", "severity", "message", "start", "end", "span", "where"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def fixture_length_ranges(monkeypatch) -> None:
    """Length bounds measured on the fixture catalogs, not the package's (which follow the
    references in translations/ and may change)."""
    ranges = ranges_from_table(calibrate(read_units(CATALOGS), min_units=3))
    monkeypatch.setattr("toolkit.qa.calibrate.package_ranges", lambda: ranges)


@pytest.fixture
def catalogs(tmp_path) -> Path:
    folder = tmp_path / "catalogs"
    shutil.copytree(CATALOGS, folder)
    return folder


def plant(folder: Path, catalog: str, segment: str, old: str, new: str) -> None:
    po = polib.pofile(str(folder / catalog), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == segment)
    assert old in entry.msgstr
    entry.msgstr = entry.msgstr.replace(old, new)
    po.save()


def check(runner: CliRunner, *args: str):
    return runner.invoke(app, ["check", *args, "--glossary", str(GLOSSARY)])


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_clean_catalogs_exit_0(runner) -> None:
    result = check(runner, str(CATALOGS))
    assert result.exit_code == 0, result.output
    assert "no issues" in result.stdout
    assert result.stderr == ""


def test_default_path_is_the_translations_folder(runner, catalogs, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_TRANSLATIONS", str(catalogs))
    assert check(runner).exit_code == 0
    plant(catalogs, "000.en.po", "000-p014-s01", "2027", "2028")
    assert check(runner).exit_code == 1


def test_an_error_exits_1_and_the_table_shows_it(runner, catalogs) -> None:
    plant(catalogs, "001.en.po", "001-p003-s02", "Kyiv", "Kiev")
    result = check(runner, str(catalogs))
    assert result.exit_code == 1, result.output
    for text in ("document 001", "001-p003-s02", "forbidden-term", "error", "Kiev", "Kyiv"):
        assert text in result.stdout
    assert "1 error, 0 warnings" in result.stdout


def test_json_lines_carry_the_issue_and_its_span(runner, catalogs) -> None:
    plant(catalogs, "000.en.po", "000-p014-s01", "2027", "2028")
    plant(catalogs, "000.en.po", "000-p002-s01", "the United States", "the US")
    result = check(runner, str(catalogs), "--json")
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["segment"], r["check"], r["severity"]) for r in records} == {
        ("000-p014-s01", "numbers", "error"),
        ("000-p002-s01", "variant", "warning"),
    }
    units = {unit.id: unit for unit in read_units(catalogs)}
    for record in records:
        assert set(record) >= JSON_KEYS and record["doc"] == "000"
        unit = units[record["segment"]]
        text = unit.source if record["where"] == "source" else unit.target
        assert text[record["start"] : record["end"]] == record["span"]
    spans = {(r["where"], r["span"]) for r in records}
    assert {("source", "2027"), ("target", "2028"), ("target", "US")} <= spans


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ([], 0),
        (["--fail-on", "warning"], 1),
        (["--fail-on", "error"], 0),
        (["--skip", "variant", "--fail-on", "warning"], 0),
    ],
)
def test_warnings_fail_only_when_asked(runner, catalogs, options, code) -> None:
    plant(catalogs, "000.en.po", "000-p002-s01", "the United States", "the US")
    result = check(runner, str(catalogs), *options)
    assert result.exit_code == code, result.output


def test_length_uses_the_calibrated_ranges(runner, catalogs) -> None:
    filler = " It would still be, by all accounts, a gradual and orderly handover." * 3
    plant(catalogs, "000.en.po", "000-p014-s02", "transition.", "transition." + filler)
    assert check(runner, str(catalogs)).exit_code == 0
    result = check(runner, str(catalogs), "--fail-on", "warning", "--json")
    assert result.exit_code == 1
    assert [json.loads(line)["check"] for line in result.stdout.splitlines()] == ["length"]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ([], 1),
        (["--only", "numbers"], 0),
        (["--only", "numbers,terminology"], 1),
        (["--skip", "terminology"], 0),
        (["--skip", "numbers, terminology"], 0),
    ],
)
def test_only_and_skip(runner, catalogs, options, code) -> None:
    plant(catalogs, "000.en.po", "000-p003-s01", "Donald Trump", "He")
    assert check(runner, str(catalogs), *options).exit_code == code


def test_single_po_files_and_reviewed_only(runner, catalogs) -> None:
    plant(catalogs, "003.en.po", "003-p015-s01", "White House", "Presidency")
    assert check(runner, str(catalogs / "000.en.po")).exit_code == 0
    assert check(runner, str(catalogs / "003.en.po")).exit_code == 1
    po = polib.pofile(str(catalogs / "003.en.po"), wrapwidth=0)
    next(e for e in po if e.msgctxt == "003-p015-s01").flags.append("fuzzy")
    po.save()
    assert check(runner, str(catalogs / "003.en.po")).exit_code == 1
    assert check(runner, str(catalogs / "003.en.po"), "--reviewed-only").exit_code == 0


def test_jsonl_exports_are_checked(runner, tmp_path) -> None:
    units = [u for u in read_units(CATALOGS) if (u.src_lang, u.tgt_lang) == ("zh-Hans", "en")]
    jsonl = get_format("jsonl")
    meta = ExportMeta("zh-Hans", "en", "toolkit test")
    clean = tmp_path / "clean.jsonl"
    jsonl.write(units, clean, meta)
    assert check(runner, str(clean)).exit_code == 0
    broken = tmp_path / "broken.jsonl"
    changed = [
        replace(u, target=f"{u.target} {{0}}") if u.id == "000-p014-s01" else u for u in units
    ]
    jsonl.write(changed, broken, meta)
    result = check(runner, str(broken), "--json")
    assert result.exit_code == 1
    assert [json.loads(line)["check"] for line in result.stdout.splitlines()] == ["placeholder"]


def test_list_prints_the_registry(runner) -> None:
    result = runner.invoke(app, ["check", "--list"])
    assert result.exit_code == 0
    for item in CHECKS.values():
        assert item.id in result.stdout
    listed = runner.invoke(app, ["check", "--list", "--json"])
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert records == [
        {"id": c.id, "severity": c.severity, "title": c.title} for c in CHECKS.values()
    ]


def test_missing_path(runner, tmp_path) -> None:
    line = one_line_error(check(runner, str(tmp_path / "nowhere")))
    assert "nowhere" in line and "no such file or folder" in line


def test_unknown_check_id(runner) -> None:
    line = one_line_error(check(runner, str(CATALOGS), "--only", "numbrs"))
    assert "unknown check id: numbrs" in line


def test_unreadable_catalog(runner, catalogs) -> None:
    path = catalogs / "000.en.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("#: seeds", "not PO syntax\n#: seeds", 1), "utf-8")
    line = one_line_error(check(runner, str(catalogs), "--json"))
    assert "000.en.po" in line and "not a valid PO file" in line


def test_unsupported_file_and_bad_options(runner, tmp_path) -> None:
    other = tmp_path / "units.csv"
    other.write_text("a,b\n", "utf-8")
    assert "not a PO catalog" in one_line_error(check(runner, str(other)))
    result = check(runner, str(CATALOGS), "--fail-on", "never")
    assert result.exit_code == 2 and "Traceback" not in result.output
    missing = runner.invoke(app, ["check", str(CATALOGS), "--glossary", str(tmp_path / "none")])
    assert "no glossary here" in one_line_error(missing)


def test_glossary_is_not_needed_without_glossary_checks(runner, tmp_path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(CATALOGS),
            "--glossary",
            str(tmp_path / "none"),
            "--skip",
            "terminology,forbidden-term,variant",
        ],
    )
    assert result.exit_code == 0, result.output


def test_an_empty_folder_warns_and_passes(runner, tmp_path) -> None:
    result = check(runner, str(tmp_path))
    assert result.exit_code == 0
    assert "no PO catalogs" in result.stderr
