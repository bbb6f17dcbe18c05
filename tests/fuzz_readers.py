"""Fuzz the readers: mutate real samples and generated CSVs, run `slreport analyze` on each and
check the contract for bad input (not collected by pytest; see docs/hardening.md).

The contract (``problem()``): exit 0 with rows_read = rows_used + rows_rejected + rows_ignored,
or exit 1/2 with exactly one line on stderr that names the file — never a traceback, an
"unexpected error" or another exit code.

    /work/venv/bin/python -m tests.fuzz_readers --minutes 5 [--seed N] [--keep FOLDER]

runs in-process (fast) until the time is up, and copies every input that breaks the contract
to --keep (default tests/data/fuzz/found/) with the problem, to be added to the corpus.
``--write-corpus`` regenerates the committed corpus in tests/data/fuzz/.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "data" / "ingest"
CORPUS = HERE / "data" / "fuzz"
TZ = "Europe/Helsinki"
HEADER = "contact_id,company,caller,arrived_at,answered_at,wait_s,talk_s,outcome"
GOOD_ROW = "c1,Alpha Oy,0401234567,2024-03-04 10:00:00,2024-03-04 10:00:12,12,60,answered"


def args_for(path: Path) -> list[str]:
    return ["analyze", str(path), "--tz", TZ, "-f", "json"]


def problem(path: Path, code: int, stdout: str, stderr: str) -> str | None:
    """What is wrong with this run of `slreport analyze path` (None: the contract holds)."""
    if "Traceback" in stderr or "unexpected error" in stderr:
        return f"crash: {stderr.strip().splitlines()[-1] if stderr.strip() else code}"
    if code == 0:
        try:
            inp = json.loads(stdout)["input"]
        except (ValueError, KeyError) as exc:
            return f"exit 0 without a JSON report: {exc}"
        if inp["rows_read"] != inp["rows_used"] + inp["rows_rejected"] + inp["rows_ignored"]:
            return f"row identity broken: {inp['rows_read']} read, {inp['rows_used']} used, " \
                   f"{inp['rows_rejected']} rejected, {inp['rows_ignored']} ignored"
        return None
    if code not in (1, 2):
        return f"exit code {code}"
    lines = stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith("slreport: error: "):
        return f"expected one error line, got {len(lines)}: {stderr[:300]!r}"
    if path.name not in lines[0]:
        return f"the error does not name the file: {lines[0][:300]}"
    return None


# ---- mutations -------------------------------------------------------------------------

def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random edits, from byte flips to structural ones (lines, fields, encodings)."""
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(MUTATIONS)(data, rng)
    return data


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _drop_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def _dup_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i:i] = [lines[i]] * rng.randint(1, 3)
    return b"\n".join(lines)


INTERESTING = [b"", b"\x00", b"NaN", b"-1", b"-0.5", b"1e309", b"inf", b"9" * 40, b"\"", b"\"\"", b",", b";",
               b"\t", b"\r", b"=cmd|' /C calc'!A0", b"1900-01-01 00:00:00", b"2300-12-31 23:59:59",
               b"2024-02-30 10:00:00", b"2024-03-31 03:30:00", b"2024-10-27 03:30:00", b"1711848600",
               b"1711848600000", b"1711848600000000", b"\xe4\xf6", "äö".encode(), b"\xff\xfe", b"\xef\xbb\xbf",
               b"<script>", b"../../etc", b"+358401234567", b"0:00:-5", b"99:99:99", b"00:60"]


