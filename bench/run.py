"""The slreport benchmark: full analyze against DuckDB's own floor, on 1 M / 10 M contacts (and 100 M).

    python bench/run.py --sizes 1M,10M                # CSV and Parquet, 3 interleaved repeats
    python bench/run.py --sizes 1M --profile          # plus where the time goes (top lines in RESULTS.md)
    python bench/run.py --sizes 10M --huge            # plus 100 M contacts as Parquet under --memory-limit 8GB

Data is generated once into bench/data/ (git-ignored) by sample_data/generate.py and converted to a
partitioned Parquet dataset by ``slreport convert``; the 100 M dataset is the 10 M one replicated ten
times for ten times as many companies. Every measured run is a fresh subprocess; its wall time is
measured here and its peak RSS comes from the kernel (os.wait4). Beside the floor (DuckDB only reading
the input), the work floor is DuckDB alone doing a small part of the report's work (WORK_FLOOR_SQL): a
target below it is out of reach on this engine and machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
PY = sys.executable

# Every report section on. Sections added by later features are switched on by their options:
# extend this list (or pass --analyze-args) when a section gains an option of its own.
ALL_SECTIONS = ["--tz", "Europe/Helsinki", "--by", "company,queue", "--interval", "15",
                "--opening-hours", "mon-fri 08:00-18:00", "--holidays-country", "FI", "--max-occupancy", "0.85"]
# The columns the metrics read: what the floor must materialise.
NEEDED = ["contact_id", "company", "queue", "direction", "caller", "arrived_at", "answered_at", "ended_at",
          "wait_s", "talk_s", "hold_s", "acw_s", "outcome", "agent", "resolved"]
ZONE = "Europe/Helsinki"  # the report zone of ALL_SECTIONS, which the analyst floor also works in
ANALYST_TARGET, HUGE_ANALYST_TARGET = 1.5, 2.0  # slreport / analyst floor, up to 10 M and at 100 M
RSS_TARGET_MB = 2560
HELP_TARGET_S, SAMPLE_TARGET_S = 0.3, 0.8
CONVERT_TARGET = 1.5  # slreport convert / DuckDB's own COPY … (FORMAT parquet) of the same CSV
ANALYST_SQL = BENCH / "analyst_floor.sql"


@dataclass
class Measure:
    wall: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb)


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 10**3, "M": 10**6, "G": 10**9}.get(text[-1], 1)
    return int(float(text.rstrip("KMG")) * factor)


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Run ``cmd`` to its end (stdout discarded); (wall seconds, peak RSS MB) of that child alone."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child can never block on it
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        if code not in (0, 3):  # 3 = a target missed, still a complete report
            errors.seek(0)
            raise SystemExit(f"failed ({code}): {shlex.join(cmd)}\n{errors.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024  # KiB on Linux


def compile_bytecode(checkout: Path) -> None:
    """Byte-compile the checkout's package, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as
    on this machine) every run of a source tree would otherwise compile its ~80 modules again (0.3 s)."""
    subprocess.run([PY, "-m", "compileall", "-q", str(checkout / "slreport")], check=True,
                   stdout=subprocess.DEVNULL)


def slreport(*args: str) -> list[str]:
    return [PY, "-m", "slreport", *args]


# ---------------------------------------------------------------- data


def csv_path(n: int) -> Path:
    return DATA / f"calls-{label(n)}.csv"


def parquet_path(n: int) -> Path:
    return DATA / f"calls-{label(n)}.parquet"


def label(n: int) -> str:
    return f"{n // 10**6}M" if n % 10**6 == 0 else f"{n // 1000}k"


def ensure_csv(n: int) -> Path:
    path = csv_path(n)
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        print(f"generating {path} …", file=sys.stderr)
        tmp = path.with_suffix(".tmp")
        subprocess.run([PY, str(ROOT / "sample_data" / "generate.py"), "--contacts", str(n), "--days", "365",
                        "--companies", "8", "-o", str(tmp)], check=True)
        tmp.rename(path)
    return path


def ensure_parquet(n: int) -> Path:
    path = parquet_path(n)
    if not path.exists():
        print(f"converting to {path} …", file=sys.stderr)
        tmp = path.with_suffix(".tmp")  # renamed when complete: an interrupted run is never taken as data
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(slreport("convert", str(ensure_csv(n)), "--to", str(tmp)), check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        tmp.rename(path)
    return path


def ensure_huge(base: int, copies: int = 10) -> Path:
    """``copies`` × the ``base`` dataset, each copy's companies renamed (a BPO with many clients)."""
    path = parquet_path(base * copies)
    if not path.exists():
        src = ensure_parquet(base)
        print(f"replicating {src} ×{copies} into {path} …", file=sys.stderr)
        tmp = path.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run([PY, "-c", "import sys; sys.path.insert(0, '.'); from slreport.ingest.convert import replicate; "
                        f"replicate({str(src)!r}, {str(tmp)!r}, {copies})"], check=True, cwd=ROOT)
        tmp.rename(path)
    return path


