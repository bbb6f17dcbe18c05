"""Report periods for scheduled runs: `--period last-week`, `--since/--until`.

A period is a half-open window of instants [since, until) whose ends are local midnights
(or the exact bounds given) in the report time zone, so a week across a DST change is 167 or
169 hours long, as the wall clock says. "today" comes from ``today_in`` — SLREPORT_TODAY when
set (tests, re-runs of a missed night), else the machine clock — and only in the CLI: the
report itself shows the resolved bounds, never the time it ran.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slreport.errors import UsageError

NAMED = ("today", "yesterday", "this-week", "last-week", "this-month", "last-month")
PERIOD_HINT = (
    "use today, yesterday, this-week, last-week, this-month, last-month, YYYY-MM, YYYY-MM-DD "
    "or YYYY-MM-DD..YYYY-MM-DD"
)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Period:
    """Arrivals counted: since <= arrived_at < until (either end may be open)."""

    name: str  # what was asked: "last-week", "2024-03", "since/until"
    label: str  # for folder names: "2024-03-25", "2024-W13", "2024-03", "2024-03-01..2024-03-07"
    since: datetime | None
    until: datetime | None

    def window(self) -> tuple[str | None, str | None]:
        """The bounds as ISO-8601 instants with offset (for the reader's SQL filter)."""
        return (_iso(self.since), _iso(self.until))

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "label": self.label, "since": _iso(self.since), "until": _iso(self.until)}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def today_in(tz: str) -> date:
    """Today's date in the report time zone; SLREPORT_TODAY=YYYY-MM-DD overrides the clock."""
    forced = os.environ.get("SLREPORT_TODAY")
    if forced:
        return _parse_date(forced, "SLREPORT_TODAY")
    return datetime.now(ZoneInfo(tz)).date()


def midnight(day: date, tz: str) -> datetime:
    """The instant the local calendar day begins (aware, in the report time zone)."""
    return datetime.combine(day, time(0), ZoneInfo(tz))


def days_period(name: str, label: str, first: date, after_last: date, tz: str) -> Period:
    return Period(name, label, midnight(first, tz), midnight(after_last, tz))


def resolve_period(text: str, tz: str, today: date) -> Period:
    """Turn a --period value into bounds in ``tz``; ``today`` is the local date of the run."""
    text = text.strip()
    if text in NAMED:
        return _named(text, tz, today)
    if m := _MONTH.match(text):
        first = _checked_date(int(m.group(1)), int(m.group(2)), 1, text)
        return days_period(text, text, first, _next_month(first), tz)
    if _DAY.match(text):
        day = _parse_date(text, "--period")
        return days_period(text, text, day, day + timedelta(days=1), tz)
    lo, sep, hi = text.partition("..")
    if sep and _DAY.match(lo) and _DAY.match(hi):
        first, last = _parse_date(lo, "--period"), _parse_date(hi, "--period")
        if last < first:
            raise UsageError(f"--period {text!r} ends before it starts", "write the earlier date first")
        return days_period(text, text, first, last + timedelta(days=1), tz)
    raise UsageError(f"--period {text!r} is not a period", PERIOD_HINT)


def _named(name: str, tz: str, today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    if name == "today":
        return days_period(name, today.isoformat(), today, today + timedelta(days=1), tz)
    if name == "yesterday":
        day = today - timedelta(days=1)
        return days_period(name, day.isoformat(), day, today, tz)
    if name == "this-week":
        return days_period(name, _week_label(monday), monday, monday + timedelta(days=7), tz)
    if name == "last-week":
        start = monday - timedelta(days=7)
        return days_period(name, _week_label(start), start, monday, tz)
    if name == "this-month":
        return days_period(name, month.strftime("%Y-%m"), month, _next_month(month), tz)
    start = (month - timedelta(days=1)).replace(day=1)  # last-month
    return days_period(name, start.strftime("%Y-%m"), start, month, tz)


def _week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _checked_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UsageError(f"--period {text!r} is not a real date", PERIOD_HINT) from None


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date", "write it as YYYY-MM-DD") from None


def parse_bound(text: str, tz: str, option: str) -> datetime:
    """--since/--until: a date (local midnight) or a timestamp (local when it has no offset)."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date or time", f"write it like {option} 2024-03-01 or 2024-03-01T08:00+02:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment


def resolve_window(
    period: str | None, since: str | None, until: str | None, tz: str, today: date | None = None
) -> Period | None:
    """The period asked for on the command line, or None for "every arrival in the input"."""
    if period and (since or until):
        raise UsageError("--period cannot be combined with --since/--until", "use one or the other")
    if period:
        return resolve_period(period, tz, today or today_in(tz))
    if not (since or until):
        return None
    lo = parse_bound(since, tz, "--since") if since else None
    hi = parse_bound(until, tz, "--until") if until else None
    if lo and hi and hi <= lo:
        raise UsageError(f"--until {until} is not after --since {since}", "--until is exclusive: give a later time")
    label = f"{lo.date().isoformat() if lo else ''}..{hi.date().isoformat() if hi else ''}"
    return Period("since/until", label, lo, hi)
