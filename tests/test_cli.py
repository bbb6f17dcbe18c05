"""The command line as a user runs it: exit codes, stdout vs stderr, formats, stdin."""

from __future__ import annotations

import csv
import io
import json

from slreport.options.settings import Settings
from tests.conftest import ROOT, run_analyze, run_cli

SAMPLE = ROOT / "sample_data" / "calls.csv"
GOOD = "2024-01-15 09:00:00+00:00"


def small(write_csv):
    return write_csv(
        "acme.csv", "arrived_at,wait_s,talk_s,outcome", f"{GOOD},5,60,answered", f"{GOOD},40,60,answered",
        f"{GOOD},3,,abandoned", f"{GOOD},30,,abandoned",
    )


def test_json_from_the_cli_equals_the_library_result(write_csv):
    path = small(write_csv)
    done = run_cli("analyze", str(path), "--format", "json", "--sl", "90/30", "--tz", "Europe/Oslo")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    from slreport.options.values import service_level

    target = service_level("90/30")
    expected = run_analyze([path], tz="Europe/Oslo", threshold_s=target.threshold_s, target_pct=target.target_pct)
    assert json.loads(done.stdout) == expected


def test_detection_notes_go_to_stderr_only_when_asked_off_a_terminal(write_csv):
    path = small(write_csv)
    quiet = run_cli("analyze", str(path), "-f", "json")
    told = run_cli("analyze", str(path), "-f", "json", "--verbose")
    assert quiet.stderr == b""  # cron mails anything on stderr
    assert told.stderr.decode() == (
        f"slreport: {path}: generic (detected), csv, utf-8, comma; canonical column names; "
        "4 rows: 4 used, 0 rejected, 0 ignored\n"
    )
    assert told.stdout == quiet.stdout


def test_json_is_the_default_when_piped_and_is_byte_stable(write_csv):
    path = small(write_csv)
    first = run_cli("analyze", str(path))
    again = run_cli("analyze", str(path))
    assert first.returncode == 0
    assert json.loads(first.stdout)["schema_version"] == 1
    assert first.stdout == again.stdout


def test_json_has_a_row_per_line_under_indented_sections(write_csv):
    done = run_cli("analyze", str(small(write_csv)), "--format", "json", "--tz", "Europe/Oslo")
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert lines[1] == '  "schema_version": 1,'
    start = lines.index('  "by_company": [')
    row = json.loads(lines[start + 1].removesuffix(","))
    assert lines[start + 1].startswith("    {") and (row["company"], row["offered"]) == ("acme", 4)
    assert lines[start + 2] == "  ],"
    by_hour = json.loads(done.stdout)["by_hour"]
    assert sum(line.startswith('    {"company": ') for line in lines) >= len(by_hour)


