"""The corpus MT pass on a Ray cluster: Ray Data ``map_batches`` over a pool of translator actors.

Only the segments that need MT leave the driver. :class:`RayEngine` sorts them by length, cuts
them into blocks, and hands the blocks to a fixed pool of actors (``ActorPoolStrategy``), each
holding one :class:`~toolkit.mt.engine.PackageEngine` — one CTranslate2 translator, on a GPU when
the engine asks for ``cuda``. Finished blocks stream back as they complete, so the pipeline
restores, verifies and commits them while the rest is still decoding.

Output is identical to the local engine: an actor calls the very ``translate_batch`` the local
engine runs, and that engine decodes every sentence exactly as it does alone (batches of one token
length, no padding), so how the corpus is cut into blocks cannot change a single output (with
``batching="padded"`` it can, as it can locally). The signature is the local engine's, so
catalogs and memory entries are interchangeable.

**Packages reach the actors by path**: an actor opens the package directory the driver resolved
(``$ARGOS_PACKAGES_DIR/<package>``). On a multi-node cluster every node must see that directory
at the same path (a shared file system, or the same install on every node); a local cluster
always does. No runtime_env is shipped: workers run the driver's Python environment, so every
node needs the toolkit installed there too.

Each ``translate_stream`` call is one Ray Data run and starts its actors afresh (a few seconds:
worker start, model load), which large corpora amortise; the pipeline makes one call per
sentinel scheme it needs.

``ray`` is an optional extra (``uv sync --extra ray``); this module imports it only when a Ray
engine is built, so importing it costs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from toolkit.errors import ModelError, ToolkitError, UsageError
from toolkit.mt.engine import (
    DecodeOptions,
    Engine,
    Finished,
    PackageEngine,
    PivotEngine,
    Progress,
    collect,
)
from toolkit.mt.packages import PackageInfo

INSTALL_HINT = "install the extra: uv sync --extra ray (or pip install 'toolkit[ray]')"


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide the Ray pass runs."""

    address: str | None = None  # None: start (or join) a local cluster; "auto"; "ray://host:port"
    actors: int | None = None  # None: one per GPU for cuda, else one per node
    block_size: int = 256  # inputs per block handed to an actor
    cpus_per_actor: float | None = None  # None: the cluster's CPUs shared out among the actors


def require_ray() -> Any:
    """The ``ray`` module, or a :class:`UsageError` saying how to install it."""
    # Under `uv run`, Ray would otherwise rebuild the uv environment for every worker (and the
    # workers would fail to start). Ray reads this at import time.
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    try:
        import ray
        import ray.data  # the extra is ray[data]: fail here, not mid-run
    except ImportError:
        raise UsageError("--ray needs Ray, which is not installed", hint=INSTALL_HINT) from None
    return ray


