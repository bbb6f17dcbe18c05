"""JSON Schema helpers for the sections' fragments, and the whole schema built from them.

``python -m slreport.sections --schema`` writes slreport/report.schema.json from the sections;
tests/test_sections.py checks that the shipped file is the generated one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "report.schema.json"
COUNT = {"$ref": "#/$defs/count"}
COUNT_OR_NULL = {"type": ["integer", "null"], "minimum": 0, "description": "null where the metric does not apply"}
PCT = {"$ref": "#/$defs/pct"}
SECONDS = {"$ref": "#/$defs/seconds"}
METRICS = {"$ref": "#/$defs/metrics"}
COMPANY = {"type": ["string", "null"], "description": "null: all companies together"}
LOCAL_TIME = {"type": "string", "description": "local time in the report time zone, ISO 8601 with its UTC offset"}
DAY = {"type": "string", "format": "date"}


def obj(required: list[str] | tuple[str, ...], description: str = "", **properties: Any) -> dict[str, Any]:
    """An object with these keys always present (more may be added by later schema versions)."""
    out: dict[str, Any] = {"type": "object"}
    if description:
        out["description"] = description
    out["required"] = list(required)
    if properties:
        out["properties"] = properties
    return out


def rows(item: dict[str, Any], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "array"}
    if description:
        out["description"] = description
    out["items"] = item
    return out


def metric_rows(description: str, required: list[str], **properties: Any) -> dict[str, Any]:
    """Rows of every metric family plus their group keys."""
    return rows({"allOf": [METRICS, {"required": required, "properties": properties}]}, description)
