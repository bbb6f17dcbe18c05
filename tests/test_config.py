"""slreport.toml loading: every key checked, errors naming the file, line, key and allowed values; init."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slreport.options.config import EXAMPLE, ConfigError, build_settings, load_config
from slreport.options.settings import SlMethod
from tests.conftest import run_cli


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "slreport.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_become_settings_fields(tmp_path: Path):
    cfg = load_config(config(tmp_path, """
[defaults]
service_level = "85/15"
sl_method = "positive"
short_abandon_s = 3
fcr_window = "7d"
fcr_method = "repeat"
csat_scale = 7

[companies."Nordic Energy"]
service_level = "90/30"
abandon_rate_max = 4.5
opening_hours = "mon-fri 08:00-20:00, sat 10:00-14:00, sun closed"

[columns]
arrived_at = "Call Start"

[outcomes]
abandoned = ["ABANDON", "hangup"]
answered = "CONNECT,AGENT"
"""))
    assert cfg.defaults == {"target_pct": 85.0, "threshold_s": 15, "sl_method": SlMethod.POSITIVE,
                            "short_abandon_s": 3, "fcr_window_h": 168, "fcr_method": "repeat", "csat_scale": 7}
    assert cfg.companies == {"Nordic Energy": {"target_pct": 90.0, "threshold_s": 30, "abandon_rate_max": 4.5,
                                               "opening_hours": "mon-fri 08:00-20:00, sat 10:00-14:00, sun closed"}}
    assert cfg.columns == {"arrived_at": "Call Start"}
    assert cfg.outcomes == {"abandon": "abandoned", "hangup": "abandoned", "connect": "answered", "agent": "answered"}
    settings = build_settings(cfg, {"short_abandon_s": 0, "threshold_s": 25})
    assert (settings.threshold_s, settings.short_abandon_s, settings.fcr_window_h) == (25, 0, 168)
    # The explicit threshold (an option) replaces the company's own; its other values stay.
    assert settings.companies["Nordic Energy"] == {
        "target_pct": 90.0, "abandon_rate_max": 4.5,
        "opening_hours": "mon-fri 08:00-20:00, sat 10:00-14:00, sun closed",
    }


@pytest.mark.parametrize("text, message", [
    ('[defaults]\nservice_level = "80/20"\n\n[companies."Nordic Energy"]\nservice_levl = "90/30"\n',
     ':5: unknown key \'service_levl\' in [companies."Nordic Energy"]; allowed: service_level, sl_method, '),
    ('[companies]\n"Nordic Energy" = { service_levl = "90/30" }\n',  # an inline table: found by scanning
     ':2: unknown key \'service_levl\' in [companies."Nordic Energy"]; allowed: service_level'),
    ('[defaults]\n# a comment\nsl_method = "neg"\n',
     ':3: [defaults] sl_method = \'neg\' is not allowed; use one of "negative", "ignore", "positive", '),
    ('[defaults]\nservice_level = "80%"\n',
     ':2: [defaults] service_level = \'80%\' is not allowed; use "PERCENT/SECONDS"'),
    ('[defaults]\nfcr_target = 120\n', ":2: [defaults] fcr_target = 120 is not allowed; use a number from 0 to 100"),
    ('[defaults]\nnps_target = "high"\n', ":2: [defaults] nps_target = 'high' is not allowed; use a number from -100"),
    ('[defaults]\nshort_abandon_s = 2.5\n', ":2: [defaults] short_abandon_s = 2.5 is not allowed; use a whole number"),
    ('[defaults]\ntimezone = "Mars/Base"\n', ':2: [defaults] timezone = \'Mars/Base\' is not allowed; use an IANA'),
    ('[companies.X]\nopening_hours = "weekdays 8-20"\n', ":2: [companies.X] opening_hours = 'weekdays 8-20' is not"),
    ('[companies.X]\nholidays_country = "Finland"\n', ":2: [companies.X] holidays_country = 'Finland' is not"),
    ('[companies."A"]\nfcr_window = "7d"\n', ":2: unknown key 'fcr_window' in [companies.A]; allowed: service_level"),
    ('[defaults]\nfcr_window = "2w"\n', ':2: [defaults] fcr_window = \'2w\' is not allowed; use one of "24h", "72h"'),
    ('[default]\nservice_level = "80/20"\n', ":1: unknown table [default]; allowed: [defaults], [companies], "),
    ('[columns]\nstart = "Call Start"\n', ":2: unknown column 'start' in [columns]; allowed: contact_id, company"),
    ('[outcomes]\nlost = ["X"]\n', ":2: unknown outcome 'lost' in [outcomes]; allowed: answered, abandoned, flowout"),
    ('[defaults]\nservice_level = "80/20\n', ":2: invalid TOML: Illegal character"),
])
def test_errors_name_file_line_key_and_allowed_values(tmp_path: Path, text: str, message: str):
    path = config(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}{message}" in err.value.one_line()


def test_cli_config_error_is_one_line_and_exit_2(tmp_path: Path, write_csv):
    data = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,talk_s,outcome",
                     "a1,A,2024-01-01 10:00:00Z,5,60,answered")
    path = config(tmp_path, '[defaults]\nsl_method = "neg"\n')
    done = run_cli("analyze", str(data), "-f", "json", "--config", str(path))
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == (
        f"slreport: error: {path}:2: [defaults] sl_method = 'neg' is not allowed; "
        'use one of "negative", "ignore", "positive", "answered-only"\n'
    )
    missing = run_cli("analyze", str(data), "-f", "json", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2
    assert "nope.toml: no such file" in missing.stderr.decode()


def test_columns_outcomes_and_timezone_from_the_file(tmp_path: Path, write_csv):
    data = write_csv("a.csv", "Id,Firm,Start,Wait,Talk,Result",
                     "a1,A,2024-03-31 02:30:00,5,60,CONNECT", "a2,A,2024-03-31 04:30:00,50,,HANGUP")
    path = config(tmp_path, """
