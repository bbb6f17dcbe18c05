"""Deterministic generator of realistic contact-center call records in the canonical CSV layout.

    python sample_data/generate.py                       # the bundled sample (sample_data/calls.csv)
    python sample_data/generate.py --contacts 1000000 --days 365 --companies 8 -o big.csv

Same arguments, same bytes. What the data has, so that reports have something to find:
business-hour peaks (mornings and early afternoons, Mondays busiest), a snowstorm day that
triples one utility's calls, a few evening calls outside opening hours, short abandons,
flow-outs on long waits, repeat callers and withheld numbers, VIP segments, resolved flags,
NPS and CSAT answers for a share of answered calls. Times are Europe/Helsinki with offset.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Helsinki")
HEADER = [
    "contact_id", "company", "queue", "segment", "channel", "direction", "caller", "arrived_at",
    "answered_at", "ended_at", "wait_s", "talk_s", "hold_s", "acw_s", "outcome", "agent",
    "resolved", "nps_score", "csat_score",
]
# Share of a weekday's calls arriving in each local hour (opening hours 08-18, a few outside).
HOUR_SHAPE = {
    7: 0.6, 8: 6, 9: 12, 10: 13, 11: 11, 12: 8, 13: 10, 14: 10, 15: 9, 16: 8, 17: 6, 18: 1.2, 19: 0.7, 20: 0.4,
}
WEEKDAY_SHAPE = [1.3, 1.1, 1.0, 1.0, 0.9, 0.15, 0.05]  # Mon..Sun
BASE_COMPANIES = [
    ("Kotikatu Housing", ["repairs", "rent"]),
    ("Nordic Energy", ["faults", "billing"]),
    ("Perinta Collections", ["payments"]),
    ("Aalto Water", ["service"]),
    ("Helka Telecom", ["support", "sales"]),
    ("Saimaa Heat", ["service"]),
    ("Lumi Insurance", ["claims", "policies"]),
    ("Vesi Rental", ["tenants"]),
]


@dataclass(frozen=True)
class Company:
    name: str
    queues: list[str]
    weight: float
    agents: int
    spike_day: date | None


def companies(n: int, start: date, days: int) -> list[Company]:
    out = []
    for i in range(n):
        name, queues = BASE_COMPANIES[i % len(BASE_COMPANIES)]
        if i >= len(BASE_COMPANIES):
            name = f"{name} {i // len(BASE_COMPANIES) + 1}"
        # The snowstorm falls on the Wednesday of week 6, so that four earlier Wednesdays give a baseline.
        spike = start + timedelta(days=min(37, days - 1)) if name == "Nordic Energy" else None
        out.append(Company(name, queues, weight=1.0 / (1 + 0.35 * i), agents=8 + 3 * (i % 3), spike_day=spike))
    return out


def daily_volumes(cos: list[Company], start: date, days: int, contacts: int) -> dict[tuple[int, date], float]:
    """Expected calls per (company, day), scaled so that the total is about `contacts`."""
    raw: dict[tuple[int, date], float] = {}
    for ci, co in enumerate(cos):
        for d in range(days):
            day = start + timedelta(days=d)
            v = co.weight * WEEKDAY_SHAPE[day.weekday()]
            raw[(ci, day)] = v * (3.0 if day == co.spike_day else 1.0)
    scale = contacts / sum(raw.values())
    return {k: v * scale for k, v in raw.items()}


def wait_and_outcome(rng: random.Random, load: float) -> tuple[float, str]:
    """Queue wait against the caller's patience: heavier load, longer waits, more abandons."""
    mean_wait = 6 + 40 * load**2
    wait = rng.expovariate(1 / mean_wait) if rng.random() < min(0.95, 0.35 + 0.5 * load) else 0.0
    patience = rng.expovariate(1 / 95)
    if patience < wait:
        return round(patience, 1), "abandoned"
    if wait > 300:
        return 300.0, "flowout"
    return round(wait, 1), "answered"


