"""Never destroy, never leave half a state (issue 24, items 1, 2, 5, 6, 7, 13): output paths that
cannot replace inputs, --overwrite only of slreport's own folders, locked and atomic publishing,
split reports all or nothing with distinct folder names, signals that always clean up, and
private file modes. Every test runs the real CLI in a subprocess, with real signals."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, run_cli

CALLS = DATA / "reports" / "calls.csv"
HKI = "Europe/Helsinki"
ENV = os.environ | {"PYTHONPATH": str(ROOT)}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- 1. an output file never replaces an input, a folder, a device or a link's target ----------

def test_rejects_never_replaces_an_input_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    export = data / "in.csv"
    export.write_bytes(CALLS.read_bytes())
    os.link(export, tmp_path / "hardlink.csv")
    config = tmp_path / "slreport.toml"
    config.write_text('[defaults]\ntimezone = "UTC"\n')
    for rejects, files in [
        (export, [str(export)]),  # the probe's reproduction: the export became a 1-line file
        (export, [str(data / "*.csv")]),  # the input named by a glob
        (tmp_path / "hardlink.csv", [str(export)]),  # the same file under another name
        (config, [str(export), "--config", str(config)]),  # the settings file is an input too
        (export, [str(tmp_path / "missing.csv"), str(export)]),  # refused before anything is read
    ]:
        result = run_cli("analyze", *files, "--tz", "UTC", "--rejects", str(rejects), "-f", "json")
        assert result.returncode == 2, (rejects, files, result.stderr)
        assert b"would replace the input" in result.stderr and result.stderr.count(b"\n") == 1
        assert result.stdout == b""
    assert export.read_bytes() == CALLS.read_bytes() and config.read_text().startswith("[defaults]")
    assert hidden(tmp_path) == [] and hidden(data) == []


def test_rejects_refuses_a_link_a_folder_a_fifo_and_a_socket(tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for target, why in [(link, b"is a symbolic link"), (tmp_path, b"is a folder"),
                            (fifo, b"not a regular file"), (sock_path, b"not a regular file")]:
            result = run_cli("analyze", str(CALLS), "--tz", "UTC", "--rejects", str(target), "-f", "json")
            assert result.returncode == 2 and why in result.stderr, (target, result.stderr)
            assert result.stdout == b""
    finally:
        server.close()
    assert link.is_symlink() and victim.read_text() == "keep"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_ISSOCK(sock_path.lstat().st_mode)


def test_init_force_never_replaces_a_link_target(tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep")
    (tmp_path / "slreport.toml").symlink_to(victim)
    result = run_cli("init", "--to", str(tmp_path / "slreport.toml"), "--force")
    assert result.returncode == 2 and b"symbolic link" in result.stderr
    assert victim.read_text() == "keep"


# --- 2. --overwrite replaces only a folder slreport wrote ------------------------------------

def test_overwrite_refuses_a_folder_slreport_did_not_write(tmp_path):
    reports = tmp_path / "reports"
    (reports / "2026-01").mkdir(parents=True)
    (reports / "notes.txt").write_text("keep")
    result = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(reports), "--overwrite")
    assert result.returncode == 2 and result.stdout == b""
    assert b"not a report folder slreport wrote" in result.stderr and b".slreport-report" in result.stderr
    assert (reports / "notes.txt").read_text() == "keep" and (reports / "2026-01").is_dir()
    assert hidden(tmp_path) == []


def test_a_report_folder_is_marked_and_only_then_replaced(tmp_path):
    target = tmp_path / "rep"
    assert run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target)).returncode == 0
    marker = json.loads((target / ".slreport-report").read_text())
    assert marker["tool"] == "slreport" and marker["version"]
    again = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target), "--overwrite", "--period", "2024-03-31")
    assert again.returncode == 0, again.stderr
    assert json.loads((target / "summary.json").read_text())["settings"]["period"]["label"] == "2024-03-31"
    assert hidden(tmp_path) == []  # no lock, partial or old folder left


# --- 6. overlap and kills between renames ----------------------------------------------------

PAUSING = """
import os, pathlib, sys, time
import slreport.folder.publish as output
flag, go, where = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
def pause():
    flag.with_suffix(".tmp").write_text(str(os.getpid()))
    flag.with_suffix(".tmp").rename(flag)  # the test never reads a half-written flag
    while not go.exists():
        time.sleep(0.05)
