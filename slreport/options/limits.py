"""Resource limits: the size grammar of --memory-limit and of the copy cap, and the caps themselves.

One parser for every size a user writes (the command line, the environment, library callers), so
that what reaches DuckDB is always a whole number of bytes formatted by us, never the user's text
(docs/hardening.md, "Limits and expected faults").
"""

from __future__ import annotations

import os
import re

from slreport.errors import UsageError, quoted

SIZE_GRAMMAR = "a number and a unit: KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 4GB"
_SIZE_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT])(i?)B\s*", re.IGNORECASE)
_POWERS = {"K": 1, "M": 2, "G": 3, "T": 4}

# Below this DuckDB cannot stage even a small export: a limit of a few KB is a typo, not a choice.
MIN_MEMORY_LIMIT = 16 * 1000**2
# Copies of stdin and of .bz2 inputs into the scratch folder stop here unless SLREPORT_MAX_COPY raises
# it: `cat /dev/zero | slreport analyze -` must end with an error, not with a full disk.
DEFAULT_MAX_COPY = 20 * 1000**3
MAX_COPY_ENV = "SLREPORT_MAX_COPY"


def parse_size(text: str, what: str) -> int:
    """Bytes of ``text`` in the size grammar; a UsageError naming ``what`` and the grammar otherwise."""
    m = _SIZE_RE.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise UsageError(f"{what} {quoted(str(text))} is not a size", f"write {SIZE_GRAMMAR}")
    number, unit, binary = m.groups()
    size = int(float(number) * (1024 if binary else 1000) ** _POWERS[unit.upper()])
    if size <= 0:
        raise UsageError(f"{what} {quoted(text)} is not above 0", f"write {SIZE_GRAMMAR}")
    return size


def physical_memory() -> int | None:
    """Bytes of RAM of this machine, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def parse_memory_limit(text: str) -> int:
    """--memory-limit in bytes: at least 16 MB and at most this machine's RAM. A limit above the RAM
    is not a limit (the kernel kills the process before DuckDB would spill), so it is refused."""
    size = parse_size(text, "--memory-limit")
    ram = physical_memory()
    if size < MIN_MEMORY_LIMIT:
        raise UsageError(f"--memory-limit {quoted(text)} is below 16MB", "give at least 16MB, e.g. 2GB")
    if ram is not None and size > ram:
        raise UsageError(f"--memory-limit {quoted(text)} is more than this machine's memory ({ram / 1e9:.1f} GB)",
                         "give at most the machine's memory; larger work spills to disk")
    return size


def max_copy() -> int:
    """The cap on one temporary copy (stdin, a decompressed .bz2): SLREPORT_MAX_COPY or 20GB."""
    given = os.environ.get(MAX_COPY_ENV)
    return DEFAULT_MAX_COPY if given is None else parse_size(given, MAX_COPY_ENV)


def format_size(size: int) -> str:
    """``size`` bytes in the largest decimal unit that keeps it at 1 or more: 20000000000 → "20 GB"."""
    for unit, power in (("TB", 4), ("GB", 3), ("MB", 2), ("KB", 1)):
        if size >= 1000**power:
            return f"{size / 1000**power:.3g} {unit}"
    return f"{size} bytes"
