"""Markdown: the sections' blocks as headings, paragraphs, bullet lists and pipe tables; names from
the data through ``names.markdown`` (no link, code, HTML or table syntax from a name)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from slreport import names
from slreport.sections import text_blocks
from slreport.sections.blocks import Block, Item, Lines, Text


def md_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    """Cells are markdown already: names in them went through names.markdown (which escapes |)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def item_text(item: Item) -> str:
    if isinstance(item, Text):
        return item.text
    if isinstance(item, Lines):
        return "\n".join(f"- {line}" for line in item.lines)
    table = md_table(item.headers, item.rows)
    return f"**{item.title}**\n\n{table}" if item.title else table


def block_text(block: Block) -> str:
    return "\n\n".join([f"## {block.heading()}", *(item_text(i) for i in block.items)])


def render_markdown(report: dict[str, Any], out: IO[str], color: bool = False) -> None:
    out.write("\n\n".join(block_text(b) for b in text_blocks(report, names.markdown)) + "\n")
