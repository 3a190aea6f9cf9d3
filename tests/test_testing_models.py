"""The test packages (toolkit.testing.models), used the way Argos uses a package.

Each package is built once per session by the fixtures in conftest.py.

What round-trips through the copy model (Argos tokenizer → CTranslate2 → ``tokenizer.decode``):
every string except those containing ``_`` (Argos' ``decode`` turns it into a space) or ``▁``
(U+2581, SentencePiece's own space marker, decoded as a space). Spaces, tabs, newlines, U+3000,
full-width forms, combining marks, emoji, control characters and literal ``<s>``/``<0x41>`` text
all come back unchanged (identity normalisation, byte fallback, no whitespace folding).
``argostranslate.translate`` additionally drops one leading space of its result; the engine
decides whether to do the same.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import UsageError
from toolkit.testing import models
from toolkit.testing.models import (
    COPY_MAX_TOKENS,
    RANDOM_SHAPES,
    block_codes,
    build_model_dir,
    build_package,
    pad_vocabulary,
)
from toolkit.testing.spm import train_sentencepiece, vocabulary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# Sentence-ish pieces of the seeds, short enough for CTranslate2's default max_decoding_length.
_SEED_SPLIT = re.compile(r"(?<=[。！？!?；])|(?<=[.;:])\s+|(?<=>)(?=<)")
RANDOM_CAP = 24  # max_decoding_length for random models, which rarely emit </s>


def translate_like_argos(package, translator, texts: list[str], beam: int, **options):
    """Argos' translate path without sentence splitting: (decoded text, pieces, score) per text."""
    tokens = [package.tokenizer.encode(text) for text in texts]
    results = translator.translate_batch(
        tokens,
        beam_size=beam,
        length_penalty=0.2,
        replace_unknowns=True,
        return_scores=True,
        **options,
    )
    return [
        (package.tokenizer.decode(result.hypotheses[0]), result.hypotheses[0], result.scores[0])
        for result in results
    ]


def as_argos_decodes(text: str) -> str:
    """What survives the Argos tokenizer round trip: "_" and "▁" become spaces."""
    return text.replace("_", " ").replace("▁", " ")


def seed_segments(prefix: str) -> list[str]:
    """Sentence-ish segments of the seed file whose name starts with ``prefix``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [part for line in lines for part in _SEED_SPLIT.split(line) if part.strip()]


# --- the copy model echoes exactly --------------------------------------------------------------

ECHO_CASES = {
    "zh-Hans seed": seed_segments("000")[2],
    "zh-Hans seed, dash and digits": seed_segments("000")[3],
    "zh-Hans seed, full-width punctuation": seed_segments("001")[4],
    "zh-Hant seed, quotes and dash": seed_segments("002")[0],
    "zh-Hant seed": seed_segments("002")[1],
    "German seed": seed_segments("003")[0],
    "acronym in Chinese": "北约的最高盟军司令(SACEUR)",
    "digits in Chinese": "在2025年9月3日,约77%的成员国(32个中的25个)同意。",
    "unknown Latin word": "ZXQA",
    "sentinel-like brackets": "⟦1⟧",
    # Beam search once ended this early: </s> ranked among the top four mid-sentence.
    "byte pieces then a digit": "ऀँ0",
    "sentinels around a term": "前⟦12⟧驻美大使⟦13⟧表示",
    "German umlauts and ß": "Die Außenministerin betonte: „Größe und Maß zählen“ – 3,5 % bis 2035.",
    "Chinese punctuation": "「北約」與《金融時報》——“力量”……（註）：50％；是嗎？",
    "spaces kept": "  two  spaces,\ttab and trailing  ",
    "newline and U+3000": "第一行\n第二行\u3000全角空格",
    "full-width forms": "ＮＡＴＯ！１２３",
    "combining mark and emoji": "Cafe\u0301 🚀 𠀀",
    "control-token-like text": "<s>x</s> <unk> <0x41>",
    "single character": "x",
}


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("text", ECHO_CASES.values(), ids=ECHO_CASES.keys())
def test_copy_model_echoes_text_exactly(copy_package, copy_translator, text: str, beam: int):
    [(output, pieces, score)] = translate_like_argos(copy_package, copy_translator, [text], beam)
    assert output == text
    assert pieces == copy_package.tokenizer.encode(text)
    assert score == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize(("prefix", "beam"), [("000", 1), ("001", 1), ("002", 1), ("003", 1)])
def test_copy_model_echoes_every_seed_segment(copy_package, copy_translator, prefix, beam):
    segments = seed_segments(prefix)
    results = translate_like_argos(copy_package, copy_translator, segments, beam)
    # Seed 001 has URLs with "_", which Argos' decode turns into spaces (nothing else changes).
    assert [output for output, _, _ in results] == [as_argos_decodes(text) for text in segments]
    assert max(abs(score) for _, _, score in results) < 1e-4


# Everything but "_" and "▁" round-trips (module docstring); surrogates cannot be UTF-8 encoded.
ROUND_TRIP_TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="_▁"), min_size=1, max_size=60
)


@pytest.mark.parametrize("beam", [1, 4])
@settings(max_examples=40, deadline=None)
@given(text=ROUND_TRIP_TEXT)
def test_copy_model_echoes_any_text(copy_package, copy_translator, beam: int, text: str):
    [(output, _, score)] = translate_like_argos(copy_package, copy_translator, [text], beam)
    assert output == text
    assert score == pytest.approx(0.0, abs=1e-4)


def test_tokenizer_round_trips_every_code_point_but_two(copy_package):
    """Through Argos' tokenizer only "_" and "▁" change; the copy model echoes pieces exactly."""
    tokenizer = copy_package.tokenizer
    code_points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    changed = set()
    for start in range(0, len(code_points), 500):
        chunk = "".join(code_points[start : start + 500])
        if tokenizer.decode(tokenizer.encode(chunk)) != chunk:
            changed |= {char for char in chunk if tokenizer.decode(tokenizer.encode(char)) != char}
    assert changed == {"_", "▁"}


