"""Text of the staffing, patience and `slreport erlang` outputs: plain strings and table cells.

Rich-free, so that render.py (the only rich importer) stays one dispatch point and this text can
be tested on its own. Reads only the report dict (the JSON contract) or the calculator result.
"""

from __future__ import annotations

from typing import Any

from slreport import names

NULL = "—"


def _text(value: Any) -> str:
    return NULL if value is None else str(value)


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TERMINAL_WORST = 10


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (AHT 245 s → 4:05)."""
    if seconds is None:
        return NULL
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def interval_label(start_iso: str, minutes: int, tz: str) -> str:
    """'Mon 2026-01-05 09:00–10:00' in the report time zone (DST-safe: end = start + minutes)."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    start = datetime.fromisoformat(start_iso).astimezone(ZoneInfo(tz))
    # Elapsed time: aware-datetime arithmetic in one zone is wall-clock, an hour off across DST.
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(ZoneInfo(tz))
    return f"{WEEKDAY_NAMES[start.weekday()]} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def planner_line(row: dict[str, Any], minutes: int, tz: str) -> str:
    """'Mon 2026-01-05 09:00–10:00: 212 calls, AHT 4:05, need 17 (C) / 15 (A), seen 12, SL was 54 %'."""
    fallback = "*" if row["aht_source"] == "company" else ""
    sl = NULL if row["service_level_pct"] is None else f"{row['service_level_pct']:.0f} %"
    return (
        f"{interval_label(row['interval_start'], minutes, tz)}: {row['offered']} calls, "
        f"AHT {clock(row['aht_s'])}{fallback}, need {_text(row['required_c'])} (C) / {_text(row['required_a'])} (A), "
        f"seen {_text(row['agents_seen'])}, SL was {sl}"
    )


def worst_lines(report: dict[str, Any], limit: int = TERMINAL_WORST, name: names.Escape = names.visible) -> list[str]:
    st = report.get("staffing")
    if not st:
        return []
    rows = sorted(st["worst_understaffed"], key=lambda r: (r["gap_c"], r["interval_start"], r["company"]))[:limit]
    tz = report["settings"]["timezone"]
    return [f"{name(str(r['company']))} · {planner_line(r, st['interval_minutes'], tz)}" for r in rows]


def worst_heading(report: dict[str, Any], worst: list[str]) -> str:
    if worst:
        return "Most understaffed intervals:"
    companies = report["staffing"]["by_company"]
    if companies and all(c["seen_agent_hours"] is None for c in companies):
        return "The data names no agents: agents seen, and so understaffing, cannot be shown."
    return "No interval had fewer agents seen than needed."


def staffing_company_lines(report: dict[str, Any], name: names.Escape = names.visible) -> list[str]:
    st = report.get("staffing") or {}
    lines = []
    for c in st.get("by_company", []):
        seen = NULL if c["seen_agent_hours"] is None else f"{c['seen_agent_hours']:g}"
        lines.append(
            f"{name(str(c['company']))}: "
            f"peak need {_text(c['peak_required_c'])} (C) / {_text(c['peak_required_a'])} (A); "
            f"agent-hours needed {_text(c['required_agent_hours_c'])} (C) / {_text(c['required_agent_hours_a'])} (A), "
            f"seen {seen}; fewer seen than needed (C) in {c['understaffed_intervals_c']} of "
            f"{c['intervals_with_calls']} intervals with calls"
        )
    return lines


def patience_lines(report: dict[str, Any], name: names.Escape = names.visible) -> list[str]:
    lines = []
    for p in report.get("patience", []):
        median = NULL if p["median_patience_s"] is None else f"{p['median_patience_s']:g} s"
        points = "/".join(NULL if s["survival"] is None else f"{100 * s['survival']:.0f}" for s in p["survival"])
        times = "/".join(str(s["wait_s"]) for s in p["survival"])
        theta = NULL if p["theta_s"] is None else f"{p['theta_s']:.0f} s"
        who = name(p["company"]) if p["company"] else "All"
        lines.append(
            f"{who}: median patience {median}; still waiting at {times} s: {points} %; "
            f"θ (exponential) {theta}; {p['abandoned']} abandoned of {p['with_wait']} with a wait"
        )
    return lines


