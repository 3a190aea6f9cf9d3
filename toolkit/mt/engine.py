"""Machine-translation engines: Argos packages run with CTranslate2, composable through a pivot.

One :meth:`Engine.translate_batch` call takes a whole corpus: inputs are tokenised, sorted by
length, decoded in batches of equal length (no padding) on parallel translation threads, and
returned in input order; :meth:`Engine.translate_stream` hands each batch's inputs over as soon
as it is decoded, so a caller can commit and report finished work while the corpus-wide pass
goes on. ``batching="padded"`` mixes lengths in a batch instead (as Argos Translate and
LibreTranslate batch a paragraph's sentences): faster when few inputs are at hand — a server's
concurrent requests —, but a sentence's output may then depend on its batch partners.
For one sentence the result equals what
``argostranslate.translate`` returns for it (same tokenizer, ``beam_size``, ``length_penalty=0.2``,
``replace_unknowns=True``, target prefix handling).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from toolkit.errors import ModelError, UsageError
from toolkit.mt.packages import PackageInfo

Progress = Callable[[int], None]

# Where an over-long input may be cut, best first: sentence-internal punctuation, then spaces.
_CUT_POINTS = (re.compile(r"(?<=[，,；;：:、])"), re.compile(r"(?<=\s)"))


Finished = list[tuple[int, str]]  # (input index, translation) of inputs decoded together


class Engine(Protocol):
    """Anything that turns a batch of source strings into target strings, order preserved."""

    signature: str

    def translate_stream(self, texts: Sequence[str]) -> Iterator[Finished]:
        """Translate ``texts``, yielding groups of finished inputs as they are decoded."""
        ...

    def translate_batch(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        """Translate ``texts``; call ``progress(n)`` as ``n`` more inputs are done."""
        ...


def collect(stream: Iterator[Finished], count: int, progress: Progress | None = None) -> list[str]:
    """The outputs of a :meth:`Engine.translate_stream` in input order."""
    outputs = [""] * count
    for group in stream:
        for index, text in group:
            outputs[index] = text
        if progress is not None and group:
            progress(len(group))
    return outputs


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings; defaults are Argos Translate's."""

    beam: int = 4
    device: str = "cpu"  # cpu, cuda or auto
    threads: int = 0  # 0: one translation thread per CPU core
    compute_type: str = "auto"
    max_batch_size: int = 32  # examples per CTranslate2 batch
    max_input_tokens: int = 400  # longer inputs are cut at punctuation and joined again
    max_decoding_length: int = 256
    chunk: int = 128  # inputs per translate_batch call (progress granularity)
    batching: str = "exact"  # exact: one token length per batch; padded: lengths mixed


BATCHING = ("exact", "padded")


COMPUTE_TYPES = (
    "auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
    "float16", "bfloat16", "float32",
)  # fmt: skip


def check_decode_options(options: DecodeOptions, *, local: bool = True) -> None:
    """Refuse a device or compute type this machine cannot run, before any work is done (a run
    the memory covers entirely would otherwise accept anything). ``local=False`` (a Ray run):
    the cluster's machines decode, so only the names are checked here."""
    import ctranslate2

    if options.batching not in BATCHING:
        raise UsageError(
            f"unknown batching {options.batching!r}", hint=f"use one of {', '.join(BATCHING)}"
        )
    if options.compute_type not in COMPUTE_TYPES:
        raise UsageError(
            f"unknown compute type {options.compute_type!r}",
            hint=f"use one of {', '.join(COMPUTE_TYPES)}",
        )
    device = resolve_device(options.device)
    if not local:
        return
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise UsageError(
            "--device cuda, but no CUDA device is visible", hint="use --device cpu or auto"
        )
    supported = ctranslate2.get_supported_compute_types(device)
    if options.compute_type not in ("auto", "default") and options.compute_type not in supported:
        raise UsageError(
            f"compute type {options.compute_type!r} is not supported on {device} here",
            hint=f"use auto or one of {', '.join(sorted(supported))}",
        )


