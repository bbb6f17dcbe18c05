"""Bytes → text: the head of a file for detection, its encoding, its delimiter, and a UTF-8
copy when DuckDB cannot read it as it is.

Encodings tried, in order: a BOM (UTF-8, UTF-16 LE/BE), UTF-16 without BOM (every other byte
NUL), UTF-8, Windows-1252, Latin-1. DuckDB reads UTF-8 (with or without BOM) directly; other
encodings are transcoded once into the scratch folder.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from slreport.errors import InputError
from slreport.ingest.sources import Source

HEAD_BYTES = 16384
CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed (.gz, .zst) so detection sees what DuckDB will read."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if suffix == ".zst":
        import zstandard

        return zstandard.open(path, "rb")
    return path.open("rb")


def _read_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged file can raise: I/O and the decompressors' own errors."""
    import zlib

    errors: list[type[BaseException]] = [OSError, EOFError, zlib.error]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:  # pragma: no cover - zstandard is a dependency
        pass
    return tuple(errors)


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    try:
        with open_binary(path) as f:
            return f.read(size)
    except _read_errors() as exc:
        raise InputError(f"cannot read: {exc}", "check the file and its compression", file=str(path)) from exc


def _chunks(path: Path) -> Iterator[bytes]:
    try:
        with open_binary(path) as f:
            while chunk := f.read(CHUNK):
                yield chunk
    except _read_errors() as exc:
        raise InputError(f"cannot read: {exc}", "check the file and its compression", file=str(path)) from exc


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in _chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, display: str) -> str:
    head = read_head(path)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if b"\x00" in head:
        raise InputError(
            "not a text file (it holds binary data)",
            "export the records as CSV, JSON Lines, .xlsx or Parquet",
            file=display,
        )
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    return "latin-1"  # every byte is a Latin-1 character


def _plain_head(head: bytes) -> bool:
    """No BOM, no UTF-16 without BOM, no binary data, and the head itself decodes as UTF-8."""
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return False
    return _utf16_without_bom(head) is None


def decode_head(head: bytes) -> str:
    """Best-effort text of a file's first bytes, for detection only."""
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("utf-8", "replace")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "replace")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return head.decode(utf16, "replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the end of the head
            return head[: exc.start].decode("utf-8")
        return head.decode("cp1252", "replace")


def head_lines(head: bytes, n: int = 20) -> list[str]:
    lines = decode_head(head).splitlines()
    if len(head) >= HEAD_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut
    return [line for line in lines if line.strip()][:n]


def sniff_delimiter(line: str) -> str:
    """The candidate delimiter seen most often outside quotes in ``line`` (comma on a tie)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best


def as_utf8(source: Source, scratch: Path, index: int, trust_utf8: bool = False) -> tuple[Source, str]:
    """The source as a file DuckDB reads (UTF-8), and the encoding it was written in.

    ``trust_utf8``: a file whose head has no byte-order mark, UTF-16 pattern or NUL is taken as UTF-8
    without decoding all of it here (4 s for 10 M rows, on one core): DuckDB's reader checks every
    byte itself and says "not utf-8 encoded" if it is not, and the caller then asks again without trust."""
    if trust_utf8 and _plain_head(read_head(source.path)):
        return source, "utf-8"
    encoding = detect_encoding(source.path, source.display)
    if encoding in ("utf-8", "utf-8-sig"):
        return source, encoding
    target = scratch / f"{index}-utf8.txt"
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with target.open("w", encoding="utf-8", newline="") as out:
            for chunk in _chunks(source.path):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True).lstrip("\ufeff"))
    except UnicodeDecodeError as exc:  # UTF-16 cut off mid-character or with a broken surrogate
        raise InputError(
            f"not valid {encoding} text ({exc.reason})",
            "export the file again (as UTF-8 if the system allows)",
            file=source.display,
        ) from exc
    return dataclasses.replace(source, path=target), encoding
