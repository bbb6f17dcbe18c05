"""Waits: how long answered, abandoned and flowed-out contacts waited, in bins of 5 seconds, over
the service level's own contacts (``offered_local``), so the answered bins up to T add up to
answered_within_threshold. Definitions: docs/reports.md ("Wait distribution")."""

from __future__ import annotations

from typing import Any

from slreport.metrics.waits import wait_distribution
from slreport.sections import schema as s
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import ChartSpec
from slreport.sections.peaks import rows_of
from slreport.sections.text import of


def compute(ctx: Context) -> dict[str, Any]:
    from slreport.engine import rows

    return {"wait_distribution": wait_distribution(ctx.con, rows, "offered_local")}


def wait_histogram(report: Report, company: str | None) -> tuple[list[int], list[int], list[int]] | None:
    section = report.get("wait_distribution")
    if not section:
        return None
    rows = of(section["bins"], company)
    if not any(r["answered"] or r["abandoned"] for r in rows):
        return None
    return [r["from_s"] for r in rows], [r["answered"] for r in rows], [r["abandoned"] for r in rows]


def charts(report: Report, company: str | None) -> list[ChartSpec]:
    if (w := wait_histogram(report, company)) is None:
        return []
    return [ChartSpec("waits", "how long answered and abandoned callers waited", "wait_distribution",
                      (*w, report["settings"]["threshold_s"]), {"bin_s": report["wait_distribution"]["bin_s"]})]


OUTCOME_COUNTS: dict[str, Any] = dict(answered=s.COUNT, abandoned=s.COUNT, flowout=s.COUNT)
WAITS = Section(
    "waits", "Wait distribution", ("wait_distribution",), doc="docs/reports.md",
    schema={"wait_distribution": s.obj(
        ["bin_s", "cap_s", "unknown_wait", "bins"], "contacts by wait, in bins of bin_s seconds up to cap_s",
        bin_s={"type": "integer", "minimum": 1}, cap_s={"type": "integer", "minimum": 1},
        unknown_wait=s.obj(list(OUTCOME_COUNTS), **OUTCOME_COUNTS),
        bins=s.rows(s.obj(["company", "from_s", "to_s", *OUTCOME_COUNTS], company=s.COMPANY,
                          from_s={"type": "integer", "minimum": 0}, to_s={"type": ["integer", "null"]},
                          **OUTCOME_COUNTS)))},
    required=("wait_distribution",), compute=compute, charts=charts, tables=rows_of("wait_distribution", "bins"),
)
