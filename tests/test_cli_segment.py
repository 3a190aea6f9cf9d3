"""``toolkit segment``: table and JSON output, folders, bad input (one line, exit code)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.ingest import read_document

REQUIRED_KEYS = {"id", "doc", "start", "end", "text", "lang", "script", "kind"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def json_records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_json_lines_for_the_seed_folder(runner, seeds_dir) -> None:
    result = runner.invoke(app, ["segment", str(seeds_dir), "--json"])
    assert result.exit_code == 0, result.output
    records = json_records(result.stdout)
    assert {record["doc"] for record in records} == {"000", "001", "002", "003"}
    assert len({record["id"] for record in records}) == len(records)
    texts = {path.name[:3]: read_document(path).text for path in seeds_dir.iterdir()}
    for record in records:
        assert REQUIRED_KEYS | {"norm", "paragraph", "line"} <= set(record)
        assert texts[record["doc"]][record["start"] : record["end"]] == record["text"]
    kinds = {record["kind"] for record in records}
    assert kinds == {"title", "heading", "body", "caption", "notice"}
    english = [record for record in records if record["lang"] == "en"]
    assert [record["id"] for record in english] == ["002-p072-s01"]
    assert english[0]["script"] == "Latn" and english[0]["kind"] == "notice"


def test_json_output_is_stable_across_runs(runner, seeds_dir) -> None:
    seed = str(seeds_dir / "002_261bc47499c68323.txt")
    first = runner.invoke(app, ["segment", seed, "--json"]).stdout
    second = runner.invoke(app, ["segment", seed, "--json"]).stdout
    assert first == second and first


def test_table_shows_ids_kinds_and_languages(runner, seeds_dir) -> None:
    result = runner.invoke(app, ["segment", str(seeds_dir / "003_a682e5df6a827f2e.txt")])
    assert result.exit_code == 0, result.output
    assert "003-p001-s01" in result.stdout
    assert "heading" in result.stdout and "de" in result.stdout
    count = len(
        json_records(
            runner.invoke(
                app, ["segment", str(seeds_dir / "003_a682e5df6a827f2e.txt"), "--json"]
            ).stdout
        )
    )
    assert f"{count} segments" in result.stdout


def test_several_files_in_the_order_given(runner, seeds_dir) -> None:
    files = [seeds_dir / "003_a682e5df6a827f2e.txt", seeds_dir / "000_1af9f7c0197d13b8.txt"]
    result = runner.invoke(app, ["segment", *map(str, files), "--json"])
    docs = [record["doc"] for record in json_records(result.stdout)]
    assert docs[0] == "003" and docs[-1] == "000"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"gut\n\xff\xfe kaputt\n", "not valid UTF-8: byte 0xff at offset 4"),
        (b"\x00\x01\x02\x03", "binary file"),
        ("Text".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner, tmp_path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = runner.invoke(app, ["segment", str(path), "--json"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and str(path) in lines[0] and message in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_missing_path_exits_2(runner, tmp_path) -> None:
    result = runner.invoke(app, ["segment", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.txt'}: no such file or folder"


def test_duplicate_ids_exit_2_before_any_output(runner, tmp_path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x_0123456789abcdef.txt").write_text("Satz.", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    assert result.exit_code == 2
    assert "document id 'x' is already taken" in result.stderr
    assert result.stdout == ""


def test_empty_file_warns_and_exits_0(runner, tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    full = tmp_path / "full.txt"
    full.write_text("Ein Satz. Noch einer.", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(empty), str(full), "--json"])
    assert result.exit_code == 0
    assert result.stderr.strip() == f"warning: {empty}: empty file, no segments"
    assert [record["id"] for record in json_records(result.stdout)] == [
        "full-p001-s01",
        "full-p001-s02",
    ]


def test_bom_and_crlf_are_handled(runner, tmp_path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfErster Satz.\r\nZweiter Satz.\r\n")
    result = runner.invoke(app, ["segment", str(path), "--json"])
    assert result.exit_code == 0
    assert [record["text"] for record in json_records(result.stdout)] == [
        "Erster Satz.",
        "Zweiter Satz.",
    ]


def test_help_lists_the_command(runner) -> None:
    result = runner.invoke(app, ["segment", "--help"])
    assert result.exit_code == 0
    assert "--json" in result.stdout
