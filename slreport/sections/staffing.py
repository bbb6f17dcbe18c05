"""Staffing: agents needed by Erlang C and Erlang A per company and interval, against the agents
seen (slreport.metrics.staffing). Computed after the single contacts are freed: it reads the
interval tables, and Erlang A takes each company's patience from the patience section.
Definitions: docs/staffing.md.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slreport.metrics.staffing import staffing_sections
from slreport.sections import schema as s
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, HtmlTable, Item, Lines, Text
from slreport.sections.text import NULL, WEEKDAYS, clock, interval_label, of
from slreport.sections.text import text as _text

TERMINAL_WORST = 10


def compute(ctx: Context) -> dict[str, Any]:
    found = staffing_sections(ctx.con, ctx.settings, ctx.tables, ctx.report["patience"])
    return {"staffing": found["staffing"], "staffing_profile": found["staffing_profile"]}


def planner_line(row: dict[str, Any], minutes: int, tz: str) -> str:
    """'Mon 2026-01-05 09:00–10:00: 212 calls, AHT 4:05, need 17 (C) / 15 (A), seen 12, SL was 54 %'."""
    fallback = "*" if row["aht_source"] == "company" else ""
    sl = NULL if row["service_level_pct"] is None else f"{row['service_level_pct']:.0f} %"
    return (
        f"{interval_label(row['interval_start'], minutes, tz)}: {row['offered']} calls, "
        f"AHT {clock(row['aht_s'])}{fallback}, need {_text(row['required_c'])} (C) / {_text(row['required_a'])} (A), "
        f"seen {_text(row['agents_seen'])}, SL was {sl}"
    )


def worst_rows(st: dict[str, Any]) -> list[dict[str, Any]]:
    """The most understaffed intervals, largest gap (agents seen − needed, C) first."""
    return sorted(st["worst_understaffed"], key=lambda r: (r["gap_c"], r["interval_start"], r["company"]))


def worst_lines(report: Report, name: Escape, limit: int = TERMINAL_WORST) -> list[str]:
    st = report.get("staffing")
    if not st:
        return []
    rows = worst_rows(st)[:limit]
    tz = report["settings"]["timezone"]
    return [f"{name(r['company'])} · {planner_line(r, st['interval_minutes'], tz)}" for r in rows]


def worst_heading(report: Report, worst: list[str]) -> str:
    if worst:
        return "Most understaffed intervals:"
    companies = report["staffing"]["by_company"]
    if companies and all(c["seen_agent_hours"] is None for c in companies):
        return "The data names no agents: agents seen, and so understaffing, cannot be shown."
    return "No interval had fewer agents seen than needed."


def company_lines(report: Report, name: Escape) -> list[str]:
    lines = []
    for c in (report.get("staffing") or {}).get("by_company", []):
        seen = NULL if c["seen_agent_hours"] is None else f"{c['seen_agent_hours']:g}"
        lines.append(
            f"{name(c['company'])} (SL {c['service_level']}): peak need {_text(c['peak_required_c'])} (C) / "
            f"{_text(c['peak_required_a'])} (A); "
            f"agent-hours needed {_text(c['required_agent_hours_c'])} (C) / {_text(c['required_agent_hours_a'])} (A), "
            f"seen {seen}; fewer seen than needed (C) in {c['understaffed_intervals_c']} of "
            f"{c['intervals_with_calls']} intervals with calls"
        )
    return lines


def _sl_targets(report: Report) -> str:
    """The service level staffed for: one for every company, or each company's own (its line)."""
    found = {c["service_level"] for c in report["staffing"]["by_company"]}
    return f"SL {found.pop()}" if len(found) == 1 else "each company's own SL (its line)"


def caption(report: Report) -> str:
    st = report["staffing"]
    t = st["targets"]
    extra = [f"{k} {v:g}" for k, v in t.items() if k not in ("service_level", "shrinkage") and v is not None]
    return (
        f"targets: {_sl_targets(report)}{', ' + ', '.join(extra) if extra else ''}; "
        f"C = Erlang C, A = Erlang A with the company's θ; seen = distinct agents who answered "
        f"(a lower bound of the agents there); "
        f"* = company mean AHT (fewer than {st['min_aht_calls']} answered in the interval)"
    )


