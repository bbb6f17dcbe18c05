"""Pseudo-terminals for the tests: what a program wrote to one, read to the end."""

from __future__ import annotations

import os


def read_all(leader: int) -> bytes:
    """Everything written to the pseudo-terminal whose leader end is ``leader``, then closes it.
    Reading ends when the program has closed its end (Linux says EIO, not end of file)."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # EIO: the other end is closed, all is read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)
