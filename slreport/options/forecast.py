"""`forecast`'s own options (horizon, grouping, the plan and its what-ifs), parsed once for the CLI
and the library. Settings (zone, interval, holidays, targets) are resolved as analyze's are, with
slreport.toml underneath."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slreport.errors import UsageError
from slreport.options import values
from slreport.options.analyze import AnalyzeArgs, InputArgs, RunOptions, StaffingArgs, resolve
from slreport.options.settings import Settings
from slreport.options.values import ServiceLevelTarget

MAX_HORIZON_DAYS = 92
_HORIZON_RE = re.compile(r"^\s*(\d+)\s*([dw]?)\s*$", re.IGNORECASE)
_CHANGE_RE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class WhatIf:
    """Changes applied to the forecast before staffing (None / 0: none), echoed in the output."""

    volume_change: float = 0.0  # +0.2 = 20 % more contacts
    aht_change: float = 0.0  # −0.1 = handle time 10 % shorter
    service_level: ServiceLevelTarget | None = None  # every company's target, instead of its own
    shrinkage: float | None = None  # every company's shrinkage, instead of the settings'
    patience_s: float | None = None  # mean patience: Erlang A instead of Erlang C

    def as_json(self) -> dict[str, Any]:
        return {"volume_change_pct": round(100 * self.volume_change, 4),
                "aht_change_pct": round(100 * self.aht_change, 4),
                "service_level": str(self.service_level) if self.service_level else None, "shrinkage": self.shrinkage,
                "patience_s": self.patience_s}

    def any(self) -> bool:
        return bool(self.volume_change or self.aht_change or self.service_level or self.shrinkage is not None
                    or self.patience_s is not None)


@dataclass(frozen=True)
class ForecastOptions:
    horizon_days: int = 14
    by_queue: bool = False
    plan: bool = False
    what_if: WhatIf = field(default_factory=WhatIf)
    company: str | None = None  # every contact of the exports as this company (their own otherwise)


@dataclass(frozen=True)
class ForecastArgs:
    """The command line's values as given (text)."""

    input: InputArgs
    given: dict[str, Any] = field(default_factory=dict)  # settings flags given explicitly
    config: str | None = None
    horizon: str = "2w"
    by: str | None = None
    plan: bool = False
    company: str | None = None
    volume: str | None = None
    aht: str | None = None
    sl: str | None = None
    patience: str | None = None
    staffing: StaffingArgs = field(default_factory=StaffingArgs)
    memory_limit: str | None = None


@dataclass(frozen=True)
class ForecastRequest:
    settings: Settings
    run: RunOptions
    options: ForecastOptions


def parse_horizon(text: str) -> int:
    """ "2w" → 14, "10d" or "10" → 10 days (1 … MAX_HORIZON_DAYS)."""
    m = _HORIZON_RE.match(text or "")
    days = int(m.group(1)) * (7 if m.group(2).lower() == "w" else 1) if m else 0
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise UsageError(f"--horizon {text!r} is not a horizon of 1 to {MAX_HORIZON_DAYS} days",
                         "write it like 2w or 10d")
    return days


def parse_change(flag: str, text: str | None) -> float:
    """ "+20%" → 0.2, "-10%" → −0.1 (more than −100 %)."""
    if text is None:
        return 0.0
    m = _CHANGE_RE.match(text)
    if not m or float(m.group(1)) <= -100:
        raise UsageError(f"{flag} {text!r} is not a percentage change", f"write it like {flag} +20% or {flag} -10%")
    return float(m.group(1)) / 100


def parse_patience(text: str | None) -> float | None:
    """--patience SECONDS: a mean patience above 0."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise UsageError(f"--patience {text!r} is not a number of seconds above 0", "write it like --patience 120")
    return value


def parse_by(text: str | None) -> bool:
    """--by company (default) or company,queue: whether to forecast per queue."""
    keys = tuple(k.strip() for k in (text or "company").split(","))
    if keys == ("company",):
        return False
    if keys == ("company", "queue"):
        return True
    raise UsageError(f"--by {text!r} cannot be forecast", "forecast --by company or --by company,queue")


def resolve_forecast(args: ForecastArgs, cwd: Path) -> ForecastRequest:
    """The settings (slreport.toml with the options on top), how to read, and the forecast options."""
    given = dict(args.given)
    analyze_args = AnalyzeArgs(input=args.input, given=given, config=args.config, staffing=args.staffing,
                               memory_limit=args.memory_limit)
    request = resolve(analyze_args, cwd)
    sl = values.checked("--sl", values.service_level, args.sl) if args.sl is not None else None
    shrinkage = (values.checked("--shrinkage", values.shrinkage, args.staffing.shrinkage)
                 if args.staffing.shrinkage is not None else None)
    patience = parse_patience(args.patience)
    what_if = WhatIf(parse_change("--volume", args.volume), parse_change("--aht", args.aht), sl, shrinkage, patience)
    if what_if.any() and not args.plan:
        raise UsageError("--volume, --aht, --sl, --shrinkage and --patience change the staffing plan", "add --plan")
    options = ForecastOptions(parse_horizon(args.horizon), parse_by(args.by), args.plan, what_if,
                              args.company.strip() or None if args.company else None)
    return ForecastRequest(request.settings, request.run, options)
