"""Load profiles: hour of day over the open days, weekday × hour, and contacts outside hours.

Read ``offered_local`` (in-hours contacts unless --include-closed) and the calendar table
``company_days`` (metrics/opening_hours.py). Rows with company null are all companies.
"""

from __future__ import annotations

from typing import Any

from slreport.engine import rows
from slreport.metrics.service_level import service_level_sql
from slreport.metrics.span import COMPANIES
from slreport.options.hours import DAY_NAMES
from slreport.options.settings import Settings

PROFILE_COLUMNS = (
    "offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "abandon_rate_pct", "asa_s",
)
# Cells of the days a company is open (any opening hours that day; every day with none given).
ON_OPEN_DAYS = "(SELECT c.* FROM cells c JOIN company_days d ON d.company = c.company AND d.day = c.day " \
               "AND d.open)"


def hour_profile(con: Any, settings: Settings) -> list[dict[str, Any]]:
    """Per company (null = all) and hour 0-23: offered and its mean per open day, with the
    service level of that hour. All companies: days open for any company."""
    per_company = service_level_sql(
        settings, ["company", "hour"], f"{ON_OPEN_DAYS} c",
        grid=f"{COMPANIES} k CROSS JOIN range(24) h(hour)",
    )
    overall = service_level_sql(settings, ["hour"], f"{ON_OPEN_DAYS} c", grid="range(24) h(hour)")
    cols = ", ".join(f"f.{c}" for c in PROFILE_COLUMNS)
    return rows(con, f"""
        SELECT NULL AS company, f.hour, n.open_days,
               slr_round(f.offered / NULLIF(n.open_days, 0), 4) AS offered_per_day, {cols}
        FROM ({overall}) f, (SELECT count(DISTINCT day) FILTER (WHERE open) AS open_days FROM company_days) n
        UNION ALL
        SELECT f.company, f.hour, n.open_days, slr_round(f.offered / NULLIF(n.open_days, 0), 4), {cols}
        FROM ({per_company}) f
        JOIN (SELECT company, count(*) FILTER (WHERE open) AS open_days FROM company_days GROUP BY company) n
          USING (company)
        ORDER BY company NULLS FIRST, hour""")


WEEKDAY_HOUR_SQL = """
WITH days AS (SELECT company, day, weekday FROM company_days WHERE NOT holiday),
scoped_days AS (SELECT company, weekday, day FROM days UNION SELECT DISTINCT NULL, weekday, day FROM days),
day_counts AS (SELECT company, weekday, count(*) AS days FROM scoped_days GROUP BY ALL),
arrivals AS (SELECT company, d.weekday, c.hour FROM offered_local c JOIN days d USING (company, day)
             WHERE c.outcome IS NOT NULL),
counts AS (SELECT company, weekday, hour, count(*) AS offered FROM arrivals GROUP BY ALL
           UNION ALL SELECT NULL, weekday, hour, count(*) FROM arrivals GROUP BY ALL)
SELECT n.company, n.weekday, n.days,
       list(slr_round(coalesce(x.offered, 0) / n.days, 4) ORDER BY h.hour) AS offered_per_day
FROM day_counts n CROSS JOIN range(24) h(hour)
LEFT JOIN counts x ON x.company IS NOT DISTINCT FROM n.company AND x.weekday = n.weekday AND x.hour = h.hour
GROUP BY n.company, n.weekday, n.days
ORDER BY n.company NULLS FIRST, n.weekday
"""


def weekday_hour(con: Any, settings: Settings) -> list[dict[str, Any]]:
    """Per company (null = all) and weekday: mean offered per day for each hour 0-23, over the
    days of that weekday in the period that are not public holidays."""
    out = rows(con, WEEKDAY_HOUR_SQL)
    return [r | {"weekday": DAY_NAMES[r["weekday"]]} for r in out]


OUTSIDE_HOURS_SQL = """
WITH scoped AS (SELECT company, hour, in_hours, outcome FROM contacts_local
                UNION ALL SELECT NULL, hour, in_hours, outcome FROM contacts_local),
totals AS (
    SELECT company, count(*) AS contacts, count(*) FILTER (WHERE NOT in_hours) AS outside_hours,
           count(*) FILTER (WHERE NOT in_hours AND outcome = 'answered') AS outside_hours_answered
    FROM scoped GROUP BY company),
by_hour AS (SELECT company, hour, count(*) AS n FROM scoped WHERE NOT in_hours GROUP BY ALL)
SELECT t.company, t.contacts, t.outside_hours, slr_round(100 * t.outside_hours / NULLIF(t.contacts, 0), 4) AS share_pct,
       t.outside_hours_answered,
       list(coalesce(b.n, 0) ORDER BY h.hour) AS by_hour
FROM totals t CROSS JOIN range(24) h(hour)
LEFT JOIN by_hour b ON b.company IS NOT DISTINCT FROM t.company AND b.hour = h.hour
GROUP BY ALL ORDER BY t.company NULLS FIRST
"""


def outside_hours(con: Any, settings: Settings) -> dict[str, Any]:
    """Contacts that arrived outside opening hours: count, share of all contacts, by local hour."""
    given = settings.hours.configured
    return {
        "opening_hours_given": given,
        "included_in_service_level": settings.include_closed,
        "note": None if given else "no opening hours given: every contact counts as in hours",
        "share_of": "all contacts of the company (in and outside hours)",
        "by_company": rows(con, OUTSIDE_HOURS_SQL),
    }
