"""Hand-built contacts for the peaks tests: one CSV line per contact, times with offsets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slreport.options.hours import CompanyHours, HoursPolicy, parse_opening_hours
from slreport.options.read import ReadOptions
from slreport.options.settings import Settings
from slreport.pipeline import Analysis, RunOptions, analyze_all

HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome"


def line(n: int, arrived: str, company: str = "Acme", wait: float = 5, outcome: str = "answered") -> str:
    talk = "60" if outcome == "answered" else ""
    return f"c{n},{company},,{arrived},{wait},{talk},{outcome}"


def lines(arrivals: list[str], company: str = "Acme", start: int = 0, **kw: Any) -> list[str]:
    return [line(start + i, a, company, **kw) for i, a in enumerate(arrivals)]


def write(path: Path, body: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *body]) + "\n", encoding="utf-8")
    return path


def hours(text: str | None = None, country: str | None = None) -> HoursPolicy:
    return HoursPolicy(CompanyHours(parse_opening_hours(text) if text else None, country))


def run_all(path: Path, tz: str = "Europe/Helsinki", **settings: Any) -> Analysis:
    """analyze_all as the CLI calls it: the report and the full tables."""
    return analyze_all([str(path)], Settings(timezone=tz, **settings), RunOptions(read=ReadOptions(input_tz=tz)))


def of(rows: list[dict[str, Any]], company: str | None = "Acme") -> list[dict[str, Any]]:
    return [r for r in rows if r["company"] == company]
