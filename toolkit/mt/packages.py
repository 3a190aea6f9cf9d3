"""Argos translation packages: installed, available, install, remove, route.

``argostranslate.package`` owns the package format and the index, but two things are done here:

* its settings module creates folders from ``XDG_*``/``ARGOS_*`` variables *at import*, so it is
  imported lazily with those variables pointing into the toolkit's data dir;
* ``install_from_path`` imports ``argostranslate.translate`` (stanza → torch) to clear a cache, so
  packages are installed by validating and extracting the zip here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit import config
from toolkit.errors import ModelError
from toolkit.files import atomic_writer

_IMPORT_LOCK = threading.Lock()
INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
#: Our language tags → Argos codes. Chinese sources are translated from their zh-Hans form.
ARGOS_CODES = {"zh-Hans": "zh", "zh-Hant": "zh", "zh": "zh", "de": "de", "en": "en"}
DownloadProgress = Callable[[int, int | None], None]


def packages_dir() -> Path:
    """Where packages live: ``$ARGOS_PACKAGES_DIR`` if set, else the toolkit's data dir."""
    override = os.environ.get("ARGOS_PACKAGES_DIR")
    return Path(override).expanduser() if override else config.packages_dir()


def argos_package_module() -> Any:
    """``argostranslate.package``, imported with its folders pointed into our data dir."""
    with _IMPORT_LOCK:
        import sys

        if "argostranslate.package" in sys.modules:
            return sys.modules["argostranslate.package"]
        base = config.data_dir() / "argos"
        wanted = {
            "ARGOS_PACKAGES_DIR": str(packages_dir()),
            "XDG_DATA_HOME": str(base / "data"),
            "XDG_CONFIG_HOME": str(base / "config"),
            "XDG_CACHE_HOME": str(base / "cache"),
        }
        saved = {key: os.environ.get(key) for key in wanted}
        os.environ.update(wanted)
        try:
            import argostranslate.package as argos_package
        finally:
            # Argos read them at import; the rest of the process keeps the user's environment.
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return argos_package


