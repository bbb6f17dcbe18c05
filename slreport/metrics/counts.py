"""Counts: the vocabulary every metric family declares its cell counts in, and how cells add up.

A ``Count`` is one aggregate over offered contacts (or, ``derived``, over a cell's other counts);
``rollup_sql`` adds a group's cells up. The families (service_level, fcr, scores) import this module;
``cells`` imports the families, so the dependency points one way.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def order_by_keys(keys: list[str]) -> str:
    return f"ORDER BY {', '.join(f'{k} NULLS LAST' for k in keys)}" if keys else ""
