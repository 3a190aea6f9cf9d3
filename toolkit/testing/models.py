"""Build the test translation packages: a hand-weighted *copy* model and a *random* model.

Both are real CTranslate2 Transformers wrapped as Argos ``.argosmodel`` packages (no torch, no
download), built in well under a second (the Argos-size random one in a few seconds)::

    python -m toolkit.testing.models --kind copy --from zh --to en --out zh_en-copy.argosmodel
    python -m toolkit.testing.models --kind random --size argos --from zh --to en --out r.argosmodel

**copy** echoes its input exactly through the real encoder/decoder: any input of up to
:data:`COPY_MAX_TOKENS` SentencePiece pieces comes back piece for piece, then ``</s>``, with score
0.0 at any beam size. One encoder and one decoder layer, one head, ``d_model`` 112. Each
vocabulary entry has a ±1 code in dimensions 0–63 (four rows of a 16×16 Hadamard matrix side by
side, picked by the entry's id) and each position 0–510 a code of three such rows in dimensions
64–111 (a fixed ``position_encodings`` table, ``scale_embeddings`` off). Row 0 is never used, so
every code sums to zero and every embedding row has mean 0 and variance 1: the layer norms are
identities. Self-attention and feed-forward weights are zero, so those sublayers add nothing. In
cross-attention, queries and keys read only the position dimensions, so decoder step *t* attends
to source position *t* (by ~73 nats over any other); values read only the token dimensions and
the output is scaled by 32, so the source token's code dominates the residual and the output
projection (8 × the embeddings) picks that token by over 100 nats. The source gets ``</s>``
appended (``add_source_eos``), so the copy ends with it. CTranslate2 still caps the output at
``max_decoding_length`` (default 256) pieces; an empty source yields an empty output.

**random** has random normal weights drawn from ``numpy.random.Generator(PCG64(seed))``:
garbage output, but deterministic for a given package and input. Random models never emit
``</s>`` reliably, so callers must cap ``max_decoding_length`` (an output runs to that cap or
stops at an arbitrary point).
``size="tiny"`` (2+2 layers, ``d_model`` 64) is for tests; ``size="argos"`` has the shape of a
real Argos package (6+6 layers, ``d_model`` 512, 8 heads, FFN 2048, a 32,000-entry shared vocabulary
padded beyond the SentencePiece pieces with synthetic ``▁word`` entries, int8) for benchmarks.

Packages are byte-reproducible: the same kind, pair, size and seed give identical bytes (fixed
zip timestamps, permissions and entry order; the SentencePiece model and CTranslate2 files are
deterministic).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from toolkit.errors import ToolkitError, UsageError
from toolkit.testing.spm import train_sentencepiece, vocabulary

if TYPE_CHECKING:
    import numpy as np
    from ctranslate2.specs import TransformerSpec

Kind = Literal["copy", "random"]
Size = Literal["tiny", "argos"]

#: Longest source (in SentencePiece pieces, without the ``</s>`` the model appends) the copy
#: model echoes; longer inputs make CTranslate2 raise "No position encodings are defined …".
COPY_MAX_TOKENS = 510

# Codes are Hadamard rows of order 16 side by side (see block_codes): tokens 4 blocks (64 dims,
# 50,625 codes), positions 3 blocks (48 dims, 3,375 codes); d_model 112 keeps a decoding step cheap.
_BLOCK_ORDER = 16
_TOKEN_BLOCKS = 4
_POSITION_BLOCKS = 3
# Scale of the copied token against the decoder's own input token in the residual; of the output
# logits (the margin of the copied token over any other is ≥ ~100 nats); and of the position match
# (48·16/√112 ≈ 73 nats between the right source position and any other).
_COPY_GAIN = 32.0
_LOGIT_SCALE = 8.0
_POSITION_SHARPNESS = 48.0
#: Logit penalty on ``</s>`` wherever it is not the copied token. Beam search stops as soon as one
#: hypothesis ends, and at beam 4 an unpenalised ``</s>`` sometimes ranked among the top four
#: candidates mid-sentence, cutting the echo short ('ऀँ0' came back as 'ऀँ'). The copied token
#: still wins by over 100 nats at the real end.
_EOS_PENALTY = 60.0
_COPY_FFN_DIMS = 16


@dataclass(frozen=True)
class RandomShape:
    """Hyper-parameters of a random model."""

    layers: tuple[int, int]
    d_model: int
    heads: int
    ffn: int
    vocabulary: int  # 0 = the SentencePiece pieces only; otherwise padded to this size


RANDOM_SHAPES: dict[str, RandomShape] = {
    "tiny": RandomShape(layers=(2, 2), d_model=64, heads=4, ffn=256, vocabulary=0),
    "argos": RandomShape(layers=(6, 6), d_model=512, heads=8, ffn=2048, vocabulary=32000),
}

#: Names for ``metadata.json`` (Argos codes; ``zt`` is its Traditional Chinese).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "zh": "Chinese",
    "zt": "Chinese (traditional)",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "ja": "Japanese",
    "ru": "Russian",
}

_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def package_name(
    kind: Kind, from_code: str, to_code: str, *, size: Size = "tiny", seed: int = 0
) -> str:
    """Directory name inside the package, distinct per kind, size and seed so packages coexist."""
    flavour = "copy" if kind == "copy" else f"random_{size}_s{seed}"
    return f"translate-{from_code}_{to_code}-test_{flavour}"


def build_package(
    kind: Kind,
    from_code: str,
    to_code: str,
    out: Path,
    *,
    size: Size = "tiny",
    seed: int = 0,
) -> Path:
    """Write a test ``.argosmodel`` zip to ``out`` atomically and return ``out``.

    ``kind="copy"`` echoes its input (only ``size="tiny"``; ``seed`` is ignored). ``kind="random"``
    emits deterministic garbage and never reliably ends: cap ``max_decoding_length``.
    """
    out = Path(out)
    _check_arguments(kind, from_code, to_code, size, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkit-testmodel-") as scratch:
        package_dir = build_model_dir(kind, from_code, to_code, Path(scratch), size=size, seed=seed)
        # Random int8 weights do not compress: storing them saves seconds and changes nothing.
        stored = {"model/model.bin"} if kind == "random" else set()
        _zip_reproducibly(package_dir, out, stored=stored)
    return out


def build_model_dir(
    kind: Kind,
    from_code: str,
    to_code: str,
    parent: Path,
    *,
    size: Size = "tiny",
    seed: int = 0,
) -> Path:
    """Write the unzipped package directory ``parent/<package_name>`` and return its path.

    The directory is what an installed Argos package looks like (``metadata.json``, ``model/``,
    ``sentencepiece.model``, ``README.md``). It must not exist yet.
    """
    _check_arguments(kind, from_code, to_code, size, seed)
    name = package_name(kind, from_code, to_code, size=size, seed=seed)
    target = Path(parent) / name
    if target.exists():
        raise UsageError(f"{target} already exists", hint="remove it or choose another folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        sp_model = train_sentencepiece()
        (building / "sentencepiece.model").write_bytes(sp_model)
        spec = build_spec(kind, vocabulary(sp_model), size=size, seed=seed)
        (building / "model").mkdir()
        spec.save(str(building / "model"))
        metadata = {
            "package_version": "1.0",
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
            "type": "translate",
            "links": [],
        }
        text = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
        (building / "metadata.json").write_text(text, encoding="utf-8")
        (building / "README.md").write_text(_readme(kind, size, seed), encoding="utf-8")
        building.chmod(0o755)  # mkdtemp makes it private; an installed package is not
        os.replace(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def build_spec(
    kind: Kind, pieces: Sequence[str], *, size: Size = "tiny", seed: int = 0
) -> TransformerSpec:
    """The validated, int8-optimised CTranslate2 spec for ``pieces`` (not yet saved)."""
    spec = copy_spec(pieces) if kind == "copy" else random_spec(pieces, RANDOM_SHAPES[size], seed)
    spec.validate()
    spec.optimize(quantization="int8")
    return spec


def copy_spec(pieces: Sequence[str]) -> TransformerSpec:
    """The hand-weighted echo Transformer over vocabulary ``pieces`` (see the module docstring)."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    token_codes = block_codes(len(pieces), _BLOCK_ORDER, _TOKEN_BLOCKS)
    position_codes = block_codes(COPY_MAX_TOKENS + 1, _BLOCK_ORDER, _POSITION_BLOCKS)
    token_dims = token_codes.shape[1]
    d_model = token_dims + position_codes.shape[1]
    token, position = slice(0, token_dims), slice(token_dims, d_model)
    embeddings = np.zeros((len(pieces), d_model), np.float32)
    embeddings[:, token] = token_codes
    positions = np.zeros((len(position_codes), d_model), np.float32)
    positions[:, position] = position_codes

    spec = TransformerSpec.from_config((1, 1), 1)
    spec.config.add_source_eos = True
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = positions
        _identity_norm(stack.layer_norm, d_model)
        for layer in stack.layer:
            _identity_norm(layer.self_attention.layer_norm, d_model)
            layer.self_attention.linear[0].weight = np.zeros((3 * d_model, d_model), np.float32)
            layer.self_attention.linear[1].weight = np.zeros((d_model, d_model), np.float32)
            _identity_norm(layer.ffn.layer_norm, d_model)
            layer.ffn.linear_0.weight = np.zeros((_COPY_FFN_DIMS, d_model), np.float32)
            layer.ffn.linear_1.weight = np.zeros((d_model, _COPY_FFN_DIMS), np.float32)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    # The copied code picks its own token; scaled beyond the tied embeddings for a wide margin.
    spec.decoder.projection.weight = _LOGIT_SCALE * embeddings
    bias = np.zeros(len(pieces), np.float32)
    bias[list(pieces).index("</s>")] = -_EOS_PENALTY
    spec.decoder.projection.bias = bias

    query = np.zeros((d_model, d_model), np.float32)
    query[position, position] = _POSITION_SHARPNESS * np.eye(d_model - token_dims)
    keys_values = np.zeros((2 * d_model, d_model), np.float32)  # keys rows, then values rows
    keys_values[position, position] = np.eye(d_model - token_dims)
    keys_values[d_model : d_model + token_dims, token] = np.eye(token_dims)
    output = np.zeros((d_model, d_model), np.float32)
    output[token, token] = _COPY_GAIN * np.eye(token_dims)
    cross = spec.decoder.layer[0].attention
    _identity_norm(cross.layer_norm, d_model)
    cross.linear[0].weight = query
    cross.linear[1].weight = keys_values
    cross.linear[2].weight = output
    _register_vocabulary(spec, pieces)
    return spec


