"""`slreport forecast --out DIR`: forecast.json, the tables (CSV, Parquet or one workbook), a chart per
series (actuals, forecast and bands, required agents) and forecast.html in the report folder's style.

Published like analyze's folders (slreport.folder.publish: private staging folder, renamed into place
when complete, --overwrite only of a folder slreport wrote). The page reuses report.html's stylesheet
(read from its template, so both pages look alike) and draws the forecast's blocks
(slreport.forecast.sections): the same content as the terminal.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from slreport import names, safe_paths
from slreport.folder import charts, excel, html, tables
from slreport.folder.figures import Chart
from slreport.folder.publish import OutputOptions, check_output_options, write_reports
from slreport.forecast.sections import forecast_blocks
from slreport.sections.blocks import Block, Lines, Table, Text


def write_forecast_folder(result: Any, target: Path, options: OutputOptions) -> Path:
    """Write ``result`` (slreport.forecast.report.Forecast) as a folder at ``target``."""
    check_output_options(options)
    return write_reports([(result, Path(target))], options, fill_forecast_folder)[0]


def folder_tables(result: Any) -> dict[str, Any]:
    """name → pyarrow Table: the forecast rows, daily totals, backtest, left-out days, plan weeks, actuals."""
    import pyarrow as pa

    from slreport.render.csv import flat

    report = result.report
    rows: dict[str, list[dict[str, Any]]] = {
        "forecast": report["forecast"], "daily": report["daily"], "backtest": report["backtest"],
        "left_out_days": [{"company": m["company"], "queue": m["queue"]} | d for m in report["model"]["series"]
                          for d in m["left_out"]],
        "recent_actuals": result.tables.get("recent_actuals", []),
    }
    if "plan" in report:
        rows["plan_weeks"] = [{k: v for k, v in p.items() if k not in ("weeks", "targets", "peak", "safe_peak")}
                              | w for p in report["plan"]["by_series"] for w in p["weeks"]]
    return {name: pa.Table.from_pylist([flat(r) for r in table]) for name, table in rows.items() if table}


def fill_forecast_folder(result: Any, folder: Path, options: OutputOptions) -> None:
    from slreport.render.json import to_json

    report = result.report
    safe_paths.write_private(folder / "forecast.json", to_json(report))
    files = folder_tables(result)
    if options.tables == "xlsx":
        span = f"forecast {report['settings']['horizon']['from']} .. {report['settings']['horizon']['to']}"
        tables.write_xlsx(files, folder / "tables.xlsx", excel.Notes(report["settings"]["timezone"], span))
    else:
        writer = tables.write_parquet if options.tables == "parquet" else tables.write_csv
        for name, table in files.items():
            writer(table, folder / f"{name}.{options.tables}")
    drawn = chart_list(result)
    if drawn:
        (folder / "charts").mkdir(mode=safe_paths.PRIVATE_FOLDER)
    for chart in drawn:
        safe_paths.write_private(folder / "charts" / f"{chart.name}.{options.chart_format}",
                                 chart.render(options.chart_format))
    safe_paths.write_private(folder / "forecast.html", page(report, drawn))


def _label(start: str) -> str:
    """ "2026-03-02T08:00:00+02:00" → "Mon 03-02 08:00"."""
    import datetime as dt

    day = dt.date.fromisoformat(start[:10])
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[day.weekday()]} {start[5:10]} {start[11:16]}"


def chart_list(result: Any) -> list[Chart]:
    """One chart per series: the last 4 weeks' actuals, the forecast with bands, required agents."""
    report = result.report
    keys = [(m["company"], m["queue"]) for m in report["model"]["series"]]
    stems = names.file_stems([f"{c} {q}" if q else c for c, q in keys])
    out = []
    s = report["settings"]
    when = f"forecast {s['horizon']['from']} to {s['horizon']['to']}, {s['interval_minutes']}-minute intervals"
    for company, queue in keys:
        label = f"{company} {queue}" if queue else company

        def mine(row: dict[str, Any], c: str = company, q: str | None = queue) -> bool:
            return row["company"] == c and row.get("queue") == q

        actual = [(_label(r["interval_start"]), r["offered"]) for r in result.tables.get("recent_actuals", [])
                  if mine(r)]
        fc = [(_label(r["interval_start"]), r["offered"], r["offered_lo80"], r["offered_hi80"], r["offered_lo95"],
               r["offered_hi95"]) for r in report["forecast"] if mine(r)]
        agents = [(_label(r["interval_start"]), r["required_agents"], r["safe_required_agents"])
                  for r in report["forecast"] if mine(r)] if "plan" in report else []
        title = f"Forecast: {names.chart_label(label)}"

        def draw(fmt: str, a: Any = actual, f: Any = fc, g: Any = agents, t: str = title) -> bytes:
            return charts.forecast_bands(a, f, g, t, when, fmt=fmt)

        out.append(Chart(f"{stems[label]}-forecast", company, "forecast", title, draw))
    return out


_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def _style() -> str:
    """report.html's stylesheet, from its template: one look for both pages."""
    template = (Path(html.__file__).parent / "templates" / "report.html.j2").read_text(encoding="utf-8")
    found = _STYLE.search(template)
    return found.group(0) if found else ""


def page(report: dict[str, Any], drawn: list[Chart]) -> str:
    """forecast.html: self-contained (inline CSS and SVG, no scripts)."""
    from markupsafe import Markup, escape

    parts = [f"<h2>{escape(b.title)}</h2>{_block_html(b)}" for b in forecast_blocks(report, names.visible)]
    figures_html = "".join(
        f"<figure>{Markup(html.inline_svg(c.render('svg').decode('utf-8'), c.name, c.title))}</figure>" for c in drawn)
    s = report["settings"]
    title = escape(f"Forecast · {s['horizon']['from']} to {s['horizon']['to']}")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n{_style()}\n</head>\n<body>\n<h1>{title}</h1>\n"
            + "\n".join(parts) + (f"\n<h2>Charts</h2>\n<div class=\"charts\">{figures_html}</div>" if drawn else "")
            + "\n</body>\n</html>\n")


def _block_html(block: Block) -> str:
    from markupsafe import escape

    out = []
    for item in block.items:
        if isinstance(item, Text):
            out.append(f"<p>{escape(item.text)}</p>")
        elif isinstance(item, Lines):
            out.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in item.lines) + "</ul>")
        elif isinstance(item, Table):
            out.append(_table_html(item))
    return "".join(out)


def _table_html(table: Table) -> str:
    from markupsafe import escape

    align = table.alignment()
    head = "".join(f'<th class="{a}">{escape(h)}</th>' for h, a in zip(table.headers, align, strict=False))
    body = "".join("<tr>" + "".join(f'<td class="{a}">{escape(c)}</td>' for c, a in zip(row, align, strict=False))
                   + "</tr>" for row in table.rows)
    return (f'<table class="{"total" if table.total else ""}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")
