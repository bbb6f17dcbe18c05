"""The terminal: the sections' blocks as rich tables and lines, the erlang table, the spinner.

The only module that imports rich (lazily). Off a terminal (``color`` false) the output is
plain text at the tables' natural width.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO, Any

from slreport import names
from slreport.sections import text_blocks
from slreport.sections.blocks import Block, Lines, Table, Text


def _console(out: IO[str], color: bool) -> Any:
    from rich.console import Console

    # Off a terminal there is no width to fit: let tables take their natural width. Every string
    # is printed as it is: names from the data are never rich markup ("[link=…]", "[/bold]") nor
    # ":emoji:" codes; styles come from Text objects only.
    return Console(file=out, force_terminal=color, no_color=not color, width=None if color else 1000,
                   highlight=False, soft_wrap=False, markup=False, emoji=False)


def render_table(report: dict[str, Any], out: IO[str], color: bool = False) -> None:
    console = _console(out, color)
    for block in text_blocks(report, names.visible):
        if block.table:
            _print_table_block(console, block, color)
        else:
            _print_block(console, block, color)


def _print_table_block(console: Any, block: Block, color: bool) -> None:
    """A block that is one table: titled with the heading, its text below as the caption."""
    caption = [line for i in block.items if not isinstance(i, Table)
               for line in (i.lines if isinstance(i, Lines) else [i.text])]
    for table in (i for i in block.items if isinstance(i, Table)):
        console.print(_rich_table(table, color, title=block.heading(long=True), caption="\n".join(caption) or None))


def _print_block(console: Any, block: Block, color: bool) -> None:
    from rich.text import Text as RichText

    note = block.long_note or block.note
    console.print(RichText.assemble((block.title, "bold"), f" ({note})" if note else ""))
    for item in block.items:
        if isinstance(item, Text):
            console.print(f"  {item.text}")
        elif isinstance(item, Lines):
            for line in item.lines:
                console.print("  " * item.level + line)
        else:
            console.print(_rich_table(item, color, title=item.title, title_justify="left"))


def _rich_table(table: Table, color: bool, **options: Any) -> Any:
    from rich.table import Table as RichTable

    out = RichTable(**options)
    align = table.alignment()
    for header, side in zip(table.headers, align, strict=True):
        out.add_column(header, justify="left" if side == "l" else "right")
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        cells = [_marked(c, color) if table.marked and side == "r" else c for c, side in zip(row, align, strict=True)]
        if table.total:
            out.add_row(*cells, style="bold" if i == last else None, end_section=i == last - 1)
        else:
            out.add_row(*cells)
    return out


def _marked(cell: str, color: bool = True) -> Any:
    """A metric cell, with "met" and "missed" as coloured marks."""
    from rich.text import Text as RichText

    if cell == "met":
        return RichText.assemble(("✓ met", "green"))
    if cell == "missed":
        return RichText.assemble(("✗ missed", "red"))
    if not color:  # a value with a target keeps its word: "19.1 missed"
        return cell
    if cell.endswith(" met"):
        return RichText.assemble((f"{cell[:-4]} ✓", "green"))
    if cell.endswith(" missed"):
        return RichText.assemble((f"{cell[:-7]} ✗", "red"))
    return cell


def print_erlang(summary: str, headers: list[str], body: list[list[str]], out: IO[str], color: bool) -> None:
    """`slreport erlang`: the summary, then the table of N around the answer (its row in bold)."""
    from rich.table import Table as RichTable

    console = _console(out, color)
    console.print(summary)
    if not body:
        return
    table = RichTable()
    for h in headers:
        table.add_column(h, justify="right")
    for row in body:
        table.add_row(*row, style="bold" if row[-1] else None)
    console.print(table)


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