# ---------------------------------------------------------------- the floor


def floor_cmd(path: Path, fmt: str, memory_limit: str | None = None) -> list[str]:
    """DuckDB alone reading the same input and materialising the columns slreport needs into an aggregate."""
    aggs = ", ".join(f"count({c}), min({c})" for c in NEEDED)
    return duckdb_cmd([f"SELECT {aggs} FROM {source_sql(path, fmt)}"], memory_limit)


# A small part of what every report computes, written as cheaply as DuckDB allows: each contact's
# next contact by the same caller (the window that repeat-contact FCR needs) and a few service-level
# counts per company and 15-minute interval, straight from the input. No validation, no time zone,
# no opening hours, no peaks, staffing or patience: a lower bound on slreport's own time, so that a
# target below it is seen to be out of reach of any implementation on this engine and machine.
WORK_FLOOR_SQL = """CREATE TEMP TABLE work_floor AS
WITH gaps AS (
  SELECT company, arrived_at, outcome, wait_s, talk_s, hold_s, acw_s, resolved,
         epoch_ms(lead(arrived_at) OVER (PARTITION BY company, caller ORDER BY arrived_at)) - epoch_ms(arrived_at)
           AS next_contact_ms
  FROM {source})
SELECT company, time_bucket(INTERVAL 15 MINUTE, arrived_at) AS interval_start,
       count(*) AS offered,
       count(*) FILTER (WHERE outcome = 'answered') AS answered,
       count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
       count(*) FILTER (WHERE outcome = 'answered' AND wait_s <= 20) AS answered_within_20s,
       sum(wait_s) FILTER (WHERE outcome = 'answered') AS answered_wait_sum,
       sum(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) FILTER (WHERE outcome = 'answered') AS handle_sum,
       max(wait_s) AS max_wait_s,
       count(*) FILTER (WHERE outcome = 'answered' AND coalesce(next_contact_ms > 72 * 3600000, true)) AS repeat_free,
       count(*) FILTER (WHERE outcome = 'answered' AND resolved) AS flagged_resolved
FROM gaps GROUP BY ALL"""


def work_floor_cmd(path: Path, fmt: str, memory_limit: str | None = None) -> list[str]:
    """DuckDB alone doing WORK_FLOOR_SQL over the same input (into a table, so no aggregate is pruned)."""
    return duckdb_cmd([WORK_FLOOR_SQL.format(source=source_sql(path, fmt)), "SELECT count(*) FROM work_floor"],
                      memory_limit)


def analyst_statements() -> list[str]:
    """The statements of analyst_floor.sql, comments dropped, in order."""
    lines = [line for line in ANALYST_SQL.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("--")]
    return [sql.strip() for sql in "\n".join(lines).split(";") if sql.strip()]


