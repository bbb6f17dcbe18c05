"""slreport.toml: report defaults, per-company policies and targets, column and outcome mappings.

The file is found in the working directory or given with --config. Every key is checked here;
an error names the file, the line, the key and the allowed values. Command-line options given
explicitly override the file, for every company (docs/fcr-and-targets.md, "Config file").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from slreport.errors import UsageError
from slreport.ingest.options import MAPPABLE
from slreport.metrics.fcr import METHODS, WINDOWS_H
from slreport.metrics.opening_hours import hours_policy
from slreport.schema import OUTCOMES
from slreport.settings import Settings, SlMethod, check_timezone, parse_service_level

CONFIG_NAME = "slreport.toml"
TOP_LEVEL = ("defaults", "companies", "columns", "outcomes")
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_SPAN = r"([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d"
_OPENING_ITEM = re.compile(rf"^{_DAY}(-{_DAY})?(\s+{_SPAN})+$|^{_DAY}(-{_DAY})?\s+closed$", re.IGNORECASE)


class ConfigError(UsageError):
    """The config file cannot be used (exit code 2, like a wrong option)."""


class BadValue(ValueError):
    """A value of the wrong shape; the message says what is allowed."""


@dataclass(frozen=True)
class FileConfig:
    path: str
    defaults: dict[str, Any] = field(default_factory=dict)  # Settings field → value
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)  # company → Settings field → value
    columns: dict[str, str] = field(default_factory=dict)  # canonical column → header
    outcomes: dict[str, str] = field(default_factory=dict)  # raw value (lower) → outcome


# --- value parsers: each returns {Settings field: value} or raises BadValue ----------------------

def _number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise BadValue(f"a number from {low:g} to {high:g}")
        return float(value)

    return parse


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in allowed:
            raise BadValue("one of " + ", ".join(f'"{a}"' for a in allowed))
        return str(value)

    return parse


def _service_level(value: Any) -> dict[str, Any]:
    try:
        target = parse_service_level(value if isinstance(value, str) else "?")
    except UsageError:
        raise BadValue('"PERCENT/SECONDS" such as "80/20"') from None
    return {"target_pct": target.target_pct, "threshold_s": target.threshold_s}


def _seconds(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadValue("a whole number of seconds, 0 or more")
    return value


def _timezone(value: Any) -> str:
    try:
        return check_timezone(value if isinstance(value, str) else "?")
    except UsageError:
        raise BadValue('an IANA time zone such as "Europe/Helsinki"') from None


def _opening_hours(value: Any) -> str:
    items = [i.strip() for i in value.split(",")] if isinstance(value, str) else [""]
    if not all(_OPENING_ITEM.match(i) for i in items):
        raise BadValue('days and hours such as "mon-fri 08:00-20:00, sat 10:00-14:00" (or "sun closed")')
    return value


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value):
        raise BadValue('a two-letter ISO 3166 country code such as "FI"')
    return value.upper()


def _csat_scale(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 3 <= value <= 10:
        raise BadValue("a whole number from 3 to 10 (answers are 1..scale)")
    return value


def _fcr_window(value: Any) -> int:
    if value not in WINDOWS_H:
        raise BadValue("one of " + ", ".join(f'"{w}"' for w in WINDOWS_H))
    return WINDOWS_H[value]


def _one(name: str, parse: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {name: parse(value)}


# Keys of [companies."Name"] (and of [defaults]) → parser into Settings fields.
COMPANY_KEYS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "service_level": _service_level,
    "sl_method": _one("sl_method", lambda v: SlMethod(_choice(tuple(m.value for m in SlMethod))(v))),
    "short_abandon_s": _one("short_abandon_s", _seconds),
    "answer_rate_target": _one("answer_rate_target", _number(0, 100)),
    "abandon_rate_max": _one("abandon_rate_max", _number(0, 100)),
    "fcr_target": _one("fcr_target", _number(0, 100)),
    "nps_target": _one("nps_target", _number(-100, 100)),
    "timezone": _one("timezone", _timezone),
    "opening_hours": _one("opening_hours", _opening_hours),
    "holidays_country": _one("holidays_country", _country),
}
# Keys only [defaults] may have: they apply to the whole report.
DEFAULT_ONLY_KEYS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "fcr_method": _one("fcr_method", _choice(METHODS)),
    "fcr_window": _one("fcr_window_h", _fcr_window),
    "csat_scale": _one("csat_scale", _csat_scale),
}


# --- finding and loading -----------------------------------------------------------------------

def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """--config PATH, else ./slreport.toml if there is one, else None."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"--config {explicit}: no such file", "check the path, or write one with `slreport init`")
        return path
    found = cwd / CONFIG_NAME
    return found if found.is_file() else None


