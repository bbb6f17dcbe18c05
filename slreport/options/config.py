"""slreport.toml: report defaults, per-company policies and targets, column and outcome mappings.

The file is found in the working directory or given with --config. Every key is checked here;
an error names the file, the line, the key and the allowed values. Command-line options given
explicitly override the file, for every company (docs/fcr-and-targets.md, "Config file").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from slreport.errors import UsageError, quoted, shorten
from slreport.options import values
from slreport.options.hours import hours_policy
from slreport.options.read import MAPPABLE
from slreport.options.settings import Settings
from slreport.options.values import BadValue, Option
from slreport.schema import OUTCOMES

CONFIG_NAME = "slreport.toml"
TOP_LEVEL = ("defaults", "companies", "columns", "outcomes")


class ConfigError(UsageError):
    """The config file cannot be used (exit code 2, like a wrong option)."""


@dataclass(frozen=True)
class FileConfig:
    path: str
    defaults: dict[str, Any] = field(default_factory=dict)  # Settings field → value
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)  # company → Settings field → value
    columns: dict[str, str] = field(default_factory=dict)  # canonical column → header
    outcomes: dict[str, str] = field(default_factory=dict)  # raw value (lower) → outcome
    # company → kind (queue, segment, channel) → name → Settings field → value
    scopes: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)


# The keys of [defaults] and [companies."Name"] are the option values of options/values.py, with the
# parsers the command line uses: the same grammar, the same "use …" text.
COMPANY_KEYS = values.COMPANY_KEYS
DEFAULT_ONLY_KEYS = values.DEFAULT_ONLY_KEYS
SCOPE_KEYS = values.SCOPE_KEYS
# The tables a company may hold: a policy per queue, segment or channel (docs/fcr-and-targets.md, "Scoped
# policies"); the table name → the contact column it matches.
SCOPE_TABLES = {"queues": "queue", "segments": "segment", "channels": "channel"}


# --- finding and loading -----------------------------------------------------------------------

def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """--config PATH, else ./slreport.toml if there is one, else None."""
    if explicit is not None:
        path = Path(explicit)
        if not path.exists():
            raise ConfigError(f"--config {explicit}: no such file",
                              "check the path, or write one with `slreport init`")
        _check_regular(path, f"--config {explicit}")
        return path
    found = cwd / CONFIG_NAME
    if not found.exists():
        return None
    _check_regular(found, CONFIG_NAME)
    return found


def _check_regular(path: Path, shown: str) -> None:
    """A folder, FIFO or device where the config should be is refused by name, not read (a FIFO
    would wait for a writer, /dev/zero would never end)."""
    if path.is_file():
        return
    kind = "a folder" if path.is_dir() else "not a regular file"
    raise ConfigError(f"{shown} is {kind}", "give the path of a slreport.toml file (`slreport init` writes one)")


def load_config(path: Path | None) -> FileConfig | None:
    if path is None:
        return None
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}:{_syntax_line(exc)}: invalid TOML: {shorten(str(exc))}",
                          "fix the TOML syntax") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(f"{path}: arrays or tables are nested too deeply to read",
                          "slreport.toml needs at most [companies.\"Name\"] and lists of values: flatten it") from None
    return _Reader(str(path), text).read(data)


def _read_text(path: Path) -> str:
    """The file as UTF-8 (TOML's only encoding): another encoding is named with the line it fails on."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", "check the path and its permissions") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                          "save it as UTF-8: TOML files are UTF-8 (an editor's \"Save as\" offers it)") from None


def _syntax_line(exc: tomllib.TOMLDecodeError) -> str:
    m = re.search(r"at line (\d+)", str(exc))
    return m.group(1) if m else "?"


