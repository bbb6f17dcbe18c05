"""The report's envelope: schema_version, settings, input and period (what was read, how, when).

Not a section of its own on screen: the settings are the captions and report.html's header,
the input is the data-quality section's account (slreport.sections.data_quality).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slreport import engine
from slreport.metrics.policy import SUMMARY_POLICY, companies_json, data_companies
from slreport.sections import schema as s
from slreport.sections.base import Context, Section

SCHEMA_VERSION = 1


def envelope(ctx: Context) -> dict[str, Any]:
    settings_json = ctx.given.as_json() | {
        # JSON settings about policies: the effective settings per company and what the summary means
        "companies": companies_json(ctx.given, data_companies(ctx.con)), "summary_policy": SUMMARY_POLICY,
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "settings": settings_json,
        "input": ctx.input | {"aht_basis": aht_basis(ctx.con)},
        "period": period(ctx.con, ctx.settings.timezone),
    }


def aht_basis(con: Any) -> str | None:
    """What AHT is made of in this data: 'talk+hold+acw' where any hold or ACW exists, else 'talk'."""
    found = engine.one(
        con, "SELECT count(talk_s), count(hold_s) + count(acw_s) FROM contacts WHERE outcome = 'answered'"
    )
    if not found[0]:
        return None
    return "talk+hold+acw" if found[1] else "talk"


def period(con: Any, tz: str) -> dict[str, str | None]:
    first, last = engine.one(con, "SELECT epoch_ms(min(arrived_at)), epoch_ms(max(arrived_at)) FROM contacts")
    zone = ZoneInfo(tz)

    def iso(ms: int | None) -> str | None:
        return None if ms is None else datetime.fromtimestamp(ms / 1000, zone).isoformat()

    return {"first_arrival": iso(first), "last_arrival": iso(last), "timezone": tz}


NUMBER_OR_NULL = {"type": ["number", "null"]}
COMPANY_POLICY = s.obj(
    ["company", "in_data", "configured", "service_level", "sl_method", "short_abandon_s", "answer_rate_target",
     "abandon_rate_max", "fcr_target", "nps_target", "timezone", "opening_hours", "holidays_country"],
    "the effective settings of one company (slreport.toml, else the options)",
    company={"type": "string"}, in_data={"type": "boolean"}, configured={"type": "boolean"},
    service_level={"type": "string"}, short_abandon_s={"type": "integer", "minimum": 0},
    answer_rate_target=NUMBER_OR_NULL, abandon_rate_max=NUMBER_OR_NULL, fcr_target=NUMBER_OR_NULL,
    nps_target=NUMBER_OR_NULL, opening_hours={"type": ["string", "null"]},
    holidays_country={"type": ["string", "null"]},
)
SETTINGS = s.obj(
    ["threshold_s", "target_pct", "sl_method", "short_abandon_s", "timezone", "by", "interval_minutes",
     "fcr_method", "fcr_window_h", "csat_scale", "opening_hours", "include_closed", "staffing", "service_level",
     "closed_hours_contacts", "companies", "summary_policy"],
    "the settings the report was computed with (options, slreport.toml)",
    threshold_s={"type": "integer", "minimum": 0},
    target_pct={"type": "number", "exclusiveMinimum": 0, "maximum": 100},
    sl_method={"enum": ["negative", "ignore", "positive", "answered-only"]},
    short_abandon_s={"type": "integer", "minimum": 0},
    timezone={"type": "string"},
    by={"type": "array", "items": {"enum": ["company", "queue", "segment", "channel", "agent"]}},
    interval_minutes={"enum": [15, 30, 60]},
    fcr_method={"type": "string"}, fcr_window_h={"type": "number"}, csat_scale={"type": "integer"},
    answer_rate_target=NUMBER_OR_NULL, abandon_rate_max=NUMBER_OR_NULL, fcr_target=NUMBER_OR_NULL,
    nps_target=NUMBER_OR_NULL,
    opening_hours=s.obj(["hours", "holidays_country", "by_company"]),
    config_file={"type": ["string", "null"]},
    top_n={"type": "integer", "minimum": 1}, unusual_factor={"type": "number"},
    include_closed={"type": "boolean"},
    staffing=s.obj(["max_asa_s", "max_p_wait", "max_abandon", "max_occupancy", "shrinkage"]),
    service_level={"type": "string", "pattern": "^[0-9.]+/[0-9]+$"},
    closed_hours_contacts={"type": "string"},
    companies=s.rows(COMPANY_POLICY),
    summary_policy={"type": "string"},
    period={"type": ["object", "null"], "description": "--period: its name and [since, until)"},
)
PERIOD = s.obj(["first_arrival", "last_arrival", "timezone"], "the first and last arrival counted",
               first_arrival={"type": ["string", "null"]}, last_arrival={"type": ["string", "null"]},
               timezone={"type": "string"})

ENVELOPE = Section(
    "envelope", "Report", ("schema_version", "settings", "input", "period"), doc="README.md",
    schema={"schema_version": {"const": SCHEMA_VERSION}, "settings": SETTINGS, "period": PERIOD},
    required=("schema_version", "settings", "period"), compute=envelope,
)
