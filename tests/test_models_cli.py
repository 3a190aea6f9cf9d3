"""`toolkit models …` and package installation: valid, corrupt and malicious packages, offline."""

from __future__ import annotations

import io
import json
import stat
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.errors import ModelError
from toolkit.mt import packages


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    return tmp_path / "packages"


def run(*args: str):
    return CliRunner().invoke(app, ["models", *args])


def test_install_list_remove(packages_dir: Path, copy_package_file: Path) -> None:
    result = run("install", "--file", str(copy_package_file))
    assert result.exit_code == 0, result.output
    assert "installed translate-zh_en-test_copy (zh→en)" in result.stderr
    listed = run("list")
    assert "zh→en" in listed.stdout and "translate-zh_en-test_copy" in listed.stdout
    assert packages.route("zh", "en") == [packages.find_package("zh", "en")]
    # Reinstalling replaces the old package of the pair instead of adding a second one.
    assert run("install", "--file", str(copy_package_file)).exit_code == 0
    assert len(packages.installed_packages()) == 1
    assert run("remove", "zh", "en").exit_code == 0
    assert packages.installed_packages() == []


def test_pivot_routes_through_english(packages_dir: Path, tmp_path: Path) -> None:
    from toolkit.testing.models import build_package

    for a, b in (("de", "en"), ("en", "zh")):
        packages.install_file(build_package("copy", a, b, tmp_path / f"{a}_{b}.argosmodel"))
    route = packages.route("de", "zh")
    assert [(p.from_code, p.to_code) for p in route] == [("de", "en"), ("en", "zh")]
    assert packages.missing_pairs("zh", "de") == [("zh", "en"), ("en", "de")]


def zip_with(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


META = json.dumps({"from_code": "zh", "to_code": "en", "type": "translate"}).encode()
GOOD = {"p/metadata.json": META, "p/model/model.bin": b"x", "p/sentencepiece.model": b"x"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "not an Argos package (not a zip archive)"),
        (zip_with({**GOOD, "p/../../evil.txt": b"x"}), "escapes the package folder"),
        (zip_with({**GOOD, "/abs/evil.txt": b"x"}), "escapes the package folder"),
        (zip_with(GOOD, symlink="p/model/link"), "refusing symlink entry"),
        (zip_with({k: v for k, v in GOOD.items() if "metadata" not in k}), "no metadata.json"),
        (zip_with({k: v for k, v in GOOD.items() if "model.bin" not in k}), "no CTranslate2 model"),
        (zip_with({k: v for k, v in GOOD.items() if "sentencepiece" not in k}), "no tokenizer"),
        (zip_with({**GOOD, "q/other": b"x"}), "exactly one top-level folder"),
        (zip_with({**GOOD, "p/metadata.json": b"{oops"}), "unreadable metadata.json"),
    ],
)
def test_bad_packages_are_refused_and_leave_nothing(
    packages_dir: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    archive = tmp_path / "bad.argosmodel"
    archive.write_bytes(content)
    result = run("install", "--file", str(archive))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "evil.txt").exists()
    leftovers = list(packages_dir.iterdir()) if packages_dir.exists() else []
    assert leftovers == []


def test_a_truncated_package_is_corrupt(
    packages_dir: Path, tmp_path: Path, copy_package_file
) -> None:
    archive = tmp_path / "cut.argosmodel"
    archive.write_bytes(copy_package_file.read_bytes()[:-5000])
    with pytest.raises(ModelError):
        packages.install_file(archive)
    assert packages.installed_packages() == []


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["available"], "the Argos package index is unreachable"),
        (["install", "zh", "en"], "no zh→en package installed and the Argos package index"),
    ],
)
def test_offline_index_commands_fail_in_one_line(packages_dir, offline, args, message) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "--file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_translate_offline_names_the_missing_pair(packages_dir, offline, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Die NATO verhandelt.\n")
    result = CliRunner().invoke(app, ["translate", str(source), "--to", "en", "--no-catalogs"])
    assert result.exit_code == 2
    assert "de→en" in result.stderr and "--file" in result.stderr


def test_remove_of_a_missing_pair_is_one_line(packages_dir) -> None:
    result = run("remove", "de", "en")
    assert result.exit_code == 2
    assert "no de→en package is installed" in result.stderr


def test_importing_the_toolkit_creates_no_folders(tmp_path: Path) -> None:
    import subprocess

    home = tmp_path / "home"
    home.mkdir()
    code = "import toolkit.mt.packages, toolkit.mt.pipeline, toolkit.cli.app"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert list(home.iterdir()) == []
