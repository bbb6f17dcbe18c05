"""Weekly totals (``by_week``): offered, answered, abandoned and service level per ISO week.

The week is the ISO 8601 week of the contact's local arrival day in the report time zone
("2026-W02": weeks start on Monday, week 1 holds the year's first Thursday, so 2025-12-29 is in
2026-W01). Added up from the cells (slreport.metrics.cells) like every grouping, so a week's
numbers are the sum of its days in by_day; every week from the first to the last day appears,
empty weeks with zeros (per company only weeks with contacts past
intervals.MAX_DENSE_CELLS, as by_day). Rows with company null are all companies together. Definitions:
docs/reports.md ("Weekly totals").
"""

from __future__ import annotations

from typing import Any

from slreport.metrics.service_level import service_level_sql
from slreport.metrics.span import COMPANIES
from slreport.sections import schema as s
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, Escape, HtmlBlock, HtmlTable, Table
from slreport.sections.service_level import dense, key_table
from slreport.sections.text import format_value, heading, of, table_settings

COLUMNS = ("offered", "answered", "abandoned", "service_level_pct")
# The ISO year and week are those of the week's Thursday. Written with date_trunc, year and dayofyear
# rather than strftime's %G/%V, which Spark's date_format does not know (the same SQL runs there).
_THURSDAY = "(CAST(date_trunc('week', {day}) AS DATE) + 3)"
ISO_WEEK = (f"(CAST(year({_THURSDAY}) AS VARCHAR) || '-W' || "
            f"lpad(CAST((dayofyear({_THURSDAY}) - 1) // 7 + 1 AS VARCHAR), 2, '0'))")
WEEKS = (
    "(SELECT DISTINCT " + ISO_WEEK.format(day="CAST(d AS DATE)") + " AS week "
    "FROM (SELECT min(day) lo, max(day) hi FROM contacts_local), generate_series(lo, hi, INTERVAL 1 DAY) s(d))"
)
CELLS_BY_WEEK = "(SELECT *, " + ISO_WEEK.format(day="day") + " AS week FROM cells) c"


def compute(ctx: Context) -> dict[str, Any]:
    def weekly(keys: list[str], grid: str | None) -> list[dict[str, Any]]:
        found = ctx.rows(service_level_sql(ctx.settings, keys, CELLS_BY_WEEK, grid))
        return [{"company": r.get("company"), "week": r["week"]} | {k: r[k] for k in COLUMNS} for r in found]

    per_company = f"{COMPANIES} CROSS JOIN {WEEKS}" if dense(ctx) else None
    return {"by_week": weekly(["week"], WEEKS) + weekly(["company", "week"], per_company)}


def week_table(report: Report) -> Table:
    settings = table_settings(report)
    rows = [[r["week"], *(format_value(k, r[k]) for k in COLUMNS)] for r in of(report["by_week"], None)]
    return Table(["Week", *(heading(k, settings) for k in COLUMNS)], rows)


def text(report: Report, name: Escape) -> list[Block]:
    return [Block("By week", [week_table(report)], note="all companies", long_note="all companies, ISO weeks",
                  table=True)] if report.get("by_week") else []


def html(report: Report) -> list[HtmlBlock]:
    if not report.get("by_week"):
        return []
    table = week_table(report)
    return [HtmlBlock("By week (all companies)", [HtmlTable(table.headers, table.rows)], anchor="weeks",
                      intro=["ISO weeks (Monday to Sunday, local time); the first and last week may be partial."])]


WEEKS_SECTION = Section(
    "weeks", "By week", ("by_week",), doc="docs/reports.md",
    schema={"by_week": s.rows(s.obj(
        ["company", "week", *COLUMNS], company=s.COMPANY,
        week={"type": "string", "pattern": "^[0-9]{4}-W[0-5][0-9]$", "description": "ISO 8601 week, local time"},
        offered=s.COUNT, answered=s.COUNT, abandoned=s.COUNT, service_level_pct=s.PCT),
        "every ISO week from the first to the last day, all companies (company null) then each company")},
    required=("by_week",), compute=compute, text=text, html=html, tables=key_table("by_week"),
)