def analyst_floor_cmd(path: Path, fmt: str, memory_limit: str | None = None) -> list[str]:
    """DuckDB alone running the analyst's script (analyst_floor.sql) over the input, every result fetched."""
    source = source_sql(path, fmt)
    return duckdb_cmd([sql.format(source=source, tz=ZONE) for sql in analyst_statements()], memory_limit,
                      fetch="arrow")


def source_sql(path: Path, fmt: str) -> str:
    if fmt == "csv":
        return f"read_csv('{path.as_posix()}', header = true)"
    return (f"read_parquet('{path.as_posix()}/**/*.parquet', hive_partitioning = true, "
            "hive_types = {'company': VARCHAR, 'month': VARCHAR})")


def duckdb_cmd(statements: list[str], memory_limit: str | None, fetch: str = "fetchall") -> list[str]:
    """A Python child running ``statements`` on a fresh in-memory DuckDB (UTC, no progress bar), each
    result fetched by ``fetch`` (the analyst floor takes Arrow tables: the cheapest way to Python)."""
    settings = ["SET TimeZone = 'UTC'", "SET enable_progress_bar = false",
                *([f"SET memory_limit = '{memory_limit}'"] if memory_limit else [])]
    run = "con.execute(sql).fetchall()" if fetch == "fetchall" else \
        "result = con.sql(sql)\n    result is None or result.to_arrow_table()"  # sql(): no extra copy for Arrow
    code = f"import duckdb; con = duckdb.connect()\nfor sql in {[*settings, *statements]!r}:\n    {run}"
    return [PY, "-c", code]


# ---------------------------------------------------------------- the runs


@dataclass
class Case:
    name: str
    fmt: str
    rows: int
    ours: list[str]
    floor: list[str]
    analyst: list[str] | None = None  # the analyst floor: the yardstick of the targets
    work: list[str] | None = None  # the work floor (None for a baseline checkout's rerun: same data)
    cwd: Path = ROOT  # where `python -m slreport` runs: another checkout for a baseline
    result_ours: Measure = field(default_factory=Measure)
    result_floor: Measure = field(default_factory=Measure)
    result_analyst: Measure = field(default_factory=Measure)
    result_work: Measure = field(default_factory=Measure)

    def commands(self) -> list[tuple[list[str], Measure, Path]]:
        """(command, where its measures go, where it runs) for one interleaved round."""
        runs = [(self.ours, self.result_ours, self.cwd), (self.floor, self.result_floor, ROOT)]
        if self.analyst:
            runs.append((self.analyst, self.result_analyst, ROOT))
        if self.work:
            runs.append((self.work, self.result_work, ROOT))
        return runs


def build_cases(sizes: list[int], formats: list[str], extra: list[str], huge: bool, memory_limit: str,
                convert: bool = False) -> list[Case]:
    cases = []
    analyze = ["analyze", *ALL_SECTIONS, *extra, "--format", "json"]
    for n in sizes:
        if "csv" in formats:
            p = ensure_csv(n)
            cases.append(Case(f"{label(n)} CSV", "csv", n, slreport(*analyze, str(p)), floor_cmd(p, "csv"),
                              analyst_floor_cmd(p, "csv"), work_floor_cmd(p, "csv")))
        if "parquet" in formats:
            p = ensure_parquet(n)
            cases.append(Case(f"{label(n)} Parquet", "parquet", n, slreport(*analyze, str(p)),
                              floor_cmd(p, "parquet"), analyst_floor_cmd(p, "parquet"), work_floor_cmd(p, "parquet")))
    if huge:
        base = max(sizes)
        p = ensure_huge(base)
        cases.append(Case(f"{label(base * 10)} Parquet, --memory-limit {memory_limit}", "parquet", base * 10,
                          slreport(*analyze, "--memory-limit", memory_limit, str(p)),
                          floor_cmd(p, "parquet", memory_limit), analyst_floor_cmd(p, "parquet", memory_limit),
                          work_floor_cmd(p, "parquet", memory_limit)))
    if convert:
        cases.append(convert_case(max(sizes)))
    return cases


