"""The report's envelope: schema_version, settings, input and period (what was read, how, when).

Not a section of its own on screen: the settings are the captions and report.html's header,
the input is the data-quality section's account (slreport.sections.data_quality).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slreport import engine
from slreport.ingest.staging import STAGED
from slreport.metrics.policy import SUMMARY_POLICY, companies_json
from slreport.metrics.span import data_companies
from slreport.sections import schema as s
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, Escape, HtmlBlock, Text

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
        "period": period(ctx.con, ctx.settings.timezone) | data_span(ctx),
    }


def aht_basis(con: Any) -> str | None:
    """What AHT is made of in this data: 'talk+hold+acw' where any hold or ACW exists, else 'talk'."""
    found = engine.one(
        con, "SELECT coalesce(sum(talked), 0), coalesce(sum(held_or_wrapped), 0) FROM contact_span"
    )
    if not found[0]:
        return None
    return "talk+hold+acw" if found[1] else "talk"


def period(con: Any, tz: str) -> dict[str, str | None]:
    first, last = engine.one(con, "SELECT epoch_ms(min(first_at)), epoch_ms(max(last_at)) FROM contact_span")
    span = period_span(first, last, tz)
    return {"first_arrival": span[0], "last_arrival": span[1], "timezone": tz}


def period_span(first_ms: int | None, last_ms: int | None, tz: str) -> tuple[str | None, str | None]:
    """Two instants (epoch ms) as ISO-8601 local times of ``tz``."""
    zone = ZoneInfo(tz)

    def iso(ms: int | None) -> str | None:
        return None if ms is None else datetime.fromtimestamp(ms / 1000, zone).isoformat()

    return iso(first_ms), iso(last_ms)


def data_span(ctx: Context) -> dict[str, str | None]:
    """The first and last arrival of every usable row, the period's and the others, when --period
    (or --since/--until) left rows out: an empty or short period then says what the data holds.
    Only ingest's staging counts the rows left out (a dataset read in place, or Spark, reads only the
    period's rows): without them nothing is added."""
    if not ctx.input.get("ignored_by_reason", {}).get("outside_period"):
        return {}
    first, last = engine.one(
        ctx.con, f"SELECT epoch_ms(min(arrived_at)), epoch_ms(max(arrived_at)) FROM {STAGED} "
        "WHERE reject_reason IS NULL AND (ignore_reason IS NULL OR ignore_reason = 'outside_period')")
    span = period_span(first, last, ctx.settings.timezone)
    return {"data_first_arrival": span[0], "data_last_arrival": span[1]}


def config_note(report: Report) -> str | None:
    """The footer line naming a slreport.toml picked up from the working directory: its targets and
    policies are in the numbers, though nobody gave it (a --config file was chosen, and is not named)."""
    settings = report["settings"]
    if settings.get("config_source") != "working directory":
        return None
    return (f"Settings from ./{settings['config_file']}, found in the working directory (not given with "
            "--config): its targets and policies are in these numbers")


def footer_text(report: Report, name: Escape) -> list[Block]:
    note = config_note(report)
    return [Block("Settings file", [Text(name(note))], footer=True)] if note else []


def footer_html(report: Report) -> list[HtmlBlock]:
    note = config_note(report)
    return [HtmlBlock("", lines=[note], place="footer")] if note else []  # a line at the page end, no heading


NUMBER_OR_NULL = {"type": ["number", "null"]}
POLICY_PROPERTIES: dict[str, Any] = dict(
    service_level={"type": "string"}, short_abandon_s={"type": "integer", "minimum": 0},
    answer_rate_target=NUMBER_OR_NULL, abandon_rate_max=NUMBER_OR_NULL, fcr_target=NUMBER_OR_NULL,
    nps_target=NUMBER_OR_NULL, opening_hours={"type": ["string", "null"]},
    holidays_country={"type": ["string", "null"]}, business_hours={"type": "boolean"},
)
POLICY_KEYS = ["service_level", "sl_method", "short_abandon_s", "answer_rate_target", "abandon_rate_max",
               "fcr_target", "nps_target", "timezone", "opening_hours", "holidays_country", "business_hours"]
SCOPE_POLICY = s.obj(
    POLICY_KEYS, "the effective settings of one queue, segment or channel of the company (its own key names it: "
    '{"queue": "billing", …}); its contacts follow it before the company\'s, queue > segment > channel',
    queue={"type": "string"}, segment={"type": "string"}, channel={"type": "string"}, **POLICY_PROPERTIES,
)
COMPANY_POLICY = s.obj(
    ["company", "in_data", "configured", *POLICY_KEYS, "scopes"],
    "the effective settings of one company (slreport.toml, else the options)",
    company={"type": "string"}, in_data={"type": "boolean"}, configured={"type": "boolean"},
    scopes=s.rows(SCOPE_POLICY), **POLICY_PROPERTIES,
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
    include_closed={"type": "boolean"}, business_hours={"type": "boolean"},
    staffing=s.obj(["max_asa_s", "max_p_wait", "max_abandon", "max_occupancy", "shrinkage"]),
    service_level={"type": "string", "pattern": "^[0-9.]+/[0-9]+$"},
    closed_hours_contacts={"type": "string"},
    companies=s.rows(COMPANY_POLICY),
    summary_policy={"type": "string"},
    period={"type": ["object", "null"], "description": "--period: its name and [since, until)"},
    config_source={"const": "working directory", "description": "present when config_file was picked up from "
                   "the working directory rather than given with --config"},
)
PERIOD = s.obj(["first_arrival", "last_arrival", "timezone"], "the first and last arrival counted",
               first_arrival={"type": ["string", "null"]}, last_arrival={"type": ["string", "null"]},
               timezone={"type": "string"},
               data_first_arrival={"type": ["string", "null"], "description": "with --period (--since, --until) "
                                   "leaving rows out: the first arrival of every usable row"},
               data_last_arrival={"type": ["string", "null"], "description": "likewise, the last"})

ENVELOPE = Section(
    "envelope", "Report", ("schema_version", "settings", "input", "period"), doc="README.md",
    schema={"schema_version": {"const": SCHEMA_VERSION}, "settings": SETTINGS, "period": PERIOD},
    required=("schema_version", "settings", "period"), compute=envelope, text=footer_text, html=footer_html,
)
