"""Survey scores: NPS (0-10) and CSAT (1..scale), over the contacts that carry an answer.

- nps = % promoters (9-10) − % detractors (0-6) of the contacts with an NPS answer; −100..100.
- csat_mean = mean CSAT answer; csat_top2_pct = % of CSAT answers in the top two boxes of the
  scale (scale − 1 or more, e.g. 4 and 5 on a 1-5 scale).
No answers → null, never 0. Scores are attributed to the contact's arrival, like every count.
Out-of-range answers never get here: the reader rejects them with reason ``bad_score``.
"""

from __future__ import annotations

from slreport.metrics.counts import Count
from slreport.options.settings import Settings


def counts(settings: Settings) -> tuple[Count, ...]:
    """Per contact → counts (added up over cells, slreport.metrics.cells)."""
    top2_from = int(settings.csat_scale) - 1
    return (
        Count("nps_responses", "count(c.nps_score)"),
        Count("promoters", "count(c.nps_score) FILTER (WHERE c.nps_score >= 9)"),
        Count("detractors", "count(c.nps_score) FILTER (WHERE c.nps_score <= 6)"),
        Count("csat_responses", "count(c.csat_score)"),
        Count("csat_sum", "sum(c.csat_score)", "sum"),
        Count("csat_top2", f"count(c.csat_score) FILTER (WHERE c.csat_score >= {top2_from})"),
    )


# A group's summed counts → the family's columns.
RATE_COLUMNS = """
  slr_round(100 * (promoters - detractors) / NULLIF(nps_responses, 0), 4) AS nps,
  nps_responses,
  slr_round(csat_sum / NULLIF(csat_responses, 0), 4)                    AS csat_mean,
  slr_round(100 * csat_top2 / NULLIF(csat_responses, 0), 4)             AS csat_top2_pct,
  csat_responses"""
