"""One registry of metric names, labels, units and definitions.

It feeds the table columns, the CSV/markdown headers, the JSON key order and the metric
table in the README (a test checks that every metric here is documented there).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str  # JSON key and CSV header
    label: str  # column heading in tables
    unit: str  # count | pct | seconds | bool
    definition: str  # one line; the README has the full text


METRICS: tuple[Metric, ...] = (
    Metric("offered", "Offered", "count", "inbound contacts that entered a queue: answered + abandoned + flowout"),
    Metric("answered", "Answered", "count", "offered contacts an agent answered"),
    Metric("abandoned", "Abandoned", "count", "offered contacts whose caller hung up while waiting"),
    Metric("short_abandoned", "Short aband.", "count", "abandoned with wait ≤ S (short-abandon seconds); 0 when S = 0"),
    Metric("flowout", "Flow-out", "count", "left the queue by routing (timeout, overflow, key exit)"),
    Metric("answered_within_threshold", "Ans. ≤ T", "count", "answered with wait ≤ T (inclusive)"),
    Metric("abandoned_within_threshold", "Aband. ≤ T", "count", "abandoned with wait ≤ T (inclusive)"),
    Metric("service_level_pct", "SL %", "pct", "service level by the chosen --sl-method (see README)"),
    Metric("answer_rate_pct", "Answer %", "pct", "answered / offered"),
    Metric("abandon_rate_pct", "Abandon %", "pct", "abandoned / offered"),
    Metric("asa_s", "ASA", "seconds", "Σ wait of answered / answered with a known wait"),
    Metric("aht_s", "AHT", "seconds", "Σ (talk + hold + ACW) of answered / answered with a known talk time"),
    Metric("max_wait_s", "Max wait", "seconds", "the longest wait of any offered contact"),
    Metric("target_met", "Target", "bool", "service level ≥ the target percentage; null without a service level"),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)
