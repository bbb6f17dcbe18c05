"""`--out DIR`: write report folders atomically — summary.json, tables, charts, report.html.

Everything is written into a private temporary folder beside DIR (same file system) and
renamed into place only when complete, so a failed, interrupted (Ctrl-C, SIGTERM, SIGHUP) or
killed run never leaves a half report under the name a reader or a mail job looks for.

- One run at a time per DIR: ``.DIR.lock`` (flock) is held from the check that DIR may be
  written to its publication, so of two overlapping runs the second is refused.
- ``--overwrite`` replaces only a folder slreport wrote: one holding the ``.slreport-report``
  marker. The replacement is one ``renameat2(RENAME_EXCHANGE)`` where the kernel and file
  system have it, else two renames (old away, new in).
- Several folders (``--split-by company``) are published together or not at all.
- Leftovers of killed runs (``.DIR.partial-PID-…``, ``.DIR.old-PID-…``) are cleaned by the
  next run on DIR, which first puts back an old report a kill between two renames left aside.
- Every file is 0600 and every folder 0700: with ``--by agent`` a report names people.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import string
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slreport import interrupts, safe_paths
from slreport.errors import SlreportError, UsageError

CHART_FORMATS = ("png", "svg")
PARTIAL = ".partial-"
OLD = ".old-"
MARKER = ".slreport-report"  # inside every report folder: --overwrite replaces only these


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
    from slreport.folder.drawing import wanted_workers

    wanted_workers()  # a bad SLREPORT_CHART_WORKERS is refused before the input is read


def write_report(analysis: Any, target: Path, options: OutputOptions) -> Path:
    """Write the report folder for ``analysis`` (an analysis.Analysis) at ``target``."""
    return write_reports([(analysis, Path(target))], options)[0]


def write_reports(items: list[tuple[Any, Path]], options: OutputOptions, fill: Any = None) -> list[Path]:
    """Write a report folder per (analysis, target), all published together or none. ``fill(analysis,
    folder, options)`` writes the files (default: analyze's, ``fill_folder``; forecast passes its own)."""
    check_output_options(options)
    targets = [Path(t) for _, t in items]
    check_distinct(targets)
    with interrupts.handled(), _new_parents(targets), contextlib.ExitStack() as locks:
        for target in sorted(targets):
            locks.enter_context(safe_paths.exclusive_lock(target))
        for target in targets:
            recover_leftovers(target)
            check_target(target, options.overwrite)
        stagings: list[Path] = []
        try:
            for analysis, target in items:
                stagings.append(_staging(target))
                build_folder(analysis, stagings[-1], options, fill)
            retired = _publish_all(list(zip(stagings, targets, strict=True)))
        finally:
            for staging in stagings:  # unpublished folders, or old reports an exchange put there
                shutil.rmtree(staging, ignore_errors=True)
        for old in retired:
            shutil.rmtree(old, ignore_errors=True)
    return targets


def preflight(target: Path, overwrite: bool) -> None:
    """Refuse an --out DIR that cannot be written before any input is read (checked again,
    under the lock, before the report is written)."""
    if not target.parent.is_dir():
        return
    with safe_paths.exclusive_lock(target):
        recover_leftovers(target)
        check_target(target, overwrite)


def check_target(target: Path, overwrite: bool) -> None:
    if target.is_symlink():
        raise UsageError(f"{target} is a symbolic link", "give the real folder as --out")
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder", "choose another --out")
    if not overwrite:
        raise UsageError(f"{target} already exists", "pass --overwrite to replace it, or choose another --out")
    if not is_report_folder(target):
        raise UsageError(f"{target} is not a report folder slreport wrote (it has no {MARKER} file), so "
                         "--overwrite will not replace it", "move or delete it yourself, or choose another --out")


def is_report_folder(folder: Path) -> bool:
    marker = folder / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("tool") == "slreport"
    except (OSError, ValueError, AttributeError):
        return False


def check_distinct(targets: list[Path]) -> None:
    """Two reports may never share a folder (the second would silently replace the first)."""
    seen: dict[str, Path] = {}
    for target in targets:
        key = str(target.resolve()).casefold()  # casefolded: some file systems ignore case
        if key in seen:
            raise SlreportError(f"two reports would be written to {target} (and {seen[key]})",
                                "give --out-template a placeholder that tells them apart")
        seen[key] = target


def build_folder(analysis: Any, folder: Path, options: OutputOptions, fill: Any = None) -> None:
    """A complete, private report folder, marked as slreport's."""
    from slreport import __version__

    (fill or fill_folder)(analysis, folder, options)
    safe_paths.write_private(folder / MARKER, json.dumps({"tool": "slreport", "version": __version__}) + "\n")
    _make_private(folder)


def fill_folder(analysis: Any, folder: Path, options: OutputOptions) -> None:
    """The folder's files. The charts (most of the time) are drawn by workers beside this
    process while it writes the JSON and the tables (slreport.folder.drawing)."""
    from slreport.folder import drawing, figures, html, tables
    from slreport.render.json import to_json

    report = analysis.report
    charts = figures.chart_list(report)
    n_companies = len(figures.companies(report))
    jobs: list[drawing.Job] = [(chart, (options.chart_format, *(["svg"] if html.on_page(chart, n_companies) else [])))
                               for chart in charts]
    with drawing.drawing(jobs) as charts_drawn:
        safe_paths.write_private(folder / "summary.json", to_json(report))
        files = tables.report_tables(report, analysis.tables)
        tables.write_tables(files, folder, options.tables, report)
        charts_drawn.finish()
    if charts:
        (folder / "charts").mkdir(mode=safe_paths.PRIVATE_FOLDER)
    for chart in charts:
        safe_paths.write_private(folder / "charts" / f"{chart.name}.{options.chart_format}",
                                 chart.render(options.chart_format))
    safe_paths.write_private(folder / "report.html", html.report_html(report, charts))


def _make_private(folder: Path) -> None:
    """Whatever a section wrote, and whatever the umask: files 0600, folders 0700."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, safe_paths.PRIVATE_FOLDER)
        for name in files:
            os.chmod(os.path.join(root, name), safe_paths.PRIVATE_FILE, follow_symlinks=False)
        for name in dirs:
            os.chmod(os.path.join(root, name), safe_paths.PRIVATE_FOLDER)


def _staging(target: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{target.name}{PARTIAL}{os.getpid()}-", dir=target.parent))


@contextlib.contextmanager
def _new_parents(targets: list[Path]) -> Iterator[None]:
    """Create the targets' parent folders; remove the ones this run created if it fails."""
    created: list[Path] = []
    for target in targets:
        missing = [p for p in reversed(target.parent.absolute().parents) if not p.exists()]
        missing += [target.parent.absolute()] if not target.parent.exists() else []
        for folder in missing:
            folder.mkdir(exist_ok=True)
            created.append(folder)
    try:
        yield
    except BaseException:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty
        raise


# --- publishing: the point of no return ------------------------------------------------------

@dataclass
class _Step:
    staging: Path
    target: Path
    how: str  # "new" | "exchanged" | "renamed"
    old: Path | None = None  # where the replaced report is now


def _publish_all(pairs: list[tuple[Path, Path]]) -> list[Path]:
    """Rename every finished folder into place, or none (a failure undoes the ones done).
    Stop signals wait until the renames are done; one that came before stops them all.
    Returns where the replaced reports are now (to be removed)."""
    done: list[_Step] = []
    with interrupts.deferred():
        interrupts.check()
        try:
            for staging, target in pairs:
                done.append(_publish_one(staging, target))
        except BaseException:
            for step in reversed(done):
                _undo(step)
            raise
    return [step.old for step in done if step.old is not None and step.how == "renamed"]


def _publish_one(staging: Path, target: Path) -> _Step:
    if not os.path.lexists(target):
        try:
            safe_paths.rename_noreplace(staging, target)
        except FileExistsError:
            raise UsageError(f"{target} was created while the report was written",
                             "run again with --overwrite if it is a report, or choose another --out") from None
        return _Step(staging, target, "new")
    if safe_paths.exchange(staging, target):  # the old report is now at the staging name
        return _Step(staging, target, "exchanged", staging)
    old = target.parent / f".{target.name}{OLD}{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    return _Step(staging, target, "renamed", old)


def _undo(step: _Step) -> None:
    if step.how == "new":
        os.rename(step.target, step.staging)
    elif step.how == "exchanged":
        safe_paths.exchange(step.staging, step.target)
    else:
        assert step.old is not None
        os.rename(step.target, step.staging)
        os.rename(step.old, step.target)


def recover_leftovers(target: Path) -> None:
    """After a killed run on ``target``: put back an old report left aside between two renames
    (when nothing took its place), remove partial and old folders whose process is gone."""
    olds = safe_paths.abandoned(target.parent, f".{target.name}{OLD}")
    if olds and not os.path.lexists(target):
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.rename(newest, target)
        olds.remove(newest)
    for leftover in olds + safe_paths.abandoned(target.parent, f".{target.name}{PARTIAL}"):
        safe_paths.remove(leftover)


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


# Bytes of a folder name made from data: NAME_MAX is 255 bytes, and the hidden names beside it
# (".NAME.partial-PID-XXXXXXXX", ".NAME.lock") add up to ~30.
NAME_BYTES = 200
HASH_CHARS = 8


def safe_part(value: str) -> str:
    """One path component made from data (a company name): no separators, no "..", no
    control characters, no leading dot (hidden files, relative parts), at most NAME_BYTES
    bytes of UTF-8 (a longer one is cut at a character and ends in a hash of the exact name)."""
    cleaned = _cleaned(value)
    if len(cleaned.encode("utf-8", "surrogatepass")) > NAME_BYTES:
        return with_hash(cleaned, value)
    return cleaned or "_"


def _cleaned(value: str) -> str:
    cleaned = "".join("_" if (c in "/\\:" or ord(c) < 32 or c == "\x7f") else c for c in value)
    return cleaned.strip().lstrip(".").strip()


def with_hash(name: str, exact: str) -> str:
    """``name`` cut to fit NAME_BYTES with ``-`` and a short hash of ``exact`` after it."""
    digest = hashlib.sha256(exact.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    room = NAME_BYTES - HASH_CHARS - 1
    cut = name.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")  # never half a character
    return f"{cut}-{digest}"


def company_folders(companies: list[str]) -> dict[str, tuple[str, str | None]]:
    """Each company's folder name and, when it is not just ``safe_part``, why. Names that are
    the same after sanitising (``Acme/Oy``, ``Acme_Oy``, ``Acme:Oy``) or differ only in case
    all get a hash of their exact name, so each keeps a folder of its own whatever the order."""
    names = {company: safe_part(company) for company in companies}
    reasons: dict[str, str | None] = {
        c: "the name is too long for a folder" if names[c] != (_cleaned(c) or "_") else None for c in companies
    }
    for _ in range(3):  # a hashed name can meet a real one; a further hash tells them apart
        groups: dict[str, list[str]] = defaultdict(list)
        for company, name in names.items():
            groups[name.casefold()].append(company)
        clashes = [sorted(group) for group in groups.values() if len(group) > 1]
        if not clashes:
            return {company: (names[company], reasons[company]) for company in companies}
        for group in clashes:
            note = "these companies have the same folder name: " + ", ".join(repr(c) for c in group)
            for company in group:
                names[company], reasons[company] = with_hash(names[company], company), note
    raise SlreportError("company names give the same folder name even with a hash added",
                        "rename the companies in the data")


def expand_template(template: str, company: str, period: str, company_part: str | None = None) -> Path:
    """The folder for one report; raises if it would land outside the template's root.
    ``company_part`` is the company's folder name when it was chosen already (company_folders)."""
    check_template(template)
    part = company_part if company_part is not None else safe_part(company)
    path = Path(template.format(company=part, period=safe_part(period)))
    root = template_root(template).resolve()
    if not path.resolve().is_relative_to(root):
        raise UsageError(f"--out-template gives {path}, outside {root}", "keep placeholders below a fixed folder")
    return path