def block_codes(count: int, order: int, blocks: int) -> np.ndarray:
    """``count`` distinct ±1 codes of ``blocks * order`` dims: Hadamard rows side by side.

    Code *i* is rows 1 … ``order`` − 1 of a Sylvester Hadamard matrix chosen by the digits of *i*
    in base ``order`` − 1. Row 0 (all ones) is never used, so every code sums to zero; with the
    other part of the embedding each row has mean 0 and variance 1 and layer norms are identities.
    Distinct codes differ in at least one block, whose rows are orthogonal, so their dot product
    is at most ``(blocks - 1) * order`` against ``blocks * order`` with themselves: a fixed margin
    for attention and for the output projection. The regular pattern zips to almost nothing.
    """
    import numpy as np

    rows = _hadamard(order)[1:]
    if count > len(rows) ** blocks:
        raise UsageError(f"at most {len(rows) ** blocks} codes of {blocks} blocks of {order}")
    digits = np.arange(count)
    parts = []
    for _ in range(blocks):
        digits, digit = np.divmod(digits, len(rows))
        parts.append(rows[digit])
    return np.concatenate(parts, axis=1)


def random_spec(pieces: Sequence[str], shape: RandomShape, seed: int) -> TransformerSpec:
    """A Transformer of ``shape`` with random normal weights (``PCG64(seed)``, float32)."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    generator = np.random.Generator(np.random.PCG64(seed))
    d_model, ffn = shape.d_model, shape.ffn

    def normal(*dims: int, std: float) -> np.ndarray:
        values = generator.standard_normal(dims, dtype=np.float32)
        values *= std
        return values

    def linear(layer_spec, out_dims: int, in_dims: int) -> None:
        layer_spec.weight = normal(out_dims, in_dims, std=in_dims**-0.5)
        layer_spec.bias = normal(out_dims, std=0.02)

    pieces = pad_vocabulary(pieces, shape.vocabulary)
    spec = TransformerSpec.from_config(shape.layers, shape.heads)
    # Shared source/target embeddings; positions stay sinusoidal (left unset, CTranslate2
    # computes them). The output projection is not tied: tied, the decoder's own input token
    # wins every step and the output is one token repeated.
    embeddings = normal(len(pieces), d_model, std=d_model**-0.5)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = normal(len(pieces), d_model, std=d_model**-0.5)
    for stack in (spec.encoder, spec.decoder):
        _identity_norm(stack.layer_norm, d_model)
        for layer in stack.layer:
            _identity_norm(layer.self_attention.layer_norm, d_model)
            linear(layer.self_attention.linear[0], 3 * d_model, d_model)
            linear(layer.self_attention.linear[1], d_model, d_model)
            if stack is spec.decoder:
                _identity_norm(layer.attention.layer_norm, d_model)
                linear(layer.attention.linear[0], d_model, d_model)
                linear(layer.attention.linear[1], 2 * d_model, d_model)
                linear(layer.attention.linear[2], d_model, d_model)
            _identity_norm(layer.ffn.layer_norm, d_model)
            linear(layer.ffn.linear_0, ffn, d_model)
            linear(layer.ffn.linear_1, d_model, ffn)
    # Sharper output distribution (logit spread ~3 instead of ~1), so near-ties between
    # candidates, which could flip with batch composition, are rare.
    spec.decoder.layer_norm.gamma = np.full(d_model, 3.0, np.float32)
    _register_vocabulary(spec, pieces)
    return spec


def pad_vocabulary(pieces: Sequence[str], size: int) -> list[str]:
    """``pieces`` followed by synthetic ``▁aaa``-style words up to ``size`` entries.

    SentencePiece never produces the synthetic entries from text, and decodes them literally
    (``▁baq`` → `` baq``), so a random model emitting them yields pseudo-words.
    """
    padded = list(pieces)
    taken = set(padded)
    number = 26 * 26  # start at three letters
    while len(padded) < size:
        letters, rest = "", number
        while rest:
            rest, digit = divmod(rest, 26)
            letters = chr(ord("a") + digit) + letters
        number += 1
        if f"▁{letters}" not in taken:
            padded.append(f"▁{letters}")
    return padded


def _register_vocabulary(spec: TransformerSpec, pieces: Sequence[str]) -> None:
    spec.register_source_vocabulary(list(pieces))
    spec.register_target_vocabulary(list(pieces))


def _identity_norm(norm, d_model: int) -> None:
    import numpy as np

    norm.gamma = np.ones(d_model, np.float32)
    norm.beta = np.zeros(d_model, np.float32)


def _hadamard(order: int) -> np.ndarray:
    """Sylvester Hadamard matrix (``order`` a power of two): ±1 entries, orthogonal rows."""
    import numpy as np

    matrix = np.ones((1, 1), np.float32)
    while matrix.shape[0] < order:
        matrix = np.block([[matrix, matrix], [matrix, -matrix]])
    return matrix


def _check_arguments(kind: str, from_code: str, to_code: str, size: str, seed: int) -> None:
    if kind not in ("copy", "random"):
        raise UsageError(f"unknown test model kind {kind!r}", hint="use 'copy' or 'random'")
    if size not in RANDOM_SHAPES:
        raise UsageError(f"unknown test model size {size!r}", hint="use 'tiny' or 'argos'")
    if kind == "copy" and size != "tiny":
        raise UsageError("the copy model has one size", hint="use --size tiny (the default)")
    for code in (from_code, to_code):
        if not _CODE.fullmatch(code):
            raise UsageError(
                f"invalid language code {code!r}", hint="use an Argos code like zh, en"
            )
    if not 0 <= seed < 2**32:
        raise UsageError(f"seed {seed} out of range", hint="use 0 … 4294967295")


def _readme(kind: str, size: str, seed: int) -> str:
    what = (
        "a hand-weighted CTranslate2 Transformer that echoes its input exactly"
        if kind == "copy"
        else f"a CTranslate2 Transformer with random weights ({size}, seed {seed}); "
        "its output is deterministic garbage and rarely ends: cap max_decoding_length"
    )
    return f"# Test package built by toolkit.testing.models\n\nNot a translation model: {what}.\n"


def _zip_reproducibly(package_dir: Path, out: Path, *, stored: set[str] = frozenset()) -> None:
    """Zip ``package_dir`` (as the single top-level folder) to ``out`` via temp file + replace.

    Files whose path relative to ``package_dir`` is in ``stored`` are not compressed.
    """
    paths = sorted(package_dir.rglob("*"), key=lambda path: path.relative_to(package_dir).parts)
    # Opened with "x" rather than mkstemp, so the file gets the usual umask-based permissions.
    temp = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("xb") as handle, zipfile.ZipFile(handle, "w", compresslevel=6) as archive:
            for path in [package_dir, *paths]:
                inside = path.relative_to(package_dir.parent).as_posix()
                info = zipfile.ZipInfo(f"{inside}/" if path.is_dir() else inside, _ZIP_EPOCH)
                info.create_system = 3  # Unix: the permission bits below mean the same anywhere
                if path.is_dir():
                    info.external_attr = (0o40755 << 16) | 0x10
                    archive.writestr(info, b"")
                    continue
                info.external_attr = 0o100644 << 16
                stored_here = path.relative_to(package_dir).as_posix() in stored
                info.compress_type = zipfile.ZIP_STORED if stored_here else zipfile.ZIP_DEFLATED
                with path.open("rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m toolkit.testing.models``: build one package, print where it went."""
    parser = argparse.ArgumentParser(
        prog="python -m toolkit.testing.models", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--kind", choices=["copy", "random"], required=True)
    parser.add_argument("--from", dest="from_code", required=True, help="source code, e.g. zh")
    parser.add_argument("--to", dest="to_code", required=True, help="target code, e.g. en")
    parser.add_argument("--size", choices=sorted(RANDOM_SHAPES), default="tiny")
    parser.add_argument("--seed", type=int, default=0, help="random weights seed (random only)")
    parser.add_argument("--out", type=Path, required=True, help="the .argosmodel file to write")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        out = build_package(
            options.kind,
            options.from_code,
            options.to_code,
            options.out,
            size=options.size,
            seed=options.seed,
        )
    except ToolkitError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    seconds = time.perf_counter() - started
    print(f"{out}: {out.stat().st_size:,} bytes in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