def convert_case(n: int) -> Case:
    """`slreport convert` of the largest CSV against DuckDB's own COPY of it to Parquet, each into a fresh folder."""
    src, out = ensure_csv(n), DATA / "convert-out"
    ours = slreport("convert", str(src), "--to", str(out / "slreport"))
    copy = duckdb_cmd([f"COPY (SELECT * FROM {source_sql(src, 'csv')}) TO '{(out / 'copy.parquet').as_posix()}' "
                       "(FORMAT parquet)"], None)
    fresh = f"rm -rf {shlex.quote(str(out))} && mkdir -p {shlex.quote(str(out))} && exec "
    return Case(f"{label(n)} CSV → Parquet", "convert", n, ["sh", "-c", fresh + shlex.join(ours)],
                ["sh", "-c", fresh + shlex.join(copy)])


def baseline_cases(cases: list[Case], checkout: Path) -> list[Case]:
    """The cases up to 10 M contacts again, run by the slreport of ``checkout`` (same data, same floor)."""
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=checkout)
    name = rev.stdout.strip() or checkout.name
    return [Case(f"{c.name}, baseline {name}", c.fmt, c.rows, c.ours, c.floor, c.analyst, cwd=checkout)
            for c in cases if c.rows <= 2 * 10**7 and c.fmt != "convert"]


def run_interleaved(cases: list[Case], repeat: int) -> None:
    for r in range(repeat):
        for case in cases:
            for cmd, m, cwd in case.commands():
                wall, rss = timed(cmd, cwd)
                m.wall.append(wall)
                m.rss_mb.append(rss)
            analyst = f", analyst floor {case.result_analyst.wall[-1]:.2f} s" if case.analyst else ""
            work = f", work floor {case.result_work.wall[-1]:.2f} s" if case.work else ""
            print(f"[{r + 1}/{repeat}] {case.name}: slreport {case.result_ours.wall[-1]:.2f} s "
                  f"{case.result_ours.rss_mb[-1]:.0f} MB, floor {case.result_floor.wall[-1]:.2f} s "
                  f"{case.result_floor.rss_mb[-1]:.0f} MB{analyst}{work}", file=sys.stderr)


def startup_measures(repeat: int, extra: list[str]) -> dict[str, Measure]:
    runs = {
        "slreport --help": slreport("--help"),
        "analyze the bundled sample": slreport("analyze", "sample_data/calls.csv", *ALL_SECTIONS, *extra,
                                               "--format", "json"),
    }
    out = {name: Measure() for name in runs}
    for _ in range(max(repeat, 5)):
        for name, cmd in runs.items():
            wall, rss = timed(cmd)
            out[name].wall.append(wall)
            out[name].rss_mb.append(rss)
    return out


