"""Business-hours clocks: a contact's wait counted only while its policy's hours are open.

Email and ticket promises are written in business hours ("90 % answered within 4 business hours"):
a mail arriving on Friday at 15:00 in a centre open mon-fri 08:00-16:00 and answered on Monday at
11:00 waited 4 business hours (1 on Friday, 3 on Monday), not 68. A policy with
``business_hours = true`` (slreport.metrics.policy) measures its contacts' service-level wait,
``sl_wait_s``, that way: the open seconds of its opening hours (a public holiday of its holidays
country follows the ``hol`` rule, closed without one) from the arrival to the answer (or, for a
contact not answered, to the end of its wait: ``arrived_at + wait_s``). Every other policy's
``sl_wait_s`` is the queue wait ``wait_s`` (chat and voice). ASA and the longest wait stay elapsed
time for every contact.

The clock is two lookups per contact in ``business_days`` (policy, local day → open seconds of the
policy's calendar before that day, and that day's open ranges), so the cost does not grow with the
length of the wait. Opening hours are local wall-clock times of the report zone, as everywhere.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slreport import engine
from slreport.ingest.sql import quote_literal
from slreport.metrics.opening_hours import holiday_dates
from slreport.metrics.policy import all_policies, policy_companies
from slreport.options.hours import HOLIDAY, company_hours
from slreport.options.settings import Settings

BUSINESS_DAYS = "business_days"
QUEUE_WAIT = "c.wait_s"

# Local first arrival day and last day a wait ends on (the clock must run until the latest answer).
SPAN_SQL = """
SELECT min(CAST(timezone({zone}, arrived_at) AS DATE)),
       max(CAST(timezone({zone}, to_timestamp(epoch(arrived_at) + coalesce(CAST(wait_s AS DOUBLE), 0))) AS DATE))
FROM contacts
"""

# Open seconds of a day up to the local second ``sec`` of that day (the day's ranges: a list of {s, e}).
_WITHIN = "coalesce(list_sum(list_transform({d}.ranges, lambda r: greatest(0, least({sec}, r.e) - r.s))), 0)"
_SECOND_OF_DAY = "(epoch({t}) - epoch(CAST(CAST({t} AS DATE) AS TIMESTAMP)))"


def create_clock(con: Any, settings: Settings, tz: str) -> tuple[str, str]:
    """(the ``sl_wait_s`` expression, the joins it needs) for the select over each contact ``c`` with its
    policy ``p`` and local arrival ``c.local_at``; creates ``business_days`` when a policy uses business hours."""
    if not engine.one(con, "SELECT count(*) FROM policy_settings WHERE business_hours")[0]:
        return QUEUE_WAIT, ""  # (without reading every company's policy again)
    policies = [(i, p) for i, (_, p) in enumerate(all_policies(settings, policy_companies(con, settings)))
                if p["business_hours"]]
    zone = quote_literal(tz)
    first, last = engine.one(con, SPAN_SQL.format(zone=zone))
    days, ranges = _calendar(policies, first, last)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {BUSINESS_DAYS}_plain (policy_id INTEGER, day DATE, day_kind INTEGER, "
                "open_before_s BIGINT)")
    con.execute("CREATE OR REPLACE TEMP TABLE business_ranges (policy_id INTEGER, day_kind INTEGER, s BIGINT, "
                "e BIGINT)")
    engine.insert_rows(con, f"{BUSINESS_DAYS}_plain", days)
    engine.insert_rows(con, "business_ranges", ranges)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {BUSINESS_DAYS} AS
        SELECT d.policy_id, d.day, d.open_before_s,
               list({{'s': r.s, 'e': r.e}} ORDER BY r.s) FILTER (WHERE r.s IS NOT NULL) AS ranges
        FROM {BUSINESS_DAYS}_plain d
        LEFT JOIN business_ranges r ON r.policy_id = d.policy_id AND r.day_kind = d.day_kind
        GROUP BY d.policy_id, d.day, d.open_before_s""")
    end = f"timezone({zone}, to_timestamp(epoch(c.arrived_at) + CAST(c.wait_s AS DOUBLE)))"
    joins = (f"LEFT JOIN {BUSINESS_DAYS} bs ON bs.policy_id = c.policy_id AND bs.day = CAST(c.local_at AS DATE) "
             f"LEFT JOIN {BUSINESS_DAYS} be ON be.policy_id = c.policy_id AND be.day = CAST({end} AS DATE)")
    at_start = f"bs.open_before_s + {_WITHIN.format(d='bs', sec=_SECOND_OF_DAY.format(t='c.local_at'))}"
    at_end = f"be.open_before_s + {_WITHIN.format(d='be', sec=_SECOND_OF_DAY.format(t=end))}"
    clock = f"CAST(({at_end}) - ({at_start}) AS DECIMAL(18,3))"
    return f"CASE WHEN p.business_hours THEN {clock} ELSE {QUEUE_WAIT} END", joins


def _calendar(policies: list[tuple[int, dict[str, Any]]], first: date | None,
              last: date | None) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of (policy, day, day kind, open seconds before the day) and (policy, day kind, start s, end s)."""
    days: list[tuple[Any, ...]] = []
    ranges: list[tuple[Any, ...]] = []
    for policy_id, p in policies:
        hours = company_hours(p["opening_hours"], p["holidays_country"])
        open_ranges = hours.open_ranges()
        ranges += [(policy_id, kind, start * 60, end * 60) for kind, start, end in open_ranges]
        if first is None or last is None:
            continue
        country = hours.holidays_country
        holidays = {d for d, _ in holiday_dates(country, first, last)} if country else set()
        open_s = {kind: 0 for kind in range(HOLIDAY + 1)}
        for kind, start, end in open_ranges:
            open_s[kind] += (end - start) * 60
        before = 0
        day = first
        while day <= last:
            kind = HOLIDAY if day in holidays else day.weekday()
            days.append((policy_id, day, kind, before))
            before += open_s[kind]
            day += timedelta(days=1)
    return days, ranges
