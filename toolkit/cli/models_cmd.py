"""`toolkit models …`: translation packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.groups import models_app


class _DownloadBar:
    """A rich download bar on stderr, shown from the first byte on (not while failing early)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            from toolkit.cli.render import console

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=console(stderr=True),
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def install_pair(from_code: str, to_code: str) -> None:
    """Install a pair from the Argos index with a progress bar (also used by `translate`)."""
    from toolkit.mt.packages import install_from_index

    bar = _DownloadBar(f"{from_code}→{to_code}")
    try:
        package = install_from_index(from_code, to_code, progress=bar)
    finally:
        bar.close()
    typer.echo(f"installed {package.name} ({package.pair}) in {package.path}", err=True)


@models_app.command("list")
def list_models() -> None:
    """Installed translation packages."""
    from toolkit.cli import render
    from toolkit.mt.packages import installed_packages, packages_dir

    packages = installed_packages()
    if not packages:
        typer.echo(f"no packages installed in {packages_dir()}", err=True)
        return
    render.table(
        ["pair", "package", "version", "path"],
        [(p.pair, p.name, p.version, str(p.path)) for p in packages],
    )


@models_app.command("available")
def available() -> None:
    """Packages in the Argos index (needs the network)."""
    from toolkit.cli import render
    from toolkit.mt.packages import available_packages

    packages = sorted(available_packages(), key=lambda p: (p.from_code, p.to_code))
    render.table(
        ["pair", "languages", "version"],
        [
            (f"{p.from_code}→{p.to_code}", f"{p.from_name} → {p.to_name}", p.package_version)
            for p in packages
        ],
    )


@models_app.command("install")
def install(
    from_code: Annotated[str | None, typer.Argument(metavar="FROM")] = None,
    to_code: Annotated[str | None, typer.Argument(metavar="TO")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Install a downloaded .argosmodel file.")
    ] = None,
) -> None:
    """Install FROM TO from the Argos index, or a package file with --file."""
    from toolkit.errors import UsageError
    from toolkit.mt.packages import install_file

    if file is not None:
        if from_code or to_code:
            raise UsageError("give either FROM TO or --file, not both")
        package = install_file(file)
        typer.echo(f"installed {package.name} ({package.pair}) in {package.path}", err=True)
        return
    if not (from_code and to_code):
        raise UsageError("name a pair (toolkit models install zh en) or a file (--file X)")
    install_pair(from_code, to_code)


@models_app.command("remove")
def remove(
    from_code: Annotated[str, typer.Argument(metavar="FROM")],
    to_code: Annotated[str, typer.Argument(metavar="TO")],
) -> None:
    """Uninstall the package of a pair."""
    from toolkit.mt.packages import remove as remove_package

    package = remove_package(from_code, to_code)
    typer.echo(f"removed {package.name} ({package.pair})", err=True)


def register(app: typer.Typer) -> None:
    """The `models` group is added by the app; its commands are defined above."""
