"""The comparison with another period (``--compare previous|last-year|PERIOD``): ``comparison``.

The comparison period's numbers come from a run of their own over the same inputs
(slreport.pipeline.comparison_run), so they are exactly what a separate run on that period reports:
``comparison.summary`` and ``comparison.by_company`` have the keys of the report's ``summary`` and
``by_company`` (``by_day`` and ``by_week`` too, for the charts). ``comparison.delta`` holds, for the
summary and for each company of the report, this period's value minus the comparison period's for every
metric in DELTA_KEYS: counts in contacts, percentages in percentage points, times in seconds, scores in
points; null when either value is null (no service level then or now). A company without contacts in
the comparison period is compared with zero counts. A comparison period without contacts is said so
(``has_data`` false) and does not fail the run. Definitions: docs/reports.md ("Comparisons").
"""

from __future__ import annotations

from typing import Any

from slreport.metrics.cells import metrics_sql
from slreport.sections import schema as s
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, Escape, HtmlBlock, HtmlTable, Lines, Table, Text
from slreport.sections.service_level import COMPANIES_SECTION, DAYS
from slreport.sections.text import NULL, THOUSANDS, format_value, heading, table_settings
from slreport.sections.weeks import WEEKS_SECTION

DELTA_KEYS = (
    "offered", "answered", "abandoned", "short_abandoned", "flowout", "answered_within_threshold",
    "abandoned_within_threshold", "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s",
    "max_wait_s", "fcr_pct", "fcr_unknown_caller_pct", "nps", "nps_responses", "csat_mean", "csat_top2_pct",
    "csat_responses",
)
HIGHER_IS_BETTER = ("service_level_pct", "answer_rate_pct", "fcr_pct", "nps", "csat_mean", "csat_top2_pct")
LOWER_IS_BETTER = ("abandon_rate_pct", "asa_s", "max_wait_s")
# The metric rows of the comparison table; the optional ones when either period has them.
SHOWN = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s",
         "aht_s", "max_wait_s")
SHOWN_OPTIONAL = ("fcr_pct", "nps", "csat_mean")
PER_COMPANY = ("service_level_pct", "answer_rate_pct", "abandon_rate_pct", "offered")


# --- compute ------------------------------------------------------------------------------

def delta(now: Any, then: Any) -> Any:
    if now is None or then is None or isinstance(now, bool) or not isinstance(now, int | float):
        return None
    return now - then if isinstance(now, int) and isinstance(then, int) else round(now - then, 4)


