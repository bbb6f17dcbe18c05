"""Charts for report folders and report.html: the only module that imports matplotlib.

Every drawing function takes plain Python inputs (lists, a matrix, numbers, a title and a
"when" line) and returns the chart as bytes in the asked format (png or svg), so the report
sections (slreport/sections/, through slreport/folder/figures.py) and the tests can feed them
without a report at hand. matplotlib is imported lazily, with the Agg backend and no pyplot state,
and never prints: its warnings while drawing (a glyph missing from the font for a CJK or emoji
name, a layout that does not fit) are dropped, not written to stderr, where cron would mail them.
Text is drawn as it is written: ``$`` is a dollar sign, never mathtext. Names reach these
functions already made safe by ``slreport.names.chart_label`` (figures.py and the sections).

Readability rules applied to every chart: a bold title saying what, a second line saying
when, axes labelled with units, the service-level target drawn, the Okabe–Ito colour-blind
safe palette, legends outside the plot area (nothing drawn over the data), thinned tick
labels so they never overlap.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from datetime import date
from typing import Any

from slreport.sections.text import WEEKDAYS

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
VOLUME = OKABE_ITO["sky"]
SERVICE_LEVEL = OKABE_ITO["blue"]
TARGET = OKABE_ITO["vermillion"]
ANSWERED = OKABE_ITO["blue"]
ABANDONED = OKABE_ITO["vermillion"]
MARK = OKABE_ITO["orange"]
FORMATS = ("png", "svg")
WIDTH_IN = 9.0


def _figure(height_in: float = 4.2) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit, works under cron
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.fonttype": "none",  # text stays text in SVG: small, searchable, sharp when printed
        "svg.hashsalt": "slreport",  # stable element ids: same data, same bytes
        "text.parse_math": False,  # "$x^2$ Oy" is a company, not a formula
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _titles(fig: Any, ax: Any, title: str, when: str) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    if when:
        ax.set_title(when, loc="left", fontsize=9, color="#444444")


def _bytes(fig: Any, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"chart format {fmt!r}: choose from {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with warnings.catch_warnings():
        # "Glyph … missing from font(s)" once per character and chart, 72 lines for a few names
        # (the box drawn instead says the same); a collapsed layout still gives a chart.
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()


def _nan(values: Sequence[float | None]) -> list[float]:
    """None (no calls, so no service level) becomes a gap in a line, never a 0."""
    return [math.nan if v is None else float(v) for v in values]


def _target_line(ax: Any, target_pct: float | None) -> None:
    if target_pct is not None:
        ax.axhline(target_pct, color=TARGET, linestyle="--", linewidth=1.4, label=f"SL target {target_pct:g} %")


def _sl_axis(ax: Any) -> Any:
    sl = ax.twinx()
    sl.set_ylim(0, 105)
    sl.set_ylabel("service level (%)")
    sl.spines["right"].set_visible(True)
    return sl


def _patch(colour: str, label: str, hatch: str | None = None) -> Any:
    """A legend entry for bars drawn one by one (an empty bar would lose its colour)."""
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="white", hatch=hatch, label=label)


def _legend(fig: Any, *axes: Any, extra: Sequence[Any] = ()) -> None:
    handles, labels = [], []
    for artist in extra:
        handles.append(artist)
        labels.append(artist.get_label())
    for ax in axes:
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 4), frameon=False)


def _thin_ticks(ax: Any, labels: Sequence[str], max_labels: int = 16) -> None:
    # About 90 characters of labels fit under a chart: fewer, longer labels ("Mon 08:00").
    longest = max((len(label) for label in labels), default=1)
    max_labels = max(2, min(max_labels, 90 // (longest + 2)))
    step = max(1, math.ceil(len(labels) / max_labels))
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i] for i in range(0, len(labels), step)])


def hourly_offered_sl(
    hours: Sequence[int], offered: Sequence[int], sl_pct: Sequence[float | None], target_pct: float | None,
    title: str, when: str = "", fmt: str = "svg",
) -> bytes:
    """(1) Calls offered per hour of day as bars, service level as a line against the target."""
    fig = _figure()
    ax = fig.add_subplot()
    x = list(range(len(hours)))
    ax.bar(x, offered, color=VOLUME, label="calls offered")
    ax.set_xlabel("hour of day (local time, hour starting)")
    ax.set_ylabel("calls offered")
    _thin_ticks(ax, [f"{h:02d}" for h in hours], 24)
    sl = _sl_axis(ax)
    sl.plot(x, _nan(sl_pct), color=SERVICE_LEVEL, marker="o", markersize=4, linewidth=2, label="service level")
    _target_line(sl, target_pct)
    _titles(fig, ax, title, when)
    _legend(fig, ax, sl)
    return _bytes(fig, fmt)


def daily_offered_sl(
    days: Sequence[str], offered: Sequence[int], sl_pct: Sequence[float | None], target_pct: float | None,
    title: str, when: str = "", unusual: Sequence[str] = (), fmt: str = "svg",
) -> bytes:
    """(2) Calls offered per day as bars and the day's service level, unusual days marked."""
    fig = _figure()
    ax = fig.add_subplot()
    x = list(range(len(days)))
    odd = set(unusual)
    colours = [MARK if d in odd else VOLUME for d in days]
    ax.bar(x, offered, color=colours, label="calls offered")
    ax.set_xlabel("day (local date)")
    ax.set_ylabel("calls offered")
    _day_ticks(ax, days)
    sl = _sl_axis(ax)
    sl.plot(x, _nan(sl_pct), color=SERVICE_LEVEL, marker="o", markersize=3, linewidth=1.6, label="service level")
    _target_line(sl, target_pct)
    _titles(fig, ax, title, when)
    _legend(fig, ax, sl, extra=[_patch(MARK, "unusual day")] if odd & set(days) else [])
    return _bytes(fig, fmt)


