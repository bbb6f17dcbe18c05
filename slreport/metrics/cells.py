"""Cells: every metric family's counts, per company and local interval, from one scan of the contacts.

Each family (service level, FCR, scores) defines its counts once, as aggregates over contacts
(``Count``: a name, the aggregate over the offered contacts ``c`` with their company policy ``p``,
and how cells add up) or as a sum of the cell's other counts (``derived``: the fewer aggregates
per contact, the faster the scan). ``create_cells`` runs all of them in one GROUP BY over ``offered_local``
into the small table ``cells`` (company × day × hour × interval); every report grouping (the
summary, per company, per hour, per day, per interval, the profiles) then adds cells up instead of
scanning the contacts again. Counts, sums and extremes add up exactly (sums of DECIMALs), so a
metric computed from cells equals the metric computed from the contacts; a family's rates are
always computed from its summed counts, never by averaging rates.

``--by`` groupings other than company get their own cells (``cells_by``), grouped by those keys and
the company (a derived count follows its company's policy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from slreport.metrics import fcr, quality, scores, service_level
from slreport.metrics.counts import Count, derived_select, order_by_keys, per_contact_select, rollup_sql
from slreport.metrics.service_level import POLICY_JOIN

if TYPE_CHECKING:
    from slreport.options.settings import Settings

CELLS, CELLS_BY = "cells", "cells_by"
# policy_id: a cell holds the contacts of one policy (slreport.metrics.policy), so that a derived count
# (the SL method's numerator, the target) follows the contacts' own policy
CELL_KEYS = ("company", "policy_id", "day", "hour", "interval_start")

# Per cell only (a cell is one company × local interval), read only by the staffing tables.
CELL_ONLY = (Count("agents_named", "count(c.agent)"),)

# The distinct answering agents of each cell: they do not add up over cells (one agent works many
# intervals), and as a count(DISTINCT) beside the cells' other aggregates they made DuckDB materialise
# the whole input of that query (10 M contacts: 4.8–5.8 s for the cells, 3.9–4.4 s with this apart).
CELL_AGENTS = "cell_agents"
CELL_AGENTS_SQL = f"""
CREATE OR REPLACE TEMP TABLE {CELL_AGENTS} AS
SELECT company, interval_start, count(*) AS agents_seen
FROM (SELECT DISTINCT company, interval_start, agent FROM offered_local
      WHERE outcome = 'answered' AND agent IS NOT NULL)
GROUP BY company, interval_start
"""


def all_counts(settings: Settings) -> tuple[Count, ...]:
    return service_level.COUNTS + fcr.COUNTS + scores.counts(settings) + quality.COUNTS


def metrics_sql(settings: Settings, keys: list[str], source: str, grid: str | None = None) -> str:
    """Every family's metrics grouped by ``keys`` (none: one row for everything), in one query:
    one rollup of all families' counts (every group of ``grid`` too: rollup_sql), then each family's
    rate columns over it (service level, FCR, scores, quality, in that order; fcr_method must be resolved)."""
    columns = ",".join((service_level.RATE_COLUMNS, fcr.rate_columns(settings), scores.RATE_COLUMNS,
                        quality.RATE_COLUMNS))
    return (f"WITH counts AS ({rollup_sql(all_counts(settings), keys, source, grid)})\n"
            f"SELECT {''.join(f'{k}, ' for k in keys)}{columns}\nFROM counts\n{order_by_keys(keys)}")


def by_source(by: tuple[str, ...]) -> str:
    """The cells a --by grouping adds up: per company (and no keys at all) come from ``cells``."""
    return CELLS if list(by) in (["company"], []) else CELLS_BY


def create_cells(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """``cells`` (and ``cells_by`` for a --by grouping other than company): one scan each; and the
    agents seen per cell (``cell_agents``)."""
    groupings: dict[str, tuple[tuple[str, ...], tuple[Count, ...]]] = {
        CELLS: (CELL_KEYS, all_counts(settings) + CELL_ONLY)}
    if by_source(settings.by) == CELLS_BY:
        groupings[CELLS_BY] = (tuple(dict.fromkeys(("company", "policy_id", *settings.by))), all_counts(settings))
    for table, (keys, counts) in groupings.items():
        key_list = ", ".join(f"c.{k}" for k in keys)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS\nSELECT c.*{derived_select(counts)}\nFROM (\n"
            f"SELECT {key_list},\n  {per_contact_select(counts)}\nFROM offered_local c\n{POLICY_JOIN}\n"
            f"GROUP BY {key_list}) c\n{POLICY_JOIN}"
        )
    con.execute(CELL_AGENTS_SQL)
