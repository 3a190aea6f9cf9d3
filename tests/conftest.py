"""Shared fixtures. Everything the toolkit or Argos writes goes to a per-session temp dir."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest

from toolkit.testing.models import build_package

# Set before anything imports argostranslate (its settings module creates folders at import).
_SANDBOX = Path(tempfile.mkdtemp(prefix="toolkit-tests-"))
for _var, _sub in {
    "TOOLKIT_DATA_DIR": "data",
    "XDG_DATA_HOME": "xdg-data",
    "XDG_CONFIG_HOME": "xdg-config",
    "XDG_CACHE_HOME": "xdg-cache",
}.items():
    os.environ[_var] = str(_SANDBOX / _sub)
os.environ["ARGOS_PACKAGES_DIR"] = str(_SANDBOX / "data" / "argos-packages")
os.environ.pop("TOOLKIT_GLOSSARY", None)
os.environ.pop("TOOLKIT_TRANSLATIONS", None)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference, or skip: third-party material is never copied into the repo."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is not beside the checkout")
    return REFERENCE


@pytest.fixture(scope="session")
def sandbox() -> Path:
    return _SANDBOX


# --- test translation packages, built once per session -----------------------------------------


def install_package_file(package_file: Path, packages_dir: Path) -> Path:
    """Extract an .argosmodel as Argos' install does; return the package directory."""
    with zipfile.ZipFile(package_file) as archive:
        archive.extractall(packages_dir)
        (top,) = {name.split("/")[0] for name in archive.namelist()}
    return packages_dir / top


@pytest.fixture(scope="session")
def copy_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zh→en copy model as a .argosmodel file."""
    return build_package("copy", "zh", "en", tmp_path_factory.mktemp("copy") / "zh_en.argosmodel")


@pytest.fixture(scope="session")
def random_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zh→en random model (tiny, seed 0) as a .argosmodel file."""
    out = tmp_path_factory.mktemp("random") / "zh_en.argosmodel"
    return build_package("random", "zh", "en", out, size="tiny", seed=0)


@pytest.fixture(scope="session")
def copy_package(copy_package_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """``argostranslate.package.Package`` of the installed copy model (own packages dir)."""
    import argostranslate.package

    packages_dir = tmp_path_factory.mktemp("copy-packages")
    return argostranslate.package.Package(install_package_file(copy_package_file, packages_dir))


@pytest.fixture(scope="session")
def random_package(random_package_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """``argostranslate.package.Package`` of the installed random model (own packages dir)."""
    import argostranslate.package

    packages_dir = tmp_path_factory.mktemp("random-packages")
    return argostranslate.package.Package(install_package_file(random_package_file, packages_dir))


@pytest.fixture(scope="session")
def copy_translator(copy_package):
    import ctranslate2

    return ctranslate2.Translator(str(copy_package.package_path / "model"), intra_threads=1)


@pytest.fixture(scope="session")
def random_translator(random_package):
    import ctranslate2

    return ctranslate2.Translator(str(random_package.package_path / "model"), intra_threads=1)


@pytest.fixture(scope="session")
def package_files(tmp_path_factory: pytest.TempPathFactory, copy_package_file, random_package_file):
    folder = tmp_path_factory.mktemp("more-packages")
    return {
        ("copy", "zh", "en"): copy_package_file,
        ("random", "zh", "en"): random_package_file,
        **{
            (kind, a, b): build_package(kind, a, b, folder / f"{kind}-{a}_{b}.argosmodel")
            for kind, a, b in [
                ("copy", "de", "en"),
                ("copy", "en", "zh"),
                ("random", "de", "en"),
                ("copy", "zh", "de"),
            ]
        },
    }


def install(package_files, *keys: tuple[str, str, str]) -> None:
    """Install test packages (kind, from, to) into the current $ARGOS_PACKAGES_DIR."""
    from toolkit.mt import packages

    for key in keys:
        packages.install_file(package_files[key])
