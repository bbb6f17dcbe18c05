"""`analyze`'s options as typed groups, and their resolution into what the pipeline runs with.

The command line fills ``AnalyzeArgs`` (raw values, grouped as its help panels are); ``resolve``
turns them, with slreport.toml, into ``AnalyzeRequest``: the Settings, how to read the inputs,
how to run and where to write. Settings values given explicitly override the file; the rest come
from the file, else the Settings defaults. Nothing here knows the command-line framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from slreport.errors import UsageError
from slreport.options import values
from slreport.options.config import FileConfig, build_settings, find_config, load_config
from slreport.options.periods import Period, resolve_comparison, resolve_window, today_in
from slreport.options.read import ReadOptions, parse_column_maps, parse_outcome_maps, parse_stitch
from slreport.options.settings import Settings
from slreport.queueing.targets import StaffingTargets


@dataclass(frozen=True)
class RunOptions:
    """How to run, as opposed to what to compute (which is Settings)."""

    profile: str | None = None
    memory_limit: str | None = None
    threads: int | None = None
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass(frozen=True)
class InputArgs:
    """How the exports are read (the "Input" panel)."""

    files: tuple[str, ...]
    profile: str | None = None
    column_map: tuple[str, ...] = ()
    outcome_map: tuple[str, ...] = ()
    strict: bool = False
    time_formats: tuple[str, ...] = ()
    country: str | None = None
    stitch: str = "queue"
    sheet: str | None = None
    rejects: str | None = None
    pseudonym_key: str | None = None
    show_callers: bool = False


@dataclass(frozen=True)
class PeriodArgs:
    period: str | None = None
    since: str | None = None
    until: str | None = None
    compare: str | None = None  # previous | last-year | a period


@dataclass(frozen=True)
class StaffingArgs:
    """The staffing targets as given (text); parsed by options/values.py like every other value."""

    max_asa: str | None = None
    max_pwait: str | None = None
    max_abandon: str | None = None
    max_occupancy: str | None = None
    shrinkage: str | None = None

    def options(self) -> StaffingTargets:
        def parsed(flag: str, parse: Any, value: str | None) -> float | None:
            return None if value is None else values.checked(flag, parse, value)

        return StaffingTargets(
            max_asa_s=parsed("--max-asa", values.max_asa, self.max_asa),
            max_p_wait=parsed("--max-pwait", values.probability, self.max_pwait),
            max_abandon=parsed("--max-abandon", values.probability, self.max_abandon),
            max_occupancy=parsed("--max-occupancy", values.occupancy, self.max_occupancy),
            shrinkage=parsed("--shrinkage", values.shrinkage, self.shrinkage) or 0.0,
        )


@dataclass(frozen=True)
class FolderArgs:
    """--out and friends (the "Output" panel's report-folder options)."""

    out: str | None = None
    out_template: str | None = None
    split_by: str | None = None
    overwrite: bool = False
    tables: str = "csv"
    chart_format: str = "png"

    @property
    def wanted(self) -> bool:
        return bool(self.out or self.out_template)


@dataclass(frozen=True)
class AnalyzeArgs:
    input: InputArgs
    given: dict[str, Any] = field(default_factory=dict)  # flag → value, for the options given explicitly
    config: str | None = None
    include_closed: bool = False
    period: PeriodArgs = field(default_factory=PeriodArgs)
    staffing: StaffingArgs = field(default_factory=StaffingArgs)
    folder: FolderArgs = field(default_factory=FolderArgs)
    memory_limit: str | None = None


@dataclass(frozen=True)
class AnalyzeRequest:
    settings: Settings
    run: RunOptions
    window: Period | None
    folder: FolderArgs
    compare: Period | None = None  # --compare: the period the report is compared with


def resolve(args: AnalyzeArgs, cwd: Path) -> AnalyzeRequest:
    config = load_config(find_config(args.config, cwd))  # errors then read "slreport.toml:5: …"
    given: dict[str, Any] = {}
    for flag, value in args.given.items():
        given |= values.parse_flag(flag, value)
    settings = build_settings(config, given, include_closed=args.include_closed, staffing=args.staffing.options())
    if config is not None and args.config is None:  # picked up, not chosen: it changes the numbers, say so
        settings = replace(settings, extra=settings.extra | {"config_source": "working directory"})
    window = resolve_window(args.period.period, args.period.since, args.period.until, settings.timezone)
    compare = None
    if args.period.compare is not None:
        if "-" in args.input.files:
            raise UsageError("--compare reads the input a second time, for the comparison period, and stdin "
                             "can be read only once", "save the export to a file and give its name")
        compare = resolve_comparison(args.period.compare, window, settings.timezone, today_in(settings.timezone))
    if window:
        settings = replace(settings, extra=settings.extra | {"period": window.as_json()})
    read = read_options(args.input, config, settings, zone_given="timezone" in given, window=window)
    if args.folder.split_by and not args.folder.wanted:
        raise UsageError("--split-by writes one report folder per company", "give the folders with --out DIR "
                         "or --out-template 'reports/{company}/{period}'")
    run = RunOptions(profile=args.input.profile, memory_limit=values.memory_limit(args.memory_limit), read=read)
    return AnalyzeRequest(settings, run, window, args.folder, compare)


def read_options(
    args: InputArgs, config: FileConfig | None, settings: Settings, *, zone_given: bool, window: Period | None
) -> ReadOptions:
    """How the readers read: the file's [columns] and [outcomes] with --map/--outcome on top; offset-less
    times in the report zone only when a zone was given (option or file), else they are an error."""
    zone_known = zone_given or bool(config and "timezone" in config.defaults)
    return ReadOptions(
        column_map=(config.columns if config else {}) | parse_column_maps(list(args.column_map)),
        outcome_map=(config.outcomes if config else {}) | parse_outcome_maps(list(args.outcome_map)),
        input_tz=settings.timezone if zone_known else None,
        strict=args.strict, csat_scale=settings.csat_scale, time_formats=args.time_formats, country=args.country,
        stitch=parse_stitch(args.stitch), rejects_path=args.rejects, pseudonym_key=args.pseudonym_key,
        sheet=args.sheet, arrival_window=window.window() if window else None, show_callers=args.show_callers,
    )
