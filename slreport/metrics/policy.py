"""Per-company and scoped policies and targets: each contact judged by its own promise.

A company's effective policy is the report Settings (defaults, from options and [defaults]) with
that company's [companies."Name"] overrides on top; a scope's (a queue, segment or channel of the
company: [companies."Name".queues."Q"], …) is its company's with the scope's overrides on top.
Each contact follows its most specific policy: queue > segment > channel > company > defaults
(``SCOPE_KINDS``). The table ``policy_settings`` holds every policy with an id; each contact
carries the id of its own (``policy_id``, slreport.pipeline), and the metric queries join it, so
every contact is judged by its own threshold T, short-abandon S, SL method and clock (business
hours or not); a group spanning several policies (a company with scopes, the "All companies"
summary) pools those per-contact judgements. Each scope's targets are judged on the scope's own
contacts under the scope's policy (``scope_rows``).
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
    "fcr_target", "nps_target", "timezone", "opening_hours", "holidays_country", "business_hours",
)
# The scopes of a company's policy, most specific first: a contact follows the first that matches.
SCOPE_KINDS = ("queue", "segment", "channel")
# The fields that say how the service level is measured: a scope writing one has an SL target of its own.
SL_FIELDS = ("threshold_s", "target_pct", "sl_method", "short_abandon_s", "business_hours")
SUMMARY_POLICY = (
    "each contact judged by its own company's service-level threshold, short-abandon rule and SL method "
    "(its queue's, segment's or channel's where the company sets one); a group of several companies has a "
    "target only when their target percentages agree"
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


@dataclass(frozen=True)
class Scope:
    """Whose policy: a company's own (kind None) or one of its queues, segments or channels."""

    company: str
    kind: str | None = None
    name: str | None = None

    def described(self) -> str:
        return repr(self.company) + (f" {self.kind} {self.name!r}" if self.kind else "")


def company_policy(settings: Settings, company: str) -> dict[str, Any]:
    """The effective policy of ``company``: defaults with its overrides on top."""
    policy = {name: getattr(settings, name) for name in POLICY_FIELDS}
    policy.update(settings.companies.get(company, {}))
    # Opening hours as parsed and in force (settings.hours), whether from the file or the options.
    hours = settings.hours.for_company(company)
    policy["opening_hours"] = hours.hours.text if hours.hours else None
    policy["holidays_country"] = hours.holidays_country
    return _checked(Scope(company), policy)


def scope_policy(settings: Settings, scope: Scope) -> dict[str, Any]:
    """The effective policy of ``scope``: its company's with the scope's own overrides on top."""
    policy = company_policy(settings, scope.company)
    if scope.kind is None or scope.name is None:
        return policy
    return _checked(scope, policy | scope_overrides(settings, scope))


def uses_business_hours(settings: Settings) -> bool:
    """Whether any policy (the defaults, a company's, a scope's) measures its wait in business hours."""
    tables = [*settings.companies.values(),
              *(t for kinds in settings.scopes.values() for names in kinds.values() for t in names.values())]
    return bool(settings.business_hours) or any(t.get("business_hours") for t in tables)


def scope_overrides(settings: Settings, scope: Scope) -> dict[str, Any]:
    return dict(settings.scopes.get(scope.company, {}).get(scope.kind or "", {}).get(scope.name or "", {}))


def _checked(scope: Scope, policy: dict[str, Any]) -> dict[str, Any]:
    policy["sl_method"] = SlMethod(policy["sl_method"])
    where = f"company {scope.company!r}" + (f", {scope.kind} {scope.name!r}" if scope.kind else "")
    if policy["short_abandon_s"] > policy["threshold_s"]:
        raise UsageError(
            f"{where}: short-abandon {policy['short_abandon_s']} s exceeds its service-level "
            f"threshold {policy['threshold_s']} s",
            "lower short_abandon_s or raise the threshold in service_level",
        )
    if policy["business_hours"] and not (policy["opening_hours"] or policy["holidays_country"]):
        raise UsageError(f"{where}: business_hours = true needs opening hours to count",
                         'set opening_hours (e.g. "mon-fri 08:00-16:00") and holidays_country beside it')
    return policy


def scopes(settings: Settings, companies: list[str]) -> list[Scope]:
    """Every scoped policy of ``companies``, by company, kind (in SCOPE_KINDS order) and name."""
    return [Scope(company, kind, name) for company in companies
            for kind in SCOPE_KINDS for name in sorted(settings.scopes.get(company, {}).get(kind, {}))]


def all_policies(settings: Settings, companies: list[str]) -> list[tuple[Scope, dict[str, Any]]]:
    """The company policies, then the scoped ones; a policy's id is its place in this list."""
    own = [Scope(name) for name in companies]
    return [(scope, scope_policy(settings, scope)) for scope in [*own, *scopes(settings, companies)]]


