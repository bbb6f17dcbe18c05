"""Staffing targets and what one staffing level achieves (light: no NumPy, used by settings and CLI)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from slreport.errors import UsageError

# A ratio computed in floating point (14 / 0.7 = 20.000000000000004) must not round up a whole agent.
CEIL_SLACK = 1e-9


@dataclass(frozen=True)
class StaffingTargets:
    """The targets a staffing level must meet; None = that target does not apply. The report's settings
    hold them without a service level (each company's own is added by ``with_service_level``).

    ``sl_pct``/``sl_threshold_s``: at least sl_pct % of calls answered within the threshold;
    ``max_p_wait`` and ``max_abandon`` are probabilities (0-1); ``max_occupancy`` a fraction.
    """

    sl_pct: float | None = None
    sl_threshold_s: float | None = None
    max_asa_s: float | None = None
    max_p_wait: float | None = None
    max_abandon: float | None = None
    max_occupancy: float | None = None
    shrinkage: float = 0.0

    def __post_init__(self) -> None:
        check_fraction("--max-pwait", self.max_p_wait, allow_one=True)
        check_fraction("--max-abandon", self.max_abandon, allow_one=True)
        check_fraction("--max-occupancy", self.max_occupancy, allow_one=True)
        check_fraction("--shrinkage", self.shrinkage, allow_one=False, allow_zero=True)
        if self.max_asa_s is not None and self.max_asa_s < 0:
            raise UsageError(f"--max-asa {self.max_asa_s:g} is negative", "give seconds, e.g. --max-asa 30")

    def with_service_level(self, sl_pct: float | None, sl_threshold_s: float | None) -> StaffingTargets:
        """These targets with a company's service level (the report's targets leave it to each company)."""
        return replace(self, sl_pct=sl_pct, sl_threshold_s=sl_threshold_s)

    def any(self) -> bool:
        return any(
            v is not None for v in (self.sl_pct, self.max_asa_s, self.max_p_wait, self.max_abandon, self.max_occupancy)
        )

    def as_json(self) -> dict[str, object]:
        sl = None if self.sl_pct is None else f"{self.sl_pct:g}/{self.sl_threshold_s:g}"
        return {
            "service_level": sl, "max_asa_s": self.max_asa_s, "max_p_wait": self.max_p_wait,
            "max_abandon": self.max_abandon, "max_occupancy": self.max_occupancy, "shrinkage": self.shrinkage,
        }


def check_fraction(option: str, value: float | None, *, allow_one: bool, allow_zero: bool = False) -> None:
    if value is None:
        return
    low_ok = value >= 0 if allow_zero else value > 0
    high_ok = value <= 1 if allow_one else value < 1
    if not (low_ok and high_ok and math.isfinite(value)):
        upper = "1" if allow_one else "below 1"
        raise UsageError(
            f"{option} {value:g} is out of range", f"give a fraction above 0 and at most {upper}, e.g. 0.3"
        )


@dataclass(frozen=True)
class Performance:
    """What ``agents`` achieve for one interval's traffic under a queueing model.

    p_wait: probability an arrival waits at all; service_level: share of all arrivals answered
    within the threshold (0-1); asa_s: mean wait over all arrivals (abandoners included, Erlang A);
    occupancy: busy agents / agents; p_abandon: Erlang A only. None where undefined (N ≤ A in
    Erlang C: the queue grows without bound).
    """

    agents: int
    p_wait: float | None
    service_level: float | None
    asa_s: float | None
    occupancy: float | None
    p_abandon: float | None = None

    def meets(self, t: StaffingTargets) -> bool:
        # A relative hair of slack, so that a boundary hit exactly (A/N = 0.7 computed as
        # 0.7000000000000001) counts as met; a limit of 0 stays strict.
        checks = (
            (t.sl_pct, self.service_level, lambda v, lim: 100 * v >= lim * (1 - 1e-12)),
            (t.max_asa_s, self.asa_s, lambda v, lim: v <= lim * (1 + 1e-12)),
            (t.max_p_wait, self.p_wait, lambda v, lim: v <= lim * (1 + 1e-12)),
            (t.max_abandon, self.p_abandon, lambda v, lim: v <= lim * (1 + 1e-12)),
            (t.max_occupancy, self.occupancy, lambda v, lim: v <= lim * (1 + 1e-12)),
        )
        return all(lim is None or (v is not None and ok(v, lim)) for lim, v, ok in checks)


def scheduled(agents: int | None, shrinkage: float) -> int | None:
    """Staff to schedule so that ``agents`` remain on the phones after shrinkage."""
    if agents is None:
        return None
    return math.ceil(agents / (1 - shrinkage) - CEIL_SLACK)
