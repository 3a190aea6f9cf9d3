"""Quality checks for parallel texts: terminology, numbers, placeholders, consistency, length.

``check_paths(["translations"])`` checks PO catalogs (or a JSONL export) and returns a report;
``run_checks(units)`` streams the issues of any units. The checks live in :mod:`.checks` (the
registry :data:`~toolkit.qa.checks.CHECKS`), number reading in :mod:`.numbers`, the length
calibration in :mod:`.calibrate`.
"""

from toolkit.qa.checks import CHECKS, Check, CheckContext, Issue
from toolkit.qa.runner import Report, check_paths, check_units, run_checks, select_checks

__all__ = [
    "CHECKS",
    "Check",
    "CheckContext",
    "Issue",
    "Report",
    "check_paths",
    "check_units",
    "run_checks",
    "select_checks",
]
