"""CSV: the report's per-group table with every metric, and the one CSV cell encoding that the
table files of a report folder use too (slreport.folder.tables).

A cell is empty for null, true/false for a flag, compact JSON for an object, and text goes
through ``names.spreadsheet``: control characters shown as escape text, and text a spreadsheet
would run as a formula (starting with = + - @) gets a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from slreport.metrics.registry import METRIC_KEYS, PERIOD_KEYS
from slreport.names import spreadsheet
from slreport.sections.service_level import group_keys, group_rows


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(spreadsheet(value))


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A table row of plain cells: a nested object becomes one column per key
    (fcr_by_window → fcr_by_window_24h, …), a list becomes its JSON text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out |= {f"{key}_{k}": v for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def render_csv(report: dict[str, Any], out: IO[str], color: bool = False) -> None:
    """The per-group table with every metric; the last row (empty group columns) is the total.
    A metric holding an object (fcr_by_window) becomes one column per key (fcr_by_window_24h, …)."""
    keys = group_keys(report)
    metrics = (*METRIC_KEYS, *PERIOD_KEYS)
    total = flat({k: "" for k in keys} | {m: report["summary"].get(m) for m in metrics})
    rows = [flat({k: r.get(k) for k in keys} | {m: r.get(m) for m in metrics}) for r in group_rows(report)]
    out.write(csv_text(list(total), [list(row.values()) for row in [*rows, total]]))