def profile_section(cases: list[Case], extra: list[str]) -> list[str]:
    lines = ["", "## Profile", ""]
    for case in cases[:2]:
        path = case.ours[-1]
        args = [*ALL_SECTIONS, *extra, "--format", "json"]
        out = subprocess.run([PY, str(BENCH / "hotspots.py"), path, "--", *args], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout
        lines += [f"### {case.name}", "", f"`python bench/hotspots.py {path} -- {shlex.join(args)}`", "", out, ""]
    return lines


# ---------------------------------------------------------------- the report


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def results_markdown(day: str, cases: list[Case], startup: dict[str, Measure], repeat: int) -> list[str]:
    lines = [
        "# Benchmark results",
        "",
        f"Run on {day} with `python bench/run.py {shlex.join(sys.argv[1:])}`: {os.cpu_count()} cores, "
        f"{_memory_gb():.0f} GB RAM, Python {platform.python_version()}, DuckDB {_duckdb_version()}, "
        f"commit {_commit()}. Median wall time of {repeat} interleaved runs, peak RSS the highest seen.",
        "",
        "| case | slreport s | analyst floor s | ratio | target | read floor s | work floor s | slreport peak RSS "
        "| analyst floor peak RSS |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [analyze_row(c) for c in cases if c.fmt != "convert"]
    converts = [c for c in cases if c.fmt == "convert"]
    if converts:
        lines += ["", "| convert | slreport convert s | DuckDB COPY s | ratio | target |",
                  "| --- | ---: | ---: | ---: | --- |"]
        for c in converts:
            ratio = c.result_ours.median / c.result_floor.median
            lines.append(f"| {c.name} | {c.result_ours.median:.2f} | {c.result_floor.median:.2f} | {ratio:.2f}× | "
                         f"≤ {CONVERT_TARGET:g}×: {verdict(ratio <= CONVERT_TARGET)} |")
    lines += ["", "| start-up | median s | target |", "| --- | ---: | --- |"]
    for name, m in startup.items():
        target = HELP_TARGET_S if "help" in name else SAMPLE_TARGET_S
        lines.append(f"| {name} | {m.median:.3f} | ≤ {target} s: {verdict(m.median <= target)} |")
    return lines


def analyze_row(c: Case) -> str:
    """One analyze case: its ratio to the analyst floor against the target (≤ 10 M: also RSS)."""
    small = c.rows <= 2 * 10**7
    target = ANALYST_TARGET if small else HUGE_ANALYST_TARGET
    ratio = c.result_ours.median / c.result_analyst.median
    ok = ratio <= target and (c.result_ours.peak_mb <= RSS_TARGET_MB or not small)
    work = f"{c.result_work.median:.2f}" if c.result_work.wall else "—"
    return (f"| {c.name} | {c.result_ours.median:.2f} | {c.result_analyst.median:.2f} | {ratio:.2f}× | "
            f"≤ {target:g}×{', ≤ 2.5 GB' if small else ''}: {verdict(ok)} | {c.result_floor.median:.2f} | {work} | "
            f"{c.result_ours.peak_mb:.0f} MB | {c.result_analyst.peak_mb:.0f} MB |")


def _memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _duckdb_version() -> str:
    return subprocess.run([PY, "-c", "import duckdb; print(duckdb.__version__)"], capture_output=True,
                          text=True).stdout.strip()


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1M", help="comma-separated contact counts, e.g. 1M,10M")
    ap.add_argument("--formats", default="csv,parquet")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--huge", action="store_true", help="also 100 M (10 × the largest size) as Parquet")
    ap.add_argument("--memory-limit", default="8GB", help="for the --huge run")
    ap.add_argument("--convert", action="store_true",
                    help="also `slreport convert` of the largest CSV against DuckDB's COPY … (FORMAT parquet)")
    ap.add_argument("--profile", action="store_true", help="profile the first cases into RESULTS.md")
    ap.add_argument("--analyze-args", default="", help="more analyze options, e.g. for sections added later")
    ap.add_argument("--date", default=datetime.now(UTC).date().isoformat(), help="date for RESULTS.md")
    ap.add_argument("--output", default=str(BENCH / "RESULTS.md"))
    ap.add_argument("--baseline", type=Path, help="another checkout (e.g. `git worktree add /tmp/base REV`): "
                    "its analyze of each case up to 10 M contacts runs interleaved too, for before/after numbers")
    a = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    extra = shlex.split(a.analyze_args)
    for checkout in [ROOT, *([a.baseline.resolve()] if a.baseline else [])]:
        compile_bytecode(checkout)
    cases = build_cases([parse_size(s) for s in a.sizes.split(",")], a.formats.split(","), extra, a.huge,
                        a.memory_limit, a.convert)
    if a.baseline:
        cases += baseline_cases(cases, a.baseline.resolve())
    startup = startup_measures(a.repeat, extra)
    run_interleaved(cases, a.repeat)
    lines = results_markdown(a.date, cases, startup, a.repeat)
    if a.profile:
        lines += profile_section(cases, extra)
    text = "\n".join(lines) + "\n"
    Path(a.output).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
