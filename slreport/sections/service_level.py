"""The service-level sections: summary, companies, targets, groups, hours and days.

Each is every metric family (slreport.metrics.cells) added up over the cells by its keys. The
terminal and markdown show them as one table (the groups, the total row "All", target marks)
and the hour table; report.html adds the scorecards. Definitions: README (metrics) and
docs/fcr-and-targets.md (targets).
"""

from __future__ import annotations

from typing import Any

from slreport.metrics import quality
from slreport.metrics.cells import by_source, metrics_sql
from slreport.metrics.intervals import dense_grids
from slreport.metrics.policy import company_policy, evaluate_targets
from slreport.metrics.span import COMPANIES
from slreport.names import chart_label
from slreport.sections import schema as s
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, HtmlTable, Item, Lines, Table, Text
from slreport.sections.text import (
    NULL,
    SCOPE_KINDS,
    chart_target,
    comparison_line,
    format_value,
    heading,
    of,
    scope_of,
    sl_policy,
    table_settings,
)

# Columns of the terminal and markdown tables (JSON and CSV carry every metric).
TABLE_METRICS = (
    "offered", "answered", "abandoned", "short_abandoned", "flowout", "service_level_pct",
    "target_met", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s", "max_wait_s",
)
# On a narrow terminal the first part of the table shows these, the rest follow in more parts.
NARROW_FIRST = ("offered", "service_level_pct", "target_met", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s")
# Shown after those when the data has them (the summary value is not null).
# (The quality KPIs have a table of their own: slreport.sections.quality.)
OPTIONAL_METRICS = ("fcr_pct", "nps", "csat_mean")
# Target rules beside their metrics; the service level has its own Target column.
MARKED_METRICS = ("answer_rate_pct", "abandon_rate_pct", "fcr_pct", "nps")
HOUR_METRICS = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "asa_s")
SCORECARD = ("offered", "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s")


def metric_rows(
    ctx: Context, keys: list[str], source: str = "cells c", grid: str | None = None
) -> list[dict[str, Any]]:
    """Every metric family grouped by ``keys`` over the cells ``source``: one row per group (and
    per row of ``grid``, see cells.rollup_sql)."""
    return ctx.rows(metrics_sql(ctx.settings, keys, source, grid))


# --- compute ------------------------------------------------------------------------------

def dense(ctx: Context) -> bool:
    """Whether per-company groupings list their empty groups too (not past MAX_DENSE_CELLS)."""
    return dense_grids(ctx.con, ctx.settings.interval_minutes, ctx.settings.timezone)


def summary(ctx: Context) -> dict[str, Any]:
    repeat = quality.repeat_callers(ctx.con, ())
    return {"summary": metric_rows(ctx, [])[0] | repeat.get((), quality.no_repeat_callers())}


def companies(ctx: Context) -> dict[str, Any]:
    # every company, also one whose contacts all arrived outside opening hours
    repeat = quality.repeat_callers(ctx.con)
    rows = [r | repeat.get((r["company"],), quality.no_repeat_callers())
            for r in metric_rows(ctx, ["company"], grid=COMPANIES)]
    for row in rows:
        if ctx.settings.scopes.get(row["company"]) and row["service_level_pct"] is not None:
            # its contacts follow several policies; the company's verdict is against its own target
            row["target_met"] = row["service_level_pct"] >= company_policy(ctx.settings, row["company"])["target_pct"]
    return {"by_company": rows}


# The scoped policies of the companies in the data (slreport.metrics.policy), each a group of the cells.
SCOPES = ("(SELECT policy_id FROM policy_settings WHERE scope_kind IS NOT NULL "
          f"AND policy_company IN {COMPANIES})")


def scope_rows(ctx: Context) -> list[dict[str, Any]]:
    """Every metric of each scoped policy over the contacts that follow it (their cells: policy_id),
    with the scope's company, kind and name."""
    names = {r["policy_id"]: r for r in ctx.rows(
        "SELECT policy_id, policy_company AS company, scope_kind, scope_name FROM policy_settings")}
    return [names[r["policy_id"]] | r for r in metric_rows(ctx, ["policy_id"], grid=f"{SCOPES} g")]


def targets(ctx: Context) -> dict[str, Any]:
    return {"targets": evaluate_targets(ctx.settings, ctx.report["by_company"], scope_rows(ctx))}


