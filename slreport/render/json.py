"""The report as JSON: objects indented, a row per line (the JSON contract, schema_version 1)."""

from __future__ import annotations

import json
from typing import IO, Any

from slreport import names

_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def to_json(report: dict[str, Any]) -> str:
    """Objects indented by two spaces; a list of objects or lists has one element per line.

    A row per line keeps a year of intervals readable and greppable, and each line is encoded by
    the json module's C encoder (``indent`` would send the whole report, 6 MB for a year of a large
    centre, through its pure-Python one). Names keep their exact values, with no raw C1 or bidi
    control in the text (names.json_text)."""
    return names.json_text(_json_value(report, 0) + "\n")


def _json_value(value: Any, level: int) -> str:
    inner, outer = "  " * (level + 1), "  " * level
    if isinstance(value, dict) and value:
        members = (f"{inner}{_JSON.encode(_json_key(k))}: {_json_value(v, level + 1)}" for k, v in value.items())
        return "{\n" + ",\n".join(members) + "\n" + outer + "}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return "[\n" + ",\n".join(inner + _JSON.encode(v) for v in value) + "\n" + outer + "]"
    return _JSON.encode(value)


def _json_key(key: Any) -> str:
    """A key as json.dumps writes it: strings as they are, numbers, booleans and null as their JSON text."""
    return key if isinstance(key, str) else json.dumps(key)



def render_json(report: dict[str, Any], out: IO[str], color: bool = False) -> None:
    out.write(to_json(report))
