"""Data quality: every row read is a contact used, a rejected row or an ignored row, by reason,
and the usable contacts with a gap. Reads the report's ``input`` (ingest's account, see
docs/ingest.md) and, for a --split-by report, ``scope``. Definitions: docs/ingest.md."""

from __future__ import annotations

from typing import Any

from slreport.sections import schema as s
from slreport.sections.base import Report, Section
from slreport.sections.blocks import Block, Escape, HtmlBlock, Lines
from slreport.sections.words import count


def quality_lines(report: Report) -> list[str]:
    return [account_line(report["input"]), *reason_lines(report["input"])]


def account_line(inp: dict[str, Any]) -> str:
    return (f"{count(inp['rows_read'])} rows read = {count(inp['contacts'])} contacts used + "
            f"{count(inp['rows_rejected'])} rejected + {count(inp['rows_ignored'])} ignored")


def reason_lines(inp: dict[str, Any]) -> list[str]:
    """The rows rejected and ignored by reason, then the usable contacts with a gap."""
    from slreport.ingest.reasons import describe

    lines = [f"rejected {count(n)}: {reason} ({describe(reason)})" for reason, n in inp["rejected_by_reason"].items()]
    lines += [f"ignored {count(n)}: {reason} ({describe(reason)})" for reason, n in inp["ignored_by_reason"].items()]
    return lines + data_quality_lines(inp)


def data_quality_lines(inp: dict[str, Any]) -> list[str]:
    """Usable contacts with a gap (see docs/ingest.md, "Data quality")."""
    dq = inp.get("data_quality") or {}
    lines = []
    if dq.get("missing_wait"):
        lines.append(f"{count(dq['missing_wait'])} contacts have no wait time: offered, never within the threshold")
    if dq.get("withheld_caller"):
        lines.append(
            f"{count(dq['withheld_caller'])} contacts have no caller number "
            "(withheld, anonymous, internal or not exported)"
        )
    if dq.get("nonexistent_local_time"):
        lines.append(f"{count(dq['nonexistent_local_time'])} rows have a local time in a DST gap "
                     "(read with the offset before the change)")
    if dq.get("ambiguous_local_time"):
        lines.append(f"{count(dq['ambiguous_local_time'])} rows have a local time that occurs twice at a DST change "
                     "(read as the later instant)")
    return lines


def contacts_line(report: Report) -> str | None:
    """How the contacts used become the calls offered: the rest arrived while closed or were not
    offered to a queue (the sum is shown, so that it adds up on screen)."""
    oh = report.get("outside_hours") or {}
    total = next((r for r in oh.get("by_company", []) if r["company"] is None), None)
    offered = report.get("summary", {}).get("offered")
    if total is None or offered is None:
        return None
    contacts = ((report.get("scope") or {}).get("input") or report["input"])["contacts"]  # a split: its company's
    closed = 0 if oh.get("included_in_service_level") else total["outside_hours"]
    other = contacts - offered - closed
    if other < 0:
        return None
    parts = [f"{count(offered)} calls offered while open"]
    if closed:
        parts.append(f"{count(closed)} outside opening hours (left out of the service level)")
    if other:
        parts.append(f"{count(other)} not offered to a queue (outbound, internal or never queued)")
    return f"{count(contacts)} contacts used = " + " + ".join(parts)


def text(report: Report, name: Escape) -> list[Block]:
    return [Block("Data quality", [Lines(quality_lines(report))])]


def html(report: Report) -> list[HtmlBlock]:
    """The account of the input, with the sums written out; a split report shows its company's first."""
    scope = report.get("scope") or {}
    line = contacts_line(report)
    inp = report["input"]
    if "input" in scope:
        parts = [(str(scope["company"]), [account_line(scope["input"]), *([line] if line else [])]),
                 ("The whole input (every company)", [])]
        return [HtmlBlock("Data quality", lines=quality_lines(report), place="quality", subheadings=parts,
                          anchor="data-quality")]
    lines = [account_line(inp), *([line] if line else []), *reason_lines(inp)]
    return [HtmlBlock("Data quality", lines=lines, place="quality", anchor="data-quality")]


COUNTS_BY_REASON = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
ACCOUNT: dict[str, Any] = dict(
    rows_read={"type": "integer", "minimum": 0}, contacts={"type": "integer", "minimum": 0},
    rows_rejected={"type": "integer", "minimum": 0}, rows_ignored={"type": "integer", "minimum": 0},
    rejected_by_reason=COUNTS_BY_REASON, ignored_by_reason=COUNTS_BY_REASON,
)
ACCOUNT_KEYS = ["rows_read", "contacts", "rows_rejected", "rows_ignored", "rejected_by_reason", "ignored_by_reason"]
INPUT = s.obj(
    ["files", *ACCOUNT_KEYS, "aht_basis"],
    "what was read: rows read = contacts used + rejected + ignored, per file and by reason (docs/ingest.md)",
    files=s.rows(s.obj(["path", "rows_read", "profile"], path={"type": "string"},
                       rows_read={"type": "integer", "minimum": 0}, profile={"type": "string"},
                       utc_offsets={"type": "array", "items": {"type": "string", "pattern": "^[+-][0-9]{2}:[0-9]{2}$"},
                                    "description": "no zone chosen: the UTC offsets other than UTC's that the "
                                                   "file's first arrivals carry (the report is in UTC)"})),
    **ACCOUNT,
    rows_used={"type": "integer", "minimum": 0},
    in_progress={"type": "integer", "minimum": 0},
    data_quality=s.obj([], "usable contacts with a gap", missing_wait=s.COUNT, withheld_caller=s.COUNT,
                       nonexistent_local_time=s.COUNT, ambiguous_local_time=s.COUNT),
    aht_basis={"enum": ["talk", "talk+hold+acw", None]},
)
SCOPE = s.obj(["split_by", "company", "input"], "--split-by company: the one company this report covers",
              split_by={"const": "company"}, company={"type": "string"},
              folder={"type": "string", "description": "the folder name of this company's report"},
              folder_reason={"type": "string", "description": "why a hash was added to the folder name"},
              input=s.obj(ACCOUNT_KEYS, "the rows of this company (the whole input's account is in input)",
                          **ACCOUNT))

DATA_QUALITY = Section(
    "data_quality", "Data quality", (), doc="docs/ingest.md",
    schema={"input": INPUT, "scope": SCOPE}, required=("input",), text=text, html=html,
)
