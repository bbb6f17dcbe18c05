"""Drawing a report folder's charts fast: several formats from one Figure, worker processes.

Speed must never change a chart: the same bytes as drawing each format of each chart alone, in
this process. And workers must never outlive, outlast or outvote the run: a failed worker's
charts are drawn here, a stop signal leaves no worker behind (docs/scale.md, "Report folders").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from slreport.folder import charts, drawing, figures
from tests.conftest import ROOT

SAMPLE = ("analyze", "sample_data/calls.csv", "--config", "sample_data/slreport.toml")

# One of each drawing function, the heat map with its colour bar and cell values, the daily chart
# with an unusual day, the overview with targets: every kind of Figure a folder has.
CHARTS = {
    "hourly_offered_sl": ([8, 9, 10], [10, 30, 0], [90.0, 70.5, None], 80, "Hourly", "when"),
    "daily_offered_sl": ([f"2024-03-{d:02d}" for d in range(1, 32)], list(range(31)), [80.0] * 31, 80, "Daily",
                         "when", ["2024-03-13"]),
    "weekday_hour_heatmap": ([[float(w + h) if h > 2 else None for h in range(12)] for w in range(7)], "Heat",
                             "when", "calls", tuple(range(8, 20))),
    "wait_distribution": ([0, 5, 10, 15], [40, 20, 5, 1], [2, 3, 4, 5], 10, "Waits", "when"),
    "patience_curve": ([(0.0, 100.0), (30.0, 60.0), (90.0, 10.0)], 45.0, "Patience", "when", 20),
    "agents_needed_vs_seen": ([("Mon 08:00", 2.0, 1.0), ("Mon 08:15", 3.0, 3.0), ("Tue 08:00", None, 2.0)],
                              "Staffing", "when"),
    "company_sl_overview": (["A", "B", "C"], [95.0, 70.0, None], [10, 20, 0], [(90.0, 20), (80.0, 30), None],
                            [True, False, None], "Overview", "when"),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_both_formats_from_one_figure_are_the_bytes_of_each_drawn_alone(name):
    args = CHARTS[name]
    alone = {fmt: getattr(charts, name)(*args, fmt=fmt) for fmt in charts.FORMATS}
    assert charts.draw_formats(name, ("png", "svg"), *args) == alone
    assert charts.draw_formats(name, ("svg", "png"), *args) == alone  # in either order


def test_a_chart_draws_each_format_once():
    calls = []
    chart = figures.Chart("x", None, "hourly", "X", lambda fmt: b"", lambda fmts: calls.append(list(fmts)) or {
        fmt: fmt.encode() for fmt in fmts})
    assert chart.prepare(("png", "svg")) == {"png": b"png", "svg": b"svg"}
    assert chart.render("svg") == b"svg" and chart.prepare(["png"]) == {"png": b"png"}
    assert calls == [["png", "svg"]]


def slow_charts(n: int, fail_in_workers: bool = False) -> list[drawing.Job]:
    parent = os.getpid()

    def draw(i: int):
        def one(fmt: str) -> bytes:
            if fail_in_workers and os.getpid() != parent:
                raise RuntimeError("a worker fails")
            time.sleep(0.02)
            return f"{i}.{fmt}:{os.getpid() == parent}".encode()
        return one

    return [(figures.Chart(f"c{i}", None, "hourly", "t", draw(i)), ("png", "svg")) for i in range(n)]


def test_workers_share_the_charts_and_every_chart_is_drawn(monkeypatch):
    monkeypatch.setenv(drawing.WORKERS_ENV, "3")
    jobs = slow_charts(40)
    with drawing.drawing(jobs) as work:
        assert work.n == 3 and len(work.children) == 2
        work.finish()
        assert work.children == {}
    drawn = [chart.render(fmt) for chart, fmts in jobs for fmt in fmts]
    assert [d.split(b":")[0] for d in drawn] == [f"{i}.{f}".encode() for i in range(40) for f in ("png", "svg")]
    here = sum(d.endswith(b"True") for d in drawn)
    assert 0 < here < len(drawn)  # shared: this process and the workers each drew some


def test_a_failed_worker_is_replaced_by_drawing_here(monkeypatch):
    monkeypatch.setenv(drawing.WORKERS_ENV, "2")
    jobs = slow_charts(20, fail_in_workers=True)
    with drawing.drawing(jobs) as work:
        work.finish()
    assert all(chart.render(fmt).endswith(b"True") for chart, fmts in jobs for fmt in fmts)


def test_an_error_here_is_raised_and_stops_the_workers(monkeypatch):
    monkeypatch.setenv(drawing.WORKERS_ENV, "2")
    jobs = slow_charts(40)
    with pytest.raises(LookupError, match="a table"), drawing.drawing(jobs) as work:
        pids = list(work.children)
        raise LookupError("a table could not be written")
    assert work.children == {} and not any(_running(pid) for pid in pids)


@pytest.mark.parametrize("value, expected", [("1", 1), ("2", 2), (" 3 ", 3), ("", None)])
def test_the_number_of_workers(monkeypatch, value, expected):
    monkeypatch.setenv(drawing.WORKERS_ENV, value)
    default = min(len(os.sched_getaffinity(0)), drawing.MAX_WORKERS)
    assert drawing.workers(40) == (expected or default)
    assert drawing.workers(drawing.MIN_CHARTS_PER_WORKER - 1) == 1  # a few charts: not worth a fork


@pytest.mark.parametrize("value", ["0", "-1", "many", "2.5"])
def test_a_bad_number_of_workers_is_refused_before_the_input_is_read(tmp_path, value):
    done = subprocess.run([sys.executable, "-m", "slreport", "analyze", str(tmp_path / "missing.csv"), "--tz", "UTC",
                           "--out", str(tmp_path / "rep")], cwd=ROOT, capture_output=True, timeout=120,
                          env=os.environ | {"PYTHONPATH": str(ROOT), drawing.WORKERS_ENV: value})
    assert done.returncode == 2, done.stderr
    err = done.stderr.decode()
    assert f"{drawing.WORKERS_ENV}={value!r} is not a number of processes" in err and "missing.csv" not in err
    assert not (tmp_path / "rep").exists()


STOPPED = """
import os, sys, time
from slreport import interrupts
from slreport.folder import drawing, figures
def slow(fmt):
    time.sleep(0.2)
    return b""