def deltas(now: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    return {k: delta(now.get(k), then.get(k)) for k in DELTA_KEYS}


def empty_row(ctx: Context) -> dict[str, Any]:
    """Every metric of no contacts at all: zero counts, null rates."""
    return ctx.rows(metrics_sql(ctx.settings, [], "(SELECT * FROM cells WHERE false) c"))[0]


def compute(ctx: Context) -> dict[str, Any]:
    if ctx.comparison is None:
        return {}
    base = ctx.comparison
    empty = empty_row(ctx)
    summary = base["summary"] or empty
    then = {r["company"]: r for r in base["by_company"]}
    return {"comparison": {
        "period": base["period"], "has_data": base["period"]["first_arrival"] is not None,
        "summary": summary, "by_company": base["by_company"], "by_day": base["by_day"], "by_week": base["by_week"],
        "delta": {"summary": deltas(ctx.report["summary"], summary),
                  "by_company": [{"company": r["company"]} | deltas(r, then.get(r["company"], empty))
                                 for r in ctx.report["by_company"]]},
    }}


# --- words --------------------------------------------------------------------------------

NAMED = {"previous": "previous period", "last-year": "a year before"}


def label(report: Report) -> str:
    """The comparison period as the views name it: "2026-02 (previous period)", "2025-03 (a year before)"."""
    p = report["comparison"]["period"]
    named = NAMED.get(p["name"], p["name"])
    return p["label"] if named == p["label"] else f"{p['label']} ({named})"


def this_label(report: Report) -> str:
    """The report's period: its label, else its first and last arrival day."""
    chosen = report["settings"].get("period")
    if isinstance(chosen, dict):
        return str(chosen["label"])
    p = report["period"]
    first, last = (p["first_arrival"] or "")[:10], (p["last_arrival"] or "")[:10]
    return first if first == last else f"{first}..{last}"


def change(key: str, d: Any, then: Any) -> str:
    """A delta in words: "+56 (+4.8 %)", "+2.1 pp better", "−1.2 s worse", "no change"."""
    if d is None:
        return NULL
    if d == 0:
        return "no change"
    sign = "+" if d > 0 else "−"
    unit = "pct" if key.endswith("_pct") else "seconds" if key.endswith("_s") else "count" if isinstance(d, int) \
        else "score"
    if unit == "count":
        text = f"{sign}{abs(d):,}".replace(",", THOUSANDS)
        return text + (f" ({sign}{abs(100 * d / then):.1f} %)" if then else "")
    digits = 2 if key == "csat_mean" else 1  # a 1..5 scale moves in hundredths
    if round(abs(d), digits) == 0:
        return "no change"
    text = f"{sign}{abs(d):.{digits}f}" + {"pct": " pp", "seconds": " s", "score": ""}[unit]
    if key in HIGHER_IS_BETTER:
        return f"{text} {'better' if d > 0 else 'worse'}"
    if key in LOWER_IS_BETTER:
        return f"{text} {'better' if d < 0 else 'worse'}"
    return text


def shown_metrics(report: Report) -> list[str]:
    c = report["comparison"]
    optional = [m for m in SHOWN_OPTIONAL if report["summary"].get(m) is not None or c["summary"].get(m) is not None]
    return [*SHOWN, *optional]


def summary_table(report: Report) -> Table:
    c = report["comparison"]
    settings = table_settings(report)
    rows = [[heading(m, settings), format_value(m, report["summary"][m]), format_value(m, c["summary"][m]),
             change(m, c["delta"]["summary"][m], c["summary"][m])] for m in shown_metrics(report)]
    return Table(["Metric", this_label(report), label(report), "Change"], rows, marked=True)


def company_table(report: Report, name: Escape) -> Table | None:
    """With several companies: each company's main figures, each with its change beside it in the same
    cell ("82.7 · −6.0 pp worse"), so that a table shown in parts never parts a value from its change."""
    c = report["comparison"]
    if len(report["by_company"]) < 2:
        return None
    settings = table_settings(report)
    then = {r["company"]: r for r in c["by_company"]}
    rows = [[name(str(now["company"]))]
            + [f"{format_value(m, now[m])} · {change(m, d[m], (then.get(now['company']) or {}).get(m, 0))}"
               for m in PER_COMPANY]
            for now, d in zip(report["by_company"], c["delta"]["by_company"], strict=True)]
    return Table(["Company", *(f"{heading(m, settings)} · change" for m in PER_COMPANY)], rows, marked=True)


def no_data_line(report: Report) -> str:
    p = report["comparison"]["period"]
    return f"No contacts in the comparison period {label(report)} ({_span(p)}): nothing to compare with."


def _span(p: dict[str, Any]) -> str:
    from slreport.sections.text import last_whole_day

    since, until = p.get("since"), p.get("until")
    last = last_whole_day(since, until) if since else None
    return f"{since[:10]} – {last}" if since and last else f"{since} – {until}"


def text(report: Report, name: Escape) -> list[Block]:
    if "comparison" not in report:
        return []
    title = f"Compared with {label(report)}"
    if not report["comparison"]["has_data"]:
        return [Block(title, [Text(no_data_line(report))])]
    tables = [summary_table(report), *([t] if (t := company_table(report, name)) else [])]
    who = "all companies; " if len(report["by_company"]) > 1 else ""
    caption = Lines([f"{label(report)}: {_span(report['comparison']['period'])}",
                     f"{who}change = this period − comparison (pp: percentage points)"])
    by_company = [Block(f"{title}: by company", [tables[1]], table=True)] if len(tables) > 1 else []
    return [Block(title, [caption, tables[0]], table=True), *by_company]


def html(report: Report) -> list[HtmlBlock]:
    if "comparison" not in report:
        return []
    title = f"Compared with {label(report)}"
    if not report["comparison"]["has_data"]:
        return [HtmlBlock(title, intro=[no_data_line(report)], anchor="comparison", place="main")]
    tables = [summary_table(report)]
    if (per := company_table(report, str)) is not None:
        tables.append(per)
    who = "all companies" if len(report["by_company"]) > 1 else "this period"
    titles = ["", "By company"]
    return [HtmlBlock(title, [HtmlTable(t.headers, t.rows, title=h) for t, h in zip(tables, titles, strict=False)],
                      anchor="comparison",
                      place="main",
                      intro=[f"This period ({this_label(report)}, {who}) against {label(report)} "
                             f"({_span(report['comparison']['period'])}). Change is this period minus the "
                             "comparison; percentages change in percentage points (pp); better or worse says "
                             "which way is good for that figure."])]


def tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    """One row per company (null: all) and metric: this period, the comparison, the change."""
    if "comparison" not in report:
        return {}
    c = report["comparison"]
    then = {r["company"]: r for r in c["by_company"]}
    pairs = [(None, report["summary"], c["summary"], c["delta"]["summary"])]
    pairs += [(r["company"], r, then.get(r["company"]) or {}, d)
              for r, d in zip(report["by_company"], c["delta"]["by_company"], strict=True)]
    rows = [{"company": company, "metric": m, "value": _number(now.get(m)), "comparison": _number(before.get(m)),
             "change": _number(d[m])} for company, now, before, d in pairs for m in DELTA_KEYS]
    return {"comparison": rows}


def _number(v: Any) -> float | None:
    return None if v is None else float(v)


DELTA_ROW = {"type": "object", "properties": {k: {"type": ["number", "null"]} for k in DELTA_KEYS},
             "required": list(DELTA_KEYS)}
COMPARISON = Section(
    "comparison", "Comparison", ("comparison",), doc="docs/reports.md",
    schema={"comparison": s.obj(
        ["period", "has_data", "summary", "by_company", "by_day", "by_week", "delta"],
        "with --compare: the comparison period's numbers, and this period's change against them",
        period=s.obj(["name", "label", "since", "until", "first_arrival", "last_arrival"],
                     "the comparison period (as settings.period) and its first and last arrival counted",
                     name={"type": "string"}, label={"type": "string"}, since={"type": ["string", "null"]},
                     until={"type": ["string", "null"]}, first_arrival={"type": ["string", "null"]},
                     last_arrival={"type": ["string", "null"]}),
        has_data={"type": "boolean", "description": "false: no contacts in the comparison period"},
        summary={"allOf": [s.METRICS]}, by_company=COMPANIES_SECTION.schema["by_company"],
        by_day=DAYS.schema["by_day"], by_week=WEEKS_SECTION.schema["by_week"],
        delta=s.obj(["summary", "by_company"], "this period − the comparison, per metric (null: either is null)",
                    summary=DELTA_ROW, by_company=s.rows({"allOf": [DELTA_ROW, {"required": ["company"]}]})))},
    compute=compute, text=text, html=html, tables=tables,
)
