"""One registry of metric names, labels, units and definitions.

It feeds the table columns, the CSV/markdown headers, the JSON key order and the metric
table in the README, which is generated from it: `python -m slreport.metrics.registry`
rewrites the block between the README's metrics markers (a test checks it is current).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str  # JSON key and CSV header
    label: str  # column heading in tables
    unit: str  # count | pct | seconds | bool | score | hours | text | by_window
    definition: str  # one line; the README has the full text
    name: str = ""  # in words, for pages handed to a client ("Average speed of answer"); else the label

    @property
    def words(self) -> str:
        return self.name or self.label


METRICS: tuple[Metric, ...] = (
    Metric("offered", "Offered", "count", "inbound contacts that entered a queue: answered + abandoned + flowout",
           name="Calls offered"),
    Metric("answered", "Answered", "count", "offered contacts an agent answered"),
    Metric("abandoned", "Abandoned", "count", "offered contacts whose caller hung up while waiting"),
    Metric("short_abandoned", "Short aband.", "count", "abandoned with wait ≤ S (inclusive); 0 when S = 0"),
    Metric("flowout", "Flow-out", "count",
           "offered contacts that left the queue by routing (timeout, overflow, key exit)"),
    Metric("answered_within_threshold", "Ans. ≤ T", "count",
           "answered with wait ≤ T (inclusive: a wait of exactly T is within)"),
    Metric("abandoned_within_threshold", "Aband. ≤ T", "count", "abandoned with wait ≤ T (inclusive)"),
    Metric("service_level_pct", "SL %", "pct",
           "100 × numerator / denominator of the chosen --sl-method (see the methods table)", name="Service level"),
    Metric("answer_rate_pct", "Answer %", "pct", "100 × answered / offered (all offered, short abandons included)",
           name="Answer rate"),
    Metric("abandon_rate_pct", "Abandon %", "pct", "100 × abandoned / offered", name="Abandon rate"),
    Metric("asa_s", "ASA", "seconds",
           "average speed of answer: Σ wait of answered / answered with a known wait (a ratio of sums)",
           name="Average speed of answer"),
    Metric("aht_s", "AHT", "seconds",
           "average handle time: Σ (talk + hold + ACW) / answered with a known talk time; input.aht_basis says "
           "which parts exist (tables say Avg talk for talk only)", name="Average handle time"),
    Metric("max_wait_s", "Max wait", "seconds", "the longest wait of any offered contact", name="Longest wait"),
    Metric("target_met", "Target", "bool", "service level ≥ the target percentage; null without a service level"),
    # First-contact resolution and survey scores (docs/fcr-and-targets.md).
    Metric("fcr_pct", "FCR %", "pct", "resolved answered contacts / judged answered contacts (flag or repeat method)",
           name="First-contact resolution"),
    Metric("fcr_method", "FCR method", "text", "flag (resolved flag) or repeat (no repeat contact within W)"),
    Metric("fcr_window_h", "FCR window", "hours", "repeat window W in elapsed hours; null with the flag method"),
    Metric("fcr_judged", "FCR judged", "count",
           "FCR denominator: answered with a flag, or known-caller answered not censored"),
    Metric("fcr_censored", "FCR censored", "count",
           "answered contacts whose window W passes the last arrival (repeat)"),
    Metric("fcr_unknown_caller_pct", "Withheld %", "pct", "answered contacts with a withheld caller / answered"),
    Metric("fcr_by_window", "FCR by window", "by_window", "repeat-method FCR % for 24h, 72h, 7d and 30d"),
    Metric("nps", "NPS", "score", "% promoters (9-10) − % detractors (0-6) of NPS answers", name="NPS"),
    Metric("nps_responses", "NPS answers", "count", "contacts with an NPS answer"),
    Metric("csat_mean", "CSAT", "score", "mean CSAT answer (1..--csat-scale)"),
    Metric("csat_top2_pct", "CSAT top-2 %", "pct", "CSAT answers in the top two boxes / CSAT answers"),
    Metric("csat_responses", "CSAT answers", "count", "contacts with a CSAT answer"),
    # Quality KPIs, where the export carries the fields (docs/quality.md); null when it does not.
    Metric("transfer_rate_pct", "Transfer %", "pct",
           "answered contacts transferred / answered contacts whose export says whether they were",
           name="Transfer rate"),
    Metric("hold_rate_pct", "Hold %", "pct", "answered contacts with hold > 0 / answered with a known hold time",
           name="Hold rate"),
    Metric("callback_share_pct", "Callback %", "pct",
           "offered contacts that were callbacks / offered contacts whose export says whether they were",
           name="Callback share"),
)

# Metrics of a whole period that do not add up over hours or days (a caller's contacts span them): in the
# summary, by_company and by_group rows only, after the metrics above.
PERIOD_METRICS: tuple[Metric, ...] = (
    Metric("repeat_caller_pct", "Repeat callers %", "pct",
           "identified callers with ≥ 2 contacts in the period / identified callers (summary, by_company, by_group)",
           name="Repeat-caller rate"),
    Metric("repeat_callers", "Repeat callers", "count", "identified callers with ≥ 2 contacts in the period"),
    Metric("identified_callers", "Callers", "count", "distinct known caller numbers of the group in the period"),
)
PERIOD_KEYS: tuple[str, ...] = tuple(m.key for m in PERIOD_METRICS)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS + PERIOD_METRICS}
METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)
# The keys the service-level family (metrics/service_level.py) produces on its own.
SERVICE_LEVEL_KEYS: tuple[str, ...] = METRIC_KEYS[: METRIC_KEYS.index("target_met") + 1]

# Metrics of the peak sections (docs/peaks.md has the full definitions). Kept apart from METRICS,
# whose keys are the columns of every service-level table.
PEAK_METRICS: tuple[Metric, ...] = (
    Metric("offered_per_day", "Offered/day", "count", "offered in that hour / open days (hour_profile, weekday_hour)"),
    Metric("open_days", "Open days", "count", "days with any opening hours (every day when none are given)"),
    Metric("outside_hours", "Outside hours", "count", "contacts that arrived while the company was closed"),
    Metric("share_pct", "Outside %", "pct", "outside-hours contacts / all contacts of the company"),
    Metric("peak_offered", "Peak", "count", "offered in the busiest interval"),
    Metric("mean_offered_per_open_interval", "Mean/interval", "count", "offered in open intervals / open intervals"),
    Metric("ratio", "Ratio", "ratio", "peak / mean per open interval; for a day: offered / its baseline"),
    Metric("baseline_offered", "Normal", "count", "median offered of the same weekday 7, 14, 21, 28 days before"),
    Metric("arrivals", "Arrivals", "count", "arrivals in the busiest sliding 60 minutes of a day"),
)
PEAK_BY_KEY: dict[str, Metric] = {m.key: m for m in PEAK_METRICS}

# Metrics of the calendar groupings only (by_week; docs/reports.md, "Weeks and months").
CALENDAR_METRICS: tuple[Metric, ...] = (
    Metric("rolling_4w_service_level_pct", "SL 4 wk %", "pct",
           "service level of the 4 weeks ending with this one, from their pooled numerators and denominators "
           "(not a mean of weekly rates); fewer weeks at the start of the report", name="Service level, 4 weeks"),
    Metric("rolling_4w_weeks", "Weeks pooled", "count", "the weeks of the report in the rolling window (1–4)"),
)
CALENDAR_BY_KEY: dict[str, Metric] = {m.key: m for m in CALENDAR_METRICS}
# Every metric a table can show, by key (service level family, period metrics, calendar groupings).
ANY_BY_KEY: dict[str, Metric] = BY_KEY | CALENDAR_BY_KEY

README_BEGIN = "<!-- metrics table: generated by `python -m slreport.metrics.registry`; do not edit -->"
README_END = "<!-- end of metrics table -->"


def markdown_table(metrics: tuple[Metric, ...] = METRICS + PERIOD_METRICS) -> str:
    lines = ["| key | unit | definition |", "|---|---|---|"]
    lines += [f"| `{m.key}` | {m.unit} | {m.definition} |" for m in metrics]
    return "\n".join(lines)


def readme_with_table(readme: str) -> str:
    """The README text with its generated metrics block replaced by the current registry."""
    head, _, rest = readme.partition(README_BEGIN)
    _, _, tail = rest.partition(README_END)
    return f"{head}{README_BEGIN}\n{markdown_table()}\n{README_END}{tail}"


if __name__ == "__main__":
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "README.md"
    path.write_text(readme_with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
