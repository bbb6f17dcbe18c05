"""How the sections write values as text: one formatting for every view."""

from __future__ import annotations

from typing import Any

from slreport.metrics.registry import ANY_BY_KEY
from slreport.options.hours import DAY_NAMES

NULL = "—"
# Between groups of thousands ("21 786"): a no-break space, so that a number is never broken over
# two lines of a terminal table, a markdown viewer or a page.
THOUSANDS = "\u00a0"
SPARK = "▁▂▃▄▅▆▇█"
# Weekday names as the views show them, Monday first (the JSON's weekday_hour keys are DAY_NAMES).
# Every table file (CSV, Parquet, Excel) writes its weekday column as these names too.
WEEKDAYS = tuple(day.capitalize() for day in DAY_NAMES)


def weekday_name(day: str) -> str:
    """The views' weekday name of a JSON weekday key: "wed" → "Wed"."""
    return WEEKDAYS[DAY_NAMES.index(day)]


def text(value: Any) -> str:
    return NULL if value is None else str(value)


def format_value(key: str, value: Any) -> str:
    """A metric's value as the tables show it (by its unit in the metric registry)."""
    if value is None:
        return NULL
    unit = ANY_BY_KEY[key].unit if key in ANY_BY_KEY else ""
    if unit in ("pct", "seconds", "score"):
        return f"{value:.1f}"
    if unit == "bool":
        return "met" if value else "missed"
    if unit == "count":
        return f"{value:,}".replace(",", THOUSANDS)
    if unit == "by_window":
        return " · ".join(f"{w} {NULL if v is None else f'{v:.1f}'}" for w, v in value.items())
    return str(value)


def heading(key: str, settings: dict[str, Any]) -> str:
    """A metric's column heading (settings: the report's, with ``aht_basis`` from its input)."""
    metric = ANY_BY_KEY[key]
    if key == "aht_s" and settings.get("aht_basis") == "talk":
        return "Avg talk (s)"
    if key == "target_met":
        if len({c["service_level"] for c in settings.get("companies", [])}) > 1:
            return "SL target"  # each company's own, see the caption
        return f"Target {settings['service_level']}"
    suffix = " (s)" if metric.unit == "seconds" else ""
    return metric.label + suffix


def table_settings(report: dict[str, Any]) -> dict[str, Any]:
    return report["settings"] | {"aht_basis": report["input"].get("aht_basis")}


def pct(v: float | None) -> str:
    return NULL if v is None else f"{v:.1f}"


def num(v: float | int | None) -> str:
    return NULL if v is None else f"{v:g}" if isinstance(v, int) else f"{v:.1f}"


def sparkline(values: list[float | int | None]) -> str:
    """One bar per value, scaled to the largest; zero and missing are the lowest bar."""
    top = max((v for v in values if v), default=0)
    if not top:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, int((v or 0) / top * (len(SPARK) - 1) + 0.5))] for v in values)


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (AHT 245 s → 4:05)."""
    if seconds is None:
        return NULL
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def interval_end(start_iso: str, minutes: int, tz: str) -> Any:
    """The local end of an interval: ``minutes`` of elapsed time after its start, at the wall time of
    the zone (aware-datetime arithmetic in one zone is wall-clock, an hour off across DST; and an
    offset is not a zone: the end may have another one)."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.fromisoformat(start_iso).astimezone(UTC) + timedelta(minutes=minutes)).astimezone(ZoneInfo(tz))


def interval_label(start_iso: str, minutes: int, tz: str) -> str:
    """'Mon 2026-01-05 09:00–10:00' in the report time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    start = datetime.fromisoformat(start_iso).astimezone(ZoneInfo(tz))
    return f"{WEEKDAYS[start.weekday()]} {start:%Y-%m-%d %H:%M}–{interval_end(start_iso, minutes, tz):%H:%M}"


def last_whole_day(since: str | None, until: str | None) -> str | None:
    """The last day of a period of whole local days (both bounds at midnight), as an ISO date; None
    when the period has an open end or a time of day."""
    from datetime import date, timedelta

    if since and until and since[10:19] == until[10:19] == "T00:00:00":
        return (date.fromisoformat(until[:10]) - timedelta(days=1)).isoformat()
    return None


def of(rows: list[dict[str, Any]], company: str | None) -> list[dict[str, Any]]:
    """The rows of one company (None: the all-companies rows)."""
    return [r for r in rows if r.get("company") == company]


def companies(report: dict[str, Any]) -> list[str]:
    return [r["company"] for r in report.get("by_company", []) if r.get("company") is not None]


def company_policy(report: dict[str, Any], company: str | None) -> dict[str, Any] | None:
    """The effective settings of one company (``settings.companies``); None for all companies."""
    if company is None:
        return None
    return next((c for c in report["settings"].get("companies", []) if c["company"] == company), None)


SCOPE_KINDS = ("queue", "segment", "channel")  # as slreport.metrics.policy.SCOPE_KINDS


def scope_of(row: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, name) of a scoped target row or scope policy ({"queue": "billing", …}), None for a company's own."""
    return next(((kind, str(row[kind])) for kind in SCOPE_KINDS if row.get(kind) is not None), None)


