"""Weeks and months (``by_week``, ``by_month``): every metric by_day carries, per ISO week and per month.

The week is the ISO 8601 week of the contact's local arrival day in the report time zone
("2026-W02": weeks start on Monday, week 1 holds the year's first Thursday, so 2025-12-29 is in
2026-W01); the month is the local arrival day's calendar month ("2026-04"). Both are added up from the
cells (slreport.metrics.cells) like every grouping, so a week's or a month's numbers are the sum of its
days in by_day; every week (month) from the first to the last day appears, empty ones with zeros (per
company only those with contacts past intervals.MAX_DENSE_CELLS, as by_day). Rows with company null are
all companies together.

by_week also carries ``rolling_4w_service_level_pct``: the service level of the four weeks ending with
that week, from the weeks' pooled service-level numerators and denominators (each contact judged by its
own company's policy, as everywhere), not a mean of the weekly percentages. The report's first three weeks
pool the weeks the report has (``rolling_4w_weeks``: 1, 2, 3, then 4): a report reads only its period.
Definitions: docs/reports.md ("Weeks and months").
"""

from __future__ import annotations

from typing import Any

from slreport.metrics.span import COMPANIES
from slreport.sections import schema as s
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, HtmlTable, Table
from slreport.sections.service_level import dense, key_table, metric_rows
from slreport.sections.text import chart_target, comparison_line, format_value, heading, of, table_settings

# Columns of the terminal, markdown and HTML tables (JSON and table files carry every metric).
WEEK_COLUMNS = ("offered", "answered", "abandoned", "service_level_pct", "rolling_4w_service_level_pct",
                "answer_rate_pct", "abandon_rate_pct", "asa_s")
MONTH_COLUMNS = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "abandon_rate_pct",
                 "asa_s", "aht_s")
ROLLING_WEEKS = 4
# The ISO year and week are those of the week's Thursday. Written with date_trunc, year and dayofyear
# rather than strftime's %G/%V, which Spark's date_format does not know (the same SQL runs there).
_MONDAY = "CAST(date_trunc('week', {day}) AS DATE)"
_THURSDAY = f"({_MONDAY} + 3)"
ISO_WEEK = (f"(CAST(year({_THURSDAY}) AS VARCHAR) || '-W' || "
            f"lpad(CAST((dayofyear({_THURSDAY}) - 1) // 7 + 1 AS VARCHAR), 2, '0'))")
MONTH = "(CAST(year({day}) AS VARCHAR) || '-' || lpad(CAST(month({day}) AS VARCHAR), 2, '0'))"
_DAYS = "(SELECT min(day) lo, max(day) hi FROM contacts_local), generate_series(lo, hi, INTERVAL 1 DAY) s(d)"


def calendar_grid(key: str, label: str) -> str:
    """Every week (or month) from the report's first day to its last, one row each."""
    return f"(SELECT DISTINCT {label.format(day='CAST(d AS DATE)')} AS {key} FROM {_DAYS})"


def calendar_cells(key: str, label: str) -> str:
    return f"(SELECT *, {label.format(day='day')} AS {key} FROM cells) c"


def calendar_rows(ctx: Context, key: str, label: str) -> list[dict[str, Any]]:
    """Every metric per ``key`` (week or month): all companies (company null), then each company."""
    grid, source = calendar_grid(key, label), calendar_cells(key, label)
    overall = [{"company": None} | r for r in metric_rows(ctx, [key], source, grid)]
    per_company = f"{COMPANIES} CROSS JOIN {grid}" if dense(ctx) else None
    return overall + metric_rows(ctx, ["company", key], source, per_company)


# The weeks' pooled service-level counts over the window of ROLLING_WEEKS weeks ending with each week
# of the report (a self-join on the Monday, portable to Spark). An empty window has no row (null).
ROLLING_SQL = """
WITH weekly AS (
  SELECT {company}week_start, sum(c.sl_numerator) AS n, sum(c.sl_denominator) AS d
  FROM (SELECT *, {monday} AS week_start FROM cells) c
  GROUP BY {company}week_start
), weeks AS (SELECT DISTINCT {grid_monday} AS week_start FROM {days})
SELECT {b_company}{week} AS week, slr_round(100 * sum(b.n) / NULLIF(sum(b.d), 0), 4) AS sl
FROM weeks a JOIN weekly b ON b.week_start BETWEEN a.week_start - {back} AND a.week_start
GROUP BY {b_company}a.week_start
"""


def rolling_sql(per_company: bool) -> str:
    return ROLLING_SQL.format(
        company="company, " if per_company else "", b_company="b.company, " if per_company else "",
        monday=_MONDAY.format(day="day"), grid_monday=_MONDAY.format(day="CAST(d AS DATE)"), days=_DAYS,
        week=ISO_WEEK.format(day="a.week_start"), back=7 * (ROLLING_WEEKS - 1))


