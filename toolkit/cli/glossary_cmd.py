"""``toolkit glossary lookup | scan | suggest | validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli.groups import glossary_app
from toolkit.cli.options import GlossaryOption, glossary_dir

JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
PathsArgument = Annotated[list[Path], typer.Argument(help="Files or folders to read.")]


def _load(option: Path | None):
    from toolkit.glossary.store import load_glossary

    return load_glossary(glossary_dir(option))


@glossary_app.command("lookup")
def lookup_cmd(
    text: Annotated[
        str, typer.Argument(help="A term in any language, script, case or inflection.")
    ],
    json: JsonOption = False,
    glossary: GlossaryOption = None,
) -> None:
    """Show the concept a term belongs to, with all its terms; else the closest suggestions.

    Exit 0 on a match or suggestions ("did you mean"), 1 when nothing comes close.
    """
    from toolkit.cli.fastpath import lookup_command

    code = lookup_command(text, as_json=json, glossary=glossary)
    if code:
        raise typer.Exit(code)


@glossary_app.command("scan")
def scan_cmd(
    paths: PathsArgument,
    json: JsonOption = False,
    glossary: GlossaryOption = None,
) -> None:
    """List every glossary term in the documents, then which renderings each document used."""
    from toolkit.glossary.scan import hit_record, scan_paths, variant_report

    loaded = _load(glossary)
    hits = scan_paths(paths, loaded)
    if json:
        from toolkit.cli.render import json_line

        for hit in hits:
            json_line(hit_record(hit, loaded))
        return
    from toolkit.cli import render

    collected = list(hits)
    render.table(
        ["segment", ("span", {"justify": "right"}), "surface", "concept", "lang", "status"],
        (
            [
                hit.segment,
                f"{hit.start}–{hit.end}",
                render.styled(hit.surface, [(0, len(hit.surface), _STYLES[hit.term.status])]),
                " or ".join((hit.concept, *hit.alternatives)),
                hit.term.lang,
                "ambiguous" if hit.ambiguous else hit.term.status,
            ]
            for hit in collected
        ),
        title="Glossary hits",
        caption=f"{len(collected)} hits",
    )
    rows = []
    for usage in variant_report(collected, loaded):
        for doc in sorted(usage.by_doc):
            rows.append([usage.concept, doc, _renderings(usage.renderings(doc))])
    render.table(
        ["concept", "doc", "renderings (× count; non-preferred highlighted)"],
        rows,
        title="Variant report",
    )


_STYLES = {"preferred": "", "admitted": "bold yellow", "forbidden": "bold red"}


def _renderings(items):
    from toolkit.cli import render

    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    position = 0
    for surface, term, count in items:
        label = f"{surface} ×{count}"
        if term.status != "preferred":
            label += f" ({term.status})"
        if surface != term.text:
            label += f" = {term.text}"
        if parts:
            position += 2
        if _STYLES[term.status]:
            spans.append((position, position + len(label), _STYLES[term.status]))
        parts.append(label)
        position += len(label)
    return render.styled(", ".join(parts), spans)


@glossary_app.command("suggest")
def suggest_cmd(
    paths: PathsArgument,
    json: JsonOption = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many candidates.")
    ] = 50,
    glossary: GlossaryOption = None,
) -> None:
    """Rank candidate new terms and variants the glossary lacks. Nothing is added."""
    from toolkit.glossary.suggest import suggest
    from toolkit.segment import iter_segments

    loaded = _load(glossary)
    candidates = suggest(iter_segments(paths), loaded)[:limit]
    if json:
        from toolkit.cli.render import json_line

        for candidate in candidates:
            json_line(
                {
                    "text": candidate.text,
                    "kind": candidate.kind,
                    "score": candidate.score,
                    "count": candidate.count,
                    "concept": candidate.concept,
                    "similar_to": candidate.similar_to,
                    "why": candidate.why,
                    "segments": candidate.segments,
                }
            )
        return
    from toolkit.cli import render

    render.table(
        [
            ("score", {"justify": "right"}),
            ("count", {"justify": "right"}),
            "kind",
            "candidate",
            "close to",
            ("why", {"overflow": "fold"}),
            "where",
        ],
        (
            [
                f"{c.score:.2f}",
                c.count,
                c.kind,
                c.text,
                f"{c.similar_to} ({c.concept})" if c.concept else "",
                c.why,
                ", ".join(c.segments[:3]) + (" …" if len(c.segments) > 3 else ""),
            ]
            for c in candidates
        ),
        title="Candidate terms (nothing is added without a human)",
    )


@glossary_app.command("validate")
def validate_cmd(
    glossary: GlossaryOption = None,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Also check that `seen` ids name documents in this folder."),
    ] = None,
    require_sources: Annotated[
        bool,
        typer.Option(
            "--require-sources",
            help="Also require a `seen` or `source` on every rendering (the project's policy).",
        ),
    ] = False,
) -> None:
    """Check the glossary; print every problem as file:line: message. Exit 2 on any."""
    from toolkit.glossary.validate import validate_glossary

    directory = glossary_dir(glossary)
    problems = validate_glossary(directory, seeds, require_sources=require_sources)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {directory}", err=True)
        raise typer.Exit(2)
    from toolkit.glossary.store import load_glossary

    loaded = load_glossary(directory)
    terms = sum(len(concept.terms) for concept in loaded)
    typer.echo(f"{directory}: {len(loaded)} concepts, {terms} terms, no problems")


def register(app: typer.Typer) -> None:
    """The commands live on the shared ``glossary`` group (``toolkit.cli.groups``)."""