def groups(ctx: Context) -> dict[str, Any]:
    by = list(ctx.settings.by)
    if by == ["company"]:
        return {}
    repeat = quality.repeat_callers(ctx.con, tuple(by))
    rows = metric_rows(ctx, by, f"{by_source(ctx.settings.by)} c")
    return {"by_group": [r | repeat.get(tuple(r[k] for k in by), quality.no_repeat_callers()) for r in rows]}


def hours(ctx: Context) -> dict[str, Any]:
    """Hour-of-day profile over the whole period, all 24 hours present; company null = all (per
    company only the hours with contacts past intervals.MAX_DENSE_CELLS)."""
    per_company = f"{COMPANIES} CROSS JOIN range(24) h(hour)" if dense(ctx) else None
    overall = [{"company": None} | r for r in metric_rows(ctx, ["hour"], grid="range(24) h(hour)")]
    return {"by_hour": overall + metric_rows(ctx, ["company", "hour"], grid=per_company)}


def days(ctx: Context) -> dict[str, Any]:
    """One row per local calendar day from the first to the last, empty days included (per company
    only the days with contacts past intervals.MAX_DENSE_CELLS)."""
    grid = (
        "(SELECT CAST(d AS DATE) AS day FROM (SELECT min(day) lo, max(day) hi FROM contacts_local), "
        "generate_series(lo, hi, INTERVAL 1 DAY) s(d))"
    )
    overall = [{"company": None} | r for r in metric_rows(ctx, ["day"], grid=grid)]
    per_company = f"{COMPANIES} CROSS JOIN {grid}" if dense(ctx) else None
    return {"by_day": overall + metric_rows(ctx, ["company", "day"], grid=per_company)}


# --- the main table (terminal, markdown, HTML) ----------------------------------------------

def group_keys(report: Report) -> list[str]:
    return list(report["settings"]["by"])


