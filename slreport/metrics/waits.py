"""Wait-time distribution family: how long callers waited, by outcome, in fixed bins.

Bins are closed on the right so they line up with the service-level threshold, which is
inclusive (answered with wait <= T): bin 0 holds waits 0..5 s, bin 1 holds (5, 10] s, and so
on up to the cap; waits above the cap fall in one overflow bin (to_s null). With T a multiple
of the bin width, the answered counts of the bins with to_s <= T add up to
answered_within_threshold, as long as the bins read the same contacts as the service level
(``offered_local``: contacts outside opening hours are not binned unless --include-closed).
Contacts without a known wait are counted per outcome in ``unknown_wait`` rather than binned.
"""

from __future__ import annotations

from typing import Any

BIN_S = 5
CAP_S = 300
OUTCOMES = ("answered", "abandoned", "flowout")


def wait_bins_sql(source: str, bin_s: int = BIN_S, cap_s: int = CAP_S) -> str:
    """One row per (company, bin) of the contacts in ``source``, for every company and every bin
    (empty bins included); company NULL rows are all companies together."""
    n_bins = cap_s // bin_s
    bin_of = (
        f"CASE WHEN wait_s > {cap_s} THEN {n_bins} "
        f"ELSE greatest(CAST(ceil(wait_s / {bin_s}) AS INTEGER) - 1, 0) END"
    )
    counts = ", ".join(f"count(*) FILTER (WHERE outcome = '{o}') AS {o}" for o in OUTCOMES)
    grid_counts = ", ".join(f"coalesce(w.{o}, 0) AS {o}" for o in OUTCOMES)
    return f"""
        WITH binned AS (
            SELECT company, {bin_of} AS bin, outcome FROM {source} WHERE wait_s IS NOT NULL
        ), per_bin AS (
            SELECT company, bin, {counts} FROM binned GROUP BY GROUPING SETS ((company, bin), (bin))
        ), grid AS (
            SELECT company, bin FROM (SELECT DISTINCT company FROM {source} UNION ALL SELECT NULL)
            CROSS JOIN range({n_bins + 1}) b(bin)
        )
        SELECT g.company, g.bin * {bin_s} AS from_s,
               CASE WHEN g.bin < {n_bins} THEN (g.bin + 1) * {bin_s} END AS to_s, {grid_counts}
        FROM grid g LEFT JOIN per_bin w ON w.bin = g.bin AND w.company IS NOT DISTINCT FROM g.company
        ORDER BY g.company NULLS FIRST, g.bin
    """


def unknown_wait_sql(source: str) -> str:
    counts = ", ".join(f"count(*) FILTER (WHERE outcome = '{o}') AS {o}" for o in OUTCOMES)
    return f"SELECT {counts} FROM {source} WHERE wait_s IS NULL"


def wait_distribution(con: Any, rows: Any, source: str, bin_s: int = BIN_S, cap_s: int = CAP_S) -> dict[str, Any]:
    """The JSON ``wait_distribution`` section over the contacts in ``source``: the service level's
    own (``offered_local``), so that the answered bins up to T add up to answered_within_threshold
    (``rows`` is analysis.rows, passed in to keep this module free of the report assembly)."""
    return {
        "bin_s": bin_s,
        "cap_s": cap_s,
        "unknown_wait": rows(con, unknown_wait_sql(source))[0],
        "bins": rows(con, wait_bins_sql(source, bin_s, cap_s)),
    }
