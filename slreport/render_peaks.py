"""The "Peaks" section of the terminal and markdown reports, as plain text and table rows.

No rich here: render.py prints these blocks, so the terminal and markdown cannot drift.
One block per company: hour-profile sparkline, busy hours, peak-to-average, the top
intervals, the unusual days and the contacts outside opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slreport import names
from slreport.metrics.registry import BY_KEY, PEAK_BY_KEY

NULL = "—"
SPARK = "▁▂▃▄▅▆▇█"


@dataclass
class PeaksBlock:
    title: str
    lines: list[str]
    tables: list[tuple[str, list[str], list[list[str]]]]  # (title, headers, rows)


def sparkline(values: list[float | int | None]) -> str:
    """One bar per value, scaled to the largest; zero and missing are the lowest bar."""
    top = max((v for v in values if v), default=0)
    if not top:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, int((v or 0) / top * (len(SPARK) - 1) + 0.5))] for v in values)


def peaks_blocks(report: dict[str, Any], name: names.Escape = names.visible) -> list[PeaksBlock]:
    """A block per company; its name in the title made safe for the medium by ``name``."""
    if "peaks" not in report:
        return []
    return [_block(report, row["company"], name) for row in report["by_company"]]


def _of(rows: list[dict[str, Any]], company: str | None) -> list[dict[str, Any]]:
    return [r for r in rows if r["company"] == company]


def _pct(v: float | None) -> str:
    return NULL if v is None else f"{v:.1f}"


def _num(v: float | int | None) -> str:
    return NULL if v is None else f"{v:g}" if isinstance(v, int) else f"{v:.1f}"


def _block(report: dict[str, Any], company: str, name: names.Escape) -> PeaksBlock:
    profile = _of(report["hour_profile"], company)
    lines = [f"hour profile 00-23 (mean offered per open day): {sparkline([r['offered_per_day'] for r in profile])}"]
    lines += _busy_lines(report, company)
    lines.append(_unusual_line(report, company))
    lines.append(_outside_line(report, company))
    tables = [_top_table(report, company), _unusual_table(report, company)]
    return PeaksBlock(f"Peaks: {name(str(company))}", lines, [t for t in tables if t[2]])


def _busy_lines(report: dict[str, Any], company: str) -> list[str]:
    out = []
    tc = _of(report["busy_hour"]["time_consistent"], company)
    if tc:
        t = tc[0]
        out.append(f"time-consistent busy hour {t['hour']:02d}:00-{t['hour'] + 1:02d}:00: "
                   f"{_num(t['offered_per_day'])} offered per open day, SL {_pct(t['service_level_pct'])} %")
    days = _of(report["busy_hour"]["sliding_60min_by_day"], company)
    if days:
        b = min(days, key=lambda r: (-r["arrivals"], r["window_start"]))
        out.append(f"busiest 60 minutes (sliding): {b['window_start'][:16].replace('T', ' ')}"
                   f"-{b['window_end'][11:16]}, {b['arrivals']} arrivals "
                   f"(that day's busiest clock hour, {b['busiest_clock_hour']:02d}:00, "
                   f"had {b['busiest_clock_hour_arrivals']})")
    p2a = _of(report["peak_to_average"]["by_company"], company)
    if p2a and p2a[0]["ratio"] is not None:
        p = p2a[0]
        out.append(f"peak/average {p['ratio']:.2f}: peak interval {p['peak_offered']} offered / "
                   f"mean {_num(p['mean_offered_per_open_interval'])} per open interval ({p['open_intervals']})")
    return out


def _unusual_line(report: dict[str, Any], company: str) -> str:
    found = _of(report["unusual_days"]["by_company"], company)
    if not found:
        return "unusual days: none judged (no open day in the period)"
    c = found[0]
    return (f"unusual days: {c['busy_days']} busy, {c['quiet_days']} quiet of {c['judged_days']} judged "
            f"({c['open_days']} open days; a day needs 2+ same weekdays in the 4 weeks before)")


def _outside_line(report: dict[str, Any], company: str) -> str:
    oh = report["outside_hours"]
    if not oh["opening_hours_given"]:
        return "outside opening hours: no opening hours given, every contact counts as in hours"
    row = _of(oh["by_company"], company)[0]
    where = "included in" if oh["included_in_service_level"] else "not counted in"
    return (f"outside opening hours: {row['outside_hours']} of {row['contacts']} contacts "
            f"({_pct(row['share_pct'])} %, {where} service level), by hour {sparkline(row['by_hour'])}")


def _top_table(report: dict[str, Any], company: str) -> tuple[str, list[str], list[list[str]]]:
    minutes = report["by_interval_summary"]["interval_minutes"]
    rows = [[str(r["rank"]), r["interval_start"][:16].replace("T", " "), str(r["offered"]),
             _pct(r["service_level_pct"]), _num(r["asa_s"])] for r in _of(report["peaks"], company)]
    return f"Top {minutes}-minute intervals", ["#", "Start", "Offered", "SL %", "ASA (s)"], rows


def _unusual_table(report: dict[str, Any], company: str) -> tuple[str, list[str], list[list[str]]]:
    k = report["unusual_days"]["factor"]
    rows = [[r["day"], r["weekday"], r["kind"], str(r["offered"]), _num(r["baseline_offered"]),
             f"{r['ratio']:.2f}×", _pct(r["service_level_pct"])] for r in _of(report["unusual_days"]["days"], company)]
    title = f"Unusual days (k = {k:g}; normal = weekday median)"
    labels = [BY_KEY["offered"].label, PEAK_BY_KEY["baseline_offered"].label, PEAK_BY_KEY["ratio"].label]
    return title, ["Day", "Wd", "Kind", *labels, "SL %"], rows