def text(report: Report, name: Escape) -> list[Block]:
    if "staffing" not in report:
        return []
    worst = worst_lines(report, name)
    items: list[Item] = [Text(caption(report)), Lines(company_lines(report, name)), Text(worst_heading(report, worst)),
             Lines(worst, level=2)]
    return [Block("Staffing", items, note=f"{report['staffing']['interval_minutes']}-minute intervals")]


HTML_WORST = 10
SEEN_MEANING = (
    "Agents seen are the distinct agents who answered at least one of the company's calls in the interval. "
    "It is a lower bound of the agents who were there: an agent who was logged in but answered none of its "
    "calls (idle, on other companies' calls, on a break) is not in the data. So \"seen ≥ needed\" does not "
    "show that the interval was well staffed, while \"seen < needed\" with a missed service level points to "
    "too few agents.")


def html(report: Report) -> list[HtmlBlock]:
    """Staffing in words: each company's need against what was seen, the worst intervals, and what
    "agents seen" can and cannot say."""
    st = report.get("staffing")
    if not st:
        return []
    minutes = st["interval_minutes"]
    headers = ["Company", "SL target", "Peak agents needed (C / A)", "Agent-hours needed (C / A)",
               "Agent-hours seen (at least)", "Intervals with fewer seen than needed (C)"]
    rows = [[str(c["company"]), str(c["service_level"]),
             f"{_text(c['peak_required_c'])} / {_text(c['peak_required_a'])}",
             f"{_hours(c['required_agent_hours_c'])} / {_hours(c['required_agent_hours_a'])}",
             _hours(c["seen_agent_hours"]),
             f"{c['understaffed_intervals_c']} of {c['intervals_with_calls']}"] for c in st["by_company"]]
    tables = [HtmlTable(headers, rows, text_columns=2)]
    worst = worst_rows(st)
    tz = report["settings"]["timezone"]
    if worst:
        tables.append(HtmlTable(
            ["Company", "Interval (local time)", "Calls", "AHT", "Agents needed (C / A)", "Agents seen", "SL %"],
            [[str(r["company"]), words.interval(r["interval_start"], minutes, tz), words.count(r["offered"]),
              clock(r["aht_s"]) + ("*" if r["aht_source"] == "company" else ""),
              f"{_text(r['required_c'])} / {_text(r['required_a'])}", _text(r["agents_seen"]),
              words.value("service_level_pct", r["service_level_pct"])] for r in worst[:HTML_WORST]],
            title="Most understaffed intervals", text_columns=2))
    intro = [f"Agents needed per {minutes}-minute interval to meet each company's own service-level target, by "
             "Erlang C (callers never hang up) and Erlang A (callers hang up after their patience, see Patience), "
             "from the interval's calls and handle time.", SEEN_MEANING]
    notes = [worst_heading(report, [])] if not worst else [
        f"* AHT is the company's mean: fewer than {st['min_aht_calls']} calls were answered in the interval."]
    return [HtmlBlock("Staffing", tables, intro=intro, notes=notes, anchor="staffing")]


def _hours(v: float | None) -> str:
    return NULL if v is None else words.count(round(v))


def staffing_rows(report: Report, company: str | None) -> list[tuple[str, Any, Any]] | None:
    """The average week of ``staffing_profile``: per weekday and time slot with calls, agents
    needed (Erlang C, from the slot's mean volume) and the mean of agents seen."""
    rows = [r for r in of(report.get("staffing_profile", []), company) if r.get("mean_offered")]
    if company is None or not rows:
        return None  # staffing is per company: agents do not add up across companies
    return [(f"{r['weekday']} {r['time']}", r.get("required_c"), r.get("mean_agents_seen")) for r in rows]