class Callers:
    """A pool of callers per company: some call back, some withhold their number."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.numbers = [f"+35840{rng.randrange(10**6, 10**7)}" for _ in range(max(size, 10))]

    def pick(self) -> str:
        r = self.rng.random()
        if r < 0.04:
            return "anonymous"
        if r < 0.30:  # a repeat caller: from the small, busy end of the pool
            return self.numbers[int(self.rng.random() ** 3 * len(self.numbers) * 0.2)]
        return self.numbers[self.rng.randrange(len(self.numbers))]


def generate(out, contacts: int, days: int, n_companies: int, seed: int, start: date) -> int:
    rng = random.Random(seed)
    cos = companies(n_companies, start, days)
    volumes = daily_volumes(cos, start, days, contacts)
    callers = [Callers(rng, int(contacts / n_companies / 3)) for _ in cos]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    shape_total = sum(HOUR_SHAPE.values())
    written = 0
    for d in range(days):
        day = start + timedelta(days=d)
        for ci, co in enumerate(cos):
            expected = volumes[(ci, day)]
            for hour, share in HOUR_SHAPE.items():
                mean = expected * share / shape_total
                n = poisson(rng, mean)
                load = min(1.4, mean / (co.agents * 3.2))
                for _ in range(n):
                    written += 1
                    writer.writerow(call_row(rng, written, co, callers[ci], day, hour, load))
    return written


def call_row(rng: random.Random, n: int, co: Company, callers: Callers, day: date, hour: int, load: float) -> list:
    arrived = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE) + timedelta(seconds=rng.uniform(0, 3600))
    open_hours = 8 <= hour < 18 and day.weekday() < 5
    wait, outcome = wait_and_outcome(rng, load) if open_hours else (round(rng.uniform(2, 25), 1), "flowout")
    answered = ended = ""
    talk = hold = acw = agent = resolved = nps = csat = ""
    if outcome == "answered":
        t_answer = arrived + timedelta(seconds=wait)
        talk_s = round(rng.lognormvariate(math.log(200), 0.55), 1)
        hold_s = round(rng.expovariate(1 / 40), 1) if rng.random() < 0.2 else 0.0
        acw_s = round(rng.uniform(10, 60), 1)
        answered = iso(t_answer)
        ended = iso(t_answer + timedelta(seconds=talk_s + hold_s))
        talk, hold, acw = str(talk_s), str(hold_s), str(acw_s)
        agent = f"{co.name.split()[0].lower()}-{rng.randrange(1, co.agents + 1):02d}"
        resolved = "Y" if rng.random() < 0.78 else "N"
        if rng.random() < 0.15:
            nps = str(min(10, max(0, round(rng.gauss(7.8, 2.2)))))
        if rng.random() < 0.12:
            csat = str(min(5, max(1, round(rng.gauss(4.0, 1.0)))))
    else:
        ended = iso(arrived + timedelta(seconds=wait))
    segment = "VIP" if rng.random() < 0.08 else "standard"
    queue = co.queues[rng.randrange(len(co.queues))]
    return [f"C{n:08d}", co.name, queue, segment, "voice", "inbound", callers.pick(), iso(arrived), answered,
            ended, f"{wait:.1f}", talk, hold, acw, outcome, agent, resolved, nps, csat]


def iso(t: datetime) -> str:
    return t.isoformat(sep=" ", timespec="seconds")


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:  # normal approximation keeps large volumes fast
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=24000, help="about how many contacts (default 24000)")
    parser.add_argument("--days", type=int, default=56, help="days from --start (default 56)")
    parser.add_argument("--companies", type=int, default=4, help="how many companies (default 4)")
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 5))
    parser.add_argument("-o", "--output", default=str(Path(__file__).with_name("calls.csv")), help="- for stdout")
    a = parser.parse_args(argv)
    if a.output == "-":
        n = generate(sys.stdout, a.contacts, a.days, a.companies, a.seed, a.start)
    else:
        with open(a.output, "w", newline="", encoding="utf-8") as f:
            n = generate(f, a.contacts, a.days, a.companies, a.seed, a.start)
    print(f"wrote {n} contacts", file=sys.stderr)


if __name__ == "__main__":
    main()
