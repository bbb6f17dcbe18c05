"""Opening hours and public holidays: which contacts arrived while the centre was open.

Grammar of an opening-hours text (case-insensitive, spaces free)::

    hours  := rule ("," rule)*
    rule   := days (range+ | "closed")
    days   := day | day "-" day | "daily"          (a range may wrap: fri-mon)
    day    := mon | tue | wed | thu | fri | sat | sun | hol   (hol = a public holiday)
    range  := HH:MM "-" HH:MM                      (00:00 <= start < end <= 24:00)

e.g. ``mon-fri 08:00-20:00, sat 10:00-14:00`` or ``mon-fri 08:00-12:00 13:00-17:00, hol 10:00-14:00``.
Rules add up; a day with no rule is closed. A public holiday of the holidays country follows
the ``hol`` rule only (closed when there is none), whatever its weekday. An opening covers its
start minute up to, not including, its end minute. A contact is *in hours* when the local
minute of its arrival is open. No opening hours and no holidays country: every contact is in
hours. A holidays country without opening hours: open all day except on public holidays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slreport.errors import UsageError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAY = 7  # the day kind of a public holiday; 0..6 are Monday..Sunday
ALL_DAY = ((0, 24 * 60),)
EXAMPLE = "write it like mon-fri 08:00-20:00, sat 10:00-14:00"

_DAYS_RE = re.compile(r"^(daily|[a-z]{3})(?:-([a-z]{3}))?$")
_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class OpeningHours:
    """Parsed opening hours: open (day kind, start minute, end minute) ranges, sorted."""

    text: str
    ranges: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class CompanyHours:
    """A company's opening hours (None: no hours known) and holidays country (ISO code)."""

    hours: OpeningHours | None = None
    holidays_country: str | None = None

    @property
    def configured(self) -> bool:
        return self.hours is not None or self.holidays_country is not None

    def open_ranges(self) -> tuple[tuple[int, int, int], ...]:
        if self.hours is not None:
            return self.hours.ranges
        weekdays = tuple((kind, 0, 24 * 60) for kind in range(7))
        return weekdays if self.holidays_country else weekdays + ((HOLIDAY, 0, 24 * 60),)


@dataclass(frozen=True)
class HoursPolicy:
    """Opening hours per company with a default for the rest (config file or command line)."""

    default: CompanyHours = field(default_factory=CompanyHours)
    by_company: Mapping[str, CompanyHours] = field(default_factory=dict)

    def for_company(self, company: str) -> CompanyHours:
        return self.by_company.get(company, self.default)

    @property
    def configured(self) -> bool:
        return self.default.configured or any(c.configured for c in self.by_company.values())

    def as_json(self) -> dict[str, Any]:
        def one(c: CompanyHours) -> dict[str, Any]:
            return {"hours": c.hours.text if c.hours else None, "holidays_country": c.holidays_country}

        note = None if self.configured else "no opening hours given: every contact counts as in hours"
        return one(self.default) | {"by_company": {k: one(v) for k, v in sorted(self.by_company.items())},
                                     "note": note}


def company_hours(opening_hours: str | None, holidays_country: str | None) -> CompanyHours:
    """Parse the two plain strings of the command line or of a company's config entry."""
    return CompanyHours(
        parse_opening_hours(opening_hours) if opening_hours is not None else None,
        check_country(holidays_country) if holidays_country else None,
    )