def charts(report: Report, company: str | None) -> list[ChartSpec]:
    """The average week; a period that holds each slot once (one day) is shown as its intervals."""
    if (r := staffing_rows(report, company)) is None:
        return []
    slots = [x for x in of(report.get("staffing_profile", []), company) if x.get("mean_offered")]
    once = all(x.get("intervals") == 1 for x in slots)
    what, xlabel = (("agents needed vs agents seen per interval", "interval with calls (local time, start)") if once
                    else ("agents needed vs agents seen in an average week",
                          "weekday and time slot with calls (local time; mean over the period)"))
    staffed = (report.get("staffing") or {}).get("by_company", [])
    own = next((c["service_level"] for c in staffed if c["company"] == company), None)
    kwargs = {"xlabel": xlabel, "needed_label": f"agents needed for SL {own} (Erlang C)" if own
              else "agents needed for the target (Erlang C)"}
    no_agents = all(row[2] is None for row in r)
    return [ChartSpec("staffing", what, "agents_needed_vs_seen", (r,), kwargs,
                      note="the data names no agents: agents seen not shown" if no_agents else "")]


def tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"staffing_profile": report["staffing_profile"]} if report.get("staffing_profile") else {}
    if "staffing" in extra:
        found["staffing"] = partial(named_weekdays, extra["staffing"])
    return found


def named_weekdays(staffing: Any) -> Any:
    """The per-interval table (a pyarrow Table, or a function building one) with its ISO weekday
    numbers (1 = Monday) written as the names every table file uses ("Mon", as staffing_profile)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = staffing() if callable(staffing) else staffing
    index = table.schema.get_field_index("weekday")
    names = pc.take(pa.array(WEEKDAYS), pc.subtract(table.column(index), 1))
    return table.set_column(index, "weekday", names)


AGENTS = {"$ref": "#/$defs/agents"}
STAFFING_DEFS = {
    "agents": {"type": ["integer", "null"], "minimum": 0},
    "staffing_row": s.obj(
        ["company", "interval_start", "offered", "answered", "abandoned", "service_level_pct", "aht_s", "aht_source",
         "theta_s", "required_c", "required_a", "scheduled_c", "scheduled_a", "agents_seen", "gap_c", "gap_a"],
        aht_source={"enum": ["interval", "company", None]}, required_c=AGENTS, required_a=AGENTS,
        agents_seen=AGENTS),
}
STAFFING = Section(
    "staffing", "Staffing", ("staffing", "staffing_profile"), doc="docs/staffing.md",
    schema={
        "staffing": s.obj(
            ["targets", "interval_minutes", "min_aht_calls", "by_company", "totals", "worst_understaffed"],
            "Agents required by Erlang C and Erlang A per company and interval against agents seen; the full "
            "per-interval table is written beside the report, this is its summary.",
            targets=s.obj(["service_level", "max_asa_s", "max_p_wait", "max_abandon", "max_occupancy", "shrinkage"]),
            interval_minutes={"enum": [15, 30, 60]}, min_aht_calls={"type": "integer", "minimum": 1},
            by_company=s.rows(s.obj(
                ["company", "service_level", "intervals", "intervals_with_calls", "theta_s", "peak_required_c",
                 "peak_required_a", "required_agent_hours_c", "required_agent_hours_a", "seen_agent_hours",
                 "understaffed_intervals_c", "understaffed_intervals_a"])),
            totals={"type": "object"},
            worst_understaffed=s.rows({"$ref": "#/$defs/staffing_row"})),
        "staffing_profile": s.rows(s.obj(
            ["company", "weekday", "time", "intervals", "mean_offered", "aht_s", "aht_source", "required_c",
             "required_a", "scheduled_c", "scheduled_a"],
            weekday={"enum": list(WEEKDAYS)}, time={"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            mean_offered={"type": "number", "minimum": 0}, aht_source={"enum": ["slot", "company", None]},
            required_c=AGENTS, required_a=AGENTS), "the average week: per company, weekday and time of day"),
    },
    required=("staffing", "staffing_profile"), defs=STAFFING_DEFS, compute=compute, after_contacts=True,
    text=text, html=html, charts=charts, tables=tables,
)