def scope_policy(report: dict[str, Any], target: dict[str, Any]) -> dict[str, Any] | None:
    """The effective settings of a target row's scope (``settings.companies[].scopes``), else its company's."""
    found = company_policy(report, target.get("company"))
    scope = scope_of(target)
    if found is None or scope is None:
        return found
    return next((p for p in found.get("scopes", []) if scope_of(p) == scope), None)


def sl_policy(report: dict[str, Any], company: str | None) -> tuple[float, int, str] | None:
    """(target %, threshold s, method) that judges a company's service level. For all companies
    (None): the one policy every company shares, else None (the total has no target of its own)."""
    s = report["settings"]
    if company is None:
        shared = {(c["service_level"], c["sl_method"]) for c in s.get("companies", []) if c.get("in_data", True)}
        if any(c.get("scopes") for c in s.get("companies", []) if c.get("in_data", True)):
            return None  # queues, segments or channels with their own policies: no one policy for all
        if len(shared) > 1:
            return None
        if not shared:
            return float(s["target_pct"]), int(s["threshold_s"]), str(s["sl_method"])
        sl, method = shared.pop()
    else:
        found = company_policy(report, company)
        if found is None:
            return float(s["target_pct"]), int(s["threshold_s"]), str(s["sl_method"])
        sl, method = found["service_level"], found["sl_method"]
    pct, threshold = str(sl).split("/")
    return float(pct), int(threshold), str(method)


def _own_policies(report: dict[str, Any]) -> list[tuple[float, int]]:
    """The distinct (target %, threshold s) of the companies with contacts, in order."""
    found = set()
    for c in report["settings"].get("companies", []):
        if c.get("in_data", True):  # its own policy, as sl_policy reads it (one pass: many companies)
            pct, threshold = str(c["service_level"]).split("/")
            found.add((float(pct), int(threshold)))
    return sorted(found)


def chart_target(report: dict[str, Any], company: str | None) -> tuple[tuple[float, int] | None, str]:
    """The SL target (%, threshold s) a chart of one company (None: all) draws, and else the note that
    says why none is drawn: the companies have their own, and the total has none (sl_policy)."""
    policy = sl_policy(report, company)
    if policy is not None:
        return (policy[0], policy[1]), ""
    own = ", ".join(f"{pct:g}/{threshold}" for pct, threshold in _own_policies(report))
    return None, f"no SL target drawn: companies have their own targets ({own})"


def chart_threshold(report: dict[str, Any], company: str | None) -> tuple[int | None, str]:
    """The SL threshold (s) a waits or patience chart of one company (None: all) draws, and else the
    note that says why none is drawn. All companies share one when every company's is the same."""
    policy = sl_policy(report, company)
    if policy is not None:
        return policy[1], ""
    thresholds = sorted({threshold for _, threshold in _own_policies(report)})
    if len(thresholds) == 1:
        return thresholds[0], ""
    listed = ", ".join(str(t) for t in thresholds[:-1]) + f" and {thresholds[-1]} s"
    return None, f"no SL threshold drawn: companies have their own thresholds ({listed})"


def comparison_line(report: dict[str, Any], company: str | None, key: str) -> dict[str, Any]:
    """With --compare: the comparison period's service level per week (or day) of ``company``, in
    its order from its first, to draw under the report's own from its first (chart kwargs)."""
    c = report.get("comparison")
    if not c or not c["has_data"]:
        return {}
    rows = sorted(of(c[key], company), key=lambda r: r[key[3:]])
    if not any(r["service_level_pct"] is not None for r in rows):
        return {}
    p = c["period"]
    return {"compare": [r["service_level_pct"] for r in rows], "compare_label": p["label"]}