@pytest.mark.parametrize("text", ["file_name_v2", "a▁b", "▁", "__T1__"])
def test_underscore_and_space_marker_come_back_as_spaces(copy_package, copy_translator, text):
    [(output, _, _)] = translate_like_argos(copy_package, copy_translator, [text], 1)
    assert output != text
    assert output == as_argos_decodes(text)


def test_copy_model_length_limit(copy_package, copy_translator):
    pieces = copy_package.tokenizer.encode("北约" * 400)[:COPY_MAX_TOKENS]
    assert len(pieces) == COPY_MAX_TOKENS
    [result] = copy_translator.translate_batch([pieces], max_decoding_length=COPY_MAX_TOKENS + 1)
    assert result.hypotheses[0] == pieces
    with pytest.raises((RuntimeError, ValueError), match="position"):
        copy_translator.translate_batch([[*pieces, "北"]], max_decoding_length=COPY_MAX_TOKENS + 2)


def test_copy_model_empty_source_gives_empty_output(copy_package, copy_translator):
    assert copy_package.tokenizer.encode("") == []
    [result] = copy_translator.translate_batch([[]], beam_size=4)
    assert result.hypotheses == [[]]


# --- the random model ------------------------------------------------------------------------

RANDOM_INPUTS = [
    "北约的最高盟军司令(SACEUR)",
    "Die Vereinigten Staaten fordern von Europa, bis 2027 den Großteil zu übernehmen.",
    "前⟦12⟧驻美大使⟦13⟧表示",
]


def test_random_model_is_deterministic_across_translators(random_package, random_translator):
    import ctranslate2

    other = ctranslate2.Translator(str(random_package.package_path / "model"))
    first = translate_like_argos(
        random_package, random_translator, RANDOM_INPUTS, 4, max_decoding_length=RANDOM_CAP
    )
    second = translate_like_argos(
        random_package, other, RANDOM_INPUTS, 4, max_decoding_length=RANDOM_CAP
    )
    assert first == second
    outputs = [output for output, _, _ in first]
    assert len(set(outputs)) == len(outputs), "output must depend on the input"
    assert not set(outputs) & set(RANDOM_INPUTS), "a random model must not echo"


