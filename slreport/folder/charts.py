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

import functools
import io
import math
import warnings
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from slreport.sections.text import WEEKDAYS
from slreport.sections.waits import visible_end

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
NO_VERDICT = "#999999"
FORMATS = ("png", "svg")
WIDTH_IN = 9.0
DPI = 110  # a 9-inch chart is 990 pixels wide
# The figure builders by name: each drawing function below is one of them turned into bytes.
BUILDERS: dict[str, Callable[..., Any]] = {}


def _drawing(build: Callable[..., Any]) -> Callable[..., bytes]:
    """A drawing function (same arguments, plus ``fmt``: png or svg) from a builder of its Figure.
    The builder stays reachable by name (``figure``, ``draw_formats``), so that a test can look at
    what is drawn and a report folder can have several formats of one chart from one Figure."""
    BUILDERS[build.__name__] = build

    @functools.wraps(build)
    def draw(*args: Any, fmt: str = "svg", **kwargs: Any) -> bytes:
        return draw_formats(build.__name__, (fmt,), *args, **kwargs)[fmt]

    return draw


def figure(name: str, *args: Any, **kwargs: Any) -> Any:
    """The matplotlib Figure of the drawing function ``name``, undrawn to bytes."""
    return BUILDERS[name](*args, **kwargs)


def draw_formats(name: str, fmts: Sequence[str], *args: Any, **kwargs: Any) -> dict[str, bytes]:
    """The chart of the drawing function ``name`` in each format of ``fmts``, from one Figure:
    the same bytes as drawing each format on its own (each format is laid out from the Figure as
    built: the layout of a png, at its dpi, is not the one of an svg, at 72 dpi), for the cost of
    building it once."""
    for fmt in fmts:
        _check_format(fmt)
    fig = figure(name, *args, **kwargs)
    built = [(ax, ax.get_position(original=True).frozen(), ax.get_position(original=False).frozen())
             for ax in fig.axes]
    out = {}
    for fmt in fmts:
        for ax, original, active in built:  # as built: where constrained layout starts from
            ax._set_position(original, which="original")
            ax._set_position(active, which="active")
        out[fmt] = _bytes(fig, fmt)
    return out


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


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"chart format {fmt!r}: choose from {', '.join(FORMATS)}")


