"""Command-line front end: the only module that imports typer and turns errors into exit codes.

Commands stay thin: parse options → call one library function → render. Heavy modules
(duckdb, pandas, rich) are imported inside the commands so that `slreport --help` is fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from slreport import __version__
from slreport.errors import ExitCode, SlreportError, UsageError
from slreport.settings import OutputFormat, SlMethod

app = typer.Typer(
    name="slreport",
    help="Service-level reports from contact-center call-detail records.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain click help: rendering it with rich doubled the time of `slreport --help`
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


class Engine(str, Enum):
    """Where analyze runs the metric SQL (--engine)."""

    DUCKDB = "duckdb"
    SPARK = "spark"


# Options shared by several commands, declared once.
FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format [default: table on a terminal, json when piped]."),
]
SlOpt = Annotated[str, typer.Option("--sl", help="Service-level target PERCENT/SECONDS, e.g. 80/20.")]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="IANA time zone of the report, and of timestamps written without an offset."),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
# How the inputs are read (analyze and convert).
MapOpt = Annotated[
    list[str] | None, typer.Option("--map", help='Map a column: --map arrived_at="Call Start" (repeatable).')
]
OutcomeOpt = Annotated[
    list[str] | None,
    typer.Option("--outcome", help="Map outcome values: --outcome abandoned=ABANDON,HANGUP (repeatable)."),
]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="Input format; detected when not given.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail on the first row that cannot be used.")]
MemoryLimitOpt = Annotated[
    str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 4GB (spills to disk); default 2GB.")
]
# Staffing targets, shared by `analyze` (staffing section) and `erlang`.
MaxAsaOpt = Annotated[float | None, typer.Option("--max-asa", help="Staffing target: mean wait at most SECONDS.")]
MaxPwaitOpt = Annotated[
    float | None, typer.Option("--max-pwait", help="Staffing target: probability of waiting at most this (0-1).")
]
MaxAbandonOpt = Annotated[
    float | None, typer.Option("--max-abandon", help="Staffing target (Erlang A): abandon probability at most (0-1).")
]
MaxOccupancyOpt = Annotated[
    float | None, typer.Option("--max-occupancy", help="Staffing target: agent occupancy at most (0-1).")
]
ShrinkageOpt = Annotated[
    float, typer.Option("--shrinkage", help="Share of paid time off the phones (0-1): scheduled = N / (1 - s).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slreport {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Service-level reports from contact-center call-detail records."""