[defaults]
timezone = "Europe/Helsinki"
[columns]
contact_id = "Id"
company = "Firm"
arrived_at = "Start"
wait_s = "Wait"
talk_s = "Talk"
outcome = "Result"
[outcomes]
answered = ["CONNECT"]
abandoned = ["HANGUP"]
""")
    done = run_cli("analyze", str(data), "-f", "json", "--config", str(path))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["summary"]["answered"], report["summary"]["abandoned"]) == (1, 1)
    # 02:30 local is 00:30Z on the 23-hour day; 04:30 EEST (after the change) is 01:30Z.
    assert report["period"] == {"first_arrival": "2024-03-31T02:30:00+02:00",
                                "last_arrival": "2024-03-31T04:30:00+03:00", "timezone": "Europe/Helsinki"}


def test_example_config_is_valid_and_init_refuses_to_overwrite(tmp_path: Path):
    done = run_cli("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "slreport.toml").read_text(encoding="utf-8")
    assert written == EXAMPLE
    cfg = load_config(tmp_path / "slreport.toml")
    assert cfg.companies == {} and cfg.defaults == {}  # a template: nothing active until uncommented
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 2
    assert "slreport.toml exists; use --force to overwrite it" in again.stderr.decode()
    (tmp_path / "slreport.toml").write_text("# mine\n")
    forced = run_cli("init", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (tmp_path / "slreport.toml").read_text(encoding="utf-8") == EXAMPLE


def test_example_config_runs_on_the_sample_data(tmp_path: Path):
    run_cli("init", cwd=tmp_path)
    path = tmp_path / "slreport.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('# [companies."Example Collections"]',
                                                             '[companies."Perinta Collections"]'), encoding="utf-8")
    sample = Path(__file__).resolve().parent.parent / "sample_data" / "calls.csv"
    done = run_cli("analyze", str(sample), "-f", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    companies = {c["company"]: c for c in json.loads(done.stdout)["settings"]["companies"]}
    assert companies["Perinta Collections"]["service_level"] == "80/20"  # its example lines are still comments
    assert companies["Perinta Collections"]["configured"] is True
    assert companies["Aalto Water"]["configured"] is False