@dataclass(frozen=True)
class PackageInfo:
    """An installed translation package."""

    from_code: str
    to_code: str
    version: str
    path: Path
    name: str  # e.g. "translate-zh_en-1_9"

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    def checksum(self) -> str:
        """sha256 of the model weights and tokenizer, cached beside the package."""
        stamp_file = self.path / ".toolkit-sha256"
        files = sorted(p for p in (self.path / "model").rglob("*") if p.is_file())
        files += [
            p for p in (self.path / "sentencepiece.model", self.path / "bpe.model") if p.exists()
        ]
        stamp = json.dumps(
            [[str(p.relative_to(self.path)), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
        )
        try:
            cached = json.loads(stamp_file.read_text())
            if cached["stamp"] == stamp:
                return cached["sha256"]
        except (OSError, ValueError, KeyError):
            pass
        digest = hashlib.sha256()
        for file in files:
            digest.update(str(file.relative_to(self.path)).encode())
            with open(file, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        value = digest.hexdigest()
        # A read-only package dir just means hashing again next time.
        with contextlib.suppress(OSError):
            stamp_file.write_text(json.dumps({"stamp": stamp, "sha256": value}))
        return value

    def argos_package(self) -> Any:
        """The ``argostranslate.package.Package`` (gives ``.tokenizer``, ``.target_prefix``)."""
        return argos_package_module().Package(self.path)


def _read_metadata(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable metadata.json ({exc})", path=directory) from None


def installed_packages() -> list[PackageInfo]:
    """Installed translation packages, sorted by pair."""
    root = packages_dir()
    if not root.is_dir():
        return []
    found = []
    for directory in sorted(root.iterdir()):
        if not directory.is_dir() or directory.name.startswith("."):
            continue
        if not (directory / "metadata.json").exists():
            continue
        meta = _read_metadata(directory)
        if meta.get("type", "translate") != "translate":
            continue
        found.append(
            PackageInfo(
                from_code=meta.get("from_code", ""),
                to_code=meta.get("to_code", ""),
                version=str(meta.get("package_version", "")),
                path=directory,
                name=directory.name,
            )
        )
    return sorted(found, key=lambda p: (p.from_code, p.to_code, p.version))


def find_package(from_code: str, to_code: str) -> PackageInfo | None:
    matches = [p for p in installed_packages() if (p.from_code, p.to_code) == (from_code, to_code)]
    return matches[-1] if matches else None


def route(from_code: str, to_code: str) -> list[PackageInfo] | None:
    """Packages that take ``from_code`` to ``to_code``: direct, else pivoting through English."""
    direct = find_package(from_code, to_code)
    if direct is not None:
        return [direct]
    if "en" not in (from_code, to_code):
        first, second = find_package(from_code, "en"), find_package("en", to_code)
        if first is not None and second is not None:
            return [first, second]
    return None


def missing_pairs(from_code: str, to_code: str) -> list[tuple[str, str]]:
    """The pairs to install so that ``route`` succeeds (direct pair preferred)."""
    if route(from_code, to_code) is not None:
        return []
    if "en" in (from_code, to_code):
        return [(from_code, to_code)]
    return [(a, b) for a, b in ((from_code, "en"), ("en", to_code)) if find_package(a, b) is None]


def _check_member(info: zipfile.ZipInfo, archive: Path) -> PurePosixPath:
    name = PurePosixPath(info.filename)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelError(
            f"refusing symlink entry {info.filename!r}",
            path=archive,
            hint="a package holds plain files only",
        )
    if name.is_absolute() or ".." in name.parts or "\\" in info.filename or ":" in name.parts[0]:
        raise ModelError(
            f"refusing entry {info.filename!r} that escapes the package folder",
            path=archive,
            hint="the archive is malformed or malicious",
        )
    return name


def install_file(archive: Path | str) -> PackageInfo:
    """Validate an ``.argosmodel`` zip and install it, replacing an older package of its pair."""
    archive = Path(archive)
    if not archive.is_file():
        raise ModelError("no such package file", path=archive)
    if not zipfile.is_zipfile(archive):
        raise ModelError(
            "not an Argos package (not a zip archive)",
            path=archive,
            hint="download a .argosmodel file or build one with toolkit.testing.models",
        )
    root = packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [_check_member(info, archive) for info in zipped.infolist()]
            tops = {name.parts[0] for name in names if name.parts}
            if len(tops) != 1:
                raise ModelError(
                    "a package zip must hold exactly one top-level folder", path=archive
                )
            top = tops.pop()
            bad = zipped.testzip()
            if bad is not None:
                raise ModelError(f"corrupt entry {bad!r} (CRC mismatch)", path=archive)
            staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
            try:
                zipped.extractall(staging)
                unpacked = staging / top
                meta = _validate_unpacked(unpacked, archive)
                target = root / top
                for old in installed_packages():
                    if (old.from_code, old.to_code) == (meta["from_code"], meta["to_code"]):
                        shutil.rmtree(old.path)
                if target.exists():
                    shutil.rmtree(target)
                os.replace(unpacked, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"corrupt package ({exc})", path=archive) from None
    installed = find_package(meta["from_code"], meta["to_code"])
    assert installed is not None
    return installed


def _validate_unpacked(directory: Path, archive: Path) -> dict[str, Any]:
    if not (directory / "metadata.json").is_file():
        raise ModelError("package has no metadata.json", path=archive)
    meta = _read_metadata(directory)
    if meta.get("type", "translate") != "translate":
        raise ModelError(
            f"package type {meta.get('type')!r} is not a translation package", path=archive
        )
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ModelError(f"metadata.json lacks {key}", path=archive)
    if not (directory / "model" / "model.bin").is_file():
        raise ModelError("package has no CTranslate2 model (model/model.bin)", path=archive)
    if not any((directory / name).is_file() for name in ("sentencepiece.model", "bpe.model")):
        raise ModelError(
            "package has no tokenizer (sentencepiece.model or bpe.model)", path=archive
        )
    return meta


def remove(from_code: str, to_code: str) -> PackageInfo:
    """Uninstall the package of a pair."""
    package = find_package(from_code, to_code)
    if package is None:
        raise ModelError(
            f"no {from_code}→{to_code} package is installed", hint="see `toolkit models list`"
        )
    shutil.rmtree(package.path)
    return package


def fetch_index(timeout: float = 15.0) -> list[dict[str, Any]]:
    """Download the Argos package index (into Argos' own index file) and return its entries."""
    argos_package = argos_package_module()
    settings = argos_package.settings
    url = getattr(settings, "remote_package_index", INDEX_URL)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
        entries = json.loads(data)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(
            f"the Argos package index is unreachable ({reason})",
            hint="install a package from a file: toolkit models install --file X.argosmodel",
        ) from None
    index_file = Path(settings.local_package_index)
    index_file.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(index_file, binary=True) as sink:
        sink.write(data)
    return entries


def available_packages(timeout: float = 15.0) -> list[Any]:
    """Translation packages in the Argos index (``AvailablePackage`` objects)."""
    argos_package = argos_package_module()
    entries = fetch_index(timeout)
    return [
        argos_package.AvailablePackage(meta)
        for meta in entries
        if meta.get("type", "translate") == "translate"
    ]


def install_from_index(
    from_code: str, to_code: str, progress: DownloadProgress | None = None, timeout: float = 30.0
) -> PackageInfo:
    """Download the pair's package from the Argos index and install it."""
    try:
        candidates = [
            p
            for p in available_packages(timeout)
            if (p.from_code, p.to_code) == (from_code, to_code)
        ]
    except ModelError as exc:
        raise ModelError(
            f"no {from_code}→{to_code} package installed and {exc.message}",
            hint=f"install one from a file: toolkit models install --file "
            f"translate-{from_code}_{to_code}.argosmodel",
        ) from None
    if not candidates:
        raise ModelError(
            f"the Argos index has no {from_code}→{to_code} package",
            hint="pivot pairs through English are used when both halves exist",
        )
    package = max(candidates, key=lambda p: _version_key(p.package_version))
    with tempfile.TemporaryDirectory(prefix="toolkit-download-") as scratch:
        archive = Path(scratch) / f"translate-{from_code}_{to_code}.argosmodel"
        _download(list(package.links), archive, progress, timeout)
        return install_file(archive)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.replace("_", ".").split(".") if part.isdigit())


def _download(
    links: list[str], out: Path, progress: DownloadProgress | None, timeout: float
) -> None:
    last_error: Exception | None = None
    for link in links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, open(out, "wb") as sink:
                total = response.length
                done = 0
                for block in iter(lambda: response.read(1 << 16), b""):
                    sink.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
            return
        except (urllib.error.URLError, OSError) as exc:
            last_error = exc
    raise ModelError(
        f"download failed ({last_error})",
        hint="check the connection, or install "
        "from a file: toolkit models install --file X.argosmodel",
    )