@app.command()
def analyze(
    ctx: typer.Context,
    files: Annotated[
        list[str], typer.Argument(help="Exports (.gz/.zst/.bz2 too) or a Parquet dataset folder; - reads stdin.")
    ],
    fmt: FormatOpt = None,
    sl: SlOpt = "80/20",
    sl_method: Annotated[
        SlMethod, typer.Option("--sl-method", help="How abandoned calls count in the service level.")
    ] = SlMethod.NEGATIVE,
    short_abandon: Annotated[
        int, typer.Option("--short-abandon", help="Abandons within this many seconds are short (0 disables).")
    ] = 5,
    tz: TzOpt = None,
    by: Annotated[
        str, typer.Option("--by", help="Group by company, queue, segment, channel, agent (comma-separated).")
    ] = "company",
    interval: Annotated[
        int, typer.Option("--interval", help="Interval length in minutes for interval tables: 15, 30 or 60.")
    ] = 60,
    column_map: MapOpt = None,
    outcome_map: OutcomeOpt = None,
    profile: ProfileOpt = None,
    strict: StrictOpt = False,
    memory_limit: MemoryLimitOpt = None,
    debug: DebugOpt = False,
    config: Annotated[
        str | None, typer.Option("--config", help="Settings file (default: ./slreport.toml when present).")
    ] = None,
    fcr_method: Annotated[
        str, typer.Option("--fcr-method", help="FCR by resolved flag, by repeat contacts, or auto: flag|repeat|auto.")
    ] = "auto",
    fcr_window: Annotated[
        str, typer.Option("--fcr-window", help="Repeat window of FCR in elapsed time: 24h|72h|7d|30d.")
    ] = "72h",
    csat_scale: Annotated[
        int, typer.Option("--csat-scale", help="CSAT answers are 1..SCALE; top-two-box = the two highest.")
    ] = 5,
    fail_on_miss: Annotated[
        bool, typer.Option("--fail-on-miss", help="Exit with 3 when any company misses any target (listed on stderr).")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many peak intervals to list per company.")] = 5,
    unusual_factor: Annotated[
        float,
        typer.Option("--unusual-factor", help="k: a day is unusual above k× (or below 1/k×) its weekday's median."),
    ] = 1.5,
    opening_hours: Annotated[
        str | None,
        typer.Option(
            "--opening-hours", help='Opening hours of every company, e.g. "mon-fri 08:00-20:00, sat 10:00-14:00".'
        ),
    ] = None,
    holidays_country: Annotated[
        str | None, typer.Option("--holidays-country", help="Public holidays of this country are closed, e.g. FI.")
    ] = None,
    include_closed: Annotated[
        bool, typer.Option("--include-closed", help="Count contacts outside opening hours in the service level.")
    ] = False,
    time_format: Annotated[
        list[str] | None,
        typer.Option("--time-format", help='strptime format of local timestamps, e.g. "%d.%m.%Y %H.%M.%S".'),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country of national caller numbers (ISO code, e.g. FI).")
    ] = None,
    stitch: Annotated[
        str, typer.Option("--stitch", help="queue_log: one contact per queue visit (queue) or per call (caller).")
    ] = "queue",
    rejects: Annotated[
        str | None, typer.Option("--rejects", help="Write rejected rows (file, line, reason…) to this CSV file.")
    ] = None,
    pseudonym_key: Annotated[
        str | None,
        typer.Option("--pseudonym-key", help="Key for caller pseudonyms in --rejects [env SLREPORT_PSEUDONYM_KEY]."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Worksheet of an .xlsx input [default: the first].")
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Say on stderr how each file was read [default: only on a terminal]."),
    ] = False,
    max_asa: MaxAsaOpt = None,
    max_pwait: MaxPwaitOpt = None,
    max_abandon: MaxAbandonOpt = None,
    max_occupancy: MaxOccupancyOpt = None,
    shrinkage: ShrinkageOpt = 0.0,
    out: Annotated[
        str | None, typer.Option("--out", help="Write a report folder: summary.json, tables, charts, report.html.")
    ] = None,
    out_template: Annotated[
        str | None,
        typer.Option("--out-template", help='Report folder from a template, e.g. "reports/{company}/{period}".'),
    ] = None,
    split_by: Annotated[
        str | None, typer.Option("--split-by", help="One report folder per company: --split-by company.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing report folder.")] = False,
    tables: Annotated[
        str, typer.Option("--tables", help="Table files in the report folder: csv, parquet or xlsx.")
    ] = "csv",
    chart_format: Annotated[str, typer.Option("--chart-format", help="Chart files: png or svg.")] = "png",
    period: Annotated[
        str | None,
        typer.Option("--period", help="yesterday, today, last-week, this-week, last-month, this-month, "
                                      "YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (report time zone)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Count arrivals from this date or time on (inclusive).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Count arrivals before this date or time (exclusive).")
    ] = None,
    show_callers: Annotated[
        bool, typer.Option("--show-callers", help="Raw caller numbers in --rejects instead of pseudonyms.")
    ] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Run the metric SQL on duckdb, or on Apache Spark (one dataset or URI).")
    ] = Engine.DUCKDB,
) -> None:
    """Report service level, answer and abandon rates, ASA, AHT, FCR and survey scores per company and hour."""
    # Every option is read from ctx.params, where it is known whether it was given (it then
    # overrides slreport.toml) or left at its default.
    code = _guarded(lambda: _analyze_with_config(ctx, files, fmt, fail_on_miss), debug)
    if code != ExitCode.OK:
        raise typer.Exit(int(code))


def _explicit(ctx: typer.Context, name: str) -> bool:
    """Whether the option was given (command line or environment) rather than left at its default."""
    source = ctx.get_parameter_source(name)  # click's ParameterSource (typer may vendor click)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _analyze_with_config(
    ctx: typer.Context, files: list[str], fmt: OutputFormat | None, fail_on_miss: bool
) -> ExitCode:
    """analyze with slreport.toml: the file's settings, with explicitly given options on top.

    Returns TARGET_MISSED when --fail-on-miss is given and a target was missed (listed on stderr)."""
    from pathlib import Path

    from slreport.analysis import RunOptions
    from slreport.analysis import analyze as analyze_files
    from slreport.config import build_settings, find_config, load_config
    from slreport.ingest.callers import country_code
    from slreport.ingest.options import ReadOptions, parse_column_maps, parse_outcome_maps, parse_stitch
    from slreport.ingest.rejects import deferred_rejects
    from slreport.periods import resolve_window
    from slreport.policy import target_misses
    from slreport.settings import parse_by

    p = ctx.params
    config_path = find_config(p["config"], Path("."))
    _check_output_files(files, config_path, p)
    config = load_config(config_path)  # errors then read "slreport.toml:5: …"
    options = _given_settings(ctx)
    settings = build_settings(
        config, options, by=parse_by(p["by"]), interval_minutes=p["interval"], top_n=p["top"],
        unusual_factor=p["unusual_factor"], include_closed=p["include_closed"], staffing=_staffing_options(p),
    )
    window = resolve_window(p["period"], p["since"], p["until"], settings.timezone)
    if window:
        settings = replace(settings, extra=settings.extra | {"period": window.as_json()})
    read = ReadOptions(
        column_map=(config.columns if config else {}) | parse_column_maps(p["column_map"] or []),
        outcome_map=(config.outcomes if config else {}) | parse_outcome_maps(p["outcome_map"] or []),
        input_tz=settings.timezone if "timezone" in options or (config and "timezone" in config.defaults) else None,
        strict=p["strict"], csat_scale=settings.csat_scale,
        time_formats=tuple(p["time_format"] or ()), country=p["country"],
        stitch=parse_stitch(p["stitch"]), rejects_path=p["rejects"], pseudonym_key=p["pseudonym_key"],
        sheet=p["sheet"], arrival_window=window.window() if window else None,
        show_callers=p["show_callers"],
    )
    country_code(p["country"])  # an unknown country is a usage error before any file is read
    run = RunOptions(profile=p["profile"], memory_limit=p["memory_limit"], read=read)
    if p["split_by"] and not (p["out"] or p["out_template"]):
        raise UsageError("--split-by writes one report folder per company", "give the folders with --out DIR "
                         "or --out-template 'reports/{company}/{period}'")
    if p["engine"] == Engine.SPARK:
        return _analyze_on_spark(files, settings, window.window() if window else None, fmt, p, fail_on_miss)
    with deferred_rejects():  # --rejects appears only when the whole run succeeded
        if p["out"] or p["out_template"]:
            reports = _write_folders(files, settings, run, p, window.label if window else None)
        else:
            with _reading(files):
                reports = [analyze_files(files, settings, run)]
            _emit(reports[0], fmt)
    if p["verbose"] or sys.stderr.isatty():  # cron mails whatever reaches stderr: stay quiet there
        _note_inputs(reports[0])
    misses = [line for report in reports for line in target_misses(report)] if fail_on_miss else []
    for line in misses:
        typer.echo(f"slreport: {line}", err=True)
    return ExitCode.TARGET_MISSED if misses else ExitCode.OK


