"""The terminal table fits the terminal: under a real pseudo-terminal of 80 and 120 columns no number
is cut or wrapped and company names are whole; piped, a table says met/missed in words, and a reader
that goes away (`| head -1`) ends the run with 0 for every format."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

from slreport.sections.text import format_value
from tests.conftest import ROOT, run_cli
from tests.terminal import read_all

SAMPLE = ROOT / "sample_data" / "calls.csv"
CONFIG = ROOT / "sample_data" / "slreport.toml"
ANALYZE = ("analyze", str(SAMPLE), "--config", str(CONFIG))
NUMBERS = ("offered", "answered", "abandoned", "short_abandoned", "service_level_pct", "answer_rate_pct",
           "abandon_rate_pct", "asa_s", "aht_s", "max_wait_s", "fcr_pct", "nps", "csat_mean")


def on_terminal(columns: int, *args: str, color: bool = False) -> tuple[int, str]:
    """The CLI with stdout on a pseudo-terminal ``columns`` wide (as a terminal emulator sets it:
    the window size, no COLUMNS), without colour so that the text can be read back (in colour:
    the colour codes taken out)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")} | {
        "PYTHONPATH": str(ROOT), "TERM": "xterm"} | ({} if color else {"NO_COLOR": "1"})
    proc = subprocess.Popen([sys.executable, "-m", "slreport", *args], stdout=slave, stderr=subprocess.DEVNULL,
                            env=env, cwd=ROOT)
    os.close(slave)
    text = read_all(master).decode("utf-8").replace("\r\n", "\n")
    return proc.wait(timeout=300), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