def connect(address: str | None = None) -> Any:
    """Join (or start) the Ray cluster at ``address`` once per process; the ``ray`` module."""
    ray = require_ray()
    if ray.is_initialized():
        _quiet_data(ray)
        return ray
    import logging

    try:
        if address is None:
            ray.init(include_dashboard=False, logging_level=logging.WARNING)
        else:
            ray.init(address=address, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local cluster"
        raise UsageError(
            f"cannot start or reach Ray at {where}: {_first_line(exc)}",
            hint="check --ray-address (auto joins a running cluster: ray start --head)",
        ) from None
    _quiet_data(ray)
    return ray


def _quiet_data(ray: Any) -> None:
    """The CLI draws its own progress bar: Ray Data's bars and per-run INFO lines would fight
    it on stderr."""
    import logging

    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class TranslatorActor:
    """A Ray Data actor: one package engine, loaded once, translating block after block."""

    def __init__(self, package: PackageInfo, options: DecodeOptions) -> None:
        self.engine = PackageEngine(package, options)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        # A row is a whole block (see RayEngine._dataset): one engine call per block.
        outputs: list[list[str]] = []
        errors: list[str] = []
        for texts in batch["text"]:
            try:
                outputs.append(self.engine.translate_batch([str(t) for t in texts]))
                errors.append("")
            except ToolkitError as exc:
                # Sent back as data: Ray would bury the one-line message in its own wrappers.
                outputs.append([""] * len(texts))
                errors.append(str(exc))
        column = np.empty(len(outputs), dtype=object)
        column[:] = outputs
        return {"i": batch["i"], "text": column, "error": np.array(errors, dtype=object)}


class RayEngine:
    """One Argos package, decoded by a pool of Ray actors; same outputs as ``PackageEngine``."""

    def __init__(
        self,
        package: PackageInfo,
        options: DecodeOptions | None = None,
        ray_options: RayOptions | None = None,
    ) -> None:
        self.package = package
        self.options = options or DecodeOptions()
        self.ray_options = ray_options or RayOptions()
        if self.ray_options.block_size < 1:
            raise UsageError("the Ray block size must be at least 1")
        if self.ray_options.actors is not None and self.ray_options.actors < 1:
            raise UsageError("--actors must be at least 1")
        # The local engine's signature, computed the same way: the same model gives the same
        # output wherever it runs.
        self.signature = PackageEngine(package, self.options).signature

    def translate_batch(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        return collect(self.translate_stream(texts), len(texts), progress)

    def translate_stream(self, texts: Sequence[str]) -> Iterator[Finished]:
        if not texts:
            return
        ray = connect(self.ray_options.address)
        dataset = self._dataset(ray, texts)
        try:
            for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                for indexes, outputs, error in zip(
                    batch["i"], batch["text"], batch["error"], strict=True
                ):
                    if error:
                        raise ModelError(f"on the Ray cluster: {error}")
                    yield [(int(i), str(text)) for i, text in zip(indexes, outputs, strict=True)]
        except ray.exceptions.RayError as exc:
            raise ModelError(
                f"the Ray pass failed: {_first_line(_root_cause(exc))}", path=self.package.path
            ) from None

    def _dataset(self, ray: Any, texts: Sequence[str]) -> Any:
        settings = self.ray_options
        resources = ray.cluster_resources()
        device = self.options.device
        if device == "auto":
            device = "cuda" if resources.get("GPU", 0) >= 1 else "cpu"
        if device == "cuda" and resources.get("GPU", 0) < 1:
            raise UsageError(
                "--device cuda, but the Ray cluster has no GPU", hint="use --device cpu or auto"
            )
        blocks = -(-len(texts) // settings.block_size)
        if settings.actors is not None:
            actors = settings.actors
        elif device == "cuda":
            actors = int(resources["GPU"])
        else:
            actors = max(1, sum(1 for node in ray.nodes() if node.get("Alive")))
        # More actors than blocks would only start idle translators (and Ray warns).
        actors = min(actors, blocks)
        if settings.cpus_per_actor is not None:
            cpus = settings.cpus_per_actor
        elif device == "cuda":
            cpus = 1.0
        else:
            cpus = float(max(1, int(resources.get("CPU", 1) // actors)))
        # An actor runs one translation thread per CPU it holds, not one per core of its node.
        threads = self.options.threads or max(1, int(cpus))
        options = replace(self.options, device=device, threads=threads)
        # Longest first: the long blocks start early and the short ones fill the tail, so no
        # actor is left decoding alone at the end. Similar lengths in one block also keep the
        # actor's equal-length batches full.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        # One row per block, one Ray block per row: Ray's bundling of rows into batches cannot
        # merge or split our blocks, and each block is one task an idle actor can take.
        size = settings.block_size
        rows = [
            {"i": part, "text": [texts[i] for i in part]}
            for part in (order[begin : begin + size] for begin in range(0, len(order), size))
        ]
        return ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            TranslatorActor,
            fn_constructor_kwargs={"package": self.package, "options": options},
            batch_size=1,
            # One block in flight per actor: a block waits for whichever actor is free rather
            # than queueing behind a busy (or first-started) one.
            compute=ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1),
            num_cpus=cpus,
            num_gpus=1 if device == "cuda" else None,
            udf_modifying_row_count=False,
        )


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (the user code's error inside Ray's wrappers)."""
    seen = set()
    while True:
        cause = getattr(exc, "cause", None) or exc.__cause__
        if cause is None or id(cause) in seen:
            return exc
        seen.add(id(exc))
        exc = cause


def ray_engine_for(
    packages: Sequence[PackageInfo], options: DecodeOptions, ray_options: RayOptions
) -> Engine:
    """A Ray engine over a route from :func:`toolkit.mt.packages.route` (a pivot runs each hop
    through Ray in turn, as :func:`toolkit.mt.engine.engine_for` composes local hops)."""
    if not packages:
        raise ModelError("empty package route")
    engine: Engine = RayEngine(packages[0], options, ray_options)
    for package in packages[1:]:
        engine = PivotEngine(engine, RayEngine(package, options, ray_options))
    return engine
