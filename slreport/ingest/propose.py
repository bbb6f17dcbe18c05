"""`slreport init EXPORT`: which canonical column each header of an export is read as, by the readers'
own rules, and the [columns] lines (or --map flags) for the columns they do not find.

The generic reader reads a header as a canonical column when the names match case-insensitively
(slreport.ingest.readers.generic.resolve_columns); a header that differs from one only in spaces,
dashes or dots ("Arrived At") is proposed as its mapping. Every other canonical column is listed as
a commented line to fill in. The other profiles read their phone system's fixed layout and need no
[columns] at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from slreport import engine
from slreport.ingest import _detect, tabular
from slreport.ingest.readers import generic
from slreport.ingest.sources import resolve_sources
from slreport.names import visible
from slreport.options.read import MAPPABLE, ReadOptions
from slreport.schema import BY_NAME

# What the generic reader needs at the least (generic._require): an arrival, and an outcome or an answer time.
REQUIRED = ("arrived_at",)
ONE_OF = ("outcome", "answered_at")


@dataclass(frozen=True)
class Proposal:
    path: str
    profile: str
    read_as_is: dict[str, str] = field(default_factory=dict)  # canonical → header the reader matches by name
    proposed: dict[str, str] = field(default_factory=dict)  # canonical → header that needs a mapping
    missing: tuple[str, ...] = ()  # canonical columns with no header
    unmatched: tuple[str, ...] = ()  # headers read as nothing

    def map_flags(self) -> list[str]:
        """The --map flags equivalent to the proposed [columns] lines."""
        return [f"--map {canonical}={_shell_quote(header)}" for canonical, header in self.proposed.items()]

    def required_missing(self) -> list[str]:
        """The missing columns without which the generic reader refuses the file."""
        found = set(self.read_as_is) | set(self.proposed)
        either = [] if set(ONE_OF) & found else list(ONE_OF)
        return [c for c in self.missing if c in REQUIRED or c in either]

    def columns_lines(self) -> list[str]:
        """The [columns] table's lines: proposals active, the rest commented for the user to fill."""
        lines = [f"# read as is: {', '.join(f'{c} ({visible(repr(h))})' for c, h in self.read_as_is.items())}"
                 if self.read_as_is else "# no header is a canonical column name"]
        if self.unmatched:
            lines.append(f"# headers read as nothing yet: {', '.join(visible(repr(h)) for h in self.unmatched)}")
        lines += [f"{canonical} = {_toml_string(header)}" for canonical, header in self.proposed.items()]
        required = self.required_missing()
        for canonical in self.missing:
            need = "" if canonical not in required else " (required)" if canonical in REQUIRED else (
                " (this or " + " or ".join(c for c in ONE_OF if c != canonical) + " is required)")
            lines.append(f'# {canonical} = ""{need}  # {BY_NAME[canonical].meaning}')
        return lines


def propose(path: str, scratch: Path) -> Proposal:
    """The Proposal for the export at ``path`` (read with a scratch folder for copies)."""
    con = engine.connect(scratch)
    try:
        source = resolve_sources([path], scratch)[0]
        reader = _detect(source)
        if reader is not generic:
            return Proposal(source.display, reader.NAME)
        relation = tabular.relation_for(source, 0)
        header = tabular.columns_of(con, relation, source.display)
    finally:
        con.close()
    return _proposal(source.display, header)


def _proposal(display: str, header: list[str]) -> Proposal:
    read = generic.match_columns(header, ReadOptions(), display)
    by_normal = {_normal(h): h for h in header if h not in read.values()}
    proposed = {c: by_normal[c] for c in MAPPABLE if c not in read and c in by_normal}
    taken = set(read.values()) | set(proposed.values())
    missing = tuple(c for c in MAPPABLE if c not in read and c not in proposed)
    return Proposal(display, generic.NAME, read, proposed, missing, tuple(h for h in header if h not in taken))


def _normal(header: str) -> str:
    """A header as a canonical name would be written: lower case, spaces, dashes and dots as "_"."""
    return re.sub(r"[\s\-.]+", "_", header.strip().lstrip("\ufeff").lower()).strip("_")


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (control characters included); DEL is escaped too."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
