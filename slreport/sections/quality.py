"""Quality KPIs: transfer rate, hold rate, callback share and repeat-caller rate, where the export carries
the fields. Their values are columns of every metrics row (slreport.metrics.quality; the repeat-caller rate
in summary and by_company only); this section says which of them the data cannot carry, and why, so that
a KPI left out is never mistaken for 0. Definitions: docs/quality.md."""

from __future__ import annotations

from typing import Any

from slreport.metrics.quality import not_in_data
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, Escape, HtmlBlock, HtmlTable, Item, Lines, Table, Text
from slreport.sections.text import format_value, heading


def compute(ctx: Context) -> dict[str, Any]:
    return {"quality": {"not_in_data": not_in_data(ctx.report["summary"])}}


KPIS = ("transfer_rate_pct", "hold_rate_pct", "callback_share_pct", "repeat_caller_pct")
DEFINED = ("Transfers and holds are shares of answered contacts, callbacks of contacts offered, repeat callers of "
           "the identified callers of the period (docs/quality.md).")
LEFT_OUT = "Left out because the export does not carry the fields they need (they are not 0)"


def _lines(report: Report) -> list[str]:
    missing = (report.get("quality") or {}).get("not_in_data") or {}
    return [f"{words.metric_name(key)}: {why}" for key, why in missing.items()]


def _shown(report: Report) -> list[str]:
    return [k for k in KPIS if report["summary"].get(k) is not None]


def _rows(report: Report, company: Escape) -> list[list[str]]:
    """One row per company (the All row when several) of the KPIs the data carries."""
    shown = _shown(report)
    rows = [[company(str(r["company"])), *(format_value(k, r.get(k)) for k in shown)] for r in report["by_company"]]
    if len(rows) > 1:
        rows.append(["All", *(format_value(k, report["summary"].get(k)) for k in shown)])
    return rows


def text(report: Report, name: Escape) -> list[Block]:
    """The KPIs the data carries, per company, and the ones it cannot carry, and why."""
    shown, missing = _shown(report), _lines(report)
    if not shown and not missing:
        return []
    items: list[Item] = []
    if missing:
        items.append(Text(LEFT_OUT + ":"))
        items.append(Lines(missing))
    if shown:
        items.append(Table(["Company", *(heading(k, {}) for k in shown)], _rows(report, name),
                           total=len(report["by_company"]) > 1))
    return [Block("Quality KPIs", items, note="where the data carries them")]


def html(report: Report) -> list[HtmlBlock]:
    """The KPIs the data carries, per company and for all; then the ones it cannot carry, and why."""
    shown, missing = _shown(report), _lines(report)
    if not shown and not missing:
        return []
    if not shown:
        return [HtmlBlock("Quality KPIs", lines=missing, anchor="quality-kpis", intro=[LEFT_OUT + ":"])]
    rows = [[words.ALL_COMPANIES if r[0] == "All" and i == len(report["by_company"]) else r[0], *r[1:]]
            for i, r in enumerate(_rows(report, str))]
    table = HtmlTable(["Company", *(words.label(k) for k in shown)], rows, total=len(rows) > 1)
    notes = [f"{LEFT_OUT}: " + "; ".join(missing) + "."] if missing else []
    return [HtmlBlock("Quality KPIs", [table], anchor="quality-kpis", intro=[DEFINED], notes=notes)]


QUALITY = Section(
    "quality", "Quality KPIs", ("quality",), doc="docs/quality.md",
    schema={"quality": {
        "type": "object", "required": ["not_in_data"],
        "description": "which quality KPIs (transfer_rate_pct, hold_rate_pct, callback_share_pct, "
                       "repeat_caller_pct) the data cannot carry: they are null in every row, not 0",
        "properties": {"not_in_data": {"type": "object", "additionalProperties": {"type": "string"},
                                       "description": "KPI key → the field the export lacks"}}}},
    required=("quality",), compute=compute, text=text, html=html,
)
