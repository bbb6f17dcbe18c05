"""The peaks sections: intervals, peaks (top intervals), busy hour, unusual days, outside hours.

Every count is of offered contacts by local arrival (slreport.metrics.peaks, profiles,
unusual_days). On screen they share one block per company ("Peaks: Acme"): each section adds
its lines and tables to it, in the sections' order. Definitions: docs/peaks.md.
"""

from __future__ import annotations

from typing import Any

from slreport.metrics import peaks, profiles
from slreport.metrics import unusual_days as unusual
from slreport.metrics.opening_hours import holidays_in_period
from slreport.metrics.registry import BY_KEY, PEAK_BY_KEY
from slreport.options.hours import parse_opening_hours
from slreport.sections import schema as s
from slreport.sections import words
from slreport.sections.base import Context, Report, Section
from slreport.sections.blocks import Block, ChartSpec, Escape, HtmlBlock, HtmlTable, Item, Lines, Table
from slreport.sections.text import DAY_NAMES, NULL, WEEKDAYS, format_value, num, of, pct, sparkline, weekday_name

BUSY_HOUR_NOTE = ("sliding_60min_by_day: per day, the 60 minutes from an arrival with the most arrivals; "
                  "time_consistent: the clock hour with the highest mean offered per open day over the period")


# --- compute ------------------------------------------------------------------------------

def intervals(ctx: Context) -> dict[str, Any]:
    """Makes the interval table the other peak sections read; the full table goes to files. Past
    intervals.MAX_DENSE_CELLS it holds only the intervals with contacts (``sparse`` says so)."""
    sparse = peaks.create_interval_table(ctx.con, ctx.settings)
    if ctx.tables_wanted:
        ctx.tables["intervals"] = peaks.interval_table(ctx.con)
    return {
        "by_interval_summary": peaks.interval_summary(ctx.con, ctx.settings) | ({"sparse": sparse} if sparse else {}),
        "hour_profile": profiles.hour_profile(ctx.con, ctx.settings),
        "weekday_hour": profiles.weekday_hour(ctx.con, ctx.settings),
    }


def top_intervals(ctx: Context) -> dict[str, Any]:
    return {"peaks": ctx.rows(peaks.top_intervals_sql(ctx.settings.top_n))}


def busy_hour(ctx: Context) -> dict[str, Any]:
    return {
        "busy_hour": {
            "sliding_60min_by_day": ctx.rows(peaks.sliding_busy_hour_sql(ctx.settings.timezone)),
            "time_consistent": peaks.time_consistent_busy_hour(ctx.report["hour_profile"]),
            "note": BUSY_HOUR_NOTE,
        },
        "peak_to_average": peaks.peak_to_average(ctx.con),
    }


def unusual_days(ctx: Context) -> dict[str, Any]:
    return {"unusual_days": unusual.unusual_days(ctx.con, ctx.settings)}


def outside_hours(ctx: Context) -> dict[str, Any]:
    return {"outside_hours": profiles.outside_hours(ctx.con, ctx.settings) | {"holidays": holidays_in_period(ctx.con)}}


# --- text: one block per company ------------------------------------------------------------

def per_company(report: Report, name: Escape, items: Any) -> list[Block]:
    """A "Peaks: company" block per company, holding ``items(report, company)``."""
    if "peaks" not in report:
        return []
    blocks = []
    for row in report["by_company"]:
        company = row["company"]
        found: list[Item] = [i for i in items(report, company) if not isinstance(i, Table) or i.rows]
        blocks.append(Block(f"Peaks: {name(str(company))}", found, merge=f"peaks {company}"))
    return blocks


def intervals_items(report: Report, company: str) -> list[Item]:
    profile = of(report["hour_profile"], company)
    return [Lines([f"hour profile 00-23 (mean offered per open day): "
                   f"{sparkline([r['offered_per_day'] for r in profile])}"])]


