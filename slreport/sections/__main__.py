"""python -m slreport.sections --schema: write slreport/report.schema.json from the sections."""

from __future__ import annotations

import argparse
import sys

from slreport.sections.contract import schema_text, write_schema
from slreport.sections.schema import SCHEMA_FILE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", action="store_true", help="rewrite slreport/report.schema.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped schema is not the generated one")
    args = parser.parse_args()
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()
        print("report.schema.json is " + ("current" if current else "out of date: run python -m slreport.sections"
                                          " --schema"))
        return 0 if current else 1
    if args.schema:
        print(f"wrote {write_schema()}")
        return 0
    for section in __import__("slreport.sections", fromlist=["SECTIONS"]).SECTIONS:
        print(f"{section.name:15} {', '.join(section.keys) or '-':60} {' '.join(section.views())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
