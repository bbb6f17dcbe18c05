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
from dataclasses import dataclass, replace
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


COMPARE_HINT = "use previous, last-year or a period (" + PERIOD_HINT.removeprefix("use ") + ")"


def resolve_comparison(text: str, window: Period | None, tz: str, today: date) -> Period:
    """The --compare period for the report period ``window``: ``previous`` (the period of the same
    kind just before: the month before a month, the week before a week, as many days before a day
    range), ``last-year`` (the same month, ISO week or days a year earlier; 29 February → 28
    February) or any --period value."""
    text = text.strip()
    if text not in ("previous", "last-year"):
        try:
            return replace(resolve_period(text, tz, today), name=text)
        except UsageError:
            raise UsageError(f"--compare {text!r} is not a comparison", COMPARE_HINT) from None
    if window is None or window.since is None or window.until is None:
        raise UsageError(f"--compare {text} needs a report period to compare with",
                         "give --period (e.g. --period last-month --compare previous) or --since and --until")
    first, after = window.since.date(), window.until.date()
    whole_days = window.since == midnight(first, tz) and window.until == midnight(after, tz)
    if not whole_days:  # exact bounds: the same span of wall-clock time, a day or a year earlier
        return _shifted_bounds(text, window, tz)
    kind = _kind(window.label, first, after)
    if text == "previous":
        if kind == "month":
            start = (first - timedelta(days=1)).replace(day=1)
            return days_period(text, start.strftime("%Y-%m"), start, first, tz)
        length = after - first
        start = first - length
        label = _week_label(start) if kind == "week" else _days_label(start, first)
        return days_period(text, label, start, first, tz)
    if kind == "month":
        start = first.replace(year=first.year - 1)
        return days_period(text, start.strftime("%Y-%m"), start, _next_month(start), tz)
    if kind == "week":
        year, week, _ = first.isocalendar()
        week = min(week, date(year - 1, 12, 28).isocalendar()[1])  # 2026-W53 → 2025-W52
        start = date.fromisocalendar(year - 1, week, 1)
        return days_period(text, _week_label(start), start, start + timedelta(days=7), tz)
    start, end = _year_before(first), _year_before(after - timedelta(days=1)) + timedelta(days=1)
    return days_period(text, _days_label(start, end), start, end, tz)


def _kind(label: str, first: date, after: date) -> str:
    """month, week (Monday to Monday) or days: what a period is, for its comparison."""
    if first.day == 1 and after == _next_month(first):
        return "month"
    if first.weekday() == 0 and after - first == timedelta(days=7) and "W" in label:
        return "week"
    return "days"


def _days_label(first: date, after: date) -> str:
    last = after - timedelta(days=1)
    return first.isoformat() if last == first else f"{first.isoformat()}..{last.isoformat()}"


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _shifted_bounds(text: str, window: Period, tz: str) -> Period:
    assert window.since is not None and window.until is not None
    zone = ZoneInfo(tz)
    local_since, local_until = window.since.astimezone(zone), window.until.astimezone(zone)
    if text == "previous":
        span = local_until.replace(tzinfo=None) - local_since.replace(tzinfo=None)
        since, until = local_since.replace(tzinfo=None) - span, local_since.replace(tzinfo=None)
    else:
        since = datetime.combine(_year_before(local_since.date()), local_since.time())
        until = datetime.combine(_year_before(local_until.date()), local_until.time())
    lo, hi = since.replace(tzinfo=zone), until.replace(tzinfo=zone)
    return Period(text, f"{lo.date().isoformat()}..{hi.date().isoformat()}", lo, hi)


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
