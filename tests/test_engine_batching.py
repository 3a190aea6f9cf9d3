"""How the engine cuts a corpus into CTranslate2 batches: exact (one token length per batch, so a
sentence decodes as it does alone) or padded (lengths mixed, at least one batch per thread)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import UsageError
from toolkit.mt import packages
from toolkit.mt.engine import (
    DecodeOptions,
    PackageEngine,
    _equal_length_batches,
    _padded_batches,
    check_decode_options,
)

SENTENCES = [
    "北约。",
    "欧盟国家表示支持。",
    "北约秘书长吕特表示支持乌克兰。",
    "德国总理默茨在柏林会见了法国总统马克龙。",
    "SACEUR",
    "欧洲议会。",
    "美国国务卿鲁比奥与乌克兰官员在沙特阿拉伯会面。",
]


@given(
    lengths=st.lists(st.integers(1, 9), max_size=60),
    size=st.integers(1, 40),
    threads=st.integers(1, 8),
)
def test_both_batchings_cut_the_sorted_inputs_into_bounded_runs(
    lengths: list[int], size: int, threads: int
) -> None:
    tokens = [["x"] * n for n in lengths]
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    exact = _equal_length_batches(order, tokens, size)
    padded = _padded_batches(order, size, threads)
    for batches in (exact, padded):
        assert [i for batch in batches for i in batch] == order  # a partition, order kept
        assert all(0 < len(batch) <= size for batch in batches)
    assert all(len({len(tokens[i]) for i in batch}) == 1 for batch in exact)
    # Padded: as few batches as the size allows, but every thread gets one when inputs suffice.
    assert len(padded) == max(-(-len(order) // size), min(threads, len(order)))
    assert max(map(len, padded), default=0) - min(map(len, padded), default=0) <= 1


class _Recorder:
    """A CTranslate2 translator stand-in that forwards and records each batch's token lengths."""

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        self.lengths: list[list[int]] = []

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.lengths.append([len(t) for t in tokens])
        return self.translator.translate_batch(tokens, **kwargs)


def _engine(package: packages.PackageInfo, batching: str) -> tuple[PackageEngine, _Recorder]:
    engine = PackageEngine(
        package, DecodeOptions(beam=2, threads=2, max_decoding_length=24, batching=batching)
    )
    engine.encode("")  # loads the model
    recorder = _Recorder(engine._translator)
    engine._translator = recorder
    return engine, recorder


@pytest.fixture()
def installed(copy_package_file, random_package_file, tmp_path, monkeypatch):
    found = {}
    # Both are zh→en: one packages folder each, or the second install replaces the first.
    for kind, path in (("copy", copy_package_file), ("random", random_package_file)):
        monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / kind))
        found[kind] = packages.install_file(path)
    return found


def test_padded_batches_mix_lengths_and_copy_exactly_like_exact_ones(installed) -> None:
    exact, exact_calls = _engine(installed["copy"], "exact")
    padded, padded_calls = _engine(installed["copy"], "padded")
    expected = [text.replace("_", " ") for text in SENTENCES]
    assert exact.translate_batch(SENTENCES) == expected
    assert padded.translate_batch(SENTENCES) == expected  # padding is masked: nothing leaks in
    assert all(len(set(batch)) == 1 for batch in exact_calls.lengths)
    assert len(exact_calls.lengths) == len({n for batch in exact_calls.lengths for n in batch})
    assert len(padded_calls.lengths) == 2  # one batch per thread
    assert any(len(set(batch)) > 1 for batch in padded_calls.lengths)


def test_exact_batches_decode_every_sentence_as_it_decodes_alone(installed) -> None:
    # The random model amplifies any numeric difference over its decoding steps, so equality
    # here means the batch partners had no influence at all.
    engine, _ = _engine(installed["random"], "exact")
    together = engine.translate_batch(SENTENCES + SENTENCES[::-1])
    alone = [engine.translate_batch([text])[0] for text in SENTENCES]
    assert together == alone + alone[::-1]


def test_an_unknown_batching_is_refused_before_any_work() -> None:
    with pytest.raises(UsageError, match="unknown batching 'tight'"):
        check_decode_options(DecodeOptions(batching="tight"))
