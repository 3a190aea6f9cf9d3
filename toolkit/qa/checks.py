"""The QA checks: small pure functions of one unit, each with an id, a severity and a title.

A check is a generator ``(unit, context) -> Finding…`` registered with :func:`check`; the
registry :data:`CHECKS` is filled by the decorators below, in this order, and is the only list of
checks there is (``toolkit check --list`` prints it). The first line of a check's docstring is its
user-facing title. The registered :class:`Check` turns findings into :class:`Issue` records.

One fault, one issue: a unit whose target is empty or merely repeats the source is reported by
``untranslated`` alone (the checks that compare a source with its translation skip it), and a
concept rendered with a forbidden or admitted term is reported by ``forbidden-term`` or
``variant``, not also as missing by ``terminology``.

The :class:`CheckContext` carries what checks share: the glossary and its matcher, the length
ranges, and for ``inconsistent`` what earlier units said (the runner calls :meth:`observe` after
each unit, so a repeated sentence is reported where it deviates from its first translation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from toolkit.models import Unit

if TYPE_CHECKING:
    from toolkit.glossary.match import Match, Matcher
    from toolkit.glossary.model import Glossary
    from toolkit.qa.calibrate import LengthRange
    from toolkit.qa.terms import TermAlignment

Severity = Literal["warning", "error"]
SEVERITIES: tuple[str, ...] = ("warning", "error")  # ascending
Where = Literal["source", "target"]
EXCERPT = 30


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found in one unit. ``start``/``end`` index ``where`` (the target, or the source
    when something is missing from the target); ``span`` is the text between them."""

    segment: str
    doc: str
    check: str
    severity: str
    message: str
    start: int | None = None
    end: int | None = None
    span: str = ""
    where: Where = "target"
    line: int | None = None
    target: str = ""  # the unit's target language: which catalog of the document
    # The span with up to EXCERPT characters either side, and where the span starts in it.
    excerpt: str = field(default="", compare=False)
    excerpt_offset: int = field(default=0, compare=False)

    def record(self) -> dict[str, Any]:
        """The issue as one JSON object (``toolkit check --json``)."""
        return {
            "segment": self.segment,
            "doc": self.doc,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "span": self.span,
            "where": self.where,
            "line": self.line,
            "target": self.target,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check function yields: a message and the offending span."""

    message: str
    start: int | None = None
    end: int | None = None
    where: Where = "target"


CheckFunction = Callable[[Unit, "CheckContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check. Calling it on a unit returns its issues."""

    id: str
    severity: Severity
    title: str
    function: CheckFunction
    needs_glossary: bool = False

    def __call__(self, unit: Unit, context: CheckContext) -> list[Issue]:
        issues = []
        for found in self.function(unit, context):
            text = unit.source if found.where == "source" else unit.target
            span = excerpt = ""
            offset = 0
            if found.start is not None and found.end is not None:
                span = text[found.start : found.end]
                begin = max(0, found.start - EXCERPT)
                stop = min(len(text), found.end + EXCERPT)
                excerpt = (
                    ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")
                )
                offset = found.start - begin + (1 if begin else 0)
            issues.append(
                Issue(
                    unit.id,
                    unit.doc,
                    self.id,
                    self.severity,
                    found.message,
                    found.start,
                    found.end,
                    span,
                    found.where,
                    unit.line,
                    unit.tgt_lang,
                    excerpt,
                    offset,
                )
            )
        return issues


#: Every check, by id, in registration order.
CHECKS: dict[str, Check] = {}


def check(
    check_id: str, severity: Severity, *, glossary: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated generator as check ``check_id``; its docstring's first line is
    the title. ``glossary=True``: the check needs a glossary in the context."""

    def register(function: CheckFunction) -> CheckFunction:
        if check_id in CHECKS:
            raise ValueError(f"duplicate check id {check_id!r}")
        title = (function.__doc__ or "").strip().splitlines()[0]
        CHECKS[check_id] = Check(check_id, severity, title, function, glossary)
        return function

    return register


@dataclass(frozen=True)
class _Seen:
    segment: str
    key: str
    text: str


class CheckContext:
    """What the checks of one run share. ``length_ranges`` defaults to the package's table."""

    def __init__(
        self,
        glossary: Glossary | None = None,
        length_ranges: dict[tuple[str, str], LengthRange] | None = None,
    ) -> None:
        self.glossary = glossary
        self._length_ranges = length_ranges
        self._matcher: Matcher | None = None
        self._alignment: tuple[Unit, TermAlignment] | None = None
        self._keys: tuple[Unit, tuple[tuple[str, str, str], tuple[str, str]]] | None = None
        self.sources: dict[tuple[str, str, str], _Seen] = {}
        self.targets: dict[tuple[str, str], _Seen] = {}

    @property
    def length_ranges(self) -> dict[tuple[str, str], LengthRange]:
        if self._length_ranges is None:
            from toolkit.qa.calibrate import package_ranges

            self._length_ranges = package_ranges()
        return self._length_ranges

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            from toolkit.glossary.match import matcher_for

            assert self.glossary is not None, "glossary checks need a glossary"
            self._matcher = matcher_for(self.glossary)
        return self._matcher

    def hits(self, text: str, lang: str | None = None) -> list[Match]:
        return self.matcher.find(text, lang)

    def terms(self, unit: Unit) -> TermAlignment:
        """The term pairing of ``unit`` (computed once for the three glossary checks)."""
        if self._alignment is None or self._alignment[0] is not unit:
            from toolkit.qa.terms import align

            assert self.glossary is not None, "glossary checks need a glossary"
            self._alignment = (unit, align(unit, self.glossary, self.matcher))
        return self._alignment[1]

    def keys(self, unit: Unit) -> tuple[tuple[str, str, str], tuple[str, str]]:
        """(source key, target key) under which ``inconsistent`` compares units."""
        if self._keys is None or self._keys[0] is not unit:
            self._keys = (unit, self._compute_keys(unit))
        return self._keys[1]

    @staticmethod
    def _compute_keys(unit: Unit) -> tuple[tuple[str, str, str], tuple[str, str]]:
        source = unit.source
        if unit.src_lang.startswith("zh"):
            from toolkit.chinese import to_hans

            source = to_hans(source)
        family = "zh" if unit.src_lang.startswith("zh") else unit.src_lang
        target = " ".join(unit.target.split()).casefold()
        return (family, unit.tgt_lang, " ".join(source.split())), (unit.tgt_lang, target)

    def observe(self, unit: Unit) -> None:
        """Remember ``unit``'s source and target for the units that follow."""
        if not translated(unit):
            return
        source_key, target_key = self.keys(unit)
        self.sources.setdefault(source_key, _Seen(unit.id, target_key[1], unit.target))
        self.targets.setdefault(target_key, _Seen(unit.id, source_key[2], unit.source))


# --- helpers -------------------------------------------------------------------------------------


def same_language(unit: Unit) -> bool:
    """Source and target are one language (zh-Hans → zh-Hant is a script conversion)."""
    return unit.src_lang.split("-")[0] == unit.tgt_lang.split("-")[0]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def translated(unit: Unit) -> bool:
    """The target is a translation to compare with its source: not empty, not a mere copy."""
    if not unit.target.strip():
        return False
    return same_language(unit) or _squeeze(unit.target) != _squeeze(unit.source)


def _quote(text: str, limit: int = 60) -> str:
    text = _squeeze(text)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


# --- the checks ----------------------------------------------------------------------------------


@check("terminology", "error", glossary=True)
def terminology(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """A glossary concept of the source is missing from the target."""
    if not translated(unit):
        return
    for mention in context.terms(unit).missing:
        wanted = " or ".join(_quote(text) for text in mention.expected)
        yield Finding(
            f"{_quote(mention.surface)} ({mention.concept}) must read {wanted} in the target",
            mention.start,
            mention.end,
            "source",
        )


@check("forbidden-term", "error", glossary=True)
def forbidden_term(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """A forbidden glossary term is used in the target."""
    if not translated(unit):
        return
    glossary = context.glossary
    assert glossary is not None
    for hit in context.terms(unit).forbidden:
        instead = glossary.target_term(hit.concept, unit.tgt_lang)
        why = f" — {hit.term.note}" if hit.term.note else ""
        yield Finding(
            f"forbidden term {_quote(hit.surface)} ({hit.concept}): write {_quote(instead)}{why}",
            hit.start,
            hit.end,
        )


@check("variant", "warning", glossary=True)
def variant(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """An admitted but non-preferred term is used where the glossary expects another.

    Only concepts the source names are judged: a target that names one on its own (a pronoun
    made explicit) has no expected rendering to differ from.
    """
    if not translated(unit):
        return
    for hit, mention in context.terms(unit).variants:
        yield Finding(
            f"{_quote(hit.surface)} is an admitted variant of {hit.concept}; the glossary "
            f"expects {_quote(mention.expected[0])} (source: {_quote(mention.surface)})",
            hit.start,
            hit.end,
        )


@check("numbers", "error")
def numbers(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """Numbers, percentages or dates of the source and the target disagree."""
    from toolkit.qa.numbers import compare, extract
    from toolkit.qa.shapes import noise_spans

    if not translated(unit):
        return
    source = extract(unit.source, unit.src_lang, noise_spans(unit.source))
    target = extract(unit.target, unit.tgt_lang, noise_spans(unit.target))
    for item in compare(source, target):
        quantity = item.quantity
        value = f"{_quote(quantity.text)} (= {quantity.describe()})"
        if item.side == "source":
            message = f"{value} of the source is missing from the target"
        else:
            message = f"{value} in the target is not in the source"
        yield Finding(message, quantity.start, quantity.end, item.side)


@check("placeholder", "error")
def placeholder(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """Sentinel or placeholder-like text leaked into the target."""
    from toolkit.mt.protect import leaked
    from toolkit.qa.shapes import placeholders

    reported: set[tuple[int, int]] = set()
    leak = leaked(unit.target, unit.source)
    if leak:
        start = unit.target.find(leak)
        reported.add((start, start + len(leak)))
        yield Finding(f"sentinel debris {leak!r} left in the target", start, start + len(leak))
    from toolkit.chinese import fold

    source = fold(unit.source)
    for start, end, fragment in placeholders(unit.target):
        if fold(fragment) in source or any(s < end and start < e for s, e in reported):
            continue  # what the source itself holds is no leftover (full-width or not)
        reported.add((start, end))
        yield Finding(f"placeholder-like {fragment!r} is not in the source", start, end)


@check("untranslated", "error")
def untranslated(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """The target is empty, or repeats a source that needs translating."""
    if not unit.target.strip():
        yield Finding("the target is empty", 0, len(unit.source), "source")
        return
    if translated(unit) or not _needs_translation(unit, context):
        return
    yield Finding("the target repeats the source untranslated", 0, len(unit.target))


def _needs_translation(unit: Unit, context: CheckContext) -> bool:
    """The source holds words beyond terms that stay as written, numbers, links and symbols."""
    from toolkit.qa.shapes import links

    keep = [(start, end) for start, end, _ in links(unit.source)]
    if context.glossary is not None:
        from toolkit.glossary.match import match_key

        for hit in context.hits(unit.source):
            rendering = context.glossary.rendering(
                hit.concept, hit.term, hit.surface, unit.tgt_lang, source=unit.src_lang
            )
            if hit.term.dnt or match_key(rendering) == match_key(hit.surface):
                keep.append((hit.start, hit.end))
    chars = list(unit.source)
    for start, end in keep:
        chars[start:end] = " " * (end - start)
    return any(char.isalpha() for char in chars)


@check("script", "error")
def script(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """Chinese characters in a German or English target that the source does not hold as such."""
    from toolkit.qa.shapes import han_runs

    if unit.tgt_lang.startswith("zh") or not translated(unit):
        return
    for start, end, run in han_runs(unit.target):
        if run in unit.source and not unit.src_lang.startswith("zh"):
            continue  # a German text quoting Chinese keeps the quote
        yield Finding(f"Chinese text {_quote(run, 20)} in a {unit.tgt_lang} target", start, end)


@check("repetition", "error")
def repetition(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """A word or a few characters repeated over and over: the decoder looped."""
    from toolkit.qa.shapes import LOOP_TIMES, loops

    if not translated(unit):
        return
    for start, end, piece, times in loops(unit.target):
        if piece * LOOP_TIMES in unit.source:
            continue  # the source says it that way (哈哈哈哈)
        yield Finding(f"{_quote(piece, 20)} repeated {times} times", start, end)


@check("inconsistent", "warning")
def inconsistent(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """The same source is translated differently, or different sources share one target."""
    if not translated(unit):
        return
    source_key, target_key = context.keys(unit)
    first = context.sources.get(source_key)
    if first is not None and first.key != target_key[1]:
        yield Finding(
            f"the same source is translated as {_quote(first.text)} in {first.segment}",
            0,
            len(unit.target),
        )
    other = context.targets.get(target_key)
    if other is not None and other.key != source_key[2]:
        yield Finding(
            f"the same target translates a different source in {other.segment}: "
            f"{_quote(other.text)}",
            0,
            len(unit.target),
        )


@check("length", "warning")
def length(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """The target/source length ratio is outside the range measured on reviewed references."""
    from toolkit.qa.calibrate import length_ratio

    if not translated(unit):
        return
    bounds = context.length_ranges.get((unit.src_lang, unit.tgt_lang))
    ratio = length_ratio(unit)
    if bounds is None or ratio is None or bounds.low <= ratio <= bounds.high:
        return
    side = "short" if ratio < bounds.low else "long"
    yield Finding(
        f"the target is too {side}: {ratio:.2f}× the source, reviewed {unit.src_lang}→"
        f"{unit.tgt_lang} units range {bounds.low:.2f}–{bounds.high:.2f}×",
        0,
        len(unit.target),
    )


@check("punctuation", "warning")
def punctuation(unit: Unit, context: CheckContext) -> Iterator[Finding]:
    """Unbalanced quotes or brackets, or a URL or e-mail of the source not kept verbatim."""
    from toolkit.qa.shapes import links, unbalanced, unbalanced_kinds

    if not translated(unit):
        return
    # A quotation split across sentences leaves its source unbalanced too: not the target's fault.
    excused = unbalanced_kinds(unit.source, unit.src_lang)
    for item in unbalanced(unit.target, unit.tgt_lang):
        if item.kind not in excused:
            yield Finding(f"unbalanced {item.kind}: {item.describe()}", item.start, item.end)
    remaining = unit.target
    for start, end, link in links(unit.source):
        if link in remaining:
            remaining = remaining.replace(link, "", 1)
        else:
            yield Finding(f"{link} is not kept verbatim in the target", start, end, "source")