def _check_output_files(files: list[str], config: Any, p: dict[str, Any]) -> None:
    """Before anything is read: --rejects may not replace an input, the config, a folder, a device
    or a link, nor lie inside the --out folder that the report replaces."""
    from pathlib import Path

    from slreport.ingest.rejects import check_rejects_target
    from slreport.ingest.sources import expand_arguments

    if not p["rejects"]:
        return
    check_rejects_target(p["rejects"], [f for f in expand_arguments(files) if f != "-"] + ([config] if config else []))
    if p["out"] and Path(p["rejects"]).absolute().resolve().is_relative_to(Path(p["out"]).absolute().resolve()):
        raise UsageError(f"--rejects {p['rejects']} is inside the --out folder, which the report replaces",
                         "write it beside the folder")


def _analyze_on_spark(
    files: list[str], settings: Any, window: Any, fmt: OutputFormat | None, p: dict[str, Any], fail_on_miss: bool
) -> ExitCode:
    """analyze --engine spark: one dataset or URI, the report on stdout (pyspark is imported only here)."""
    from slreport.policy import target_misses
    from slreport.spark_engine import analyze_spark, check_input

    if p["out"] or p["out_template"]:
        raise UsageError("--out and --out-template are not available with --engine spark",
                         "write the report with --format json (or table, markdown, csv) to stdout")
    if p["rejects"]:  # a converted dataset holds only the usable rows; convert counted the others
        raise UsageError("--rejects is not available with --engine spark",
                         "list rejected rows from the original export: slreport analyze FILE --rejects OUT.csv")
    check_input(files)
    report = analyze_spark(files, settings, window)
    _emit(report, fmt)
    misses = target_misses(report) if fail_on_miss else []
    for line in misses:
        typer.echo(f"slreport: {line}", err=True)
    return ExitCode.TARGET_MISSED if misses else ExitCode.OK


