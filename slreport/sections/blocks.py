"""What a section hands to the views: renderer-neutral text blocks, HTML blocks, chart specs.

No rich, no markdown syntax, no HTML and no matplotlib here: a section says *what* to show
(a heading, lines, tables of cells, a chart of plain lists) and each view decides *how*
(slreport.render for stdout, slreport.folder for the --out folder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

Escape = Callable[[str], str]  # how a view makes a name from the data safe for its medium


def as_is(text: str) -> str:
    return text


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    title: str = ""  # shown above the table (markdown: in bold); empty for a block's only table
    align: str = ""  # one letter per column, "l" or "r"; empty: the first column left, the rest right
    total: bool = False  # the last row is a total (set apart, in bold)
    marked: bool = False  # right-aligned cells ending in "met"/"missed" are target marks (coloured)
    # Too wide for the terminal, a table is shown in parts: each part repeats the first ``keys``
    # columns (the group's name) and takes the others in the order of ``priority`` (column
    # indices, most important first; empty: as they are), as many as fit.
    keys: int = 1
    priority: tuple[int, ...] = ()

    def alignment(self) -> str:
        return self.align or "l" + "r" * (len(self.headers) - 1)


@dataclass(frozen=True)
class Text:
    """A paragraph: markdown as a paragraph, the terminal as an indented line."""

    text: str


@dataclass(frozen=True)
class Lines:
    """A list: markdown as bullets, the terminal as lines indented ``level`` steps."""

    lines: list[str]
    level: int = 1


Item = Table | Text | Lines


@dataclass(frozen=True)
class Block:
    """A heading and what follows it, in the terminal and in markdown.

    ``note`` follows the title in brackets; the terminal shows ``long_note`` there instead when
    it has one (a line of its own has room for it). A ``table`` block is one table: the
    terminal prints it as a table titled with the heading, its text lines as the caption.
    Blocks with the same ``merge`` key (one per company, say "Peaks: Acme") are shown as one:
    the first block's heading, then every block's lines, then every block's tables.
    """

    title: str
    items: list[Item] = field(default_factory=list)
    note: str = ""
    long_note: str = ""
    table: bool = False
    merge: str = ""
    footer: bool = False  # shown after every other block (what the whole report rests on)

    def heading(self, long: bool = False) -> str:
        note = (self.long_note or self.note) if long else self.note
        return f"{self.title} ({note})" if note else self.title


def merged(blocks: list[Block]) -> list[Block]:
    """Blocks with the same ``merge`` key joined, in the place of the first: their text items, then
    their tables. In every block, empty lists are dropped and adjacent lists of a level joined."""
    out: list[Block] = []
    seen: dict[str, int] = {}
    for block in blocks:
        if block.merge in seen:
            first = out[seen[block.merge]]
            items = [*first.items, *block.items]
            texts = [i for i in items if not isinstance(i, Table)]
            block = replace(first, items=[*texts, *(i for i in items if isinstance(i, Table))])
            out[seen[block.merge]] = block
        else:
            if block.merge:
                seen[block.merge] = len(out)
            out.append(block)
    return [replace(b, items=_joined(b.items)) for b in out]


def _joined(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        if isinstance(item, Lines) and not item.lines:
            continue
        last = out[-1] if out else None
        if isinstance(item, Lines) and isinstance(last, Lines) and last.level == item.level:
            out[-1] = Lines([*last.lines, *item.lines], item.level)
        else:
            out.append(item)
    return out


@dataclass(frozen=True)
class HtmlTable:
    headers: list[str]
    rows: list[list[str]]
    total: bool = False  # the last row is a total (bold)
    title: str = ""  # an h3 above the table
    text_columns: int = 1  # the first columns hold text (left-aligned); the rest numbers (right-aligned)


@dataclass(frozen=True)
class HtmlBlock:
    """A part of report.html: a heading, paragraphs, a list, tables. ``place`` is where on the page
    (slreport.folder.html.PLACES): "cards" (the scorecards under the header, ``cards`` set), "main"
    (before the charts), "details" (after them), "quality" (the data-quality account) or "footer"."""

    heading: str
    tables: list[HtmlTable] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    place: str = "details"
    cards: list[dict[str, Any]] = field(default_factory=list)
    subheadings: list[tuple[str, list[str]]] = field(default_factory=list)  # (h3, list) pairs before ``lines``
    intro: list[str] = field(default_factory=list)  # paragraphs under the heading: what the numbers mean
    anchor: str = ""  # the section's id on the page (its heading is checked by the browser test)
    notes: list[str] = field(default_factory=list)  # small print after the tables


@dataclass(frozen=True)
class ChartSpec:
    """One chart: the drawing function of slreport.folder.charts by name, and its plain inputs.
    The title and the when line are added by the chart list (they name the company)."""

    kind: str  # file-name suffix: hourly, daily, weekday-hour, waits, patience, staffing, overview…
    what: str  # "calls offered and service level by hour of day"
    draw: str  # a function of slreport.folder.charts
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # added to the when line: what the chart leaves out and why ("no calls on Sat, Sun")