def resolve_device(device: str) -> str:
    if device not in ("cpu", "cuda", "auto"):
        raise UsageError(f"unknown device {device!r}", hint="use cpu, cuda or auto")
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class PackageEngine:
    """One Argos package: its SentencePiece/BPE tokenizer and its CTranslate2 model."""

    def __init__(self, package: PackageInfo, options: DecodeOptions | None = None) -> None:
        self.package = package
        self.options = options or DecodeOptions()
        self._translator: Any = None
        self._argos: Any = None
        self._threads = 1
        self.signature = f"model:{package.name} sha256:{package.checksum()[:12]}"

    def _load(self) -> None:
        if self._translator is not None:
            return
        import os

        import ctranslate2

        options = self.options
        device = resolve_device(options.device)
        threads = options.threads or os.cpu_count() or 1
        self._threads = threads if device == "cpu" else 1
        try:
            self._argos = self.package.argos_package()
            self._translator = ctranslate2.Translator(
                str(self.package.path / "model"),
                device=device,
                # Parallel batches, one core each: the fastest layout for a corpus on CPU.
                inter_threads=threads if device == "cpu" else 1,
                intra_threads=1 if device == "cpu" else 0,
                compute_type=options.compute_type,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model: {exc}", path=self.package.path) from None

    def encode(self, text: str) -> list[str]:
        self._load()
        return self._argos.tokenizer.encode(text)

    def decode(self, tokens: list[str]) -> str:
        value = self._argos.tokenizer.decode(tokens)
        prefix = self._argos.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        # The tokenizer's word-boundary marker leaves a leading space (Argos strips it too).
        return value[1:] if value.startswith(" ") else value

    def translate_batch(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        return collect(self.translate_stream(texts), len(texts), progress)

    def translate_stream(self, texts: Sequence[str]) -> Iterator[Finished]:
        self._load()
        options = self.options
        # Over-long inputs are cut into parts that are translated like any other input.
        parts: list[str] = []
        owners: list[int] = []
        for number, text in enumerate(texts):
            for part in self._cut(text):
                parts.append(part)
                owners.append(number)
        tokens = [self.encode(part) for part in parts]
        order = sorted(range(len(parts)), key=lambda i: len(tokens[i]))
        decoded: list[list[str | None]] = [[] for _ in texts]
        slot = [0] * len(parts)  # the place of each part among its owner's parts
        for index, owner in enumerate(owners):
            slot[index] = len(decoded[owner])
            decoded[owner].append(None)
        remaining = [len(group) for group in decoded]
        prefix = self._argos.target_prefix
        glue = "" if self.package.to_code in ("zh", "zt", "ja") else " "
        for begin in range(0, len(order), options.chunk):
            chunk = order[begin : begin + options.chunk]
            # Exact batches hold inputs of one token length only: padding changes the numerics
            # (enough to flip a beam), and without it every sentence decodes exactly as it
            # does alone — as argostranslate translates it. All batches of a chunk are queued
            # at once so that every translation thread has work.
            if options.batching == "padded":
                batches = _padded_batches(chunk, options.max_batch_size, self._threads)
            else:
                batches = _equal_length_batches(chunk, tokens, options.max_batch_size)
            pending = []
            for batch in batches:
                pending.append(
                    (
                        batch,
                        self._translator.translate_batch(
                            [tokens[i] for i in batch],
                            target_prefix=[[prefix]] * len(batch) if prefix else None,
                            replace_unknowns=True,
                            beam_size=options.beam,
                            num_hypotheses=1,
                            length_penalty=0.2,
                            max_decoding_length=options.max_decoding_length,
                            asynchronous=True,
                        ),
                    )
                )
            for batch, results in pending:
                finished: Finished = []
                for index, result in zip(batch, results, strict=True):
                    owner = owners[index]
                    decoded[owner][slot[index]] = self.decode(result.result().hypotheses[0])
                    remaining[owner] -= 1
                    if remaining[owner] == 0:
                        group = decoded[owner]
                        text = (
                            group[0]
                            if len(group) == 1
                            else glue.join((piece or "").strip() for piece in group)
                        )
                        finished.append((owner, text or ""))
                        decoded[owner] = []
                if finished:
                    yield finished

    def _cut(self, text: str) -> list[str]:
        """``text`` in parts of at most ``max_input_tokens`` tokens (almost always one part)."""
        limit = self.options.max_input_tokens
        if len(text) < 2 or len(self.encode(text)) <= limit:
            return [text]
        pieces: list[str] = []
        for pattern in _CUT_POINTS:
            pieces = [piece for piece in pattern.split(text) if piece]
            if len(pieces) > 1:
                break
        parts: list[str] = []
        current = ""
        for piece in pieces:
            if current and len(self.encode(current + piece)) > limit:
                parts.append(current)
                current = piece
            else:
                current += piece
        parts.append(current)
        if len(parts) == 1:  # no usable cut point: halve
            middle = len(text) // 2
            parts = [text[:middle], text[middle:]]
        return [sub for part in parts for sub in self._cut(part)]


def _equal_length_batches(
    indexes: Sequence[int], tokens: Sequence[Sequence[str]], size: int
) -> list[list[int]]:
    """``indexes`` (sorted by token length) cut into batches of one length, at most ``size``."""
    batches: list[list[int]] = []
    for index in indexes:
        last = batches[-1] if batches else None
        if last and len(tokens[last[0]]) == len(tokens[index]) and len(last) < size:
            last.append(index)
        else:
            batches.append([index])
    return batches


def _padded_batches(indexes: Sequence[int], size: int, threads: int) -> list[list[int]]:
    """``indexes`` (sorted by token length) cut into runs of neighbours, at most ``size`` each
    and at least one per translation thread, so that a few inputs still keep every core busy."""
    count = max(-(-len(indexes) // size), min(threads, len(indexes)))
    if count == 0:
        return []
    share, extra = divmod(len(indexes), count)
    batches: list[list[int]] = []
    begin = 0
    for number in range(count):
        end = begin + share + (number < extra)
        batches.append(list(indexes[begin:end]))
        begin = end
    return batches


class PivotEngine:
    """Two engines in sequence (de→en→zh): the composite Argos itself builds for missing pairs."""

    def __init__(self, first: Engine, second: Engine) -> None:
        self.first, self.second = first, second
        self.signature = f"{first.signature}+{second.signature}"

    def translate_batch(self, texts: Sequence[str], progress: Progress | None = None) -> list[str]:
        return collect(self.translate_stream(texts), len(texts), progress)

    def translate_stream(self, texts: Sequence[str]) -> Iterator[Finished]:
        middle = self.first.translate_batch(texts)
        return self.second.translate_stream(middle)


def engine_for(packages: Sequence[PackageInfo], options: DecodeOptions) -> Engine:
    """An engine over a route from :func:`toolkit.mt.packages.route`."""
    if not packages:
        raise ModelError("empty package route")
    engine: Engine = PackageEngine(packages[0], options)
    for package in packages[1:]:
        engine = PivotEngine(engine, PackageEngine(package, options))
    return engine


def engine_signature(engine: Engine, options: DecodeOptions) -> str:
    """``engine:ctranslate2 X|model:… sha256:…|beam:N`` — the engine part of a signature."""
    from importlib.metadata import version

    return f"engine:ctranslate2 {version('ctranslate2')}|{engine.signature}|beam:{options.beam}"
