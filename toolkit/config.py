"""Where the toolkit keeps things. Nothing here touches the disk at import time.

Environment overrides: ``TOOLKIT_DATA_DIR`` (translation memory, installed packages),
``TOOLKIT_CACHE_DIR`` (compiled glossary caches),
``TOOLKIT_GLOSSARY`` (glossary folder), ``TOOLKIT_TRANSLATIONS`` (PO catalogs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "glossary-mt-toolkit"

# A checkout keeps glossary/ and translations/ beside the package.
_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Per-user data folder (platformdirs), or ``$TOOLKIT_DATA_DIR``. Not created here."""
    override = os.environ.get("TOOLKIT_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Per-user cache folder for derived data (safe to delete). Not created here."""
    override = os.environ.get("TOOLKIT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    # platformdirs' rule on Linux, without its ~20 ms import on the lookup fast path.
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / APP_NAME
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def packages_dir() -> Path:
    """Where Argos packages are installed for the toolkit."""
    return data_dir() / "argos-packages"


def memory_path() -> Path:
    """The SQLite translation memory."""
    return data_dir() / "memory.sqlite3"


def default_glossary_dir() -> Path:
    """``$TOOLKIT_GLOSSARY``, else ``./glossary``, else the checkout's ``glossary/``."""
    override = os.environ.get("TOOLKIT_GLOSSARY")
    if override:
        return Path(override).expanduser()
    local = Path("glossary")
    if local.is_dir():
        return local
    return _CHECKOUT / "glossary"


def default_translations_dir() -> Path:
    """``$TOOLKIT_TRANSLATIONS``, else ``./translations``."""
    override = os.environ.get("TOOLKIT_TRANSLATIONS")
    return Path(override).expanduser() if override else Path("translations")
