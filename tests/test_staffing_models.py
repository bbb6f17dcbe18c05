"""Queueing models: hand-computed values, an independent birth-death solution of Erlang A, the
batched (vectorised) code against the scalar reference, and the required-agent search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slreport.errors import UsageError
from slreport.queueing import batch, erlang, erlang_a
from slreport.queueing.required import required_agents, smallest
from slreport.queueing.targets import StaffingTargets, scheduled

SL_80_20 = StaffingTargets(sl_pct=80, sl_threshold_s=20)


def test_erlang_b_and_c_by_hand():
    # N = 2, A = 1: B = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2·0.2 / (2 − 1·0.8) = 1/3.
    assert erlang.erlang_b(2, 1.0) == pytest.approx(0.2, abs=1e-15)
    assert erlang.erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-15)
    # 30 calls per hour with AHT 120 s = 1 Erlang; at t = AHT the wait tail is C·e^(−(N−A)) = e^−1/3.
    p = erlang.performance(30, 3600, 120, 2, 120)
    assert p.service_level == pytest.approx(1 - math.exp(-1) / 3, abs=1e-15)
    assert p.asa_s == pytest.approx(120 / 3, abs=1e-12)  # C · AHT / (N − A)
    assert p.occupancy == 0.5


def test_erlang_b_is_stable_for_many_agents():
    # Direct formula in log space for comparison: B = (A^N/N!) / Σ A^k/k!.
    for n, a in ((500, 480.0), (1000, 950.5), (300, 10.0)):
        logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(n + 1)]
        top = max(logs)
        direct = math.exp(logs[-1] - top) / sum(math.exp(v - top) for v in logs)
        assert erlang.erlang_b(n, a) == pytest.approx(direct, rel=1e-10)
    assert 0 < erlang.erlang_c(1000, 950.5) < 1


def test_erlang_c_is_undefined_at_or_below_the_load():
    p = erlang.performance(100, 1800, 180, 10, 20)  # A = 10 = N
    assert (p.p_wait, p.service_level, p.asa_s) == (1.0, None, None)
    assert not p.meets(SL_80_20)


def birth_death(calls, interval_s, aht, theta, agents, t, queue_states=4000):
    """Erlang A the long way: truncated stationary distribution, then the tagged caller's race
    between being reached (rates Nμ + kγ for k callers ahead) and giving up (γ), by uniformization."""
    lam, mu, gam = calls / interval_s, 1 / aht, 1 / theta
    logp = [0.0]
    for n in range(1, agents + queue_states + 1):
        rate = n * mu if n <= agents else agents * mu + (n - agents) * gam
        logp.append(logp[-1] + math.log(lam / rate))
    p = np.exp(np.array(logp) - max(logp))
    p /= p.sum()
    queue = p[agents:]
    j = np.arange(queue.size)
    p_wait, p_ab = queue.sum(), (j * gam * queue).sum() / lam
    ahead = queue[:600].copy()
    advance = agents * mu + np.arange(ahead.size) * gam
    big = advance.max() + gam
    served, within, weight = 0.0, 0.0, math.exp(-big * t)
    for m in range(int(big * t + 15 * math.sqrt(big * t) + 50)):
        within += weight * served
        served += ahead[0] * advance[0] / big
        nxt = ahead * (1 - (advance + gam) / big)
        nxt[:-1] += ahead[1:] * advance[1:] / big
        ahead, weight = nxt, weight * big * t / (m + 1)
    return p_wait, p_ab, 1 - p_wait + within


@pytest.mark.parametrize(
    ("calls", "aht", "theta", "agents", "t"),
    [(100, 180, 300, 14, 20), (100, 180, 300, 9, 20), (40, 300, 60, 5, 30), (900, 240, 200, 115, 20)],
)
def test_erlang_a_matches_a_birth_death_solution(calls, aht, theta, agents, t):
    p_wait, p_ab, sl = birth_death(calls, 1800, aht, theta, agents, t)
    got = erlang_a.performance(calls, 1800, aht, theta, agents, t)
    assert got.p_wait == pytest.approx(p_wait, abs=1e-9)
    assert got.p_abandon == pytest.approx(p_ab, abs=1e-9)
    assert got.service_level == pytest.approx(sl, abs=1e-7)
    assert got.asa_s == pytest.approx(theta * p_ab, rel=1e-12)  # Little: E[wait of all] = θ·P(abandon)
    assert got.occupancy == pytest.approx(calls * aht / 1800 * (1 - p_ab) / agents, rel=1e-9)


def test_erlang_a_with_endless_patience_is_erlang_c():
    a, c = erlang_a.performance(100, 1800, 180, 1e9, 14, 20), erlang.performance(100, 1800, 180, 14, 20)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-6)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, abs=1e-4)


def test_erlang_a_with_nobody_answering():
    p = erlang_a.performance(10, 1800, 180, 120, 0, 20)
    assert (p.p_wait, p.service_level, p.asa_s, p.occupancy, p.p_abandon) == (1.0, 0.0, 120, None, 1.0)


def test_batched_erlang_a_equals_the_scalar_reference():
    rng = np.random.default_rng(7)
    lam, aht = rng.uniform(0.001, 1.5, 150), rng.uniform(60, 600, 150)
    theta, agents = rng.uniform(5, 1500, 150), rng.integers(0, 300, 150)
    got = batch.performance_many(lam, aht, theta, agents, 20.0)
    for i in range(150):
        ref = erlang_a.performance(lam[i] * 1800, 1800, aht[i], theta[i], int(agents[i]), 20.0)
        for key in ("p_wait", "service_level", "asa_s", "p_abandon", "occupancy"):
            want = getattr(ref, key)
            if want is None:
                assert np.isnan(got[key][i])
            else:
                assert got[key][i] == pytest.approx(want, rel=1e-7, abs=1e-10), (i, key)


@pytest.mark.parametrize(
    "targets",
    [
        SL_80_20,
        StaffingTargets(sl_pct=90, sl_threshold_s=15, max_occupancy=0.8),
        StaffingTargets(max_asa_s=10, max_p_wait=0.3),
        StaffingTargets(sl_pct=80, sl_threshold_s=20, max_abandon=0.02),
    ],
)
def test_batched_required_agents_equal_the_scalar_search(targets):
    rng = np.random.default_rng(11)
    calls = np.concatenate(([0, 1, 2], rng.integers(0, 700, 60))).astype(float)
    aht = rng.uniform(90, 420, calls.size)
    theta = rng.choice([30.0, 120.0, 600.0], calls.size)
    c_targets = StaffingTargets(**{**targets.__dict__, "max_abandon": None})
    req_c = erlang.required_many(calls, aht, 1800, c_targets)
    req_a = batch.required_erlang_a_many(calls, aht, theta, 1800, targets, req_c)
    for i in range(calls.size):
        assert req_c[i] == required_agents(calls[i], 1800, aht[i], c_targets), i
        assert req_a[i] == required_agents(calls[i], 1800, aht[i], targets, theta[i]), i


def test_required_agents_edge_cases():
    assert required_agents(0, 1800, 180, SL_80_20) == 0
    assert required_agents(0.0001, 1800, 180, SL_80_20) == 1
    never = StaffingTargets(max_asa_s=0)  # every caller waits a little with any N
    assert required_agents(100, 1800, 180, never) is None
    assert required_agents(100, 1800, 180, never, patience_s=300) is None
    found = erlang.required_many(np.array([0.0, 100.0, 100.0]), np.array([180.0, np.nan, 180.0]), 1800,
                                 never, max_agents=200)
    assert list(found) == [0, -1, -1]
    assert list(batch.required_erlang_a_many(np.array([100.0]), np.array([180.0]), np.array([300.0]), 1800, never,
                                             np.array([14]))) == [-1]


@pytest.mark.parametrize("targets", [StaffingTargets(max_occupancy=1.0), StaffingTargets(max_p_wait=1.0)])
def test_erlang_c_never_recommends_an_unstable_queue(targets):
    # N ≤ A "meets" an occupancy or P(wait) limit of 1 on paper; Erlang C still needs N > A.
    assert required_agents(100, 1800, 180, targets) == 11
    assert list(erlang.required_many(np.array([100.0]), np.array([180.0]), 1800, targets)) == [11]


def test_required_is_the_smallest_n_meeting_the_target():
    n = required_agents(100, 1800, 180, SL_80_20)
    assert erlang.performance(100, 1800, 180, n, 20).meets(SL_80_20)
    assert not erlang.performance(100, 1800, 180, n - 1, 20).meets(SL_80_20)


@pytest.mark.parametrize("answer", [0, 1, 2, 7, 63, 64, 65, 500])
@pytest.mark.parametrize("guess", [0, 1, 5, 64, 499, 900])
def test_smallest_finds_the_boundary_from_any_guess(answer, guess):
    assert smallest(lambda n: n >= answer, guess, 1000) == answer
    got = batch.smallest_many(lambda i, n: n >= answer, np.array([guess]), np.array([1000]))
    assert list(got) == [answer]


def test_smallest_reports_an_unreachable_target():
    assert smallest(lambda n: False, 3, 50) is None
    assert list(batch.smallest_many(lambda i, n: n < 0, np.array([3]), np.array([50]))) == [-1]


def test_scheduled_staff_does_not_round_up_a_floating_point_hair():
    assert scheduled(14, 0.3) == 20  # 14 / 0.7 = 20.000000000000004 in floating point
    assert scheduled(15, 0.3) == 22
    assert scheduled(0, 0.3) == 0
    assert scheduled(None, 0.3) is None


@pytest.mark.parametrize(
    "bad", [{"shrinkage": 1.0}, {"shrinkage": -0.1}, {"max_occupancy": 0}, {"max_p_wait": 1.5}, {"max_asa_s": -1}]
)
def test_out_of_range_targets_are_usage_errors(bad):
    with pytest.raises(UsageError):
        StaffingTargets(**bad)
