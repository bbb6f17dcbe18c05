"""What the command line says on stderr about a finished report, as plain lines (the CLI prints them).

The report (the JSON contract) holds the facts: the period asked for and what it held, the UTC offsets
the data's times carried, the slreport.toml picked up. These functions only word them, so that a
user reading stderr (or cron's mail) learns what a quiet default did to the numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def no_contacts(report: dict[str, Any]) -> str | None:
    """The warning for a period (--period, --since/--until) in which no contact arrived, with the
    dates the data's arrivals run; None when the period has contacts or none was asked for."""
    chosen = report["settings"].get("period")
    if not isinstance(chosen, dict) or report["period"]["first_arrival"] is not None:
        return None
    name = "the period" if chosen.get("name") == "since/until" else chosen.get("name")
    line = f"no contacts in {name} ({_day(chosen.get('since'))} – {_last_day(chosen.get('until'))})"
    first, last = report["period"].get("data_first_arrival"), report["period"].get("data_last_arrival")
    if first and last:
        line += f"; the data's arrivals run {first[:10]} – {last[:10]}"
    return line


def _day(moment: str | None) -> str:
    return moment[:10] if moment else "…"


def _last_day(until: str | None) -> str:
    """The last day of a window that ends (exclusively) at ``until``: the day before a midnight."""
    if not until:
        return "…"
    end = datetime.fromisoformat(until)
    return (end - timedelta(days=1)).date().isoformat() if end.time() == datetime.min.time() else until[:10]


def utc_offsets(report: dict[str, Any]) -> str | None:
    """The note for a report made in UTC because no zone was chosen, from data whose times carry
    other UTC offsets (the data's own clock): its hours and days are not the centre's."""
    offsets = sorted({o for f in report["input"]["files"] for o in f.get("utc_offsets", [])})
    if not offsets:
        return None
    return (f"the data's times carry UTC offsets ({', '.join(offsets)}); the report is in "
            f"{report['settings']['timezone']}; set --tz ZONE (e.g. --tz Europe/Helsinki) or "
            "timezone = \"ZONE\" in slreport.toml")


def config_found(report: dict[str, Any]) -> str | None:
    """The line naming a slreport.toml picked up from the working directory (not given with --config)."""
    settings = report["settings"]
    if settings.get("config_source") != "working directory":
        return None
    return f"using ./{settings['config_file']} (found in the working directory; --config FILE to choose another)"