def test_random_model_garbage_is_varied(random_package, random_translator):
    [(_, pieces, _)] = translate_like_argos(
        random_package, random_translator, RANDOM_INPUTS[:1], 1, max_decoding_length=RANDOM_CAP
    )
    # A degenerate random model repeats one token forever; this one must not.
    assert len(set(pieces)) > RANDOM_CAP // 3


def read_model_variables(model_bin: Path) -> dict[str, tuple[tuple[int, ...], int, int | None]]:
    """CTranslate2's model.bin: name → (shape, dtype id (1 = int8), value if a scalar int)."""
    data = model_bin.read_bytes()
    offset = 0

    def take(fmt: str):
        nonlocal offset
        values = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return values

    def string() -> str:
        (length,) = take("H")
        return take(f"{length}s")[0][:-1].decode()

    take("I")  # binary version
    string()  # spec name
    take("I")  # spec revision
    variables = {}
    for _ in range(take("I")[0]):
        name = string()
        (rank,) = take("B")
        shape = take(f"{rank}I")
        dtype, size = take("=BI")
        raw = take(f"{size}s")[0]
        scalar = int.from_bytes(raw, "little", signed=True) if rank == 0 and dtype != 0 else None
        variables[name] = (shape, dtype, scalar)
    return variables


def test_random_argos_size_package(tmp_path: Path):
    """Build the benchmark model once: Argos shape, int8, deterministic, and it translates."""
    import argostranslate.package
    import ctranslate2

    # The unzipped directory: zipping is the same code as for the tiny packages, minus 80 MB of I/O.
    package = argostranslate.package.Package(
        build_model_dir("random", "zh", "en", tmp_path, size="argos")
    )
    model_dir = package.package_path / "model"
    shape = RANDOM_SHAPES["argos"]
    assert len(json.loads((model_dir / "shared_vocabulary.json").read_text())) == shape.vocabulary
    variables = read_model_variables(model_dir / "model.bin")
    assert {
        "encoder/layer_5/ffn/linear_0/weight",
        "decoder/layer_5/attention/linear_0/weight",
    } <= set(variables)
    assert "encoder/layer_6/ffn/linear_0/weight" not in variables
    assert variables["decoder/num_heads"][2] == shape.heads
    assert variables["encoder/layer_0/ffn/linear_0/weight"][:2] == ((shape.ffn, shape.d_model), 1)
    assert variables["decoder/projection/weight"][:2] == ((shape.vocabulary, shape.d_model), 1)
    translator = ctranslate2.Translator(str(model_dir))
    first, second = (
        translate_like_argos(package, translator, RANDOM_INPUTS, 4, max_decoding_length=8)
        for _ in range(2)
    )
    assert first == second
    assert all(0 < len(pieces) <= 8 for _, pieces, _ in first)


# --- packages: layout, reproducibility, atomicity ----------------------------------------------


def test_package_layout_and_metadata(copy_package_file: Path):
    with zipfile.ZipFile(copy_package_file) as archive:
        infos = archive.infolist()
        top = "translate-zh_en-test_copy/"
        names = [info.filename for info in infos]
        metadata = json.loads(archive.read(top + "metadata.json"))
        config = json.loads(archive.read(top + "model/config.json"))
    assert names == sorted(names)
    assert all(name.startswith(top) for name in names)
    assert {top + "model/model.bin", top + "sentencepiece.model"} <= set(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert metadata == {
        "package_version": "1.0",
        "argos_version": "1.0",
        "from_code": "zh",
        "from_name": "Chinese",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        "links": [],
    }
    assert config["add_source_eos"] is True
    assert copy_package_file.stat().st_size < 300_000


def test_argos_reads_the_package(copy_package, random_package):
    assert (copy_package.from_code, copy_package.to_code) == ("zh", "en")
    assert random_package.package_path.name == "translate-zh_en-test_random_tiny_s0"
    assert copy_package.tokenizer.encode("北约") != []


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copy_build_is_byte_reproducible(copy_package_file: Path, tmp_path: Path):
    again = build_package("copy", "zh", "en", tmp_path / "again.argosmodel")
    assert _digest(again) == _digest(copy_package_file)


def test_random_build_is_byte_reproducible_per_seed(random_package_file: Path, tmp_path: Path):
    again = build_package("random", "zh", "en", tmp_path / "again.argosmodel", seed=0)
    other_seed = build_package("random", "zh", "en", tmp_path / "seed1.argosmodel", seed=1)
    assert _digest(again) == _digest(random_package_file)
    assert _digest(other_seed) != _digest(random_package_file)


def test_sentencepiece_training_is_reproducible_and_covers_hanzi():
    first = train_sentencepiece()
    train_sentencepiece.cache_clear()
    assert train_sentencepiece() == first
    pieces = set(vocabulary(first))
    assert {"<unk>", "<s>", "</s>", "<0x00>", "<0xFF>"} <= pieces
    assert {"泽", "澤", "约", "約", "ß"} <= pieces  # one piece per common hanzi, both scripts


@pytest.mark.parametrize("step", ["build_spec", "copyfileobj"], ids=["model", "zip"])
def test_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str):
    out = tmp_path / "model.argosmodel"
    out.write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(models if step == "build_spec" else models.shutil, step, broken)
    with pytest.raises(RuntimeError, match="boom"):
        build_package("copy", "zh", "en", out)
    assert out.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["model.argosmodel"]


