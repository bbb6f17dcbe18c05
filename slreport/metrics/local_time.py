"""Local wall-clock time of an instant from the zone's UTC-offset transitions, not a zone lookup per row.

DuckDB's ``timezone(zone, ts)`` asks ICU for every row: at 1 M contacts 0.44 s, against 0.04 s
for adding the offset that a ``CASE`` over the period's few transitions picks (docs/scale.md).
The transitions are found with the same ICU conversion, on a private in-memory DuckDB: the offset
at every whole hour of the period, then the exact second of each change. So the local time is the
one ``timezone()`` gives, to the microsecond, wherever the offset changes at most once an hour
(every zone's rules do).
"""

from __future__ import annotations

from typing import Any

from slreport import engine
from slreport.ingest.sql import quote_literal

HOUR_S = 3600
_MARGIN_S = 2 * 86_400  # sampled beyond the first and last instant, so no change near either is missed
_CHANGES: dict[tuple[str, int, int], tuple[int, list[tuple[int, int]]]] = {}


def local_time_sql(con: Any, tz: str, ts: str, bounds: str) -> str:
    """``ts`` (TIMESTAMPTZ) as the local TIMESTAMP of ``tz``, for instants between the min and max
    ``arrived_at`` of the FROM item ``bounds``."""
    offset = _offset_case(con, tz, ts, bounds, lambda seconds: str(seconds * 1_000_000))
    return f"timezone({quote_literal(tz)}, {ts})" if offset is None else f"make_timestamp(epoch_us({ts}) + {offset})"


def local_iso_sql(con: Any, tz: str, ts: str, bounds: str) -> str:
    """``ts`` as local ISO-8601 text with its UTC offset (2024-10-27T03:00:00+02:00), as
    intervals.local_iso_sql writes it, with the offset's text picked by the same ``CASE``."""
    local = local_time_sql(con, tz, ts, bounds)
    text = _offset_case(con, tz, ts, bounds, _offset_text)
    if text is None or "?" in text:  # no instants, or an offset of seconds (a zone's 19th-century mean time)
        from slreport.metrics.intervals import local_iso_sql as generic

        return generic(tz, ts, local)
    return f"strftime({local}, '%Y-%m-%dT%H:%M:%S') || {text}"


def _offset_text(seconds: int) -> str:
    if seconds % 60:
        return "'?'"
    sign, minutes = ("-" if seconds < 0 else "+"), abs(seconds) // 60
    return f"'{sign}{minutes // 60:02d}:{minutes % 60:02d}'"


def _offset_case(con: Any, tz: str, ts: str, bounds: str, render: Any) -> str | None:
    """The offset in force at ``ts``, each value written by ``render`` (None when ``bounds`` is empty)."""
    lo, hi = engine.one(con, f"SELECT epoch(min(arrived_at)), epoch(max(arrived_at)) FROM {bounds}")
    if lo is None:
        return None
    hours = (int(lo) // HOUR_S - _MARGIN_S // HOUR_S, int(hi) // HOUR_S + _MARGIN_S // HOUR_S)
    key = (tz, *hours)
    if key not in _CHANGES:  # the same for any connection of this DuckDB: a report asks five times
        _CHANGES[key] = _changes_by_icu(con, tz, *hours)
    first, changes = _CHANGES[key]
    if not changes:
        return render(first)
    whens = " ".join(f"WHEN epoch_us({ts}) < {at * 1_000_000} THEN {render(before)}"
                     for at, before in _befores(first, changes))
    return f"CASE {whens} ELSE {render(changes[-1][1])} END"


def _befores(first: int, changes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(instant of each change, the offset in force before it)."""
    before = [first, *(offset for _, offset in changes[:-1])]
    return [(at, b) for (at, _), b in zip(changes, before, strict=True)]


def _changes_by_icu(con: Any, tz: str, first_hour: int, last_hour: int) -> tuple[int, list[tuple[int, int]]]:
    """offset_changes on ``con`` itself, or on a private DuckDB (closed after) when the metrics run
    elsewhere (Spark), so that both engines use the same offsets."""
    import duckdb

    if isinstance(con, duckdb.DuckDBPyConnection):
        return offset_changes(con, tz, first_hour, last_hour)
    with duckdb.connect() as private:
        private.execute("SET TimeZone = 'UTC'")
        return offset_changes(private, tz, first_hour, last_hour)


def offset_changes(con: Any, tz: str, first_hour: int, last_hour: int) -> tuple[int, list[tuple[int, int]]]:
    """(the offset in seconds at ``first_hour``, [(epoch second of a change, the offset from then on)])
    over the whole hours ``first_hour``…``last_hour`` (epoch hours), by ICU on the DuckDB ``con``."""
    zone = quote_literal(tz)
    offset = f"CAST(epoch(timezone({zone}, to_timestamp(s))) - s AS BIGINT)"
    hourly = con.execute(
        f"SELECT s, {offset} FROM range({first_hour * HOUR_S}, {(last_hour + 1) * HOUR_S}, {HOUR_S}) r(s) "
        "ORDER BY s").fetchall()
    changes = []
    for (s, before), (_, after) in zip(hourly, hourly[1:], strict=False):
        if after != before:
            at = con.execute(f"SELECT min(s) FROM range({s + 1}, {s + HOUR_S + 1}) r(s) "
                             f"WHERE {offset} = {after}").fetchone()[0]
            changes.append((int(at), int(after)))
    return int(hourly[0][1]), changes
