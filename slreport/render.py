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

from slreport import names
from slreport.metrics.registry import BY_KEY, METRIC_KEYS
from slreport.render_staffing import (
    ERLANG_COLUMNS,
    erlang_summary,
    erlang_table,
    patience_lines,
    staffing_caption,
    staffing_company_lines,
    staffing_markdown,
    worst_heading,
    worst_lines,
)
from slreport.settings import OutputFormat

NULL = "—"
# Columns of the terminal and markdown tables (JSON and CSV carry every metric).
TABLE_METRICS = (
    "offered", "answered", "abandoned", "short_abandoned", "flowout", "service_level_pct",
    "target_met", "answer_rate_pct", "abandon_rate_pct", "asa_s", "aht_s", "max_wait_s",
)
# Shown after those when the data has them (the summary value is not null).
OPTIONAL_METRICS = ("fcr_pct", "nps", "csat_mean")
# Target rules beside their metrics; the service level has its own Target column.
MARKED_METRICS = ("answer_rate_pct", "abandon_rate_pct", "fcr_pct", "nps")
HOUR_METRICS = ("offered", "answered", "abandoned", "service_level_pct", "answer_rate_pct", "asa_s")


def render(report: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    RENDERERS[fmt](report, out, color)


# --- JSON -------------------------------------------------------------------------------

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
    if unit == "score":
        return f"{value:.1f}"
    if unit == "by_window":
        return " · ".join(f"{w} {NULL if v is None else f'{v:.1f}'}" for w, v in value.items())
    return str(value)


def heading(key: str, settings: dict[str, Any]) -> str:
    metric = BY_KEY[key]
    if key == "aht_s" and settings.get("aht_basis") == "talk":
        return "Avg talk (s)"
    if key == "target_met":
        if len({c["service_level"] for c in settings.get("companies", [])}) > 1:
            return "SL target"  # each company's own, see the caption
        return f"Target {settings['service_level']}"
    suffix = " (s)" if metric.unit == "seconds" else ""
    return metric.label + suffix


def group_keys(report: dict[str, Any]) -> list[str]:
    return list(report["settings"]["by"])


def group_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return report.get("by_group", report["by_company"])


def main_table(report: dict[str, Any], name: names.Escape = names.visible) -> tuple[list[str], list[list[str]]]:
    """Headings and formatted cells of the per-group table, total row last; group values
    (names from the data) made safe for the medium by ``name``."""
    keys = group_keys(report)
    settings = report["settings"] | {"aht_basis": report["input"].get("aht_basis")}
    metrics = table_metrics(report)
    headers = [k.capitalize() for k in keys] + [heading(m, settings) for m in metrics]
    body = [
        [_name(r.get(k), name) for k in keys] + [target_cell(report, r, m) for m in metrics] for r in group_rows(report)
    ]
    total = ["All"] + [""] * (len(keys) - 1) + [format_value(m, report["summary"][m]) for m in metrics]
    return headers, body + [total]


def table_metrics(report: dict[str, Any]) -> list[str]:
    return list(TABLE_METRICS) + [m for m in OPTIONAL_METRICS if report["summary"].get(m) is not None]


def target_cell(report: dict[str, Any], row: dict[str, Any], metric: str) -> str:
    """The formatted value, followed by "met" or "missed" when the row's company has a target for it."""
    text = format_value(metric, row[metric])
    if metric not in MARKED_METRICS or group_keys(report) != ["company"]:
        return text
    for t in report.get("targets", []):
        if t["company"] == row["company"] and t["metric"] == metric and t["met"] is not None:
            return f"{text} {'met' if t['met'] else 'missed'}"
    return text


def policy_lines(report: dict[str, Any], name: names.Escape = names.visible) -> list[str]:
    """The effective settings per company, when a config file or a target makes them worth showing."""
    companies = report["settings"].get("companies", [])
    if not any(c["configured"] for c in companies) and not _has_targets(report):
        return []
    return [_policy_line(c, name) for c in companies]


def _has_targets(report: dict[str, Any]) -> bool:
    return any(t["metric"] != "service_level_pct" for t in report.get("targets", []))


def _policy_line(c: dict[str, Any], name: names.Escape) -> str:
    short = f"short ≤ {c['short_abandon_s']} s" if c["short_abandon_s"] else "no short-abandon rule"
    targets = [
        f"{label} {sign} {c[key]:g}" for key, label, sign in (
            ("answer_rate_target", "answer %", "≥"), ("abandon_rate_max", "abandon %", "≤"),
            ("fcr_target", "FCR %", "≥"), ("nps_target", "NPS", "≥"),
        ) if c.get(key) is not None
    ]
    absent = "" if c["in_data"] else " (no contacts)"
    return f"{name(c['company'])}{absent}: SL {c['service_level']} ({c['sl_method']}), {short}" + (
        f"; targets {', '.join(targets)}" if targets else "")


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
    return lines + data_quality_lines(inp)


def data_quality_lines(inp: dict[str, Any]) -> list[str]:
    """Usable contacts with a gap (see docs/ingest.md, "Data quality")."""
    dq = inp.get("data_quality") or {}
    lines = []
    if dq.get("missing_wait"):
        lines.append(f"{dq['missing_wait']} contacts have no wait time: offered, never within the threshold")
    if dq.get("withheld_caller"):
        lines.append(
            f"{dq['withheld_caller']} contacts have no caller number (withheld, anonymous, internal or not exported)"
        )
    if dq.get("nonexistent_local_time"):
        lines.append(f"{dq['nonexistent_local_time']} rows have a local time in a DST gap "
                     "(read with the offset before the change)")
    if dq.get("ambiguous_local_time"):
        lines.append(f"{dq['ambiguous_local_time']} rows have a local time that occurs twice at a DST change "
                     "(read as the later instant)")
    return lines


def caption(report: dict[str, Any]) -> str:
    s, p = report["settings"], report["period"]
    short = f"short abandons ≤ {s['short_abandon_s']} s" if s["short_abandon_s"] else "no short-abandon rule"
    span = f"{(p['first_arrival'] or NULL)[:10]} .. {(p['last_arrival'] or NULL)[:10]}"
    return (
        f"{span} · {s['timezone']} · SL {s['service_level']} ({s['sl_method']}) · {short} · "
        f"counted by arrival time" + _hours_caption(s)
    )


def _hours_caption(settings: dict[str, Any]) -> str:
    hours = settings.get("opening_hours") or {}
    if not (hours.get("hours") or hours.get("holidays_country") or hours.get("by_company")):
        return ""
    return " · contacts outside opening hours " + ("included" if settings.get("include_closed") else "excluded")


def _name(value: Any, name: names.Escape) -> str:
    return NULL if value is None else name(str(value))


# --- terminal table (rich) ----------------------------------------------------------------

def _console(out: IO[str], color: bool) -> Any:
    """A console that prints every string as it is: names from the data are never rich markup
    ("[link=…]", "[/bold]") nor ":emoji:" codes. Styles come from Text objects only."""
    from rich.console import Console

    # Off a terminal there is no width to fit: let tables take their natural width.
    return Console(file=out, force_terminal=color, no_color=not color, width=None if color else 1000,
                   highlight=False, soft_wrap=False, markup=False, emoji=False)


def _bold(heading: str, rest: str = "") -> Any:
    from rich.text import Text

    return Text.assemble((heading, "bold"), rest)


def _render_table(report: dict[str, Any], out: IO[str], color: bool) -> None:
    from rich.table import Table

    console = _console(out, color)
    headers, rows = main_table(report)
    table = Table(title=f"Service level by {', '.join(group_keys(report))}",
                  caption="\n".join([caption(report), *policy_lines(report)]))
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i < len(group_keys(report)) else "right")
    first_metric = len(group_keys(report))
    for i, row in enumerate(rows):
        cells = [_marked(c, color) if j >= first_metric else c for j, c in enumerate(row)]
        table.add_row(*cells, style="bold" if i == len(rows) - 1 else None, end_section=i == len(rows) - 2)
    console.print(table)
    hh, hrows = hour_table(report)
    hours = Table(title="By hour of day (all companies, whole period)")
    for h in hh:
        hours.add_column(h, justify="right")
    for row in hrows:
        hours.add_row(*row)
    console.print(hours)
    _print_peaks(console, report)
    _print_staffing(console, report)
    console.print(_bold("Data quality"))
    for line in quality_lines(report):
        console.print(f"  {line}")


