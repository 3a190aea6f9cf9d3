"""argostranslate's own translate path, run in a child process, as the reference to compare with.

The toolkit never imports ``argostranslate.translate`` (it pulls stanza and torch). To compare
against it, a child interpreter imports it with a stand-in ``stanza`` module (``argostranslate.sbd``
imports stanza at module level but never uses it here), replaces the sentence splitter by one
that keeps the input whole (offline, the default one tries to download an ONNX model), and, if
asked, caps ``max_decoding_length`` (random models never emit ``</s>``). Pass the interpreter of
a full argostranslate install as ``python`` to run against that instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_CHILD = """
import importlib, json, sys, time, types
sys.modules.setdefault("stanza", types.ModuleType("stanza"))
import ctranslate2
cap = int(sys.argv[3])
if cap:
    real_translator = ctranslate2.Translator

    class CappedTranslator:
        def __init__(self, *args, **kwargs):
            self._inner = real_translator(*args, **kwargs)

        def translate_batch(self, *args, **kwargs):
            kwargs.setdefault("max_decoding_length", cap)
            return self._inner.translate_batch(*args, **kwargs)

    ctranslate2.Translator = CappedTranslator
translate = importlib.import_module("argostranslate.translate")


class WholeInput:
    def __init__(self, pkg):
        pass

    def split_sentences(self, text):
        return [text]


translate.MiniSBDSentencizer = WholeInput
sentences = json.load(sys.stdin)
translate.translate(sentences[0], sys.argv[1], sys.argv[2])  # load outside the timing
start = time.perf_counter()
outputs = [translate.translate(s, sys.argv[1], sys.argv[2]) for s in sentences]
print(json.dumps({"seconds": time.perf_counter() - start, "outputs": outputs}))
"""


def argos_translate(
    sentences: Sequence[str],
    pair: tuple[str, str],
    packages_dir: Path,
    scratch: Path,
    *,
    beam: int = 4,
    cap: int = 0,
    python: str = sys.executable,
) -> tuple[list[str], float]:
    """Argos' ``translate.translate()`` of each sentence: (outputs, seconds without loading)."""
    env = {
        **os.environ,
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "XDG_DATA_HOME": str(scratch / "data"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_BEAM_SIZE": str(beam),
    }
    done = subprocess.run(
        [python, "-c", _CHILD, *pair, str(cap)],
        input=json.dumps(list(sentences)),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result = json.loads(done.stdout)
    return result["outputs"], result["seconds"]
