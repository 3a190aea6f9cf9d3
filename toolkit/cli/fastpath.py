"""``toolkit glossary lookup`` without typer or rich: a cold start well under 150 ms.

``import typer`` alone costs 120–200 ms, so the console script tries :func:`run` first; it answers
exactly ``glossary lookup TEXT [--json] [--glossary DIR]`` and returns ``None`` for anything else
(``--help`` included), which then goes to the typer app. Output is byte-identical to the typer
command: both print :func:`toolkit.glossary.lookup.format_lookup`.
"""

from __future__ import annotations

import sys
import warnings


def _lookup_options(rest: list[str]) -> tuple[str, bool, str | None] | None:
    """(text, --json, --glossary) of ``TEXT [--json] [--glossary DIR]`` in any order, or None
    for anything else (typer then handles it and its errors). Parsed by hand: importing
    argparse costs ~15 ms of the budget."""
    text: str | None = None
    as_json = False
    glossary: str | None = None
    position = 0
    while position < len(rest):
        arg = rest[position]
        if arg == "--json":
            as_json = True
        elif arg == "--glossary" and position + 1 < len(rest):
            position += 1
            glossary = rest[position]
        elif arg.startswith("--glossary="):
            glossary = arg.split("=", 1)[1]
        elif arg == "--":
            if text is not None or position + 2 != len(rest):
                return None
            text = rest[position + 1]
            break
        elif arg.startswith("-") or text is not None:
            return None
        else:
            text = arg
        position += 1
    return None if text is None else (text, as_json, glossary)


def run(argv: list[str]) -> int | None:
    """Handle ``--version`` and ``glossary lookup …`` and return the exit code, or None for
    typer to handle."""
    if argv in (["--version"], ["-V"]):
        from toolkit import __version__

        sys.stdout.write(f"toolkit {__version__}\n")
        return 0
    if len(argv) < 3 or argv[0] != "glossary" or argv[1] != "lookup":
        return None
    options = _lookup_options(argv[2:])
    if options is None:
        return None
    text, as_json, glossary = options
    from pathlib import Path

    from toolkit.errors import ToolkitError, ToolkitWarning

    with warnings.catch_warnings():
        warnings.simplefilter("always", ToolkitWarning)
        warnings.showwarning = show_warning
        try:
            return lookup_command(
                text, as_json=as_json, glossary=Path(glossary) if glossary else None
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
