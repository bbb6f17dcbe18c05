"""Command-line front end: the only module that imports typer and turns errors into exit codes.

Commands stay thin: parse options → call one library function → render. Heavy modules
(duckdb, pandas, rich) are imported inside the commands so that `slreport --help` is fast.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from slreport import __version__
from slreport.errors import ExitCode, SlreportError, UsageError, environment_cause, foreign_fault, shorten
from slreport.options.settings import OutputFormat

app = typer.Typer(
    name="slreport",
    help="Service-level reports from contact-center call-detail records.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain click help: rendering it with rich doubled the time of `slreport --help`
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


class Engine(str, Enum):
    """Where analyze runs the metric SQL (--engine)."""

    DUCKDB = "duckdb"
    SPARK = "spark"


# Help panels: analyze has many options; its --help groups them as a user looks for them.
INPUT, SERVICE, FCR, PEAKS, STAFFING, OUTPUT, RUN = (
    "Input", "Service level and targets", "First-contact resolution and surveys", "Peaks and opening hours",
    "Staffing", "Output", "Run")


class PanelCommand(typer.core.TyperCommand):
    """Plain (click) help with the options grouped under their panel's heading, in the order the panels
    first appear: rich's panels would double the time of every --help."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, panels = [], {}  # type: ignore[var-annotated]
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append(record)
            else:
                panels.setdefault(getattr(param, "rich_help_panel", None) or "Other", []).append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        for title, records in panels.items():
            with formatter.section(title):
                formatter.write_dl(records)


def _opt(*flags: str, help: str, metavar: str | None = None, panel: str | None = None) -> Any:
    return typer.Option(*flags, help=help, metavar=metavar, rich_help_panel=panel)


# Options shared by several commands, declared once. Values that Settings hold are text here and
# parsed by options/values.py, as slreport.toml's are: one grammar and one error for both.
FormatOpt = Annotated[
    OutputFormat | None,
    _opt("--format", "-f", help="Output format [default: table on a terminal, json when piped].", panel=OUTPUT),
]
SlOpt = Annotated[str | None, _opt("--sl", help="Service-level target: PERCENT answered within SECONDS "
                                   "[default: 80/20].", metavar="PCT/SECONDS", panel=SERVICE)]
TzOpt = Annotated[str | None, _opt("--tz", help="IANA time zone of the report, and of timestamps written without "
                                   "an offset [default: UTC].", metavar="ZONE", panel=INPUT)]
DebugOpt = Annotated[bool, _opt("--debug", help="Show the traceback of an error.", panel=RUN)]
MapOpt = Annotated[list[str] | None, _opt("--map", help='Read a canonical column from another header: '
                                          '--map arrived_at="Call Start" (repeatable).', metavar="COLUMN=HEADER",
                                          panel=INPUT)]
OutcomeOpt = Annotated[list[str] | None, _opt("--outcome", help="Outcome values: --outcome abandoned=ABANDON,HANGUP "
                                              "(repeatable).", metavar="OUTCOME=VALUES", panel=INPUT)]
ProfileOpt = Annotated[str | None, _opt("--profile", help="Input format (see `slreport profiles`) [default: detected].",
                                        metavar="NAME", panel=INPUT)]
StrictOpt = Annotated[bool, _opt("--strict", help="Fail on the first row that cannot be used.", panel=INPUT)]
MemoryLimitOpt = Annotated[str | None, _opt("--memory-limit", help="DuckDB memory limit; larger work spills to disk "
                                            "[default: 2GB].", metavar="SIZE", panel=RUN)]
ConfigOpt = Annotated[str | None, _opt("--config", help="Settings file [default: ./slreport.toml when present].",
                                      metavar="FILE", panel=SERVICE)]
ChartFormatOpt = Annotated[str, _opt("--chart-format", help="Chart files: png|svg.", metavar="FORMAT", panel=OUTPUT)]
# Staffing targets, shared by `analyze` (staffing section) and `erlang`.
MaxAsaOpt = Annotated[str | None, _opt("--max-asa", help="Staffing target: mean wait at most SECONDS.",
                                       metavar="SECONDS", panel=STAFFING)]
MaxPwaitOpt = Annotated[str | None, _opt("--max-pwait", help="Staffing target: probability of waiting at most P "
                                         "(0-1).", metavar="P", panel=STAFFING)]
MaxAbandonOpt = Annotated[str | None, _opt("--max-abandon", help="Staffing target (Erlang A): abandon probability at "
                                           "most P (0-1).", metavar="P", panel=STAFFING)]
MaxOccupancyOpt = Annotated[str | None, _opt("--max-occupancy", help="Staffing target: agent occupancy at most P "
                                             "(0-1).", metavar="P", panel=STAFFING)]