def top_items(report: Report, company: str) -> list[Item]:
    minutes = report["by_interval_summary"]["interval_minutes"]
    rows = [[str(r["rank"]), r["interval_start"][:16].replace("T", " "), format_value("offered", r["offered"]),
             pct(r["service_level_pct"]), num(r["asa_s"])] for r in of(report["peaks"], company)]
    return [Table(["#", "Start", "Offered", "SL %", "ASA (s)"], rows, f"Top {minutes}-minute intervals", "llrrr")]


def busiest_window(days: list[dict[str, Any]]) -> dict[str, Any]:
    """The day whose sliding 60 minutes had the most arrivals (the earliest of equals)."""
    return min(days, key=lambda r: (-r["arrivals"], r["window_start"]))


def busy_items(report: Report, company: str) -> list[Item]:
    out = []
    tc = of(report["busy_hour"]["time_consistent"], company)
    if tc:
        t = tc[0]
        out.append(f"time-consistent busy hour {t['hour']:02d}:00-{t['hour'] + 1:02d}:00: "
                   f"{num(t['offered_per_day'])} offered per open day, SL {pct(t['service_level_pct'])} %")
    days = of(report["busy_hour"]["sliding_60min_by_day"], company)
    if days:
        b = busiest_window(days)
        out.append(f"busiest 60 minutes (sliding): {b['window_start'][:16].replace('T', ' ')}"
                   f"-{b['window_end'][11:16]}, {b['arrivals']} arrivals "
                   f"(that day's busiest clock hour, {b['busiest_clock_hour']:02d}:00, "
                   f"had {b['busiest_clock_hour_arrivals']})")
    p2a = of(report["peak_to_average"]["by_company"], company)
    if p2a and p2a[0]["ratio"] is not None:
        p = p2a[0]
        out.append(f"peak/average {p['ratio']:.2f}: peak interval {p['peak_offered']} offered / "
                   f"mean {num(p['mean_offered_per_open_interval'])} per open interval ({p['open_intervals']})")
    return [Lines(out)]


def unusual_items(report: Report, company: str) -> list[Item]:
    found = of(report["unusual_days"]["by_company"], company)
    if not found:
        line = "unusual days: none judged (no open day in the period)"
    else:
        c = found[0]
        line = (f"unusual days: {c['busy_days']} busy, {c['quiet_days']} quiet of {c['judged_days']} judged "
                f"({c['open_days']} open days; a day needs 2+ same weekdays in the 4 weeks before)")
    return [Lines([line]), unusual_table(report, company)]


def unusual_table(report: Report, company: str | None) -> Table:
    k = report["unusual_days"]["factor"]
    rows = [[r["day"], weekday_name(r["weekday"]), r["kind"], format_value("offered", r["offered"]),
             num(r["baseline_offered"]), f"{r['ratio']:.2f}×", pct(r["service_level_pct"])]
            for r in of(report["unusual_days"]["days"], company)]
    labels = [BY_KEY["offered"].label, PEAK_BY_KEY["baseline_offered"].label, PEAK_BY_KEY["ratio"].label]
    return Table(["Day", "Wd", "Kind", *labels, "SL %"], rows, f"Unusual days (k = {k:g}; normal = weekday median)",
                 "lllrrrr")


def outside_items(report: Report, company: str) -> list[Item]:
    oh = report["outside_hours"]
    if not oh["opening_hours_given"]:
        return [Lines(["outside opening hours: no opening hours given, every contact counts as in hours"])]
    row = of(oh["by_company"], company)[0]
    where = "included in" if oh["included_in_service_level"] else "not counted in"
    return [Lines([f"outside opening hours: {row['outside_hours']} of {row['contacts']} contacts "
                   f"({pct(row['share_pct'])} %, {where} service level), by hour {sparkline(row['by_hour'])}"])]


def text_of(items: Any) -> Any:
    return lambda report, name: per_company(report, name, items)


# --- report.html, charts, tables --------------------------------------------------------------