def group_rows(report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = report["by_group"] if "by_group" in report else report["by_company"]
    return rows


def table_metrics(report: Report) -> list[str]:
    return list(TABLE_METRICS) + [m for m in OPTIONAL_METRICS if report["summary"].get(m) is not None]


def main_table(report: Report, name: Escape) -> Table:
    """The per-group table, total row last; group values (names from the data) through ``name``."""
    keys = group_keys(report)
    settings = table_settings(report)
    metrics = table_metrics(report)
    headers = [k.capitalize() for k in keys] + [heading(m, settings) for m in metrics]
    body = [[NULL if r.get(k) is None else name(str(r.get(k))) for k in keys]
            + [target_cell(report, r, m) for m in metrics] for r in group_rows(report)]
    total = ["All"] + [""] * (len(keys) - 1) + [format_value(m, report["summary"][m]) for m in metrics]
    first = [m for m in NARROW_FIRST if m in metrics]
    priority = tuple(len(keys) + metrics.index(m) for m in [*first, *(m for m in metrics if m not in first)])
    return Table(headers, [*body, total], align="l" * len(keys) + "r" * len(metrics), total=True, marked=True,
                 keys=len(keys), priority=priority)


def target_cell(report: Report, row: dict[str, Any], metric: str) -> str:
    """The formatted value, followed by "met" or "missed" when the row's company has a target for it."""
    text = format_value(metric, row[metric])
    if metric not in MARKED_METRICS or group_keys(report) != ["company"]:
        return text
    for t in report.get("targets", []):
        if t["company"] == row["company"] and t["metric"] == metric and t["met"] is not None:
            return f"{text} {'met' if t['met'] else 'missed'}"
    return text


def caption(report: Report) -> str:
    st, p = report["settings"], report["period"]
    short = f"short abandons ≤ {st['short_abandon_s']} s" if st["short_abandon_s"] else "no short-abandon rule"
    span = (f"{p['first_arrival'][:10]} .. {p['last_arrival'][:10]}" if p["first_arrival"] and p["last_arrival"]
            else "no contacts in the period")
    policy = sl_policy(report, None)
    sl = f"SL {policy[0]:g}/{policy[1]} ({policy[2]})" if policy else "SL: each company's own (below)"
    return f"{span} · {st['timezone']} · {sl} · {short} · counted by arrival time" + _hours_caption(st)


def _hours_caption(settings: dict[str, Any]) -> str:
    hours = settings.get("opening_hours") or {}
    if not (hours.get("hours") or hours.get("holidays_country") or hours.get("by_company")):
        return ""
    return " · contacts outside opening hours " + ("included" if settings.get("include_closed") else "excluded")


def policy_lines(report: Report, name: Escape) -> list[str]:
    """The effective settings per company, when a config file or a target makes them worth showing."""
    companies = report["settings"].get("companies", [])
    has_targets = any(t["metric"] != "service_level_pct" for t in report.get("targets", []))
    if not any(c["configured"] for c in companies) and not has_targets:
        return []
    return [line for c in companies for line in [_policy_line(c, name), *(
        _policy_line(scope | {"company": c["company"], "in_data": True}, name, f" {scope_of(scope)[0]} "  # type: ignore[index]
                     f"{name(scope_of(scope)[1])}")  # type: ignore[index]
        for scope in c.get("scopes", []))]]


def _policy_line(c: dict[str, Any], name: Escape, scope: str = "") -> str:
    short = f"short ≤ {c['short_abandon_s']} s" if c["short_abandon_s"] else "no short-abandon rule"
    targets = [
        f"{label} {sign} {c[key]:g}" for key, label, sign in (
            ("answer_rate_target", "answer %", "≥"), ("abandon_rate_max", "abandon %", "≤"),
            ("fcr_target", "FCR %", "≥"), ("nps_target", "NPS", "≥"),
        ) if c.get(key) is not None
    ]
    absent = "" if c["in_data"] else " (no contacts)"
    clock = " in business hours" if c.get("business_hours") else ""
    return f"{name(c['company'])}{scope}{absent}: SL {c['service_level']}{clock} ({c['sl_method']}), {short}" + (
        f"; targets {', '.join(targets)}" if targets else "")


def main_blocks(report: Report, name: Escape) -> list[Block]:
    policy = policy_lines(report, name)
    items: list[Item] = [Text(caption(report)), *([Lines(policy)] if policy else []), main_table(report, name)]
    return [Block(f"Service level by {', '.join(group_keys(report))}", items, table=True)]


def companies_text(report: Report, name: Escape) -> list[Block]:
    """The main table: the companies' rows, or with --by the groups' rows (by_group); then the targets
    of the companies' queues, segments and channels, when they have any (the targets section)."""
    return main_blocks(report, name) + targets_text(report, name)


def companies_html(report: Report) -> list[HtmlBlock]:
    """The main table in words: each company's own SL target and its result, "All companies" last."""
    keys = group_keys(report)
    if keys != ["company"]:
        table = main_table(report, str)
        return [HtmlBlock(f"Service level by {', '.join(keys)}", [HtmlTable(table.headers, table.rows, total=True)],
                          anchor="groups", place="main")]
    metrics = [m for m in table_metrics(report) if m != "target_met"]
    sl_at = metrics.index("service_level_pct") + 1
    headers = ["Company", *(words.label(m) for m in metrics)]
    headers[sl_at + 1:sl_at + 1] = ["SL target", "Result"]
    body = []
    for r in report["by_company"]:
        cells = [target_cell(report, r, m) for m in metrics]
        policy = sl_policy(report, r["company"])
        target = f"{policy[0]:g}/{policy[1]}" if policy else NULL
        cells[sl_at:sl_at] = [target, words.verdict(r.get("target_met"))]
        body.append([str(r["company"]), *cells])
    total = [format_value(m, report["summary"][m]) for m in metrics]
    total[sl_at:sl_at] = [NULL, "no target"]
    return [HtmlBlock("Service level by company", [HtmlTable(headers, [*body, [words.ALL_COMPANIES, *total]],
                                                             total=True)],
                      intro=["Each company is judged on its own targets (SL target: percent of calls answered "
                             "within seconds; the method is on its card). All companies is the total of every "
                             "company and has no target of its own."],
                      anchor="companies", place="main")]


# --- summary: the scorecards ----------------------------------------------------------------

def scorecards(report: Report) -> list[HtmlBlock]:
    """One card per company (and one for all when several), with its own targets met/missed."""
    several = len(report["by_company"]) > 1
    cards = [_total_card(report)] if several else []
    cards += [_company_card(report, r) for r in report["by_company"]]
    return [HtmlBlock("Summary", place="cards", cards=cards, anchor="summary")]


def _figures(row: dict[str, Any]) -> list[tuple[str, str]]:
    return [(words.named(k), format_value(k, row.get(k))) for k in SCORECARD]


def _total_card(report: Report) -> dict[str, Any]:
    return {"name": words.ALL_COMPANIES, "met": None, "headline": "Total of all companies: no target of its own",
            "method": "Each company is judged on its own targets (its card).",
            "figures": _figures(report["summary"]), "targets": []}


def _company_card(report: Report, row: dict[str, Any]) -> dict[str, Any]:
    company = row["company"]
    policy = sl_policy(report, company)
    met = row.get("target_met")
    if policy is None or row.get("service_level_pct") is None:
        headline = "No service level: no calls offered in opening hours"
    else:
        headline = f"Service level target {policy[0]:g}/{policy[1]}: {words.verdict(met)}"
    return {
        "name": str(company), "met": met, "headline": headline,
        "method": (f"{words.sl_words(policy[0], policy[1])}; "
                   f"{words.method_words(policy[2], words.company_policy_short(report, company))}")
        if policy else "",
        "figures": _figures(row),
        "targets": [words.target_sentence(t) for t in report.get("targets") or []
                    if t.get("company") == company and (t["metric"] != "service_level_pct" or scope_of(t))],
    }


def targets_html(report: Report) -> list[HtmlBlock]:
    """Every target of every company (and of its queues, segments and channels), as a sentence's parts:
    who, what, the goal, the actual, the result."""
    found = report.get("targets") or []
    if not found:
        return []
    scoped = any(scope_of(t) for t in found)
    rows = [[str(t["company"]), *([words.scope(t)] if scoped else []), words.target_name(report, t), words.goal(t),
             words.actual(t), words.verdict(t["met"])] for t in found]
    missed = sum(1 for t in found if t["met"] is False)
    intro = [f"{missed} of {len(found)} targets missed." if missed else f"All {len(found)} targets met."]
    if scoped:
        intro.append(SCOPED_WORDS)
    headers = ["Company", *(["Contacts"] if scoped else []), "Target", "Goal", "Actual", "Result"]
    return [HtmlBlock("Targets", [HtmlTable(headers, rows, text_columns=4 if scoped else 3)],
                      intro=intro, anchor="targets", place="main")]


SCOPED_WORDS = ("A queue, segment or channel with its own policy is judged on the contacts that follow it, under "
                "its own threshold: each contact follows its queue's policy, else its segment's, else its "
                "channel's, else its company's. A company's own targets count all its contacts, each judged "
                "by its own policy.")


def targets_text(report: Report, name: Escape) -> list[Block]:
    """The scoped targets (the companies' own are marked in the main table), one row each."""
    found = [t for t in report.get("targets") or [] if scope_of(t)]
    if not found:
        return []
    rows = [[name(str(t["company"])), f"{scope_of(t)[0]} {name(scope_of(t)[1])}",  # type: ignore[index]
             words.target_name(report, t), words.goal(t), words.actual(t),
             "met" if t["met"] else ("missed" if t["met"] is False else "no data")] for t in found]
    table = Table(["Company", "Scope", "Target", "Goal", "Actual", "Result"], rows, align="llllrr", marked=True,
                  keys=2)
    return [Block("Targets of queues, segments and channels", [Text(SCOPED_WORDS), table], table=True)]


def targets_table(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    """targets.csv (.parquet, .xlsx): every row with the same columns, the scope columns empty for a company's own."""
    found = report.get("targets") or []
    if not any(scope_of(t) for t in found):
        return {"targets": found} if found else {}
    return {"targets": [{"company": t["company"], **{k: t.get(k) for k in SCOPE_KINDS},
                         **{k: v for k, v in t.items() if k != "company" and k not in SCOPE_KINDS}} for t in found]}


# --- hours and days -------------------------------------------------------------------------

def hour_table(report: Report) -> Table:
    settings = table_settings(report)
    headers = ["Hour"] + [heading(m, settings) for m in HOUR_METRICS]
    hours = of(report["by_hour"], None)
    busy = [i for i, r in enumerate(hours) if r["offered"]]
    if busy:  # the quiet night hours before the first and after the last call say nothing
        hours = hours[busy[0]: busy[-1] + 1]
    body = [[f"{r['hour']:02d}"] + [format_value(m, r[m]) for m in HOUR_METRICS] for r in hours]
    return Table(headers, body, align="r" * len(headers))


def hours_text(report: Report, name: Escape) -> list[Block]:
    return [Block("By hour of day", [hour_table(report)], note="all companies",
                  long_note="all companies, whole period", table=True)]


def hours_html(report: Report) -> list[HtmlBlock]:
    table = hour_table(report)
    several = len(report["by_company"]) > 1
    return [HtmlBlock("By hour of day" + (" (all companies)" if several else ""),
                      [HtmlTable(table.headers, table.rows)], anchor="hours",
                      intro=["Calls offered over the whole period by the hour of the day they arrived (local "
                             "time), from the first hour with calls to the last."])]


DAY_METRICS = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s")


def days_html(report: Report) -> list[HtmlBlock]:
    """Every day of the period for all companies, unusual days named."""
    rows = of(report.get("by_day", []), None)
    if not rows:
        return []
    kinds = {str(r["day"])[:10]: r["kind"] for r in of((report.get("unusual_days") or {}).get("days", []), None)}
    body = [[words.day(r["day"]), kinds.get(str(r["day"])[:10], ""), *(words.value(m, r[m]) for m in DAY_METRICS)]
            for r in rows]
    headers = ["Day", "Unusual", *(words.label(m) for m in DAY_METRICS)]
    return [HtmlBlock("By day" + (" (all companies)" if len(report["by_company"]) > 1 else ""),
                      [HtmlTable(headers, body, text_columns=2)], anchor="days",
                      intro=["Every day from the first contact to the last (local dates); a day without calls "
                             "offered, such as a weekend or holiday, shows 0 and — for its rates."])]


def hourly_series(report: Report, company: str | None) -> tuple[list[int], list[int], list[Any]] | None:
    """Hours from the first to the last with calls (the empty night says nothing)."""
    rows = sorted(of(report.get("by_hour", []), company), key=lambda r: r["hour"])
    busy = [i for i, r in enumerate(rows) if r["offered"]]
    if not busy:
        return None
    rows = rows[busy[0]: busy[-1] + 1]
    return [r["hour"] for r in rows], [r["offered"] for r in rows], [r["service_level_pct"] for r in rows]


def daily_series(report: Report, company: str | None) -> tuple[list[str], list[int], list[Any]] | None:
    rows = sorted(of(report.get("by_day", []), company), key=lambda r: r["day"])
    if len(rows) < 2 or not any(r["offered"] for r in rows):
        return None  # one day is one bar: the hourly chart tells that day's story
    return [r["day"] for r in rows], [r["offered"] for r in rows], [r["service_level_pct"] for r in rows]


def unusual_days(report: Report, company: str | None) -> list[str]:
    """Busy and quiet days the unusual-days section flagged (``unusual_days.days``)."""
    section = report.get("unusual_days") or {}
    return [str(r["day"])[:10] for r in of(section.get("days", []), company)]


def hours_charts(report: Report, company: str | None) -> list[ChartSpec]:
    """The company's own SL target (all companies: the one they share, else none, said so)."""
    if (h := hourly_series(report, company)) is None:
        return []
    target, note = chart_target(report, company)
    return [ChartSpec("hourly", "calls offered and service level by hour of day", "hourly_offered_sl",
                      (*h, target[0] if target else None), {"threshold_s": target[1] if target else None},
                      note=note)]


def days_charts(report: Report, company: str | None) -> list[ChartSpec]:
    if (d := daily_series(report, company)) is None:
        return []
    target, note = chart_target(report, company)
    return [ChartSpec("daily", "calls offered and service level per day", "daily_offered_sl",
                      (*d, target[0] if target else None),
                      {"unusual": unusual_days(report, company), "threshold_s": target[1] if target else None}
                      | comparison_line(report, company, "by_day"), note=note)]


def overview_charts(report: Report) -> list[ChartSpec]:
    """Several companies: their service levels side by side, each against its own target and
    judged by its own verdict (``target_met``, as the tables and the JSON)."""
    rows = [r for r in report["by_company"] if r.get("company") is not None]
    if len(rows) < 2:
        return []
    policies = [sl_policy(report, str(r["company"])) for r in rows]
    return [ChartSpec("service-level", "Service level by company", "company_sl_overview", (
        [chart_label(str(r["company"])) for r in rows], [r["service_level_pct"] for r in rows],
        [r["offered"] for r in rows], [(p[0], p[1]) if p else None for p in policies],
        [r.get("target_met") for r in rows]))]


def key_table(key: str) -> Any:
    """The table-file view of a report key holding rows: a file of the same name."""
    def tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
        return {key: report[key]} if report.get(key) else {}
    return tables


# --- the sections -------------------------------------------------------------------------

METRICS_DEFS = {
    "count": {"type": "integer", "minimum": 0},
    "pct": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
    "seconds": {"type": ["number", "null"], "minimum": 0},
    "metrics": {
        "type": "object",
        "description": "Every metric family of one group (README, Metrics): counts, rates, times, FCR, scores",
        "required": ["offered", "answered", "abandoned", "short_abandoned", "flowout", "answered_within_threshold",
                     "abandoned_within_threshold", "service_level_pct", "answer_rate_pct", "abandon_rate_pct",
                     "asa_s", "aht_s", "max_wait_s", "target_met"],
        "properties": {
            "offered": s.COUNT, "answered": s.COUNT, "abandoned": s.COUNT, "short_abandoned": s.COUNT,
            "flowout": s.COUNT, "answered_within_threshold": s.COUNT, "abandoned_within_threshold": s.COUNT,
            "service_level_pct": s.PCT, "answer_rate_pct": s.PCT, "abandon_rate_pct": s.PCT,
            "asa_s": s.SECONDS, "aht_s": s.SECONDS, "max_wait_s": s.SECONDS,
            "target_met": {"type": ["boolean", "null"]},
            "fcr_pct": s.PCT, "fcr_method": {"enum": ["flag", "repeat", None]},
            "fcr_window_h": {"type": ["number", "null"]}, "fcr_judged": s.COUNT_OR_NULL,
            "fcr_censored": s.COUNT_OR_NULL,
            "fcr_unknown_caller_pct": s.PCT,
            "fcr_by_window": {"type": ["object", "null"], "additionalProperties": s.PCT},
            "nps": {"type": ["number", "null"], "minimum": -100, "maximum": 100}, "nps_responses": s.COUNT_OR_NULL,
            "csat_mean": {"type": ["number", "null"]}, "csat_top2_pct": s.PCT, "csat_responses": s.COUNT_OR_NULL,
            "transfer_rate_pct": s.PCT, "hold_rate_pct": s.PCT, "callback_share_pct": s.PCT,
            "repeat_caller_pct": s.PCT, "repeat_callers": s.COUNT, "identified_callers": s.COUNT,
        },
    },
}

SUMMARY = Section(
    "summary", "Scorecard", ("summary",), doc="README.md",
    schema={"summary": {"allOf": [s.METRICS], "description": "every metric family over all contacts counted"}},
    required=("summary",), defs=METRICS_DEFS, compute=summary, html=scorecards,
)
COMPANIES_SECTION = Section(
    "companies", "Service level by company", ("by_company",), doc="README.md",
    schema={"by_company": s.metric_rows("one row per company, also a company without contacts in hours",
                                        ["company"], company={"type": "string"})},
    required=("by_company",), compute=companies, text=companies_text, html=companies_html,
    overview_charts=overview_charts, tables=key_table("by_company"),
)
TARGETS = Section(
    "targets", "Targets", ("targets",), doc="docs/fcr-and-targets.md",
    schema={"targets": s.rows(s.obj(
        ["company", "metric", "comparison", "target", "actual", "met"],
        "one entry per company and metric with a target, then per scoped policy (the entry carries queue, "
        "segment or channel: judged on that scope's contacts under its own policy); met is null without data",
        company={"type": "string"}, queue={"type": "string"}, segment={"type": "string"},
        channel={"type": "string"}, metric={"type": "string"}, comparison={"enum": [">=", "<="]},
        target={"type": "number"}, actual={"type": ["number", "null"]}, met={"type": ["boolean", "null"]}))},
    required=("targets",), compute=targets, html=targets_html, tables=targets_table,  # text: companies_text
)
GROUPS = Section(
    "groups", "Service level by group", ("by_group",), doc="README.md",
    schema={"by_group": s.metric_rows("with --by other than company: one row per group (the --by keys first)", [])},
    compute=groups, tables=key_table("by_group"),  # its rows are the main table's (companies_text)
)
HOURS = Section(
    "hours", "By hour of day", ("by_hour",), doc="README.md",
    schema={"by_hour": s.metric_rows("24 hours of the day over the whole period, all companies (company null) "
                                     "then each company", ["company", "hour"], company=s.COMPANY,
                                     hour={"type": "integer", "minimum": 0, "maximum": 23})},
    required=("by_hour",), compute=hours, text=hours_text, html=hours_html, charts=hours_charts,
    tables=key_table("by_hour"),
)
DAYS = Section(
    "days", "By day", ("by_day",), doc="README.md",
    schema={"by_day": s.metric_rows("every local day from the first to the last, empty days included",
                                    ["company", "day"], company=s.COMPANY, day=s.DAY)},
    required=("by_day",), compute=days, html=days_html, charts=days_charts, tables=key_table("by_day"),
)
