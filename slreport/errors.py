"""Errors the core raises and the exit codes the CLI turns them into.

Every error carries a message (what went wrong, where) and a hint (how to fix it); the CLI
prints them as one line on stderr. Core modules never print and never exit.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_DATA = 1  # unreadable input or data that cannot be used
    USAGE = 2  # wrong options or arguments
    TARGET_MISSED = 3  # a target was missed and --fail-on-miss was given


class SlreportError(Exception):
    exit_code: ExitCode = ExitCode.BAD_DATA

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class UsageError(SlreportError):
    """The options or arguments do not make sense together."""

    exit_code = ExitCode.USAGE


class InputError(SlreportError):
    """An input file cannot be read or used."""

    exit_code = ExitCode.BAD_DATA

    def __init__(
        self, message: str, hint: str | None = None, *, file: str | None = None,
        line: int | None = None,
    ) -> None:
        where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
        super().__init__(where + message, hint)
        self.file = file
        self.line = line