def _bytes(fig: Any, fmt: str) -> bytes:
    """The Figure printed by its format's canvas. Not ``Figure.savefig``: with a layout engine it
    draws the whole figure twice (once with drawing switched off, to lay it out, then again,
    laying it out once more from where the first left it), for the same bytes as this one pass."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    _check_format(fmt)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # "Glyph … missing from font(s)" once per character and chart, 72 lines for a few names
        # (the box drawn instead says the same); a collapsed layout still gives a chart.
        warnings.simplefilter("ignore", UserWarning)
        fig.dpi = DPI  # the svg canvas draws at 72 dpi, and embeds images at this one
        if fmt == "png":
            FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
        else:
            FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


def _nan(values: Sequence[float | None]) -> list[float]:
    """None (no calls, so no service level) becomes a gap in a line, never a 0."""
    return [math.nan if v is None else float(v) for v in values]


def _target_line(ax: Any, target_pct: float | None, threshold_s: int | None = None) -> None:
    if target_pct is not None:
        within = f" within {threshold_s} s" if threshold_s is not None else ""
        ax.axhline(target_pct, color=TARGET, linestyle="--", linewidth=1.4, label=f"SL target {target_pct:g} %{within}")


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
    """One legend below the plot for the labelled artists of ``axes`` (and the stand-ins in
    ``extra``, added only for what is drawn); an artist that draws nothing (a line of gaps only,
    an empty shading) has no entry: a legend never names what the chart does not show."""
    handles, labels = [], []
    for artist in extra:
        handles.append(artist)
        labels.append(artist.get_label())
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if draws_something(h):
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 4), frameon=False)


def draws_something(artist: Any) -> bool:
    """Whether a legend handle shows anything on the axes: a line with a value, a collection
    with a shape, a bar container with a bar of some size (a stand-in patch: yes)."""
    import numpy as np
    from matplotlib.collections import Collection
    from matplotlib.container import Container
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    if isinstance(artist, Line2D):
        return bool(np.isfinite(np.asarray(artist.get_ydata(), dtype=float)).any())
    if isinstance(artist, Collection):
        return len(artist.get_paths()) > 0
    if isinstance(artist, Container):
        return any(draws_something(a) for a in artist)
    if isinstance(artist, Rectangle) and artist.axes is not None:
        return bool(artist.get_width() and artist.get_height())
    return True


def _thin_ticks(ax: Any, labels: Sequence[str], max_labels: int = 16) -> None:
    # About 90 characters of labels fit under a chart: fewer, longer labels ("Mon 08:00").
    longest = max((len(label) for label in labels), default=1)
    max_labels = max(2, min(max_labels, 90 // (longest + 2)))
    step = max(1, math.ceil(len(labels) / max_labels))
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i] for i in range(0, len(labels), step)])


@_drawing
def hourly_offered_sl(
    hours: Sequence[int], offered: Sequence[int], sl_pct: Sequence[float | None], target_pct: float | None,
    title: str, when: str = "", threshold_s: int | None = None,
) -> Any:
    """(1) Calls offered per hour of day as bars, service level as a line against the target
    (``target_pct`` within ``threshold_s``: the company's own; None draws none)."""
    fig = _figure()
    ax = fig.add_subplot()
    x = list(range(len(hours)))
    ax.bar(x, offered, color=VOLUME, label="calls offered")
    ax.set_xlabel("hour of day (local time, hour starting)")
    ax.set_ylabel("calls offered")
    _thin_ticks(ax, [f"{h:02d}" for h in hours], 24)
    sl = _sl_axis(ax)
    sl.plot(x, _nan(sl_pct), color=SERVICE_LEVEL, marker="o", markersize=4, linewidth=2, label="service level")
    _target_line(sl, target_pct, threshold_s)
    _titles(fig, ax, title, when)
    _legend(fig, ax, sl)
    return fig


@_drawing
def daily_offered_sl(
    days: Sequence[str], offered: Sequence[int], sl_pct: Sequence[float | None], target_pct: float | None,
    title: str, when: str = "", unusual: Sequence[str] = (), threshold_s: int | None = None,
    compare: Sequence[float | None] = (), compare_label: str = "",
) -> Any:
    """(2) Calls offered per day as bars and the day's service level, unusual days marked;
    ``compare``: the comparison period's daily service level from its first day (dotted)."""
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
    _compare_line(sl, compare, len(days), compare_label)
    _target_line(sl, target_pct, threshold_s)
    _titles(fig, ax, title, when)
    _legend(fig, ax, sl, extra=[_patch(MARK, "unusual day")] if odd & set(days) else [])
    return fig


@_drawing
def weekly_offered_sl(
    weeks: Sequence[str], offered: Sequence[int], sl_pct: Sequence[float | None],
    rolling_pct: Sequence[float | None], target_pct: float | None, title: str, when: str = "",
    threshold_s: int | None = None, compare: Sequence[float | None] = (), compare_label: str = "",
) -> Any:
    """(2b) Calls offered per ISO week as bars, the week's service level and its rolling 4 weeks
    against the target; ``compare``: the comparison period's weekly service level, week by week
    from its first week (drawn dotted, named by ``compare_label``)."""
    fig = _figure()
    ax = fig.add_subplot()
    x = list(range(len(weeks)))
    ax.bar(x, offered, color=VOLUME, label="calls offered")
    ax.set_xlabel("ISO week (local time)")
    ax.set_ylabel("calls offered")
    _thin_ticks(ax, list(weeks), 16)
    sl = _sl_axis(ax)
    sl.plot(x, _nan(sl_pct), color=SERVICE_LEVEL, marker="o", markersize=4, linewidth=2, label="service level")
    sl.plot(x, _nan(rolling_pct), color=OKABE_ITO["green"], linestyle="-.", linewidth=1.6,
            label="service level, rolling 4 weeks")
    _compare_line(sl, compare, len(weeks), compare_label)
    _target_line(sl, target_pct, threshold_s)
    _titles(fig, ax, title, when)
    _legend(fig, ax, sl)
    return fig


def _compare_line(sl: Any, compare: Sequence[float | None], length: int, label: str) -> None:
    """The comparison period's service level, its first value under the report's first (dotted)."""
    if compare:
        shown = list(compare)[:length]
        sl.plot(list(range(len(shown))), _nan(shown), color=OKABE_ITO["purple"], linestyle=":", marker="s",
                markersize=3, linewidth=1.6, label=f"service level, {label or 'comparison'}")


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


# Cell values are written in the heat map up to this many columns (a working day's hours fit).
HEATMAP_VALUES_MAX_COLUMNS = 16


@_drawing
def weekday_hour_heatmap(
    matrix: Sequence[Sequence[float | None]], title: str, when: str = "", unit: str = "calls offered",
    hours: Sequence[int] = tuple(range(24)), weekdays: Sequence[str] = WEEKDAYS, hours_note: str = "",
) -> Any:
    """(3) Weekdays (rows, labelled ``weekdays``) × hours of day (columns, ``hours``); None cells
    are left blank. ``hours_note`` says which hours are shown when not all 24. Up to
    HEATMAP_VALUES_MAX_COLUMNS columns each cell also carries its value (read, not guessed from a colour)."""
    import numpy as np

    fig = _figure(max(2.2, 1.4 + 0.32 * len(matrix)))
    ax = fig.add_subplot()
    data = np.ma.masked_invalid(np.array([_nan(row) for row in matrix], dtype=float))
    # The scale starts at 0 calls: with the empty hours cropped, the quietest hour would look empty.
    image = ax.imshow(data, aspect="auto", cmap="cividis", interpolation="nearest", vmin=0)
    ax.set_yticks(range(len(matrix)))
    ax.set_yticklabels(list(weekdays)[: len(matrix)])
    _thin_ticks(ax, [f"{h:02d}" for h in hours], 24)
    ax.set_xlabel("hour of day (local time, hour starting" + (f"; {hours_note})" if hours_note else ")"))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if len(hours) <= HEATMAP_VALUES_MAX_COLUMNS:
        _cell_values(ax, data, image)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.01)
    bar.set_label(unit)
    _titles(fig, ax, title, when)
    return fig


