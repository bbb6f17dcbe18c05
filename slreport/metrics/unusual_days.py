"""Unusual days: a day's offered against the median of the same weekday in the four weeks before.

A day is *busy* when offered > k × baseline and *quiet* when offered × k < baseline, where the
baseline is the median offered of the open days exactly 7, 14, 21 and 28 days earlier (the
mean of the middle two when there are four or two). A day is judged only when it is open and
at least MIN_BASELINE_DAYS of those earlier days exist in the data and are open, and the
baseline is above zero; otherwise it is counted as not judged. Days are local calendar days.
"""

from __future__ import annotations

from typing import Any

from slreport.engine import rows
from slreport.metrics.service_level import service_level_sql
from slreport.options.hours import DAY_NAMES
from slreport.options.settings import Settings

MIN_BASELINE_DAYS = 2
DAY_COLUMNS = ("service_level_pct", "answered", "abandoned", "answer_rate_pct", "abandon_rate_pct", "asa_s")

UNUSUAL_SQL = """
WITH daily AS (
    SELECT f.*, d.open FROM ({per_company}) f JOIN company_days d USING (company, day)
    UNION ALL BY NAME
    SELECT NULL AS company, f.*, o.open FROM ({overall}) f
    JOIN (SELECT day, bool_or(open) AS open FROM company_days GROUP BY day) o USING (day)
),
judged AS (
    SELECT t.company, t.day, any_value(t.offered) AS offered, median(b.offered) AS baseline,
           count(b.day) AS baseline_days
    FROM daily t
    LEFT JOIN daily b ON b.company IS NOT DISTINCT FROM t.company AND b.open
                     AND b.day IN (t.day - 7, t.day - 14, t.day - 21, t.day - 28)
    WHERE t.open GROUP BY t.company, t.day
),
classified AS (
    SELECT *, CASE WHEN baseline_days < {min_days} OR baseline = 0 THEN NULL
                   WHEN offered > {k} * baseline THEN 'busy'
                   WHEN offered * {k} < baseline THEN 'quiet' ELSE 'normal' END AS kind
    FROM judged
)
SELECT c.company, c.day, isodow(c.day) - 1 AS weekday, c.kind, c.offered,
       slr_round(c.baseline, 4) AS baseline_offered, c.baseline_days,
       slr_round(c.offered / NULLIF(c.baseline, 0), 4) AS ratio, {day_cols}
FROM classified c JOIN daily d ON d.company IS NOT DISTINCT FROM c.company AND d.day = c.day
"""


def unusual_sql(settings: Settings) -> str:
    per_company = service_level_sql(settings, ["company", "day"], "cells c", grid="company_days g")
    overall = service_level_sql(settings, ["day"], "cells c", grid="(SELECT DISTINCT day FROM company_days) g")
    return UNUSUAL_SQL.format(
        per_company=per_company, overall=overall, min_days=MIN_BASELINE_DAYS, k=float(settings.unusual_factor),
        day_cols=", ".join(f"d.{c}" for c in DAY_COLUMNS),
    )


def unusual_days(con: Any, settings: Settings) -> dict[str, Any]:
    """The busy and quiet days, and per company how many open days could be judged."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE judged_days AS {unusual_sql(settings)}")
    days = rows(con, "SELECT * FROM judged_days WHERE kind IN ('busy', 'quiet') ORDER BY company NULLS FIRST, day")
    counts = rows(con, """
        SELECT company, count(*) AS open_days, count(kind) AS judged_days,
               count(*) FILTER (WHERE kind = 'busy') AS busy_days, count(*) FILTER (WHERE kind = 'quiet') AS quiet_days
        FROM judged_days GROUP BY company ORDER BY company NULLS FIRST""")
    return {
        "factor": settings.unusual_factor,
        "baseline": "median offered of the same weekday 7, 14, 21 and 28 days before (open days only); "
                    f"a day is judged when at least {MIN_BASELINE_DAYS} of them exist and the median is above 0",
        "by_company": counts,
        "days": [r | {"weekday": DAY_NAMES[r["weekday"]]} for r in days],
    }
