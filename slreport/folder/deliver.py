"""Report folders for people and schedulers: one for everything, or one per company.

``deliver`` is the library call behind ``analyze --out`` / ``--out-template``: it runs the
analysis once (ingest is the expensive part), then writes each report folder atomically.
With ``split_by="company"`` the staged contacts are read once and each company's report is
built from a view restricted to that company, so per-company reports cost one extra set of
metric queries each, not one extra read of the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slreport import interrupts
from slreport.errors import SlreportError, UsageError
from slreport.folder.publish import OutputOptions, company_folders, expand_template, preflight, write_reports

SPLITS = ("company",)


@dataclass(frozen=True)
class Destination:
    out: Path | None = None  # one folder
    template: str | None = None  # "reports/{company}/{period}"
    split_by: str | None = None  # "company": one report per company
    period_label: str | None = None  # {period}: the --period label, else first..last arrival day
    options: OutputOptions = field(default_factory=OutputOptions)

    def check(self) -> None:
        if self.out and self.template:
            raise UsageError("--out and --out-template cannot be used together", "use one of them")
        if self.split_by and self.split_by not in SPLITS:
            raise UsageError(f"--split-by {self.split_by!r} is not supported", f"use {', '.join(SPLITS)}")
        if self.split_by and self.template and "{company}" not in self.template:
            raise UsageError("--split-by company needs {company} in --out-template",
                             'e.g. --out-template "reports/{company}/{period}"')


def deliver(
    inputs: list[str], settings: Any, run: Any, dest: Destination, compare: Any = None
) -> list[tuple[Path, dict[str, Any]]]:
    """Analyse ``inputs`` and write the report folder(s); returns each folder written with its report.
    The folders of a split are published together or not at all. ``compare``: the period every report
    is compared with (a Period; each company's with its own numbers then)."""
    from slreport.pipeline import analyze_all

    dest.check()
    with interrupts.handled():
        if dest.out and not dest.split_by:  # known before the input is read: refuse now, not after
            preflight(Path(dest.out), dest.options.overwrite)
        if dest.split_by:
            parts = analyze_split(inputs, settings, run, compare)
            if not parts:  # no company has a contact (an empty period): say so rather than write nothing
                raise SlreportError("no contacts to split by company, no report written",
                                    "check --period and the input files")
            folders = company_folders([company for company, _ in parts])
            items = []
            for company, analysis in parts:
                name, reason = folders[company]
                analysis.report["scope"]["folder"] = name
                if reason:
                    analysis.report["scope"]["folder_reason"] = reason
                items.append((analysis, _folder(dest, company, analysis, name)))
        else:
            analysis = analyze_all(inputs, settings, run, compare)
            items = [(analysis, _folder(dest, "all", analysis))]
        written = write_reports(items, dest.options)
    return [(folder, analysis.report) for folder, (analysis, _) in zip(written, items, strict=True)]


def _folder(dest: Destination, company: str, analysis: Any, company_part: str | None = None) -> Path:
    if dest.template is None:
        assert dest.out is not None
        if dest.split_by:  # --out DIR --split-by company: DIR/<company>
            return expand_template(str(Path(dest.out) / "{company}"), company, "", company_part)
        return Path(dest.out)
    return expand_template(dest.template, company, dest.period_label or span_label(analysis.report), company_part)


def span_label(report: dict[str, Any]) -> str:
    p = report["period"]
    first, last = (p["first_arrival"] or "")[:10], (p["last_arrival"] or "")[:10]
    return first if first == last else f"{first}..{last}"


def analyze_split(inputs: list[str], settings: Any, run: Any, compare: Any = None) -> list[tuple[str, Any]]:
    """(company, Analysis) for every company with contacts, from one read of the input. With
    ``compare``, each company's report is compared with that company's own report on the comparison
    period (a split run of its own: one more read of the input)."""
    from slreport import engine, ingest
    from slreport.ingest.staging import create_contacts_view
    from slreport.pipeline import analyze_loaded, comparison_base, comparison_settings
    from slreport.safe_paths import scratch_folder

    before: dict[str, Any] = {}
    if compare is not None:
        before = {name: a.report for name, a in analyze_split(inputs, *comparison_settings(settings, run, compare))}

    with interrupts.handled(), scratch_folder() as tmp:
        con = engine.connect(tmp, run.memory_limit, run.threads)
        try:
            input_section = ingest.load(con, inputs, run.read, tmp, run.profile)
            names = [r[0] for r in con.execute("SELECT DISTINCT company FROM contacts ORDER BY 1").fetchall()]
            parts = []
            displays = [f["path"] for f in input_section["files"]]
            for name in names:  # the same view as ingest's, narrowed to one company
                create_contacts_view(con, displays, company=name)
                base = comparison_base(before.get(name), compare) if compare is not None else None
                analysis = analyze_loaded(con, settings, input_section, base)
                analysis.report["scope"] = {
                    "split_by": "company", "company": name, "input": company_account(con, name),
                }
                parts.append((name, analysis))
            return parts
        finally:
            con.close()


def company_account(con: Any, company: str) -> dict[str, Any]:
    """The data-quality account of one company's rows (rows whose company could be read;
    the whole input's account stays in ``input``)."""
    from slreport.ingest.sql import quote_literal
    from slreport.ingest.staging import STAGED

    where = f"company = {quote_literal(company)}"
    total, used, rejected, ignored = con.execute(
        f"""SELECT count(*), count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NULL),
                   count(*) FILTER (reject_reason IS NOT NULL),
                   count(*) FILTER (reject_reason IS NULL AND ignore_reason IS NOT NULL)
            FROM {STAGED} WHERE {where}"""
    ).fetchall()[0]

    def by(column: str, condition: str) -> dict[str, int]:
        rows = con.execute(f"SELECT {column}, count(*) FROM {STAGED} WHERE {where} AND {condition} "
                           "GROUP BY ALL ORDER BY 1").fetchall()
        return dict(rows)

    return {
        "rows_read": total, "contacts": used, "rows_rejected": rejected, "rows_ignored": ignored,
        "rejected_by_reason": by("reject_reason", "reject_reason IS NOT NULL"),
        "ignored_by_reason": by("ignore_reason", "reject_reason IS NULL AND ignore_reason IS NOT NULL"),
    }
