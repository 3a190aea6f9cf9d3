"""Atomic writes keep the file's mode (or the umask's default), and unchanged catalogs stay."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from toolkit.corpus.catalog import write_catalogs
from toolkit.corpus.formats import atomic_outputs
from toolkit.files import atomic_writer
from toolkit.models import Unit


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_with_atomic_writer(path: Path) -> None:
    with atomic_writer(path) as handle:
        handle.write("new")


def write_with_atomic_outputs(path: Path) -> None:
    with atomic_outputs(path) as (temp,):
        temp.write_text("new", encoding="utf-8")


WRITERS = [write_with_atomic_writer, write_with_atomic_outputs]


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize("existing", [0o644, 0o640, 0o600, 0o664])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, write, existing: int) -> None:
    path = tmp_path / "file.txt"
    path.write_text("old", encoding="utf-8")
    path.chmod(existing)
    write(path)
    assert path.read_text(encoding="utf-8") == "new"
    assert mode(path) == existing


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_a_new_file_gets_the_umask_default(tmp_path: Path, write, umask: int) -> None:
    old = os.umask(umask)
    try:
        write(tmp_path / "new.txt")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.txt") == 0o666 & ~umask
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_a_run_that_changes_nothing_does_not_rewrite_the_catalog(tmp_path: Path) -> None:
    unit = Unit("d-p001-s01", "d", "北约表示支持。", "NATO voiced support.", "zh-Hans", "en")
    (first,) = write_catalogs(tmp_path, [unit], {"d": "d.txt"}, "sig")
    first.chmod(0o640)
    before = first.stat().st_mtime_ns, first.read_bytes()
    os.utime(first, ns=(before[0] - 10**9, before[0] - 10**9))
    stamp = first.stat().st_mtime_ns
    assert write_catalogs(tmp_path, [unit], {"d": "d.txt"}, "sig") == []
    assert first.stat().st_mtime_ns == stamp and first.read_bytes() == before[1]
    changed = Unit(unit.id, "d", unit.source, "NATO said it supported it.", "zh-Hans", "en")
    assert write_catalogs(tmp_path, [changed], {"d": "d.txt"}, "sig") == [first]
    assert mode(first) == 0o640
