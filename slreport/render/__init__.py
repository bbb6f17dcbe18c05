"""stdout: the report as a terminal table, markdown, CSV or JSON, from one dispatch point.

Every format is drawn from the same report dict (the JSON contract) and the same sections
(slreport.sections), so they cannot drift. Only slreport.render.terminal imports rich.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from slreport.options.settings import OutputFormat
from slreport.render.csv import csv_text, render_csv
from slreport.render.json import render_json, to_json
from slreport.render.markdown import md_table, render_markdown
from slreport.render.terminal import print_erlang, render_table

RENDERERS: dict[OutputFormat, Callable[[dict[str, Any], IO[str], bool], None]] = {
    OutputFormat.JSON: render_json,
    OutputFormat.TABLE: render_table,
    OutputFormat.MARKDOWN: render_markdown,
    OutputFormat.CSV: render_csv,
}


def render(report: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    RENDERERS[fmt](report, out, color)


def render_erlang(result: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    """The calculator's output: JSON as computed, or the table of N around the answer."""
    from slreport.render.erlang import ERLANG_COLUMNS, erlang_summary, erlang_table

    if fmt == OutputFormat.JSON:
        out.write(to_json(result))
        return
    headers, body = erlang_table(result)
    if fmt == OutputFormat.CSV:
        keys = [k for k, _ in ERLANG_COLUMNS if k != "p_abandon" or result["model"] == "erlang_a"]
        out.write(csv_text(keys, [[r[k] for k in keys] for r in result["table"]]))
    elif fmt == OutputFormat.MARKDOWN:
        out.write(erlang_summary(result).replace("\n", "\n\n") + "\n\n" + md_table(headers, body) + "\n")
    else:
        print_erlang(erlang_summary(result), headers, body, out, color)


def render_forecast(report: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    """`slreport forecast`: JSON as computed, the forecast rows as CSV, or the blocks of its sections."""
    from slreport import names
    from slreport.forecast.sections import forecast_blocks
    from slreport.render.markdown import block_text
    from slreport.render.terminal import print_blocks

    if fmt == OutputFormat.JSON:
        out.write(to_json(report))
    elif fmt == OutputFormat.CSV:
        rows = report["forecast"]
        keys = list(rows[0]) if rows else ["company", "interval_start", "offered"]
        out.write(csv_text(keys, [[r.get(k) for k in keys] for r in rows]))
    elif fmt == OutputFormat.MARKDOWN:
        out.write("\n\n".join(block_text(b) for b in forecast_blocks(report, names.markdown)) + "\n")
    else:
        print_blocks(forecast_blocks(report, names.visible), out, color)


__all__ = ["render", "render_erlang", "render_forecast", "to_json", "RENDERERS"]
