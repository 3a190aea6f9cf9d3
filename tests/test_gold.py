"""The reviewed references in translations/ are the gold corpus: user work beside them stays out."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from toolkit.cli.app import app

from .conftest import ROOT


def test_the_ci_gate_and_gold_exports_take_reviewed_entries_only(tmp_path: Path) -> None:
    """A user's own machine-translated catalog beside the references neither fails the gate
    nor enters the gold corpus."""
    import shutil

    import polib

    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    mine = polib.POFile(wrapwidth=0)
    mine.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    mine.append(
        polib.POEntry(
            msgctxt="mine-p001-s01",
            msgid="北约秘书长吕特表示支持。",
            msgstr="鯈鯈鯈鯈鯈",  # garbage a random model might write
            flags=["fuzzy"],
            comment="source-language: zh-Hans",
        )
    )
    mine.save(str(folder / "mine.en.po"))
    runner = CliRunner()
    gate = runner.invoke(app, ["check", str(folder), "--reviewed-only", "--fail-on", "warning"])
    assert gate.exit_code == 0, gate.output
    everything = runner.invoke(app, ["check", str(folder), "--fail-on", "error"])
    assert everything.exit_code == 1
    out = tmp_path / "gold.jsonl"
    exported = runner.invoke(
        app,
        [
            *("export", "--format", "jsonl", "--pair", "zh-Hans-en", "--reviewed-only"),
            *("--catalog-dir", str(folder), "--out", str(out)),
        ],
    )
    assert exported.exit_code == 0, exported.output
    assert "mine-p001-s01" not in out.read_text(encoding="utf-8")
