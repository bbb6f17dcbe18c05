"""The terminal: the sections' blocks as rich tables and lines, the erlang table, the spinner.

The only module that imports rich (lazily). On a terminal, a table wider than the terminal is
shown in parts that fit (the group's name repeated in each, the most important columns first), so
no number is ever cut or wrapped. Off a terminal the output is plain text at the tables' natural
width, with targets in words ("met", "missed") rather than marks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any

from slreport import names
from slreport.sections import text_blocks
from slreport.sections.blocks import Block, Lines, Table, Text

OFF_TERMINAL_WIDTH = 1000  # no width to fit: tables take their natural width
KEY_SHARE = 3  # a group's name column takes at most 1/KEY_SHARE of a narrow terminal (longer names fold)


def _console(out: IO[str], color: bool) -> Any:
    from rich.console import Console

    class _Console(Console):  # type: ignore[misc]
        def on_broken_pipe(self) -> None:
            # rich exits 1 when the reader goes away (`| head`); the CLI ends such a run with 0.
            raise BrokenPipeError

    # Every string is printed as it is: names from the data are never rich markup ("[link=…]",
    # "[/bold]") nor ":emoji:" codes; styles come from Text objects only.
    width = None if _is_terminal(out) else OFF_TERMINAL_WIDTH
    return _Console(file=out, force_terminal=color, no_color=not color, width=width,
                    highlight=False, soft_wrap=False, markup=False, emoji=False)


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def render_table(report: dict[str, Any], out: IO[str], color: bool = False) -> None:
    console = _console(out, color)
    for block in text_blocks(report, names.visible):
        if block.table:
            _print_table_block(console, block, color)
        else:
            _print_block(console, block, color)


def _print_table_block(console: Any, block: Block, color: bool) -> None:
    """A block that is one table: titled with the heading, its text below as the caption (after
    the last part when it is shown in parts)."""
    caption = [line for i in block.items if not isinstance(i, Table)
               for line in (i.lines if isinstance(i, Lines) else [i.text])]
    for table in (i for i in block.items if isinstance(i, Table)):
        parts = fitted(console, table, color)
        if len(parts) > 1:  # the caption, then the parts: a caption under the last part reads as its own
            _print_block(console, Block(block.heading(long=True), [Lines(caption)]), color)
        for n, (part, compact) in enumerate(parts, 1):
            title = block.title + (f" ({n} of {len(parts)})" if len(parts) > 1 else "")
            if len(parts) > 1:
                console.print(_rich_table(part, color, console.width, compact, title=title, title_justify="left"))
            else:
                console.print(_rich_table(part, color, console.width, compact, title=block.heading(long=True),
                                          caption="\n".join(caption) or None))


def fitted(console: Any, table: Table, color: bool) -> list[tuple[Table, bool]]:
    """The table whole when it fits the console, else in compact parts (lighter rules) that do: each
    repeats the key columns and takes the next columns by priority while they fit. Each part comes
    with whether it is compact."""
    width = console.width
    if _width(console, table, color, compact=False) <= width:
        return [(table, False)]
    keys = list(range(table.keys))
    order = list(table.priority) or list(range(table.keys, len(table.headers)))
    parts: list[list[int]] = []
    current: list[int] = []
    for column in order:
        if current and _fitting(console, _columns(table, keys + current + [column]), color) is None:
            parts.append(current)
            current = []
        current.append(column)
    parts.append(current)
    return [(_fitting(console, _columns(table, keys + part), color) or _columns(table, keys + part), True)
            for part in parts]


def _fitting(console: Any, part: Table, color: bool) -> Table | None:
    """A compact part as it fits the console: as it is, or with its number headings over two lines
    ("ASA (s)" as "ASA" over "(s)", where the numbers are narrower than their heading); None when
    neither fits. Two-line headings let the key column (ASA at 80 columns) join the first part."""
    for candidate in (part, _stacked(part, color)):
        if _width(console, candidate, color, compact=True) <= console.width:
            return candidate
    return None


def _stacked(table: Table, color: bool) -> Table:
    from rich.cells import cell_len

    def widest(column: int) -> int:
        cells = (_marked(row[column], color) if table.marked else row[column] for row in table.rows)
        return max((cell_len(str(cell)) for cell in cells), default=0)

    align = table.alignment()
    headers = [h.rsplit(" ", 1)[0] + "\n" + h.rsplit(" ", 1)[1]
               if i >= table.keys and align[i] == "r" and " " in h and cell_len(h) > widest(i) else h
               for i, h in enumerate(table.headers)]
    return replace(table, headers=headers)


def _columns(table: Table, columns: list[int]) -> Table:
    align = table.alignment()
    return replace(table, headers=[table.headers[c] for c in columns],
                   rows=[[row[c] for c in columns] for row in table.rows], align="".join(align[c] for c in columns),
                   priority=())


def _width(console: Any, table: Table, color: bool, compact: bool) -> int:
    from rich.measure import Measurement

    unbounded = console.options.update_width(OFF_TERMINAL_WIDTH * 10)  # its natural width, not the console's
    return int(Measurement.get(console, unbounded, _rich_table(table, color, None, compact)).maximum)


def _print_block(console: Any, block: Block, color: bool) -> None:
    from rich.text import Text as RichText

    note = block.long_note or block.note
    console.print(RichText.assemble((block.title, "bold"), f" ({note})" if note else ""))
    for item in block.items:
        if isinstance(item, Text):
            _print_line(console, item.text, 1)
        elif isinstance(item, Lines):
            for line in item.lines:
                _print_line(console, line, item.level)
        else:
            for part, compact in fitted(console, item, color):
                console.print(_rich_table(part, color, console.width, compact, title=item.title,
                                          title_justify="left"))


def _print_line(console: Any, line: str, level: int) -> None:
    """A line indented ``level`` steps; on a narrow terminal it wraps under its own indent."""
    from rich.padding import Padding
    from rich.text import Text as RichText

    console.print(Padding(RichText(line), (0, 0, 0, 2 * level), expand=False))


def _rich_table(table: Table, color: bool, width: int | None = None, compact: bool = False, **options: Any) -> Any:
    """A rich table whose numbers never wrap or shrink; only the key columns (names) may fold, and
    only on a terminal narrower than they are. Compact: rules under the header only, no edges."""
    from rich import box
    from rich.table import Table as RichTable

    if compact:
        options |= {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False}
    out = RichTable(**options)
    align = table.alignment()
    for i, (header, side) in enumerate(zip(table.headers, align, strict=True)):
        if i < table.keys:
            out.add_column(header, justify="left" if side == "l" else "right", overflow="fold",
                           max_width=max(12, width // KEY_SHARE) if width else None)
        else:
            out.add_column(header, justify="left" if side == "l" else "right", no_wrap=True)
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        cells = [_marked(c, color) if table.marked and side == "r" else c for c, side in zip(row, align, strict=True)]
        if table.total:
            out.add_row(*cells, style="bold" if i == last else None, end_section=i == last - 1)
        else:
            out.add_row(*cells)
    return out


def _marked(cell: str, color: bool = True) -> Any:
    """A metric cell, with "met" and "missed" (and a change "better" or "worse") as coloured marks."""
    from rich.text import Text as RichText

    if not color:  # words, not marks: "met", "19.1 missed"
        return cell
    if cell == "met":
        return RichText.assemble(("✓ met", "green"))
    if cell == "missed":
        return RichText.assemble(("✗ missed", "red"))
    if cell.endswith(" met"):
        return RichText.assemble((f"{cell[:-4]} ✓", "green"))
    if cell.endswith(" missed"):
        return RichText.assemble((f"{cell[:-7]} ✗", "red"))
    if cell.endswith(" better"):  # a change against the comparison period (sections/comparison.py)
        return RichText.assemble((f"{cell[:-7]} ▲", "green"))
    if cell.endswith(" worse"):
        return RichText.assemble((f"{cell[:-6]} ▼", "red"))
    return cell


def print_erlang(summary: str, headers: list[str], body: list[list[str]], out: IO[str], color: bool) -> None:
    """`slreport erlang`: the summary, then the table of N around the answer (its row in bold). On a
    narrow terminal the number headings go over two lines, then the marker is only its arrow: the
    table stays one table (the answer's row beside its numbers), and no number is cut."""
    from rich.measure import Measurement

    console = _console(out, color)
    console.print(summary)
    if not body:
        return
    unbounded = console.options.update_width(OFF_TERMINAL_WIDTH * 10)
    candidates = (_erlang_table(headers, body, False, False), _erlang_table(headers, body, True, False),
                  _erlang_table(headers, body, True, True))
    console.print(next((t for t in candidates if Measurement.get(console, unbounded, t).maximum <= console.width),
                       candidates[-1]))


def _erlang_table(headers: list[str], body: list[list[str]], stacked: bool, arrow_only: bool) -> Any:
    from rich.table import Table as RichTable

    table = RichTable()
    for h in headers:
        table.add_column(h.replace(" ", "\n") if stacked else h, justify="right", no_wrap=bool(h))
    for row in body:
        marker = row[-1].split(" ")[0] if arrow_only else row[-1]  # "◀ recommended" → "◀"
        table.add_row(*row[:-1], marker, style="bold" if row[-1] else None)
    return table


@contextlib.contextmanager
def progress(message: str, *, enabled: bool) -> Iterator[None]:
    """A spinner with elapsed time on stderr (never stdout), gone when the work is done."""
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    # The message names an input file: plain text, never markup or control codes.
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        bar.add_task(names.visible(message), total=None)
        yield


def print_blocks(blocks: list[Block], out: IO[str], color: bool) -> None:
    """Blocks drawn by another command (forecast), each as analyze draws its own: a table too wide for
    the terminal in parts that fit, each repeating the key column."""
    console = _console(out, color)
    for block in blocks:
        if len(block.items) == 1 and isinstance(block.items[0], Table):
            parts = fitted(console, block.items[0], color)
            for n, (part, compact) in enumerate(parts, 1):
                title = block.title + (f" ({n} of {len(parts)})" if len(parts) > 1 else "")
                console.print(_rich_table(part, color, console.width, compact, title=title, title_justify="left"))
        else:
            _print_block(console, block, color)
