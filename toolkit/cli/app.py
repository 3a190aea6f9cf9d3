"""The ``toolkit`` command: typer groups, one module per group, loaded without heavy imports."""

from __future__ import annotations

import sys
import warnings

import typer
from typer.core import TyperGroup

from toolkit.cli.fastpath import SHOWN as shown_warnings
from toolkit.cli.fastpath import show_warning
from toolkit.errors import ToolkitError, ToolkitWarning


class _ReportingGroup(TyperGroup):
    """Turns library errors into one line on stderr and their exit code, never a traceback."""

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        with warnings.catch_warnings():
            warnings.simplefilter("always", ToolkitWarning)
            warnings.showwarning = show_warning
            shown_warnings.clear()  # each command run says each warning once
            try:
                return super().invoke(ctx)
            except ToolkitError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                typer.echo("interrupted: finished work is kept, run again to resume", err=True)
                raise typer.Exit(130) from None


def _version(value: bool) -> None:
    if value:
        from toolkit import __version__

        typer.echo(f"toolkit {__version__}")
        raise typer.Exit(0)


app = typer.Typer(
    cls=_ReportingGroup,
    name="toolkit",
    help="Glossary-consistent offline translation of mixed zh/de sources into parallel texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich costs ~200 ms to import and `toolkit --help` must start fast.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the version and exit.",
        callback=_version,
        is_eager=True,
    ),
) -> None:
    """Glossary-consistent offline translation of mixed zh/de sources into parallel texts."""


def _register() -> None:
    # Each module only defines typer commands; library imports happen inside the commands.
    from toolkit.cli import (
        check_cmd,
        export_cmd,
        glossary_cmd,
        glossary_io_cmd,
        models_cmd,
        review_cmd,
        score_cmd,
        segment_cmd,
        serve_cmd,
        translate_cmd,
    )
    from toolkit.cli.groups import glossary_app, models_app

    for module in (
        segment_cmd,
        glossary_cmd,
        glossary_io_cmd,
        translate_cmd,
        models_cmd,
        export_cmd,
        score_cmd,
        check_cmd,
        review_cmd,
        serve_cmd,
    ):
        module.register(app)
    app.add_typer(glossary_app)
    app.add_typer(models_app)


_register()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="toolkit")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
