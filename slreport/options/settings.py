"""Report settings: the policies every report prints (their option values are parsed by options/values.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

from slreport.errors import UsageError
from slreport.options.hours import HoursPolicy
from slreport.options.values import FCR_METHODS, FCR_WINDOWS_H, ServiceLevelTarget, SlMethod
from slreport.queueing.targets import StaffingTargets


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Settings:
    threshold_s: int = 20
    target_pct: float = 80.0
    sl_method: SlMethod = SlMethod.NEGATIVE
    short_abandon_s: int = 5
    timezone: str = "UTC"
    by: tuple[str, ...] = ("company",)
    interval_minutes: int = 60  # length of the intervals of the interval and staffing tables
    extra: dict[str, object] = field(default_factory=dict)
    # First-contact resolution, survey scores and targets (docs/fcr-and-targets.md).
    fcr_method: str = "auto"  # flag | repeat | auto (flag when the data has resolved flags)
    fcr_window_h: int = 72  # repeat window W in elapsed hours: 24, 72, 168 or 720
    csat_scale: int = 5  # CSAT answers are 1..csat_scale
    answer_rate_target: float | None = None  # minimum answer rate %
    abandon_rate_max: float | None = None  # maximum abandon rate %
    fcr_target: float | None = None  # minimum FCR %
    nps_target: float | None = None  # minimum NPS
    opening_hours: str | None = None  # e.g. "mon-fri 08:00-20:00" (used by the peaks tables)
    holidays_country: str | None = None  # ISO 3166 country code of the public holidays
    companies: dict[str, dict[str, object]] = field(default_factory=dict)  # per-company overrides by field name
    # scoped overrides: company → "queue" | "segment" | "channel" → name → field → value (metrics/policy.py)
    scopes: dict[str, dict[str, dict[str, dict[str, object]]]] = field(default_factory=dict)
    business_hours: bool = False  # the SL threshold counts only opening hours (email and ticket promises)
    config_file: str | None = None  # the slreport.toml used, if any
    top_n: int = 5  # peak intervals listed per company
    unusual_factor: float = 1.5  # k: a day is unusual above k × or below 1/k × its weekday's median
    include_closed: bool = False  # count contacts outside opening hours in the service level
    hours: HoursPolicy = field(default_factory=HoursPolicy)  # opening hours and holidays per company
    staffing: StaffingTargets = field(default_factory=StaffingTargets)  # staffing targets besides --sl

    def __post_init__(self) -> None:
        if self.short_abandon_s < 0:
            raise UsageError("--short-abandon must be 0 or more seconds", "use 0 to disable")
        if self.short_abandon_s > self.threshold_s:
            raise UsageError(
                f"short-abandon threshold {self.short_abandon_s} s exceeds the service-level "
                f"threshold {self.threshold_s} s",
                "a short abandon must be shorter than the answer threshold: lower --short-abandon",
            )
        self.check_interval()
        self.check_peaks()
        self.check_fcr()

    def check_fcr(self) -> None:
        if self.fcr_method not in FCR_METHODS:
            raise UsageError(f"FCR method {self.fcr_method!r} is not supported",
                             f"choose from {', '.join(FCR_METHODS)}")
        if self.fcr_window_h not in FCR_WINDOWS_H.values():
            raise UsageError(f"FCR window {self.fcr_window_h} h is not supported",
                             f"choose from {', '.join(FCR_WINDOWS_H)}")

    def check_peaks(self) -> None:
        if self.top_n < 1:
            raise UsageError(f"--top {self.top_n} must be 1 or more", "e.g. --top 5")
        if not self.unusual_factor > 1:
            raise UsageError(f"--unusual-factor {self.unusual_factor:g} must be above 1", "e.g. --unusual-factor 1.5")

    def check_interval(self) -> None:
        if self.interval_minutes not in (15, 30, 60):
            raise UsageError(f"--interval {self.interval_minutes} is not supported", "use 15, 30 or 60 (minutes)")

    def as_json(self) -> dict[str, object]:
        d = asdict(self)
        d.pop("extra")
        d.pop("companies")  # the report shows the effective settings per company instead
        d.pop("scopes")  # and per scope, under each company
        d["sl_method"] = self.sl_method.value
        d["service_level"] = str(ServiceLevelTarget(self.target_pct, self.threshold_s))
        d["staffing"] = {k: v for k, v in d["staffing"].items() if k not in ("sl_pct", "sl_threshold_s")}
        d["by"] = list(self.by)
        del d["hours"], d["holidays_country"]  # the parsed policy below says both, per company
        d["opening_hours"] = self.hours.as_json()
        d["closed_hours_contacts"] = "included in service level" if self.include_closed else (
            "excluded from service level (reported under outside_hours)")
        d.update(self.extra)
        return d
