"""Our batched engine returns what Argos Translate's own translate() returns, sentence by sentence.

argostranslate.translate is never imported by the toolkit (it pulls stanza and torch). Here it runs
in a child process with a stand-in ``stanza`` module and its sentence splitter replaced by one that
keeps the input whole (offline, the default splitter tries to download a model).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.mt import packages
from toolkit.mt.engine import DecodeOptions, PackageEngine
from toolkit.segment import iter_segments

ARGOS_CHILD = """
import importlib, json, sys, types
sys.modules.setdefault("stanza", types.ModuleType("stanza"))
translate = importlib.import_module("argostranslate.translate")

class WholeInput:
    def __init__(self, pkg):
        pass

    def split_sentences(self, text):
        return [text]

translate.MiniSBDSentencizer = WholeInput
sentences = json.load(sys.stdin)
print(json.dumps([translate.translate(s, sys.argv[1], sys.argv[2]) for s in sentences]))
"""


def argos_translate(sentences: list[str], pair: tuple[str, str], packages_dir: Path, home: Path):
    env = {
        **os.environ,
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_DEVICE_TYPE": "cpu",
    }
    done = subprocess.run(
        [sys.executable, "-c", ARGOS_CHILD, *pair],
        input=json.dumps(sentences),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["random", "copy"])
def test_batched_engine_matches_argos_translate(
    kind: str, copy_package_file, random_package_file, tmp_path, monkeypatch, seeds_dir
) -> None:
    packages_dir = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages_dir))
    package = packages.install_file(random_package_file if kind == "random" else copy_package_file)
    segments = list(iter_segments([seeds_dir / "001_29cecc130fa1cd1d.txt"]))
    sentences = [*(s.norm for s in segments[:12]), "北约秘书长吕特表示支持。", "SACEUR"]
    expected = argos_translate(sentences, ("zh", "en"), packages_dir, tmp_path)
    # Argos' defaults: beam 4, no decoding cap beyond CTranslate2's own 256.
    engine = PackageEngine(package, DecodeOptions(beam=4, max_input_tokens=510, chunk=5))
    assert engine.translate_batch(sentences) == expected
    if kind == "copy":
        assert expected == [text.replace("_", " ") for text in sentences]