def _cell_values(ax: Any, data: Any, image: Any) -> None:
    """Each cell's value, dark on the light cells and light on the dark ones."""
    import numpy as np

    for (row, col), value in np.ndenumerate(data.filled(np.nan)):
        if not np.isfinite(value):
            continue
        red, green, blue, _ = image.cmap(image.norm(value))
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
        ax.text(col, row, f"{value:.0f}" if value >= 10 else f"{value:.1f}", ha="center", va="center",
                fontsize=7, color="black" if light else "white")


@_drawing
def wait_distribution(
    from_s: Sequence[int], answered: Sequence[int], abandoned: Sequence[int], threshold_s: int | None,
    title: str, when: str = "", bin_s: int = 5, axis_s: int | None = None, axis_note: str = "",
) -> Any:
    """(4a) How long answered and abandoned calls waited, in bins of ``bin_s`` seconds (the
    last bin may be the overflow, marked "+"), with the service-level threshold marked. The axis
    ends at ``axis_s`` seconds (one axis for several companies, ``axis_note`` says so); else
    where 99 % of these calls are and past the threshold. The calls beyond it are counted in the
    axis label."""
    fig = _figure()
    ax = fig.add_subplot()
    totals = [a + b for a, b in zip(answered, abandoned, strict=True)]
    end = axis_s if axis_s is not None else visible_end(from_s, totals, threshold_s, bin_s)
    keep = [i for i, start in enumerate(from_s) if start < end]
    hidden = sum(totals) - sum(totals[i] for i in keep)
    left = [from_s[i] for i in keep]
    ax.bar(left, [answered[i] for i in keep], width=bin_s * 0.9, align="edge", color=ANSWERED, label="answered")
    ax.bar(left, [abandoned[i] for i in keep], width=bin_s * 0.9, align="edge", color=ABANDONED,
           bottom=[answered[i] for i in keep], label="abandoned")
    if threshold_s is not None:
        ax.axvline(threshold_s, color=OKABE_ITO["black"], linestyle="--", linewidth=1.4,
                   label=f"SL threshold {threshold_s} s")
    notes = [f"{bin_s}-second bins", *([axis_note] if axis_note else []),
             *([f"{hidden:,} longer waits not shown".replace(",", " ")] if hidden else [])]
    ax.set_xlabel(f"wait before answer or hang-up (seconds, {'; '.join(notes)})")
    ax.set_ylabel("calls")
    ax.set_xlim(0, max(end, (threshold_s or 0) + bin_s))
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return fig


@_drawing
def patience_curve(
    points: Sequence[tuple[float, float]], median_s: float | None, title: str, when: str = "",
    threshold_s: int | None = None,
) -> Any:
    """(4b) Share of callers still willing to wait (percent) after t seconds, median marked, and
    the company's SL threshold (inside the axis, however short the curve)."""
    fig = _figure(3.8)
    ax = fig.add_subplot()
    ax.step([p[0] for p in points], [p[1] for p in points], where="post", color=SERVICE_LEVEL, linewidth=2,
            label="callers still waiting")
    if median_s is not None:
        ax.axvline(median_s, color=TARGET, linestyle="--", linewidth=1.4, label=f"median patience {median_s:g} s")
    if threshold_s is not None:
        ax.axvline(threshold_s, color=OKABE_ITO["black"], linestyle=":", linewidth=1.4,
                   label=f"SL threshold {threshold_s} s")
    ax.set_ylim(0, 105)
    last = max([p[0] for p in points] + [threshold_s or 0, median_s or 0])
    ax.set_xlim(0, last * 1.03 or 1)
    ax.set_xlabel("time in queue (seconds)")
    ax.set_ylabel("callers not yet hung up (%)")
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return fig


