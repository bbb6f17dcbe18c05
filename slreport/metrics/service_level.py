"""Service-level family: volumes, service level, answer/abandon rates, ASA, AHT, longest wait.

Written to be read: ``COUNTS`` count the contacts (once, into cells: slreport.metrics.cells),
``RATE_COLUMNS`` turn a group's summed counts into rates. Any zero denominator gives NULL (NULLIF),
never 0 or 100. Sums of durations are exact DECIMALs, so results do not depend on row order or
thread count.
"""

from __future__ import annotations

from slreport.metrics.counts import Count, order_by_keys, rollup_sql
from slreport.options.settings import Settings, SlMethod

# Per-contact flags under the contact's own policy p (table policy_settings: threshold T, short-abandon
# S, SL method); coalesce so that an unknown wait is "not within", as a count would be. ``sl_wait_s`` is
# the wait on the policy's clock: the queue wait, or with business_hours its open seconds only.
ANSWERED_WITHIN_T = "coalesce(c.outcome = 'answered' AND c.sl_wait_s <= p.threshold_s, false)"
ABANDONED_WITHIN_T = "coalesce(c.outcome = 'abandoned' AND c.sl_wait_s <= p.threshold_s, false)"
SHORT_ABANDON = ("coalesce(c.outcome = 'abandoned' AND p.short_abandon_s > 0 AND c.sl_wait_s <= p.short_abandon_s, "
                 "false)")

# The numerator and denominator of each service-level method, from a cell's counts (README, the
# methods table). Short abandons are abandoned within T, since S <= T (slreport.metrics.policy).
SL_FORMULAS: dict[SlMethod, tuple[str, str]] = {
    SlMethod.NEGATIVE: ("c.answered_within_threshold", "c.offered - c.short_abandoned"),
    SlMethod.IGNORE: ("c.answered_within_threshold", "c.offered - c.abandoned_within_threshold"),
    SlMethod.POSITIVE: ("c.answered_within_threshold + c.abandoned_within_threshold - c.short_abandoned",
                        "c.offered - c.short_abandoned"),
    SlMethod.ANSWERED_ONLY: ("c.answered_within_threshold", "c.answered"),
}


# Each contact's (each cell's) own policy, as p; its columns are named apart from the contacts' (policy_company,
# scope_kind, scope_name) so that grouping by company stays unambiguous.
POLICY_JOIN = "LEFT JOIN policy_settings p ON p.policy_id = c.policy_id"


def _by_method(part: int) -> str:
    whens = " ".join(f"WHEN '{m.value}' THEN {formula[part]}" for m, formula in SL_FORMULAS.items())
    return f"CASE p.sl_method {whens} END"


# A contact's handle time: talk, plus hold and after-call work where the export has them (AHT's numerator).
HANDLE_TIME = "c.talk_s + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0)"

# Per contact → counts (added up over cells, slreport.metrics.cells); NULLs in a FILTER are not counted.
COUNTS: tuple[Count, ...] = (
    Count("offered", "count(c.outcome)"),
    Count("answered", "count(c.outcome) FILTER (WHERE c.outcome = 'answered')"),
    Count("abandoned", "count(c.outcome) FILTER (WHERE c.outcome = 'abandoned')"),
    Count("short_abandoned", f"count(c.outcome) FILTER (WHERE {SHORT_ABANDON})"),
    Count("flowout", "count(c.outcome) FILTER (WHERE c.outcome = 'flowout')"),
    Count("answered_within_threshold", f"count(c.outcome) FILTER (WHERE {ANSWERED_WITHIN_T})"),
    Count("abandoned_within_threshold", f"count(c.outcome) FILTER (WHERE {ABANDONED_WITHIN_T})"),
    Count("sl_numerator", _by_method(0), derived=True),
    Count("sl_denominator", _by_method(1), derived=True),
    # a group's target: its companies' target percentage when they agree
    Count("target_min", "p.target_pct", "min", derived=True),
    Count("target_max", "p.target_pct", "max", derived=True),
    Count("answered_wait_sum", "sum(c.wait_s) FILTER (WHERE c.outcome = 'answered')", "sum"),
    Count("answered_with_wait", "count(c.wait_s) FILTER (WHERE c.outcome = 'answered')"),
    Count("handle_sum", f"sum({HANDLE_TIME}) FILTER (WHERE c.outcome = 'answered')", "sum"),
    Count("answered_with_talk", "count(c.talk_s) FILTER (WHERE c.outcome = 'answered')"),
    Count("max_wait_s", "max(c.wait_s)", "max"),
)

# A group's summed counts → the family's columns (rates NULL on a zero denominator).
RATE_COLUMNS = """
  offered, answered, abandoned, short_abandoned, flowout,
  answered_within_threshold, abandoned_within_threshold,
  slr_round(100 * sl_numerator / NULLIF(sl_denominator, 0), 4)    AS service_level_pct,
  slr_round(100 * answered / NULLIF(offered, 0), 4)               AS answer_rate_pct,
  slr_round(100 * abandoned / NULLIF(offered, 0), 4)              AS abandon_rate_pct,
  slr_round(answered_wait_sum / NULLIF(answered_with_wait, 0), 4) AS asa_s,
  slr_round(handle_sum / NULLIF(answered_with_talk, 0), 4)        AS aht_s,
  CAST(max_wait_s AS DOUBLE)                                      AS max_wait_s,
  100 * sl_numerator / NULLIF(sl_denominator, 0) >= CASE WHEN target_min = target_max THEN target_min END
                                                                  AS target_met"""

RATES_SQL = "WITH counts AS ({counts})\nSELECT {keys}" + RATE_COLUMNS + "\nFROM counts\n{order_by}"


def service_level_sql(settings: Settings, keys: list[str], source: str, grid: str | None = None) -> str:
    """The family's query grouped by ``keys`` (none: one row for everything).

    ``source`` exposes cells (slreport.metrics.cells) as ``c``; every group of ``grid`` appears,
    empty ones with zero counts (rollup_sql). Each contact was judged by its company's policy
    (table ``company_settings``, slreport.metrics.policy) when the cells were counted.
    """
    return RATES_SQL.format(counts=rollup_sql(COUNTS, keys, source, grid), keys="".join(f"{k}, " for k in keys),
                            order_by=order_by_keys(keys))