ShrinkageOpt = Annotated[str | None, _opt("--shrinkage", help="Share of paid time off the phones (0-1): scheduled = "
                                          "N / (1 - s) [default: 0].", metavar="S", panel=STAFFING)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slreport {__version__}")
        raise typer.Exit()


@app.callback(context_settings={"help_option_names": ["-h", "--help"]})
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Service-level reports from contact-center call-detail records."""


@app.command(cls=PanelCommand)
def analyze(
    ctx: typer.Context,
    files: Annotated[
        list[str], typer.Argument(help="Exports (.gz/.zst/.bz2 too) or a Parquet dataset folder; - reads stdin.",
                                  metavar="FILE")
    ],
    tz: TzOpt = None,
    profile: ProfileOpt = None,
    column_map: MapOpt = None,
    outcome_map: OutcomeOpt = None,
    time_format: Annotated[list[str] | None, _opt("--time-format", help='strptime format of local timestamps, e.g. '
                                                  '"%d.%m.%Y %H.%M.%S" (repeatable).', metavar="FORMAT",
                                                  panel=INPUT)] = None,
    country: Annotated[str | None, _opt("--country", help="Country of national caller numbers, e.g. FI.",
                                        metavar="CODE", panel=INPUT)] = None,
    stitch: Annotated[str, _opt("--stitch", help="queue_log: one contact per queue visit or per call: "
                                "queue|caller.", metavar="MODE", panel=INPUT)] = "queue",
    sheet: Annotated[str | None, _opt("--sheet", help="Worksheet of an .xlsx input [default: the first].",
                                      metavar="NAME", panel=INPUT)] = None,
    strict: StrictOpt = False,
    rejects: Annotated[str | None, _opt("--rejects", help="Write the rows that could not be used to this CSV "
                                        "file (callers pseudonymised).", metavar="FILE", panel=INPUT)] = None,
    pseudonym_key: Annotated[str | None, _opt("--pseudonym-key", help="Key of the caller pseudonyms in --rejects "
                                              "[env SLREPORT_PSEUDONYM_KEY].", metavar="KEY", panel=INPUT)] = None,
    show_callers: Annotated[bool, _opt("--show-callers", help="Raw caller numbers in --rejects instead of "
                                       "pseudonyms.", panel=INPUT)] = False,
    period: Annotated[str | None, _opt("--period", help="yesterday, today, last-week, this-week, last-month, "
                                       "this-month, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (report zone).",
                                       metavar="PERIOD", panel=INPUT)] = None,
    since: Annotated[str | None, _opt("--since", help="Count arrivals from this date or time on (inclusive).",
                                      metavar="WHEN", panel=INPUT)] = None,
    until: Annotated[str | None, _opt("--until", help="Count arrivals before this date or time (exclusive).",
                                      metavar="WHEN", panel=INPUT)] = None,
    compare: Annotated[str | None, _opt("--compare", help="Compare with previous (the period before), last-year "
                                        "or a PERIOD: adds the change of every metric.", metavar="PERIOD",
                                        panel=INPUT)] = None,
    config: ConfigOpt = None,
    sl: SlOpt = None,
    sl_method: Annotated[str | None, _opt("--sl-method", help="How abandoned calls count in the service level: "
                                          "negative|ignore|positive|answered-only [default: negative].",
                                          metavar="METHOD", panel=SERVICE)] = None,
    short_abandon: Annotated[str | None, _opt("--short-abandon", help="Abandons within SECONDS are short; 0 disables "
                                              "[default: 5].", metavar="SECONDS", panel=SERVICE)] = None,
    answer_rate_target: Annotated[str | None, _opt("--answer-rate-target", help="Target: answer rate at least PCT.",
                                                   metavar="PCT", panel=SERVICE)] = None,
    abandon_rate_max: Annotated[str | None, _opt("--abandon-rate-max", help="Target: abandon rate at most PCT.",
                                                 metavar="PCT", panel=SERVICE)] = None,
    by: Annotated[str | None, _opt("--by", help="Group by company, queue, segment, channel, agent "
                                   "(comma-separated) [default: company].", metavar="COLUMNS", panel=SERVICE)] = None,
    fail_on_miss: Annotated[bool, _opt("--fail-on-miss", help="Exit with 3 when any company misses any target "
                                       "(listed on stderr).", panel=SERVICE)] = False,
    fcr_method: Annotated[str | None, _opt("--fcr-method", help="FCR by resolved flag, by repeat contacts, or auto: "
                                           "flag|repeat|auto [default: auto].", metavar="METHOD", panel=FCR)] = None,
    fcr_window: Annotated[str | None, _opt("--fcr-window", help="Repeat window of FCR in elapsed time: "
                                           "24h|72h|7d|30d [default: 72h].", metavar="WINDOW", panel=FCR)] = None,
    fcr_target: Annotated[str | None, _opt("--fcr-target", help="Target: FCR at least PCT.", metavar="PCT",
                                           panel=FCR)] = None,
    nps_target: Annotated[str | None, _opt("--nps-target", help="Target: NPS at least N (-100..100).", metavar="N",
                                           panel=FCR)] = None,
    csat_scale: Annotated[str | None, _opt("--csat-scale", help="CSAT answers are 1..N; top-two-box = the two "
                                           "highest [default: 5].", metavar="N", panel=FCR)] = None,
    interval: Annotated[str | None, _opt("--interval", help="Interval length of interval and staffing tables: "
                                         "15|30|60 minutes [default: 60].", metavar="MINUTES", panel=PEAKS)] = None,
    top: Annotated[str | None, _opt("--top", help="Peak intervals listed per company [default: 5].", metavar="N",
                                    panel=PEAKS)] = None,
    unusual_factor: Annotated[str | None, _opt("--unusual-factor", help="A day is unusual above K× (or below 1/K×) "
                                               "its weekday's median [default: 1.5].", metavar="K",
                                               panel=PEAKS)] = None,
    opening_hours: Annotated[str | None, _opt("--opening-hours", help='Opening hours of every company, e.g. '
                                              '"mon-fri 08:00-20:00, sat 10:00-14:00".', metavar="HOURS",
                                              panel=PEAKS)] = None,
    holidays_country: Annotated[str | None, _opt("--holidays-country", help="Public holidays of this country are "
                                                 "closed, e.g. FI.", metavar="CODE", panel=PEAKS)] = None,
    include_closed: Annotated[bool, _opt("--include-closed", help="Count contacts outside opening hours in the "
                                         "service level.", panel=PEAKS)] = False,
    business_hours: Annotated[bool, _opt("--business-hours", help="Measure the SL threshold in open hours only "
                                         "(email, tickets; needs --opening-hours).", panel=PEAKS)] = False,
    max_asa: MaxAsaOpt = None,
    max_pwait: MaxPwaitOpt = None,
    max_abandon: MaxAbandonOpt = None,
    max_occupancy: MaxOccupancyOpt = None,
    shrinkage: ShrinkageOpt = None,
    fmt: FormatOpt = None,
    out: Annotated[str | None, _opt("--out", help="Write a report folder: summary.json, tables, charts, "
                                    "report.html.", metavar="DIR", panel=OUTPUT)] = None,
    out_template: Annotated[str | None, _opt("--out-template", help='Report folder from a template, e.g. '
                                             '"reports/{company}/{period}".', metavar="TEMPLATE",
                                             panel=OUTPUT)] = None,
    split_by: Annotated[str | None, _opt("--split-by", help="One report folder per company: --split-by company.",
                                         metavar="company", panel=OUTPUT)] = None,
    overwrite: Annotated[bool, _opt("--overwrite", help="Replace an existing report folder.", panel=OUTPUT)] = False,
    tables: Annotated[str, _opt("--tables", help="Table files in the report folder: csv|parquet|xlsx.",
                                metavar="FORMAT", panel=OUTPUT)] = "csv",
    chart_format: ChartFormatOpt = "png",
    verbose: Annotated[bool, _opt("--verbose", "-v", help="Say on stderr how each file was read [default: only on "
                                  "a terminal].", panel=RUN)] = False,
    memory_limit: MemoryLimitOpt = None,
    engine: Annotated[Engine, _opt("--engine", help="Run the metric SQL on duckdb, or on Apache Spark (one dataset "
                                   "or URI).", panel=RUN)] = Engine.DUCKDB,
    debug: DebugOpt = False,
) -> None:
    """Report service level, answer and abandon rates, ASA, AHT, FCR and survey scores per company and hour."""
    from slreport.options.analyze import AnalyzeArgs, FolderArgs, InputArgs, PeriodArgs, StaffingArgs

    settings_values = {  # every value Settings holds, by flag; only those given explicitly override slreport.toml
        "--tz": tz, "--sl": sl, "--sl-method": sl_method, "--short-abandon": short_abandon,
        "--answer-rate-target": answer_rate_target, "--abandon-rate-max": abandon_rate_max, "--by": by,
        "--fcr-method": fcr_method, "--fcr-window": fcr_window, "--fcr-target": fcr_target,
        "--nps-target": nps_target, "--csat-scale": csat_scale, "--interval": interval, "--top": top,
        "--unusual-factor": unusual_factor, "--opening-hours": opening_hours, "--holidays-country": holidays_country,
        "--business-hours": "true" if business_hours else None,
    }
    args = AnalyzeArgs(
        input=InputArgs(tuple(files), profile, tuple(column_map or ()), tuple(outcome_map or ()), strict,
                        tuple(time_format or ()), country, stitch, sheet, rejects, pseudonym_key, show_callers),
        given={flag: value for flag, value in settings_values.items() if value is not None},
        config=config, include_closed=include_closed, period=PeriodArgs(period, since, until, compare),
        staffing=StaffingArgs(max_asa, max_pwait, max_abandon, max_occupancy, shrinkage),
        folder=FolderArgs(out, out_template, split_by, overwrite, tables, chart_format), memory_limit=memory_limit,
    )
    code = _guarded(lambda: _run_analyze(args, fmt, engine, verbose=verbose, fail_on_miss=fail_on_miss), debug,
                    memory_limit)
    if code != ExitCode.OK:
        raise typer.Exit(int(code))


def _run_analyze(args: Any, fmt: OutputFormat | None, engine: Engine, *, verbose: bool, fail_on_miss: bool) -> ExitCode:
    """analyze with slreport.toml: the file's settings, with explicitly given options on top.

    Returns TARGET_MISSED when --fail-on-miss is given and a target was missed (listed on stderr)."""
    from pathlib import Path

    from slreport.ingest.callers import country_code
    from slreport.ingest.rejects import deferred_rejects
    from slreport.metrics.policy import target_misses
    from slreport.options.analyze import resolve
    from slreport.options.config import find_config
    from slreport.pipeline import analyze as analyze_files

    files = list(args.input.files)
    country_code(args.input.country)  # an unknown country is a usage error before any file is read
    request = resolve(args, Path("."))
    if engine == Engine.SPARK:  # it refuses --rejects and --out outright
        return _analyze_on_spark(files, request, fmt, fail_on_miss)
    _check_output_files(files, find_config(args.config, Path(".")), args)
    with deferred_rejects():  # --rejects appears only when the whole run succeeded
        if request.folder.wanted:
            reports = _write_folders(files, request)
        else:
            with _reading(files):
                reports = [analyze_files(files, request.settings, request.run, request.compare)]
            _emit(reports[0], fmt)
    if verbose or sys.stderr.isatty():  # cron mails whatever reaches stderr: stay quiet there
        _note_inputs(reports[0])
    empty = _note_defaults(reports[0])
    misses = [line for report in reports for line in target_misses(report)] if fail_on_miss else []
    for line in misses:
        typer.echo(f"slreport: {line}", err=True)
    if empty:
        return ExitCode.NO_CONTACTS
    return ExitCode.TARGET_MISSED if misses else ExitCode.OK


def _note_defaults(report: dict[str, Any]) -> bool:
    """What a quiet default did to the report, on stderr: a zone not chosen for data stamped with
    offsets, a slreport.toml picked up (on a terminal), a period without contacts (a warning; the
    report is still printed or written). Returns whether the period had no contacts."""
    from slreport.render import notices

    if line := notices.utc_offsets(report):
        _note(line)
    if sys.stderr.isatty() and (line := notices.config_found(report)):
        typer.echo(f"slreport: {line}", err=True)
    empty = notices.no_contacts(report)
    if empty:
        typer.echo(f"slreport: warning: {empty}", err=True)
    return empty is not None


def _check_output_files(files: list[str], config: Any, args: Any) -> None:
    """Before anything is read: --rejects may not replace an input, the config, a folder, a device
    or a link, nor lie inside the --out folder that the report replaces."""
    from pathlib import Path

    from slreport.ingest.rejects import check_rejects_target
    from slreport.ingest.sources import expand_arguments

    rejects, out = args.input.rejects, args.folder.out
    if not rejects:
        return
    check_rejects_target(rejects, [f for f in expand_arguments(files) if f != "-"] + ([config] if config else []))
    if out and Path(rejects).absolute().resolve().is_relative_to(Path(out).absolute().resolve()):
        raise UsageError(f"--rejects {rejects} is inside the --out folder, which the report replaces",
                         "write it beside the folder")


def _analyze_on_spark(files: list[str], request: Any, fmt: OutputFormat | None, fail_on_miss: bool) -> ExitCode:
    """analyze --engine spark: one dataset or URI, the report on stdout (pyspark is imported only here)."""
    from slreport.metrics.policy import target_misses, uses_business_hours
    from slreport.spark.engine import analyze_spark, check_input

    if request.folder.wanted:
        raise UsageError("--out and --out-template are not available with --engine spark",
                         "write the report with --format json (or table, markdown, csv) to stdout")
    if request.run.read.rejects_path:  # a converted dataset holds only the usable rows; convert counted the others
        raise UsageError("--rejects is not available with --engine spark",
                         "list rejected rows from the original export: slreport analyze FILE --rejects OUT.csv")
    if request.compare is not None:
        raise UsageError("--compare is not available with --engine spark",
                         "run two reports, one per period, or compare with the duckdb engine")
    if uses_business_hours(request.settings):  # its clock is DuckDB list SQL, which the translation does not carry
        raise UsageError("business_hours = true is not available with --engine spark",
                         "measure business-hours policies with the duckdb engine")
    check_input(files)
    report = analyze_spark(files, request.settings, request.window.window() if request.window else None)
    _emit(report, fmt)
    empty = _note_defaults(report)
    misses = target_misses(report) if fail_on_miss else []
    for line in misses:
        typer.echo(f"slreport: {line}", err=True)
    if empty:
        return ExitCode.NO_CONTACTS
    return ExitCode.TARGET_MISSED if misses else ExitCode.OK


@app.command()
def init(
    export: Annotated[str | None, typer.Argument(help="An export: propose the [columns] lines (and --map flags) "
                                                 "for its headers.", metavar="[EXPORT]")] = None,
    to: Annotated[str, typer.Option("--to", help="Where to write the settings file.",
                                    metavar="FILE")] = "slreport.toml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented slreport.toml in which only the defaults apply; with EXPORT, its [columns] for that file."""

    def run() -> None:
        from pathlib import Path

        from slreport.options.config import write_example

        if export is not None and export.lower().endswith(".toml"):  # `init PATH` before EXPORT existed
            raise UsageError(f"{export} names a settings file, not an export",
                             f"write the template with: slreport init --to {export}")
        columns = _propose_columns(export) if export is not None else None
        write_example(Path(to), force, columns, [export] if export else [])
        from slreport.names import visible

        typer.echo(visible(f"slreport: wrote {to}" + (f" with [columns] for {export}" if export else
                                                      " (every setting commented out: the defaults apply)")), err=True)

    _guarded(run, debug)


def _propose_columns(export: str) -> list[str]:
    """The [columns] lines for ``export``'s headers; prints the equivalent analyze command on stdout."""
    from slreport.ingest.propose import propose
    from slreport.names import visible
    from slreport.safe_paths import scratch_folder

    with scratch_folder() as scratch:
        proposal = propose(export, scratch)
    if proposal.profile != "generic":
        _note(f"{export} is read by the {proposal.profile} profile, which knows its columns: no [columns] needed")
        return ["# the export given to `slreport init` needs none: its profile knows the columns"]
    import shlex

    missing = proposal.required_missing()
    if missing:  # the reader would refuse the file: no command to print until the lines are filled in
        names = ", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0]
        _note(f"{export}: no header for {names}; fill in the line in [columns] (arrived_at, and "
              "outcome or answered_at, are needed)")
    else:
        typer.echo(visible(" ".join(["slreport", "analyze", shlex.quote(export), *proposal.map_flags()])))
    return proposal.columns_lines()


@app.command()
def profiles() -> None:
    """List the input formats (profiles) analyze can read, one line each."""
    from slreport.ingest import profile_lines

    for line in profile_lines():
        typer.echo(line)


def _note_inputs(report: dict[str, Any]) -> None:
    """One line per input file on stderr: the profile detected and how the file was read.
    File, header and sheet names are data: shown visible, never as control codes."""
    from slreport.ingest import file_note
    from slreport.names import visible

    for entry in report["input"]["files"]:
        typer.echo(f"slreport: {visible(file_note(entry))}", err=True)


@app.command()
def convert(
    files: Annotated[list[str], typer.Argument(help="CSV exports (.gz/.zst/.bz2 too) or Parquet datasets.")],
    to: Annotated[str, typer.Option("--to", help="Folder of the Parquet dataset (created or appended to).")],
    tz: TzOpt = None,
    column_map: MapOpt = None,
    outcome_map: OutcomeOpt = None,
    profile: ProfileOpt = None,
    strict: StrictOpt = False,
    memory_limit: MemoryLimitOpt = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country of national caller numbers (ISO code, e.g. FI).")
    ] = None,
    pseudonym_key: Annotated[
        str | None,
        typer.Option("--pseudonym-key", help="Key for the callers' pseudonyms, 16+ bytes [env SLREPORT_PSEUDONYM_KEY; "
                                             "default: random per run, so runs cannot be linked]."),
    ] = None,
    keep_callers: Annotated[
        bool, typer.Option("--keep-callers", help="Store raw caller numbers instead of keyed pseudonyms.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Append exports to a Parquet dataset partitioned by company and month (prints a JSON summary)."""

    def run() -> None:
        import json
        from pathlib import Path

        from slreport.ingest.convert import convert as convert_files
        from slreport.options import values
        from slreport.options.read import ReadOptions, parse_column_maps, parse_outcome_maps

        read = ReadOptions(
            column_map=parse_column_maps(column_map or []), outcome_map=parse_outcome_maps(outcome_map or []),
            input_tz=values.checked("--tz", values.timezone, tz) if tz else None, strict=strict, country=country,
            pseudonym_key=pseudonym_key, show_callers=keep_callers,
        )
        result = convert_files(files, Path(to), read, profile, values.memory_limit(memory_limit))
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        if not result["callers"]["linked"]:
            typer.echo(f"slreport: note: {to} holds callers pseudonymised with another key: repeat contacts "
                       "across those conversions are not found; give every conversion into one dataset the "
                       "same --pseudonym-key (or SLREPORT_PSEUDONYM_KEY)", err=True)

    _guarded(run, debug, memory_limit)


@app.command()
def erlang(
    calls: Annotated[float, typer.Option("--calls", help="Calls per interval (decimals allowed, e.g. a mean).")],
    aht: Annotated[float, typer.Option("--aht", help="Average handle time in seconds.")],
    interval: Annotated[str, typer.Option("--interval", help="Interval length: 15m, 30m, 1h, 1800s.")] = "30m",
    sl: Annotated[str | None, _opt("--sl", help="Target: PERCENT answered within SECONDS, e.g. 80/20.",
                                   metavar="PCT/SECONDS")] = None,
    patience: Annotated[
        float | None, typer.Option("--patience", help="Mean patience in seconds: use Erlang A (with abandonment).")
    ] = None,
    max_asa: MaxAsaOpt = None,
    max_pwait: MaxPwaitOpt = None,
    max_abandon: MaxAbandonOpt = None,
    max_occupancy: MaxOccupancyOpt = None,
    shrinkage: ShrinkageOpt = None,
    fmt: FormatOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Agents needed for a call volume: Erlang C, or Erlang A with --patience. Only the targets given apply."""

    def run() -> None:
        from slreport.options import values
        from slreport.options.analyze import StaffingArgs
        from slreport.queueing.required import calculate, parse_interval

        target = values.checked("--sl", values.service_level, sl) if sl is not None else None
        options = StaffingArgs(max_asa, max_pwait, max_abandon, max_occupancy, shrinkage).options()
        targets = options.with_service_level(
            target.target_pct if target else None, target.threshold_s if target else None
        )
        result = calculate(calls, parse_interval(interval), aht, targets, patience)
        _emit_erlang(result, fmt)

    _guarded(run, debug)


@app.command(cls=PanelCommand)
def forecast(
    files: Annotated[list[str], typer.Argument(help="Exports analyze reads, or interval tables (interval_start, "
                                               "offered[, aht_s][, company][, queue]).", metavar="FILE")],
    horizon: Annotated[str, _opt("--horizon", help="How far ahead: 2w, 10d [default: 2w].", metavar="SPAN",
                                 panel=PEAKS)] = "2w",
    interval: Annotated[str | None, _opt("--interval", help="Interval length: 15|30|60 minutes [default: 60].",
                                         metavar="MINUTES", panel=PEAKS)] = None,
    by: Annotated[str | None, _opt("--by", help="Forecast per company, or per company and queue: company|"
                                   "company,queue [default: company].", metavar="COLUMNS", panel=PEAKS)] = None,
    company: Annotated[str | None, _opt("--company", help="Forecast every contact (and interval row) as this "
                                        "company [default: each one's own, else its file's stem].", metavar="NAME",
                                        panel=INPUT)] = None,
    tz: TzOpt = None,
    holidays_country: Annotated[str | None, _opt("--holidays-country", help="Public holidays of this country are "
                                                 "closed (no volume forecast), e.g. FI.", metavar="CODE",
                                                 panel=PEAKS)] = None,
    opening_hours: Annotated[str | None, _opt("--opening-hours", help='Opening hours of every company: no volume '
                                              'forecast outside them, e.g. "mon-fri 08:00-20:00".', metavar="HOURS",
                                              panel=PEAKS)] = None,
    profile: ProfileOpt = None,
    column_map: MapOpt = None,
    outcome_map: OutcomeOpt = None,
    time_format: Annotated[list[str] | None, _opt("--time-format", help="strptime format of local timestamps "
                                                  "(repeatable).", metavar="FORMAT", panel=INPUT)] = None,
    strict: StrictOpt = False,
    config: ConfigOpt = None,
    plan: Annotated[bool, _opt("--plan", help="Agents per interval (Erlang C) for each company's targets.",
                               panel=STAFFING)] = False,
    volume: Annotated[str | None, _opt("--volume", help="What-if for the plan: contacts changed by PCT, e.g. +20%.",
                                       metavar="PCT", panel=STAFFING)] = None,
    aht: Annotated[str | None, _opt("--aht", help="What-if for the plan: handle time changed by PCT, e.g. -10%.",
                                    metavar="PCT", panel=STAFFING)] = None,
    sl: Annotated[str | None, _opt("--sl", help="What-if for the plan: every company's target PCT/SECONDS.",
                                   metavar="PCT/SECONDS", panel=STAFFING)] = None,
    patience: Annotated[str | None, _opt("--patience", help="Plan by Erlang A with this mean patience in seconds "
                                         "[default: Erlang C].", metavar="SECONDS", panel=STAFFING)] = None,
    max_asa: MaxAsaOpt = None,
    max_pwait: MaxPwaitOpt = None,
    max_abandon: MaxAbandonOpt = None,
    max_occupancy: MaxOccupancyOpt = None,
    shrinkage: ShrinkageOpt = None,
    fmt: FormatOpt = None,
    out: Annotated[str | None, _opt("--out", help="Write a folder: forecast.json, tables, a chart per company, "
                                    "forecast.html.", metavar="DIR", panel=OUTPUT)] = None,
    overwrite: Annotated[bool, _opt("--overwrite", help="Replace an existing --out folder.", panel=OUTPUT)] = False,
    tables: Annotated[str, _opt("--tables", help="Table files in the --out folder: csv|parquet|xlsx.",
                                metavar="FORMAT", panel=OUTPUT)] = "csv",
    chart_format: ChartFormatOpt = "png",
    memory_limit: MemoryLimitOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Forecast offered contacts and AHT per interval of the next weeks, with a backtest and (--plan) agents."""
    from slreport.options.analyze import InputArgs, StaffingArgs
    from slreport.options.forecast import ForecastArgs

    given = {flag: value for flag, value in {"--tz": tz, "--interval": interval, "--holidays-country": holidays_country,
                                             "--opening-hours": opening_hours}.items() if value is not None}
    args = ForecastArgs(
        input=InputArgs(tuple(files), profile, tuple(column_map or ()), tuple(outcome_map or ()), strict,
                        tuple(time_format or ())),
        given=given, config=config, horizon=horizon, by=by, plan=plan, company=company, volume=volume, aht=aht, sl=sl,
        patience=patience, staffing=StaffingArgs(max_asa, max_pwait, max_abandon, max_occupancy, shrinkage),
        memory_limit=memory_limit,
    )

    def run() -> None:
        from pathlib import Path

        from slreport.forecast.report import forecast_all
        from slreport.options.forecast import resolve_forecast

        request = resolve_forecast(args, Path("."))
        folder_options = None
        if out:
            from slreport.folder.publish import OutputOptions, check_output_options, preflight

            folder_options = OutputOptions(tables=tables, chart_format=chart_format, overwrite=overwrite)
            check_output_options(folder_options)
            preflight(Path(out), overwrite)  # before any input is read
        with _reading(list(files)):
            result = forecast_all(list(files), request.settings, request.run, request.options)
        if out and folder_options:
            from slreport.folder.forecast import write_forecast_folder

            write_forecast_folder(result, Path(out), folder_options)
            if sys.stderr.isatty():
                typer.echo(f"slreport: wrote {out}", err=True)
            return
        report = result.report
        _emit_forecast(report, fmt)

    _guarded(run, debug, memory_limit)


def _emit_forecast(report: dict[str, Any], fmt: OutputFormat | None) -> None:
    from slreport.render import render_forecast

    on_terminal = sys.stdout.isatty()
    chosen = fmt or (OutputFormat.TABLE if on_terminal else OutputFormat.JSON)
    render_forecast(report, chosen, sys.stdout, color=on_terminal and "NO_COLOR" not in os.environ)
    sys.stdout.flush()


def _write_folders(files: list[str], request: Any) -> list[dict[str, Any]]:
    """--out / --out-template: report folders; stdout stays empty (cron mails only errors).
    Returns the reports written (one per company with --split-by)."""
    from pathlib import Path

    from slreport.folder.deliver import Destination, deliver
    from slreport.folder.publish import OutputOptions, check_output_options

    folder = request.folder
    options = OutputOptions(tables=folder.tables, chart_format=folder.chart_format, overwrite=folder.overwrite)
    check_output_options(options)
    dest = Destination(out=Path(folder.out) if folder.out else None, template=folder.out_template,
                       split_by=folder.split_by, period_label=request.window.label if request.window else None,
                       options=options)
    with _reading(files):
        written = deliver(files, request.settings, request.run, dest, request.compare)
    from slreport.names import visible

    for _, report in written:  # a company whose folder is not its plain name: never silent
        scope = report.get("scope", {})
        if scope.get("folder_reason"):
            _note(f"company {visible(repr(scope['company']))} is written to {visible(repr(scope['folder']))}: "
                  f"{scope['folder_reason']}")
    if sys.stderr.isatty():
        for path, _ in written:
            typer.echo(f"slreport: wrote {path}", err=True)
    return [report for _, report in written]


def _reading(files: list[str]) -> Any:
    """A progress indicator on stderr while the input is read and analysed, only on a terminal
    (transient: it is gone when the work is done, so small inputs just flash it)."""
    from slreport.render.terminal import progress

    size = sum(os.path.getsize(f) for f in files if f != "-" and os.path.isfile(f))
    names = os.path.basename(files[0]) + (f" and {len(files) - 1} more" if len(files) > 1 else "")
    return progress(f"reading and analysing {names} ({size / 1e6:.1f} MB)", enabled=sys.stderr.isatty())


def _emit(report: dict[str, Any], fmt: OutputFormat | None) -> None:
    from slreport.render import render

    on_terminal = sys.stdout.isatty()
    chosen = fmt or (OutputFormat.TABLE if on_terminal else OutputFormat.JSON)
    color = on_terminal and "NO_COLOR" not in os.environ
    render(report, chosen, sys.stdout, color=color)
    sys.stdout.flush()


def _emit_erlang(result: dict[str, Any], fmt: OutputFormat | None) -> None:
    from slreport.render import render_erlang

    on_terminal = sys.stdout.isatty()
    chosen = fmt or (OutputFormat.TABLE if on_terminal else OutputFormat.JSON)
    render_erlang(result, chosen, sys.stdout, color=on_terminal and "NO_COLOR" not in os.environ)
    sys.stdout.flush()


def _guarded(action: Callable[[], T], debug: bool, memory_limit: str | None = None) -> T:
    """Run a command body: known errors become one line on stderr and a named exit code.
    ``memory_limit``: the command's --memory-limit, named when DuckDB runs out of memory."""
    try:
        return action()
    except SlreportError as exc:
        if debug:
            traceback.print_exc()
        # A reader that wraps DuckDB's error as "cannot read" may be wrapping the machine's fault
        # (out of memory, a full disk while spilling): name that fault, not the file.
        error = environment_cause(exc, memory_limit) or exc
        _fail(error.one_line(), error.exit_code)
    except BrokenPipeError:
        _quiet_exit_on_broken_pipe()
    except KeyboardInterrupt:
        _fail("interrupted", ExitCode.BAD_DATA)
    except Exception as exc:  # an expected fault (full disk, out of memory) or a bug: one line unless --debug
        if debug:
            traceback.print_exc()
        fault = foreign_fault(exc, memory_limit) or environment_cause(exc, memory_limit)
        if fault is not None:
            _fail(fault.one_line(), fault.exit_code)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _fail(f"unexpected error: {first}", ExitCode.BAD_DATA, "run again with --debug and report it")


# A quoted value longer than this in an error line is cut (errors.shorten), and so is a message
# longer than _MAX_MESSAGE: values come from files and options, and cron mails stderr whole.
_LONG_QUOTE = re.compile(r"(['\"])([^'\"]{81,})\1")
_MAX_MESSAGE = 2000


def _note(message: str) -> None:
    typer.echo("".join(c if c.isprintable() else ascii(c)[1:-1] for c in f"slreport: note: {message}"), err=True)


def _fail(message: str, code: ExitCode, hint: str | None = None) -> NoReturn:
    message = _LONG_QUOTE.sub(lambda m: m[1] + shorten(m[2]) + m[1], message)
    if len(message) > _MAX_MESSAGE:
        message = shorten(message, _MAX_MESSAGE)
    line = f"slreport: error: {message}" + (f"; {hint}" if hint else "")
    # Text quoted from a hostile file must not break the one line or steer the terminal.
    typer.echo("".join(c if c.isprintable() else ascii(c)[1:-1] for c in line), err=True)
    raise typer.Exit(int(code))


def _quiet_exit_on_broken_pipe() -> NoReturn:
    # The reader went away (`| head`): point stdout at devnull so the interpreter's final
    # flush does not raise again, and end quietly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(int(ExitCode.OK))


def main() -> None:
    """The console script: a run stopped by SIGTERM, SIGINT or SIGHUP exits with 128 + the signal
    number (it unwinds and removes its temporary files first; see slreport.interrupts)."""
    import signal

    from slreport.interrupts import Terminated, handled, received

    with handled():
        try:
            app()  # click ends every run with SystemExit
        except SystemExit as exc:
            signum = received()
            if signum is None:
                raise
            if isinstance(exc, Terminated) or not exc.code:  # not yet said on stderr
                typer.echo(f"slreport: error: stopped by {signal.Signals(signum).name}", err=True)
            raise SystemExit(128 + signum) from None
