"""Command-line front end: the only module that imports typer and turns errors into exit codes.

Commands stay thin: parse options → call one library function → render. Heavy modules
(duckdb, pandas, rich) are imported inside the commands so that `slreport --help` is fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from slreport import __version__
from slreport.errors import ExitCode, SlreportError, UsageError
from slreport.settings import OutputFormat, SlMethod

app = typer.Typer(
    name="slreport",
    help="Service-level reports from contact-center call-detail records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich doubled the time of `slreport --help`
)

T = TypeVar("T")

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
    files: Annotated[
        list[str], typer.Argument(help="CSV exports (.gz/.zst/.bz2 too), or a Parquet dataset folder; - reads stdin.")
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
    column_map: Annotated[
        list[str] | None, typer.Option("--map", help='Map a column: --map arrived_at="Call Start" (repeatable).')
    ] = None,
    outcome_map: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Map outcome values: --outcome abandoned=ABANDON,HANGUP (repeatable)."),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Input format; detected when not given.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on the first row that cannot be used.")] = False,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 4GB (spills to disk); default 2GB.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb, or spark for a Parquet dataset from `slreport convert`.")
    ] = "duckdb",
    debug: DebugOpt = False,
) -> None:
    """Report service level, answer and abandon rates, ASA, AHT per company and hour."""

    def run() -> None:
        from slreport.analysis import RunOptions
        from slreport.analysis import analyze as analyze_files
        from slreport.ingest.options import ReadOptions, parse_column_maps, parse_outcome_maps
        from slreport.settings import Settings, check_timezone, parse_by, parse_service_level

        target = parse_service_level(sl)
        settings = Settings(
            threshold_s=target.threshold_s, target_pct=target.target_pct, sl_method=sl_method,
            short_abandon_s=short_abandon, timezone=check_timezone(tz) if tz else "UTC", by=parse_by(by),
            interval_minutes=interval,
        )
        read = ReadOptions(
            column_map=parse_column_maps(column_map or []), outcome_map=parse_outcome_maps(outcome_map or []),
            input_tz=settings.timezone if tz else None, strict=strict,
        )
        if engine == "spark":
            from slreport.spark_engine import analyze_spark

            report = analyze_spark(files, settings)
        elif engine == "duckdb":
            report = analyze_files(files, settings, RunOptions(profile=profile, memory_limit=memory_limit, read=read))
        else:
            raise UsageError(f"--engine {engine!r} is not known", "choose duckdb or spark")
        _emit(report, fmt)

    _guarded(run, debug)


@app.command()
def convert(
    files: Annotated[list[str], typer.Argument(help="CSV exports (.gz/.zst/.bz2 too) or Parquet datasets.")],
    to: Annotated[str, typer.Option("--to", help="Folder of the Parquet dataset (created or appended to).")],
    tz: TzOpt = None,
    column_map: Annotated[
        list[str] | None, typer.Option("--map", help='Map a column: --map arrived_at="Call Start" (repeatable).')
    ] = None,
    outcome_map: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Map outcome values: --outcome abandoned=ABANDON,HANGUP (repeatable)."),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Input format; detected when not given.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on the first row that cannot be used.")] = False,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 4GB (spills to disk); default 2GB.")
    ] = None,
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


def _emit(report: dict[str, Any], fmt: OutputFormat | None) -> None:
    from slreport.render import render

    on_terminal = sys.stdout.isatty()
    chosen = fmt or (OutputFormat.TABLE if on_terminal else OutputFormat.JSON)
    color = on_terminal and "NO_COLOR" not in os.environ
    render(report, chosen, sys.stdout, color=color)
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


def _fail(message: str, code: ExitCode, hint: str | None = None) -> NoReturn:
    typer.echo(f"slreport: error: {message}" + (f"; {hint}" if hint else ""), err=True)
    raise typer.Exit(int(code))


def _quiet_exit_on_broken_pipe() -> NoReturn:
    # The reader went away (`| head`): point stdout at devnull so the interpreter's final
    # flush does not raise again, and end quietly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(int(ExitCode.OK))


def main() -> None:
    app()
