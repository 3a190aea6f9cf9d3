"""What the server translates with: one glossary, one memory, one set of engines, one worker.

Requests are read and checked on the caller's side (:meth:`Service.prepare`, in a thread pool:
ingest, segmentation, language and route checks), so a bad request fails alone and before it
joins a batch. A worker thread then runs :meth:`Service.run_group`: one
:class:`~toolkit.mt.pipeline.CorpusTranslator` pass over the segments of every request in a
group — the same pipeline as ``toolkit translate``, so the memory comes first, reviewed
translations win, the glossary is enforced and verified and no sentinel reaches an answer — and
writes each item back in its own shape (:mod:`toolkit.corpus.documents`).

Passes may run side by side (``ServeConfig.passes`` worker threads, one by default: one pass
holding every waiting request decodes in larger batches than two holding half each, so a
second pass pays off only for requests that cannot share the first — another target or
glossary). Each worker thread has its own SQLite connection (``sqlite3`` connections belong to
their thread). The engines are shared: a model is resolved, built and loaded once, under a
lock, by the first pass that needs it; CTranslate2 translators take batches from any thread.
"""

from __future__ import annotations

import html
import itertools
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import UsageError
from toolkit.glossary.model import Glossary
from toolkit.models import Segment, Unit
from toolkit.mt.engine import DecodeOptions, Engine
from toolkit.mt.memory import TranslationMemory
from toolkit.mt.pipeline import CorpusTranslator, TranslateOptions, argos_code
from toolkit.serve.glossaries import GlossaryChoice

#: Unit statuses, worst first: an item takes the worst status of its sentences.
_STATUS_ORDER = ("needs_review", "machine", "memory", "reviewed")
_WRAPPER = ("<div>", "</div>")


@dataclass(frozen=True)
class Item:
    """One string of a request, read and segmented."""

    text: str  # what is written back (an HTML string given as text is wrapped in _WRAPPER)
    format: str  # text or html
    doc_id: str  # unique in the server's lifetime, so items of one pass never share segment ids
    segments: tuple[Segment, ...]
    detected: dict[str, Any] | None  # {"confidence", "language"} when the source is auto
    wrapped: bool = False


@dataclass(frozen=True)
class Request:
    """A prepared request: its items and what its pass must share with others."""

    target: str  # the pipeline's target tag
    source: str  # the pipeline's source option (auto, zh, de, en)
    choice: GlossaryChoice
    items: tuple[Item, ...]

    @property
    def group(self) -> tuple[str, str, str]:
        return (self.target, self.source, self.choice.key)

    @property
    def size(self) -> int:
        return sum(len(item.segments) for item in self.items)


@dataclass(frozen=True)
class ItemResult:
    text: str
    status: str
    terms: tuple[dict[str, str], ...]
    notes: tuple[str, ...]


class _SharedEngines(CorpusTranslator):
    """A CorpusTranslator whose engines come from the server's cache: every pass, whatever its
    glossary, decodes with the models loaded by the first one (the pipeline keys its engines by
    source language for a fixed target, so one dict per Argos target is shared)."""

    def __init__(
        self,
        glossary: Glossary,
        memory: TranslationMemory,
        options: TranslateOptions,
        engines: dict[str, tuple[Engine, str]],
    ) -> None:
        super().__init__(glossary, memory, options)
        self._engines = engines


class Worker:
    """The threads pipeline passes run on, each with its own connection to the memory.

    ``sqlite3`` connections belong to the thread that opened them, so every worker thread opens
    one when it starts and closes it when it stops (the memory is SQLite in WAL mode: passes
    read concurrently, their commits queue up). Reviewed catalogs are loaded before the threads
    start.
    """

    def __init__(self, memory_path: Path | None, reviewed: Path | None, threads: int = 1) -> None:
        self._path = memory_path
        self._tasks: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], Sequence[Any]] | None]
        self._tasks = queue.SimpleQueue()
        self.reviewed_loaded = 0
        if reviewed is not None:
            from toolkit.corpus.catalog import load_reviewed

            with TranslationMemory(memory_path) as memory:
                self.reviewed_loaded = load_reviewed(reviewed, memory)
        self._threads: list[threading.Thread] = []
        for number in range(max(1, threads)):
            opened: Future[None] = Future()
            thread = threading.Thread(
                target=self._loop, args=(opened,), name=f"toolkit-serve-mt-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
            try:
                opened.result()
            except BaseException:
                self.close()
                raise

    def _loop(self, opened: Future[None]) -> None:
        try:
            memory = TranslationMemory(self._path)
        except BaseException as exc:
            opened.set_exception(exc)
            return
        opened.set_result(None)
        try:
            while (task := self._tasks.get()) is not None:
                future, fn, args = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(memory, *args))
                except BaseException as exc:
                    future.set_exception(exc)
        finally:
            memory.close()

    def submit(self, fn: Callable[..., Any], args: Sequence[Any]) -> Future[Any]:
        """Run ``fn(memory, *args)`` on a worker thread."""
        future: Future[Any] = Future()
        self._tasks.put((future, fn, args))
        return future

    def close(self) -> None:
        """Stop the threads once the tasks given so far are done; each closes its memory."""
        for _thread in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []


