"""Opening hours per company from slreport.toml reach the service level and the peaks sections."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_each_company_is_judged_by_its_own_opening_hours(tmp_path):
    (tmp_path / "slreport.toml").write_text(
        '[defaults]\ntimezone = "Europe/Helsinki"\n\n'
        '[companies."Early Oy"]\nopening_hours = "mon-fri 08:00-16:00"\n',
        encoding="utf-8",
    )
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "company,arrived_at,wait_s,outcome\n"
        "Early Oy,2024-01-08 10:00:00,5,answered\n"  # Monday, open
        "Early Oy,2024-01-08 17:00:00,5,answered\n"  # Monday after 16:00: closed for Early Oy
        "Late Oy,2024-01-08 17:00:00,5,answered\n",  # no hours configured: always open
        encoding="utf-8",
    )
    done = run_cli("analyze", str(calls), "-f", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    offered = {r["company"]: r["offered"] for r in report["by_company"]}
    assert offered == {"Early Oy": 1, "Late Oy": 1}
    hours = {c["company"]: c["opening_hours"] for c in report["settings"]["companies"]}
    assert hours == {"Early Oy": "mon-fri 08:00-16:00", "Late Oy": None}
    assert report["summary"]["offered"] == 2