def peaks_html(report: Report) -> list[HtmlBlock]:
    """The busiest intervals of all companies and of each, at local wall time."""
    found = report.get("peaks") or []
    if not found:
        return []
    minutes = report["by_interval_summary"]["interval_minutes"]
    cols = ("offered", "answered", "abandoned", "service_level_pct", "asa_s")
    tz = report["settings"]["timezone"]
    rows = [[words.company(r["company"]), str(r["rank"]), words.interval(r["interval_start"], minutes, tz),
             *(words.value(k, r[k]) for k in cols)] for r in found]
    return [HtmlBlock("Peaks", [HtmlTable(["Company", "#", "Interval (local time)", *(words.label(k) for k in cols)],
                                          rows, text_columns=3)],
                      intro=[f"The {report['settings']['top_n']} {minutes}-minute intervals with the most calls "
                             "offered, for all companies together and for each company."], anchor="peaks")]


def busy_hour_html(report: Report) -> list[HtmlBlock]:
    """Per company: the clock hour that is busiest on average, the busiest 60 minutes of any day, and
    how far the peak interval stands above the mean."""
    if "busy_hour" not in report:
        return []
    found = [_busy_row(report, c) for c in [None, *(r["company"] for r in report["by_company"])]]
    rows = [r for r in found if r]
    if not rows:
        return []
    headers = ["Company", "Busiest clock hour (calls per open day)", "Its SL %", "Busiest 60 minutes of any day",
               "Calls in them", "Peak interval ÷ mean"]
    return [HtmlBlock("Busy hour", [HtmlTable(headers, rows, text_columns=2)], anchor="busy-hour", intro=[
        "The busiest clock hour is the hour of the day with the most calls offered on an average open day; the "
        "busiest 60 minutes may start at any minute. Peak ÷ mean compares the busiest interval with the mean of "
        "all open intervals."])]


def _busy_row(report: Report, company: str | None) -> list[str] | None:
    tc = of(report["busy_hour"]["time_consistent"], company)
    days = of(report["busy_hour"]["sliding_60min_by_day"], company)
    p2a = of(report["peak_to_average"]["by_company"], company)
    if not tc and not days:
        return None
    hour = (f"{tc[0]['hour']:02d}:00–{tc[0]['hour'] + 1:02d}:00 ({num(tc[0]['offered_per_day'])})" if tc
            else NULL)
    best = busiest_window(days) if days else None
    return [words.company(company), hour, pct(tc[0]["service_level_pct"]) if tc else NULL,
            words.span(best["window_start"], best["window_end"]) if best else NULL,
            words.count(best["arrivals"]) if best else NULL,
            words.value("ratio", p2a[0]["ratio"]) if p2a else NULL]


def unusual_html(report: Report) -> list[HtmlBlock]:
    """Unusual days (busy or quiet against the weekday's recent median), and how many days were judged."""
    section = report.get("unusual_days")
    if not section or not section["by_company"]:
        return []
    k = section["factor"]
    cols = ("offered", "baseline_offered", "ratio", "service_level_pct", "answer_rate_pct", "abandon_rate_pct",
            "asa_s")
    rows = [[words.company(r["company"]), words.day(r["day"]), r["kind"], *(words.value(c, r.get(c)) for c in cols)]
            for r in section["days"]]
    judged = [f"{words.company(c['company'])}: {c['busy_days']} busy and {c['quiet_days']} quiet of "
              f"{c['judged_days']} days judged ({c['open_days']} open days)" for c in section["by_company"]]
    intro = [f"A day is busy when its calls offered are over {k:g} × its normal, quiet when under normal ÷ {k:g}; "
             "normal is the median of the same weekday in the 4 weeks before (a day needs 2 of them to be judged)."]
    if not rows:
        intro.append("No unusual days in this period.")
    headers = ["Company", "Day", "Kind", *(words.label(c) for c in cols)]
    tables = [HtmlTable(headers, rows, text_columns=3)] if rows else []
    return [HtmlBlock("Unusual days", tables, intro=intro, lines=judged, anchor="unusual-days")]


