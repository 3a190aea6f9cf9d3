"""The request batcher: concurrent callers share corpus-sized pipeline passes.

The pipeline is fast on a corpus (sentences sorted by length, decoded in batches on every core)
and slow one sentence at a time. So a request is not translated on its own: it waits in a queue.
When a pass slot is free (``concurrency`` passes run at once, on the worker threads), the
collector waits a short window (a few ms) for more, then takes the oldest request's group —
every queued request with the same target, source option and glossary, including all that
arrived while the slots were busy — as one pass; the event loop only awaits it. Under load the
batches grow by themselves: the busier the worker, the more requests the next pass takes.

Callers whose answers a pass has just sent usually come straight back with their next request.
Unless as many requests are queued as were just answered, the collector lingers for them — a
small share of the last pass's duration, at most :data:`MAX_LINGER` — so that clients answered
together keep translating together instead of splitting into cohorts that each fill half a pass
(under a steady load a pass then holds a request from every client, not half of them).

A pass that fails is run again request by request, so one bad request cannot fail the others
that happened to share its pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from toolkit.errors import ToolkitError

Result = TypeVar("Result")
#: The longest the collector lingers for callers who were just answered (seconds) …
MAX_LINGER = 0.2
#: … and its share of the last pass's duration.
LINGER_SHARE = 0.05


class Batchable(Protocol):
    """What the batcher needs to know of a request."""

    @property
    def group(self) -> Hashable:
        """Requests with equal groups may share a pass."""
        ...

    @property
    def size(self) -> int:
        """Segments the request adds to a pass."""
        ...


class Busy(ToolkitError):
    """More work is queued than the server takes on: the caller should retry later."""


@dataclass
class PassRecord:
    requests: int
    segments: int
    seconds: float


@dataclass
class Stats:
    """Counters the batcher keeps (``GET /stats``): how many passes served how many requests."""

    requests: int = 0
    passes: int = 0
    segments: int = 0
    largest: int = 0  # most requests in one pass
    recent: deque[PassRecord] = field(default_factory=lambda: deque(maxlen=32))

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "passes": self.passes,
            "segments": self.segments,
            "largest_pass": self.largest,
            "recent": [vars(record) for record in self.recent],
        }


Submit = Callable[[Callable[..., Any], Sequence[Any]], "Future[Any]"]


class Batcher(Generic[Result]):
    """Collects requests on the event loop and runs them in grouped passes on a worker.

    ``run(requests)`` returns one result per request, in order; ``submit(run, requests)`` hands
    it to the worker thread and returns a :class:`concurrent.futures.Future`.
    """

    def __init__(
        self,
        run: Callable[[Sequence[Any]], list[Result]],
        submit: Submit,
        window: float = 0.005,
        max_pending: int = 20_000,
        concurrency: int = 1,
    ) -> None:
        self._run = run
        self._submit = submit
        self.window = window
        self.max_pending = max_pending
        self.concurrency = max(1, concurrency)
        self.stats = Stats()
        self._queue: list[tuple[Any, asyncio.Future[Result]]] = []
        self._pending = 0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._passes: set[asyncio.Task[None]] = set()
        self._arrived: asyncio.Event | None = None
        self._answered = 0  # requests answered since the last pass took its requests
        self._last_pass = 0.0  # seconds the last pass took

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._collect(), name="toolkit-batcher")

    async def stop(self) -> None:
        """Stop collecting; passes already running finish, waiting requests get :class:`Busy`."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._passes:
            await asyncio.gather(*self._passes, return_exceptions=True)
        for _request, waiter in self._queue:
            _settle(waiter, exception=Busy("the server is shutting down"))
        self._queue = []

    async def submit(self, request: Batchable) -> Result:
        """The result of ``request``, translated in a pass with whatever else is waiting."""
        if self._wake is None:
            raise RuntimeError("the batcher is not started")
        if self._pending and self._pending + request.size > self.max_pending:
            raise Busy(f"more than {self.max_pending} segments are waiting; retry later")
        waiter: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((request, waiter))
        self._pending += request.size
        self._wake.set()
        assert self._arrived is not None
        self._arrived.set()
        return await waiter

    async def _collect(self) -> None:
        assert self._wake is not None
        slots = asyncio.Semaphore(self.concurrency)
        while True:
            await self._wake.wait()
            await slots.acquire()
            if self.window > 0:
                await asyncio.sleep(self.window)
            await self._linger()
            self._answered = 0
            group = self._queue[0][0].group if self._queue else None
            entries = [entry for entry in self._queue if entry[0].group == group]
            self._queue = [entry for entry in self._queue if entry[0].group != group]
            if not self._queue:
                self._wake.clear()
            if not entries:
                slots.release()
                continue
            task = asyncio.create_task(self._pass(entries, slots.release))
            self._passes.add(task)
            task.add_done_callback(self._passes.discard)

    async def _linger(self) -> None:
        """Wait (briefly) until the callers answered since the last pass are back."""
        assert self._arrived is not None
        budget = min(MAX_LINGER, LINGER_SHARE * self._last_pass)
        deadline = time.perf_counter() + budget
        while len(self._queue) < self._answered:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def _pass(
        self, entries: list[tuple[Any, asyncio.Future[Result]]], done: Callable[[], None]
    ) -> None:
        try:
            await self._settle_all(entries)
        finally:
            self._pending -= sum(request.size for request, _ in entries)
            self._answered += len(entries)
            done()

    async def _settle_all(self, entries: list[tuple[Any, asyncio.Future[Result]]]) -> None:
        requests = [request for request, _ in entries]
        try:
            results = await self._call(requests)
        except Exception as exc:
            if len(entries) == 1:
                _settle(entries[0][1], exception=exc)
                return
            for request, waiter in entries:  # one at a time: the failure stays with its owner
                try:
                    (result,) = await self._call([request])
                except Exception as alone:
                    _settle(waiter, exception=alone)
                else:
                    _settle(waiter, result=result)
            return
        for (_request, waiter), result in zip(entries, results, strict=True):
            _settle(waiter, result=result)

    async def _call(self, requests: list[Any]) -> list[Result]:
        started = time.perf_counter()
        results = await asyncio.wrap_future(self._submit(self._run, [requests]))
        stats = self.stats
        stats.passes += 1
        stats.requests += len(requests)
        size = sum(request.size for request in requests)
        stats.segments += size
        stats.largest = max(stats.largest, len(requests))
        self._last_pass = time.perf_counter() - started
        stats.recent.append(PassRecord(len(requests), size, self._last_pass))
        return results


def _settle(
    waiter: asyncio.Future[Any], *, result: Any = None, exception: BaseException | None = None
) -> None:
    if waiter.done():  # the caller went away
        return
    if exception is not None:
        waiter.set_exception(exception)
    else:
        waiter.set_result(result)
