"""The README's command table and the CLI never disagree (issue 13): every command the CLI has is
in the table, and every flag the table names is in that command's --help."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from toolkit.cli.app import app

from .conftest import ROOT

_ROW = re.compile(r"^\| `toolkit (?P<usage>[^`]+)` \|")
_FLAG = re.compile(r"(?<![\w-])(?:--[a-z][a-z0-9-]*|-[a-zA-Z](?![\w-]))")


def readme_rows() -> list[tuple[tuple[str, ...], set[str]]]:
    """(command path, flags) of each row of the README's table: the leading lower-case words
    are the command (``glossary lookup``), every ``--flag`` after them an option."""
    rows = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        words = match["usage"].split()
        path: list[str] = []
        while words and re.fullmatch(r"[a-z]+", words[0]):
            path.append(words.pop(0))
        rows.append((tuple(path), set(_FLAG.findall(" ".join(words)))))
    return rows


def cli_commands() -> set[tuple[str, ...]]:
    """Every runnable command of the CLI, as its path of names."""
    found: set[tuple[str, ...]] = set()

    def walk(command, path: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)  # a group (typer bundles its own click)
        if children:
            for name, child in children.items():
                walk(child, (*path, name))
        else:
            found.add(path)

    walk(typer.main.get_command(app), ())
    return found


ROWS = readme_rows()


def test_the_table_lists_every_command_and_nothing_else() -> None:
    listed = {path for path, _ in ROWS}
    assert listed == cli_commands()


@pytest.mark.parametrize(("path", "flags"), ROWS, ids=[" ".join(p) for p, _ in ROWS])
def test_every_flag_the_readme_names_is_in_help(path: tuple[str, ...], flags: set[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=300)
    assert result.exit_code == 0, result.output
    missing = {
        flag for flag in flags if not re.search(rf"(?<![\w-]){re.escape(flag)}\b", result.output)
    }
    assert not missing, f"toolkit {' '.join(path)} --help lacks {sorted(missing)}"