def policy_companies(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    return sorted(set(data_companies(con)) | set(settings.companies) | set(settings.scopes))


def create_company_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The tables the metric queries join: ``company_settings``, one row per company in the data or in
    the config; ``policy_settings``, one row per policy (the companies', then the scoped ones), with
    its ``policy_id`` (slreport.pipeline gives each contact the id of its most specific policy)."""
    con.execute(
        "CREATE OR REPLACE TABLE company_settings (company VARCHAR PRIMARY KEY, threshold_s INTEGER, "
        "target_pct DOUBLE, sl_method VARCHAR, short_abandon_s INTEGER)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE policy_settings (policy_id INTEGER PRIMARY KEY, policy_company VARCHAR, "
        "scope_kind VARCHAR, scope_name VARCHAR, threshold_s INTEGER, target_pct DOUBLE, sl_method VARCHAR, "
        "short_abandon_s INTEGER, business_hours BOOLEAN)"
    )
    policies = all_policies(settings, policy_companies(con, settings))
    rows = [(scope.company, p["threshold_s"], p["target_pct"], p["sl_method"].value, p["short_abandon_s"])
            for scope, p in policies if scope.kind is None]
    engine.insert_rows(con, "company_settings", rows)
    engine.insert_rows(con, "policy_settings", [
        (i, scope.company, scope.kind, scope.name, p["threshold_s"], p["target_pct"], p["sl_method"].value,
         p["short_abandon_s"], bool(p["business_hours"])) for i, (scope, p) in enumerate(policies)])


def _policy_json(p: dict[str, Any]) -> dict[str, Any]:
    p = dict(p)
    return {"service_level": str(ServiceLevelTarget(p.pop("target_pct"), p.pop("threshold_s")))} | p | {
        "sl_method": p["sl_method"].value}


def companies_json(settings: Settings, in_data: list[str]) -> list[dict[str, Any]]:
    """JSON settings.companies: the effective settings of every company in the data or config, with
    its scoped policies (``scopes``: the queue, segment and channel policies, most specific first)."""
    out = []
    for name in sorted(set(in_data) | set(settings.companies) | set(settings.scopes)):
        entry: dict[str, Any] = {"company": name, "in_data": name in in_data,
                                 "configured": name in settings.companies or name in settings.scopes}
        entry |= _policy_json(company_policy(settings, name))
        entry["scopes"] = [{scope.kind: scope.name} | _policy_json(scope_policy(settings, scope))
                           for scope in scopes(settings, [name])]
        out.append(entry)
    return out


def _judged(key: dict[str, Any], policy: dict[str, Any], row: dict[str, Any],
            only: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    out = []
    for rule in TARGET_RULES:
        target = policy[rule.setting]
        if target is None or (only is not None and rule.setting not in only):
            continue
        actual = row[rule.metric]
        met = None if actual is None else (actual >= target if rule.comparison == ">=" else actual <= target)
        out.append(key | {"metric": rule.metric, "comparison": rule.comparison, "target": target, "actual": actual,
                          "met": met})
    return out


def scope_targets(settings: Settings, scope: Scope) -> tuple[str, ...]:
    """The target fields a scope is judged on: those its own table writes; its service level too when
    the table writes how it is measured (service_level, sl_method, short_abandon_s, business_hours)."""
    own = scope_overrides(settings, scope)
    fields = tuple(rule.setting for rule in TARGET_RULES if rule.setting in own)
    return ("target_pct", *fields) if any(f in own for f in SL_FIELDS) and "target_pct" not in fields else fields


def evaluate_targets(settings: Settings, by_company: list[dict[str, Any]],
                     by_scope: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """JSON targets: one entry per company and metric with a target, then per scope (its row carries
    ``queue``, ``segment`` or ``channel``: the scope's metrics, from ``by_scope``); met is null without data."""
    out = []
    for row in by_company:
        out += _judged({"company": row["company"]}, company_policy(settings, row["company"]), row)
    for row in by_scope or []:
        scope = Scope(row["company"], row["scope_kind"], row["scope_name"])
        key = {"company": scope.company, str(scope.kind): scope.name}
        out += _judged(key, scope_policy(settings, scope), row, scope_targets(settings, scope))
    return out


def scope_of(target: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, name) of a scoped target row, None for a company's own."""
    return next(((kind, str(target[kind])) for kind in SCOPE_KINDS if kind in target), None)


def target_misses(report: dict[str, Any]) -> list[str]:
    """One line per missed target, for stderr with --fail-on-miss (the company name visible)."""
    out = []
    for t in report.get("targets", []):
        if t["met"] is False:
            scope = scope_of(t)
            where = visible(str(t["company"])) + (f" {scope[0]} {visible(scope[1])}" if scope else "")
            out.append(f"target missed: {where}: {t['metric']} {t['actual']:g} "
                       f"(target {t['comparison']} {t['target']:g})")
    return out
