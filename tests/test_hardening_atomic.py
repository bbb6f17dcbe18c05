"""A run that cannot finish writes nothing: --rejects appears only after the whole run succeeded."""

from __future__ import annotations

from tests.conftest import run_cli

ROWS = (
    "contact_id,caller,arrived_at,wait_s,outcome",
    "r1,0401234567,2024-03-04T10:00:00Z,5,answered",
    "r2,+358401234567,not a time,5,answered",
)


def test_rejects_not_written_when_the_report_folder_cannot_be_written(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    (tmp_path / "report").mkdir()  # exists, no --overwrite: the run fails after the analysis
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(src), "--tz", "UTC", "--rejects", str(rejects), "--out", str(tmp_path / "report"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().count("\n") == 1 and b"Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv", "report"]
    assert list((tmp_path / "report").iterdir()) == []


def test_rejects_written_with_the_report_folder_when_the_run_succeeds(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    rejects = tmp_path / "rejects.csv"
    result = run_cli("analyze", str(src), "--tz", "UTC", "--rejects", str(rejects), "--out", str(tmp_path / "report"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv", "rejects.csv", "report"]
    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith(f"{src},3,bad_timestamp,arrived_at")


def test_rejects_kept_when_stdout_is_cut_by_head(write_csv, tmp_path):
    src = write_csv("calls.csv", *ROWS)
    rejects = tmp_path / "rejects.csv"
    import subprocess
    import sys

    from tests.conftest import ROOT

    cmd = f"{sys.executable} -m slreport analyze {src} --tz UTC -f markdown --rejects {rejects} | head -c1"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(cmd, shell=True, capture_output=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stderr == b""
    assert rejects.exists()
