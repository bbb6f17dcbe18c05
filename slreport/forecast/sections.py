"""The forecast's text views as blocks (slreport.sections.blocks): the terminal and markdown draw
these, from the report dict only. Next week's daily totals, the peak intervals, the backtest, what
the model left out and assumed, and with --plan the agents per day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slreport.sections.blocks import Block, Lines, Table, Text

PEAKS_SHOWN = 5
LEFT_OUT_SHOWN = 10  # left-out days listed on the terminal (the most recent)
NULL = "–"


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return NULL
    return f"{value:,.{digits}f}"


def _label(key: dict[str, Any], name: Callable[[str], str]) -> str:
    return name(key["company"]) + (f" / {name(key['queue'])}" if key.get("queue") else "")


def _key(row: dict[str, Any]) -> tuple[Any, Any]:
    return (row["company"], row.get("queue"))


def forecast_blocks(report: dict[str, Any], name: Callable[[str], str]) -> list[Block]:
    s = report["settings"]
    head = Block("Forecast", [Text(
        f"{s['horizon']['from']} to {s['horizon']['to']} ({s['horizon_days']} days), {s['interval_minutes']}-minute "
        f"intervals, {s['timezone']}; model {report['model']['name']}, 80 % and 95 % prediction intervals")])
    blocks = [head]
    for model in report["model"]["series"]:
        key = {"company": model["company"], "queue": model["queue"]}
        blocks += series_blocks(report, key, model, name)
    if "plan" in report:
        w = report["plan"]["what_if"]
        changes = [f"volume {w['volume_change_pct']:+g} %" if w["volume_change_pct"] else "",
                   f"AHT {w['aht_change_pct']:+g} %" if w["aht_change_pct"] else "",
                   f"service level {w['service_level']}" if w["service_level"] else "",
                   f"shrinkage {w['shrinkage']:g}" if w["shrinkage"] is not None else ""]
        said = ", ".join(c for c in changes if c) or "none"
        model = ("Erlang C" if report["plan"]["model"] == "erlang_c" else
                 f"Erlang A (mean patience {w['patience_s']:g} s)")
        blocks.append(Block("Plan", [Text(f"{model} per interval; what-ifs applied before staffing: {said}")]))
    return blocks


def series_blocks(report: dict[str, Any], key: dict[str, Any], model: dict[str, Any],
                  name: Callable[[str], str]) -> list[Block]:
    label = _label(key, name)
    k = (key["company"], key["queue"])
    days = [d for d in report["daily"] if _key(d) == k][:7]
    plan = "plan" in report
    headers = ["Day", "Offered", "80 % low", "80 % high"] + (["Agent-hours", "Scheduled hours", "Peak agents",
                                                              "Safe agent-hours"] if plan else [])
    body = [[f"{d['weekday']} {d['day']}", _num(d["offered"]), _num(d["offered_lo80"]), _num(d["offered_hi80"])]
            + ([_num(d["required_agents_hours"], 1), _num(d["scheduled_hours"], 1),
                _num(d["peak_required_agents"]), _num(d["safe_required_agents_hours"], 1)] if plan else [])
            for d in days]
    total = ["Week", _num(sum(d["offered"] for d in days)), _num(sum(d["offered_lo80"] for d in days)),
             _num(sum(d["offered_hi80"] for d in days))]
    if plan:
        def tot(col: str) -> str:
            vals = [d[col] for d in days]
            return NULL if None in vals else _num(sum(vals), 1)
        peaks = [d["peak_required_agents"] for d in days if d["peak_required_agents"] is not None]
        total += [tot("required_agents_hours"), tot("scheduled_hours"), _num(max(peaks) if peaks else None),
                  tot("safe_required_agents_hours")]
    out = [Block(f"Next week: {label}", [Table(headers, body + [total], total=True)])]
    week = {d["day"] for d in days}
    rows = sorted((r for r in report["forecast"] if _key(r) == k and r["interval_start"][:10] in week),
                  key=lambda r: -(r["offered"] or 0))[:PEAKS_SHOWN]
    peak_headers = ["Interval", "Offered", "95 % range", "AHT (s)"] + (["Agents", "Scheduled"] if plan else [])
    peak_body = [[r["interval_start"][:16].replace("T", " "), _num(r["offered"], 1),
                  f"{_num(r['offered_lo95'], 1)}–{_num(r['offered_hi95'], 1)}", _num(r["aht_s"])]
                 + ([_num(r["required_agents"]), _num(r["scheduled"])] if plan else []) for r in rows]
    out.append(Block(f"Peak intervals: {label}", [Table(peak_headers, peak_body)]))
    out.append(backtest_block(report, k, label))
    notes = [f"fitted on {model['fit']['days']} days, {model['fit']['from']} to {model['fit']['to']}; "
             f"trend {model['fit']['trend_pct_per_week']:+g} % a week; dispersion "
             f"{_num(model['fit']['dispersion'], 2)}"]
    left = model["left_out"]
    if len(left) > LEFT_OUT_SHOWN:
        notes.append(f"left out {len(left)} days; the last {LEFT_OUT_SHOWN} (all in the JSON: model.series[].left_out)")
    notes += [f"left out {d['day']}: {d['reason']}" for d in left[-LEFT_OUT_SHOWN:]]
    notes += [f"closed {d['day']}: {d['reason']}" for d in model["closed_in_horizon"]]
    notes += model["assumptions"]
    out.append(Block(f"Model: {label}", [Lines(notes)]))
    return out


def backtest_block(report: dict[str, Any], k: tuple[Any, Any], label: str) -> Block:
    test = next(t for t in report["backtest"] if _key(t) == k)
    if not test["weeks"]:
        return Block(f"Backtest: {label}", [Text("no backtest: it needs at least 5 weeks of history")])
    names = (("model", "Model"), ("same_slot_last_week", "Same slot last week"),
             ("same_slot_mean_4_weeks", "Same-slot mean of 4 weeks"))
    body = [[title, _num(test[m]["wape_pct"], 1), _num(test[m]["mase"], 3)] for m, title in names]
    gain = test["improvement_pct"]
    said = (f"next-week WAPE {gain:g} % lower than the better baseline" if gain is not None and gain >= 0 else
            f"next-week WAPE {-gain:g} % higher than the better baseline: trust the baseline" if gain is not None
            else "no comparison")
    cover = test.get("coverage_pct") or {}
    inside = (f"; actuals inside the 80 % / 95 % intervals: {_num(cover.get('p80'), 1)} % / "
              f"{_num(cover.get('p95'), 1)} %" if cover.get("p80") is not None else "")
    return Block(f"Backtest: {label}", [Table(["Method", "WAPE %", "MASE"], body), Text(
        f"{test['weeks']} weeks from {test['origins'][0]}, {test['scored_days']} days scored; {said}{inside}")])