@_drawing
def agents_needed_vs_seen(
    rows: Sequence[tuple[str, float | None, float | None]], title: str, when: str = "",
    xlabel: str = "interval (local time, start)", needed_label: str = "agents needed for the target",
) -> Any:
    """(5) Per interval (label, agents needed, agents seen): two step lines, shaded where fewer
    agents were seen than needed. Agents seen is a lower bound on agents logged in (an agent
    who got no call is not seen, docs/staffing.md), and the legend says so. Labels "Mon 08:00":
    a new first word starts a new day, marked by a thin line and a tick."""
    import numpy as np

    fig = _figure()
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    needed = np.array(_nan([r[1] for r in rows]))
    seen = np.array(_nan([r[2] for r in rows]))
    ax.step(x, needed, where="mid", color=TARGET, linewidth=2, label=needed_label)
    ax.step(x, seen, where="mid", color=SERVICE_LEVEL, linewidth=2, label="agents seen answering (at least)")
    with np.errstate(invalid="ignore"):
        short = np.isfinite(needed) & np.isfinite(seen) & (needed > seen)
    if short.any():
        ax.fill_between(x, seen, needed, where=short, step="mid", color=MARK, alpha=0.35,
                        label="fewer agents seen than needed")
    # Why many agents seen and a missed target can both be true, said where it is read.
    ax.set_xlabel(xlabel + ("\nagents seen = agents who answered a call in the slot: at least that many were "
                            "logged in, but one call counts as a whole agent" if np.isfinite(seen).any() else ""))
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    _day_starts(ax, [r[0] for r in rows])
    _titles(fig, ax, title, when)
    _legend(fig, ax)
    return fig


def _day_starts(ax: Any, labels: Sequence[str]) -> None:
    """Several days: a tick at each day's first slot and a thin line between days (the lines
    join Monday's last slot to Tuesday's first); one day: thinned ticks."""
    days = [label.split(" ", 1)[0] for label in labels]
    starts = [i for i, day in enumerate(days) if i == 0 or day != days[i - 1]]
    if len(starts) < 2:
        _thin_ticks(ax, labels)
        return
    for i in starts[1:]:
        ax.axvline(i - 0.5, color="#BBBBBB", linewidth=0.8, zorder=0)
    ax.set_xticks(starts)
    ax.set_xticklabels([labels[i] for i in starts])


@_drawing
def company_sl_overview(
    companies: Sequence[str], sl_pct: Sequence[float | None], offered: Sequence[int],
    targets: Sequence[tuple[float, int] | None], met: Sequence[bool | None], title: str, when: str = "",
    top_n: int = 30,
) -> Any:
    """Overview for many companies: each company's service level against its own target
    (``targets``: (%, threshold s), a black tick on its bar) and coloured by its own verdict
    (``met``: blue met, vermillion with a hatch missed, grey no calls), furthest below target
    first (the ones to look at). Verdict and target are also written beside each bar."""
    rows = sorted(zip(companies, sl_pct, offered, targets, met, strict=True), key=_overview_order)
    shown = rows[:top_n]
    fig = _figure(max(2.4, 0.9 + 0.3 * len(shown)))
    ax = fig.add_subplot()
    y = list(range(len(shown)))[::-1]
    for yi, (_, sl, _, target, verdict) in zip(y, shown, strict=True):
        colour, hatch = _verdict_style(verdict)
        ax.barh(yi, sl or 0, color=colour, hatch=hatch, edgecolor="white", height=0.7)
        if target is not None:
            ax.plot([target[0]] * 2, [yi - 0.45, yi + 0.45], color=OKABE_ITO["black"], linewidth=2.2,
                    solid_capstyle="butt")
        ax.text(1.01, yi, _verdict_text(sl, target, verdict), transform=ax.get_yaxis_transform(), va="center",
                fontsize=8, clip_on=False)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{name} ({n:,} calls)".replace(",", " ") for name, _, n, _, _ in shown])
    ax.set_xlim(0, 100)
    ax.set_xlabel("service level (%)")
    if len(rows) > len(shown):
        when = f"{when} · the {len(shown)} furthest below target of {len(rows)} companies".lstrip(" ·")
    _titles(fig, ax, title, when)
    _legend(fig, ax, extra=_overview_legend([r[4] for r in shown], any(r[3] for r in shown)))
    return fig