class Service:
    """The glossary, decode options and engines every request shares."""

    def __init__(self, glossary: Glossary, decode: DecodeOptions) -> None:
        self.glossary = glossary
        self.empty = Glossary((), source="none")
        self.decode = decode
        self._engines: dict[str, dict[str, tuple[Engine, str]]] = defaultdict(dict)
        self._ids = itertools.count(1)
        self._lookup: Any = None
        self._engine_lock = threading.Lock()
        self._loaded: set[int] = set()

    # -- the caller's side (any thread) ----------------------------------------------------
    def prepare(
        self, texts: Sequence[str], fmt: str, source: str, target: str, choice: GlossaryChoice
    ) -> Request:
        """Read and check a request; :class:`UsageError` for what cannot be translated."""
        from toolkit.ingest import document_from_text
        from toolkit.mt.packages import route
        from toolkit.mt.pipeline import check_source_language
        from toolkit.segment import segment_document
        from toolkit.serve.languages import detect

        items = []
        tgt = argos_code(target)
        checked: set[str] = set()
        for text in texts:
            if not isinstance(text, str):
                raise UsageError("q must be a string or a list of strings")
            wrapped = fmt == "html" and not text.lstrip().startswith("<")
            if wrapped:  # inline HTML ("Hello <b>world</b>"): read as a fragment, not a line
                text = _WRAPPER[0] + text + _WRAPPER[1]
            doc_id = f"q{next(self._ids)}"
            document = document_from_text(text, doc_id)
            try:
                check_source_language(document, source)
            except UsageError as exc:  # worded for the command line
                raise UsageError(
                    exc.message.replace("--from", "source", 1),
                    hint="use source=auto: languages are detected per paragraph",
                ) from None
            segments = tuple(segment_document(document))
            for segment in segments:
                src = argos_code(segment.lang if source == "auto" else source)
                if src == tgt or src in checked:
                    continue
                if route(src, tgt) is None:
                    raise UsageError(
                        f"no translation package for {src}→{tgt}",
                        hint=f"toolkit models install {src} {tgt}",
                    )
                checked.add(src)
            detected = detect(text)[0] if source == "auto" else None
            items.append(Item(text, fmt, doc_id, segments, detected, wrapped))
        return Request(target, source, choice, tuple(items))

    def lookup_index(self) -> Any:
        """The lookup index of the glossary, built at the first lookup."""
        if self._lookup is None:
            from toolkit.glossary.lookup import LookupIndex

            self._lookup = LookupIndex.build(self.glossary)
        return self._lookup

    # -- the worker's side ------------------------------------------------------------------
    def run_group(
        self, memory: TranslationMemory, requests: Sequence[Request]
    ) -> list[list[ItemResult]]:
        """One pipeline pass over every segment of ``requests`` (one group); per request, the
        result of each of its items."""
        from toolkit.segment import SEGMENTER_ID

        first = requests[0]
        options = TranslateOptions(target=first.target, source=first.source, decode=self.decode)
        translator = _SharedEngines(
            first.choice.glossary, memory, options, self._engines[argos_code(first.target)]
        )
        segments = [s for request in requests for item in request.items for s in item.segments]
        units: dict[str, list[Unit]] = defaultdict(list)
        if segments:
            with self._engine_lock:  # engines are resolved, built and loaded once, by one pass
                plan = translator.prepare(segments)
                for engine, _part in plan.engines.values():
                    if id(engine) not in self._loaded:
                        engine.translate_batch(["."])  # model and tokenizer loaded
                        self._loaded.add(id(engine))
            for unit in translator.execute(plan, SEGMENTER_ID):
                units[unit.doc].append(unit)
        return [
            [_write(item, units.get(item.doc_id, []), first.target) for item in request.items]
            for request in requests
        ]


def _write(item: Item, units: list[Unit], target: str) -> ItemResult:
    """An item's translation in its own shape, its status, enforced terms and review notes."""
    from toolkit.corpus.documents import layout_of_text, render_translation

    document, layout, text = layout_of_text(item.text, item.doc_id)
    out = render_translation(document, layout, text, units, target)
    if item.wrapped and out.startswith(_WRAPPER[0]) and out.endswith(_WRAPPER[1]):
        out = out[len(_WRAPPER[0]) : -len(_WRAPPER[1])]
    elif item.format == "text" and layout.html_line is not None:
        # Plain text with a line that opens a tag is read as HTML from there on; the writer
        # escapes that part, which plain text must not be.
        lines = out.split("\n", layout.html_line)
        out = "\n".join([*lines[:-1], html.unescape(lines[-1])])
    statuses = {unit.status for unit in units}
    status = next((s for s in _STATUS_ORDER if s in statuses), "machine")
    terms: dict[tuple[str, str, str], dict[str, str]] = {}
    for unit in units:
        for term in unit.terms:
            key = (term.concept, term.surface, term.target_term)
            terms.setdefault(
                key,
                {
                    "concept": term.concept,
                    "term_en": term.term_en,
                    "surface": term.surface,
                    "target": term.target_term,
                },
            )
    notes = tuple(
        f"{unit.id.removeprefix(item.doc_id + '-')}: {unit.note}"
        for unit in units
        if unit.status == "needs_review"
    )
    return ItemResult(out, status, tuple(terms.values()), notes)