def with_rolling(ctx: Context, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each week's row with its rolling service level and how many of the report's weeks it pools."""
    found = {(None, r["week"]): r["sl"] for r in ctx.rows(rolling_sql(False))}
    found |= {(r["company"], r["week"]): r["sl"] for r in ctx.rows(rolling_sql(True))}
    order = {week: i for i, week in enumerate(r["week"] for r in rows if r["company"] is None)}
    return [r | {"rolling_4w_service_level_pct": found.get((r["company"], r["week"])),
                 "rolling_4w_weeks": min(ROLLING_WEEKS, order[r["week"]] + 1)} for r in rows]


def compute_weeks(ctx: Context) -> dict[str, Any]:
    return {"by_week": with_rolling(ctx, calendar_rows(ctx, "week", ISO_WEEK))}


def compute_months(ctx: Context) -> dict[str, Any]:
    return {"by_month": calendar_rows(ctx, "month", MONTH)}


# --- views --------------------------------------------------------------------------------

def calendar_table(report: Report, key: str, columns: tuple[str, ...]) -> Table:
    settings = table_settings(report)
    rows = [[r[key], *(format_value(k, r[k]) for k in columns)] for r in of(report[f"by_{key}"], None)]
    return Table([key.capitalize(), *(heading(k, settings) for k in columns)], rows)


def several_months(report: Report) -> bool:
    """A one-month report's month is its total: the month table is shown from two months on."""
    return len(of(report.get("by_month") or [], None)) > 1


def weeks_text(report: Report, name: Escape) -> list[Block]:
    return [Block("By week", [calendar_table(report, "week", WEEK_COLUMNS)], note="all companies",
                  long_note="all companies, ISO weeks", table=True)] if report.get("by_week") else []


def months_text(report: Report, name: Escape) -> list[Block]:
    return [Block("By month", [calendar_table(report, "month", MONTH_COLUMNS)], note="all companies",
                  table=True)] if several_months(report) else []


def weeks_html(report: Report) -> list[HtmlBlock]:
    if not report.get("by_week"):
        return []
    table = calendar_table(report, "week", WEEK_COLUMNS)
    return [HtmlBlock("By week" + _all(report), [HtmlTable(table.headers, table.rows)], anchor="weeks",
                      intro=["ISO weeks (Monday to Sunday, local time); the first and last week may be partial. "
                             "SL 4 wk % is the service level of the four weeks ending with that week, counted "
                             "over all their calls together (the report's first weeks pool the weeks it has)."])]


def months_html(report: Report) -> list[HtmlBlock]:
    if not several_months(report):
        return []
    table = calendar_table(report, "month", MONTH_COLUMNS)
    return [HtmlBlock("By month" + _all(report), [HtmlTable(table.headers, table.rows)], anchor="months",
                      intro=["Calendar months of the local arrival day; the first and last month may be partial."])]


def _all(report: Report) -> str:
    return " (all companies)" if len(report["by_company"]) > 1 else ""


def weekly_series(report: Report, company: str | None) -> tuple[list[str], list[int], list[Any], list[Any]] | None:
    rows = sorted(of(report.get("by_week") or [], company), key=lambda r: r["week"])
    if len(rows) < 2 or not any(r["offered"] for r in rows):
        return None  # one week is the daily chart's story
    return ([r["week"] for r in rows], [r["offered"] for r in rows], [r["service_level_pct"] for r in rows],
            [r["rolling_4w_service_level_pct"] for r in rows])


def weeks_charts(report: Report, company: str | None) -> list[ChartSpec]:
    """Calls offered and service level by week (and its rolling 4 weeks) against the company's own target."""
    if (w := weekly_series(report, company)) is None:
        return []
    target, note = chart_target(report, company)
    return [ChartSpec("weekly", "calls offered and service level by week", "weekly_offered_sl",
                      (*w, target[0] if target else None),
                      {"threshold_s": target[1] if target else None} | comparison_line(report, company, "by_week"),
                      note=note)]



_ROWS_NOTE = "all companies (company null) then each company; every {what} from the first to the last day"
WEEKS_SECTION = Section(
    "weeks", "By week", ("by_week",), doc="docs/reports.md",
    schema={"by_week": s.metric_rows(
        _ROWS_NOTE.format(what="ISO week"), ["company", "week", "rolling_4w_service_level_pct", "rolling_4w_weeks"],
        company=s.COMPANY,
        week={"type": "string", "pattern": "^[0-9]{4}-W[0-5][0-9]$", "description": "ISO 8601 week, local time"},
        rolling_4w_service_level_pct=s.PCT,
        rolling_4w_weeks={"type": "integer", "minimum": 1, "maximum": ROLLING_WEEKS})},
    required=("by_week",), compute=compute_weeks, text=weeks_text, html=weeks_html, charts=weeks_charts,
    tables=key_table("by_week"),
)
MONTHS_SECTION = Section(
    "months", "By month", ("by_month",), doc="docs/reports.md",
    schema={"by_month": s.metric_rows(
        _ROWS_NOTE.format(what="month"), ["company", "month"], company=s.COMPANY,
        month={"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "calendar month, local"})},
    required=("by_month",), compute=compute_months, text=months_text, html=months_html,
    tables=key_table("by_month"),
)
