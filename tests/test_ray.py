"""The MT pass on Ray (issue 12): outputs identical to the local engine, and the CLI's contract.

One local Ray cluster (2 CPUs) serves the whole module. Every Ray Data run starts its actors
afresh — several seconds each on a small machine — so each identity test makes one Ray run over
all its inputs: the seeds plus the texts Hypothesis draws. That is a fair test of identity, not a
shortcut: the engine decodes every sentence exactly as it does alone, so translating the examples
together must give what translating each one would.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit.cli.app import app
from toolkit.errors import UsageError
from toolkit.mt.engine import DecodeOptions, PackageEngine, engine_signature
from toolkit.mt.packages import PackageInfo
from toolkit.segment import iter_segments

from .conftest import ROOT, install, install_package_file

runner = CliRunner()
# Ray Data reads deprecated settings of its own at start-up.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def ray_cluster():
    # Before the import: Ray reads it then (under `uv run` it would rebuild the environment
    # for every worker otherwise).
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    yield ray
    ray.shutdown()


def _package(package_file: Path, folder: Path) -> PackageInfo:
    directory = install_package_file(package_file, folder)
    meta = json.loads((directory / "metadata.json").read_text("utf-8"))
    return PackageInfo(
        meta["from_code"], meta["to_code"], str(meta["package_version"]), directory, directory.name
    )


# Chinese, German and English letters, digits, punctuation and spaces: what the corpus holds.
TEXTS = st.text(
    alphabet=st.sampled_from(
        "北约秘书长吕特表示支持意愿联盟。，、；：！？（）《》"
        "KoalitiondrWlgenäöüßÄÖÜ SACEURHIMARS 0123456789.,;:!?-'\"()_"
    ),
    max_size=80,
)


def _hypothesis_texts() -> list[str]:
    drawn: list[str] = []

    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(TEXTS, min_size=1, max_size=12))
    def draw(texts: list[str]) -> None:
        drawn.extend(texts)

    draw()
    return drawn


@pytest.mark.parametrize("kind", ["copy", "random"])
def test_ray_output_is_identical_to_the_local_engine(
    kind: str, ray_cluster, request, tmp_path: Path, seeds_dir: Path
) -> None:
    from toolkit.mt.ray import RayEngine, RayOptions

    package = _package(request.getfixturevalue(f"{kind}_package_file"), tmp_path)
    # Random models rarely emit </s>: cap the output. A low input limit makes the engine cut
    # the longer seed sentences, so the cutting is compared too.
    options = DecodeOptions(beam=4, max_decoding_length=48, max_input_tokens=60)
    texts = [segment.norm for segment in iter_segments([seeds_dir])] + _hypothesis_texts()
    local = PackageEngine(package, options)
    remote = RayEngine(package, options, RayOptions(actors=2, block_size=48))
    groups = list(remote.translate_stream(texts))
    assert len(groups) > 2  # blocks stream back one by one
    outputs = [""] * len(texts)
    for group in groups:
        for index, text in group:
            outputs[index] = text
    assert sorted(i for group in groups for i, _ in group) == list(range(len(texts)))
    assert outputs == local.translate_batch(texts)
    assert remote.signature == local.signature
    assert engine_signature(remote, options) == engine_signature(local, options)


def test_without_the_extra_ray_is_one_line_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from toolkit.mt.ray import require_ray

    # A None entry makes `import ray` fail as if Ray were not installed.
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(UsageError, match="uv sync --extra ray"):
        require_ray()
    result = runner.invoke(app, ["translate", str(ROOT / "seeds"), "--to", "en", "--ray"])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: --ray needs Ray") and "uv sync --extra ray" in line


@pytest.mark.parametrize(
    ("flags", "named"),
    [(["--actors", "2"], "--actors"), (["--ray-address", "auto"], "--ray-address")],
)
def test_ray_flags_without_ray_are_a_usage_error(flags: list[str], named: str) -> None:
    result = runner.invoke(app, ["translate", str(ROOT / "seeds"), "--to", "en", *flags])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {named} needs --ray"]


def test_actors_must_be_positive() -> None:
    result = runner.invoke(app, ["translate", "seeds", "--to", "en", "--ray", "--actors", "0"])
    assert result.exit_code == 2


def test_neither_the_module_nor_help_imports_ray() -> None:
    code = (
        "import sys\n"
        "import toolkit.mt.ray, toolkit.mt.pipeline\n"
        "from toolkit.cli.fastpath import main\n"
        "sys.argv = ['toolkit', 'translate', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('ray' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "False"
    assert "--ray-address" in result.stdout


def test_an_actor_sends_a_model_error_back_as_one_line(tmp_path: Path, copy_package_file) -> None:
    """No cluster needed: the actor class is plain Python. A model that cannot load comes back
    as the engine's own one-line message, which the driver raises as a ModelError."""
    import numpy as np

    from toolkit.mt.ray import TranslatorActor

    package = _package(copy_package_file, tmp_path)
    actor = TranslatorActor(package, DecodeOptions())
    block = {"i": np.array([[0, 1]], dtype=object), "text": np.array([["北约", "吕特"]])}
    good = actor(block)
    assert [list(texts) for texts in good["text"]] == [["北约", "吕特"]] and good["error"][0] == ""
    (package.path / "model" / "model.bin").write_bytes(b"garbage")
    bad = TranslatorActor(package, DecodeOptions())(block)
    assert "cannot load the model" in bad["error"][0] and "\n" not in bad["error"][0]


def test_translate_with_ray_on_the_command_line(
    ray_cluster, tmp_path: Path, package_files, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the whole pipeline: a local run is served from the memory what the Ray run wrote
    (the memory is keyed by the engine signature), and nothing else differs."""
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path / "data"))  # a fresh memory
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    install(package_files, ("copy", "zh", "en"))
    source = ROOT / "seeds" / "001_29cecc130fa1cd1d.txt"
    args = ["translate", str(source), "--to", "en", "--no-catalogs", "--no-check", "--json"]
    result = runner.invoke(app, [*args, "--ray", "--actors", "2"])
    assert result.exit_code == 0, result.output
    remote = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(remote) == 33 and {r["status"] for r in remote} == {"machine"}
    local = [json.loads(line) for line in runner.invoke(app, args).stdout.splitlines()]
    assert {r["status"] for r in local} == {"memory"}
    for record in local + remote:
        del record["status"]
    assert local == remote  # targets, terms and signatures
    assert "warning" not in result.stderr  # e.g. Ray Data on idle actors: none here