def load_config(path: Path | None) -> FileConfig | None:
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}:{_syntax_line(exc)}: invalid TOML: {exc}", "fix the TOML syntax") from None
    return _Reader(str(path), text).read(data)


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
                self.fail((), key, f"unknown table [{key}]", "allowed: " + ", ".join(f"[{t}]" for t in TOP_LEVEL))
        defaults = self.policy(("defaults",), self.table(data, "defaults"), COMPANY_KEYS | DEFAULT_ONLY_KEYS)
        companies = {
            name: self.policy(("companies", name), self.table(data["companies"], name, ("companies",)), COMPANY_KEYS)
            for name in self.table(data, "companies")
        }
        return FileConfig(self.path, defaults, companies, self.columns(data), self.outcomes(data))

    def table(self, data: dict[str, Any], key: str, parent: tuple[str, ...] = ()) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(parent, key, f"{key} must be a table", f"write it as [{'.'.join((*parent, key))}]")
        return value

    def policy(self, where: tuple[str, ...], table: dict[str, Any], keys: dict[str, Callable]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in table.items():
            if key not in keys:
                self.fail(where, key, f"unknown key {key!r} in {_header(where)}", "allowed: " + ", ".join(keys))
            try:
                out |= keys[key](value)
            except BadValue as exc:
                self.fail(where, key, f"{_header(where)} {key} = {value!r} is not allowed", f"use {exc}")
        return out

    def columns(self, data: dict[str, Any]) -> dict[str, str]:
        out = {}
        for key, value in self.table(data, "columns").items():
            if key not in MAPPABLE:
                self.fail(("columns",), key, f"unknown column {key!r} in [columns]", "allowed: " + ", ".join(MAPPABLE))
            if not isinstance(value, str) or not value.strip():
                self.fail(("columns",), key, f"[columns] {key} must name a header", f'write {key} = "Header"')
            out[key] = value.strip()
        return out

    def outcomes(self, data: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.table(data, "outcomes").items():
            values = value.split(",") if isinstance(value, str) else value
            if key not in OUTCOMES:
                self.fail(("outcomes",), key, f"unknown outcome {key!r} in [outcomes]",
                          "allowed: " + ", ".join(OUTCOMES))
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                self.fail(("outcomes",), key, f"[outcomes] {key} must list values", f'write {key} = ["VALUE", …]')
            out |= {v.strip().lower(): key for v in values}
        return out

    def fail(self, where: tuple[str, ...], key: str, message: str, hint: str) -> NoReturn:
        line = _line_of(self.lines, where, key)
        raise ConfigError(f"{self.path}:{line or '?'}: {message}", hint)


def _header(where: tuple[str, ...]) -> str:
    return "[" + ".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else f'"{p}"' for p in where) + "]"


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
            if current == where + (key,):  # the key is itself a table, e.g. [oops]
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
    settings = Settings(**values, **fixed, companies=companies, config_file=config.path if config else None)
    hours = hours_policy(settings.opening_hours, settings.holidays_country, settings.companies)
    return replace(settings, hours=hours)


def write_example(path: Path, force: bool) -> None:
    from slreport.safe_paths import check_output_file, umask_mode, write_atomic

    check_output_file(path, [], "init")  # --force replaces a file, never a folder, device or link
    if path.exists() and not force:
        raise UsageError(f"{path} exists", "use --force to overwrite it")
    write_atomic(path, EXAMPLE, umask_mode())


EXAMPLE = """\
# slreport.toml – settings for `slreport analyze` in this folder (or pass --config PATH).
# Options given on the command line override these values, for every company.
# Definitions: docs/fcr-and-targets.md.

[defaults]
service_level = "80/20"        # PERCENT/SECONDS: answered within SECONDS, target PERCENT
sl_method = "negative"         # negative | ignore | positive | answered-only
short_abandon_s = 5            # abandons within this many seconds are short (0 disables)
timezone = "Europe/Helsinki"   # report time zone (IANA name)
fcr_method = "auto"            # flag | repeat | auto (flag when the data has resolved flags)
fcr_window = "72h"             # 24h | 72h | 7d | 30d: a repeat within this time is not resolved
csat_scale = 5                 # CSAT answers are 1..csat_scale; top-two-box = the two highest
# answer_rate_target = 90      # targets (percent) judged for every company unless it sets its own
# abandon_rate_max = 5
# fcr_target = 70
# nps_target = 20
# opening_hours = "mon-fri 08:00-20:00, sat 10:00-14:00"
# holidays_country = "FI"

[companies."Kotikatu Housing"]
service_level = "80/20"
abandon_rate_max = 8

[companies."Nordic Energy"]
service_level = "90/30"
answer_rate_target = 92
opening_hours = "mon-fri 08:00-18:00"

[companies."Perinta Collections"]
service_level = "70/60"
sl_method = "ignore"
fcr_target = 75
nps_target = 10

# Map export headers to canonical columns (like --map) and outcome values (like --outcome).
[columns]
# arrived_at = "Call Start"
# caller = "ANI"

[outcomes]
# abandoned = ["ABANDON", "HANGUP"]
# answered = ["CONNECT"]
"""
