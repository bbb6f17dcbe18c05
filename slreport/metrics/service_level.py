"""Service-level family: volumes, service level, answer/abandon rates, ASA, AHT, longest wait.

One query, written to be read: the inner aggregate counts contacts, the outer select turns
the counts into rates. Any zero denominator gives NULL (NULLIF), never 0 or 100. Sums of
durations are exact DECIMALs, so results do not depend on row order or thread count.
"""

from __future__ import annotations

from slreport.settings import Settings, SlMethod

# Per-contact flags under the contact's own company policy p (table company_settings: threshold T,
# short-abandon S, SL method); coalesce so that an unknown wait is "not within", as a count would be.
ANSWERED_WITHIN_T = "coalesce(c.outcome = 'answered' AND c.wait_s <= p.threshold_s, false)"
ABANDONED_WITHIN_T = "coalesce(c.outcome = 'abandoned' AND c.wait_s <= p.threshold_s, false)"
SHORT_ABANDON = "coalesce(c.outcome = 'abandoned' AND p.short_abandon_s > 0 AND c.wait_s <= p.short_abandon_s, false)"

# Whether a contact counts in the numerator and in the denominator of each service-level method;
# summed per group these are the classic formulas (e.g. negative: answered ≤ T / (offered − short)).
SL_RULES: dict[SlMethod, tuple[str, str]] = {
    SlMethod.NEGATIVE: (ANSWERED_WITHIN_T, f"NOT {SHORT_ABANDON}"),
    SlMethod.IGNORE: (ANSWERED_WITHIN_T, f"NOT {ABANDONED_WITHIN_T}"),
    SlMethod.POSITIVE: (f"{ANSWERED_WITHIN_T} OR ({ABANDONED_WITHIN_T} AND NOT {SHORT_ABANDON})",
                        f"NOT {SHORT_ABANDON}"),
    SlMethod.ANSWERED_ONLY: (ANSWERED_WITHIN_T, "c.outcome = 'answered'"),
}


# Each contact's company policy, as p (its company column renamed so that grouping by company stays unambiguous).
POLICY_JOIN = (
    "LEFT JOIN (SELECT company AS policy_company, * EXCLUDE (company) FROM company_settings) p "
    "ON p.policy_company = c.company"
)


def _by_method(part: int) -> str:
    whens = " ".join(f"WHEN '{m.value}' THEN {rule[part]}" for m, rule in SL_RULES.items())
    return f"CASE p.sl_method {whens} END"


COUNTS_SQL = """
SELECT {keys}
  count(c.outcome)                                                        AS offered,
  count(c.outcome) FILTER (WHERE c.outcome = 'answered')                  AS answered,
  count(c.outcome) FILTER (WHERE c.outcome = 'abandoned')                 AS abandoned,
  count(c.outcome) FILTER (WHERE {short})                                AS short_abandoned,
  count(c.outcome) FILTER (WHERE c.outcome = 'flowout')                   AS flowout,
  count(c.outcome) FILTER (WHERE {answered_t})                           AS answered_within_threshold,
  count(c.outcome) FILTER (WHERE {abandoned_t})                          AS abandoned_within_threshold,
  count(c.outcome) FILTER (WHERE {sl_num})                               AS sl_numerator,
  count(c.outcome) FILTER (WHERE {sl_den})                               AS sl_denominator,
  -- a group's target: its companies' target percentage when they agree
  CASE WHEN min(p.target_pct) = max(p.target_pct) THEN min(p.target_pct) END AS sl_target_pct,
  sum(c.wait_s) FILTER (WHERE c.outcome = 'answered')                     AS answered_wait_sum,
  count(c.wait_s) FILTER (WHERE c.outcome = 'answered')                   AS answered_with_wait,
  sum(c.talk_s + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0))
      FILTER (WHERE c.outcome = 'answered')                               AS handle_sum,
  count(c.talk_s) FILTER (WHERE c.outcome = 'answered')                   AS answered_with_talk,
  max(c.wait_s)                                                           AS max_wait_s
FROM {source}
{policy_join}
{group_by}
"""

RATES_SQL = """
WITH counts AS ({counts})
SELECT {keys}
  offered, answered, abandoned, short_abandoned, flowout,
  answered_within_threshold, abandoned_within_threshold,
  round(100 * sl_numerator / NULLIF(sl_denominator, 0), 4) AS service_level_pct,
  round(100 * answered / NULLIF(offered, 0), 4)            AS answer_rate_pct,
  round(100 * abandoned / NULLIF(offered, 0), 4)           AS abandon_rate_pct,
  round(answered_wait_sum / NULLIF(answered_with_wait, 0), 4) AS asa_s,
  round(handle_sum / NULLIF(answered_with_talk, 0), 4)      AS aht_s,
  CAST(max_wait_s AS DOUBLE)                                AS max_wait_s,
  100 * sl_numerator / NULLIF(sl_denominator, 0) >= sl_target_pct AS target_met
FROM counts
{order_by}
"""


def service_level_sql(settings: Settings, keys: list[str], source: str = "offered_local c") -> str:
    """The family's query grouped by ``keys`` (none: one row for everything).

    ``source`` may be a grid LEFT JOINed to the contacts so that empty groups appear with
    zero counts; it must expose the contact columns under the alias ``c``. Each contact is judged
    by its company's policy from the table ``company_settings`` (slreport.policy).
    """
    key_list = "".join(f"{k}, " for k in keys)
    counts = COUNTS_SQL.format(
        keys=key_list, source=source, policy_join=POLICY_JOIN, short=SHORT_ABANDON, answered_t=ANSWERED_WITHIN_T,
        abandoned_t=ABANDONED_WITHIN_T, sl_num=_by_method(0), sl_den=_by_method(1),
        group_by=f"GROUP BY {', '.join(keys)}" if keys else "",
    )
    return RATES_SQL.format(
        counts=counts, keys=key_list,
        order_by=f"ORDER BY {', '.join(f'{k} NULLS LAST' for k in keys)}" if keys else "",
    )
