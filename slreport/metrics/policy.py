"""Per-company policies and targets: each company judged by its own promise.

A company's effective policy is the report Settings (defaults, from options and [defaults]) with
that company's [companies."Name"] overrides on top. The service-level query joins the table
``company_settings`` so that every contact is judged by its own company's threshold T,
short-abandon S and SL method; a group spanning several companies (the "All companies" summary)
pools those per-contact judgements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from slreport import engine
from slreport.errors import UsageError
from slreport.metrics.span import data_companies
from slreport.names import visible
from slreport.options.settings import ServiceLevelTarget, Settings, SlMethod

# Settings fields a company may override (config keys map onto them, see slreport.options.config).
POLICY_FIELDS = (
    "threshold_s", "target_pct", "sl_method", "short_abandon_s", "answer_rate_target", "abandon_rate_max",
    "fcr_target", "nps_target", "timezone", "opening_hours", "holidays_country",
)
SUMMARY_POLICY = (
    "each contact judged by its own company's service-level threshold, short-abandon rule and SL method; "
    "a group of several companies has a target only when their target percentages agree"
)


@dataclass(frozen=True)
class TargetRule:
    metric: str  # key of the metrics object
    setting: str  # policy field holding the target
    comparison: str  # ">=" (a minimum) or "<=" (a maximum)


TARGET_RULES = (
    TargetRule("service_level_pct", "target_pct", ">="),
    TargetRule("answer_rate_pct", "answer_rate_target", ">="),
    TargetRule("abandon_rate_pct", "abandon_rate_max", "<="),
    TargetRule("fcr_pct", "fcr_target", ">="),
    TargetRule("nps", "nps_target", ">="),
)


def company_policy(settings: Settings, company: str) -> dict[str, Any]:
    """The effective policy of ``company``: defaults with its overrides on top."""
    policy = {name: getattr(settings, name) for name in POLICY_FIELDS}
    policy.update(settings.companies.get(company, {}))
    # Opening hours as parsed and in force (settings.hours), whether from the file or the options.
    hours = settings.hours.for_company(company)
    policy["opening_hours"] = hours.hours.text if hours.hours else None
    policy["holidays_country"] = hours.holidays_country
    policy["sl_method"] = SlMethod(policy["sl_method"])
    if policy["short_abandon_s"] > policy["threshold_s"]:
        raise UsageError(
            f"company {company!r}: short-abandon {policy['short_abandon_s']} s exceeds its service-level "
            f"threshold {policy['threshold_s']} s",
            "lower short_abandon_s or raise the threshold in service_level",
        )
    return policy


def create_company_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The table the metric queries join: one row per company in the data or in the config."""
    con.execute(
        "CREATE OR REPLACE TABLE company_settings (company VARCHAR PRIMARY KEY, threshold_s INTEGER, "
        "target_pct DOUBLE, sl_method VARCHAR, short_abandon_s INTEGER)"
    )
    names = sorted(set(data_companies(con)) | set(settings.companies))
    rows = []
    for name in names:
        p = company_policy(settings, name)
        rows.append((name, p["threshold_s"], p["target_pct"], p["sl_method"].value, p["short_abandon_s"]))
    engine.insert_rows(con, "company_settings", rows)


def companies_json(settings: Settings, in_data: list[str]) -> list[dict[str, Any]]:
    """JSON settings.companies: the effective settings of every company in the data or config."""
    out = []
    for name in sorted(set(in_data) | set(settings.companies)):
        p = company_policy(settings, name)
        entry: dict[str, Any] = {"company": name, "in_data": name in in_data, "configured": name in settings.companies}
        entry["service_level"] = str(ServiceLevelTarget(p.pop("target_pct"), p.pop("threshold_s")))
        entry |= p | {"sl_method": p["sl_method"].value}
        out.append(entry)
    return out


def evaluate_targets(settings: Settings, by_company: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON targets: one entry per company and metric with a target; met is null without data."""
    out = []
    for row in by_company:
        policy = company_policy(settings, row["company"])
        for rule in TARGET_RULES:
            target = policy[rule.setting]
            if target is None:
                continue
            actual = row[rule.metric]
            met = None if actual is None else (actual >= target if rule.comparison == ">=" else actual <= target)
            out.append({"company": row["company"], "metric": rule.metric, "comparison": rule.comparison,
                        "target": target, "actual": actual, "met": met})
    return out


def target_misses(report: dict[str, Any]) -> list[str]:
    """One line per missed target, for stderr with --fail-on-miss (the company name visible)."""
    return [
        f"target missed: {visible(str(t['company']))}: {t['metric']} {t['actual']:g} "
        f"(target {t['comparison']} {t['target']:g})"
        for t in report.get("targets", []) if t["met"] is False
    ]