def _staffing_options(p: dict[str, Any]) -> Any:
    from slreport.staffing.targets import StaffingOptions

    return StaffingOptions(p["max_asa"], p["max_pwait"], p["max_abandon"], p["max_occupancy"], p["shrinkage"])


def _given_settings(ctx: typer.Context) -> dict[str, Any]:
    """The Settings fields of the options given explicitly (they override slreport.toml)."""
    from slreport.metrics.fcr import parse_window
    from slreport.settings import check_timezone, parse_service_level

    p = ctx.params
    options: dict[str, Any] = {}
    if _explicit(ctx, "sl"):
        target = parse_service_level(p["sl"])
        options |= {"threshold_s": target.threshold_s, "target_pct": target.target_pct}
    parsers: dict[str, tuple[str, Callable[[Any], Any]]] = {  # option → (Settings field, parser)
        "sl_method": ("sl_method", SlMethod), "short_abandon": ("short_abandon_s", int),
        "tz": ("timezone", check_timezone), "fcr_method": ("fcr_method", _fcr_method),
        "fcr_window": ("fcr_window_h", parse_window), "csat_scale": ("csat_scale", _csat_scale),
        "opening_hours": ("opening_hours", str), "holidays_country": ("holidays_country", str),
    }
    return options | {field: parse(p[name]) for name, (field, parse) in parsers.items() if _explicit(ctx, name)}


def _fcr_method(value: str) -> str:
    from slreport.metrics.fcr import METHODS

    if value not in METHODS:
        raise UsageError(f"--fcr-method {value!r} is not supported", f"choose from {', '.join(METHODS)}")
    return value


def _csat_scale(value: int) -> int:
    if not 3 <= value <= 10:
        raise UsageError(f"--csat-scale {value} is not supported", "use a whole number from 3 to 10")
    return value


@app.command()
def init(
    path: Annotated[str, typer.Argument(help="Where to write the example config.")] = "slreport.toml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented example slreport.toml (per-company service levels and targets)."""

    def run() -> None:
        from pathlib import Path

        from slreport.config import write_example

        write_example(Path(path), force)
        typer.echo(f"wrote {path}", err=True)

    _guarded(run, debug)


@app.command()
def profiles() -> None:
    """List the input formats (profiles) analyze can read, one line each."""
    from slreport.ingest import profile_lines

    for line in profile_lines():
        typer.echo(line)


def _note_inputs(report: dict[str, Any]) -> None:
    """One line per input file on stderr: the profile detected and how the file was read."""
    from slreport.ingest import file_note

    for entry in report["input"]["files"]:
        typer.echo(f"slreport: {file_note(entry)}", err=True)


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
    debug: DebugOpt = False,
) -> None:
    """Append exports to a Parquet dataset partitioned by company and month (prints a JSON summary)."""

    def run() -> None:
        import json
        from pathlib import Path

        from slreport.convert import convert as convert_files
        from slreport.ingest.options import ReadOptions, parse_column_maps, parse_outcome_maps
        from slreport.settings import check_timezone

        read = ReadOptions(
            column_map=parse_column_maps(column_map or []), outcome_map=parse_outcome_maps(outcome_map or []),
            input_tz=check_timezone(tz) if tz else None, strict=strict,
        )
        result = convert_files(files, Path(to), read, profile, memory_limit)
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))

    _guarded(run, debug)


