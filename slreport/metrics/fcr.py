"""First-contact resolution (FCR): by a resolved flag, or by the absence of a repeat contact.

The repeat search is one window over (company, caller, arrived_at): for every inbound contact
that is not a short abandon, the elapsed time to the same caller's next such contact to the same
company, 0 when another arrived at the same instant (short abandons sit in a partition of their
own, so they are never "next"). It runs once, as a column of the table ``contacts_local``
(slreport.pipeline), and every grouping then only counts answered contacts. Gaps and the observed
tail are integer milliseconds of elapsed time, so "7d" is 168 hours also across a DST change.

Definitions (docs/fcr-and-targets.md):
- repeat: an answered contact is a repeat-free ("resolved") contact when the next contact of the
  same caller to the same company comes more than W after its arrival, or never (another contact
  at the same instant is a repeat at 0);
- judged: answered contacts with a known caller whose window [arrival, arrival + W] ends at or
  before the last arrival in the data; the others are censored (cannot be judged yet);
- flag: resolved answered contacts / answered contacts with a known resolved flag.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from slreport import engine
from slreport.metrics.counts import Count
from slreport.options.settings import Settings
from slreport.options.values import FCR_WINDOWS_H

# The windows reported side by side (fcr_by_window), name → elapsed hours.

# The repeat gap of each contact, for the one pass that builds ``contacts_local`` (slreport.pipeline):
# every inbound contact counts as a repeat except a short abandon, which sits in a partition of its
# own and so is never "next". Contacts of one caller at the same instant are each other's repeat
# (gap 0): a tie group is contiguous in arrival order, so each member has an equal neighbour, and
# the gap does not depend on how the sort orders the group (nor on file names or line numbers).
# Needs ``arrived_ms`` and ``is_short_abandon`` on the rows.
_BY_CALLER = "OVER (PARTITION BY company, caller, is_short_abandon ORDER BY arrived_at)"
REPEAT_GAP_SQL = f"""
  CASE WHEN lag(arrived_at) {_BY_CALLER} = arrived_at THEN 0
       ELSE lead(arrived_ms) {_BY_CALLER} - arrived_ms END AS next_contact_ms,
  (SELECT epoch_ms(max(last_at)) FROM contact_span) - arrived_ms AS observed_after_ms"""

# Over answered contacts of a known caller: judged when the whole window lies inside the data.
KNOWN = "c.outcome = 'answered' AND c.caller_known"


def _window_counts(name: str, ms: int) -> tuple[Count, ...]:
    judged = f"{KNOWN} AND c.observed_after_ms >= {ms}"
    return (
        Count(f"judged_{name}", f"count(c.outcome) FILTER (WHERE {judged})"),
        # the answered contacts of a known caller that are not judged
        Count(f"censored_{name}", f"c.answered - c.withheld - c.judged_{name}", derived=True),
        Count(f"resolved_{name}",
              f"count(c.outcome) FILTER (WHERE {judged} AND coalesce(c.next_contact_ms > {ms}, true))"),
    )


# Per contact → counts (added up over cells, slreport.metrics.cells); with the service-level
# family's ``answered``.
COUNTS: tuple[Count, ...] = (
    Count("withheld", "count(c.outcome) FILTER (WHERE c.outcome = 'answered' AND NOT c.caller_known)"),
    Count("flagged", "count(c.resolved) FILTER (WHERE c.outcome = 'answered')"),
    Count("flagged_resolved", "count(c.outcome) FILTER (WHERE c.outcome = 'answered' AND c.resolved)"),
) + tuple(count for h in FCR_WINDOWS_H.values() for count in _window_counts(f"w{h}", h * 3_600_000))

# A group's summed counts → the family's columns, for the chosen method (rate_columns fills them in).
RATE_COLUMNS = """
  slr_round(100 * {resolved} / NULLIF({judged}, 0), 4)    AS fcr_pct,
  {method}                                                AS fcr_method,
  {window_h}                                              AS fcr_window_h,
  {judged}                                                AS fcr_judged,
  {censored}                                              AS fcr_censored,
  slr_round(100 * withheld / NULLIF(answered, 0), 4)      AS fcr_unknown_caller_pct,
  {{{by_window}}}                                         AS fcr_by_window"""


def window_name(hours: int) -> str:
    return next(name for name, h in FCR_WINDOWS_H.items() if h == hours)


def resolve_method(con: duckdb.DuckDBPyConnection, settings: Settings) -> Settings:
    """Settings with fcr_method 'auto' made concrete: 'flag' when any answered contact has a flag."""
    if settings.fcr_method != "auto":
        return settings
    flagged = engine.one(con, "SELECT count(resolved) FROM contacts_local WHERE outcome = 'answered'")[0]
    return replace(settings, fcr_method="flag" if flagged else "repeat")


def rate_columns(settings: Settings) -> str:
    """The family's columns over summed counts (fcr_method must be resolved: flag or repeat)."""
    return RATE_COLUMNS.format(by_window=_by_window(), **_chosen(settings))


def _by_window() -> str:
    return ", ".join(
        f"'{name}': slr_round(100 * resolved_w{h} / NULLIF(judged_w{h}, 0), 4)" for name, h in FCR_WINDOWS_H.items()
    )


def _chosen(settings: Settings) -> dict[str, str]:
    """The expressions of the chosen method (fcr_method must be resolved: flag or repeat)."""
    if settings.fcr_method == "flag":
        return {"resolved": "flagged_resolved", "judged": "flagged", "censored": "CAST(NULL AS BIGINT)",
                "method": "'flag'", "window_h": "CAST(NULL AS INTEGER)"}
    if settings.fcr_method == "repeat":
        w = f"w{settings.fcr_window_h}"
        return {"resolved": f"resolved_{w}", "judged": f"judged_{w}", "censored": f"censored_{w}",
                "method": "'repeat'", "window_h": str(settings.fcr_window_h)}
    raise ValueError(f"unresolved FCR method {settings.fcr_method!r}")
