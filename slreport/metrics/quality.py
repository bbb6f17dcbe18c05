"""Quality KPIs, where the export carries the fields (docs/quality.md):

- transfer_rate_pct = 100 × answered contacts transferred / answered contacts whose export says whether they
  were (queue_log: the call ended with TRANSFER, BLINDTRANSFER or ATTENDEDTRANSFER; Amazon Connect: a transfer
  in the record; generic: a ``transferred`` flag column);
- hold_rate_pct = 100 × answered contacts with hold > 0 / answered contacts with a known hold time;
- callback_share_pct = 100 × offered contacts that were callbacks / offered contacts whose export says whether
  they were (generic: a ``callback`` flag column, or a ``channel`` column where callbacks are "callback");
- repeat_caller_pct = 100 × identified callers with 2 or more contacts in the period / identified callers, per
  company (a caller is identified by its number; withheld numbers are left out); for all companies, over the
  (company, caller) pairs. Every inbound contact of the period counts, in or outside opening hours.

A KPI whose fields the data lacks has a zero denominator and is null (never 0): the report leaves it out and
says so (``not_in_data``). Like every count, the first three are attributed to the contact's arrival and add
up over cells; the repeat-caller rate is a property of the whole period (a caller's contacts span hours and
days), so it is only in ``summary`` and ``by_company``.
"""

from __future__ import annotations

from typing import Any

from slreport.metrics.counts import Count

ANSWERED = "c.outcome = 'answered'"

COUNTS: tuple[Count, ...] = (
    Count("transferred", f"count(c.outcome) FILTER (WHERE {ANSWERED} AND c.transferred)"),
    Count("transfer_known", f"count(c.transferred) FILTER (WHERE {ANSWERED})"),
    Count("held", f"count(c.outcome) FILTER (WHERE {ANSWERED} AND c.hold_s > 0)"),
    Count("hold_known", f"count(c.hold_s) FILTER (WHERE {ANSWERED})"),
    Count("callbacks", "count(c.outcome) FILTER (WHERE c.callback)"),
    Count("callback_known", "count(c.callback)"),
)

RATE_COLUMNS = """
  slr_round(100 * transferred / NULLIF(transfer_known, 0), 4)  AS transfer_rate_pct,
  slr_round(100 * held / NULLIF(hold_known, 0), 4)             AS hold_rate_pct,
  slr_round(100 * callbacks / NULLIF(callback_known, 0), 4)    AS callback_share_pct"""

# The KPIs over cells, and what a user needs for each one the data cannot carry.
CELL_KPIS = {
    "transfer_rate_pct": "no transfer field (queue_log transfer events, Amazon Connect transfers, or a generic "
                         "transferred column: --map transferred=HEADER)",
    "hold_rate_pct": "no hold time of answered contacts (hold_s: --map hold_s=HEADER)",
    "callback_share_pct": "no callback field (a generic callback column, or a channel column naming callbacks)",
}
REPEAT_KPI = {"repeat_caller_pct": "no caller numbers (all withheld, or no caller column: --map caller=HEADER)"}

# A caller is one (company, number): the same number calling two client companies is two callers.
# The inbound contacts of each caller, per company and --by group, from one scan of the contacts; the summary,
# by_company and by_group add them up (each used to scan the contacts itself: 3 × 2 s at 10 M contacts).
CALLER_CONTACTS = "caller_contacts"
CALLER_CONTACTS_SQL = f"""
CREATE OR REPLACE TEMP TABLE {CALLER_CONTACTS} AS
SELECT {{keys}}, caller, count(*) AS contacts FROM contacts
WHERE caller IS NOT NULL AND coalesce(direction, 'inbound') = 'inbound'
GROUP BY {{keys}}, caller
"""
REPEAT_SQL = f"""
WITH per_caller AS (
  SELECT {{keys}}, caller, sum(contacts) AS contacts FROM {CALLER_CONTACTS}
  GROUP BY {{keys}}, caller)
SELECT {{shown}}CAST(count(*) FILTER (WHERE contacts >= 2) AS BIGINT) AS repeat_callers,
       CAST(count(*) AS BIGINT) AS identified_callers
FROM per_caller {{group_by}}
"""


def create_caller_contacts(con: Any, by: tuple[str, ...]) -> None:
    """``caller_contacts``: inbound contacts per company, ``--by`` group and caller number."""
    con.execute(CALLER_CONTACTS_SQL.format(keys=", ".join(dict.fromkeys(("company", *by)))))


def repeat_callers(con: Any, by: tuple[str, ...] | None = ("company",)) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The values of the ``by`` keys of each group (``by`` empty: one group, the key ()) → repeat_caller_pct,
    repeat_callers, identified_callers. A group without an identified caller is not listed."""
    by = tuple(by or ())
    keys = ", ".join(dict.fromkeys(("company", *by)))
    sql = REPEAT_SQL.format(keys=keys, shown="".join(f"{k}, " for k in by),
                            group_by=f"GROUP BY {', '.join(by)}" if by else "")
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in con.execute(sql).fetchall():
        *group, repeat, identified = row
        pct = round(100 * repeat / identified, 4) if identified else None
        if identified:
            out[tuple(group)] = {"repeat_caller_pct": pct, "repeat_callers": repeat, "identified_callers": identified}
    return out


def no_repeat_callers() -> dict[str, Any]:
    return {"repeat_caller_pct": None, "repeat_callers": 0, "identified_callers": 0}


# The summary count a KPI needs above 0 before a null means the fields are missing (not an empty period).
_BASIS = {"transfer_rate_pct": "answered", "hold_rate_pct": "answered", "callback_share_pct": "offered",
          "repeat_caller_pct": "offered"}


def not_in_data(summary: dict[str, Any]) -> dict[str, str]:
    """The quality KPIs the data cannot carry (null over all contacts that could have them), each with
    what would carry it."""
    return {key: why for key, why in (CELL_KPIS | REPEAT_KPI).items()
            if summary.get(key) is None and summary.get(_BASIS[key])}
