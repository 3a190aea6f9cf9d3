"""``toolkit glossary lookup`` without typer or rich: a cold start well under 150 ms.

``import typer`` alone costs 120–200 ms, so the console script tries :func:`run` first; it answers
exactly ``glossary lookup TEXT [--json] [--glossary DIR]`` and returns ``None`` for anything else
(``--help`` included), which then goes to the typer app. Output is byte-identical to the typer
command: both print :func:`toolkit.glossary.lookup.format_lookup`.
"""

from __future__ import annotations

import argparse
import sys
import warnings


class _NotMine(Exception):
    """The arguments are not a plain lookup: let typer deal with them."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise _NotMine(message)


def _parser() -> _Parser:
    parser = _Parser(prog="toolkit glossary lookup", add_help=False)
    parser.add_argument("text")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--glossary", default=None)
    return parser


def run(argv: list[str]) -> int | None:
    """Handle ``--version`` and ``glossary lookup …`` and return the exit code, or None for
    typer to handle."""
    if argv in (["--version"], ["-V"]):
        from toolkit import __version__

        sys.stdout.write(f"toolkit {__version__}\n")
        return 0
    if len(argv) < 3 or argv[0] != "glossary" or argv[1] != "lookup":
        return None
    rest = argv[2:]
    if any(arg in ("-h", "--help") for arg in rest):
        return None
    try:
        options = _parser().parse_args(rest)
    except _NotMine:
        return None
    from pathlib import Path

    from toolkit.errors import ToolkitError, ToolkitWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always", ToolkitWarning)
        warnings.showwarning = show_warning
        try:
            return lookup_command(
                options.text,
                as_json=options.json,
                glossary=Path(options.glossary) if options.glossary else None,
            )
        except ToolkitError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return exc.exit_code


def lookup_command(text: str, *, as_json: bool, glossary) -> int:
    """Print the lookup of ``text`` and return the exit code (shared with the typer command)."""
    from toolkit.config import default_glossary_dir
    from toolkit.glossary.lookup import format_lookup, lookup, not_found_message

    result = lookup(glossary or default_glossary_dir(), text)
    sys.stdout.write(format_lookup(result, as_json=as_json))
    if result.exit_code:
        sys.stderr.write(not_found_message(result) + "\n")
    sys.stdout.flush()
    return result.exit_code


#: The warnings printed by the running command.
SHOWN: set[str] = set()


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` for the CLI: one line on stderr (shared with the typer app),
    each distinct warning once (a folder read twice warns once)."""
    from toolkit.errors import ToolkitWarning

    if str(message) in SHOWN:
        return
    SHOWN.add(str(message))
    if issubclass(category, ToolkitWarning):
        sys.stderr.write(f"warning: {message}\n")
    else:
        sys.stderr.write(f"warning: {category.__name__}: {message}\n")


def main() -> None:
    """Console-script entry point: the fast path, else the full typer app."""
    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from toolkit.cli.app import main as typer_main

    typer_main()