def _day_ticks(ax: Any, days: Sequence[str]) -> None:
    """Labels that never collide: every day up to 16 days (on two lines past ten days), else
    Mondays only (week starts) with an unlabelled tick for every day."""
    if len(days) <= 16:
        ticks = list(range(len(days)))
    else:
        ticks = [i for i, d in enumerate(days) if date.fromisoformat(d[:10]).weekday() == 0] or [0]
        ticks = ticks[:: max(1, math.ceil(len(ticks) / 12))]
        if len(days) <= 62:
            ax.set_xticks(range(len(days)), minor=True)
    separator = "\n" if 10 < len(days) <= 16 else " "
    ax.set_xticks(ticks)
    ax.set_xticklabels([_day_label(days[i], separator) for i in ticks])


def _day_label(iso_day: str, separator: str = " ") -> str:
    day = date.fromisoformat(iso_day[:10])
    return f"{WEEKDAYS[day.weekday()]}{separator}{day.day}.{day.month}."


def weekday_hour_heatmap(
    matrix: Sequence[Sequence[float | None]], title: str, when: str = "", unit: str = "calls offered",
    hours: Sequence[int] = tuple(range(24)), fmt: str = "svg",
) -> bytes:
    """(3) Weekday (rows, Monday first) × hour of day (columns); None cells are left blank."""
    import numpy as np

    fig = _figure(3.6)
    ax = fig.add_subplot()
    data = np.ma.masked_invalid(np.array([_nan(row) for row in matrix], dtype=float))
    image = ax.imshow(data, aspect="auto", cmap="cividis", interpolation="nearest")
    ax.set_yticks(range(len(matrix)))
    ax.set_yticklabels(WEEKDAYS[: len(matrix)])
    _thin_ticks(ax, [f"{h:02d}" for h in hours], 24)
    ax.set_xlabel("hour of day (local time, hour starting)")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.01)
    bar.set_label(unit)
    _titles(fig, ax, title, when)
    return _bytes(fig, fmt)


def wait_distribution(
    from_s: Sequence[int], answered: Sequence[int], abandoned: Sequence[int], threshold_s: int | None,
    title: str, when: str = "", bin_s: int = 5, fmt: str = "svg",
) -> bytes:
    """(4a) How long answered and abandoned calls waited, in bins of ``bin_s`` seconds (the
    last bin may be the overflow, marked "+"), with the service-level threshold marked."""
    fig = _figure()
    ax = fig.add_subplot()
    keep, hidden = _visible_bins(answered, abandoned, from_s, threshold_s, bin_s)
    left = [from_s[i] for i in keep]
    ax.bar(left, [answered[i] for i in keep], width=bin_s * 0.9, align="edge", color=ANSWERED, label="answered")
    ax.bar(left, [abandoned[i] for i in keep], width=bin_s * 0.9, align="edge", color=ABANDONED,
           bottom=[answered[i] for i in keep], label="abandoned")
    if threshold_s is not None:
        ax.axvline(threshold_s, color=OKABE_ITO["black"], linestyle="--", linewidth=1.4,
                   label=f"SL threshold {threshold_s} s")
    note = f"; {hidden:,} longer waits not shown".replace(",", " ") if hidden else ""
    ax.set_xlabel(f"wait before answer or hang-up (seconds, {bin_s}-second bins{note})")
    ax.set_ylabel("calls")
    ax.set_xlim(0, max(left[-1] + bin_s, (threshold_s or 0) + bin_s))
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return _bytes(fig, fmt)


