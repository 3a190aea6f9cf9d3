"""PO catalogs in translations/: writing, the review loop, obsolete entries, bad catalogs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.mt import packages

from .conftest import ROOT


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_package_file) -> Path:
    """A project folder with two small sources and the zh→en copy model installed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "data" / "packages"))
    monkeypatch.setenv("TOOLKIT_GLOSSARY", str(ROOT / "glossary"))
    packages.install_file(copy_package_file)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(
        "北约秘书长吕特表示支持。格陵兰危机之后,欧洲领导人开会。\n"
    )
    (tmp_path / "src" / "b.txt").write_text("北约秘书长吕特表示支持。\n")
    return tmp_path


def translate(*args: str) -> list[dict]:
    # The copy model echoes Chinese, which the QA gate flags: these tests are about catalogs.
    command = ["translate", "src", "--to", "en", "--json", "--no-check", *args]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_catalogs_are_written_per_document_with_signature_and_references(workspace) -> None:
    records = translate()
    assert {r["status"] for r in records} == {"machine"}
    assert sorted(p.name for p in (workspace / "translations").iterdir()) == ["a.en.po", "b.en.po"]
    po = polib.pofile(str(workspace / "translations" / "a.en.po"))
    assert po.metadata["Language"] == "en"
    assert "model:translate-zh_en-test_copy" in po.metadata["X-Toolkit-Signature"]
    first = po[0]
    assert first.msgctxt == "a-p001-s01" and first.msgid == "北约秘书长吕特表示支持。"
    assert "fuzzy" in first.flags
    assert first.occurrences == [("src/a.txt", "1")]
    assert 'term: ["nato-secretary-general"' in first.comment
    if shutil.which("msgfmt"):
        for path in (workspace / "translations").iterdir():
            subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


def review(path: Path, msgctxt: str, text: str) -> None:
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == msgctxt)
    entry.msgstr = text
    entry.flags.remove("fuzzy")
    po.save(str(path))


def test_reviewed_entries_are_kept_and_reused_for_identical_sentences(workspace) -> None:
    translate()
    review(workspace / "translations" / "a.en.po", "a-p001-s01", "Rutte said he was in favour.")
    before = (workspace / "translations" / "a.en.po").read_text()
    records = {r["segment"]: r for r in translate()}
    assert records["a-p001-s01"]["status"] == "reviewed"
    assert records["a-p001-s01"]["target"] == "Rutte said he was in favour."
    # The same sentence in another document comes from the memory as reviewed work.
    assert records["b-p001-s01"]["status"] == "reviewed"
    assert records["b-p001-s01"]["target"] == "Rutte said he was in favour."
    assert records["a-p001-s02"]["status"] == "memory"
    after = (workspace / "translations" / "a.en.po").read_text()
    assert after == before  # nothing changed, not even the revision date


def test_a_changed_source_makes_the_old_entry_obsolete(workspace) -> None:
    translate()
    review(workspace / "translations" / "a.en.po", "a-p001-s01", "Rutte said he was in favour.")
    (workspace / "src" / "a.txt").write_text(
        "北约秘书长吕特表示反对。格陵兰危机之后,欧洲领导人开会。\n"
    )
    records = {r["segment"]: r for r in translate()}
    assert records["a-p001-s01"]["status"] == "machine"
    po = polib.pofile(str(workspace / "translations" / "a.en.po"))
    (old,) = po.obsolete_entries()
    assert old.msgstr == "Rutte said he was in favour." and old.msgid.endswith("支持。")
    active = next(e for e in po if e.msgctxt == "a-p001-s01" and not e.obsolete)
    assert "fuzzy" in active.flags
    # Back to the old sentence: the reviewed entry returns from the obsolete ones.
    (workspace / "src" / "a.txt").write_text(
        "北约秘书长吕特表示支持。格陵兰危机之后,欧洲领导人开会。\n"
    )
    records = {r["segment"]: r for r in translate()}
    assert records["a-p001-s01"]["status"] == "reviewed"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text.replace('msgstr ""', 'msgstr ""\nmsgfoo "x"', 1), "a.en.po:"),
        (
            lambda text: text.replace('msgctxt "a-p001-s01"', 'msgctxt "zzz"'),
            "msgctxt 'zzz' names no segment of document a",
        ),
        (lambda text: text.replace('msgctxt "a-p001-s01"\n', ""), "has no msgctxt"),
    ],
)
def test_a_damaged_catalog_is_one_line_and_exit_2(workspace, damage, message) -> None:
    translate()
    path = workspace / "translations" / "a.en.po"
    path.write_text(damage(path.read_text()))
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["translate", "src", "--to", "en"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_an_unwritable_catalog_folder_is_one_line_and_exit_2(workspace) -> None:
    (workspace / "blocked").write_text("a file where a folder should be")
    result = CliRunner().invoke(
        app, ["translate", "src", "--to", "en", "--catalog-dir", "blocked/sub"]
    )
    assert result.exit_code == 2
    assert "cannot create the catalog folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # The glossary's zh-Hant forms (北約秘書長, not s2twp's 祕), short form for short form,
        # the rest converted with regional phrasing (Taiwan: 支持 → 支援).
        ("zh-Hant", "北約秘書長呂特表示支援。"),
        ("zh-Hant-HK", "北約秘書長呂特表示支持。"),
        ("zh-Hans", "北约秘书长吕特表示支持。"),
    ],
)
def test_chinese_targets_of_a_chinese_source(workspace, target: str, expected: str) -> None:
    result = CliRunner().invoke(app, ["translate", "src/b.txt", "--to", target, "--json"])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["target"] == expected
    assert (workspace / "translations" / f"b.{target}.po").exists()


def test_committed_catalogs_pass_msgfmt_check() -> None:
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt is not installed")
    catalogs = sorted((ROOT / "translations").glob("*.po"))
    assert len(catalogs) == 4
    for path in catalogs:
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


def test_the_main_job_reproduces_the_references_offline(tmp_path: Path, monkeypatch) -> None:
    """README's `toolkit translate seeds --to en` with no package and an empty memory."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-packages"))
    catalogs = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", catalogs)
    before = {p.name: entries(p) for p in catalogs.iterdir()}
    result = CliRunner().invoke(
        app,
        [
            "translate",
            "seeds",
            "--to",
            "en",
            "--no-install",
            "--json",
            "--catalog-dir",
            str(catalogs),
        ],
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 269
    assert {r["status"] for r in records} == {"reviewed"}
    # Reviewed entries are untouched (the header's signature follows the glossary in use).
    assert {p.name: entries(p) for p in catalogs.iterdir()} == before


def entries(path: Path) -> list[tuple]:
    return [
        (e.msgctxt, e.msgid, e.msgstr, e.flags, e.tcomment, e.obsolete)
        for e in polib.pofile(str(path))
    ]
