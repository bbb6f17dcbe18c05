"""Defaults that do not mislead (issue 20, item 5), through the real command line: the zone a report
of offset-stamped data is in, the slreport.toml picked up from the working directory, `slreport init`,
a period without contacts, and memory errors."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from slreport.options.config import COMPANY_KEYS, DEFAULT_ONLY_KEYS, EXAMPLE, build_settings, load_config
from tests.conftest import ROOT, run_cli
from tests.golden import visible_text
from tests.terminal import read_all

SAMPLE = ROOT / "sample_data" / "calls.csv"
SAMPLE_CONFIG = ROOT / "sample_data" / "slreport.toml"
OFFSET_NOTE = ("slreport: note: the data's times carry UTC offsets (+02:00); the report is in UTC; set --tz ZONE "
               "(e.g. --tz Europe/Helsinki) or timezone = \"ZONE\" in slreport.toml")
FOUND_LINE = "slreport: using ./slreport.toml (found in the working directory; --config FILE to choose another)"
FOOTER = ("Settings from ./slreport.toml, found in the working directory (not given with --config): its targets "
          "and policies are in these numbers")


def _stderr(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode("utf-8")


# --- the report's zone --------------------------------------------------------------------------

def test_data_stamped_with_offsets_and_no_zone_says_once_that_the_report_is_in_utc():
    result = run_cli("analyze", str(SAMPLE), "-f", "json")
    assert result.returncode == 0, result.stderr
    assert _stderr(result).splitlines().count(OFFSET_NOTE) == 1
    report = json.loads(result.stdout)
    assert report["settings"]["timezone"] == "UTC" and report["input"]["files"][0]["utc_offsets"] == ["+02:00"]


def test_no_offset_note_when_a_zone_was_chosen(tmp_path):
    zoned = tmp_path / "zoned.toml"
    zoned.write_text('[defaults]\ntimezone = "Europe/Helsinki"\n', encoding="utf-8")
    (tmp_path / "slreport.toml").write_text('[defaults]\ntimezone = "Europe/Oslo"\n', encoding="utf-8")
    for args, cwd in ((("--tz", "Europe/Helsinki"), None), (("--config", str(zoned)), None), ((), tmp_path)):
        result = run_cli("analyze", str(SAMPLE), *args, "-f", "json", cwd=cwd)
        assert result.returncode == 0, result.stderr
        assert "UTC offsets" not in _stderr(result), args
        assert "utc_offsets" not in json.loads(result.stdout)["input"]["files"][0], args


def test_no_offset_note_for_utc_stamps(tmp_path):
    data = tmp_path / "utc.csv"
    data.write_text("contact_id,arrived_at,wait_s,outcome\n1,2026-01-05T08:00:00Z,3,answered\n"
                    "2,2026-01-05 09:00:00+00:00,3,answered\n", encoding="utf-8")
    result = run_cli("analyze", str(data), "-f", "json")
    assert result.returncode == 0 and "UTC offsets" not in _stderr(result), result.stderr


# --- slreport.toml picked up from the working directory -----------------------------------------

def _run_with_stderr_on_terminal(*args: str, cwd: Path) -> tuple[int, bytes, bytes]:
    """The CLI with stderr on a pseudo-terminal (stdout a pipe)."""
    leader, follower = pty.openpty()
    env = os.environ | {"PYTHONPATH": str(ROOT), "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "slreport", *args], stdout=subprocess.PIPE, stderr=follower,
                            env=env, cwd=cwd)
    os.close(follower)
    out, _ = proc.communicate(timeout=300)
    seen = read_all(leader)
    return proc.returncode, out, seen


def test_a_picked_up_config_is_named_on_a_terminal_and_in_every_footer(tmp_path):
    shutil.copy(SAMPLE_CONFIG, tmp_path / "slreport.toml")
    code, out, err = _run_with_stderr_on_terminal("analyze", str(SAMPLE), "-f", "json", cwd=tmp_path)
    assert code == 0, err
    assert FOUND_LINE in err.decode("utf-8").replace("\r\n", "\n").splitlines()
    settings = json.loads(out)["settings"]
    assert (settings["config_file"], settings["config_source"]) == ("slreport.toml", "working directory")
    piped = run_cli("analyze", str(SAMPLE), "-f", "markdown", cwd=tmp_path)
    assert piped.returncode == 0 and "using ./slreport.toml" not in _stderr(piped)  # cron mail stays quiet
    markdown = piped.stdout.decode("utf-8")
    assert markdown.rstrip().endswith(f"## Settings file\n\n{FOOTER}")
    table = run_cli("analyze", str(SAMPLE), "-f", "table", env={"COLUMNS": "400"}, cwd=tmp_path)
    assert table.returncode == 0 and FOOTER in table.stdout.decode("utf-8")
    assert table.stdout.decode("utf-8").rstrip().endswith(FOOTER)
    folder = run_cli("analyze", str(SAMPLE), "--out", str(tmp_path / "rep"), cwd=tmp_path)
    assert folder.returncode == 0, folder.stderr
    page = visible_text((tmp_path / "rep" / "report.html").read_text(encoding="utf-8")).splitlines()
    assert page[-2:] == [FOOTER, page[-1]] and page[-1].startswith("Made by slreport")


def test_a_config_given_with_config_is_not_called_found(tmp_path):
    code, out, err = _run_with_stderr_on_terminal("analyze", str(SAMPLE), "--config", str(SAMPLE_CONFIG), "-f",
                                                  "json", cwd=tmp_path)
    assert code == 0, err
    assert b"found in the working directory" not in err
    assert "config_source" not in json.loads(out)["settings"]
    markdown = run_cli("analyze", str(SAMPLE), "--config", str(SAMPLE_CONFIG), "-f", "markdown")
    assert "Settings file" not in markdown.stdout.decode("utf-8")


# --- slreport init --------------------------------------------------------------------------------

def test_init_writes_a_template_in_which_only_the_defaults_apply(tmp_path):
    done = run_cli("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "slreport.toml"
    config = load_config(path)
    assert config is not None
    assert (config.defaults, config.companies, config.columns, config.outcomes) == ({}, {}, {}, {})
    assert build_settings(config, {}) == replace(build_settings(None, {}), config_file=str(path))
    report = run_cli("analyze", str(SAMPLE), "--tz", "Europe/Helsinki", "-f", "markdown", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "(no contacts)" not in report.stdout.decode("utf-8")  # no phantom companies
    companies = json.loads(run_cli("analyze", str(SAMPLE), "--tz", "UTC", "-f", "json", cwd=tmp_path).stdout)
    assert {c["company"] for c in companies["settings"]["companies"]} == {
        "Aalto Water", "Kotikatu Housing", "Nordic Energy", "Perinta Collections"}  # the data's, no others
    assert not any(c["configured"] for c in companies["settings"]["companies"])


def test_every_key_of_the_template_has_an_example_that_reads(tmp_path):
    for key in [*COMPANY_KEYS, *DEFAULT_ONLY_KEYS]:
        assert re.search(rf"^# {key} = ", EXAMPLE, re.MULTILINE), key
    uncommented = re.sub(r"^# ((?:\[|[a-z_]+ = ).*)$", r"\1", EXAMPLE, flags=re.MULTILINE)
    path = tmp_path / "all.toml"
    path.write_text(uncommented, encoding="utf-8")
    config = load_config(path)
    assert config is not None and len(config.companies) == 2 and config.columns and config.outcomes
    assert {"target_pct", "timezone", "opening_hours", "fcr_method", "fcr_window_h", "csat_scale"} <= set(
        config.defaults)


def test_init_export_proposes_columns_and_map_flags(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Contact ID,Company,Arrived At,Answered,Wait-s,ANI\n"
                      "1,Acme,2026-01-05 08:00:00+02:00,Y,3,+358401234567\n"
                      "2,Acme,2026-01-05 09:00:00+02:00,N,40,+358401234568\n", encoding="utf-8")
    done = run_cli("init", str(export), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    command = done.stdout.decode("utf-8").strip()
    assert command == (f"slreport analyze {export} --map contact_id='Contact ID' --map arrived_at='Arrived At' "
                       "--map wait_s=Wait-s")
    written = (tmp_path / "slreport.toml").read_text(encoding="utf-8")
    assert "# read as is: company ('Company'), outcome ('Answered')" in written
    assert "# headers read as nothing yet: 'ANI'" in written
    assert '# caller = ""  # the caller' in written  # a missing column, for the user to fill
    config = load_config(tmp_path / "slreport.toml")
    assert config is not None and config.columns == {"contact_id": "Contact ID", "arrived_at": "Arrived At",
                                                     "wait_s": "Wait-s"}
    assert config.defaults == {} and config.companies == {}
    report = run_cli("analyze", str(export), "--tz", "UTC", "-f", "json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    summary = json.loads(report.stdout)["summary"]
    assert (summary["offered"], summary["answered"], summary["asa_s"]) == (2, 1, 3.0)
    flags = run_cli("analyze", str(export), "--tz", "UTC", "-f", "json", "--map", "contact_id=Contact ID",
                    "--map", "arrived_at=Arrived At", "--map", "wait_s=Wait-s")
    assert json.loads(flags.stdout)["summary"] == summary  # the printed flags read the same


def test_init_export_names_the_required_columns_it_cannot_find(tmp_path):
    export = tmp_path / "odd.csv"
    export.write_text("Start;Who;Result\n2026-01-05 08:00;+358401234567;ok\n", encoding="utf-8")
    done = run_cli("init", str(export), "--to", str(tmp_path / "odd.toml"))
    assert done.returncode == 0, done.stderr
    err = _stderr(done)
    assert err.splitlines()[0] == (f"slreport: note: {export}: no header for arrived_at, answered_at or outcome; "
                                   "fill in the line in [columns] (arrived_at, and outcome or answered_at, are needed)")
    assert done.stdout == b""  # no analyze command that would fail
    written = (tmp_path / "odd.toml").read_text(encoding="utf-8")
    assert '# arrived_at = "" (required)' in written and "# headers read as nothing yet: 'Start', 'Who'" in written


def test_init_keeps_its_safety(tmp_path):
    old_shape = run_cli("init", "settings.toml", cwd=tmp_path)
    assert old_shape.returncode == 2 and "slreport init --to settings.toml" in _stderr(old_shape)
    assert not (tmp_path / "settings.toml").exists()
    export = tmp_path / "export.csv"
    export.write_text("contact_id,arrived_at,outcome\n1,2026-01-05T08:00:00Z,answered\n", encoding="utf-8")
    onto_input = run_cli("init", str(export), "--to", str(export), "--force")
    assert onto_input.returncode == 2 and "would replace the input" in _stderr(onto_input)
    assert export.read_text(encoding="utf-8").startswith("contact_id,")
    (tmp_path / "slreport.toml").write_text("# mine\n", encoding="utf-8")
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 2 and (tmp_path / "slreport.toml").read_text() == "# mine\n"


# --- a period without contacts ------------------------------------------------------------------

def test_a_period_without_contacts_warns_with_the_data_dates_and_exits_5():
    args = ("analyze", str(SAMPLE), "--config", str(SAMPLE_CONFIG), "--period", "last-month")
    env = {"SLREPORT_TODAY": "2026-12-03"}
    result = run_cli(*args, "-f", "json", env=env)
    assert result.returncode == 5, result.stderr
    assert _stderr(result).splitlines() == [
        "slreport: warning: no contacts in last-month (2026-11-01 – 2026-11-30); the data's arrivals run "
        "2026-01-05 – 2026-03-01"]
    report = json.loads(result.stdout)  # still the whole report, valid JSON for a pipeline
    assert report["summary"]["offered"] == 0 and report["period"]["first_arrival"] is None
    assert (report["period"]["data_first_arrival"], report["period"]["data_last_arrival"]) == (
        "2026-01-05T07:06:00+02:00", "2026-03-01T19:24:55+02:00")
    markdown = run_cli(*args, "-f", "markdown", env=env)
    assert markdown.returncode == 5
    text = markdown.stdout.decode("utf-8")
    assert "— .. —" not in text and "no contacts in the period · Europe/Helsinki" in text


def test_a_period_with_contacts_exits_0_without_a_warning():
    result = run_cli("analyze", str(SAMPLE), "--config", str(SAMPLE_CONFIG), "--period", "2026-02", "-f", "json")
    assert result.returncode == 0 and "warning" not in _stderr(result), result.stderr


# --- memory ---------------------------------------------------------------------------------------

def test_out_of_memory_names_the_limit_and_says_raise_it(tmp_path):
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write(rows[0] + "\n")
        for copy in range(4):  # ~96 000 contacts, 17 MB: more than 16 MB of DuckDB memory holds
            out.writelines(f"K{copy}{row}\n" for row in rows[1:])
    result = run_cli("analyze", str(big), "--tz", "UTC", "-f", "json", "--memory-limit", "16MB")
    assert result.returncode == 4, result.stderr
    (line,) = _stderr(result).splitlines()
    assert line.startswith("slreport: error: DuckDB ran out of memory within --memory-limit 16MB; ")
    assert "raise --memory-limit (now 16MB," in line and "delimiter" not in line
    assert result.stdout == b""
