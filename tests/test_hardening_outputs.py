"""Safe outputs from hostile names: HTML escapes everything, --out-template stays in its folder,
spreadsheet cells cannot start a formula."""

from __future__ import annotations

import csv
import json

from tests.conftest import HEADER, run_cli

EVIL = "<script>alert(1)</script>"
EVIL_ROWS = (
    HEADER.replace(",outcome", ",outcome,queue"),
    f'1,"{EVIL}",,2024-01-01T08:00:00Z,3,10,answered,"<img src=x onerror=alert(2)>"',
    f'2,"{EVIL}",,2024-01-01T09:00:00Z,30,10,abandoned,"<img src=x onerror=alert(2)>"',
    '3,"Beta & ""Sons""",,2024-01-01T09:00:00Z,3,10,answered,=1+2',
)


def test_report_html_escapes_company_and_queue_names(write_csv, tmp_path):
    src = write_csv("evil.csv", *EVIL_ROWS)
    out = tmp_path / "report"
    result = run_cli("analyze", str(src), "--tz", "UTC", "--by", "company,queue", "--out", str(out),
                     "--chart-format", "svg")
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page.lower() and "<img" not in page.lower()  # no markup from the data
    assert "Beta &amp; &#34;Sons&#34;" in page or "Beta &amp; &quot;Sons&quot;" in page
    for chart in (out / "charts").iterdir():
        text = chart.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img" not in text.lower(), chart.name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert EVIL in [r["company"] for r in summary["by_company"]]  # the data keeps the real name


def test_csv_stdout_cells_cannot_start_a_formula(write_csv):
    src = write_csv("evil.csv", HEADER, "1,=SUM(A1),,2024-01-01T08:00:00Z,3,10,answered",
                    "2,@cmd,,2024-01-01T08:00:00Z,3,10,answered", "3,+1-2,,2024-01-01T08:00:00Z,3,10,answered")
    result = run_cli("analyze", str(src), "--tz", "UTC", "-f", "csv")
    assert result.returncode == 0, result.stderr
    companies = {row[0] for row in csv.reader(result.stdout.decode().splitlines()[1:])}
    assert {"'=SUM(A1)", "'@cmd", "'+1-2"} <= companies
    assert not any(c.startswith(("=", "+", "@")) for c in companies)


def test_company_name_cannot_steer_out_template_outside_its_folder(write_csv, tmp_path):
    src = write_csv("evil.csv", HEADER, "1,../../escaped,,2024-01-01T08:00:00Z,3,10,answered",
                    "2,../..,,2024-01-01T08:00:00Z,3,10,answered")
    root = tmp_path / "a" / "b" / "reports"
    result = run_cli("analyze", str(src), "--tz", "UTC", "--out-template", f"{root}/{{company}}/{{period}}",
                     "--split-by", "company")
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("summary.json"))
    assert written and all(w.startswith("a/b/reports/") for w in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "evil.csv"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b"]
