"""The history a forecast is fitted on: offered contacts, handle time and answered calls per series
(company, or company and queue), local calendar day and interval of the day.

Contacts come from the ``contacts`` view that ingest builds (every profile and mapping, with its row
accounting); interval tables (``--profile intervals``) from slreport.forecast.intervals. Both land
in one table, ``history_cells``, by the *local* wall-clock interval in the report zone: on the day
clocks go back, the repeated hour's contacts add up in its slots; on the day they go forward, the
skipped hour's slots hold nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from slreport.ingest.sql import quote_literal
from slreport.metrics.local_time import local_time_sql
from slreport.metrics.service_level import HANDLE_TIME

CELLS_COLUMNS = "company VARCHAR, queue VARCHAR, day DATE, slot INTEGER, offered DOUBLE, handle_sum DOUBLE, " \
                "aht_calls DOUBLE"


@dataclass
class Series:
    """One series' history as day × slot matrices (days consecutive, gaps filled with zeros)."""

    company: str
    queue: str | None
    days: np.ndarray  # day numbers (days since 1970-01-01), consecutive
    offered: np.ndarray  # [day, slot]
    handle_sum: np.ndarray  # [day, slot] seconds of handle time of the answered calls with a talk time
    aht_calls: np.ndarray  # [day, slot] those calls

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.company, self.queue)


def create_cells_table(con: Any) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE history_cells ({CELLS_COLUMNS})")


def add_contacts(con: Any, tz: str, interval_minutes: int, by_queue: bool, company: str | None = None) -> None:
    """Count the ``contacts`` view into ``history_cells`` (every contact as ``company`` when given)."""
    local = local_time_sql(con, tz, "arrived_at", "contacts")  # the offset transitions, not a lookup per contact
    name = quote_literal(company) if company else "c.company"
    queue = "c.queue" if by_queue else "CAST(NULL AS VARCHAR)"
    con.execute(f"""
        INSERT INTO history_cells
        SELECT {name} AS company, {queue} AS queue, CAST(c.local_at AS DATE) AS day,
               CAST((hour(c.local_at) * 60 + minute(c.local_at)) // {int(interval_minutes)} AS INTEGER) AS slot,
               count(*) AS offered,
               coalesce(sum({HANDLE_TIME}) FILTER (WHERE c.outcome = 'answered'), 0) AS handle_sum,
               count(c.talk_s) FILTER (WHERE c.outcome = 'answered') AS aht_calls
        FROM (SELECT *, {local} AS local_at FROM contacts) c
        GROUP BY ALL""")


def series_list(con: Any, interval_minutes: int) -> list[Series]:
    """Every series in ``history_cells``, in (company, queue) order."""
    slots = 24 * 60 // interval_minutes
    fetched = con.execute("""
        SELECT company, queue, datediff('day', DATE '1970-01-01', day) AS day, slot,
               sum(offered) AS offered, sum(handle_sum) AS handle_sum, sum(aht_calls) AS aht_calls
        FROM history_cells GROUP BY ALL ORDER BY company, queue NULLS FIRST, day, slot""").fetchnumpy()
    if len(fetched["day"]) == 0:
        return []
    company = np.asarray(fetched["company"], dtype=object)
    queue_values = fetched["queue"]
    queue = np.asarray(queue_values.tolist() if np.ma.isMaskedArray(queue_values) else queue_values, dtype=object)
    day = np.asarray(fetched["day"], dtype=np.int64)
    slot = np.asarray(fetched["slot"], dtype=np.int64)
    out = []
    keys = list(zip(company.tolist(), queue.tolist(), strict=True))
    starts = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    for a, b in zip(starts[:-1], starts[1:], strict=False):
        days = np.arange(day[a:b].min(), day[a:b].max() + 1)
        mats = {}
        for name in ("offered", "handle_sum", "aht_calls"):
            m = np.zeros((days.size, slots))
            np.add.at(m, (day[a:b] - days[0], slot[a:b]), np.asarray(fetched[name][a:b], dtype=float))
            mats[name] = m
        out.append(Series(keys[a][0], keys[a][1], days, mats["offered"], mats["handle_sum"], mats["aht_calls"]))
    return out
