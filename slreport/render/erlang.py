"""The text of `slreport erlang`: its summary lines and the table of N around the answer
(rich-free: slreport.render.terminal prints them)."""

from __future__ import annotations

from typing import Any

from slreport.sections.text import NULL

ERLANG_COLUMNS = (
    ("agents", "Agents"), ("scheduled", "Scheduled"), ("p_wait", "P(wait)"), ("service_level_pct", "SL %"),
    ("asa_s", "ASA (s)"), ("occupancy_pct", "Occupancy %"), ("p_abandon", "P(abandon)"),
)


def erlang_table(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    cols = [c for c in ERLANG_COLUMNS if c[0] != "p_abandon" or result["model"] == "erlang_a"]
    best = result["recommended"]["agents"]
    headers = [label for _, label in cols] + [""]
    body = [[_erlang_cell(k, r[k]) for k, _ in cols] + ["◀ recommended" if r["agents"] == best else ""]
            for r in result["table"]]
    return headers, body


def _erlang_cell(key: str, value: Any) -> str:
    if value is None:
        return NULL
    if key in ("p_wait", "p_abandon"):
        return f"{value:.4f}"
    if key in ("service_level_pct", "occupancy_pct", "asa_s"):
        return f"{value:.1f}"
    return str(value)


def erlang_summary(result: dict[str, Any]) -> str:
    i, rec, t = result["inputs"], result["recommended"], result["targets"]
    model = "Erlang C" if result["model"] == "erlang_c" else f"Erlang A (mean patience {i['patience_s']:g} s)"
    head = (f"{model}: {i['calls']:g} calls per {i['interval_s'] / 60:g} min, AHT {i['aht_s']:g} s "
            f"= {i['traffic_erlangs']:g} Erlangs")
    if i["calls"] == 0:
        return head + "\nNo calls: no agents needed."
    wanted = [f"SL {t['service_level']}"] if t["service_level"] else []
    wanted += [f"{label} ≤ {t[key]:g}" for key, label in (
        ("max_asa_s", "ASA (s)"), ("max_p_wait", "P(wait)"), ("max_abandon", "P(abandon)"),
        ("max_occupancy", "occupancy")) if t[key] is not None]
    return head + (f"\nRecommended: {rec['agents']} agents on the phones, {rec['scheduled']} scheduled "
                   f"(shrinkage {100 * t['shrinkage']:g} %), the fewest meeting {', '.join(wanted)}")
