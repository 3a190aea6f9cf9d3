"""Our batched engine returns what Argos Translate's own translate() returns, sentence by sentence.

argostranslate.translate is never imported by the toolkit (it pulls stanza and torch); here it
runs in a child process (``toolkit.testing.argos_reference``).
"""

from __future__ import annotations

import pytest

from toolkit.mt import packages
from toolkit.mt.engine import DecodeOptions, PackageEngine
from toolkit.segment import iter_segments
from toolkit.testing.argos_reference import argos_translate


@pytest.mark.parametrize("kind", ["random", "copy"])
def test_batched_engine_matches_argos_translate(
    kind: str, copy_package_file, random_package_file, tmp_path, monkeypatch, seeds_dir
) -> None:
    packages_dir = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages_dir))
    package = packages.install_file(random_package_file if kind == "random" else copy_package_file)
    segments = list(iter_segments([seeds_dir / "001_29cecc130fa1cd1d.txt"]))
    # Several lengths (so several equal-length batches), a title, a term and an acronym: the
    # random model decodes each to CTranslate2's 256-token cap, so a few cover the batching.
    sentences = [*(s.norm for s in segments[:6]), "北约秘书长吕特表示支持。", "SACEUR"]
    expected, _ = argos_translate(sentences, ("zh", "en"), packages_dir, tmp_path)
    # Argos' defaults: beam 4, no decoding cap beyond CTranslate2's own 256.
    engine = PackageEngine(package, DecodeOptions(beam=4, max_input_tokens=510, chunk=5))
    assert engine.translate_batch(sentences) == expected
    if kind == "copy":
        assert expected == [text.replace("_", " ") for text in sentences]
