"""Errors the core raises and the exit codes the CLI turns them into.

Every error carries a message (what went wrong, where) and a hint (how to fix it); the CLI
prints them as one line on stderr. Core modules never print and never exit.
"""

from __future__ import annotations

import errno
import os
import sys
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BAD_DATA = 1  # unreadable input or data that cannot be used
    USAGE = 2  # wrong options or arguments
    TARGET_MISSED = 3  # a target was missed and --fail-on-miss was given
    ENVIRONMENT = 4  # the machine refused: full disk, read-only folder, out of memory
    NO_CONTACTS = 5  # the report was written, but no contact arrived in the period asked for


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


class EnvironmentFault(SlreportError):
    """The machine refused: a full disk, a read-only folder, not enough memory. Nothing is wrong with
    the data or the options; the same run works once the fault is fixed (cron may retry)."""

    exit_code = ExitCode.ENVIRONMENT


# errno → (what it means, how to fix it), for OSErrors that reach the CLI. The environment faults
# (the machine's, exit 4) are separate from the path faults (the path given, exit 1).
_TMP_HINT = "the report folder (--out), --rejects or the scratch folder (TMPDIR, now {tmp})"
ENVIRONMENT_ERRNOS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free space on the disk of " + _TMP_HINT
                   + ", or point it at a disk with room"),
    errno.EDQUOT: ("disk quota exceeded", "free space within the quota, or point " + _TMP_HINT + " elsewhere"),
    errno.EROFS: ("the folder is on a read-only file system", "choose a writable folder for " + _TMP_HINT),
    errno.EIO: ("input/output error from the device", "check the disk (dmesg), then run again"),
    errno.ENOMEM: ("out of memory", "free memory, or lower --memory-limit"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n) or read fewer files at once"),
    errno.ENFILE: ("too many open files on the system", "run again when fewer files are open"),
}
PATH_ERRNOS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permission denied", "check the permissions, or choose another path"),
    errno.EPERM: ("operation not permitted", "check the permissions, or choose another path"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("is a folder, not a file", "give a file"),
    errno.ENAMETOOLONG: ("the file name is too long", "choose a shorter path"),
    errno.ELOOP: ("too many symbolic links", "check the path"),
    errno.ENXIO: ("no such device", "give a regular file"),
}
OUT_OF_MEMORY_HINT = ("raise --memory-limit (default 2GB, at most the machine's memory) so that DuckDB can hold more, "
                      "and keep free disk in TMPDIR for what it spills")


def out_of_memory_hint(memory_limit: str | None) -> str:
    """OUT_OF_MEMORY_HINT naming the limit the run had (``None``: the default), so that the next
    value tried is larger than it."""
    now = f"now {memory_limit}" if memory_limit else "now the default 2GB"
    return OUT_OF_MEMORY_HINT.replace("(default 2GB,", f"({now},")


def os_fault(exc: OSError) -> SlreportError | None:
    """The one-line error of an OSError whose errno is an expected fault; None for any other."""
    import tempfile

    known = ENVIRONMENT_ERRNOS.get(exc.errno or -1) or PATH_ERRNOS.get(exc.errno or -1)
    if known is None:
        return None
    meaning, hint = known
    where = f"{shorten(os.fsdecode(exc.filename))}: " if exc.filename is not None else ""
    kind = EnvironmentFault if exc.errno in ENVIRONMENT_ERRNOS else InputError
    return kind(where + meaning, hint.format(tmp=tempfile.gettempdir()))


def foreign_fault(exc: BaseException, memory_limit: str | None = None) -> SlreportError | None:
    """An expected fault raised by Python or DuckDB, as our error; None when it is a bug. The one place
    where errnos and the engine's memory and I/O errors are told apart from bugs. ``memory_limit``:
    the --memory-limit the run had (None: the default), named in a memory error's hint."""
    if isinstance(exc, OSError):
        return os_fault(exc)
    hint = out_of_memory_hint(memory_limit)
    if isinstance(exc, MemoryError):
        return EnvironmentFault("out of memory", "free memory or use a larger machine; " + hint)
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return EnvironmentFault("cannot start a thread: out of memory or of processes (ulimit -v, ulimit -u)",
                                "free memory or raise the limits; " + hint)
    duckdb = sys.modules.get("duckdb")
    if duckdb is None or not isinstance(exc, duckdb.Error):
        return None
    # Out of memory by its type, or by DuckDB's own words where another error carries it on
    # (an error raised in a reader's worker thread keeps the text, not always the type).
    if isinstance(exc, duckdb.OutOfMemoryException) or "Out of Memory Error" in str(exc):
        within = f"--memory-limit {memory_limit}" if memory_limit else "the default --memory-limit 2GB"
        return EnvironmentFault(f"DuckDB ran out of memory within {within}", hint)
    text = str(exc)
    for number, (meaning, hint) in ENVIRONMENT_ERRNOS.items():
        if os.strerror(number) in text:
            import tempfile

            return EnvironmentFault(f"DuckDB: {meaning}", hint.format(tmp=tempfile.gettempdir()))
    return None


def environment_cause(exc: BaseException, memory_limit: str | None = None) -> EnvironmentFault | None:
    """The machine's fault behind an error, if any: a reader that wraps DuckDB's error as "cannot read"
    (or wraps an error that wraps it) may be wrapping an out-of-memory or a full disk, and then the
    fault is the machine's, not the file's."""
    seen: set[int] = set()
    cause = _behind(exc)
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        fault = foreign_fault(cause, memory_limit)
        if isinstance(fault, EnvironmentFault):
            return fault
        cause = _behind(cause)
    return None


def _behind(exc: BaseException) -> BaseException | None:
    """The error ``exc`` was raised from (or while handling, unless ``from None`` said it does not matter)."""
    if exc.__cause__ is not None:
        return exc.__cause__
    return None if exc.__suppress_context__ else exc.__context__


def quoted(value: object) -> str:
    """``value`` as an error line quotes it (repr), cut short (``shorten``)."""
    return repr(shorten(value)) if isinstance(value, str) else shorten(repr(value))


def shorten(value: str, limit: int = 80) -> str:
    """``value`` cut to ``limit`` characters (and "…"): an error line quotes values from files and
    options, and a 50 MB value must not become a 50 MB line in cron mail."""
    return value if len(value) <= limit else value[:limit] + "…"