@app.command()
def erlang(
    calls: Annotated[float, typer.Option("--calls", help="Calls per interval (decimals allowed, e.g. a mean).")],
    aht: Annotated[float, typer.Option("--aht", help="Average handle time in seconds.")],
    interval: Annotated[str, typer.Option("--interval", help="Interval length: 15m, 30m, 1h, 1800s.")] = "30m",
    sl: Annotated[
        str | None, typer.Option("--sl", help="Target PERCENT/SECONDS answered within, e.g. 80/20.")
    ] = None,
    patience: Annotated[
        float | None, typer.Option("--patience", help="Mean patience in seconds: use Erlang A (with abandonment).")
    ] = None,
    max_asa: MaxAsaOpt = None,
    max_pwait: MaxPwaitOpt = None,
    max_abandon: MaxAbandonOpt = None,
    max_occupancy: MaxOccupancyOpt = None,
    shrinkage: ShrinkageOpt = 0.0,
    fmt: FormatOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Agents needed for a call volume: Erlang C, or Erlang A with --patience. Only the targets given apply."""

    def run() -> None:
        from slreport.settings import parse_service_level
        from slreport.staffing.required import calculate, parse_interval
        from slreport.staffing.targets import StaffingOptions

        target = parse_service_level(sl) if sl is not None else None
        options = StaffingOptions(max_asa, max_pwait, max_abandon, max_occupancy, shrinkage)
        targets = options.targets(
            target.target_pct if target else None, target.threshold_s if target else None
        )
        result = calculate(calls, parse_interval(interval), aht, targets, patience)
        _emit_erlang(result, fmt)

    _guarded(run, debug)


def _write_folders(
    files: list[str], settings: Any, run_options: Any, p: dict[str, Any], period_label: str | None
) -> list[dict[str, Any]]:
    """--out / --out-template: report folders; stdout stays empty (cron mails only errors).
    Returns the reports written (one per company with --split-by)."""
    from pathlib import Path

    from slreport.output import OutputOptions, check_output_options
    from slreport.reports import Destination, deliver

    options = OutputOptions(tables=p["tables"], chart_format=p["chart_format"], overwrite=p["overwrite"])
    check_output_options(options)
    dest = Destination(out=Path(p["out"]) if p["out"] else None, template=p["out_template"],
                       split_by=p["split_by"], period_label=period_label, options=options)
    with _reading(files):
        written = deliver(files, settings, run_options, dest)
    for _, report in written:  # a company whose folder is not its plain name: never silent
        scope = report.get("scope", {})
        if scope.get("folder_reason"):
            _note(f"company {scope['company']!r} is written to {scope['folder']!r}: {scope['folder_reason']}")
    if sys.stderr.isatty():
        for folder, _ in written:
            typer.echo(f"slreport: wrote {folder}", err=True)
    return [report for _, report in written]


def _reading(files: list[str]) -> Any:
    """A progress indicator on stderr while the input is read and analysed, only on a terminal
    (transient: it is gone when the work is done, so small inputs just flash it)."""
    from slreport.render import progress

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


def _guarded(action: Callable[[], T], debug: bool) -> T:
    """Run a command body: known errors become one line on stderr and a named exit code."""
    try:
        return action()
    except SlreportError as exc:
        if debug:
            traceback.print_exc()
        _fail(exc.one_line(), exc.exit_code)
    except BrokenPipeError:
        _quiet_exit_on_broken_pipe()
    except KeyboardInterrupt:
        _fail("interrupted", ExitCode.BAD_DATA)
    except Exception as exc:  # an error we did not foresee: still one line unless --debug
        if debug:
            traceback.print_exc()
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _fail(f"unexpected error: {first}", ExitCode.BAD_DATA, "run again with --debug and report it")


def _note(message: str) -> None:
    typer.echo("".join(c if c.isprintable() else ascii(c)[1:-1] for c in f"slreport: note: {message}"), err=True)


def _fail(message: str, code: ExitCode, hint: str | None = None) -> NoReturn:
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
