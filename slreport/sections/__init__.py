"""The report's sections, each declared once, in the report's order (``SECTIONS``).

A section (slreport.sections.base.Section) says which JSON keys it computes and how, and how
it shows in every view: terminal and markdown blocks, report.html blocks, charts, table files,
and the JSON Schema of its keys. The pipeline (slreport.pipeline) computes the report by
iterating this list; slreport.render and slreport.folder draw every view from it. Adding a
section is one module and its entry here (plus docs and tests).
"""

from __future__ import annotations

from typing import Any

from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, as_is, merged
from slreport.sections.comparison import COMPARISON
from slreport.sections.data_quality import DATA_QUALITY
from slreport.sections.envelope import ENVELOPE
from slreport.sections.patience import PATIENCE
from slreport.sections.peaks import BUSY_HOUR, INTERVALS, OUTSIDE_HOURS, PEAKS, UNUSUAL_DAYS
from slreport.sections.quality import QUALITY
from slreport.sections.service_level import COMPANIES_SECTION, DAYS, GROUPS, HOURS, SUMMARY, TARGETS
from slreport.sections.staffing import STAFFING
from slreport.sections.waits import WAITS
from slreport.sections.weeks import MONTHS_SECTION, WEEKS_SECTION

SECTIONS: tuple[Section, ...] = (
    ENVELOPE, SUMMARY, COMPANIES_SECTION, TARGETS, COMPARISON, GROUPS, HOURS, DAYS, WEEKS_SECTION, MONTHS_SECTION,
    INTERVALS, PEAKS, BUSY_HOUR, UNUSUAL_DAYS, OUTSIDE_HOURS, WAITS, STAFFING, PATIENCE, QUALITY, DATA_QUALITY,
)
BY_NAME = {section.name: section for section in SECTIONS}


def compute(ctx: Context, release_contacts: Any) -> Report:
    """Every section's keys, in the sections' order. Sections that read single contacts run
    first; then ``release_contacts()`` frees them, then the ``after_contacts`` sections run."""
    for section in SECTIONS:
        if section.compute is not None and not section.after_contacts:
            ctx.report.update(section.compute(ctx))
    release_contacts()
    for section in SECTIONS:
        if section.compute is not None and section.after_contacts:
            ctx.report.update(section.compute(ctx))
    return {key: ctx.report[key] for section in SECTIONS for key in section.keys if key in ctx.report}


def text_blocks(report: Report, name: Escape = as_is) -> list[Block]:
    """The terminal's and markdown's blocks, names from the data through ``name``."""
    blocks = merged([block for section in SECTIONS if section.text for block in section.text(report, name)])
    return [b for b in blocks if not b.footer] + [b for b in blocks if b.footer]


def html_blocks(report: Report) -> list[HtmlBlock]:
    return [block for section in SECTIONS if section.html for block in section.html(report)]


def chart_specs(report: Report, company: str | None) -> list[ChartSpec]:
    return [spec for section in SECTIONS if section.charts for spec in section.charts(report, company)]


def overview_specs(report: Report) -> list[ChartSpec]:
    return [spec for section in SECTIONS if section.overview_charts for spec in section.overview_charts(report)]


def table_rows(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    """Table files: name → rows (a list of dicts) or a long table of ``Analysis.tables``."""
    found: dict[str, Any] = {}
    for section in SECTIONS:
        if section.tables:
            found |= section.tables(report, extra)
    return found


__all__ = ["SECTIONS", "BY_NAME", "Context", "Section", "compute", "text_blocks", "html_blocks", "chart_specs",
           "overview_specs", "table_rows"]
