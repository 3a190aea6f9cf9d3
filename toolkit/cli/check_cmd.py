"""``toolkit check``: quality checks over PO catalogs or a JSONL export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toolkit.cli.options import GlossaryOption

if TYPE_CHECKING:
    from toolkit.qa.checks import Issue
    from toolkit.qa.runner import Report

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow"}


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app`` (or to a shared group in ``toolkit.cli.groups``)."""

    @app.command("check")
    def check(
        paths: Annotated[
            list[Path] | None,
            typer.Argument(
                metavar="[PATH]...",
                help="Catalog folders, .po files or .jsonl exports (default: the translations "
                "folder, $TOOLKIT_TRANSLATIONS or ./translations).",
                show_default=False,
            ),
        ] = None,
        json_lines: Annotated[
            bool, typer.Option("--json", help="One JSON object per issue and line.")
        ] = False,
        fail_on: Annotated[
            FailOn,
            typer.Option(
                "--fail-on", help="Exit 1 when an issue of this severity or worse is found."
            ),
        ] = FailOn.error,
        only: Annotated[
            str | None,
            typer.Option("--only", metavar="ID,...", help="Run only these checks (see --list)."),
        ] = None,
        skip: Annotated[
            str | None, typer.Option("--skip", metavar="ID,...", help="Skip these checks.")
        ] = None,
        glossary: GlossaryOption = None,
        reviewed_only: Annotated[
            bool, typer.Option("--reviewed-only", help="Check human-reviewed entries only.")
        ] = False,
        list_checks: Annotated[
            bool, typer.Option("--list", help="List the checks (id, severity, title) and exit.")
        ] = False,
    ) -> None:
        """Check translations: glossary terms, numbers, placeholders, consistency, length.

        Exit code 0 when clean, 1 when an issue at or above --fail-on is found, 2 on bad input.
        """
        from toolkit.qa.runner import check_paths, parse_ids

        if list_checks:
            _print_checks(json_lines)
            return
        if not paths:
            from toolkit.config import default_translations_dir

            paths = [default_translations_dir()]
        report = check_paths(
            paths,
            only=parse_ids(only),
            skip=parse_ids(skip),
            glossary_dir=glossary,
            reviewed_only=reviewed_only,
        )
        if json_lines:
            from toolkit.cli.render import json_line

            for issue in report.issues:
                json_line(issue.record())
        else:
            _print_report(report)
        if report.fails(fail_on.value):
            raise typer.Exit(1)


def _print_checks(json_lines: bool) -> None:
    from toolkit.cli import render
    from toolkit.qa.checks import CHECKS

    if json_lines:
        for item in CHECKS.values():
            render.json_line({"id": item.id, "severity": item.severity, "title": item.title})
        return
    render.table(
        ["id", "severity", "title"],
        [(item.id, _severity(item.severity), item.title) for item in CHECKS.values()],
        caption=f"{len(CHECKS)} checks",
    )


def _severity(severity: str):  # -> rich.text.Text
    from toolkit.cli.render import styled

    return styled(severity, [(0, len(severity), SEVERITY_STYLES.get(severity, ""))])


def _message(issue: Issue):  # -> rich.text.Text
    """The message, then an excerpt of the text it points into with the span highlighted."""
    from toolkit.cli.render import styled

    if not issue.excerpt:
        return styled(issue.message)
    prefix = f"{issue.message}\n{issue.where}: "
    start = len(prefix) + issue.excerpt_offset
    text = prefix + issue.excerpt.replace("\n", " ")
    return styled(text, [(start, start + len(issue.span), "bold red")])


def _print_report(report: Report) -> None:
    from toolkit.cli import render

    for (doc, target), issues in report.by_catalog().items():
        render.table(
            ["unit", "check", "severity", ("message", {"overflow": "fold"})],
            [
                (issue.segment, issue.check, _severity(issue.severity), _message(issue))
                for issue in issues
            ],
            title=f"document {doc} → {target}",
        )
    checked = (
        f"{_count(report.units, 'unit')} in {_count(report.documents, 'document')}, "
        f"{_count(len(report.checks), 'check')}"
    )
    if report.issues:
        errors, warnings = report.count("error"), report.count("warning")
        summary = f"{_count(errors, 'error')}, {_count(warnings, 'warning')} ({checked})"
    else:
        summary = f"no issues ({checked})"
    render.console().print(summary)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
