"""The staffing plan: agents per forecast interval by Erlang C (slreport.queueing), each company's
targets (its service level, the shared ASA / P(wait) / occupancy targets and shrinkage of the
settings), after the what-ifs. The same arithmetic as `slreport erlang`: for one interval, the plan's
required agents are what `slreport erlang --calls OFFERED --aht AHT_S` recommends.

    required   the fewest agents on the phones meeting every target: Erlang C (--max-abandon does not
               apply), or Erlang A with --patience (mean patience in seconds); 0 for an interval
               without forecast contacts; null when the AHT is unknown
    scheduled  ceil(required / (1 − shrinkage))
    agent-hours of a day = Σ required × interval length in hours (and scheduled the same)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from slreport.metrics.policy import company_policy
from slreport.metrics.staffing_calc import erlang_c_targets, scheduled_many
from slreport.options.forecast import WhatIf
from slreport.options.settings import Settings
from slreport.queueing import erlang
from slreport.queueing.batch import required_erlang_a_many
from slreport.queueing.targets import StaffingTargets


def company_targets(settings: Settings, company: str, what_if: WhatIf) -> StaffingTargets:
    """The targets the plan meets for ``company``: its own service level unless --sl replaces it."""
    policy = company_policy(settings, company)
    targets = settings.staffing.with_service_level(float(policy["target_pct"]), float(policy["threshold_s"]))
    if what_if.service_level is not None:
        targets = targets.with_service_level(what_if.service_level.target_pct, what_if.service_level.threshold_s)
    if what_if.shrinkage is not None:
        targets = replace(targets, shrinkage=what_if.shrinkage)
    return targets


def adjusted(offered: np.ndarray, aht: np.ndarray, what_if: WhatIf) -> tuple[np.ndarray, np.ndarray]:
    """The forecast after --volume and --aht, rounded as the output shows it."""
    return (np.round(offered * (1 + what_if.volume_change), 2), np.round(aht * (1 + what_if.aht_change), 1))


def agents(calls: np.ndarray, aht: np.ndarray, interval_s: float, targets: StaffingTargets,
           patience_s: float | None = None) -> tuple[Any, Any]:
    """(required, scheduled) per interval; −1 where unknown (no AHT, or no N meets the targets).
    Erlang C, or Erlang A with a mean patience (``--patience``), as `slreport erlang` does."""
    calls = np.asarray(calls, dtype=float)
    aht = np.where(calls > 0, aht, 1.0)  # no calls: 0 agents, whatever the AHT
    required = erlang.required_many(calls, aht, interval_s, erlang_c_targets(targets))
    if patience_s is not None:
        required = required_erlang_a_many(calls, aht, np.full(calls.size, patience_s), interval_s, targets, required)
    return required, scheduled_many(required, targets.shrinkage)
