"""Values in a manager's words, for report.html: readable local times, verdicts, metric names.

The terminal and markdown are read by analysts next to the JSON and keep its short forms;
report.html is handed to a client, so it says "Wed 11 Feb 2026, 10:00–11:00", "missed" and
"Service level" where the JSON has an ISO time, ``false`` and ``service_level_pct``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slreport.metrics.registry import ANY_BY_KEY, PEAK_BY_KEY
from slreport.sections.text import (
    NULL,
    WEEKDAYS,
    company_policy,
    format_value,
    interval_end,
    last_whole_day,
    scope_of,
    scope_policy,
)

ALL_COMPANIES = "All companies"
SL_METHOD_WORDS = {
    "negative": "abandoned calls count as missed",
    "ignore": "calls abandoned within the threshold are left out",
    "positive": "calls abandoned within the threshold count as answered in time",
    "answered-only": "only answered calls count",
}


def company(name: str | None) -> str:
    """A row's company: None is the all-companies row."""
    return ALL_COMPANIES if name is None else name


def verdict(met: bool | None) -> str:
    return "no data" if met is None else "met" if met else "missed"


def label(key: str) -> str:
    """A column heading from the metric registry, with its unit: "ASA (s)", "SL %"."""
    metric = ANY_BY_KEY.get(key) or PEAK_BY_KEY.get(key)
    if metric is None:
        raise KeyError(f"{key} is not in the metric registry")
    return metric.label + (" (s)" if metric.unit == "seconds" else "")


def metric_name(key: str) -> str:
    """A metric in words, from the registry: "Average speed of answer"."""
    return ANY_BY_KEY[key].words


def named(key: str) -> str:
    """A metric in words with its unit: "Average speed of answer (s)", "Answer rate %"."""
    unit = ANY_BY_KEY[key].unit
    return metric_name(key) + (" (s)" if unit == "seconds" else " %" if unit == "pct" else "")


def value(key: str, v: Any) -> str:
    """A metric's value as every table shows it (by its registry unit), a ratio as "1.63×"."""
    if key in ANY_BY_KEY:
        return format_value(key, v)
    unit = PEAK_BY_KEY[key].unit
    if v is None:
        return NULL
    if unit == "ratio":
        return f"{v:.2f}×"
    if unit == "count" and float(v).is_integer():
        return count(int(v))
    return f"{v:.1f}"


def day(iso_day: str | None) -> str:
    """'2026-02-11' → 'Wed 11 Feb 2026'."""
    if not iso_day:
        return NULL
    d = date.fromisoformat(str(iso_day)[:10])
    return f"{WEEKDAYS[d.weekday()]} {d.day} {d:%b %Y}"


def moment(iso: str | None) -> str:
    """An ISO local time (with its offset) → 'Wed 11 Feb 2026, 10:00'."""
    if not iso:
        return NULL
    t = datetime.fromisoformat(iso)
    return f"{day(iso[:10])}, {t:%H:%M}"


def span(start_iso: str | None, end_iso: str | None) -> str:
    """'Wed 11 Feb 2026, 10:00–11:00' (the end's day when it is another day)."""
    if not start_iso or not end_iso:
        return moment(start_iso)
    end = datetime.fromisoformat(end_iso)
    same_day = start_iso[:10] == end_iso[:10] or end_iso[11:16] == "00:00"
    return f"{moment(start_iso)}–{end:%H:%M}" if same_day else f"{moment(start_iso)} – {moment(end_iso)}"


def sl_words(pct: float, threshold_s: int) -> str:
    """80, 20 → '80 % answered within 20 s'."""
    return f"{pct:g} % answered within {threshold_s} s"


def method_words(method: str, short_abandon_s: int | None) -> str:
    short = (f"; abandons within {short_abandon_s} s are left out" if short_abandon_s else "")
    return f"method {method}: {SL_METHOD_WORDS.get(method, method)}{short}"


def count(n: int | None) -> str:
    return format_value("offered", n)


def company_policy_short(report: dict[str, Any], name: str | None) -> int | None:
    """The short-abandon rule (seconds, 0 or None: none) that applies to a company."""
    found = company_policy(report, name)
    return (found or report["settings"]).get("short_abandon_s")


def target_name(report: dict[str, Any], t: dict[str, Any]) -> str:
    """ "Service level 90/30", "Answer rate": the metric a target row judges."""
    name = metric_name(t["metric"])
    if t["metric"] == "service_level_pct":
        found = scope_policy(report, t)
        if found:
            return f"{name} {found['service_level']}" + (" in business hours" if found.get("business_hours") else "")
    return name


def scope(t: dict[str, Any]) -> str:
    """ "queue billing", "segment VIP", "channel email"; a company's own target: "all its contacts"."""
    found = scope_of(t)
    return f"{found[0]} {found[1]}" if found else "all its contacts"


def _unit(metric: str) -> str:
    return "" if metric == "nps" else " %"


def goal(t: dict[str, Any]) -> str:
    words = "at least" if t["comparison"] == ">=" else "at most"
    return f"{words} {t['target']:g}{_unit(t['metric'])}"


def actual(t: dict[str, Any]) -> str:
    return NULL if t["actual"] is None else f"{t['actual']:.1f}{_unit(t['metric'])}"


def target_sentence(t: dict[str, Any]) -> dict[str, Any]:
    """A scorecard's target line: "Answer rate 89.8 % (target at least 90 %): missed"."""
    name = metric_name(t["metric"])
    where = scope_of(t)
    prefix = f"{where[0].capitalize()} {where[1]}: " if where else ""
    return {"text": f"{prefix}{name} {actual(t)} (target {goal(t)}): {verdict(t['met'])}", "met": t["met"]}


def interval(start_iso: str, minutes: int, tz: str) -> str:
    """An interval from its local start: 'Wed 11 Feb 2026, 10:00–11:00' (text.interval_end: DST-safe)."""
    return f"{moment(start_iso)}–{interval_end(start_iso, minutes, tz):%H:%M}"


def period(since: str | None, until: str | None) -> str:
    """A chosen period: whole days as 'Sun 1 Feb 2026 – Sat 28 Feb 2026', else the arrival times it
    takes ('from Sun 1 Feb 2026, 08:00 to before …'); an open end is said as such."""
    if since and (last := last_whole_day(since, until)):
        return day(since) if last == since[:10] else f"{day(since)} – {day(last)}"
    start = f"from {moment(since)}" if since else "from the first contact"
    end = f"to before {moment(until)}" if until else "to the last contact"
    return f"{start} {end}"
