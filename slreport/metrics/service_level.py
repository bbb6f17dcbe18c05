"""Service-level family: volumes, service level, answer/abandon rates, ASA, AHT, longest wait.

One query, written to be read: the inner aggregate counts contacts, the outer select turns
the counts into rates. Any zero denominator gives NULL (NULLIF), never 0 or 100. Sums of
durations are exact DECIMALs, so results do not depend on row order or thread count; the
division is in DOUBLE (DuckDB's DECIMAL / BIGINT is DOUBLE anyway), written out so that Spark,
which would divide exactly in DECIMAL and round ties differently, computes the same number.
"""

from __future__ import annotations

from slreport.settings import Settings, SlMethod

# Numerator and denominator of each service-level method, over the counts below.
SL_FORMULAS: dict[SlMethod, tuple[str, str]] = {
    SlMethod.NEGATIVE: ("answered_within_threshold", "offered - short_abandoned"),
    SlMethod.IGNORE: ("answered_within_threshold", "offered - abandoned_within_threshold"),
    SlMethod.POSITIVE: (
        "answered_within_threshold + abandoned_within_threshold - short_abandoned",
        "offered - short_abandoned",
    ),
    SlMethod.ANSWERED_ONLY: ("answered_within_threshold", "answered"),
}

COUNTS_SQL = """
SELECT {keys}
  count(c.outcome)                                                        AS offered,
  count(c.outcome) FILTER (WHERE c.outcome = 'answered')                  AS answered,
  count(c.outcome) FILTER (WHERE c.outcome = 'abandoned')                 AS abandoned,
  count(c.outcome) FILTER (WHERE c.outcome = 'abandoned' AND {S} > 0 AND c.wait_s <= {S})
                                                                          AS short_abandoned,
  count(c.outcome) FILTER (WHERE c.outcome = 'flowout')                   AS flowout,
  count(c.outcome) FILTER (WHERE c.outcome = 'answered' AND c.wait_s <= {T})
                                                                          AS answered_within_threshold,
  count(c.outcome) FILTER (WHERE c.outcome = 'abandoned' AND c.wait_s <= {T})
                                                                          AS abandoned_within_threshold,
  sum(c.wait_s) FILTER (WHERE c.outcome = 'answered')                     AS answered_wait_sum,
  count(c.wait_s) FILTER (WHERE c.outcome = 'answered')                   AS answered_with_wait,
  sum(c.talk_s + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0))
      FILTER (WHERE c.outcome = 'answered')                               AS handle_sum,
  count(c.talk_s) FILTER (WHERE c.outcome = 'answered')                   AS answered_with_talk,
  max(c.wait_s)                                                           AS max_wait_s
FROM {source}
{group_by}
"""

# Counts are coalesced to 0 for a grid row that no count row matched (an empty hour or day when the
# counts come from grouping_sets_sql); the rates then read the NULL counts and stay NULL.
RATES_SQL = """
WITH counts AS ({counts})
SELECT {keys}
  coalesce(offered, 0) AS offered, coalesce(answered, 0) AS answered, coalesce(abandoned, 0) AS abandoned,
  coalesce(short_abandoned, 0) AS short_abandoned, coalesce(flowout, 0) AS flowout,
  coalesce(answered_within_threshold, 0) AS answered_within_threshold,
  coalesce(abandoned_within_threshold, 0) AS abandoned_within_threshold,
  round(100 * ({sl_num}) / NULLIF({sl_den}, 0), 4)        AS service_level_pct,
  round(100 * answered / NULLIF(offered, 0), 4)            AS answer_rate_pct,
  round(100 * abandoned / NULLIF(offered, 0), 4)           AS abandon_rate_pct,
  round(CAST(answered_wait_sum AS DOUBLE) / NULLIF(answered_with_wait, 0), 4) AS asa_s,
  round(CAST(handle_sum AS DOUBLE) / NULLIF(answered_with_talk, 0), 4)      AS aht_s,
  CAST(max_wait_s AS DOUBLE)                                AS max_wait_s,
  100 * ({sl_num}) / NULLIF({sl_den}, 0) >= {target}         AS target_met
FROM counts
{order_by}
"""


def service_level_sql(settings: Settings, keys: list[str], source: str = "contacts_local c") -> str:
    """The family's query grouped by ``keys`` (none: one row for everything).

    ``source`` may be a grid LEFT JOINed to the contacts so that empty groups appear with
    zero counts; it must expose the contact columns under the alias ``c``.
    """
    return rates_sql(settings, keys, counts_sql(settings, keys, source))


def counts_sql(settings: Settings, keys: list[str], source: str = "contacts_local c", group_by: str = "") -> str:
    """The inner aggregate: the family's counts and sums per ``keys``."""
    return COUNTS_SQL.format(
        keys="".join(f"{k}, " for k in keys), S=settings.short_abandon_s, T=settings.threshold_s, source=source,
        group_by=group_by or (f"GROUP BY {', '.join(keys)}" if keys else ""),
    )


# The columns of counts_sql by how two groups' values combine into their union's (rolling up).
COUNT_COLUMNS = (
    "offered", "answered", "abandoned", "short_abandoned", "flowout", "answered_within_threshold",
    "abandoned_within_threshold", "answered_with_wait", "answered_with_talk",
)
SUM_COLUMNS = ("answered_wait_sum", "handle_sum")  # exact DECIMAL sums; NULL where nothing was summed
MAX_COLUMNS = ("max_wait_s",)


def grouping_sets_sql(settings: Settings, sets: tuple[tuple[str, ...], ...], source: str = "contacts_local c") -> str:
    """The counts of several groupings from one scan of the contacts.

    The contacts are counted once per cell of every key together (a plain GROUP BY), and the cells
    rolled up into each grouping (GROUPING SETS over the few thousand cells: counts and sums add
    up, maxima take the max, so the numbers are exactly those of separate queries). Each row carries
    ``grouping_<key>`` = 1 where the key is not part of its grouping (see ``grouping_set_sql``).
    """
    keys = sorted({k for s in sets for k in s})
    combined = (
        [f"CAST(sum({c}) AS BIGINT) AS {c}" for c in COUNT_COLUMNS]
        + [f"sum({c}) AS {c}" for c in SUM_COLUMNS] + [f"max({c}) AS {c}" for c in MAX_COLUMNS]
    )
    sets_sql = ", ".join("(" + ", ".join(s) + ")" for s in sets)
    return (
        f"SELECT {', '.join(keys + [f'GROUPING({k}) AS grouping_{k}' for k in keys] + combined)}\n"
        f"FROM ({counts_sql(settings, keys, source)}) cells\nGROUP BY GROUPING SETS ({sets_sql})"
    )


def grouping_set_sql(table: str, keys: tuple[str, ...], all_keys: tuple[str, ...]) -> str:
    """The rows of one grouping from a table written from ``grouping_sets_sql``, as a subquery."""
    where = " AND ".join(f"grouping_{k} = {0 if k in keys else 1}" for k in all_keys)
    return f"(SELECT * FROM {table} WHERE {where})"


def rates_sql(settings: Settings, keys: list[str], counts: str) -> str:
    """The outer select: rates from a relation with the columns of ``counts_sql`` (NULL counts read as 0)."""
    key_list = "".join(f"{k}, " for k in keys)
    num, den = SL_FORMULAS[settings.sl_method]
    return RATES_SQL.format(
        counts=counts, keys=key_list, sl_num=num, sl_den=den, target=settings.target_pct,
        order_by=f"ORDER BY {', '.join(f'{k} NULLS LAST' for k in keys)}" if keys else "",
    )