def _field(data: bytes, rng: random.Random) -> bytes:
    """Replace one field of one line (split on the commonest delimiter) with an interesting value."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    delim = max((b",", b";", b"\t", b"|"), key=data.count)
    fields = lines[i].split(delim)
    fields[rng.randrange(len(fields))] = rng.choice(INTERESTING)
    lines[i] = delim.join(fields)
    return b"\n".join(lines)


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(INTERESTING) + data[at:]


def _recode(data: bytes, rng: random.Random) -> bytes:
    """Re-encode part of the file (mixed encodings in one file)."""
    text = data.decode("utf-8", errors="replace")
    cut = rng.randrange(len(text) + 1)
    encoding = rng.choice(["cp1252", "utf-16", "latin-1"])
    return text[:cut].encode("utf-8") + text[cut:].encode(encoding, errors="replace")


def _columns(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    lines[0] = lines[0] + (b"," + lines[0].split(b",")[0]) * rng.randint(1, 3)  # duplicate header names
    return b"\n".join(lines)


MUTATIONS = (_flip, _truncate, _drop_line, _dup_line, _field, _field, _field, _insert, _recode, _columns)


# ---- the committed corpus ---------------------------------------------------------------

def _csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


def corpus_cases() -> dict[str, bytes]:
    rng = random.Random(20241027)
    cases = {
        "empty.csv": b"",
        "header_only.csv": (HEADER + "\n").encode(),
        "newlines_only.csv": b"\n\n\n",
        "bom_only.csv": b"\xef\xbb\xbf",
        "truncated_line.csv": _csv(GOOD_ROW, "c2,Alpha Oy,0401234568,2024-03-04 10:05:00,2024-03-0")[:-1],
        "unterminated_quote.csv": _csv(GOOD_ROW, 'c2,"Alpha Oy,0401234568,2024-03-04 10:05:00,,5,,abandoned'),
        "binary_garbage.csv": bytes(rng.randrange(256) for _ in range(4096)),
        "nul_bytes.csv": _csv(GOOD_ROW, "c2,Al\x00pha,04012\x0034568,2024-03-04 10:05:00,,5,,aban\x00doned",
                              "\x00\x00\x00"),
        "mixed_encodings.csv": _csv(GOOD_ROW) + "c2,Äänekoski Oy,0401234568,2024-03-04 10:05:00,,5,,abandoned\n"
        .encode("cp1252") + "c3,Öljy Oy,0401234569,2024-03-04 10:06:00,,5,,abandoned\n".encode(),
        "utf16_no_bom.csv": _csv(GOOD_ROW).decode().encode("utf-16-le"),
        "years_1900_2300.csv": _csv("c1,A,,1900-01-01 00:00:00,,5,,abandoned",
                                    "c2,A,,2300-12-31 23:59:59,,5,,abandoned",
                                    "c3,A,,0001-01-01 00:00:00,,5,,abandoned",
                                    "c4,A,,9999-12-31 23:59:59,,5,,abandoned", GOOD_ROW),
        "feb_30.csv": _csv(GOOD_ROW, "c2,A,,2024-02-30 10:00:00,,5,,abandoned",
                           "c3,A,,2023-02-29 10:00:00,,5,,abandoned",
                           "c4,A,,2024-13-01 10:00:00,,5,,abandoned", "c5,A,,2024-04-31 25:61:61,,5,,abandoned"),
        "dst_gap_and_overlap.csv": _csv("c1,A,,2024-03-31 03:30:00,2024-03-31 04:00:10,,60,answered",
                                        "c2,A,,2024-10-27 03:30:00,2024-10-27 03:29:50,,60,answered",
                                        "c3,A,,2024-10-27 03:59:59,2024-10-27 03:00:01,,60,answered"),
        "epoch_s_ms_us.csv": _csv("c1,A,,1711848600,1711848612,,60,answered", "c2,A,,1711848600000,,5,,abandoned",
                                  "c3,A,,1711848600000000,,5,,abandoned", "c4,A,,-1711848600,,5,,abandoned",
                                  "c5,A,,1711848600.5,,5,,abandoned", "c6,A,,0000000000,,5,,abandoned"),
        "negative_nan_durations.csv": _csv("c1,A,,2024-03-04 10:00:00,,-5,60,answered",
                                           "c2,A,,2024-03-04 10:01:00,,NaN,60,answered",
                                           "c3,A,,2024-03-04 10:02:00,,inf,60,answered",
                                           "c4,A,,2024-03-04 10:03:00,,1e309,60,answered",
                                           "c5,A,,2024-03-04 10:04:00,,99999999999999999999999,60,answered",
                                           "c6,A,,2024-03-04 10:05:00,,-0:00:05,-60,answered", GOOD_ROW),
        "duplicate_headers.csv": (HEADER + ",arrived_at,ARRIVED_AT\n" + GOOD_ROW + ",x,y\n").encode(),
        "ragged_rows.csv": _csv(GOOD_ROW, "c2,A", GOOD_ROW.replace("c1", "c3") + ",extra,extra,extra"),
        "formula_and_markup_names.csv": _csv("c1,=cmd|' /C calc'!A0,,2024-03-04 10:00:00,,5,,abandoned",
                                             "c2,<script>alert(1)</script>,,2024-03-04 10:00:00,,5,,abandoned",
                                             "c3,../../etc,,2024-03-04 10:00:00,,5,,abandoned"),
        "only_delimiters.csv": b",,,,,,,\n,,,,,,,\n",
        "one_column.csv": b"arrived_at\n2024-03-04 10:00:00\n",
        "garbage.xlsx": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(512)),
        "garbage.parquet": b"PAR1" + bytes(rng.randrange(256) for _ in range(512)) + b"PAR1",
        "truncated.csv.gz": gzip.compress(_csv(GOOD_ROW) * 50)[:200],
        "not_json.jsonl": b'{"ContactId": "c1", "Channel": "VOICE"\n[1,2,3]\nnull\n"text"\n',
    }
    for sample in ("asterisk_Master_lab.csv", "freeswitch_13.csv", "queue_log_flat.log", "queue_log_realtime.csv",
                   "amazon_connect_ctr.jsonl", "cp1252_semicolon.csv", "split_date_time.csv", "generic.jsonl"):
        data = (SAMPLES / sample).read_bytes()
        for n in range(2):
            stem, dot, ext = sample.partition(".")
            cases[f"mutated_{stem}_{n}.{ext}"] = mutate(data, rng)
    return cases


def write_corpus(folder: Path = CORPUS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in corpus_cases().items():
        (folder / name).write_bytes(data)


# ---- the long session ------------------------------------------------------------------

def _seeds() -> list[Path]:
    return sorted(p for p in [*SAMPLES.iterdir(), *CORPUS.iterdir()] if p.is_file() and p.suffix != ".md")


def run_in_process(path: Path) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from slreport.cli import app

    result = CliRunner().invoke(app, args_for(path), catch_exceptions=True)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += f"\nTraceback: {type(result.exception).__name__}: {result.exception}"
    return result.exit_code, result.stdout, stderr


def session(minutes: float, seed: int, keep: Path) -> int:
    rng = random.Random(seed)
    seeds = _seeds()
    deadline = time.monotonic() + minutes * 60
    runs = found = 0
    with tempfile.TemporaryDirectory(prefix="slreport-fuzz-") as tmp:
        while time.monotonic() < deadline:
            origin = rng.choice(seeds)
            path = Path(tmp) / f"case{runs}{''.join(origin.suffixes)}"
            path.write_bytes(mutate(origin.read_bytes(), rng))
            code, out, err = run_in_process(path)
            runs += 1
            issue = problem(path, code, out, err)
            if issue:
                found += 1
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, keep / f"seed{seed}-{path.name}")
                (keep / f"seed{seed}-{path.name}.problem.txt").write_text(f"from {origin.name}: {issue}\n")
                print(f"{origin.name} -> {keep / ('seed' + str(seed) + '-' + path.name)}: {issue}", flush=True)
    print(f"{runs} runs, {found} problems (seed {seed})")
    return 1 if found else 0


def main(argv: list[str] | None = None) -> Any:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", type=Path, default=CORPUS / "found")
    parser.add_argument("--write-corpus", action="store_true", help="regenerate tests/data/fuzz and exit")
    a = parser.parse_args(argv)
    if a.write_corpus:
        write_corpus()
        return 0
    return session(a.minutes, a.seed, a.keep)


if __name__ == "__main__":
    raise SystemExit(main())