class _Reader:
    """Checks the parsed TOML table by table; knows the text to name lines in errors."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def read(self, data: dict[str, Any]) -> FileConfig:
        for key in data:
            if key not in TOP_LEVEL:
                self.fail((), key, f"unknown table [{shorten(key)}]",
                          "allowed: " + ", ".join(f"[{t}]" for t in TOP_LEVEL))
        defaults = self.policy(("defaults",), self.table(data, "defaults"), COMPANY_KEYS | DEFAULT_ONLY_KEYS)
        companies, scopes = {}, {}
        for name in self.table(data, "companies"):
            table = dict(self.table(data["companies"], name, ("companies",)))
            own = {t: table.pop(t) for t in SCOPE_TABLES if t in table}
            companies[name] = self.policy(("companies", name), table, COMPANY_KEYS)
            if found := self.scopes(("companies", name), own):
                scopes[name] = found
        return FileConfig(self.path, defaults, companies, self.columns(data), self.outcomes(data), scopes)

    def scopes(self, where: tuple[str, ...], tables: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
        """A company's [companies."X".queues."NAME"] (segments, channels) tables: kind → name → fields."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for table, kind in SCOPE_TABLES.items():
            if table not in tables:
                continue
            named = self.table(tables, table, where)
            for name in named:
                scope = self.table(named, name, (*where, table))
                if not isinstance(name, str) or not name.strip():
                    self.fail((*where, table), name, f"{_header((*where, table))} needs a {kind} name",
                              f'write [{".".join(where)}.{table}."NAME"]')
                out.setdefault(kind, {})[name] = self.policy((*where, table, name), scope, SCOPE_KEYS)
        return out

    def table(self, data: dict[str, Any], key: str, parent: tuple[str, ...] = ()) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(parent, key, f"{key} must be a table", f"write it as [{'.'.join((*parent, key))}]")
        return value

    def policy(self, where: tuple[str, ...], table: dict[str, Any], keys: dict[str, Option]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in table.items():
            if key not in keys:
                tables = [f"{t}.\"NAME\"" for t in SCOPE_TABLES] if len(where) == 2 and where[0] == "companies" else []
                self.fail(where, key, f"unknown key {quoted(key)} in {_header(where)}",
                          "allowed: " + ", ".join([*keys, *tables]))
            try:
                out |= keys[key].fields(value)
            except BadValue as exc:
                self.fail(where, key, f"{_header(where)} {shorten(key)} = {quoted(value)} is not allowed",
                          f"use {exc}")
        return out

    def columns(self, data: dict[str, Any]) -> dict[str, str]:
        out = {}
        for key, value in self.table(data, "columns").items():
            if key not in MAPPABLE:
                self.fail(("columns",), key, f"unknown column {quoted(key)} in [columns]",
                          "allowed: " + ", ".join(MAPPABLE))
            if not isinstance(value, str) or not value.strip():
                self.fail(("columns",), key, f"[columns] {key} must name a header", f'write {key} = "Header"')
            out[key] = value.strip()
        return out

    def outcomes(self, data: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.table(data, "outcomes").items():
            values = value.split(",") if isinstance(value, str) else value
            if key not in OUTCOMES:
                self.fail(("outcomes",), key, f"unknown outcome {quoted(key)} in [outcomes]",
                          "allowed: " + ", ".join(OUTCOMES))
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                self.fail(("outcomes",), key, f"[outcomes] {key} must list values", f'write {key} = ["VALUE", …]')
            out |= {v.strip().lower(): key for v in values}
        return out

    def fail(self, where: tuple[str, ...], key: str, message: str, hint: str) -> NoReturn:
        line = _line_of(self.lines, where, key)
        raise ConfigError(f"{self.path}:{line or '?'}: {message}", hint)


def _header(where: tuple[str, ...]) -> str:
    return "[" + ".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else f'"{shorten(p)}"' for p in where) + "]"


_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


def _line_of(lines: list[str], where: tuple[str, ...], key: str) -> int | None:
    """The 1-based line of ``key`` inside the table ``where``, else its header line, else the first line
    where ``key =`` appears at all (inline tables such as ``"Name" = { key = 1 }``)."""
    found = _line_in_table(lines, where, key)
    if found is None:
        anywhere = re.compile(rf"""(^|[\s{{,])("{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
        found = next((n for n, line in enumerate(lines, start=1) if anywhere.search(line)), None)
    return found


def _line_in_table(lines: list[str], where: tuple[str, ...], key: str) -> int | None:
    current: tuple[str, ...] = ()
    header_line = None
    key_re = re.compile(rf"""^\s*("{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
    for number, line in enumerate(lines, start=1):
        m = _HEADER_RE.match(line)
        if m:
            current = _split_dotted(m.group(1))
            if current[:len(where) + 1] == where + (key,):  # the key is itself a table, e.g. [oops] or [oops."x"]
                return number
            header_line = number if current == where else header_line
        elif current == where and key_re.match(line):
            return number
    return header_line


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', text)
    return tuple(a or b or c for a, b, c in parts)


# --- settings from the file and the command line ---------------------------------------------

def build_settings(config: FileConfig | None, options: dict[str, Any], **fixed: Any) -> Settings:
    """Settings from [defaults], then the explicit command-line ``options`` (Settings fields);
    ``options`` also override every company's own value of the same field."""
    values: dict[str, Any] = dict(config.defaults) if config else {}
    values |= options
    companies = {
        name: {k: v for k, v in overrides.items() if k not in options}
        for name, overrides in (config.companies if config else {}).items()
    }
    scopes = {
        company: {kind: {name: {k: v for k, v in fields.items() if k not in options} for name, fields in named.items()}
                  for kind, named in kinds.items()}
        for company, kinds in (config.scopes if config else {}).items()
    }
    settings = Settings(**values, **fixed, companies=companies, scopes=scopes,
                        config_file=config.path if config else None)
    hours = hours_policy(settings.opening_hours, settings.holidays_country, settings.companies)
    return replace(settings, hours=hours)


def write_example(path: Path, force: bool, columns: list[str] | None = None, inputs: list[str] | None = None) -> None:
    """The commented template at ``path``; ``columns``: the lines of its [columns] table instead of the
    examples (`slreport init EXPORT`); ``inputs``: files it must never replace (the export read)."""
    from slreport.safe_paths import check_output_file, umask_mode, write_atomic

    check_output_file(path, inputs or [], "init")  # --force replaces a file, never a folder, device or link
    if path.exists() and not force:
        raise UsageError(f"{path} exists", "use --force to overwrite it")
    write_atomic(path, example(columns), umask_mode())


def example(columns: list[str] | None = None) -> str:
    """EXAMPLE, its [columns] examples replaced by ``columns`` when given."""
    if columns is None:
        return EXAMPLE
    head, _, rest = EXAMPLE.partition(_COLUMN_EXAMPLES)
    return head + "".join(line + "\n" for line in columns) + rest


_COLUMN_EXAMPLES = """\
# arrived_at = "Call Start"      # or join two columns: "{Date} {Time}"
# caller = "ANI"
# wait_s = "Queue Time"
"""


EXAMPLE = """\
# slreport.toml – settings for `slreport analyze` run in this folder (or pass --config PATH).
# Nothing below is active: every line is a commented example, and the report uses the defaults until
# you remove the "# " in front of a line. Options given on the command line override these values,
# for every company. Definitions: docs/fcr-and-targets.md (targets, FCR), docs/peaks.md (hours).

[defaults]
# service_level = "80/20"        # PERCENT/SECONDS: PERCENT of calls answered within SECONDS (default 80/20)
# sl_method = "negative"         # negative | ignore | positive | answered-only (default negative)
# short_abandon_s = 5            # abandons within this many seconds are short; 0 disables (default 5)
# timezone = "Europe/Helsinki"   # IANA zone of the report and of times written without an offset (default UTC)
# answer_rate_target = 90        # targets (percent) judged for every company unless it sets its own (default none)
# abandon_rate_max = 5
# fcr_target = 70
# nps_target = 20                # -100..100
# opening_hours = "mon-fri 08:00-20:00, sat 10:00-14:00"   # contacts outside them are reported apart
# holidays_country = "FI"        # public holidays of this country are closed
# business_hours = false         # true: response time counts only opening hours (email, ticket SLAs)
# fcr_method = "auto"            # flag | repeat | auto: flag when the data has resolved flags (default auto)
# fcr_window = "72h"             # 24h | 72h | 7d | 30d: a repeat within this time is not resolved (default 72h)
# csat_scale = 5                 # CSAT answers are 1..csat_scale; top-two-box = the two highest (default 5)

# One table per company whose promise differs from [defaults] (the name as the data writes it).
# Every key of [defaults] above except fcr_method, fcr_window and csat_scale may be set per company.
# [companies."Acme Energy"]
# service_level = "90/30"
# answer_rate_target = 92
# opening_hours = "mon-fri 08:00-18:00"
#
# [companies."Example Collections"]
# service_level = "70/60"
# sl_method = "ignore"
# fcr_target = 75
#
# A company's queues, segments and channels may have their own policy, with the company's keys
# (not timezone). Each contact follows the most specific: queue > segment > channel > company.
# [companies."Example Collections".segments."VIP"]
# service_level = "90/10"
# [companies."Example Collections".channels."email"]
# service_level = "90/4h"        # thresholds in s (the default), min or h
# business_hours = true          # only opening hours count: 4 business hours
# opening_hours = "mon-fri 08:00-16:00"

# Canonical column = the export's header, like --map (`slreport init EXPORT` proposes these lines).
[columns]
# arrived_at = "Call Start"      # or join two columns: "{Date} {Time}"
# caller = "ANI"
# wait_s = "Queue Time"

# Outcome = the export's values, like --outcome.
[outcomes]
# abandoned = ["ABANDON", "HANGUP"]
# answered = ["CONNECT"]
"""