def test_build_model_dir_refuses_existing_target(tmp_path: Path):
    (tmp_path / models.package_name("copy", "de", "en")).mkdir()
    with pytest.raises(UsageError, match="already exists"):
        build_model_dir("copy", "de", "en", tmp_path)


@pytest.mark.parametrize(
    ("kind", "from_code", "to_code", "size", "message"),
    [
        ("echo", "zh", "en", "tiny", "unknown test model kind"),
        ("copy", "zh", "en", "argos", "one size"),
        ("random", "zh", "en", "huge", "unknown test model size"),
        ("copy", "../x", "en", "tiny", "invalid language code"),
        ("copy", "zh", "", "tiny", "invalid language code"),
    ],
)
def test_bad_arguments_raise_usage_error(tmp_path, kind, from_code, to_code, size, message):
    with pytest.raises(UsageError, match=message):
        build_package(kind, from_code, to_code, tmp_path / "x.argosmodel", size=size)
    assert not list(tmp_path.iterdir())


# --- building blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "order", "blocks"), [(511, 16, 3), (3000, 16, 4), (225, 16, 2)])
def test_block_codes_are_balanced_distinct_and_separated(count: int, order: int, blocks: int):
    codes = block_codes(count, order, blocks)
    assert codes.shape == (count, order * blocks)
    assert set(codes.ravel().tolist()) == {-1.0, 1.0}
    assert not codes.sum(axis=1).any()
    dots = codes @ codes.T
    assert (dots.diagonal() == order * blocks).all()
    np.fill_diagonal(dots, -np.inf)
    assert dots.max() <= (blocks - 1) * order
    assert len({row.tobytes() for row in codes}) == count


def test_block_codes_refuse_more_than_they_can_separate():
    with pytest.raises(UsageError):
        block_codes(15**2 + 1, 16, 2)


def test_pad_vocabulary_appends_unique_synthetic_words():
    pieces = ["<unk>", "<s>", "</s>", "▁baa", "x"]
    padded = pad_vocabulary(pieces, 1000)
    assert padded[: len(pieces)] == pieces
    assert len(padded) == len(set(padded)) == 1000
    assert all(re.fullmatch(r"▁[a-z]{3,}", piece) for piece in padded[len(pieces) :])
    assert pad_vocabulary(pieces, 0) == pieces


# --- the command line --------------------------------------------------------------------------


def test_module_command_line_writes_a_valid_zip(tmp_path: Path):
    out = tmp_path / "de_en.argosmodel"
    command = [sys.executable, "-m", "toolkit.testing.models", "--kind", "copy"]
    completed = subprocess.run(
        [*command, "--from", "de", "--to", "en", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert str(out) in completed.stdout
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        metadata = json.loads(archive.read("translate-de_en-test_copy/metadata.json"))
    assert (metadata["from_code"], metadata["to_name"]) == ("de", "English")


def test_command_line_reports_bad_input_in_one_line(tmp_path: Path, capsys):
    out = tmp_path / "x.argosmodel"
    arguments = ["--kind", "copy", "--size", "argos", "--from", "zh", "--to", "en"]
    code = models.main([*arguments, "--out", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "one size" in error
    assert not out.exists()
