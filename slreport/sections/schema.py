"""JSON Schema helpers for the sections' fragments, and the whole schema built from them.

``python -m slreport.sections --schema`` writes slreport/report.schema.json from the sections;
tests/test_sections.py checks that the shipped file is the generated one.
"""

from __future__ import annotations

import json
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


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the whole report, from the sections' fragments in their order."""
    from slreport.sections import SECTIONS

    properties: dict[str, Any] = {}
    required: list[str] = []
    defs: dict[str, Any] = {}
    for section in SECTIONS:
        properties |= section.schema
        required += section.required
        defs |= section.defs
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/slreport/slreport/report.schema.json",
        "title": "slreport analyze report",
        "description": "The JSON written by `slreport analyze --format json` (schema_version 1), generated from "
                       "the report's sections (slreport/sections/): python -m slreport.sections --schema. Later "
                       "versions may add keys; a removed or renamed key raises schema_version.",
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_FILE) -> Path:
    path.write_text(schema_text(), encoding="utf-8")
    return path
