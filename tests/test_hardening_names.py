"""Names are data, never markup or control codes, in every view (issue 24, items 8, 9 and 12b).

One hostile export — company, queue and agent names with ESC and OSC 8 sequences, BEL, a C1
control, rich markup, a newline, markdown syntax, a backslash, ``$`` math, a 300-character
name with CJK, emoji and an RTL override, two names with the same slug — goes through every
view of the real CLI: -f table (piped and on a pseudo-terminal), markdown, csv, json, -v,
--fail-on-miss, --out with csv/xlsx/parquet tables and png/svg charts, --by and --split-by.
The convention checked: a steering character is shown as its escape text (ESC → \\x1b).
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from xml.dom import minidom

import pytest

from slreport import names
from tests.conftest import ROOT, run_cli
from tests.terminal import read_all

ESC_NAME = "Acme \x1b[31mRed\x1b[2J [/bold] Oy\x07"
LINK_NAME = "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\ [link=http://evil]x [red]"
MARKDOWN_NAME = "Line\nBreak | `tick` <b>Acme\\S\\1 Oy</b> $x^2$ \x9b31m"
LONG_NAME = ("東京 😀 \u202eyO emcA " + "x" * 300)[:300]
TWINS = ("Äa", "Aa")  # one slug, two companies
COMPANIES = (ESC_NAME, LINK_NAME, MARKDOWN_NAME, LONG_NAME, *TWINS)
FORMULA_QUEUE = '=HYPERLINK("http://evil","x")'
QUEUES = (FORMULA_QUEUE, "q|`x`\x1b[5m")
AGENTS = ("[bold]Bob\x1b]0;title\x07", "Ann\u202e", "plain")
# What must never reach a terminal, a page or a cell: C0 (but newline) and C1 controls, DEL,
# line/paragraph separators and bidi controls.
STEERING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]")  # the colours and cursor codes rich itself writes


def visible(name: str) -> str:
    """The escape text the views show, written out here rather than taken from the code."""
    out = []
    for c in name:
        code = ord(c)
        if code < 0x20 or 0x7F <= code < 0xA0 or c in "\u202e\u202c":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c) or
                       (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
        else:
            out.append(c)
    return "".join(out)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """Three days of calls for each hostile company, answered and abandoned, with agents."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["contact_id", "company", "queue", "agent", "caller", "arrived_at", "wait_s", "talk_s",
                     "outcome"])
    start, n = datetime(2026, 1, 5, 8, 0), 0
    for ci, company in enumerate(COMPANIES):
        for day in range(3):
            for k in range(8):
                n += 1
                abandoned = k % 4 == 0
                arrived = start + timedelta(days=day, minutes=41 * k + ci)
                writer.writerow([f"C{n}", company, QUEUES[k % 2], "" if abandoned else AGENTS[k % 3],
                                 f"+35840{n:07d}", arrived.strftime("%Y-%m-%d %H:%M:%S+02:00"), 5 + (k * 7) % 40,
                                 "" if abandoned else 120 + k, "abandoned" if abandoned else "answered"])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def analyze(path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("analyze", str(path), "--tz", "UTC", *args)


def assert_clean(text: str, where: str) -> None:
    found = sorted({ascii(c) for c in STEERING.findall(text)})
    assert not found, f"{where}: steering characters {found}"


# --- terminal ------------------------------------------------------------------------------

def test_table_shows_names_as_text_in_every_section(hostile):
    result = analyze(hostile, "-f", "table")
    assert result.returncode == 0, result.stderr  # "[/bold]" was parsed as markup: exit 1
    assert result.stderr == b""
    out = result.stdout.decode("utf-8")
    assert_clean(out, "-f table")
    for name in (ESC_NAME, LINK_NAME, MARKDOWN_NAME):
        shown = visible(name)
        assert f"│ {shown}" in out  # the table cell
        assert f"Peaks: {shown}\n" in out
        assert f"  {shown} (SL 80/20): peak need" in out  # staffing
        assert f"  {shown}: median patience" in out  # patience
        assert f"    {shown} · " in out or "Most understaffed" not in out  # the worst intervals
    assert "Peaks: " + visible(LONG_NAME) + "\n" in out


def test_table_on_a_terminal_has_only_the_styles_rich_writes(hostile):
    code, out, err = run_on_terminal("analyze", str(hostile), "--tz", "UTC", "--by", "company,queue,agent")
    assert code == 0, err
    text = out.decode("utf-8").replace("\r\n", "\n")  # the terminal's line ends
    assert "\x1b[" in text  # a terminal: coloured
    assert_clean(RICH_STYLE.sub("", text).replace("\n", ""), "-f table on a terminal")
    assert "\x1b]8;" not in text  # no hyperlink, neither the name's OSC 8 nor "[link=…]"
    for name in (ESC_NAME, LINK_NAME, *AGENTS):
        assert visible(name) in text


def run_on_terminal(*args: str) -> tuple[int, bytes, bytes]:
    """The CLI with stdout on a pseudo-terminal 300 columns wide (stderr a pipe)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 300, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"PYTHONPATH": str(ROOT), "TERM": "xterm",
                                                                             "COLUMNS": "300"}
    proc = subprocess.Popen([sys.executable, "-m", "slreport", *args], stdout=slave, stderr=subprocess.PIPE,
                            env=env)
    os.close(slave)
    output = read_all(master)
    err = proc.stderr.read() if proc.stderr else b""
    return proc.wait(timeout=120), output, err


def test_verbose_file_names_and_missed_targets_on_stderr_are_visible(hostile, tmp_path):
    odd = tmp_path / "calls\x1b[2J\x07\u202e.csv"
    odd.write_bytes(hostile.read_bytes())
    result = analyze(odd, "-f", "json", "-v", "--fail-on-miss")
    assert result.returncode == 3, result.stderr  # every company misses 80/20 here
    err = result.stderr.decode("utf-8")
    assert_clean(err.replace("\n", ""), "stderr")
    assert visible(odd.name) + ": generic (detected)" in err
    assert f"target missed: {visible(ESC_NAME)}: " in err


# --- markdown, csv, json -------------------------------------------------------------------

def test_markdown_escapes_names_and_keeps_one_row_per_group(hostile):
    result = analyze(hostile, "-f", "markdown")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert_clean(out, "-f markdown")
    lines = out.split("\n")
    head = lines.index(next(line for line in lines if line.startswith("| Company |")))
    rows = lines[head + 2: head + 2 + len(COMPANIES) + 1]
    cells = len(re.split(r"(?<!\\)\|", lines[head]))
    assert [len(re.split(r"(?<!\\)\|", row)) for row in rows] == [cells] * len(rows)  # no cell ends early
    assert rows[-1].startswith("| All |")
    shown = "Line\\\\nBreak \\| \\`tick\\` \\<b\\>Acme\\\\S\\\\1 Oy\\</b\\> \\$x^2\\$ \\\\x9b31m"
    assert f"| {shown} |" in out and f"## Peaks: {shown}\n" in out and f"- {shown} (SL 80/20): peak need" in out
    assert "\\[link=http://evil\\]x \\[red\\]" in out


def test_csv_cells_are_visible_and_inert_and_json_keeps_exact_names(hostile):
    result = analyze(hostile, "-f", "csv", "--by", "company,queue")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    assert_clean(text.replace("\n", ""), "-f csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(COMPANIES) * len(QUEUES) + 1
    assert {r["company"] for r in rows[:-1]} == {visible(c) for c in COMPANIES}
    assert {r["queue"] for r in rows[:-1]} == {"'" + FORMULA_QUEUE, visible(QUEUES[1])}
    text = analyze(hostile, "-f", "json").stdout.decode("utf-8")
    assert_clean(text.replace("\n", ""), "-f json")  # C1 and bidi as \u escapes, like C0
    report = json.loads(text)
    assert {r["company"] for r in report["by_company"]} == set(COMPANIES)  # JSON: the exact names


# --- report folders -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def xlsx_png_report(hostile, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    target = tmp_path_factory.mktemp("xlsx") / "rep"
    return analyze(hostile, "--out", str(target), "--tables", "xlsx", "--chart-format", "png",
                   "--by", "company,queue,agent", "-v"), target


def test_xlsx_holds_visible_inert_names(xlsx_png_report):
    from openpyxl import load_workbook

    result, target = xlsx_png_report
    assert result.returncode == 0, result.stderr  # openpyxl refused the control characters
    book = load_workbook(target / "tables.xlsx")
    rows = list(book["by_group"].iter_rows(values_only=True))
    assert rows[0][:3] == ("company", "queue", "agent")
    assert {r[0] for r in rows[1:]} == {visible(c) for c in COMPANIES}
    assert {r[1] for r in rows[1:]} == {"'" + FORMULA_QUEUE, visible(QUEUES[1])}
    assert {r[2] for r in rows[1:]} == {visible(a) for a in AGENTS} | {None}


def test_charts_have_short_distinct_file_names_and_say_nothing_on_stderr(xlsx_png_report):
    result, target = xlsx_png_report
    assert result.returncode == 0, result.stderr  # ENAMETOOLONG from the 300-character name
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("slreport: ") and "generic (detected)" in lines[0], lines[:5]
    stems = {p.name.removesuffix("-hourly.png") for p in (target / "charts").glob("*-hourly.png")}
    assert len(stems) == len(COMPANIES) + 1  # all + one per company: the twins did not share
    assert max(len(p.name) for p in (target / "charts").iterdir()) <= 80
    twins = sorted(s for s in stems if s.startswith("aa"))
    assert twins == sorted(f"aa-{names.digest(t)}" for t in TWINS)
    assert any(s.startswith("yo-emca-xxx") and s.endswith(names.digest(LONG_NAME)) for s in stems)


@pytest.fixture(scope="module")
def csv_svg_report(hostile, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    target = tmp_path_factory.mktemp("svg") / "rep"
    return analyze(hostile, "--out", str(target), "--tables", "csv", "--chart-format", "svg"), target


def test_html_and_svg_show_names_as_text(csv_svg_report):
    result, target = csv_svg_report
    assert result.returncode == 0, result.stderr  # "bad escape \S" in inline_svg
    assert result.stderr == b""
    page = (target / "report.html").read_text(encoding="utf-8")
    assert_clean(page, "report.html")
    assert "&lt;b&gt;Acme\\S\\1 Oy&lt;/b&gt;" in page and "<b>Acme" not in page
    assert "Line\\nBreak" in page
    for svg in (target / "charts").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert_clean(text.replace("\n", ""), svg.name)
        minidom.parseString(text)  # well-formed XML: no raw control characters
    math = next((target / "charts").glob("line-break-*-hourly.svg")).read_text(encoding="utf-8")
    assert "$x^2$" in math  # text, not mathtext (which would draw x and a raised 2)


def test_csv_tables_are_visible_and_inert(csv_svg_report):
    result, target = csv_svg_report
    assert result.returncode == 0, result.stderr
    for table in target.glob("*.csv"):
        assert_clean(table.read_text(encoding="utf-8").replace("\n", ""), table.name)
    with (target / "by_company.csv").open(encoding="utf-8", newline="") as f:
        assert {r["company"] for r in csv.DictReader(f)} == {visible(c) for c in COMPANIES}


def test_split_by_company_with_parquet_tables_keeps_exact_names(hostile, tmp_path):
    import pyarrow.parquet as pq

    result = analyze(hostile, "--out", str(tmp_path / "rep"), "--split-by", "company", "--tables", "parquet")
    assert result.returncode == 0, result.stderr
    # only the notes naming the companies whose folder is not their plain name, and those escaped
    notes = result.stderr.decode().splitlines()
    assert all(n.startswith("slreport: note: company ") for n in notes), notes
    assert_clean(result.stderr.decode().replace("\n", ""), "stderr")
    folders = [p for p in (tmp_path / "rep").iterdir() if p.is_dir()]
    assert len(folders) == len(COMPANIES)
    found = {pq.read_table(f / "by_company.parquet").column("company").to_pylist()[0] for f in folders}
    assert found == set(COMPANIES)  # Parquet, like JSON, keeps the exact names
    for folder in folders:
        assert_clean((folder / "report.html").read_text(encoding="utf-8"), f"{folder.name}/report.html")


def test_chart_stems_do_not_depend_on_order():
    forward = names.file_stems(COMPANIES, reserved=["all"])
    backward = names.file_stems(reversed(COMPANIES), reserved=["all"])
    assert forward == backward and len(set(forward.values())) == len(COMPANIES)
    # a name made to look like another's digest stem still gets its own file
    forged = f"aa-{names.digest('Aa')}"
    stems = names.file_stems(["Aa", "Äa", forged])
    assert len(set(stems.values())) == 3


# --- byte-stable xlsx ------------------------------------------------------------------------

def test_xlsx_is_byte_identical_between_identical_runs(tmp_path):
    data = tmp_path / "calls.csv"
    data.write_text("contact_id,company,arrived_at,wait_s,talk_s,outcome\n"
                    "1,Acme,2026-01-05 08:00:00+00:00,3,60,answered\n"
                    "2,Acme,2026-01-05 08:10:00+00:00,30,,abandoned\n", encoding="utf-8")
    books = []
    for run in ("one", "two"):
        result = analyze(data, "--out", str(tmp_path / run), "--tables", "xlsx", "--chart-format", "svg")
        assert result.returncode == 0, result.stderr
        books.append((tmp_path / run / "tables.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(books[0])) as book:
        assert {entry.date_time for entry in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode("utf-8")
    assert "1980-01-01T00:00:00Z" in core and str(datetime.now().year) not in core
    assert books[0] == books[1]