def outside_html(report: Report) -> list[HtmlBlock]:
    """Contacts outside opening hours: how many, excluded from what, and why."""
    oh = report.get("outside_hours")
    if not oh:
        return []
    if not oh["opening_hours_given"]:
        return [HtmlBlock("Contacts outside opening hours", anchor="outside-hours", intro=[
            "No opening hours were given (--opening-hours or opening_hours in slreport.toml): every contact counts "
            "as arriving while open."])]
    total = of(oh["by_company"], None)
    intro = [_outside_sentence(report, total[0] if total else None, oh["included_in_service_level"])]
    hours = _opening_hours_by_company(report)
    rows = [[words.company(r["company"]), hours.get(r["company"], NULL), words.count(r["contacts"]),
             words.count(r["outside_hours"]), pct(r["share_pct"]), words.count(r["outside_hours_answered"])]
            for r in oh["by_company"]]
    headers = ["Company", "Opening hours", "Contacts", "Outside opening hours", "Share %", "Answered anyway"]
    closed = sorted({(h["day"], h["name"]) for h in oh.get("holidays") or [] if not h.get("open")})
    lines = [f"{words.day(d)}: {name} (closed)" for d, name in closed]
    return [HtmlBlock("Contacts outside opening hours", [HtmlTable(headers, rows, text_columns=2)], intro=intro,
                      subheadings=[("Public holidays in the period", lines)] if lines else [],
                      anchor="outside-hours")]


def _outside_sentence(report: Report, total: dict[str, Any] | None, included: bool) -> str:
    if total is None:
        return "No contacts."
    offered = report["summary"]["offered"]
    where = ("They are included in the service level and every other figure, as --include-closed asks."
             if included else
             f"They are left out of the service level and of every other figure of this report (the "
             f"{words.count(offered)} calls offered are those that arrived while open), because a call that "
             "arrives while the company is closed cannot be answered; they are counted here instead.")
    return (f"{words.count(total['outside_hours'])} of {words.count(total['contacts'])} contacts "
            f"({pct(total['share_pct'])} %) arrived while the company was closed (outside its opening hours or on a "
            f"public holiday). {where}")


def _opening_hours_by_company(report: Report) -> dict[str | None, str]:
    found: dict[str | None, str] = {c["company"]: str(c.get("opening_hours") or "always open")
                                    for c in report["settings"].get("companies", [])}
    shared = set(found.values())
    found[None] = shared.pop() if len(shared) == 1 else "each company's own"
    return found


def weekday_hour_matrix(report: Report, company: str | None) -> list[list[Any]] | None:
    """7 × 24 mean calls offered per day, Monday first, from ``weekday_hour`` rows
    (weekday "mon"…"sun", offered_per_day: 24 values)."""
    rows = {r["weekday"]: r for r in of(report.get("weekday_hour", []), company)}
    if not rows or not any(any(r["offered_per_day"]) for r in rows.values()):
        return None
    return [list(rows[d]["offered_per_day"]) if d in rows else [None] * 24 for d in DAY_NAMES]


def weekday_hour_html(report: Report) -> list[HtmlBlock]:
    """The average week for all companies: mean calls offered per weekday and hour, over the hours
    that have any calls (the night before the first and after the last says nothing)."""
    matrix = weekday_hour_matrix(report, None)
    if matrix is None:
        return []
    busy = [h for h in range(24) if any(row[h] for row in matrix)]
    hours = range(busy[0], busy[-1] + 1)
    rows = [[WEEKDAYS[i], *(NULL if row[h] is None else f"{row[h]:.1f}" for h in hours)]
            for i, row in enumerate(matrix)]
    return [HtmlBlock("Average week" + (" (all companies)" if len(report["by_company"]) > 1 else ""),
                      [HtmlTable(["Weekday", *(f"{h:02d}" for h in hours)], rows)], anchor="average-week",
                      intro=["Mean calls offered per day, by weekday and hour of arrival (local time; the column is "
                             "the hour starting then)."])]