def after(module, name, when=lambda *a: True):
    real = getattr(module, name)
    def wrapped(*args):
        result = real(*args)
        if when(*args):
            pause()
        return result
    setattr(module, name, wrapped)
if where == "fill":
    after(output, "fill_folder")
elif where == "fill-second":  # the second company of a split
    calls = []
    after(output, "fill_folder", lambda *a: calls.append(1) or len(calls) == 2)
elif where == "exchange":
    import slreport.safe_paths as safe_paths
    after(safe_paths, "exchange")
elif where == "between-renames":  # a system without renameat2: old away, then new in
    try:
        import slreport.safe_paths as safe_paths
        safe_paths.exchange = lambda a, b: False
    except ImportError:  # before renameat2 was used: always two renames
        pass
    after(os, "rename", lambda src, dst: ".old-" in str(dst))
elif where == "analysis":
    import slreport.pipeline as analysis
    real_loaded = analysis.analyze_loaded
    def loaded(*args):
        pause()
        return real_loaded(*args)
    analysis.analyze_loaded = loaded
sys.argv = ["slreport"] + sys.argv[4:]
from slreport.cli import main
main()
"""


def start_paused(tmp_path: Path, where: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    flag, go = tmp_path / f"ready-{where}", tmp_path / f"go-{where}"
    flag.unlink(missing_ok=True)
    go.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSING, str(flag), str(go), where, *args], env=ENV | (env or {}),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # xdist workers ignore SIGINT
    )
    for _ in range(2400):  # up to 240 s on a busy machine
        if flag.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert flag.exists(), proc.communicate()[1]
    return proc


def stopped_at(tmp_path: Path, where: str, sig: int, *args: str, env: dict[str, str] | None = None
               ) -> tuple[int, bytes]:
    """The CLI paused at ``where``, sent ``sig`` there: its exit code and stderr."""
    proc = start_paused(tmp_path, where, *args, env=env)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def resume(tmp_path: Path, where: str) -> None:
    (tmp_path / f"go-{where}").write_text("go")


def test_two_overlapping_runs_on_one_out_cannot_both_succeed(tmp_path):
    target = tmp_path / "rep"
    first = start_paused(tmp_path, "fill", "analyze", str(CALLS), "--tz", HKI, "--out", str(target))
    second = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target), "--period", "2024-03-31")
    assert second.returncode == 2, second.stderr
    assert b"another slreport is writing" in second.stderr and second.stderr.count(b"\n") == 1
    resume(tmp_path, "fill")
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert "period" not in json.loads((target / "summary.json").read_text())["settings"]  # the first run's
    late = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target))
    assert late.returncode == 2 and b"already exists" in late.stderr
    assert hidden(tmp_path) == []


def write_old_report(target: Path) -> bytes:
    result = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target), "--period", "2024-03-31")
    assert result.returncode == 0, result.stderr
    return (target / "summary.json").read_bytes()


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    target = tmp_path / "rep"
    old = write_old_report(target)
    stopped_at(tmp_path, "between-renames", signal.SIGKILL, "analyze", str(CALLS), "--tz", HKI, "--out", str(target),
               "--overwrite")
    assert not target.exists() and [n for n in hidden(tmp_path) if n.startswith(".rep.old-")]
    again = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target))  # no --overwrite
    assert again.returncode == 2 and b"already exists" in again.stderr
    assert (target / "summary.json").read_bytes() == old  # the old report is back under its name
    assert hidden(tmp_path) == []
    replaced = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target), "--overwrite")
    assert replaced.returncode == 0 and (target / "summary.json").read_bytes() != old


def test_overwrite_exchanges_in_one_step_and_a_kill_after_it_leaves_the_new_report(tmp_path):
    target = tmp_path / "rep"
    old = write_old_report(target)
    stopped_at(tmp_path, "exchange", signal.SIGKILL, "analyze", str(CALLS), "--tz", HKI, "--out", str(target),
               "--overwrite")
    new = (target / "summary.json").read_bytes()
    assert new != old and json.loads(new)["settings"].get("period") is None
    parked = [tmp_path / n for n in hidden(tmp_path) if n.startswith(".rep.partial-")]
    assert len(parked) == 1 and (parked[0] / "summary.json").read_bytes() == old  # the swapped-out old one
    again = run_cli("analyze", str(CALLS), "--tz", HKI, "--out", str(target), "--overwrite")
    assert again.returncode == 0, again.stderr
    assert hidden(tmp_path) == []


# --- 5. split reports: distinct folder names, all or nothing ---------------------------------

ROWS = ["contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"]


def split_input(path: Path, companies: list[str]) -> Path:
    lines = list(ROWS)
    for i, company in enumerate(companies):
        quoted = '"' + company.replace('"', '""') + '"'
        lines += [f"{company[:3]}{i}-{n},{quoted},+35840{i}00{n},2024-03-31T08:0{n}:00Z,{n},60,answered"
                  for n in range(3)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_split_names_that_collide_get_distinct_stable_folders(tmp_path):
    long_name = "Pörssi " + "€" * 200  # 608 bytes of UTF-8: more than a folder name can hold
    companies = ["Acme/Oy", "Acme_Oy", "Acme:Oy", "ACME_OY", long_name]
    runs = {}
    for order in ("given", "reversed"):
        src = split_input(tmp_path / f"{order}.csv", companies if order == "given" else companies[::-1])
        out = tmp_path / order
        result = run_cli("analyze", str(src), "--tz", "UTC", "--out", str(out), "--split-by", "company")
        assert result.returncode == 0, result.stderr
        notes = result.stderr.decode().splitlines()
        assert len(notes) == 5 and all(n.startswith("slreport: note: company ") for n in notes)
        folders = {}
        for folder in out.iterdir():
            scope = json.loads((folder / "summary.json").read_text())["scope"]
            assert scope["folder"] == folder.name
            folders[scope["company"]] = folder.name
        assert sorted(folders) == sorted(companies)  # every company has a folder of its own
        runs[order] = folders
    assert runs["given"] == runs["reversed"]  # the names do not depend on the order of the rows
    names = runs["given"]
    assert len({n.casefold() for n in names.values()}) == 5
    assert all(n.startswith("Acme_Oy-") or n.startswith("ACME_OY-") for c, n in names.items() if c != long_name)
    assert len(names[long_name].encode()) <= 200 and names[long_name].startswith("Pörssi €€")


def test_a_split_is_published_all_or_nothing(tmp_path):
    src = split_input(tmp_path / "in.csv", ["Alpha Oy", "Beta Oy", "Gamma Oy"])
    out = tmp_path / "r"
    first = run_cli("analyze", str(src), "--tz", "UTC", "--out", str(out), "--split-by", "company")
    assert first.returncode == 0, first.stderr
    before = {p.name: (p / "summary.json").read_bytes() for p in out.iterdir()}
    (tmp_path / "in.csv").write_text((tmp_path / "in.csv").read_text().replace(",60,", ",90,"))
    code, err = stopped_at(tmp_path, "fill-second", signal.SIGTERM, "analyze", str(src), "--tz", "UTC", "--out",
                           str(out), "--split-by", "company", "--overwrite")
    assert code == 128 + signal.SIGTERM, err
    assert b"stopped by SIGTERM" in err
    assert {p.name: (p / "summary.json").read_bytes() for p in out.iterdir()} == before  # the old ones, intact
    assert hidden(out) == []
    fresh = tmp_path / "fresh"  # and a split into a new folder leaves nothing at all
    code, _ = stopped_at(tmp_path, "fill-second", signal.SIGTERM, "analyze", str(src), "--tz", "UTC", "--out",
                         str(fresh), "--split-by", "company")
    assert code == 128 + signal.SIGTERM and not fresh.exists()


# --- 7. signals: clean up on every way out, never publish after one --------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_during_analysis_leaves_no_scratch_and_no_rejects_file(tmp_path, sig):
    scratch, out = tmp_path / "tmp", tmp_path / "out"
    scratch.mkdir()
    out.mkdir()
    src = out / "in.csv"
    src.write_text(CALLS.read_text() + "x9,Alpha Oy,+358401112233,not a time,1,1,answered\n")
    proc = start_paused(tmp_path, "analysis", "analyze", str(src), "--tz", HKI, "--rejects", str(out / "rej.csv"),
                        "--out", str(out / "rep"), env={"TMPDIR": str(scratch)})
    assert [p.name for p in scratch.iterdir()] and [n for n in hidden(out) if n.startswith(".rejects-")]
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + sig, err
    assert list(scratch.iterdir()) == []  # the DuckDB scratch folder (and any stdin copy) is gone
    assert sorted(p.name for p in out.iterdir()) == ["in.csv"]  # no rejects file, temporary or not
    assert err.decode().count("\n") == 1 and b"Traceback" not in err


def test_the_next_run_removes_what_a_sigkill_left(tmp_path):
    scratch, out = tmp_path / "tmp", tmp_path / "out"
    scratch.mkdir()
    out.mkdir()
    src = out / "in.csv"
    src.write_text(CALLS.read_text() + "x9,Alpha Oy,+358401112233,not a time,1,1,answered\n")
    args = ("analyze", str(src), "--tz", HKI, "--rejects", str(out / "rej.csv"), "-f", "json")
    stopped_at(tmp_path, "analysis", signal.SIGKILL, *args, env={"TMPDIR": str(scratch)})
    assert list(scratch.iterdir()) and [n for n in hidden(out) if n.startswith(".rejects-")]  # killed: left
    again = run_cli(*args, env={"TMPDIR": str(scratch)})
    assert again.returncode == 0, again.stderr
    assert list(scratch.iterdir()) == [] and sorted(p.name for p in out.iterdir()) == ["in.csv", "rej.csv"]


def mid_size_input(path: Path, rows: int) -> Path:
    rng = random.Random(24)
    lines = list(ROWS)
    for n in range(rows):
        when = f"2024-03-{1 + n % 28:02d}T{8 + n % 10:02d}:{n % 60:02d}:{rng.randrange(60):02d}Z"
        if n % 500 == 7:
            when = "not a time"
        lines.append(f"c{n},Company {n % 7},+3584{rng.randrange(10**7):07d},{when},{rng.randrange(90)},"
                     f"{rng.randrange(600)},{rng.choice(['answered', 'answered', 'abandoned'])}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_sigterm_at_random_points_never_publishes_and_never_leaves_files(tmp_path):
    src = mid_size_input(tmp_path / "calls.csv", 20_000)
    scratch = tmp_path / "tmp"
    scratch.mkdir()

    def start(i: int) -> tuple[subprocess.Popen, Path]:
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        cmd = [sys.executable, "-m", "slreport", "analyze", str(src), "--tz", "UTC", "--chart-format", "svg",
               "--rejects", str(folder / "rejects.csv"), "--out", str(folder / "rep")]
        proc = subprocess.Popen(cmd, env=ENV | {"TMPDIR": str(scratch)}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        return proc, folder

    began = time.monotonic()
    proc, folder = start(0)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    baseline = time.monotonic() - began
    rng = random.Random(7)
    stopped_before_publishing = finished_first = 0
    for i in range(1, 17):
        proc, folder = start(i)
        time.sleep(rng.uniform(0.05, 0.9) * baseline)
        if proc.poll() is not None:  # this run was faster than the first: no signal was sent
            finished_first += 1
            continue
        os.kill(proc.pid, signal.SIGTERM)  # not reaped yet, so the pid is still this process
        _, err = proc.communicate(timeout=300)
        assert proc.returncode in (128 + signal.SIGTERM, -signal.SIGTERM), (i, proc.returncode, err)
        assert list(scratch.iterdir()) == [], i
        names = sorted(p.name for p in folder.iterdir())
        if "rep" in names:  # the signal came after the report was published: it is complete
            assert (folder / "rep" / "report.html").exists()
        else:
            stopped_before_publishing += 1
            assert names == [], (i, names, err)  # no rejects file and no hidden leftover
        assert b"Traceback" not in err and b"Exception ignored" not in err, err
    assert stopped_before_publishing >= 8 and finished_first <= 4, (stopped_before_publishing, finished_first)


# --- 13. file modes ----------------------------------------------------------------------------

def test_every_file_of_a_report_is_private_whatever_the_umask(tmp_path):
    target = tmp_path / "rep"
    cmd = [sys.executable, "-m", "slreport", "analyze", str(CALLS), "--tz", HKI, "--out", str(target),
           "--by", "agent"]
    result = subprocess.run(cmd, env=ENV, capture_output=True, timeout=300, preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    entries = [target, *target.rglob("*")]
    assert {"summary.json", "report.html", "charts", ".slreport-report"} <= {p.name for p in entries}
    for entry in entries:
        want = 0o700 if entry.is_dir() else 0o600
        assert stat.S_IMODE(entry.stat().st_mode) == want, entry
