"""The ``glossary`` request parameter: the server's glossary, none, or pairs for one request.

A request's pairs (``"影子舰队=dark fleet"``) make a derived :class:`Glossary`; the shared one is
never touched. A pair whose source is already a term of a concept overrides that concept's
rendering in the target language (every mention of the concept then reads as the pair says);
any other pair becomes a concept of its own, ``request-N``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from toolkit.errors import UsageError
from toolkit.glossary.model import Glossary
from toolkit.models import Concept, Term

MAX_PAIRS = 200
MAX_PAIR_CHARS = 200


@dataclass(frozen=True)
class GlossaryChoice:
    """The glossary a request is translated with; requests of one ``key`` share a pass."""

    key: str  # "default", "none" or "inline:<sha256>"
    glossary: Glossary
    inline: bool = False


def parse_pairs(value: Any) -> list[tuple[str, str]]:
    """``source=target`` pairs from a list of strings or ``[source, target]`` lists, a mapping,
    or one string with a pair per line."""
    if isinstance(value, str):
        raw: list[Any] = [line for line in value.splitlines() if line.strip()]
    elif isinstance(value, dict):
        raw = [[key, item] for key, item in value.items()]
    elif isinstance(value, list):
        raw = value
    else:
        raise UsageError("glossary must be 'default', 'none' or a list of 'source=target' pairs")
    pairs: list[tuple[str, str]] = []
    for entry in raw:
        if isinstance(entry, str) and "=" in entry:
            source, target = entry.split("=", 1)
        elif isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
            source, target = entry
        else:
            raise UsageError(f"glossary pair {entry!r} is not 'source=target'")
        source, target = " ".join(source.split()), " ".join(target.split())
        if not source or not target:
            raise UsageError(f"glossary pair {entry!r} has an empty side")
        if len(source) > MAX_PAIR_CHARS or len(target) > MAX_PAIR_CHARS:
            raise UsageError(f"a glossary pair is longer than {MAX_PAIR_CHARS} characters")
        pairs.append((source, target))
    if not pairs:
        raise UsageError("glossary: no 'source=target' pair given")
    if len(pairs) > MAX_PAIRS:
        raise UsageError(f"glossary: more than {MAX_PAIRS} pairs")
    return pairs


def choose(
    value: Any, default: Glossary, empty: Glossary, target: str, source: str
) -> GlossaryChoice:
    """The :class:`GlossaryChoice` for a request's ``glossary`` value (None: the default)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "default")):
        return GlossaryChoice("default", default)
    if isinstance(value, str) and value.strip().lower() == "none":
        return GlossaryChoice("none", empty)
    derived = derive(default, parse_pairs(value), target, source)
    return GlossaryChoice(f"inline:{derived.sha256}", derived, inline=True)


def _target_lang(target: str) -> str:
    return "zh-Hant" if target.startswith("zh-Hant") else target


def _source_lang(text: str, source: str, target: str) -> str:
    """The language a pair's source is written in: Chinese if it holds Han characters, else the
    request's source, else what detection says, else the Latin source language that is not the
    target."""
    from toolkit.chinese import han_count

    if han_count(text):
        return "zh-Hans"
    if source in ("de", "en"):
        return source
    from toolkit.ingest.detect import language

    found = language(text)
    if found in ("de", "en"):
        return found
    return "de" if _target_lang(target) != "de" else "en"


def _term(text: str, lang: str, status: str) -> Term:
    letters = [char for char in text if char.isalpha()]
    acronym = len(letters) >= 2 and all(char.isupper() for char in letters)
    return Term(text, lang, status=status, case_sensitive=acronym)  # type: ignore[arg-type]


def derive(base: Glossary, pairs: list[tuple[str, str]], target: str, source: str) -> Glossary:
    """``base`` with ``pairs`` for one request into ``target`` (see the module docstring)."""
    from toolkit.chinese import fold
    from toolkit.glossary.store import with_derived_forms

    lang = _target_lang(target)
    concepts = {concept.id: concept for concept in base}
    owners: dict[str, list[str]] = {}
    for concept, term in base.terms():
        owners.setdefault(fold(term.text), []).append(concept.id)
    added: list[Concept] = []
    for number, (said, wanted) in enumerate(pairs, 1):
        said_lang = _source_lang(said, source, target)
        # A source written in the target language must not stay as written: mark it forbidden,
        # so the rendering is always the pair's target.
        status = "forbidden" if said_lang == lang else "admitted"
        rendering = _term(wanted, lang, "preferred")
        found = dict.fromkeys(owners.get(fold(said), ()))
        for concept_id in found:
            concept = concepts[concept_id]
            terms = [t for t in concept.terms if t.lang != lang and not t.dnt]
            if not any(fold(t.text) == fold(said) for t in terms):
                terms.append(_term(said, said_lang, status))
            concepts[concept_id] = replace(concept, terms=(*terms, rendering))
        if found:
            continue
        concept_id = f"request-{number}"
        while concept_id in concepts:
            concept_id += "-x"
        origin = _term(said, said_lang, "preferred" if status == "admitted" else status)
        added.append(
            with_derived_forms(
                Concept(
                    concept_id,
                    "policy",
                    (origin, rendering),
                    definition="Given with the request.",
                )
            )
        )
    return Glossary((*concepts.values(), *added), source="request")


def lookup_records(index: Any, query: str) -> list[dict[str, Any]]:
    """What ``toolkit glossary lookup --json`` prints for ``query``, as a list."""
    import json

    from toolkit.glossary.lookup import format_lookup

    text = format_lookup(index.lookup(query), as_json=True)
    return [json.loads(line) for line in text.splitlines() if line]


def scan_records(text: str, glossary: Glossary, doc_id: str = "q") -> list[dict[str, Any]]:
    """What ``toolkit glossary scan --json`` prints for ``text``: every hit, ambiguous ones
    with their candidates."""
    from toolkit.glossary.scan import hit_record, scan_segments
    from toolkit.ingest import document_from_text
    from toolkit.segment import segment_document

    segments = segment_document(document_from_text(text, doc_id))
    return [hit_record(hit, glossary) for hit in scan_segments(segments, glossary)]
