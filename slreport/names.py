"""Display text made from data (company, queue, agent and file names): the one place where it
is made safe for each medium.

A name from an export is data, never markup and never a control code. The convention, in every
view: a character that would steer a terminal, a line or the direction of text — C0 and C1
controls, DEL, the line and paragraph separators, the bidi embeddings, overrides and isolates,
lone surrogates — is shown as its escape text (ESC → ``\\x1b``, newline → ``\\n``, U+202E →
``\\u202e``), the form slreport's error lines use too. Everything else, CJK and emoji
included, is kept. On top of that base each medium escapes its own syntax:

- terminal: ``visible``; render.py hands the text to rich as plain text (never markup);
- markdown: ``markdown`` (the characters that make links, code, emphasis, HTML and table cells);
- CSV and Excel cells: ``spreadsheet`` (also no formulas); sheet names: ``sheet_name``;
- HTML: ``visible`` on every value the template prints (Jinja escapes the HTML);
- charts: ``chart_label`` (shortened; matplotlib draws ``$`` as a dollar, see charts.py);
- file names: ``slug`` and ``file_stems`` (short, distinct, stable).

JSON and Parquet keep the exact names: they are typed data formats (``json_text`` writes the
steering characters in JSON as \\u escapes, which parse back to the same names).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

Escape = Callable[[str], str]  # a medium's way of making a name safe: visible, markdown, chart…

# Bidi controls (Unicode UAX #9): ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_STEERING = (
    [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *map(ord, _BIDI), *range(0xD800, 0xE000)]
)
_VISIBLE = {code: ascii(chr(code))[1:-1] for code in _STEERING}
_JSON_RAW = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI}]")
# Characters that make markdown structure: escapes, code, emphasis, links, raw HTML, table cells, math.
_MARKDOWN = {ord(c): "\\" + c for c in "\\`*_[]<>|~$"}
_FORMULA_START = ("=", "+", "-", "@")  # tab and CR, once visible, start with a backslash
_EXCEL_SHEET = {ord(c): "_" for c in "[]:*?/\\"}
CHART_NAME_MAX = 48  # characters of a name in a chart title or label
SLUG_MAX = 48  # characters of the readable part of a file stem


def visible(text: str) -> str:
    """``text`` with every steering character shown as its escape text (see the module doc)."""
    return text.translate(_VISIBLE)


def json_text(text: str) -> str:
    """JSON text with the steering characters its encoder leaves raw (DEL, C1, bidi controls, the
    separators) written as \\u escapes: the same values when parsed, nothing a terminal acts on.
    (C0 controls the encoder escapes itself.)"""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def markdown(text: str) -> str:
    """A name for markdown text and table cells: visible, and markdown syntax escaped, so a name
    cannot open a link, code span or HTML tag, nor end a table cell or its row."""
    return visible(text).translate(_MARKDOWN)


def spreadsheet(value: Any) -> Any:
    """A CSV or Excel cell: text is visible (an xlsx cell cannot hold control characters) and text a
    spreadsheet would evaluate (= + - @ at the start) gets a leading ' (OWASP "CSV injection").
    Other values are unchanged."""
    if not isinstance(value, str):
        return value
    text = visible(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def sheet_name(name: str) -> str:
    """An Excel sheet name: visible, without the characters Excel forbids, at most 31 characters."""
    return visible(name).translate(_EXCEL_SHEET)[:31]


def chart_label(text: str, limit: int = CHART_NAME_MAX) -> str:
    """A name for a chart title or label: visible and at most ``limit`` characters (… marks the cut)."""
    text = visible(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug(text: str) -> str:
    """A file-name-safe, readable stem: "Nordic Energy" → "nordic-energy" (ASCII letters, digits, -)."""
    return _readable(text) or "company"


def _readable(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def digest(text: str) -> str:
    """8 hex digits that tell exact names apart (not a secret: names are in the report anyway)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def file_stems(names: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A file stem per name: distinct, short, and the same for the same name whatever order the
    names come in. The readable slug when it is the name's alone; with ``-`` and a digest of the
    exact name when the slug was cut to ``SLUG_MAX``, has no letters, or is shared with another
    name or a ``reserved`` stem ("Äa" and "Aa" → "aa-…" and "aa-…")."""
    exact = sorted(set(names))
    readable = {n: _readable(n) for n in exact}
    shared = Counter(readable.values()) + Counter(set(reserved))
    stems = {}
    for name in exact:
        stem = readable[name]
        if not stem or len(stem) > SLUG_MAX or shared[stem] > 1:
            stem = f"{stem[:SLUG_MAX].rstrip('-') or 'company'}-{digest(name)}"
        stems[name] = stem
    return _distinct(stems, set(reserved))


def _distinct(stems: dict[str, str], taken: set[str]) -> dict[str, str]:
    """A last guard, for a name made to look like another's digest stem: number the later one."""
    out = {}
    for name, stem in stems.items():  # names in sorted order: the numbering is stable too
        candidate, n = stem, 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate)
        out[name] = candidate
    return out
