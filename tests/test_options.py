"""Options typed once: one parser per option value for the command line and slreport.toml, grouped help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from slreport.errors import UsageError
from slreport.options import values
from slreport.options.config import ConfigError, load_config
from slreport.options.settings import Settings
from tests.conftest import run_cli

# (toml key, good values, bad values) for every value slreport.toml and the command line share.
CASES = [
    ("service_level", ["80/20", "90/30", "100/0", "72.5/45", "90/4h", "80/30min", "80/20s", "80/1.5min"],
     ["80", "80%", "0/20", "120/20", "", "a/b", "90/4d", "80/2.5s", "80/h"]),
    ("business_hours", ["true", "false", "yes", "no"], ["maybe", "", "2"]),
    ("sl_method", ["negative", "ignore", "positive", "answered-only"], ["neg", "", "none"]),
    ("short_abandon_s", ["0", "5"], ["-1", "2.5", "x"]),
    ("answer_rate_target", ["0", "90", "100"], ["101", "-1", "high"]),
    ("abandon_rate_max", ["5", "12.5"], ["200"]),
    ("fcr_target", ["75"], ["120"]),
    ("nps_target", ["-100", "10", "100"], ["-101", "high"]),
    ("timezone", ["UTC", "Europe/Helsinki"], ["Mars/Base", ""]),
    ("opening_hours", ["daily 08:00-20:00", "mon-fri 08:00-18:00, sat 10:00-14:00", "sun closed",
                       "mon-fri 08:00-12:00 13:00-17:00, hol 10:00-14:00"],
     ["weekdays 8-20", "mon-fri 18:00-08:00", "mon 25:00-26:00", ""]),
    ("holidays_country", ["FI", "se"], ["Finland", "XX", ""]),
    ("fcr_method", ["flag", "repeat", "auto"], ["survey"]),
    ("fcr_window", ["24h", "72h", "7d", "30d"], ["48h", "2w"]),
    ("csat_scale", ["3", "5", "10"], ["2", "11", "4.5"]),
]
FLAG_OF_KEY = {o.key: o.flag for o in values.OPTIONS if o.key}


def _toml_value(text: str) -> str:
    return json.dumps(text)  # a TOML basic string


def _from_file(tmp_path: Path, key: str, value: str) -> dict:
    path = tmp_path / "slreport.toml"
    path.write_text(f"[defaults]\n{key} = {_toml_value(value)}\n", encoding="utf-8")
    return load_config(path).defaults


@pytest.mark.parametrize("key, good, bad", CASES, ids=[c[0] for c in CASES])
def test_the_file_and_the_command_line_parse_every_value_alike(tmp_path: Path, key: str, good: list[str],
                                                                bad: list[str]) -> None:
    flag = FLAG_OF_KEY[key]
    for value in good:
        assert _from_file(tmp_path, key, value) == values.parse_flag(flag, value), value
    for value in bad:
        with pytest.raises(ConfigError) as in_file:
            _from_file(tmp_path, key, value)
        with pytest.raises(UsageError) as on_line:
            values.parse_flag(flag, value)
        # the same "use …" text after each front end's own "X is not allowed"
        assert in_file.value.hint == on_line.value.hint, value
        assert f"{flag} {value!r} is not allowed" in on_line.value.one_line()
        assert f"[defaults] {key} = {value!r} is not allowed" in in_file.value.one_line()


def test_every_shared_key_is_tested_here() -> None:
    assert {c[0] for c in CASES} == {o.key for o in values.OPTIONS if o.key}


def test_toml_numbers_and_their_text_are_the_same_value(tmp_path: Path) -> None:
    path = tmp_path / "slreport.toml"
    path.write_text("[defaults]\nshort_abandon_s = 3\ncsat_scale = 7\nnps_target = -5.5\n", encoding="utf-8")
    assert load_config(path).defaults == values.parse_flag("--short-abandon", "3") | values.parse_flag(
        "--csat-scale", "7") | values.parse_flag("--nps-target", "-5.5")
    path.write_text("[defaults]\nshort_abandon_s = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="short_abandon_s = True is not allowed"):
        load_config(path)


def test_daily_opening_hours_in_the_file_work_through_the_cli(tmp_path: Path, write_csv) -> None:
    # docs/peaks.md documents "daily"; the file used to refuse it with exit 2 while the option took it.
    data = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
                     "a1,A,2024-01-06 10:00:00Z,5,60,answered", "a2,A,2024-01-06 21:00:00Z,5,60,answered")
    (tmp_path / "slreport.toml").write_text('[defaults]\nopening_hours = "daily 08:00-20:00"\n', encoding="utf-8")
    in_file = run_cli("analyze", str(data), "-f", "json", "--config", str(tmp_path / "slreport.toml"))
    on_line = run_cli("analyze", str(data), "-f", "json", "--opening-hours", "daily 08:00-20:00")
    assert in_file.returncode == on_line.returncode == 0, in_file.stderr
    file_report, line_report = json.loads(in_file.stdout), json.loads(on_line.stdout)
    assert file_report["summary"]["offered"] == line_report["summary"]["offered"] == 1
    assert file_report["outside_hours"] == line_report["outside_hours"]


def test_bad_values_give_the_same_words_on_the_command_line_and_in_the_file(tmp_path: Path, write_csv) -> None:
    data = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
                     "a1,A,2024-01-06 10:00:00Z,5,60,answered")
    (tmp_path / "slreport.toml").write_text('[defaults]\nfcr_window = "48h"\n', encoding="utf-8")
    in_file = run_cli("analyze", str(data), "-f", "json", "--config", str(tmp_path / "slreport.toml"))
    on_line = run_cli("analyze", str(data), "-f", "json", "--fcr-window", "48h")
    assert in_file.returncode == on_line.returncode == 2
    hint = b'; use one of "24h", "72h", "7d", "30d"\n'
    assert in_file.stderr.endswith(hint) and on_line.stderr.endswith(hint)
    assert on_line.stderr.startswith(b"slreport: error: --fcr-window '48h' is not allowed")


def test_the_defaults_the_help_shows_are_the_settings_defaults() -> None:
    done = run_cli("analyze", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.decode().split())
    defaults = Settings()
    checked = 0
    for flag in values.BY_FLAG:
        # the option's own help: from its flag up to the next option, and the default it states
        found = re.search(rf"(?<![\w-]){flag} [A-Z/]+ (?:(?! --[a-z]).)*?\[default: ([^\]]+)\]", text)
        if found:
            for name, parsed in values.parse_flag(flag, found.group(1)).items():
                assert getattr(defaults, name) == parsed, flag
                checked += 1
    assert checked >= 10


def test_help_is_grouped_in_panels_with_real_metavars_and_minus_h() -> None:
    done = run_cli("analyze", "-h")
    assert done.returncode == 0
    text = done.stdout.decode()
    panels = ["Input:", "Service level and targets:", "First-contact resolution and surveys:",
              "Peaks and opening hours:", "Staffing:", "Output:", "Run:"]
    assert all(p in text for p in panels)
    assert [text.index(p) for p in panels] == sorted(text.index(p) for p in panels)
    assert "<str>" not in text and "<int>" not in text and "<float>" not in text
    assert "--sl PCT/SECONDS" in text and "--tz ZONE" in text and "--memory-limit SIZE" in text


def test_shell_completion_is_offered() -> None:
    done = run_cli("--help")
    assert b"--install-completion" in done.stdout and b"--show-completion" in done.stdout