def open_hours(report: Report, company: str | None) -> tuple[set[int], str]:
    """The hours of day (0–23) in the opening hours of a company (None: of any company with
    contacts), and their text; no hours and "" when none are given (open all day)."""
    policies = [c for c in report["settings"].get("companies", [])
                if (c["company"] == company if company is not None else c.get("in_data", True))]
    texts = sorted({c["opening_hours"] for c in policies if c.get("opening_hours")})
    if not texts or any(not c.get("opening_hours") for c in policies):  # one open all day: all hours are
        return set(), ""
    hours = {h for text in texts for kind, start, end in parse_opening_hours(text).ranges if kind < 7
             for h in range(start // 60, -(-end // 60))}
    return hours, texts[0] if len(texts) == 1 else "the companies' opening hours"


def heatmap_view(report: Report, company: str | None) -> dict[str, Any] | None:
    """What the weekday × hour heat map shows: the weekdays with calls (the others are named in
    the subtitle), and the hours from the first to the last that has calls or is open (the
    empty night says nothing; the x label says which hours). None with calls on fewer than two
    weekdays: one row is the hourly chart again."""
    matrix = weekday_hour_matrix(report, company)
    if matrix is None:
        return None
    busy_days = [d for d, row in enumerate(matrix) if any(row)]
    if len(busy_days) < 2:
        return None
    busy_hours = {h for row in matrix for h, v in enumerate(row) if v}
    opening, text = open_hours(report, company)
    shown = busy_hours | opening
    first, last = min(shown), max(shown)
    hours = list(range(first, last + 1))
    span = f"{first:02d}–{last:02d} shown"
    if len(hours) == 24:
        note = ""
    elif not opening:
        note = f"{span}: the hours with calls"
    elif busy_hours <= opening:
        note = f"{span}: opening hours {text}"
    else:
        note = f"{span}: opening hours {text} and the hours with calls"
    quiet = [WEEKDAYS[d] for d in range(7) if d not in busy_days]
    return {"matrix": [matrix[d][first: last + 1] for d in busy_days], "hours": hours, "hours_note": note,
            "weekdays": [WEEKDAYS[d] for d in busy_days],
            "subtitle": f"no calls on {', '.join(quiet)}" if quiet else ""}


def intervals_charts(report: Report, company: str | None) -> list[ChartSpec]:
    if (view := heatmap_view(report, company)) is None:
        return []
    return [ChartSpec("weekday-hour", "calls offered by weekday and hour", "weekday_hour_heatmap", (view["matrix"],),
                      {"unit": "calls per hour (mean)", "hours": view["hours"], "weekdays": view["weekdays"],
                       "hours_note": view["hours_note"]}, note=view["subtitle"])]


def intervals_tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    return ({"hour_profile": report["hour_profile"]} if report.get("hour_profile") else {}) | {
        "intervals": extra["intervals"]}


def rows_of(key: str, inner: str | None = None) -> Any:
    """The table-file view of a report key's rows (``inner``: the rows are under that key of it)."""
    def tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
        found: Any = report.get(key)
        if inner and found:
            found = found.get(inner)
        return {key: found} if found else {}
    return tables


def unusual_tables(report: Report, extra: dict[str, Any]) -> dict[str, Any]:
    """The unusual days as a table file, weekdays named as in every table file ("Wed"; the
    JSON keeps its "wed")."""
    days = rows_of("unusual_days", "days")(report, extra).get("unusual_days")
    return {"unusual_days": [row | {"weekday": weekday_name(row["weekday"])} for row in days]} if days else {}


# --- the sections -------------------------------------------------------------------------

SL_COLUMNS: dict[str, Any] = dict(offered=s.COUNT, answered=s.COUNT, abandoned=s.COUNT, service_level_pct=s.PCT,
                                  asa_s=s.SECONDS)
COMPANY_ROW: dict[str, Any] = dict(company=s.COMPANY)

INTERVALS = Section(
    "intervals", "Intervals", ("by_interval_summary", "hour_profile", "weekday_hour"), doc="docs/peaks.md",
    schema={
        "by_interval_summary": s.obj(["describes", "interval_minutes", "rows", "by_company"],
                                     "the interval table (written in full to files), summarised per company",
                                     interval_minutes={"enum": [15, 30, 60]}, rows=s.COUNT,
                                     sparse=s.obj(["dense_cells", "max_dense_cells"],
                                                  "past max_dense_cells company × interval cells, only the "
                                                  "intervals with contacts have rows"),
                                     by_company=s.rows(s.obj(["company", "intervals", "open_intervals"],
                                                             **COMPANY_ROW))),
        "hour_profile": s.rows(s.obj(["company", "hour", "open_days", "offered_per_day"], **COMPANY_ROW,
                                     hour={"type": "integer", "minimum": 0, "maximum": 23},
                                     offered_per_day={"type": ["number", "null"], "minimum": 0}),
                               "mean offered per open day by hour of day"),
        "weekday_hour": s.rows(s.obj(["company", "weekday", "days", "offered_per_day"], **COMPANY_ROW,
                                     weekday={"enum": list(DAY_NAMES)},
                                     offered_per_day={"type": "array", "minItems": 24, "maxItems": 24}),
                               "mean offered per day by weekday × hour"),
    },
    required=("by_interval_summary", "hour_profile", "weekday_hour"), compute=intervals,
    text=text_of(intervals_items), html=weekday_hour_html, charts=intervals_charts, tables=intervals_tables,
)
PEAKS = Section(
    "peaks", "Peaks", ("peaks",), doc="docs/peaks.md",
    schema={"peaks": s.rows(s.obj(["company", "rank", "interval_start", "day", *SL_COLUMNS], **COMPANY_ROW,
                                  rank={"type": "integer", "minimum": 1}, interval_start=s.LOCAL_TIME, day=s.DAY,
                                  **SL_COLUMNS),
                            "the --top N intervals with most offered per company (null = all)")},
    required=("peaks",), compute=top_intervals, text=text_of(top_items), html=peaks_html, tables=rows_of("peaks"),
)
BUSY_HOUR = Section(
    "busy_hour", "Busy hour", ("busy_hour", "peak_to_average"), doc="docs/peaks.md",
    schema={
        "busy_hour": s.obj(["sliding_60min_by_day", "time_consistent", "note"],
                           sliding_60min_by_day=s.rows(s.obj(["company", "day", "window_start", "window_end",
                                                              "arrivals"], **COMPANY_ROW)),
                           time_consistent=s.rows(s.obj(["company", "hour", "offered_per_day"], **COMPANY_ROW)),
                           note={"type": "string"}),
        "peak_to_average": s.obj(["denominator", "by_company"], by_company=s.rows(s.obj(
            ["company", "peak_offered", "open_intervals", "ratio"], **COMPANY_ROW,
            ratio={"type": ["number", "null"], "minimum": 0}))),
    },
    required=("busy_hour", "peak_to_average"), compute=busy_hour, text=text_of(busy_items), html=busy_hour_html,
)
UNUSUAL_DAYS = Section(
    "unusual_days", "Unusual days", ("unusual_days",), doc="docs/peaks.md",
    schema={"unusual_days": s.obj(
        ["factor", "baseline", "by_company", "days"], "days far above or below their weekday's recent median",
        factor={"type": "number", "exclusiveMinimum": 1}, baseline={"type": "string"},
        by_company=s.rows(s.obj(["company", "open_days", "judged_days", "busy_days", "quiet_days"], **COMPANY_ROW)),
        days=s.rows(s.obj(["company", "day", "weekday", "kind", "offered", "baseline_offered", "ratio"],
                          **COMPANY_ROW, day=s.DAY, kind={"enum": ["busy", "quiet"]})))},
    required=("unusual_days",), compute=unusual_days, text=text_of(unusual_items), html=unusual_html,
    tables=unusual_tables,
)
OUTSIDE_HOURS = Section(
    "outside_hours", "Outside opening hours", ("outside_hours",), doc="docs/peaks.md",
    schema={"outside_hours": s.obj(
        ["opening_hours_given", "included_in_service_level", "by_company", "holidays"],
        "contacts that arrived outside opening hours (and the public holidays of the period)",
        opening_hours_given={"type": "boolean"}, included_in_service_level={"type": "boolean"},
        by_company=s.rows(s.obj(["company", "contacts", "outside_hours", "share_pct", "by_hour"], **COMPANY_ROW,
                                share_pct=s.PCT, by_hour={"type": "array", "minItems": 24, "maxItems": 24})),
        holidays=s.rows(s.obj(["company", "day", "name", "open"], day=s.DAY)))},
    required=("outside_hours",), compute=outside_hours, text=text_of(outside_items), html=outside_html,
)