def test_row_order_and_threads_do_not_change_a_byte(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "calls.csv"
    shuffled.write_text("\n".join([lines[0]] + list(reversed(lines[1:]))) + "\n", encoding="utf-8")
    a = run_cli("analyze", str(SAMPLE), "--tz", "Europe/Helsinki")
    b = run_cli("analyze", str(shuffled), "--tz", "Europe/Helsinki")
    one, other = json.loads(a.stdout), json.loads(b.stdout)
    for report in (one, other):
        report["input"]["files"][0]["path"] = "calls.csv"
    assert one == other
    from slreport.options.read import ReadOptions
    from slreport.pipeline import RunOptions, analyze

    settings = Settings(timezone="Europe/Helsinki")
    single = analyze([str(SAMPLE)], settings, RunOptions(threads=1, read=ReadOptions(input_tz="Europe/Helsinki")))
    assert json.dumps(single) == json.dumps(json.loads(a.stdout))


def test_table_format_marks_the_target_and_shows_data_quality(write_csv):
    done = run_cli("analyze", str(small(write_csv)), "--format", "table", "--short-abandon", "0")
    out = done.stdout.decode()
    assert done.returncode == 0
    assert "Service level by company" in out
    assert "missed" in out  # SL 1/4 = 25 % against 80/20
    assert "\x1b[" not in out  # no colour codes when not on a terminal
    assert "4 rows read = 4 contacts used + 0 rejected + 0 ignored" in out


def test_csv_format_has_one_row_per_group_and_a_total(write_csv):
    done = run_cli("analyze", str(small(write_csv)), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert [r["company"] for r in rows] == ["acme", ""]
    assert rows[0]["service_level_pct"] == "33.3333"  # 1 / (4 - 1 short abandon)
    assert rows[1]["offered"] == "4"


def test_markdown_format(write_csv):
    out = run_cli("analyze", str(small(write_csv)), "-f", "markdown").stdout.decode()
    assert "| Company | Offered |" in out
    assert "| acme | 4 |" in out


def test_stdin_is_read_with_a_dash(write_csv):
    data = small(write_csv).read_bytes()
    done = run_cli("analyze", "-", "-f", "json", stdin=data)
    report = json.loads(done.stdout)
    assert report["summary"]["offered"] == 4
    assert report["by_company"][0]["company"] == "default"
    assert report["input"]["files"][0]["path"] == "<stdin>"


def test_missing_file_exits_1_with_one_line_on_stderr(tmp_path):
    done = run_cli("analyze", str(tmp_path / "missing.csv"))
    assert done.returncode == 1
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.count("\n") == 1 and "no such file" in err
    assert "Traceback" not in err


def test_missing_column_exits_1_and_names_the_mapping_option(write_csv):
    done = run_cli("analyze", str(write_csv("c.csv", "start,wait,result", f"{GOOD},1,answered")))
    assert done.returncode == 1
    assert "--map arrived_at=" in done.stderr.decode()


def test_no_offset_without_tz_exits_1_naming_file_line_and_option(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "2024-01-15 09:00:00,5,answered")
    done = run_cli("analyze", str(path))
    assert done.returncode == 1
    assert f"{path}:2:" in done.stderr.decode() and "--tz" in done.stderr.decode()


def test_usage_errors_exit_2(write_csv):
    path = small(write_csv)
    for args in (["--sl", "eighty"], ["--short-abandon", "30"], ["--by", "colour"], ["--tz", "Mars/Base"],
                 ["--sl-method", "fuzzy"], ["--map", "arrived_at"]):
        done = run_cli("analyze", str(path), *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stdout == b""


def test_debug_shows_the_traceback(tmp_path):
    done = run_cli("analyze", str(tmp_path / "missing.csv"), "--debug")
    assert done.returncode == 1
    assert "Traceback" in done.stderr.decode()


def test_broken_pipe_ends_quietly():
    import subprocess
    import sys

    cmd = f"{sys.executable} -m slreport analyze {SAMPLE} --tz Europe/Helsinki -f json | head -1"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, env={"PYTHONPATH": str(ROOT)})
    assert done.stdout == b"{\n"
    assert done.stderr == b""
    assert done.returncode == 0


def test_help_is_fast_because_it_imports_no_heavy_module():
    import subprocess
    import sys

    code = (
        "import sys\nfrom slreport.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('duckdb', 'pandas', 'matplotlib', 'pyarrow', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env={"PYTHONPATH": str(ROOT)})
    assert done.stdout.decode().strip().splitlines()[-1] == "[]"


def test_every_command_has_help_and_is_documented_in_the_readme():
    import typer.main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(__import__("slreport.cli", fromlist=["app"]).app)
    for name, command in group.commands.items():
        assert command.help, name
        assert f"slreport {name}" in readme, name


def test_sample_data_runs_through_the_cli():
    done = run_cli("analyze", str(SAMPLE), "--tz", "Europe/Helsinki", "-f", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0
    assert len(report["by_company"]) >= 3
    assert report["summary"]["short_abandoned"] > 0
    inp = report["input"]
    assert inp["rows_read"] == inp["contacts"] + inp["rows_rejected"] + inp["rows_ignored"]


def test_the_readme_first_command_runs_on_the_bundled_sample_and_its_config():
    done = run_cli("analyze", str(SAMPLE), "--config", str(ROOT / "sample_data" / "slreport.toml"), "-f", "table")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "Nordic Energy: SL 90/30" in out and "contacts outside opening hours excluded" in out
    assert "Peaks: Nordic Energy" in out and "Staffing" in out and "Patience" in out