def _visible_bins(
    answered: Sequence[int], abandoned: Sequence[int], from_s: Sequence[int], threshold_s: int | None, bin_s: int,
    share: float = 0.99,
) -> tuple[range, int]:
    """Bins up to where 99 % of the calls are (and at least past the threshold): a long thin
    tail would squeeze the part that matters into a corner. Returns the bins and how many
    calls the hidden tail holds, which the axis label states."""
    totals = [a + b for a, b in zip(answered, abandoned, strict=True)]
    whole, running, last = sum(totals), 0, 0
    for i, n in enumerate(totals):
        running += n
        last = i
        if whole and running >= share * whole:
            break
    while threshold_s is not None and last + 1 < len(totals) and from_s[last] + bin_s <= threshold_s:
        last += 1
    return range(last + 1), sum(totals[last + 1:])


def patience_curve(
    points: Sequence[tuple[float, float]], median_s: float | None, title: str, when: str = "", fmt: str = "svg",
) -> bytes:
    """(4b) Share of callers still willing to wait (percent) after t seconds, median marked."""
    fig = _figure(3.8)
    ax = fig.add_subplot()
    ax.step([p[0] for p in points], [p[1] for p in points], where="post", color=SERVICE_LEVEL, linewidth=2,
            label="callers still waiting")
    if median_s is not None:
        ax.axvline(median_s, color=TARGET, linestyle="--", linewidth=1.4, label=f"median patience {median_s:g} s")
    ax.set_ylim(0, 105)
    ax.set_xlim(left=0)
    ax.set_xlabel("time in queue (seconds)")
    ax.set_ylabel("callers not yet hung up (%)")
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return _bytes(fig, fmt)


def agents_needed_vs_seen(
    rows: Sequence[tuple[str, float | None, float | None]], title: str, when: str = "", fmt: str = "svg",
    xlabel: str = "interval (local time, start)",
) -> bytes:
    """(5) Per interval (label, agents needed, agents seen): two step lines, shortfall shaded."""
    import numpy as np

    fig = _figure()
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    needed = np.array(_nan([r[1] for r in rows]))
    seen = np.array(_nan([r[2] for r in rows]))
    ax.step(x, needed, where="mid", color=TARGET, linewidth=2, label="agents needed for the target")
    ax.step(x, seen, where="mid", color=SERVICE_LEVEL, linewidth=2, label="agents seen handling calls")
    short = np.nan_to_num(needed) > np.nan_to_num(seen)
    ax.fill_between(x, seen, needed, where=short, step="mid", color=MARK, alpha=0.35, label="shortfall")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    _thin_ticks(ax, [r[0] for r in rows])
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return _bytes(fig, fmt)


def company_sl_overview(
    companies: Sequence[str], sl_pct: Sequence[float | None], offered: Sequence[int], target_pct: float | None,
    title: str, when: str = "", top_n: int = 30, fmt: str = "svg",
) -> bytes:
    """Overview for many companies: service level per company, lowest first (the ones to look
    at), met in blue and missed in vermillion with a hatch (not colour alone), target drawn."""
    ranked = sorted(zip(companies, sl_pct, offered, strict=True), key=lambda r: (r[1] is not None, r[1] or 0))
    shown = ranked[:top_n]
    fig = _figure(max(2.4, 0.9 + 0.28 * len(shown)))
    ax = fig.add_subplot()
    y = list(range(len(shown)))[::-1]
    for yi, (_, sl, _) in zip(y, shown, strict=True):
        missed = target_pct is not None and sl is not None and sl < target_pct
        ax.barh(yi, sl or 0, color=TARGET if missed else SERVICE_LEVEL, hatch="//" if missed else None,
                edgecolor="white", height=0.7)
        _bar_label(ax, sl, yi, TARGET if missed else SERVICE_LEVEL)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{name} ({n:,} calls)".replace(",", " ") for name, _, n in shown])
    ax.set_xlim(0, 112)
    ax.set_xlabel("service level (%)")
    _target_line_v(ax, target_pct)
    if len(ranked) > len(shown):
        when = f"{when} · the {len(shown)} lowest of {len(ranked)} companies".lstrip(" ·")
    _titles(fig, ax, title, when)
    _legend(fig, ax, extra=[_patch(SERVICE_LEVEL, "target met"), _patch(TARGET, "target missed", "//")])
    return _bytes(fig, fmt)


def _bar_label(ax: Any, sl: float | None, y: float, colour: str) -> None:
    """The value inside the bar's end on a plain patch (readable over the hatch, clear of the
    target line), outside when the bar is too short to hold it."""
    if sl is not None and sl >= 15:
        ax.text(sl - 1, y, f"{sl:.1f} %", va="center", ha="right", fontsize=8, color="white", fontweight="bold",
                bbox={"boxstyle": "square,pad=0.15", "facecolor": colour, "edgecolor": "none"})
    else:
        ax.text((sl or 0) + 1, y, "no calls" if sl is None else f"{sl:.1f} %", va="center", fontsize=8)


def _target_line_v(ax: Any, target_pct: float | None) -> None:
    if target_pct is not None:
        ax.axvline(target_pct, color=OKABE_ITO["black"], linestyle="--", linewidth=1.2,
                   label=f"SL target {target_pct:g} %")
