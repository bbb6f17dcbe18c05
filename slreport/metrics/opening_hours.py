"""Opening hours and public holidays in SQL: the calendar tables every opening-hours question reads, and
whether a contact arrived while its company was open (the grammar and policy types: options/hours.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slreport.metrics.span import data_companies
from slreport.options.hours import HoursPolicy


def holiday_dates(country: str, first: date, last: date) -> list[tuple[date, str]]:
    """The public holidays of ``country`` from ``first`` to ``last`` (inclusive), with English names."""
    import holidays

    years = range(first.year, last.year + 1)
    table = holidays.country_holidays(country, years=years)
    if "en_US" in getattr(table, "supported_languages", ()):
        table = holidays.country_holidays(country, years=years, language="en_US")
    return sorted((d, name) for d, name in table.items() if first <= d <= last)


# --- the calendar tables every opening-hours question reads ------------------------------

def create_hours_tables(con: Any, policy: HoursPolicy, tz: str) -> None:
    """``company_days``: one row per company and local day of the period (weekday 0 = Monday,
    holiday, day_kind = 7 on a holiday else the weekday, open = any opening that day);
    ``company_hours``: each company's ``hours_id``, shared by the companies whose opening hours are
    the same; ``open_minutes``: (hours_id, day_kind, minute of day) for every open minute.

    Minutes are listed per distinct opening hours, not per company: 20 000 companies open all week
    were 200 M rows of open minutes, and one set of hours is 10 080 (docs/hardening.md)."""
    from slreport import engine
    from slreport.ingest.sql import quote_literal

    zone = quote_literal(tz)
    companies = data_companies(con)
    first, last = engine.one(con, LOCAL_DATE_SPAN_SQL.format(zone=zone))
    con.execute("CREATE OR REPLACE TEMP TABLE company_hours (company VARCHAR, hours_id INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE hours_ranges (hours_id INTEGER, day_kind INTEGER, start_min INTEGER, "
                "end_min INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE holiday_days (company VARCHAR, day DATE, name VARCHAR)")
    ids: dict[tuple[tuple[int, int, int], ...], int] = {}
    assigned = [(c, ids.setdefault(policy.for_company(c).open_ranges(), len(ids))) for c in companies]
    engine.insert_rows(con, "company_hours", assigned)
    engine.insert_rows(con, "hours_ranges", [(i, *r) for ranges, i in ids.items() for r in ranges])
    engine.insert_rows(con, "holiday_days", _company_holidays(policy, companies, first, last))
    con.execute(COMPANY_DAYS_SQL.format(first=_date_sql(first), last=_date_sql(last)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE open_minutes AS SELECT DISTINCT hours_id, day_kind, "
        "unnest(range(start_min, end_min)) AS minute FROM hours_ranges"
    )


# The first and last local date of an arrival. A later instant never has an earlier local date
# unless the clocks go back across midnight, and never by a day or more: so only arrivals within 24
# hours of the first and the last need converting (at 10 M contacts converting all took 0.9 s).
LOCAL_DATE_SPAN_SQL = """
WITH span AS (SELECT min(first_at) AS lo, max(last_at) AS hi FROM contact_span)
SELECT min(CAST(timezone({zone}, arrived_at) AS DATE)), max(CAST(timezone({zone}, arrived_at) AS DATE))
FROM contacts, span
WHERE arrived_at < lo + INTERVAL 24 HOUR OR arrived_at > hi - INTERVAL 24 HOUR
"""

COMPANY_DAYS_SQL = """
CREATE OR REPLACE TEMP TABLE company_days AS
SELECT k.company, d.day, isodow(d.day) - 1 AS weekday, h.name IS NOT NULL AS holiday, h.name AS holiday_name,
       CASE WHEN h.name IS NOT NULL THEN 7 ELSE isodow(d.day) - 1 END AS day_kind,
       o.day_kind IS NOT NULL AS open
FROM company_hours k
CROSS JOIN (SELECT CAST(s AS DATE) AS day FROM generate_series({first}, {last}, INTERVAL 1 DAY) g(s)) d
LEFT JOIN holiday_days h ON h.company = k.company AND h.day = d.day
LEFT JOIN (SELECT DISTINCT hours_id, day_kind FROM hours_ranges) o
       ON o.hours_id = k.hours_id AND o.day_kind = CASE WHEN h.name IS NOT NULL THEN 7 ELSE isodow(d.day) - 1 END
"""


def _date_sql(d: date | None) -> str:
    return "CAST(NULL AS DATE)" if d is None else f"DATE '{d.isoformat()}'"


def _company_holidays(policy: HoursPolicy, companies: list[str], first: date | None,
                      last: date | None) -> list[tuple[str, date, str]]:
    if first is None or last is None:
        return []
    by_country: dict[str, list[tuple[date, str]]] = {}
    out = []
    for company in companies:
        country = policy.for_company(company).holidays_country
        if country:
            if country not in by_country:
                by_country[country] = holiday_dates(country, first, last)
            out += [(company, d, name) for d, name in by_country[country]]
    return out


def in_hours_sql(policy: HoursPolicy, local: str) -> tuple[str, str]:
    """(the in_hours expression, the joins it needs) for a select over ``contacts c``."""
    if not policy.configured:
        return "TRUE", ""
    joins = (
        f"LEFT JOIN company_days cd ON cd.company = c.company AND cd.day = CAST({local} AS DATE) "
        f"LEFT JOIN company_hours ch ON ch.company = c.company "
        f"LEFT JOIN open_minutes om ON om.hours_id = ch.hours_id AND om.day_kind = cd.day_kind "
        f"AND om.minute = hour({local}) * 60 + minute({local})"
    )
    return "om.minute IS NOT NULL", joins


def holidays_in_period(con: Any) -> list[dict[str, Any]]:
    """The public holidays of the period per company (closed unless the hours have a hol rule)."""
    rows = con.execute(
        "SELECT company, day, holiday_name, open FROM company_days WHERE holiday ORDER BY company, day"
    ).fetchall()
    return [{"company": c, "day": d.isoformat(), "name": n, "open": o} for c, d, n, o in rows]
