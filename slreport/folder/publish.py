"""`--out DIR`: write a report folder atomically — summary.json, tables, charts, report.html.

Everything is written into a private temporary folder beside DIR (same file system) and
renamed into place only when complete, so a failed, interrupted (Ctrl-C, SIGTERM) or killed
run never leaves a half report under the name a reader or a mail job looks for. A SIGKILL
can leave the hidden ``.DIR.partial-PID-…`` folder behind; the next run beside it removes
partial folders whose process is gone. An existing DIR is refused unless ``overwrite``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slreport.errors import UsageError

CHART_FORMATS = ("png", "svg")
PARTIAL = ".partial-"


@dataclass(frozen=True)
class OutputOptions:
    tables: str = "csv"  # csv | parquet | xlsx
    chart_format: str = "png"  # png | svg (report.html always embeds SVG)
    overwrite: bool = False


def check_output_options(options: OutputOptions) -> None:
    from slreport.folder.tables import TABLE_FORMATS

    if options.tables not in TABLE_FORMATS:
        raise UsageError(f"--tables {options.tables!r} is not a table format", f"use {', '.join(TABLE_FORMATS)}")
    if options.chart_format not in CHART_FORMATS:
        raise UsageError(f"--chart-format {options.chart_format!r} is not supported", "use png or svg")


def write_report(analysis: Any, target: Path, options: OutputOptions) -> Path:
    """Write the report folder for ``analysis`` (an analysis.Analysis) at ``target``."""
    target = Path(target)
    check_output_options(options)
    if target.exists() and not options.overwrite:
        raise UsageError(f"{target} already exists", "pass --overwrite to replace it, or choose another --out")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder", "choose another --out")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_partials(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL}{os.getpid()}-", dir=target.parent))
    try:
        with _sigterm_as_exit():
            fill_folder(analysis, staging, options)
            _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def fill_folder(analysis: Any, folder: Path, options: OutputOptions) -> None:
    from slreport.folder import figures, html, tables
    from slreport.render.json import to_json

    report = analysis.report
    (folder / "summary.json").write_text(to_json(report), encoding="utf-8")
    files = tables.report_tables(report, analysis.tables)
    tables.write_tables(files, folder, options.tables)
    charts = figures.chart_list(report)
    if charts:
        (folder / "charts").mkdir()
    for chart in charts:
        (folder / "charts" / f"{chart.name}.{options.chart_format}").write_bytes(chart.render(options.chart_format))
    (folder / "report.html").write_text(html.report_html(report, charts), encoding="utf-8")


def _publish(staging: Path, target: Path) -> None:
    """Rename the finished folder into place (replacing an old report only after the new one
    is complete), with the usual permissions for a folder (the tables inside stay 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    if not target.exists():
        os.rename(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, retired / target.name)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def _remove_abandoned_partials(target: Path) -> None:
    """Partial folders of runs that were killed (their process no longer exists)."""
    for leftover in target.parent.glob(f".{target.name}{PARTIAL}*"):
        pid_text = leftover.name.removeprefix(f".{target.name}{PARTIAL}").split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """A scheduler's SIGTERM unwinds like Ctrl-C, so the partial folder is cleaned up."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_exit)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


# --- --out-template and --split-by ---------------------------------------------------------

TEMPLATE_FIELDS = ("company", "period")


def template_root(template: str) -> Path:
    """The fixed part of a template before its first placeholder: reports stay inside it."""
    parts = Path(template).parts
    fixed = []
    for part in parts:
        if "{" in part:
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def check_template(template: str) -> None:
    fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    bad = [f for f in fields if f not in TEMPLATE_FIELDS]
    if bad or not fields:
        raise UsageError(
            f"--out-template {template!r}: unknown placeholder {', '.join(repr(b) for b in bad) or '(none)'}",
            'use {company} and {period}, e.g. --out-template "reports/{company}/{period}"',
        )


def safe_part(value: str) -> str:
    """One path component made from data (a company name): no separators, no "..", no
    control characters, no leading dot (hidden files, relative parts)."""
    cleaned = "".join("_" if (c in "/\\:" or ord(c) < 32 or c == "\x7f") else c for c in value)
    cleaned = cleaned.strip().lstrip(".").strip()
    return cleaned[:120] or "_"


def expand_template(template: str, company: str, period: str) -> Path:
    """The folder for one report; raises if it would land outside the template's root."""
    check_template(template)
    path = Path(template.format(company=safe_part(company), period=safe_part(period)))
    root = template_root(template).resolve()
    if not path.resolve().is_relative_to(root):
        raise UsageError(f"--out-template gives {path}, outside {root}", "keep placeholders below a fixed folder")
    return path
