"""Segments in, aligned units out: memory first, then one batched, glossary-enforced MT pass.

For every segment, in this order: a human-reviewed translation from the memory; the source already
in the target language (terms normalised, script converted); a machine translation the memory holds
for this engine and glossary; otherwise the segment joins the corpus-wide MT pass. That pass is
one batched engine call per sentinel scheme, streamed: finished segments are committed to the
memory and reported in small groups (a few dozen, or every few seconds), and whatever finished is
committed when the run is interrupted, so the next run translates only the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from toolkit import __version__
from toolkit.errors import ModelError, UsageError
from toolkit.glossary.model import Glossary
from toolkit.models import Document, Segment, TermHit, Unit, UnitTerm
from toolkit.mt import protect as guard
from toolkit.mt.engine import DecodeOptions, Engine, engine_for, engine_signature
from toolkit.mt.memory import MachineEntry, TranslationMemory
from toolkit.mt.packages import ARGOS_CODES, PackageInfo, missing_pairs, route
from toolkit.mt.ray import RayOptions, ray_engine_for

TARGETS: tuple[str, ...] = ("en", "de", "zh-Hans", "zh-Hant", "zh-Hant-TW", "zh-Hant-HK")
SOURCES: tuple[str, ...] = ("auto", "zh", "de", "en")
Installer = Callable[[str, str], PackageInfo]
Progress = Callable[[int], None]


def argos_code(tag: str) -> str:
    """Argos language code of a tag: Chinese of either script is translated from zh-Hans."""
    return "zh" if tag.startswith("zh") else ARGOS_CODES.get(tag, tag)


@dataclass(frozen=True)
class TranslateOptions:
    target: str
    source: str = "auto"  # auto: each segment's detected language
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    commit_every: int = 32  # finished segments per memory commit (and progress step) …
    commit_seconds: float = 2.0  # … or fewer, when this long has passed since the last one
    # Run the error-level QA checks on every machine unit; a failure flags it needs_review.
    check: bool = True
    # Run the MT pass on a Ray cluster (toolkit.mt.ray); None: in this process.
    ray: RayOptions | None = None


@dataclass(eq=False)
class _Job:
    """A segment on its way through the pipeline."""

    segment: Segment
    src: str  # Argos code of the source
    src_tag: str  # BCP 47 tag of the source (zh-Hant …), as the unit records it
    mt_source: str  # what the engine sees (zh-Hans for Chinese)
    slots: list[guard.Slot]
    terms: tuple[UnitTerm, ...]
    target: str = ""
    status: str = "machine"
    note: str = ""
    # Why no machine output of this unit can be called done whatever the engine does (a term the
    # context leaves ambiguous is not enforced): the unit is flagged for review.
    doubt: str = ""


@dataclass(eq=False)
class Plan:
    """Jobs of a corpus, those still needing MT grouped by source language, and their engines."""

    jobs: list[_Job]
    pending: dict[str, list[_Job]] = field(default_factory=lambda: defaultdict(list))
    engines: dict[str, tuple[Engine, str]] = field(default_factory=dict)


def check_languages(options: TranslateOptions) -> None:
    if options.target not in TARGETS:
        raise UsageError(
            f"unknown target language {options.target!r}", hint=f"use one of {', '.join(TARGETS)}"
        )
    if options.source not in SOURCES:
        raise UsageError(
            f"unknown source language {options.source!r}", hint=f"use one of {', '.join(SOURCES)}"
        )


def check_source_language(document: Document, source: str) -> None:
    """Refuse ``--from`` for a document written in another script: Latin text is no Chinese
    source, Chinese text no German or English one (a stray notice in another language is fine:
    the document's bulk decides)."""
    if source == "auto":
        return
    weight: dict[str, int] = defaultdict(int)
    for paragraph in document.paragraphs:
        weight["zh" if paragraph.lang == "zh" else "latin"] += len(paragraph.text)
    if not weight:
        return
    bulk = max(weight, key=weight.__getitem__)
    wanted = "zh" if source == "zh" else "latin"
    if bulk != wanted:
        found = next(p for p in document.paragraphs if (p.lang == "zh") == (bulk == "zh"))
        raise UsageError(
            f"--from {source}, but the text is {found.tag}",
            path=document.path,
            line=found.line,
            hint="drop --from (languages are detected per paragraph) or pass matching files",
        )


def opencc_signature(target: str, sources: Iterable[str]) -> str:
    parts = ["t2s"] if any(s == "zh" for s in sources) else []
    if target.startswith("zh-Hant"):
        from toolkit.chinese import HANT_CONFIGS

        parts.append(HANT_CONFIGS[target])
    return "+".join(parts) or "none"


def make_signature(engine: str, segmenter: str, glossary: Glossary, opencc: str) -> str:
    """The reproducibility line every output carries."""
    return (
        f"toolkit {__version__}|{engine}|seg:{segmenter}|"
        f"glossary:sha256:{glossary.sha256[:12]}|opencc:{opencc}"
    )


class CorpusTranslator:
    """Translates a corpus of segments into one target language."""

    def __init__(
        self,
        glossary: Glossary,
        memory: TranslationMemory,
        options: TranslateOptions,
        *,
        installer: Installer | None = None,
    ) -> None:
        check_languages(options)
        self.glossary = glossary
        self.memory = memory
        self.options = options
        self.installer = installer
        self._engines: dict[str, tuple[Engine, str]] = {}
        self.signature = ""

    # -- routes and engines -------------------------------------------------------------
    def _engine(self, src: str) -> tuple[Engine, str]:
        """The engine for ``src`` → target and its signature part, installing if allowed."""
        if src in self._engines:
            return self._engines[src]
        tgt = argos_code(self.options.target)
        packages = route(src, tgt)
        if packages is None:
            missing = missing_pairs(src, tgt)
            if self.installer is None:
                pairs = ", ".join(f"{a}→{b}" for a, b in missing)
                raise ModelError(
                    f"no translation package for {pairs}",
                    hint=f"toolkit models install {missing[0][0]} {missing[0][1]} "
                    "(or --file X.argosmodel when offline)",
                )
            for pair in missing:
                self.installer(*pair)
            packages = route(src, tgt)
            if packages is None:
                raise ModelError(f"no route from {src} to {tgt} after installing")
        if self.options.ray is not None:
            engine = ray_engine_for(packages, self.options.decode, self.options.ray)
        else:
            engine = engine_for(packages, self.options.decode)
        pair = (engine, engine_signature(engine, self.options.decode))
        self._engines[src] = pair
        return pair

    # -- the run ------------------------------------------------------------------------
    def prepare(self, segments: Iterable[Segment]) -> Plan:
        """Match terms, take what the memory and the sources already settle, and resolve (or
        install) the engines the rest needs — everything that may fail or download before the
        long MT pass starts."""
        from toolkit.glossary.match import matcher_for

        segments = list(segments)
        hits: dict[str, list[TermHit]] = defaultdict(list)
        # One scan of the whole corpus: terms are decided in their paragraph's context.
        for hit in matcher_for(self.glossary).scan(segments):
            hits[hit.segment].append(hit)
        target = self.options.target
        tgt = argos_code(target)
        plan = Plan(jobs=[self._job(segment, hits.get(segment.id, [])) for segment in segments])
        for job in plan.jobs:
            reviewed = self.memory.reviewed(job.mt_source, job.src, target)
            if reviewed is not None:
                job.target, job.status = reviewed, "reviewed"
            elif job.src == tgt:
                job.target = self._passthrough(job)
            else:
                plan.pending[job.src].append(job)
        for src in sorted(plan.pending):
            plan.engines[src] = self._engine(src)
        return plan

    def run(
        self, segments: Iterable[Segment], segmenter: str, progress: Progress | None = None
    ) -> Iterator[Unit]:
        """Units for ``segments`` in their order; ``progress(n)`` as n more are finished."""
        return self.execute(self.prepare(segments), segmenter, progress)

    def execute(
        self, plan: Plan, segmenter: str, progress: Progress | None = None
    ) -> Iterator[Unit]:
        """Run a prepared plan: memory hits, then the chunked MT pass; units in source order."""
        target = self.options.target
        if progress is not None:
            progress(len(plan.jobs) - sum(len(group) for group in plan.pending.values()))
        glossary_sha = self.glossary.sha256
        for src, group in sorted(plan.pending.items()):
            engine, engine_part = plan.engines[src]
            todo = []
            for job in group:
                entry = self.memory.machine(job.mt_source, src, target, engine_part, glossary_sha)
                if entry is None:
                    todo.append(job)
                    continue
                job.target, job.note = entry.target, entry.note
                job.status = "needs_review" if entry.status == "needs_review" else "memory"
                if progress is not None:
                    progress(1)
            commits = _Commits(self, src, engine_part, progress)
            try:
                self._translate(engine, todo, commits.done)
            finally:
                commits.flush()  # Ctrl-C included: what finished is kept
        engine_text = " + ".join(sorted({part for _, part in plan.engines.values()}))
        self.signature = make_signature(
            engine_text or "engine:none",
            segmenter,
            self.glossary,
            opencc_signature(target, (job.src for job in plan.jobs)),
        )
        gate = _QualityGate(self.glossary) if self.options.check else None
        for job in plan.jobs:
            seg = job.segment
            if job.status in ("machine", "memory"):
                # The last word on enforcement, whatever path the unit took (a memory entry of
                # an older run included): every protected term is there, or the unit is flagged.
                lost = guard.missing_terms(job.target, job.slots)
                if lost is not None:
                    job.status, job.note = "needs_review", lost
            if job.doubt and job.status != "reviewed":
                job.status = "needs_review"
                job.note = "; ".join(part for part in (job.doubt, job.note) if part)
            unit = Unit(
                id=seg.id,
                doc=seg.doc,
                source=seg.text,
                target=job.target,
                src_lang=job.src_tag,
                tgt_lang=target,
                status=job.status,  # type: ignore[arg-type]
                terms=job.terms,
                signature=self.signature,
                line=seg.line,
                note=job.note,
                kind=seg.kind,
            )
            yield gate(unit) if gate is not None else unit

    def _job(self, segment: Segment, hits: list[TermHit]) -> _Job:
        src = argos_code(segment.lang if self.options.source == "auto" else self.options.source)
        mt_source = segment.norm
        slots: list[guard.Slot] = []
        terms: list[UnitTerm] = []
        doubts: list[str] = []
        for match in hits:
            if not match.term.enforce:
                continue  # recognised, rendered freely (Term.enforce)
            if match.ambiguous:
                names = " or ".join((match.concept, *match.alternatives))
                doubts.append(f"ambiguous term {match.surface!r} ({names})")
                continue
            concept = self.glossary.by_id[match.concept]
            target_term = self.glossary.rendering(
                concept.id, match.term, match.surface, self.options.target, segment.tag
            )
            slots.append(guard.Slot(match.start, match.end, concept.id, target_term, concept.dnt))
            terms.append(UnitTerm(concept.id, concept.en, match.surface, target_term))
        if len(slots) > guard.MAX_SLOTS:  # absurd, but must not break the sentinel alphabet
            slots = slots[: guard.MAX_SLOTS]
        job = _Job(segment, src, self._source_tag(segment), mt_source, slots, tuple(terms))
        job.doubt = "; ".join(doubts)
        return job

    def _source_tag(self, segment: Segment) -> str:
        """The segment's tag, or the one ``--from`` imposes (Chinese keeps its detected script)."""
        forced = self.options.source
        if forced == "auto" or forced == segment.lang:
            return segment.tag
        return "zh-Hans" if forced == "zh" else forced

    def _passthrough(self, job: _Job) -> str:
        """Source already in the target language: enforce the terms, convert the script."""
        parts = guard.pieces(job.mt_source, job.slots)
        convert = self._script_converter()
        return "".join(
            part.target if isinstance(part, guard.Slot) else convert(part) for part in parts
        )

    def _script_converter(self) -> Callable[[str], str]:
        target = self.options.target
        if target.startswith("zh-Hant"):
            from toolkit.chinese import to_hant

            return lambda text: to_hant(text, target)
        return lambda text: text

    def _translate(
        self, engine: Engine, jobs: Sequence[_Job], done: Callable[[_Job], None]
    ) -> None:
        """Decode ``jobs`` with sentinel schemes in turn, then piecewise, then flag; ``done(job)``
        as each one is final."""
        convert = self._script_converter()
        failing = list(jobs)
        reasons: dict[int, str] = {}
        for scheme in guard.SCHEMES:
            batch = [job for job in failing if scheme in guard.usable_schemes(job.mt_source)]
            if not batch:
                continue
            sources = [guard.protect(job.mt_source, job.slots, scheme) for job in batch]
            still = []
            for finished in engine.translate_stream(sources):
                for index, output in finished:
                    job = batch[index]
                    outcome = guard.restore(convert(output), job.mt_source, job.slots, scheme)
                    job.target = outcome.text
                    if outcome.problem is None:
                        job.status, job.note = "machine", ""
                        done(job)
                    else:
                        reasons[id(job)] = outcome.problem
                        still.append(job)
            tried = {id(job) for job in batch}
            failing = [job for job in failing if id(job) not in tried] + still
        if failing:
            self._piecewise(engine, failing, reasons, convert)
            for job in failing:
                done(job)

    def _piecewise(
        self,
        engine: Engine,
        jobs: Sequence[_Job],
        reasons: dict[int, str],
        convert: Callable[[str], str],
    ) -> None:
        """Translate the text between the terms and insert the terms ourselves."""
        requests: list[str] = []
        layouts: list[list[str | guard.Slot | int]] = []
        for job in jobs:
            layout: list[str | guard.Slot | int] = []
            for part in guard.pieces(job.mt_source, job.slots):
                if isinstance(part, str) and guard.needs_translation(part):
                    layout.append(len(requests))
                    requests.append(part)
                else:
                    layout.append(part)
            layouts.append(layout)
        outputs = engine.translate_batch(requests) if requests else []
        spaced = not self.options.target.startswith("zh")
        for job, layout in zip(jobs, layouts, strict=True):
            texts = []
            for part in layout:
                if isinstance(part, int):
                    texts.append(convert(outputs[part]))
                elif isinstance(part, guard.Slot):
                    texts.append(part.target)
                else:
                    texts.append(part)
            joined = guard.join_pieces(texts, spaced)
            problem = guard.leaked(joined, job.mt_source) or guard.missing_terms(joined, job.slots)
            if problem is None:
                job.target, job.status = joined, "machine"
                job.note = ""
                continue
            first = reasons.get(id(job), "sentinels failed")
            job.target = guard.scrub(joined, job.mt_source)
            job.status = "needs_review"
            job.note = f"{first}; piecewise: {problem}"


class _Commits:
    """Finished jobs on their way into the memory: committed in small groups, and reported."""

    def __init__(
        self, translator: CorpusTranslator, src: str, engine_part: str, progress: Progress | None
    ) -> None:
        import time

        self.translator, self.src, self.engine_part = translator, src, engine_part
        self.progress = progress
        self.waiting: list[_Job] = []
        self.clock = time.monotonic
        self.last = self.clock()

    def done(self, job: _Job) -> None:
        self.waiting.append(job)
        options = self.translator.options
        if (
            len(self.waiting) >= options.commit_every
            or self.clock() - self.last >= options.commit_seconds
        ):
            self.flush()

    def flush(self) -> None:
        self.last = self.clock()
        if not self.waiting:
            return
        jobs, self.waiting = self.waiting, []
        translator = self.translator
        target = translator.options.target
        glossary_sha = translator.glossary.sha256
        translator.memory.add_machine(
            MachineEntry(
                job.mt_source,
                self.src,
                target,
                self.engine_part,
                glossary_sha,
                job.target,
                job.status,
                job.note,
            )
            for job in jobs
        )
        if self.progress is not None:
            self.progress(len(jobs))


class _QualityGate:
    """The error-level QA checks over machine output: a unit that fails one is not done."""

    def __init__(self, glossary: Glossary) -> None:
        from toolkit.qa.checks import CHECKS, CheckContext

        self.checks = [check for check in CHECKS.values() if check.severity == "error"]
        self.context = CheckContext(glossary)

    def __call__(self, unit: Unit) -> Unit:
        if unit.status not in ("machine", "memory"):
            return unit
        issues = [issue for check in self.checks for issue in check(unit, self.context)]
        if not issues:
            return unit
        from dataclasses import replace

        reasons = "; ".join(f"{issue.check}: {issue.message}" for issue in issues[:3])
        more = f" (+{len(issues) - 3} more)" if len(issues) > 3 else ""
        return replace(unit, status="needs_review", note=f"qa: {reasons}{more}")
