"""Render a report dict as a terminal table, JSON, CSV or markdown: one dispatch point.

The only module that imports rich. Every format is built from the same report dict (the
JSON contract), and the tabular formats from the same row builders, so they cannot drift.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from slreport.metrics.registry import BY_KEY, METRIC_KEYS
from slreport.settings import OutputFormat

NULL = "—"
# Columns of the terminal and markdown tables (JSON and CSV carry every metric).
TABLE_METRICS = (
    "offered", "answered", "abandoned", "short_abandoned", "flowout", "service_level_pct",
    "target_met", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s", "max_wait_s",
)
HOUR_METRICS = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "asa_s")


def render(report: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    RENDERERS[fmt](report, out, color)


# --- JSON -------------------------------------------------------------------------------

def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _render_json(report: dict[str, Any], out: IO[str], color: bool) -> None:
    out.write(to_json(report))


# --- shared table model ------------------------------------------------------------------

def format_value(key: str, value: Any) -> str:
    if value is None:
        return NULL
    unit = BY_KEY[key].unit if key in BY_KEY else ""
    if unit == "pct":
        return f"{value:.1f}"
    if unit == "seconds":
        return f"{value:.1f}"
    if unit == "bool":
        return "met" if value else "missed"
    if unit == "count":
        return f"{value:,}".replace(",", " ")
    return str(value)


def heading(key: str, settings: dict[str, Any]) -> str:
    metric = BY_KEY[key]
    if key == "aht_s" and settings.get("aht_basis") == "talk":
        return "Avg talk (s)"
    if key == "target_met":
        return f"Target {settings['service_level']}"
    suffix = " (s)" if metric.unit == "seconds" else ""
    return metric.label + suffix


def group_keys(report: dict[str, Any]) -> list[str]:
    return list(report["settings"]["by"])


def group_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return report.get("by_group", report["by_company"])


def main_table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Headings and formatted cells of the per-group table, total row last."""
    keys = group_keys(report)
    settings = report["settings"] | {"aht_basis": report["input"].get("aht_basis")}
    headers = [k.capitalize() for k in keys] + [heading(m, settings) for m in TABLE_METRICS]
    body = [[_text(r.get(k)) for k in keys] + [format_value(m, r[m]) for m in TABLE_METRICS] for r in group_rows(report)]
    total = ["All"] + [""] * (len(keys) - 1) + [format_value(m, report["summary"][m]) for m in TABLE_METRICS]
    return headers, body + [total]


def hour_table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    settings = report["settings"] | {"aht_basis": report["input"].get("aht_basis")}
    headers = ["Hour"] + [heading(m, settings) for m in HOUR_METRICS]
    hours = [r for r in report["by_hour"] if r["company"] is None]
    busy = [i for i, r in enumerate(hours) if r["offered"]]
    if busy:  # the quiet night hours before the first and after the last call say nothing
        hours = hours[busy[0]: busy[-1] + 1]
    body = [[f"{r['hour']:02d}"] + [format_value(m, r[m]) for m in HOUR_METRICS] for r in hours]
    return headers, body


def quality_lines(report: dict[str, Any]) -> list[str]:
    from slreport.ingest.reasons import describe

    inp = report["input"]
    lines = [
        f"{inp['rows_read']} rows read = {inp['contacts']} contacts used + "
        f"{inp['rows_rejected']} rejected + {inp['rows_ignored']} ignored"
    ]
    for reason, n in inp["rejected_by_reason"].items():
        lines.append(f"rejected {n}: {reason} ({describe(reason)})")
    for reason, n in inp["ignored_by_reason"].items():
        lines.append(f"ignored {n}: {reason} ({describe(reason)})")
    return lines


def caption(report: dict[str, Any]) -> str:
    s, p = report["settings"], report["period"]
    short = f"short abandons ≤ {s['short_abandon_s']} s" if s["short_abandon_s"] else "no short-abandon rule"
    span = f"{(p['first_arrival'] or NULL)[:10]} .. {(p['last_arrival'] or NULL)[:10]}"
    return (
        f"{span} · {s['timezone']} · SL {s['service_level']} ({s['sl_method']}) · {short} · "
        f"counted by arrival time"
    )


def _text(value: Any) -> str:
    return NULL if value is None else str(value)


# --- terminal table (rich) ----------------------------------------------------------------

def _render_table(report: dict[str, Any], out: IO[str], color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    # Off a terminal there is no width to fit: let tables take their natural width.
    console = Console(file=out, force_terminal=color, no_color=not color, width=None if color else 1000,
                      highlight=False, soft_wrap=False)
    headers, rows = main_table(report)
    table = Table(title=f"Service level by {', '.join(group_keys(report))}", caption=caption(report))
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < len(group_keys(report)) else "right")
    target_col = headers.index(heading("target_met", report["settings"] | {}))
    for i, row in enumerate(rows):
        cells = [_marked(c) if j == target_col else c for j, c in enumerate(row)]
        table.add_row(*cells, style="bold" if i == len(rows) - 1 else None, end_section=i == len(rows) - 2)
    console.print(table)
    hh, hrows = hour_table(report)
    hours = Table(title="By hour of day (all companies, whole period)")
    for h in hh:
        hours.add_column(h, justify="right")
    for row in hrows:
        hours.add_row(*row)
    console.print(hours)
    console.print("[bold]Data quality[/bold]")
    for line in quality_lines(report):
        console.print(f"  {line}", markup=False)


def _marked(cell: str) -> str:
    if cell == "met":
        return "[green]✓ met[/green]"
    if cell == "missed":
        return "[red]✗ missed[/red]"
    return cell


# --- markdown ---------------------------------------------------------------------------

def _md_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    def esc(c: str) -> str:
        return c.replace("|", "\\|")

    lines = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _render_markdown(report: dict[str, Any], out: IO[str], color: bool) -> None:
    out.write(f"## Service level by {', '.join(group_keys(report))}\n\n{caption(report)}\n\n")
    out.write(_md_table(*main_table(report)) + "\n\n")
    out.write("## By hour of day (all companies)\n\n" + _md_table(*hour_table(report)) + "\n\n")
    out.write("## Data quality\n\n" + "\n".join(f"- {line}" for line in quality_lines(report)) + "\n")


# --- CSV --------------------------------------------------------------------------------

def _render_csv(report: dict[str, Any], out: IO[str], color: bool) -> None:
    """The per-group table with every metric; the last row (empty group columns) is the total."""
    keys = group_keys(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys + list(METRIC_KEYS))
    for r in group_rows(report):
        writer.writerow([_csv(r.get(k)) for k in keys] + [_csv(r[m]) for m in METRIC_KEYS])
    writer.writerow([""] * len(keys) + [_csv(report["summary"][m]) for m in METRIC_KEYS])
    out.write(buffer.getvalue())


def _csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- progress on stderr ------------------------------------------------------------------

@contextlib.contextmanager
def progress(message: str, *, enabled: bool) -> Iterator[None]:
    """A spinner with elapsed time on stderr (never stdout), gone when the work is done."""
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        bar.add_task(message, total=None)
        yield


RENDERERS: dict[OutputFormat, Callable[[dict[str, Any], IO[str], bool], None]] = {
    OutputFormat.JSON: _render_json,
    OutputFormat.TABLE: _render_table,
    OutputFormat.MARKDOWN: _render_markdown,
    OutputFormat.CSV: _render_csv,
}
