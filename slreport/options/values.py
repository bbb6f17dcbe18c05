"""One parser per option value, shared by the command line and slreport.toml.

A parser takes the value as given — text from the command line, or a TOML string, integer, float
or boolean — and returns what the report uses, or raises ``BadValue`` whose text says what is
allowed. The two front ends word the error their own way around that same text:

    slreport: error: --sl '80%' is not allowed; use "PERCENT/SECONDS" such as "80/20"
    slreport: error: slreport.toml:2: [defaults] service_level = '80%' is not allowed; use "PERCENT/SECONDS" …

``OPTIONS`` names each value once: its command-line flag, its slreport.toml key (if the file may
set it) and the Settings fields it fills.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slreport.errors import UsageError, quoted

FCR_METHODS = ("flag", "repeat", "auto")
FCR_WINDOWS_H = {"24h": 24, "72h": 72, "7d": 168, "30d": 720}
INTERVALS_MIN = (15, 30, 60)


class SlMethod(str, Enum):
    """How abandoned calls enter the service level (see README, "Service level")."""

    NEGATIVE = "negative"
    IGNORE = "ignore"
    POSITIVE = "positive"
    ANSWERED_ONLY = "answered-only"


SL_METHODS = tuple(m.value for m in SlMethod)

class BadValue(ValueError):
    """A value of the wrong shape; the message says what is allowed."""


@dataclass(frozen=True)
class ServiceLevelTarget:
    target_pct: float
    threshold_s: int

    def __str__(self) -> str:
        return f"{self.target_pct:g}/{self.threshold_s}"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def number(low: float, high: float | None = None, *, above_low: bool = False,
           below_high: bool = False) -> Callable[[Any], float]:
    """A number in [low, high] (open at either end when asked; no upper bound when high is None),
    written as a number or as its text."""
    if high is None:
        allowed = f"a number above {low:g}" if above_low else f"a number, {low:g} or more"
    elif not (above_low or below_high):
        allowed = f"a number from {low:g} to {high:g}"
    else:
        allowed = f"a number in {'(' if above_low else '['}{low:g}, {high:g}{')' if below_high else ']'}"

    def parse(value: Any) -> float:
        found = _as_number(value)
        if found is None or found < low or (above_low and found == low) or (high is not None and (
                found > high or (below_high and found == high))):
            raise BadValue(allowed)
        return found

    return parse


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    if text is None or not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    return float(text)


def whole(low: int, high: int | None, allowed: str) -> Callable[[Any], int]:
    """A whole number in [low, high] (no upper bound when high is None)."""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise BadValue(allowed)
        if isinstance(value, int):
            found = value
        elif (text := _text(value)) is not None and re.fullmatch(r"[-+]?\d+", text):
            found = int(text)
        else:
            raise BadValue(allowed)
        if found < low or (high is not None and found > high):
            raise BadValue(allowed)
        return found

    return parse


def choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if text is None or text.lower() not in allowed:
            raise BadValue("one of " + ", ".join(f'"{a}"' for a in allowed))
        return text.lower()

    return parse


_SL_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*([a-z]*)$")
# The threshold's units: seconds when none is written (chat and voice), minutes or hours for
# email and ticket promises ("90/4h": 90 % answered within 4 hours).
THRESHOLD_UNITS = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hr": 3600}


def service_level(value: Any) -> ServiceLevelTarget:
    """ "80/20": 80 % of calls answered within 20 seconds; "90/4h", "80/30min", "80/20s" with a unit."""
    m = _SL_RE.match((_text(value) or "").lower())
    allowed = ('"PERCENT/SECONDS" such as "80/20", or the threshold with a unit s, min or h such as "90/4h" '
               '(PERCENT above 0, at most 100; the threshold a whole number of seconds)')
    if not m or not 0 < float(m.group(1)) <= 100 or m.group(3) not in THRESHOLD_UNITS:
        raise BadValue(allowed)
    seconds = float(m.group(2)) * THRESHOLD_UNITS[m.group(3)]
    if seconds != int(seconds):
        raise BadValue(allowed)
    return ServiceLevelTarget(float(m.group(1)), int(seconds))


def yes_no(value: Any) -> bool:
    """A TOML boolean, or true/false, yes/no, on/off, 1/0 as text."""
    if isinstance(value, bool):
        return value
    text = (_text(value) or "").lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise BadValue("true or false")


def timezone(value: Any) -> str:
    text = _text(value)
    try:
        if not text:
            raise ValueError
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadValue('an IANA time zone such as "Europe/Helsinki" or "UTC"') from None
    return text


def fcr_window(value: Any) -> int:
    """ "7d" → 168 elapsed hours."""
    text = (_text(value) or "").lower()
    if text not in FCR_WINDOWS_H:
        raise BadValue("one of " + ", ".join(f'"{w}"' for w in FCR_WINDOWS_H))
    return FCR_WINDOWS_H[text]


def opening_hours(value: Any) -> str:
    """The opening-hours grammar of options/hours.py, checked by the parser that the report uses."""
    from slreport.options.hours import parse_opening_hours

    text = _text(value)
    try:
        if not text:
            raise UsageError("empty")
        parse_opening_hours(text)
    except UsageError as exc:
        detail = exc.message.split(": ", 1)[1] if ": " in exc.message else exc.message
        raise BadValue(f'days and hours such as "mon-fri 08:00-20:00, sat 10:00-14:00", "daily 08:00-20:00" '
                       f'or "sun closed" ({detail})') from None
    return text


def country(value: Any) -> str:
    """A country code of the `holidays` package, e.g. FI."""
    from slreport.options.hours import check_country

    text = _text(value)
    if not text or not re.fullmatch(r"[A-Za-z]{2,3}", text):
        raise BadValue('a two-letter ISO 3166 country code such as "FI"')
    try:
        return check_country(text)
    except UsageError:
        raise BadValue('a two-letter ISO 3166 country code such as "FI" that the holidays package knows') from None


def interval(value: Any) -> int:
    found = whole(1, None, "15, 30 or 60 (minutes)")(value)
    if found not in INTERVALS_MIN:
        raise BadValue("15, 30 or 60 (minutes)")
    return found


def group_by(value: Any) -> tuple[str, ...]:
    from slreport.schema import GROUPABLE

    cols = tuple(c.strip() for c in (_text(value) or "").split(",") if c.strip())
    if not cols or any(c not in GROUPABLE for c in cols):
        raise BadValue(f"columns from {', '.join(GROUPABLE)}, comma-separated")
    return cols


def memory_limit(value: str | None) -> str | None:
    """--memory-limit checked before any file is read: a bad size is a usage error (exit 2), and only a
    value that passed the size grammar of options/limits.py goes on (engine.connect formats it from the number)."""
    if value is not None:
        from slreport.options.limits import parse_memory_limit

        parse_memory_limit(value)
    return value


seconds = whole(0, None, "a whole number of seconds, 0 or more")
csat_scale = whole(3, 10, "a whole number from 3 to 10 (answers are 1..scale)")
percent = number(0, 100)
nps = number(-100, 100)
top_n = whole(1, None, "a whole number, 1 or more")
unusual_factor = number(1, above_low=True)
max_asa = number(0)
probability = number(0, 1, above_low=True, below_high=True)
occupancy = number(0, 1, above_low=True)
shrinkage = number(0, 1, below_high=True)


@dataclass(frozen=True)
class Option:
    """One option value: how it is written on the command line and in slreport.toml, and what it sets."""

    flag: str  # "--sl"
    key: str | None  # its slreport.toml key; None: command line only
    fields: Callable[[Any], dict[str, Any]]  # the parsed value as Settings fields
    scope: str = "company"  # "company": [defaults] and each [companies."…"]; "defaults": [defaults] only

    def parse(self, value: Any) -> dict[str, Any]:
        """The Settings fields of a command-line value; an error names the flag."""
        try:
            return self.fields(value)
        except BadValue as exc:
            raise UsageError(f"{self.flag} {quoted(value)} is not allowed", f"use {exc}") from None


def _one(name: str, parse: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {name: parse(value)}


def _sl_fields(value: Any) -> dict[str, Any]:
    target = service_level(value)
    return {"target_pct": target.target_pct, "threshold_s": target.threshold_s}


def _sl_method(value: Any) -> dict[str, Any]:
    return {"sl_method": SlMethod(choice(SL_METHODS)(value))}


OPTIONS: tuple[Option, ...] = (
    Option("--sl", "service_level", _sl_fields),
    Option("--sl-method", "sl_method", _sl_method),
    Option("--short-abandon", "short_abandon_s", _one("short_abandon_s", seconds)),
    Option("--answer-rate-target", "answer_rate_target", _one("answer_rate_target", percent)),
    Option("--abandon-rate-max", "abandon_rate_max", _one("abandon_rate_max", percent)),
    Option("--fcr-target", "fcr_target", _one("fcr_target", percent)),
    Option("--nps-target", "nps_target", _one("nps_target", nps)),
    Option("--tz", "timezone", _one("timezone", timezone)),
    Option("--opening-hours", "opening_hours", _one("opening_hours", opening_hours)),
    Option("--holidays-country", "holidays_country", _one("holidays_country", country)),
    Option("--business-hours", "business_hours", _one("business_hours", yes_no)),
    Option("--fcr-method", "fcr_method", _one("fcr_method", choice(FCR_METHODS)), "defaults"),
    Option("--fcr-window", "fcr_window", _one("fcr_window_h", fcr_window), "defaults"),
    Option("--csat-scale", "csat_scale", _one("csat_scale", csat_scale), "defaults"),
    Option("--interval", None, _one("interval_minutes", interval)),
    Option("--top", None, _one("top_n", top_n)),
    Option("--unusual-factor", None, _one("unusual_factor", unusual_factor)),
    Option("--by", None, _one("by", group_by)),
)
BY_FLAG = {o.flag: o for o in OPTIONS}
# The keys of a scoped policy ([companies."X".queues."NAME"], .segments, .channels): a company's,
# but the report's time zone is one per company.
SCOPE_KEYS = {o.key: o for o in OPTIONS if o.key and o.scope == "company" and o.key != "timezone"}
COMPANY_KEYS = {o.key: o for o in OPTIONS if o.key and o.scope == "company"}
DEFAULT_ONLY_KEYS = {o.key: o for o in OPTIONS if o.key and o.scope == "defaults"}


def parse_flag(flag: str, value: Any) -> dict[str, Any]:
    """The Settings fields that ``flag`` given as ``value`` on the command line sets."""
    return BY_FLAG[flag].parse(value)


def checked(flag: str, parse: Callable[[Any], Any], value: Any) -> Any:
    """``parse(value)`` for an option outside OPTIONS (staffing targets, …), erring like them."""
    try:
        return parse(value)
    except BadValue as exc:
        raise UsageError(f"{flag} {quoted(value)} is not allowed", f"use {exc}") from None