def hours_policy(
    opening_hours: str | None, holidays_country: str | None, companies: Mapping[str, Mapping[str, Any]]
) -> HoursPolicy:
    """The policy from the settings: the defaults, and each company's own `opening_hours` /
    `holidays_country` (slreport.toml) where it sets them."""
    by_company = {
        name: company_hours(
            overrides.get("opening_hours", opening_hours),  # type: ignore[arg-type]
            overrides.get("holidays_country", holidays_country),  # type: ignore[arg-type]
        )
        for name, overrides in companies.items()
        if "opening_hours" in overrides or "holidays_country" in overrides
    }
    return HoursPolicy(company_hours(opening_hours, holidays_country), by_company)


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse the grammar above; an error names the bad part of the text."""
    ranges: set[tuple[int, int, int]] = set()
    rules = [r.strip() for r in text.lower().split(",")]
    if not any(rules):
        raise UsageError(f"opening hours {text!r} are empty", EXAMPLE)
    for rule in rules:
        words = rule.split()
        if len(words) < 2:
            raise UsageError(f"opening hours {text!r}: {rule!r} needs days and times", EXAMPLE)
        kinds = _parse_days(text, words[0])
        if words[1:] == ["closed"]:
            continue
        for word in words[1:]:
            start, end = _parse_range(text, word)
            ranges.update((kind, start, end) for kind in kinds)
    return OpeningHours(text.strip(), tuple(sorted(ranges)))


def _parse_days(text: str, word: str) -> list[int]:
    m = _DAYS_RE.match(word)
    names = DAY_NAMES + ("hol",)
    if not m or (m.group(1) != "daily" and m.group(1) not in names) or (m.group(2) and m.group(2) not in DAY_NAMES):
        raise UsageError(
            f"opening hours {text!r}: {word!r} is not a day or day range",
            "days are mon tue wed thu fri sat sun, a range like mon-fri, daily, or hol (public holidays)",
        )
    if m.group(1) == "daily":
        return list(range(7))
    first = names.index(m.group(1))
    if m.group(2) is None:
        return [first]
    if first == HOLIDAY:
        raise UsageError(f"opening hours {text!r}: {word!r}: hol cannot start a day range", EXAMPLE)
    last = DAY_NAMES.index(m.group(2))
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def _parse_range(text: str, word: str) -> tuple[int, int]:
    m = _RANGE_RE.match(word)
    if not m:
        raise UsageError(f"opening hours {text!r}: {word!r} is not a time range HH:MM-HH:MM", EXAMPLE)
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start > 24 * 60 or end > 24 * 60:
        raise UsageError(f"opening hours {text!r}: {word!r} is not a time of day", "use 00:00 to 24:00")
    if start >= end:
        raise UsageError(
            f"opening hours {text!r}: {word!r} ends before it starts",
            "split a range past midnight in two: fri 22:00-24:00, sat 00:00-02:00",
        )
    return start, end


def check_country(code: str) -> str:
    """A holidays country code the `holidays` package knows (e.g. FI, SE, DE, US)."""
    from holidays.registry import EntityLoader

    upper = code.strip().upper()
    # The registry's codes, not a calendar: loading any calendar imports every country module (0.1 s),
    # which the run does later anyway, while DuckDB reads the input (analysis.warm_imports).
    if upper not in set(EntityLoader.get_country_codes()):
        raise UsageError(
            f"unknown holidays country {code!r}", "use an ISO 3166 code such as FI, SE, DE or US"
        )
    return upper


def holiday_countries(policy: HoursPolicy) -> set[str]:
    """Every holidays country in force (the default's and the companies' own)."""
    every = [policy.default, *policy.by_company.values()]
    return {c.holidays_country for c in every if c.holidays_country}


def holiday_dates(country: str, first: date, last: date) -> list[tuple[date, str]]:
    """The public holidays of ``country`` from ``first`` to ``last`` (inclusive), with English names."""
    import holidays

    years = range(first.year, last.year + 1)
    table = holidays.country_holidays(country, years=years)
    if "en_US" in getattr(table, "supported_languages", ()):
        table = holidays.country_holidays(country, years=years, language="en_US")
    return sorted((d, name) for d, name in table.items() if first <= d <= last)


# --- the calendar tables every opening-hours question reads ------------------------------

def create_hours_tables(con: Any, policy: HoursPolicy, tz: str) -> None:
    """``company_days``: one row per company and local day of the period (weekday 0 = Monday,
    holiday, day_kind = 7 on a holiday else the weekday, open = any opening that day);
    ``company_hours``: each company's ``hours_id``, shared by the companies whose opening hours are
    the same; ``open_minutes``: (hours_id, day_kind, minute of day) for every open minute.

    Minutes are listed per distinct opening hours, not per company: 20 000 companies open all week
    were 200 M rows of open minutes, and one set of hours is 10 080 (docs/hardening.md)."""
    from slreport import engine
    from slreport.ingest.sql import quote_literal

    zone = quote_literal(tz)
    companies = [r[0] for r in con.execute("SELECT DISTINCT company FROM contacts ORDER BY 1").fetchall()]
    first, last = engine.one(con, LOCAL_DATE_SPAN_SQL.format(zone=zone))
    con.execute("CREATE OR REPLACE TEMP TABLE company_hours (company VARCHAR, hours_id INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE hours_ranges (hours_id INTEGER, day_kind INTEGER, start_min INTEGER, "
                "end_min INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE holiday_days (company VARCHAR, day DATE, name VARCHAR)")
    ids: dict[tuple[tuple[int, int, int], ...], int] = {}
    assigned = [(c, ids.setdefault(policy.for_company(c).open_ranges(), len(ids))) for c in companies]
    engine.insert_rows(con, "company_hours", assigned)
    engine.insert_rows(con, "hours_ranges", [(i, *r) for ranges, i in ids.items() for r in ranges])
    engine.insert_rows(con, "holiday_days", _company_holidays(policy, companies, first, last))
    con.execute(COMPANY_DAYS_SQL.format(first=_date_sql(first), last=_date_sql(last)))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE open_minutes AS SELECT DISTINCT hours_id, day_kind, "
        "unnest(range(start_min, end_min)) AS minute FROM hours_ranges"
    )


# The first and last local date of an arrival. A later instant never has an earlier local date
# unless the clocks go back across midnight, and never by a day or more: so only arrivals within 24
# hours of the first and the last need converting (at 10 M contacts converting all took 0.9 s).
LOCAL_DATE_SPAN_SQL = """
WITH span AS (SELECT min(arrived_at) AS lo, max(arrived_at) AS hi FROM contacts)
SELECT min(CAST(timezone({zone}, arrived_at) AS DATE)), max(CAST(timezone({zone}, arrived_at) AS DATE))
FROM contacts, span
WHERE arrived_at < lo + INTERVAL 24 HOUR OR arrived_at > hi - INTERVAL 24 HOUR
"""

COMPANY_DAYS_SQL = """
CREATE OR REPLACE TEMP TABLE company_days AS
SELECT k.company, d.day, isodow(d.day) - 1 AS weekday, h.name IS NOT NULL AS holiday, h.name AS holiday_name,
       CASE WHEN h.name IS NOT NULL THEN 7 ELSE isodow(d.day) - 1 END AS day_kind,
       o.day_kind IS NOT NULL AS open
