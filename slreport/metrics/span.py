"""``contact_span``: the companies of the contacts and each one's first and last arrival, from one scan.

Every question about who is in the data and when it starts and ends (the company list, the
period's bounds, the size of the interval grid, how long after each contact the data still runs)
reads this small table. Each used to scan the contacts itself: a dozen scans of the input per
report, 0.1–0.2 s each at 1 M contacts from Parquet (docs/scale.md).
"""

from __future__ import annotations

from typing import Any

SPAN = "contact_span"
# The companies of the data as a FROM item (one row each, column ``company``).
COMPANIES = f"(SELECT company FROM {SPAN})"
# The first and last arrival as rows of one column ``arrived_at``: enough for min() and max().
BOUNDS = f"(SELECT first_at AS arrived_at FROM {SPAN} UNION ALL SELECT last_at FROM {SPAN})"


def create_span(con: Any) -> None:
    """``contact_span`` (company, contacts, first_at, last_at, and what the answered contacts' handle
    times are made of: talked, held_or_wrapped) over what the ``contacts`` view holds."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {SPAN} AS SELECT company, count(*) AS contacts, "
        "min(arrived_at) AS first_at, max(arrived_at) AS last_at, "
        "count(talk_s) FILTER (WHERE outcome = 'answered') AS talked, "
        "count(hold_s) FILTER (WHERE outcome = 'answered') + count(acw_s) FILTER (WHERE outcome = 'answered') "
        "AS held_or_wrapped FROM contacts GROUP BY company"
    )


def data_companies(con: Any) -> list[str]:
    """The companies that have contacts, sorted."""
    return [r[0] for r in con.execute(f"SELECT company FROM {SPAN} ORDER BY 1").fetchall()]