jobs = [(figures.Chart(f"c{i}", None, "hourly", "t", slow), ("png",)) for i in range(200)]
with interrupts.handled(), drawing.drawing(jobs) as work:
    print(" ".join(map(str, work.children)), flush=True)
    work.finish()
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_while_drawing_leaves_no_worker(sig):
    proc = subprocess.Popen([sys.executable, "-c", STOPPED], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(ROOT), drawing.WORKERS_ENV: "3"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    time.sleep(0.5)
    proc.send_signal(sig)  # to this process only, as a scheduler's timeout does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (128 + sig, -sig, 1), err  # the stop, raised (KeyboardInterrupt: 1)
    assert not any(_running(pid) for pid in pids)
    assert b"Exception ignored" not in err


def test_a_killed_run_takes_its_workers_with_it():
    proc = subprocess.Popen([sys.executable, "-c", STOPPED], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(ROOT), drawing.WORKERS_ENV: "2"})
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    proc.kill()
    proc.communicate(timeout=60)
    for _ in range(100):  # the kernel's PR_SET_PDEATHSIG: at once, give or take a scheduling round
        if not any(_running(pid) for pid in pids):
            break
        time.sleep(0.05)
    assert not any(_running(pid) for pid in pids)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie of a killed test process is reaped by init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_a_folder_drawn_by_workers_is_the_folder_drawn_in_one_process(tmp_path):
    folders = {}
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        done = subprocess.run([sys.executable, "-m", "slreport", *SAMPLE, "--out", str(out)], cwd=ROOT,
                              capture_output=True, timeout=600,
                              env=os.environ | {"PYTHONPATH": str(ROOT), drawing.WORKERS_ENV: workers})
        assert done.returncode == 0, done.stderr
        folders[workers] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert len([p for p in folders["1"] if p.parts[0] == "charts"]) == 35  # 30 + 5 weekly
    assert folders["1"] == folders["2"]
