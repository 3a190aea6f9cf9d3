"""Bilingual HTML review pages: one self-contained page per catalog (document + target).

A reviewer opens the page before editing the PO: source and target side by side, one table row
per unit in catalog order, glossary terms marked on both sides, the unit's status and its QA
findings with their spans marked in the text they point to. The page loads nothing: CSS and a
few lines of JS are inline, and a Content-Security-Policy (hashes of exactly that CSS and JS)
forbids every other resource, so it can be opened from a mail attachment or an archive offline.

Highlights may overlap (a QA span across a term, two QA spans). :func:`highlight` cuts the text
at every span boundary and keeps open, for each piece, the spans covering it in one fixed order,
term marks outermost; a span is closed and reopened only where that order forces it. Terms never
overlap one another, so a term is always one ``<mark class="term">`` (marks == hits) and only QA
marks may be split into fragments, which share their ``data-issue``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import CatalogError, UsageError
from toolkit.models import Unit

if TYPE_CHECKING:
    from toolkit.glossary.match import Match
    from toolkit.glossary.model import Glossary
    from toolkit.qa.calibrate import LengthRange
    from toolkit.qa.checks import Check, Issue

STATUS_LABELS: Mapping[str, str] = {
    "reviewed": "reviewed",
    "machine": "machine",
    "needs_review": "needs review",
    "memory": "memory",
}
SEVERITY_LABELS: Mapping[str, str] = {"error": "errors", "warning": "warnings"}
# C0 controls (but tab and line breaks) and DEL are not allowed in HTML text: shown as their
# Control Pictures, one character for one, so offsets still hold.
_CONTROLS = {c: 0x2400 + c for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))} | {0x7F: 0x2421}

_CSS = """\
body{margin:0;font:15px/1.5 system-ui,"Segoe UI",sans-serif;color:#1d232a;background:#f6f7f9}
header{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #d5d9de;\
padding:.6rem 1rem}
h1{font-size:1.15rem;margin:0 0 .3rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 .8rem;margin:0;font-size:.85rem}
dl.meta dt{color:#5b6470}dl.meta dd{margin:0;overflow-wrap:anywhere}
.counts{margin:.4rem 0 0;font-size:.85rem;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.count{border:1px solid #d5d9de;border-radius:1rem;padding:0 .6rem;background:#fafbfc}
table{border-collapse:collapse;width:100%;table-layout:fixed;background:#fff}
th,td{border-bottom:1px solid #e3e6ea;padding:.45rem .6rem;vertical-align:top;text-align:left}
thead th{background:#eef1f4;font-size:.8rem;color:#5b6470}
col.seg{width:9.5rem}col.qa{width:17rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
th.seg{font-weight:normal;font-size:.8rem}th.seg a{color:#5b6470;font-family:monospace}
.badge{display:inline-block;margin-top:.25rem;padding:0 .45rem;border-radius:.3rem;\
font-size:.75rem;color:#fff}
.status-reviewed{background:#2f7d32}.status-machine{background:#64707d}
.status-needs-review{background:#c35a00}.status-memory{background:#6a4fb3}
mark{background:none;color:inherit}
mark.term{background:#dbeafe;border-bottom:2px solid #60a5fa;border-radius:2px}
mark.term[data-term-status=forbidden]{border-bottom-color:#dc2626}
mark.term.ambiguous{background:#fef3c7;border-bottom:2px dashed #d97706}
mark.qa{text-decoration:underline wavy 1.5px;text-underline-offset:3px}
mark.qa.error{text-decoration-color:#dc2626;background:#fee2e2}
mark.qa.warning{text-decoration-color:#d97706}
ol.issues{margin:0;padding-left:1.1rem;font-size:.8rem}
li.issue.error::marker{color:#dc2626}li.issue.warning::marker{color:#d97706}
.check{font-family:monospace;font-weight:bold}
tr.unit:target{outline:2px solid #60a5fa}
"""
# The status filter; the data-js flag tells a test the script ran (the CSP hash matched).
_JS = """\
document.documentElement.dataset.js = "ready";
document.getElementById("filter").onchange = function (e) { var v = e.target.value;
  document.querySelectorAll("tr.unit").forEach(function (r) { r.hidden = v !== "all"
    && r.dataset.status !== v && !(v === "issues" && +r.dataset.issues > 0); }); };
"""


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


_CSP = (
    f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_JS)}; "
    "img-src data:; form-action 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One unit with what its row shows: QA issues and the term hits of each side."""

    unit: Unit
    issues: tuple[Issue, ...] = ()
    source_terms: tuple[Match, ...] = ()
    target_terms: tuple[Match, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A rendered page and the file name it goes by: ``<doc>.<target>.html``."""

    doc: str
    target: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.doc}.{self.target}.html"


@dataclass(frozen=True, slots=True)
class Span:
    """A highlight: ``text[start:end]`` wrapped in ``<mark{attributes}>``; ``rank`` orders
    nesting (lower = outer)."""

    start: int
    end: int
    rank: tuple[int, ...]
    attributes: str


def _text(text: str) -> str:
    return escape(text.translate(_CONTROLS))


def _attrs(**values: str | int | None) -> str:
    """`` key="value"`` pairs, escaped; ``data_x`` is ``data-x``, ``class_`` ``class``; None is
    left out."""
    return "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(str(value).translate(_CONTROLS))}"'
        for key, value in values.items()
        if value is not None
    )


def highlight(text: str, spans: Iterable[Span]) -> str:
    """``text`` escaped, with every span inside ``text`` (empty ones left out) marked.

    The markup is always well formed: at each cut the marks that must end are closed, inner
    ones first, and any still needed are reopened in rank order.
    """
    kept = sorted((s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: s.rank)
    cuts = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    out: list[str] = []
    stack: list[Span] = []
    for low, high in pairwise(cuts):
        wanted = [s for s in kept if s.start <= low and high <= s.end]
        same = 0
        while same < min(len(stack), len(wanted)) and stack[same] is wanted[same]:
            same += 1
        out.append("</mark>" * (len(stack) - same))
        out.extend(f"<mark{s.attributes}>" for s in wanted[same:])
        stack = wanted
        out.append(_text(text[low:high]))
    out.append("</mark>" * len(stack))
    return "".join(out)


def _label(concept: str, names: Mapping[str, str]) -> str:
    name = names.get(concept)
    return f"{name} ({concept})" if name and name != concept else concept


def term_span(hit: Match, names: Mapping[str, str]) -> Span:
    """A term mark: the concept and its English name; an ambiguous hit names every candidate."""
    candidates = (hit.concept, *hit.alternatives)
    if hit.ambiguous:
        title = "ambiguous: " + " or ".join(_label(c, names) for c in candidates)
    else:
        title = _label(hit.concept, names)
    attributes = _attrs(
        class_="term ambiguous" if hit.ambiguous else "term",
        data_concept=hit.concept,
        data_candidates=" ".join(candidates) if hit.ambiguous else None,
        data_term_status=hit.term.status,
        title=title,
    )
    return Span(hit.start, hit.end, (0, hit.start, -hit.end), attributes)


def issue_span(number: int, issue: Issue) -> Span | None:
    """A QA mark for ``issue`` (the ``number``-th of its row), or None when it has no span."""
    if issue.start is None or issue.end is None:
        return None
    attributes = _attrs(
        class_=f"qa {issue.severity}",
        data_issue=number,
        data_check=issue.check,
        title=f"{issue.check} ({issue.severity}): {issue.message}",
    )
    return Span(issue.start, issue.end, (1, issue.start, -issue.end, number), attributes)


def _row(row: ReviewRow, names: Mapping[str, str]) -> str:
    unit = row.unit
    marks = {"source": [term_span(h, names) for h in row.source_terms]}
    marks["target"] = [term_span(h, names) for h in row.target_terms]
    items = []
    for number, issue in enumerate(row.issues):
        span = issue_span(number, issue)
        if span is not None:
            marks.get(issue.where, marks["target"]).append(span)
        item = _attrs(class_=f"issue {issue.severity}", data_issue=number, data_check=issue.check)
        item += _attrs(data_severity=issue.severity, data_where=issue.where)
        items.append(
            f"<li{item}><span class=check>{_text(issue.check)}</span> {_text(issue.message)}</li>"
        )
    errors = sum(1 for issue in row.issues if issue.severity == "error")
    status = unit.status
    badge = _attrs(class_=f"badge status-{status.replace('_', '-')}", data_status=status)
    badge += _attrs(title=unit.note or None)
    tr = _attrs(class_="unit", id=unit.id, data_segment=unit.id, data_status=status)
    tr += _attrs(data_issues=len(row.issues), data_errors=errors)
    tr += _attrs(data_warnings=len(row.issues) - errors)
    return (
        f"<tr{tr}>\n<th class=seg scope=row><a{_attrs(href='#' + unit.id)}>{_text(unit.id)}</a>"
        f"<br><span{badge}>{_text(STATUS_LABELS.get(status, status))}</span></th>\n"
        f"<td{_attrs(class_='text source', lang=unit.src_lang)}>"
        f"{highlight(unit.source, marks['source'])}</td>\n"
        f"<td{_attrs(class_='text target', lang=unit.tgt_lang)}>"
        f"{highlight(unit.target, marks['target'])}</td>\n"
        f"<td class=qa>{'<ol class=issues>' + ''.join(items) + '</ol>' if items else ''}</td>"
        "\n</tr>"
    )


def _header(doc: str, target: str, rows: Sequence[ReviewRow]) -> str:
    units = [row.unit for row in rows]
    signatures = list(dict.fromkeys(unit.signature for unit in units if unit.signature))
    sources = list(dict.fromkeys(unit.src_lang for unit in units))
    statuses = [s for s in STATUS_LABELS if s != "memory" or any(u.status == s for u in units)]
    statuses += sorted({u.status for u in units} - set(STATUS_LABELS))
    counts = [
        f"<span{_attrs(class_='count', data_status=s)}>{_text(STATUS_LABELS.get(s, s))} "
        f"<b>{sum(1 for u in units if u.status == s)}</b></span>"
        for s in statuses
    ]
    issues = [issue for row in rows for issue in row.issues]
    counts += [
        f"<span{_attrs(class_='count', data_severity=severity)}>{label} "
        f"<b>{sum(1 for issue in issues if issue.severity == severity)}</b></span>"
        for severity, label in SEVERITY_LABELS.items()
    ]
    options = "".join(
        f"<option{_attrs(value=value)}>{_text(label)}</option>"
        for value, label in [("all", "all units"), ("issues", "with QA findings")]
        + [(s, STATUS_LABELS.get(s, s)) for s in statuses]
    )
    meta = [("document", "doc", doc), ("target", "target", target)]
    meta += [("source", "source", ", ".join(sources) or "–")]
    meta += [("signature", "signature", " · ".join(signatures) or "–")]
    fields = "".join(
        f"<dt>{label}</dt><dd{_attrs(data_field=key)}>{_text(value)}</dd>"
        for label, key, value in meta
    )
    return (
        f"<header>\n<h1>Review: document {_text(doc)} → {_text(target)}</h1>\n"
        f"<dl class=meta>{fields}</dl>\n<p class=counts>{''.join(counts)}\n"
        f"<label>show <select id=filter>{options}</select></label></p>\n</header>"
    )


def render_page(
    doc: str, target: str, rows: Sequence[ReviewRow], glossary: Glossary | None = None
) -> str:
    """The review page of one catalog: its rows in order, every highlight, escaped.

    Pure: the same rows give the same bytes (no date), so a page is diffable and cacheable.
    ``glossary`` only names the concepts (English name in the term marks' titles).
    """
    for row in rows:
        if (row.unit.doc, row.unit.tgt_lang) != (doc, target):
            raise UsageError(
                f"unit {row.unit.id} belongs to {row.unit.doc}.{row.unit.tgt_lang}, "
                f"not to {doc}.{target}",
                hint="render one catalog per page",
            )
    names = {concept.id: concept.en for concept in glossary} if glossary is not None else {}
    body = "\n".join(_row(row, names) for row in rows)
    if not rows:
        body = "<tr><td colspan=4>no units</td></tr>"
    return (
        f"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f'<meta http-equiv="Content-Security-Policy"{_attrs(content=_CSP)}>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="icon" href="data:,">\n<title>{_text(doc)} → {_text(target)} · review</title>'
        f"\n<style>{_CSS}</style>\n</head>\n<body>\n{_header(doc, target, rows)}\n<main>\n"
        '<table class="review">\n<colgroup><col class=seg><col class=source><col class=target>'
        "<col class=qa></colgroup>\n<thead><tr><th>segment</th><th>source</th><th>target</th>"
        f"<th>QA</th></tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</main>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


def review_rows(
    units: Iterable[Unit],
    glossary: Glossary,
    *,
    checks: Sequence[Check] | None = None,
    length_ranges: dict[tuple[str, str], LengthRange] | None = None,
) -> Iterator[ReviewRow]:
    """Each unit with its QA issues and term hits, streaming, in order.

    The checks run once over the whole stream, as ``toolkit check`` runs them, so
    ``inconsistent`` compares a unit with every unit before it, not with its catalog alone.
    """
    from toolkit.glossary.match import matcher_for
    from toolkit.qa.runner import run_checks

    matcher = matcher_for(glossary)
    pulled: list[Unit] = []
    found: dict[int, list[Issue]] = {}

    def tap() -> Iterator[Unit]:
        for unit in units:
            pulled.append(unit)
            yield unit

    def row(unit: Unit) -> ReviewRow:
        return ReviewRow(
            unit,
            tuple(found.pop(id(unit), ())),
            tuple(matcher.find(unit.source, unit.src_lang)),
            tuple(matcher.find(unit.target, unit.tgt_lang)),
        )

    issues = run_checks(tap(), checks, glossary=glossary, length_ranges=length_ranges)
    for issue in issues:
        # run_checks yields a unit's issues before it pulls the next unit: an issue belongs to
        # the last unit pulled, and every unit pulled before that one is complete.
        owner = pulled[-1]
        assert issue.segment == owner.id, (issue.segment, owner.id)
        found.setdefault(id(owner), []).append(issue)
        while len(pulled) > 1:
            yield row(pulled.pop(0))
    while pulled:
        yield row(pulled.pop(0))


def review_pages(rows: Iterable[ReviewRow], glossary: Glossary | None = None) -> list[ReviewPage]:
    """One page per (document, target language), in the order the catalogs came."""
    catalogs: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in rows:
        catalogs.setdefault((row.unit.doc, row.unit.tgt_lang), []).append(row)
    return [
        ReviewPage(doc, target, render_page(doc, target, doc_rows, glossary))
        for (doc, target), doc_rows in catalogs.items()
    ]


def write_pages(folder: Path, pages: Iterable[ReviewPage]) -> list[Path]:
    """Write each page to ``folder/<doc>.<target>.html`` atomically; returns the files written.

    A reader (or a browser reloading the page) sees the old page or the new one, never half.
    """
    from toolkit.files import atomic_writer, ensure_folder

    ensure_folder(folder, "output folder")
    written = []
    for page in pages:
        path = folder / page.name
        try:
            with atomic_writer(path) as handle:
                handle.write(page.html)
        except OSError as exc:
            raise CatalogError(
                f"cannot write the review page ({exc.strerror})", path=path
            ) from None
        written.append(path)
    return written


def render_paths(
    paths: Sequence[Path],
    out: Path,
    *,
    glossary_dir: Path | None = None,
    reviewed_only: bool = False,
) -> list[Path]:
    """What ``toolkit render`` does: read the catalogs, check them, write one page each.

    Every input is read and every page rendered before the first file is written, so bad input
    leaves ``out`` as it was.
    """
    from toolkit.config import default_glossary_dir
    from toolkit.glossary.store import load_glossary
    from toolkit.qa.runner import read_paths

    # Read first: a typo in a path is a likelier mistake than a broken glossary.
    units = list(read_paths(paths, reviewed_only=reviewed_only))
    glossary = load_glossary(glossary_dir if glossary_dir is not None else default_glossary_dir())
    pages = review_pages(review_rows(units, glossary), glossary)
    return write_pages(out, pages)