def _print_peaks(console: Any, report: dict[str, Any]) -> None:
    from rich.table import Table

    from slreport.render_peaks import peaks_blocks

    for block in peaks_blocks(report):
        console.print(_bold(block.title))
        for line in block.lines:
            console.print(f"  {line}")
        for title, headers, rows in block.tables:
            table = Table(title=title, title_justify="left")
            for i, h in enumerate(headers):
                table.add_column(h, justify="right" if i and h not in ("Start", "Wd", "Kind") else "left")
            for row in rows:
                table.add_row(*row)
            console.print(table)


def _marked(cell: str, color: bool = True) -> Any:
    """A metric cell, with "met" and "missed" as coloured marks."""
    from rich.text import Text

    if cell == "met":
        return Text.assemble(("✓ met", "green"))
    if cell == "missed":
        return Text.assemble(("✗ missed", "red"))
    if not color:  # a value with a target keeps its word: "19.1 missed"
        return cell
    if cell.endswith(" met"):
        return Text.assemble((f"{cell[:-4]} ✓", "green"))
    if cell.endswith(" missed"):
        return Text.assemble((f"{cell[:-7]} ✗", "red"))
    return cell


# --- markdown ---------------------------------------------------------------------------

def _md_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    """Cells are markdown already: names in them went through names.markdown (which escapes |)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _render_markdown(report: dict[str, Any], out: IO[str], color: bool) -> None:
    out.write(f"## Service level by {', '.join(group_keys(report))}\n\n{caption(report)}\n\n")
    if policy := policy_lines(report, names.markdown):
        out.write("".join(f"- {line}\n" for line in policy) + "\n")
    out.write(_md_table(*main_table(report, names.markdown)) + "\n\n")
    out.write("## By hour of day (all companies)\n\n" + _md_table(*hour_table(report)) + "\n\n")
    _write_peaks_markdown(report, out)
    out.write(staffing_markdown(report, names.markdown))
    out.write("## Data quality\n\n" + "\n".join(f"- {line}" for line in quality_lines(report)) + "\n")


def _write_peaks_markdown(report: dict[str, Any], out: IO[str]) -> None:
    from slreport.render_peaks import peaks_blocks

    for block in peaks_blocks(report, names.markdown):
        out.write(f"## {block.title}\n\n" + "\n".join(f"- {line}" for line in block.lines) + "\n\n")
        for title, headers, rows in block.tables:
            out.write(f"**{title}**\n\n" + _md_table(headers, rows) + "\n\n")


# --- CSV --------------------------------------------------------------------------------

def _render_csv(report: dict[str, Any], out: IO[str], color: bool) -> None:
    """The per-group table with every metric; the last row (empty group columns) is the total.
    A metric holding an object (fcr_by_window) becomes one column per key (fcr_by_window_24h, …)."""
    from slreport.tablefiles import flat

    keys = group_keys(report)
    total = flat({k: "" for k in keys} | {m: report["summary"][m] for m in METRIC_KEYS})
    rows = [flat({k: r.get(k) for k in keys} | {m: r[m] for m in METRIC_KEYS}) for r in group_rows(report)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(total))
    for row in [*rows, total]:
        # names from the data: no formulas, no control characters
        writer.writerow([_csv(names.spreadsheet(v) if k in keys else v) for k, v in row.items()])
    out.write(buffer.getvalue())


def _csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


# --- staffing, patience and `slreport erlang` (text in render_staffing) --------------------

def _print_staffing(console: Any, report: dict[str, Any]) -> None:
    if "staffing" not in report:
        return
    console.print(_bold("Staffing", f" ({report['staffing']['interval_minutes']}-minute intervals)"))
    console.print(f"  {staffing_caption(report)}")
    for line in staffing_company_lines(report):
        console.print(f"  {line}")
    worst = worst_lines(report)
    console.print(f"  {worst_heading(report, worst)}")
    for line in worst:
        console.print(f"    {line}")
    console.print(_bold("Patience", " (Kaplan–Meier; answered and flowed-out calls censored at their wait)"))
    for line in patience_lines(report):
        console.print(f"  {line}")


def render_erlang(result: dict[str, Any], fmt: OutputFormat, out: IO[str], *, color: bool = False) -> None:
    """The calculator's output: JSON as computed, or the table of N around the answer."""
    if fmt == OutputFormat.JSON:
        out.write(to_json(result))
        return
    headers, body = erlang_table(result)
    if fmt == OutputFormat.CSV:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([k for k, _ in ERLANG_COLUMNS if k != "p_abandon" or result["model"] == "erlang_a"])
        writer.writerows([[_csv(r[k]) for k, _ in ERLANG_COLUMNS if k != "p_abandon" or result["model"] == "erlang_a"]
                          for r in result["table"]])
    elif fmt == OutputFormat.MARKDOWN:
        out.write(erlang_summary(result).replace("\n", "\n\n") + "\n\n" + _md_table(headers, body) + "\n")
    else:
        _print_erlang_table(result, headers, body, out, color)


def _print_erlang_table(
    result: dict[str, Any], headers: list[str], body: list[list[str]], out: IO[str], color: bool
) -> None:
    from rich.table import Table

    console = _console(out, color)
    console.print(erlang_summary(result))
    if not body:
        return
    table = Table()
    for h in headers:
        table.add_column(h, justify="right")
    for row in body:
        table.add_row(*row, style="bold" if row[-1] else None)
    console.print(table)


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
    # The message names an input file: plain text, never markup or control codes.
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        bar.add_task(names.visible(message), total=None)
        yield


RENDERERS: dict[OutputFormat, Callable[[dict[str, Any], IO[str], bool], None]] = {
    OutputFormat.JSON: _render_json,
    OutputFormat.TABLE: _render_table,
    OutputFormat.MARKDOWN: _render_markdown,
    OutputFormat.CSV: _render_csv,
}
