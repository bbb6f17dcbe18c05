"""Caller patience: Kaplan–Meier curve, median, survival at fixed waits, the exponential θ, and
the wait-bucket (call profile) table; per company and overall (company null).

Like the service level, it reads the offered contacts (``offered_local``: those that arrived
within opening hours, or all of them with --include-closed). SQL aggregates them to one row per
(company, distinct wait) with its abandons (events)
and answered/flowed-out calls (censored); the product-limit estimate is computed from those
counts in NumPy (``slreport.queueing.kaplan_meier``). Contacts without a wait are left out and
counted (``without_wait``).
"""

from __future__ import annotations

from typing import Any

import duckdb

from slreport.engine import rows

SURVIVAL_POINTS_S = (10, 20, 30, 60, 120)
CURVE_STEP_S = 5
CURVE_MAX_S = 600
# Half-open wait buckets [lo, hi): a wait of exactly 20 s is in 20–30.
BUCKETS_S: tuple[tuple[int, int | None], ...] = (
    (0, 5), (5, 10), (10, 20), (20, 30), (30, 60), (60, 120), (120, None),
)

KM_SQL = """
SELECT CASE WHEN grouping(company) = 1 THEN NULL ELSE company END AS company, grouping(company) AS overall,
       CAST(wait_s AS DOUBLE) AS wait_s,
       count(*) FILTER (WHERE outcome = 'abandoned') AS events,
       count(*) FILTER (WHERE outcome <> 'abandoned') AS censored
FROM offered_local WHERE wait_s IS NOT NULL
GROUP BY GROUPING SETS ((company, wait_s), (wait_s))
ORDER BY overall DESC, company, wait_s
"""

THETA_SQL = """
SELECT CASE WHEN grouping(company) = 1 THEN NULL ELSE company END AS company,
       count(*) AS offered,
       count(wait_s) AS with_wait,
       count(*) - count(wait_s) AS without_wait,
       count(wait_s) FILTER (WHERE outcome = 'abandoned') AS abandoned,
       slr_round(sum(wait_s) / NULLIF(count(wait_s) FILTER (WHERE outcome = 'abandoned'), 0), 4) AS theta_s
FROM offered_local
GROUP BY GROUPING SETS ((company), ())
ORDER BY grouping(company) DESC, company
"""


def bucket_sql() -> str:
    cases = " ".join(
        f"WHEN wait_s < {hi} THEN {i}" if hi is not None else f"ELSE {i}" for i, (_, hi) in enumerate(BUCKETS_S)
    )
    return f"""
SELECT CASE WHEN grouping(company) = 1 THEN NULL ELSE company END AS company, bucket,
       count(*) FILTER (WHERE outcome = 'answered') AS answered,
       count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
       count(*) FILTER (WHERE outcome = 'flowout') AS flowout
FROM (SELECT company, outcome, CASE {cases} END AS bucket FROM offered_local WHERE wait_s IS NOT NULL)
GROUP BY GROUPING SETS ((company, bucket), (bucket))
"""


def patience_section(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One entry per company plus the overall one (company null, first)."""
    curves = km_by_company(con)
    buckets = bucket_rows(con)
    return [
        base | km_summary(curves.get(base["company"])) | {"buckets": buckets.get(base["company"], empty_buckets())}
        for base in rows(con, THETA_SQL)
    ]


def km_by_company(con: duckdb.DuckDBPyConnection) -> dict[str | None, Any]:
    import numpy as np

    from slreport.queueing.kaplan_meier import KaplanMeier

    found = con.sql(KM_SQL).fetchnumpy()  # NumPy columns (pyarrow's to_numpy would import pandas)
    companies = [None if null else c for c, null in
                 zip(np.ma.getdata(found["company"]), np.ma.getmaskarray(found["company"]), strict=True)]
    overall, wait, events, censored = (np.ma.getdata(found[k]) for k in ("overall", "wait_s", "events", "censored"))
    fits: dict[str | None, Any] = {}
    start = 0
    for end in range(1, len(companies) + 1):  # rows arrive grouped: overall first, then by company
        if end == len(companies) or (companies[end], overall[end]) != (companies[start], overall[start]):
            fits[companies[start]] = KaplanMeier.fit(wait[start:end], events[start:end], censored[start:end])
            start = end
    return fits


def km_summary(km: Any) -> dict[str, Any]:
    if km is None:
        return {"median_patience_s": None, "survival": [{"wait_s": t, "survival": None} for t in SURVIVAL_POINTS_S],
                "curve": []}
    last = km.last_time or 0.0
    grid = range(0, int(min(last, CURVE_MAX_S)) + 1, CURVE_STEP_S)
    return {
        "median_patience_s": km.median(),
        "survival": [{"wait_s": t, "survival": _r(km.survival_at(t))} for t in SURVIVAL_POINTS_S],
        "curve": [{"wait_s": t, "survival": _r(km.survival_at(t)), "at_risk": km.at_risk_at(t)} for t in grid],
    }


def bucket_rows(con: duckdb.DuckDBPyConnection) -> dict[str | None, list[dict[str, Any]]]:
    counts: dict[str | None, dict[int, tuple[int, int, int]]] = {}
    for company, bucket, answered, abandoned, flowout in con.execute(bucket_sql()).fetchall():
        counts.setdefault(company, {})[bucket] = (answered, abandoned, flowout)
    return {company: buckets_table(by_bucket) for company, by_bucket in counts.items()}


def empty_buckets() -> list[dict[str, Any]]:
    return buckets_table({})


def buckets_table(by_bucket: dict[int, tuple[int, int, int]]) -> list[dict[str, Any]]:
    """The call-profile table: counts per bucket and cumulative shares of answered and abandoned."""
    totals = [sum(v[k] for v in by_bucket.values()) for k in range(3)]
    running = [0, 0]
    out = []
    for i, (lo, hi) in enumerate(BUCKETS_S):
        answered, abandoned, flowout = by_bucket.get(i, (0, 0, 0))
        running = [running[0] + answered, running[1] + abandoned]
        out.append({
            "bucket": f"{lo}–{hi}" if hi is not None else f"{lo}+", "from_s": lo, "to_s": hi,
            "answered": answered, "answered_cum_pct": _pct(running[0], totals[0]),
            "abandoned": abandoned, "abandoned_cum_pct": _pct(running[1], totals[1]),
            "flowout": flowout,
        })
    return out


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 4)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def theta_by_company(section: list[dict[str, Any]]) -> dict[str | None, float | None]:
    return {entry["company"]: entry["theta_s"] for entry in section}
