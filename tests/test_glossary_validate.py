"""``toolkit glossary validate``: every problem as file:line, exit 2; clean glossaries pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.glossary.validate import validate_glossary

DATA = Path(__file__).parent / "data" / "glossary"
runner = CliRunner()
LINE = re.compile(r"^(?P<path>[^:]+\.toml):(?P<line>\d+): (?P<message>.+)$")


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("broken-duplicate-id", [("b.toml", 2, "duplicate concept id 'nato'")]),
        (
            "broken-language",
            [
                ("terms.toml", 6, "unknown language code 'ru'"),
                ("terms.toml", 14, "unknown language code 'fr'"),  # the second one too
            ],
        ),
        ("broken-toml", [("terms.toml", 5, "not valid TOML")]),
        (
            "broken-shared-surface",
            [
                ("terms.toml", 6, "'意愿联盟' (zh-Hans) also belongs to voluntary-alliance"),
                ("terms.toml", 14, "'意願聯盟' (zh-Hant) also belongs to coalition-of-the-willing"),
                ("terms.toml", 14, "zh-Hant '意願聯盟' has no zh-Hans counterpart"),
            ],
        ),
        (
            "broken-preferred",
            [
                ("terms.toml", 5, "en has terms but no preferred one"),
                ("terms.toml", 7, "de has 2 preferred terms"),
            ],
        ),
        ("broken-hant", [("terms.toml", 7, "zh-Hant '川普' has no zh-Hans counterpart")]),
    ],
)
def test_broken_glossaries(folder, expected):
    result = runner.invoke(app, ["glossary", "validate", "--glossary", str(DATA / folder)])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected), result.stdout
    for line, (file, number, message) in zip(lines, expected, strict=True):
        parsed = LINE.match(line)
        assert parsed, line
        assert Path(parsed["path"]).name == file
        assert int(parsed["line"]) == number
        assert message in parsed["message"]
    assert "Traceback" not in result.output


def test_unknown_seen_documents_need_seeds(seeds_dir):
    folder = DATA / "broken-seen"
    assert validate_glossary(folder) == []
    problems = validate_glossary(folder, seeds_dir)
    assert [(p.line, "'999'" in p.message) for p in problems] == [(5, True)]
    result = runner.invoke(
        app, ["glossary", "validate", "--glossary", str(folder), "--seeds", str(seeds_dir)]
    )
    assert result.exit_code == 2


def test_missing_seeds_folder_is_one_line(tmp_path):
    result = runner.invoke(
        app,
        ["glossary", "validate", "--glossary", str(DATA / "basic"), "--seeds", str(tmp_path / "x")],
    )
    assert result.exit_code == 2
    assert "seeds folder not found" in result.output
    assert "Traceback" not in result.output


def test_missing_glossary_folder(tmp_path):
    result = runner.invoke(app, ["glossary", "validate", "--glossary", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no glossary here" in result.output


def test_clean_fixture_passes():
    result = runner.invoke(app, ["glossary", "validate", "--glossary", str(DATA / "basic")])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stdout


def test_real_glossary_passes(root, seeds_dir):
    glossary = root / "glossary"
    if not list(glossary.glob("*.toml")):
        pytest.skip("the real glossary is not there yet")
    problems = validate_glossary(glossary, seeds_dir)
    assert [str(p) for p in problems] == []


def test_problems_are_collected_across_files(tmp_path):
    for name in ("broken-toml", "broken-language"):
        for file in (DATA / name).glob("*.toml"):
            (tmp_path / f"{name}-{file.name}").write_text(file.read_text(encoding="utf-8"))
    problems = validate_glossary(tmp_path)
    messages = [p.message for p in problems]
    assert sum("unknown language code" in m for m in messages) == 2
    assert sum("not valid TOML" in m for m in messages) == 1


@pytest.mark.parametrize(
    ("text", "lang", "why"),
    [
        ("1941年12月7日", "zh-Hans", "a date or number"),
        ("1941 年 12 月 7 日", "zh-Hans", "a date or number"),
        ("7. Dezember 1941", "de", None),  # a date in words is left to the reviewer
        ("2035", "en", "a date or number"),
        ("5%", "en", "a date or number"),
        ("美", "zh-Hans", "a single Chinese character"),
        ("der", "de", "an article or preposition"),
        ("美国", "zh-Hans", None),
        ("EU", "en", None),
    ],
)
def test_terms_that_are_not_terms(tmp_path: Path, text: str, lang: str, why: str | None) -> None:
    (tmp_path / "c.toml").write_text(
        '[[concept]]\nid = "x"\ntype = "event"\nterms = [\n'
        '  { lang = "en", text = "Something", status = "preferred" },\n'
        f'  {{ lang = "{lang}", text = "{text}", status = "admitted" }},\n'
        '  { lang = "de", text = "Etwas", status = "preferred" },\n'
        '  { lang = "zh-Hans", text = "某事", status = "preferred" },\n]\n',
        encoding="utf-8",
    )
    messages = [problem.message for problem in validate_glossary(tmp_path)]
    if why is None:
        assert not any("not a term" in m for m in messages), messages
    else:
        assert any(f"is {why}, not a term" in m for m in messages), messages
