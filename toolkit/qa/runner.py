"""Run the QA checks over units, PO catalogs or JSONL exports.

``check_paths(paths)`` is what ``toolkit check`` calls: it reads the units, runs the selected
checks and returns a :class:`Report`. :func:`run_checks` is the streaming core over any units.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError, ToolkitWarning, UsageError
from toolkit.models import Unit
from toolkit.qa.checks import CHECKS, SEVERITIES, Check, CheckContext, Issue

if TYPE_CHECKING:
    from toolkit.glossary.model import Glossary
    from toolkit.qa.calibrate import LengthRange


def parse_ids(text: str | None) -> list[str] | None:
    """``"numbers, length"`` → ``["numbers", "length"]``; None or blank → None."""
    if text is None:
        return None
    ids = [part.strip() for part in text.split(",") if part.strip()]
    return ids or None


def select_checks(
    only: Iterable[str] | None = None, skip: Iterable[str] | None = None
) -> list[Check]:
    """The registered checks named in ``only`` (default: all), minus those in ``skip``.

    Unknown ids and an empty selection raise :class:`UsageError`.
    """
    only_ids = list(only) if only is not None else None
    skip_ids = list(skip) if skip is not None else []
    unknown = [cid for cid in [*(only_ids or []), *skip_ids] if cid not in CHECKS]
    if unknown:
        raise UsageError(
            f"unknown check id{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            hint=f"choose from {', '.join(CHECKS)} (toolkit check --list)",
        )
    chosen = [c for c in CHECKS.values() if (only_ids is None or c.id in only_ids)]
    chosen = [c for c in chosen if c.id not in skip_ids]
    if not chosen:
        raise UsageError("no check left to run", hint="--only and --skip exclude every check")
    return chosen


def needs_glossary(checks: Iterable[Check]) -> bool:
    return any(c.needs_glossary for c in checks)


def run_checks(
    units: Iterable[Unit],
    checks: Sequence[Check] | None = None,
    *,
    glossary: Glossary | None = None,
    length_ranges: dict[tuple[str, str], LengthRange] | None = None,
) -> Iterator[Issue]:
    """Issues of ``units`` in unit order, each unit's in check order (default: every check).

    Units stream through; ``inconsistent`` keeps only the normalised text of sentences seen.
    """
    selected = list(CHECKS.values()) if checks is None else list(checks)
    if glossary is None and needs_glossary(selected):
        names = ", ".join(c.id for c in selected if c.needs_glossary)
        raise UsageError(
            f"the checks {names} need a glossary", hint="pass a glossary or skip those checks"
        )
    context = CheckContext(glossary, length_ranges)
    for unit in units:
        for selected_check in selected:
            yield from selected_check(unit, context)
        context.observe(unit)


def read_paths(paths: Sequence[Path], *, reviewed_only: bool = False) -> Iterator[Unit]:
    """Units of PO catalog folders, ``.po`` files and ``.jsonl`` exports, in the order given."""
    for path in paths:
        yield from _read_path(Path(path), reviewed_only)


def _read_path(path: Path, reviewed_only: bool) -> Iterator[Unit]:
    from toolkit.corpus.catalog import find_catalogs, read_units

    if not path.exists():
        raise InputError("no such file or folder", path=path, hint="pass catalogs or an export")
    if path.is_dir() or path.suffix == ".po":
        if path.is_dir() and not find_catalogs(path):
            warnings.warn(f"{path}: no PO catalogs to check", ToolkitWarning, stacklevel=2)
        yield from read_units(path, reviewed_only=reviewed_only)
    elif path.suffix == ".jsonl":
        from toolkit.corpus.formats import get_format

        for unit in get_format("jsonl").read(path):
            if not reviewed_only or unit.status == "reviewed":
                yield unit
    else:
        raise UsageError(
            "not a PO catalog, a folder of them or a JSONL export",
            path=path,
            hint="check <folder>, <doc>.<lang>.po or <export>.jsonl",
        )


@dataclass
class Report:
    """Everything one ``toolkit check`` run found."""

    checks: list[Check]
    issues: list[Issue] = field(default_factory=list)
    units: int = 0
    documents: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for issue in self.issues if issue.severity == severity)

    def fails(self, fail_on: str = "error") -> bool:
        """An issue at or above ``fail_on`` (``warning`` or ``error``) was found."""
        if fail_on not in SEVERITIES:
            raise UsageError(f"unknown severity {fail_on!r}", hint="use error or warning")
        floor = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(issue.severity) >= floor for issue in self.issues)

    def by_catalog(self) -> dict[tuple[str, str], list[Issue]]:
        """Issues per (document, target language): one PO catalog each."""
        grouped: dict[tuple[str, str], list[Issue]] = {}
        for issue in self.issues:
            grouped.setdefault((issue.doc, issue.target), []).append(issue)
        return grouped


def check_units(
    units: Iterable[Unit],
    *,
    only: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    glossary: Glossary | None = None,
    length_ranges: dict[tuple[str, str], LengthRange] | None = None,
) -> Report:
    """Run the selected checks over ``units`` and collect the issues into a :class:`Report`."""
    checks = select_checks(only, skip)
    report = Report(checks)
    documents: set[str] = set()

    def counted(items: Iterable[Unit]) -> Iterator[Unit]:
        for unit in items:
            report.units += 1
            documents.add(unit.doc)
            yield unit

    report.issues = list(
        run_checks(counted(units), checks, glossary=glossary, length_ranges=length_ranges)
    )
    report.documents = len(documents)
    return report


def check_paths(
    paths: Sequence[Path],
    *,
    only: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    glossary_dir: Path | None = None,
    reviewed_only: bool = False,
) -> Report:
    """Check the catalogs or exports at ``paths``; the glossary is loaded only if needed."""
    checks = select_checks(only, skip)
    for path in paths:  # before the glossary loads: a typo in a path is the likelier mistake
        if not Path(path).exists():
            raise InputError("no such file or folder", path=path, hint="pass catalogs or an export")
    glossary = None
    if needs_glossary(checks):
        from toolkit.config import default_glossary_dir
        from toolkit.glossary.store import load_glossary

        glossary = load_glossary(
            glossary_dir if glossary_dir is not None else default_glossary_dir()
        )
    return check_units(
        read_paths(paths, reviewed_only=reviewed_only),
        only=[c.id for c in checks],
        glossary=glossary,
    )