@pytest.fixture(scope="module")
def report() -> dict:
    result = run_cli(*ANALYZE, "-f", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("columns", [80, 120])
def test_every_number_and_name_is_whole_at_the_terminals_width(report, columns):
    code, text = on_terminal(columns, *ANALYZE)
    assert code == 0
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= columns  # nothing wraps past the edge
    assert "…" not in text  # nothing is cut to an ellipsis
    rows = {r["company"]: r for r in report["by_company"]}
    for company, row in rows.items():
        cells = [ln for ln in lines if ln.startswith(company + " ")]  # the name whole, at the row's start
        assert cells, company
        shown = " ".join(cells)
        for key in NUMBERS:
            if row.get(key) is not None:
                assert format_value(key, row[key]) in shown, (company, key, format_value(key, row[key]))
    total = " ".join(ln for ln in lines if ln.startswith("All "))
    assert format_value("offered", report["summary"]["offered"]) in total  # 21 786, not "21" over "786"


def test_a_wide_table_is_shown_in_parts_with_the_key_columns_first():
    code, text = on_terminal(80, *ANALYZE)
    assert code == 0
    assert "Service level by company (1 of " in text
    assert first_headings(text)[:4] == ["Company", "Offered", "SL %", "SL target"]  # offered, SL, its target first


def first_headings(text: str) -> list[str]:
    """The column headings of the first part of the company table (a heading over two lines joined)."""
    first = text[text.index("Service level by company (1 of "):].split("\n")[1:]
    lines = first[:next(i for i, line in enumerate(first) if line.startswith("─"))]
    # columns: runs of two spaces or more end a heading (headings have single spaces inside)
    spans = [m.span() for m in re.finditer(r"\S+(?: \S+)*", lines[-1])]
    starts = [0] + [end for _, end in spans[:-1]]
    return [" ".join(line[a:b].strip() for line in lines if line[a:b].strip())
            for a, b in zip(starts, (end for _, end in spans), strict=True)]


@pytest.mark.parametrize("color", [False, True])
def test_at_80_columns_the_first_part_holds_what_a_manager_reads_first(color):
    code, text = on_terminal(80, *ANALYZE, color=color)
    assert code == 0
    assert first_headings(text) == ["Company", "Offered", "SL %", "SL target", "Answer %", "Abandon %", "ASA (s)"]
    assert max(len(line) for line in text.split("\n")) <= 80


def test_at_full_width_the_table_is_one_table():
    code, text = on_terminal(250, *ANALYZE)
    assert code == 0
    assert "Service level by company (1 of" not in text and "Service level by company" in text


def test_a_piped_table_says_met_and_missed_in_words():
    result = run_cli(*ANALYZE, "-f", "table")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8") if isinstance(result.stdout, bytes) else result.stdout
    assert "✓" not in out and "✗" not in out
    assert " missed " in out and " met " in out


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_a_reader_that_goes_away_ends_the_run_with_zero(fmt):
    command = (f"{sys.executable} -m slreport {' '.join(ANALYZE)} -f {fmt} | head -1 >/dev/null")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_erlang_piped_into_head_ends_with_zero():
    command = f"{sys.executable} -m slreport erlang --calls 120 --aht 240 --sl 80/20 -f table | head -1 >/dev/null"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0 and done.stderr == ""


def piped(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_erlang_into_a_reader_that_has_gone_ends_with_zero(fmt):
    # `head -c 0` reads nothing and exits at once: every write of the few lines meets a closed
    # pipe (with `head -1` they are often all written before it exits).
    for reader in ("head -c 0", "head -1"):
        done = piped(f"{sys.executable} -m slreport erlang --calls 120 --aht 240 --sl 80/20 -f {fmt} | {reader}")
        assert (done.returncode, done.stderr) == (0, ""), (fmt, reader)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_analyze_into_a_reader_that_has_gone_ends_with_zero(fmt):
    done = piped(f"{sys.executable} -m slreport {' '.join(ANALYZE)} -f {fmt} | head -c 0")
    assert (done.returncode, done.stderr) == (0, ""), fmt


def test_rejects_are_published_when_the_reader_goes_away(tmp_path):
    """The report was computed; only its reader left: the rejects file is still written (a run that
    rich ended with SystemExit(1) removed it as a failed run's)."""
    data = tmp_path / "calls.csv"
    data.write_bytes(SAMPLE.read_bytes() + b"bad,Aalto Water,,,,,,not a time,,,,,,,answered,,,,\n")
    rejects = tmp_path / "rejects.csv"
    done = piped(f"{sys.executable} -m slreport analyze {data} --config {CONFIG} -f table --rejects {rejects}"
                 " | head -c 0")
    assert (done.returncode, done.stderr) == (0, "")
    assert "not a time" in rejects.read_text(encoding="utf-8")


def test_the_erlang_a_table_fits_80_columns_with_every_number_whole():
    args = ("erlang", "--calls", "120", "--aht", "240", "--sl", "80/20", "--patience", "90")
    result = json.loads(run_cli(*args, "-f", "json").stdout)
    code, text = on_terminal(80, *args)
    assert code == 0
    assert "…" not in text and max(len(line) for line in text.split("\n")) <= 80
    rows = {int(line.split("│")[1]): line for line in text.split("\n") if line.startswith("│")}
    for row in result["table"]:
        shown = [c.strip() for c in rows[row["agents"]].split("│")]
        assert f"{row['p_wait']:.4f}" in shown and f"{row['occupancy_pct']:.1f}" in shown
        assert f"{row['p_abandon']:.4f}" in shown and f"{row['service_level_pct']:.1f}" in shown
    assert "◀" in rows[result["recommended"]["agents"]]


@pytest.mark.parametrize("columns", [80, 120])
def test_the_forecast_tables_fit_with_every_day_and_number_whole(columns):
    args = ("forecast", str(SAMPLE), "--config", str(CONFIG), "--plan")
    result = json.loads(run_cli(*args, "-f", "json").stdout)
    code, text = on_terminal(columns, *args)
    assert code == 0
    lines = text.split("\n")
    assert "…" not in text and max(len(line) for line in lines) <= columns
    first = result["daily"][0]
    week = [d for d in result["daily"] if d["company"] == first["company"]][:7]
    for day in week:  # each day of next week labelled, with its offered calls on the same line
        label = f"{day['weekday']} {day['day']}"
        shown = [line for line in lines if label in line]
        assert shown and f"{day['offered']:,.0f}" in shown[0].split(label, 1)[1], label
