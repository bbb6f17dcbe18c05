"""The interval-volume table (``--profile intervals``): one row per interval, as ACDs export
"interval reports" and planners keep them.

Columns (header names, case-insensitive): ``interval_start`` (required: ISO date and time, with an
offset, or without one and then read in --tz), ``offered`` (required: contacts offered, a whole
number ≥ 0), ``aht_s`` (optional: mean handle time of the interval's answered contacts, seconds),
``company`` (optional: default the file's stem) and ``queue`` (optional). Every row is accounted
for: rows_read = rows_used + rows_rejected, with a reason per rejected row. A file is detected as an
interval table when its header has interval_start and offered and no arrived_at.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from slreport.errors import InputError
from slreport.ingest.sql import quote_ident, quote_literal
from slreport.ingest.text import read_head

NAME = "intervals"
REQUIRED = ("interval_start", "offered")
OPTIONAL = ("aht_s", "company", "queue")
OFFSET_RE = r"([+-][0-9]{2}(:?[0-9]{2})?|Z)$"
REASONS = {
    "bad_interval_start": "interval_start is not a date and time (write 2024-03-04 08:15 or with an offset)",
    "bad_offered": "offered is not a whole number of 0 or more",
    "bad_aht": "aht_s is not a number of seconds of 0 or more",
}


def detect(path: str) -> bool:
    """Whether ``path``'s header names interval_start and offered (and no arrived_at)."""
    if path == "-" or not Path(path).is_file():
        return False
    head = read_head(Path(path), 4096).decode("utf-8-sig", errors="replace")
    first = head.splitlines()[0].lower() if head else ""
    names = {n.strip().strip('"') for sep in (",", ";", "\t") if sep in first for n in first.split(sep)}
    return set(REQUIRED) <= names and "arrived_at" not in names


def add_file(con: Any, path: str, tz: str, interval_minutes: int, by_queue: bool,
             company_name: str | None = None) -> dict[str, Any]:
    """Read one interval table into ``history_cells`` (every row as ``company_name`` when given);
    return its input entry (row accounting)."""
    display = path
    if not Path(path).is_file():
        raise InputError("no such file", "check the path", file=display)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE interval_raw AS
        SELECT row_number() OVER () + 1 AS line, * FROM read_csv({quote_literal(path)}, all_varchar = true,
            header = true)""")
    columns = [r[0] for r in con.execute("DESCRIBE interval_raw").fetchall()][1:]
    lower = {c.lower().strip(): c for c in columns}
    missing = [c for c in REQUIRED if c not in lower]
    if missing:
        raise InputError(f"interval table without a column {missing[0]!r}; columns seen: {', '.join(columns)}",
                         "name the columns interval_start, offered[, aht_s][, company][, queue]", file=display)

    def col(name: str) -> str:
        return f"trim(r.{quote_ident(lower[name])})" if name in lower else "NULL"  # a header: any text

    company_sql = (quote_literal(company_name) if company_name else
               f"coalesce(nullif({col('company')}, ''), {quote_literal(Path(path).name.split('.')[0])})")
    queue = f"nullif({col('queue')}, '')" if by_queue and "queue" in lower else "CAST(NULL AS VARCHAR)"
    start = col("interval_start")
    local = (f"CASE WHEN regexp_matches({start}, '{OFFSET_RE}') "
             f"THEN timezone({quote_literal(tz)}, TRY_CAST({start} AS TIMESTAMPTZ)) "
             f"ELSE TRY_CAST({start} AS TIMESTAMP) END")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE interval_rows AS
        SELECT line, {company_sql} AS company, {queue} AS queue, {local} AS local_at,
               TRY_CAST({col('offered')} AS DOUBLE) AS offered, TRY_CAST({col('aht_s')} AS DOUBLE) AS aht_s,
               {col('aht_s')} AS aht_text
        FROM interval_raw r""")
    con.execute("""CREATE OR REPLACE TEMP TABLE interval_checked AS
        SELECT *, CASE WHEN local_at IS NULL THEN 'bad_interval_start'
                       WHEN offered IS NULL OR offered < 0 OR offered <> floor(offered) THEN 'bad_offered'
                       WHEN coalesce(aht_text, '') <> '' AND (aht_s IS NULL OR aht_s < 0 OR NOT isfinite(aht_s))
                            THEN 'bad_aht'
                  END AS reason
        FROM interval_rows""")
    _check_grain(con, display, interval_minutes)
    con.execute(f"""INSERT INTO history_cells
        SELECT company, queue, CAST(local_at AS DATE) AS day,
               CAST((hour(local_at) * 60 + minute(local_at)) // {int(interval_minutes)} AS INTEGER) AS slot,
               sum(offered), coalesce(sum(aht_s * offered) FILTER (WHERE aht_s IS NOT NULL), 0),
               coalesce(sum(offered) FILTER (WHERE aht_s IS NOT NULL), 0)
        FROM interval_checked WHERE reason IS NULL GROUP BY ALL""")
    read, used = con.execute("SELECT count(*), count(*) FILTER (WHERE reason IS NULL) FROM interval_checked").fetchone()
    reasons = dict(con.execute("SELECT reason, count(*) FROM interval_checked WHERE reason IS NOT NULL "
                               "GROUP BY reason ORDER BY reason").fetchall())
    first_bad = con.execute("SELECT min(line) FROM interval_checked WHERE reason IS NOT NULL").fetchone()[0]
    if read and not used:
        why = next(iter(reasons))
        raise InputError(f"no usable row: {REASONS[why]}", "fix the column or name another with its header",
                         file=display, line=first_bad)
    return {"file": display, "profile": NAME, "detected": None, "rows_read": read, "rows_used": used,
            "rows_rejected": read - used, "rows_ignored": 0, "rejected_by_reason": reasons,
            "first_rejected_line": first_bad}


def _check_grain(con: Any, display: str, interval_minutes: int) -> None:
    """Refuse a table coarser than --interval: its 30-minute rows cannot be split into 15-minute slots."""
    minutes = [r[0] for r in con.execute(
        "SELECT DISTINCT hour(local_at) * 60 + minute(local_at) FROM interval_checked WHERE reason IS NULL"
    ).fetchall()]
    grain = 0
    for m in minutes:
        grain = math.gcd(grain, int(m))
    if len(minutes) > 1 and grain > interval_minutes and grain % interval_minutes == 0:
        raise InputError(f"the table's intervals are {grain} minutes long, longer than --interval {interval_minutes}",
                         f"forecast with --interval {grain if grain in (15, 30, 60) else 60}", file=display)
