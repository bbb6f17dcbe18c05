"""A report section: everything about one part of the report, declared in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock

Report = dict[str, Any]


@dataclass
class Context:
    """What a section's compute function reads: the connection (with ``contacts_local``,
    ``offered_local`` and ``cells`` made, see slreport.pipeline), the settings as given and
    resolved (FCR method), ingest's account, the report so far and the long tables."""

    con: Any
    given: Any  # Settings as the user gave them (the JSON's settings)
    settings: Any  # the same with the FCR method resolved against the data
    input: dict[str, Any]
    report: Report = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    comparison: dict[str, Any] | None = None  # the --compare period's numbers (pipeline.comparison_base)
    # False for a report without table files (JSON or text on stdout): long tables are not fetched
    # (the interval table of a year at 10 M contacts is 0.3 M rows of text)
    tables_wanted: bool = True

    def rows(self, sql: str) -> list[dict[str, Any]]:
        from slreport.engine import rows

        return rows(self.con, sql)


Compute = Callable[[Context], dict[str, Any]]
TextView = Callable[[Report, Escape], list[Block]]
HtmlView = Callable[[Report], list[HtmlBlock]]
ChartView = Callable[[Report, "str | None"], list[ChartSpec]]
OverviewCharts = Callable[[Report], list[ChartSpec]]
TableView = Callable[[Report, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """One section of the report.

    - ``keys``: the top-level JSON keys it computes, in the report's order;
    - ``compute``: returns those keys (a key left out is not in the report: by_group without --by);
      ``after_contacts`` sections run once the single contacts are freed (they read interval tables);
    - ``text``: terminal and markdown blocks; ``html``: report.html blocks;
    - ``charts``: chart specs for one company (None = all companies); ``overview_charts``: the
      charts that compare companies;
    - ``tables``: table files, name → rows (list of dicts) or a table of ``Analysis.tables``;
    - ``schema``: JSON Schema of each key it describes (its own, or ``input`` for data quality);
    - ``doc``: the page that defines its numbers.
    """

    name: str
    heading: str
    keys: tuple[str, ...]
    schema: dict[str, Any]
    doc: str
    compute: Compute | None = None
    after_contacts: bool = False
    text: TextView | None = None
    html: HtmlView | None = None
    charts: ChartView | None = None
    overview_charts: OverviewCharts | None = None
    tables: TableView | None = None
    required: tuple[str, ...] = ()  # keys always in the report (schema "required")
    defs: dict[str, Any] = field(default_factory=dict)  # shared schema definitions it adds to $defs

    def views(self) -> list[str]:
        return [v for v in ("text", "html", "charts", "tables") if getattr(self, v) is not None]
