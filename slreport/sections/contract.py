"""The report's JSON Schema, built from the sections' fragments in their order (the shipped
slreport/report.schema.json is this, written by `python -m slreport.sections --schema`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from slreport.sections import SECTIONS
from slreport.sections.schema import SCHEMA_FILE


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the whole report, from the sections' fragments in their order."""
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