FROM company_hours k
CROSS JOIN (SELECT CAST(s AS DATE) AS day FROM generate_series({first}, {last}, INTERVAL 1 DAY) g(s)) d
LEFT JOIN holiday_days h ON h.company = k.company AND h.day = d.day
LEFT JOIN (SELECT DISTINCT hours_id, day_kind FROM hours_ranges) o
       ON o.hours_id = k.hours_id AND o.day_kind = CASE WHEN h.name IS NOT NULL THEN 7 ELSE isodow(d.day) - 1 END
"""


def _date_sql(d: date | None) -> str:
    return "CAST(NULL AS DATE)" if d is None else f"DATE '{d.isoformat()}'"


def _company_holidays(policy: HoursPolicy, companies: list[str], first: date | None,
                      last: date | None) -> list[tuple[str, date, str]]:
    if first is None or last is None:
        return []
    by_country: dict[str, list[tuple[date, str]]] = {}
    out = []
    for company in companies:
        country = policy.for_company(company).holidays_country
        if country:
            if country not in by_country:
                by_country[country] = holiday_dates(country, first, last)
            out += [(company, d, name) for d, name in by_country[country]]
    return out


def in_hours_sql(policy: HoursPolicy, local: str) -> tuple[str, str]:
    """(the in_hours expression, the joins it needs) for a select over ``contacts c``."""
    if not policy.configured:
        return "TRUE", ""
    joins = (
        f"LEFT JOIN company_days cd ON cd.company = c.company AND cd.day = CAST({local} AS DATE) "
        f"LEFT JOIN company_hours ch ON ch.company = c.company "
        f"LEFT JOIN open_minutes om ON om.hours_id = ch.hours_id AND om.day_kind = cd.day_kind "
        f"AND om.minute = hour({local}) * 60 + minute({local})"
    )
    return "om.minute IS NOT NULL", joins


def holidays_in_period(con: Any) -> list[dict[str, Any]]:
    """The public holidays of the period per company (closed unless the hours have a hol rule)."""
    rows = con.execute(
        "SELECT company, day, holiday_name, open FROM company_days WHERE holiday ORDER BY company, day"
    ).fetchall()
    return [{"company": c, "day": d.isoformat(), "name": n, "open": o} for c, d, n, o in rows]
