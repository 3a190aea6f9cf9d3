"""The one family of exceptions the library raises.

The CLI turns every :class:`ToolkitError` into a single line on stderr and its ``exit_code``;
anything else escaping the library is a bug.
"""

from __future__ import annotations

from pathlib import Path


class ToolkitError(Exception):
    """Base of every error the toolkit reports to a user.

    ``where`` names the place (``file`` or ``file:line``), ``hint`` says how to fix it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    @property
    def where(self) -> str | None:
        if self.path is None:
            return None
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} — {self.hint}"
        # One line, always: messages quoting user input must not break the contract.
        return " ".join(text.split())


class InputError(ToolkitError):
    """A source file cannot be read as text (encoding, binary, missing)."""


class GlossaryError(ToolkitError):
    """The glossary (or a glossary file being imported) is malformed or inconsistent."""


class ModelError(ToolkitError):
    """A translation package is missing, corrupt or cannot serve the requested pair."""


class CatalogError(ToolkitError):
    """A translation catalog (PO) or export cannot be read or written."""


class UsageError(ToolkitError):
    """Options that make no sense together, unknown languages, empty selections."""


class ToolkitWarning(UserWarning):
    """Something a user should know that does not stop the work (an empty file, say).

    The library issues it with :func:`warnings.warn`; the CLI prints it as one line on stderr.
    """
