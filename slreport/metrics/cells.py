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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from slreport.settings import Settings

CELLS, CELLS_BY = "cells", "cells_by"
CELL_KEYS = ("company", "day", "hour", "interval_start")

# How the cells of a group add up to the group's value of a count.
_ROLLUPS = {
    "count": "CAST(coalesce(sum(c.{name}), 0) AS BIGINT)",  # an empty group counts 0, as count() would
    "sum": "sum(c.{name})",  # an empty group (or one without values) sums to NULL, as sum() would
    "min": "min(c.{name})",
    "max": "max(c.{name})",
}


@dataclass(frozen=True)
class Count:
    name: str
    # over offered contacts ``c`` joined to their company policy ``p``; derived: over the cell's
    # other counts ``c`` (not derived ones) and its company policy ``p``
    aggregate: str
    rollup: str = "count"  # a key of _ROLLUPS
    derived: bool = False


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


def per_contact_select(counts: tuple[Count, ...]) -> str:
    return ",\n  ".join(f"{c.aggregate} AS {c.name}" for c in counts if not c.derived)


def derived_select(counts: tuple[Count, ...]) -> str:
    return "".join(f",\n  {c.aggregate} AS {c.name}" for c in counts if c.derived)


def rollup_sql(counts: tuple[Count, ...], keys: list[str], source: str, grid: str | None = None) -> str:
    """The counts of each group of ``keys``, added up from the cells ``source`` exposes as ``c``.

    ``grid`` (a FROM item holding the key columns, one row per group) lists groups that must appear
    even without cells: with zero counts, and NULL sums and extremes, as the grid LEFT JOINed to the
    cells would give them. The cells are added up first and the grid joined to the sums: grouping
    the joined grid instead (a year of 15-minute intervals per company, mostly empty) took longer
    than every other step of a 100 000-contact report."""
    key_list = "".join(f"{k}, " for k in keys)
    sums = ",\n  ".join(f"{_ROLLUPS[c.rollup].format(name=c.name)} AS {c.name}" for c in counts)
    group_by = f"GROUP BY {', '.join(keys)}" if keys else ""
    summed = f"SELECT {key_list}\n  {sums}\nFROM {source}\n{group_by}"
    if grid is None:
        return summed
    filled = ",\n  ".join(
        f"coalesce(summed.{c.name}, 0) AS {c.name}" if c.rollup == "count" else f"summed.{c.name}" for c in counts)
    return f"SELECT {key_list}\n  {filled}\nFROM {grid}\nLEFT JOIN ({summed}) summed USING ({', '.join(keys)})"


def all_counts(settings: Settings) -> tuple[Count, ...]:
    from slreport.metrics import fcr, scores, service_level

    return service_level.COUNTS + fcr.COUNTS + scores.counts(settings)


def order_by_keys(keys: list[str]) -> str:
    return f"ORDER BY {', '.join(f'{k} NULLS LAST' for k in keys)}" if keys else ""


def metrics_sql(settings: Settings, keys: list[str], source: str, grid: str | None = None) -> str:
    """Every family's metrics grouped by ``keys`` (none: one row for everything), in one query:
    one rollup of all families' counts (every group of ``grid`` too: rollup_sql), then each family's
    rate columns over it (service level, FCR, scores, in that order; fcr_method must be resolved)."""
    from slreport.metrics import fcr, scores, service_level

    columns = ",".join((service_level.RATE_COLUMNS, fcr.rate_columns(settings), scores.RATE_COLUMNS))
    return (f"WITH counts AS ({rollup_sql(all_counts(settings), keys, source, grid)})\n"
            f"SELECT {''.join(f'{k}, ' for k in keys)}{columns}\nFROM counts\n{order_by_keys(keys)}")


def by_source(by: tuple[str, ...]) -> str:
    """The cells a --by grouping adds up: per company (and no keys at all) come from ``cells``."""
    return CELLS if list(by) in (["company"], []) else CELLS_BY


def create_cells(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """``cells`` (and ``cells_by`` for a --by grouping other than company): one scan each; and the
    agents seen per cell (``cell_agents``)."""
    from slreport.metrics.service_level import POLICY_JOIN

    groupings: dict[str, tuple[tuple[str, ...], tuple[Count, ...]]] = {
        CELLS: (CELL_KEYS, all_counts(settings) + CELL_ONLY)}
    if by_source(settings.by) == CELLS_BY:
        groupings[CELLS_BY] = (tuple(dict.fromkeys(("company", *settings.by))), all_counts(settings))
    for table, (keys, counts) in groupings.items():
        key_list = ", ".join(f"c.{k}" for k in keys)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS\nSELECT c.*{derived_select(counts)}\nFROM (\n"
            f"SELECT {key_list},\n  {per_contact_select(counts)}\nFROM offered_local c\n{POLICY_JOIN}\n"
            f"GROUP BY {key_list}) c\n{POLICY_JOIN}"
        )
    con.execute(CELL_AGENTS_SQL)
