"""Small promises a new user meets in the first hour (issue 14): each one checked as used."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.ingest import iter_documents

from .conftest import ROOT

runner = CliRunner()


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_from_the_fast_path_and_from_typer(flag: str) -> None:
    from toolkit import __version__

    fast = subprocess.run(
        [sys.executable, "-m", "toolkit", flag], capture_output=True, text=True, check=True
    )
    assert fast.stdout == f"toolkit {__version__}\n"
    typed = runner.invoke(app, [flag])
    assert typed.exit_code == 0 and typed.stdout == f"toolkit {__version__}\n"


def test_lookup_json_answers_a_miss_with_a_record() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "glossary", "lookup", "qqqxxyyzz", "--json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"query": "qqqxxyyzz", "concept": None, "found": False}
    ]


def test_folders_are_read_recursively_hidden_ones_left_out(tmp_path: Path) -> None:
    (tmp_path / "2025" / "03").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    (tmp_path / "a.txt").write_text("北约表示支持。\n", "utf-8")
    (tmp_path / "2025" / "03" / "b.md").write_text("北约表示支持。\n", "utf-8")
    (tmp_path / "2025" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".cache" / "c.txt").write_text("北约表示支持。\n", "utf-8")
    assert [d.id for d in iter_documents([tmp_path])] == ["b", "a"]  # 2025/03/b.md < a.txt


def test_one_wrongly_named_catalog_is_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    (folder / "draft.po").write_text((folder / "003.en.po").read_text("utf-8"), "utf-8")
    out = tmp_path / "de.jsonl"
    args = ["export", "--format", "jsonl", "--pair", "de-en", "--catalog-dir", str(folder)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("draft.po: not named <document>.<target>.po, skipped") == 1
    assert out.exists()
    named = runner.invoke(app, [*args[:-2], "--catalog-dir", str(folder / "draft.po")])
    assert named.exit_code == 2  # named explicitly, it is an error


def test_check_names_the_catalog(tmp_path: Path) -> None:
    import polib

    folder = tmp_path / "catalogs"
    folder.mkdir()
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.append(polib.POEntry(msgctxt="x-p001-s01", msgid="他说。", msgstr="", flags=["fuzzy"]))
    po.save(str(folder / "x.de.po"))
    result = runner.invoke(app, ["check", str(folder), "--only", "untranslated"])
    assert "document x → de" in result.stdout
    record = json.loads(
        runner.invoke(app, ["check", str(folder), "--only", "untranslated", "--json"]).stdout
    )
    assert record["target"] == "de" and record["doc"] == "x"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "zh"], "--from zh, but the text is de"),
        (["--device", "cuda"], "--device cuda, but no CUDA device is visible"),
        (["--compute-type", "bogus"], "unknown compute type 'bogus'"),
    ],
)
def test_options_are_checked_before_any_work(tmp_path: Path, args, message) -> None:
    """Even when the memory covers everything (the references do, offline), a wrong option is
    one line and exit 2, and nothing is written."""
    pytest.importorskip("ctranslate2")
    import ctranslate2

    if "cuda" in args and ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a CUDA device")
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    seed = ROOT / "seeds" / "003_a682e5df6a827f2e.txt"
    result = runner.invoke(
        app,
        ["translate", str(seed), "--to", "en", "--catalog-dir", str(folder), *args],
        env={"TOOLKIT_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_translate_help_says_what_zh_hant_means() -> None:
    result = runner.invoke(app, ["translate", "--help"], terminal_width=200)
    assert "zh-Hant alone means zh-Hant-TW" in " ".join(result.stdout.split())