def _overview_order(row: tuple[str, float | None, int, tuple[float, int] | None, bool | None]) -> tuple[bool, float]:
    """No service level first, then by the distance to the company's own target (or the level)."""
    _, sl, _, target, _ = row
    return sl is not None, (sl or 0) - (target[0] if target else 0)


def _verdict_style(verdict: bool | None) -> tuple[str, str | None]:
    if verdict is None:
        return NO_VERDICT, None
    return (SERVICE_LEVEL, None) if verdict else (TARGET, "//")


def _verdict_text(sl: float | None, target: tuple[float, int] | None, verdict: bool | None) -> str:
    """'85.5 % · missed (target 90/30)': the value, the verdict in words and the company's target."""
    if sl is None:
        return "no calls"
    if verdict is None or target is None:
        return f"{sl:.1f} %"
    return f"{sl:.1f} % · {'met' if verdict else 'missed'} (target {target[0]:g}/{target[1]})"


def _overview_legend(verdicts: Sequence[bool | None], ticks: bool) -> list[Any]:
    """Entries for the verdicts that are drawn, and the target tick when one is (a company
    without calls has no bar, only the words "no calls")."""
    from matplotlib.lines import Line2D

    entries = [_patch(SERVICE_LEVEL, "target met")] if True in verdicts else []
    entries += [_patch(TARGET, "target missed", "//")] if False in verdicts else []
    if ticks:
        entries.append(Line2D([], [], color=OKABE_ITO["black"], linewidth=0, marker="|", markersize=12,
                              markeredgewidth=2.2, label="the company's own SL target"))
    return entries


@_drawing
def forecast_bands(
    actual: Sequence[tuple[str, float]], forecast: Sequence[tuple[str, float, float, float, float, float]],
    agents: Sequence[tuple[str, int | None, int | None]], title: str, when: str = "",
) -> Any:
    """`slreport forecast`: the last weeks' actuals (label, offered), then the forecast (label, offered,
    lo80, hi80, lo95, hi95) with its bands; below it, with --plan, required agents per interval for the
    forecast and for its upper 80 % bound (label, required, safe). Labels "Mon 03-02 08:00"."""
    import numpy as np

    fig = _figure(5.6 if agents else 4.2)
    ax = fig.add_subplot(2, 1, 1) if agents else fig.add_subplot()
    n = len(actual)
    x_fc = np.arange(n, n + len(forecast))
    if actual:
        ax.plot(np.arange(n), [a[1] for a in actual], color="#777777", linewidth=0.8, label="actual offered")
    if forecast:
        cols = np.array([f[1:] for f in forecast], dtype=float)
        ax.fill_between(x_fc, cols[:, 3], cols[:, 4], color=SERVICE_LEVEL, alpha=0.15, linewidth=0,
                        label="95 % interval")
        ax.fill_between(x_fc, cols[:, 1], cols[:, 2], color=SERVICE_LEVEL, alpha=0.3, linewidth=0,
                        label="80 % interval")
        ax.plot(x_fc, cols[:, 0], color=SERVICE_LEVEL, linewidth=1.2, label="forecast")
        ax.axvline(n - 0.5, color="#444444", linewidth=0.8)
    ax.set_ylabel("offered per interval")
    ax.set_ylim(bottom=0)
    labels = [a[0] for a in actual] + [f[0] for f in forecast]
    _day_starts_sparse(ax, labels)
    _titles(fig, ax, title, when)
    axes = [ax]
    if agents:
        low = fig.add_subplot(2, 1, 2, sharex=ax)
        x_ag = np.arange(n, n + len(agents))
        low.step(x_ag, _nan([a[1] for a in agents]), where="mid", color=TARGET, linewidth=1.2,
                 label="agents (forecast)")
        low.step(x_ag, _nan([a[2] for a in agents]), where="mid", color=MARK, linewidth=1.0,
                 label="agents (upper 80 % bound)")
        low.set_ylabel("agents")
        low.set_ylim(bottom=0)
        axes.append(low)
    _legend(fig, *axes)
    return fig


def _day_starts_sparse(ax: Any, labels: Sequence[str]) -> None:
    """Weeks of intervals: a tick at each Monday's first slot (every day's when under two weeks)."""
    days = [label.rsplit(" ", 1)[0] for label in labels]
    starts = [i for i, day in enumerate(days) if i == 0 or day != days[i - 1]]
    if len(starts) > 14:
        starts = [i for i in starts if labels[i].startswith("Mon")] or starts[::7]
    ax.set_xticks(starts)
    ax.set_xticklabels([days[i] for i in starts], fontsize=7)