def staffing_caption(report: dict[str, Any]) -> str:
    st = report["staffing"]
    t = st["targets"]
    extra = [f"{k} {v:g}" for k, v in t.items() if k not in ("service_level", "shrinkage") and v is not None]
    return (
        f"targets: SL {t['service_level']}{', ' + ', '.join(extra) if extra else ''}; "
        f"C = Erlang C, A = Erlang A with the company's θ; seen = distinct agents who answered; "
        f"* = company mean AHT (fewer than {st['min_aht_calls']} answered in the interval)"
    )


def staffing_markdown(report: dict[str, Any], name: names.Escape = names.visible) -> str:
    if "staffing" not in report:
        return ""
    worst = worst_lines(report, name=name)
    parts = [
        f"## Staffing ({report['staffing']['interval_minutes']}-minute intervals)\n\n{staffing_caption(report)}\n",
        "\n".join(f"- {line}" for line in staffing_company_lines(report, name)) + "\n",
        worst_heading(report, worst) + ("\n\n" + "\n".join(f"- {line}" for line in worst) if worst else "") + "\n",
        "## Patience (Kaplan–Meier)\n\n" + "\n".join(f"- {line}" for line in patience_lines(report, name)) + "\n",
    ]
    return "\n".join(parts) + "\n"


# --- `slreport erlang` ----------------------------------------------------------------------

ERLANG_COLUMNS = (
    ("agents", "Agents"), ("scheduled", "Scheduled"), ("p_wait", "P(wait)"), ("service_level_pct", "SL %"),
    ("asa_s", "ASA (s)"), ("occupancy_pct", "Occupancy %"), ("p_abandon", "P(abandon)"),
)


def erlang_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    cols = [c for c in ERLANG_COLUMNS if c[0] != "p_abandon" or result["model"] == "erlang_a"]
    best = result["recommended"]["agents"]
    headers = [label for _, label in cols] + [""]
    body = [[_erlang_cell(k, r[k]) for k, _ in cols] + ["◀ recommended" if r["agents"] == best else ""]
            for r in result["table"]]
    return headers, body


def _erlang_cell(key: str, value: Any) -> str:
    if value is None:
        return NULL
    if key in ("p_wait", "p_abandon"):
        return f"{value:.4f}"
    if key in ("service_level_pct", "occupancy_pct", "asa_s"):
        return f"{value:.1f}"
    return str(value)


def erlang_summary(result: dict[str, Any]) -> str:
    i, rec, t = result["inputs"], result["recommended"], result["targets"]
    model = "Erlang C" if result["model"] == "erlang_c" else f"Erlang A (mean patience {i['patience_s']:g} s)"
    head = (f"{model}: {i['calls']:g} calls per {i['interval_s'] / 60:g} min, AHT {i['aht_s']:g} s "
            f"= {i['traffic_erlangs']:g} Erlangs")
    if i["calls"] == 0:
        return head + "\nNo calls: no agents needed."
    wanted = [f"SL {t['service_level']}"] if t["service_level"] else []
    wanted += [f"{label} ≤ {t[key]:g}" for key, label in (
        ("max_asa_s", "ASA (s)"), ("max_p_wait", "P(wait)"), ("max_abandon", "P(abandon)"),
        ("max_occupancy", "occupancy")) if t[key] is not None]
    return head + (f"\nRecommended: {rec['agents']} agents on the phones, {rec['scheduled']} scheduled "
                   f"(shrinkage {100 * t['shrinkage']:g} %), the fewest meeting {', '.join(wanted)}")
