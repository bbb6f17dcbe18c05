"""The model comparison of docs/forecast.md: one rolling-origin backtest, several models.

    python bench/forecast_compare.py prepare /tmp/bank15.npz      # the project's Python: the bank's 15-minute counts
    /tmp/forecast-venv/bin/python bench/forecast_compare.py compare /tmp/bank15.npz [--no-gap]

`prepare` reads ../shared/data/anonymous_bank/ with slreport's ingest (as docs/forecast.md's command does) into
one series of offered per day × 15-minute slot. `compare` needs only NumPy and, for the libraries, a separate
venv (`python3 -m venv /tmp/forecast-venv && /tmp/forecast-venv/bin/pip install statsmodels statsforecast`);
never install those into the project's venv. `--no-gap` ends the history on 31 July (before the missing August).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BANK = ROOT.parent.parent / "shared" / "data" / "anonymous_bank"
TRAIN_WEEKS = 12


def prepare(out: str) -> None:
    from slreport import engine, ingest
    from slreport.forecast import history
    from slreport.options.read import ReadOptions, parse_column_maps, parse_outcome_maps
    from slreport.safe_paths import scratch_folder

    read = ReadOptions(
        column_map=parse_column_maps(["arrived_at={date} {vru_exit}", "wait_s=q_time", "talk_s=ser_time",
                                      "agent=server", "queue=type", "outcome=outcome"]),
        outcome_map=parse_outcome_maps(["answered=AGENT", "abandoned=HANG"]), input_tz="Asia/Jerusalem",
        time_formats=("%y%m%d %H:%M:%S",))
    with scratch_folder() as scratch:
        con = engine.connect(scratch, None, None)
        ingest.load(con, sorted(str(p) for p in BANK.glob("*.txt.gz")), read, scratch, None)
        history.create_cells_table(con)
        history.add_contacts(con, "Asia/Jerusalem", 15, False, "Anonymous Bank")
        (series,) = history.series_list(con, 15)
    np.savez(out, days=series.days, y=series.offered)


def unusual(y: np.ndarray, k: float = 1.5) -> np.ndarray:
    """slreport's unusual-day rule (slreport.forecast.days.unusual), without its imports."""
    tot = y.sum(1)
    bad = np.zeros(tot.size, bool)
    for i in range(tot.size):
        before = [tot[i - 7 * j] for j in (1, 2, 3, 4) if i - 7 * j >= 0 and tot[i - 7 * j] > 0]
        if tot[i] > 0 and len(before) >= 2:
            m = float(np.median(before))
            bad[i] = m > 0 and (tot[i] > k * m or tot[i] * k < m)
    return bad


def compare(path: str, no_gap: bool) -> None:
    from slreport.forecast import model as fm

    warnings.filterwarnings("ignore")
    z = np.load(path)
    days, y = z["days"], z["y"]
    open_days = np.flatnonzero(y.sum(1) > 0)
    if no_gap:
        end = int(open_days[np.flatnonzero(np.diff(open_days) > 7)[0]]) + 1
        days, y = days[:end], y[:end]
    usable = ~unusual(y) & (y.sum(1) > 0)
    slots = y.shape[1]
    week = 7 * slots

    def window(o: int) -> np.ndarray:
        return y[max(0, o - 7 * TRAIN_WEEKS):o].ravel()

    def ours(o: int) -> np.ndarray:
        return fm.predict(fm.fit(y[:o], days[:o], usable[:o]), days[o:o + 7])

    def sm_ets(o: int) -> np.ndarray:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        fit = ExponentialSmoothing(window(o), trend="add", damped_trend=True, seasonal="add", seasonal_periods=week,
                                   initialization_method="heuristic").fit()
        return np.maximum(0, fit.forecast(week)).reshape(7, slots)

    def sm_mstl(o: int) -> np.ndarray:
        from statsmodels.tsa.seasonal import MSTL

        res = MSTL(window(o), periods=(slots, week)).fit()
        seasonal = res.seasonal.sum(axis=1) if res.seasonal.ndim > 1 else res.seasonal
        return np.maximum(0, res.trend[-1] + seasonal[-week:]).reshape(7, slots)

    def statsforecast(factory):  # noqa: ANN001, ANN202
        def predict(o: int) -> np.ndarray:
            import pandas as pd
            from statsforecast import StatsForecast

            z = window(o)
            df = pd.DataFrame({"unique_id": "bank", "ds": np.arange(z.size), "y": z})
            fc = StatsForecast(models=[factory()], freq=1).forecast(df=df, h=week)
            return np.maximum(0, fc.iloc[:, -1].to_numpy()).reshape(7, slots)
        return predict

    def sf_mstl():  # noqa: ANN202
        from statsforecast.models import MSTL, AutoETS

        return MSTL(season_length=[slots, week], trend_forecaster=AutoETS(model="ZZN"))

    def sf_ses():  # noqa: ANN202
        from statsforecast.models import SeasonalExponentialSmoothingOptimized

        return SeasonalExponentialSmoothingOptimized(season_length=week)

    methods = {
        "same slot last week": lambda o: fm.seasonal_naive(y[:o], 7, 7),
        "same-slot mean of 4 weeks": lambda o: fm.four_week_mean(y[:o], 7),
        "NumPy model (shipped)": ours,
        "statsmodels ExponentialSmoothing": sm_ets, "statsmodels MSTL": sm_mstl,
        "statsforecast MSTL + AutoETS": statsforecast(sf_mstl),
        "statsforecast SeasonalES optimized": statsforecast(sf_ses),
    }
    for name, predict in methods.items():
        err = act = seconds = 0.0
        fits = 0
        for w in range(8, 0, -1):
            o = days.size - 7 * w
            actual = y[o:o + 7]
            scored = actual.sum(1) > 0
            if o < 28 or not scored.any():
                continue
            began = time.perf_counter()
            forecast = predict(o)
            seconds += time.perf_counter() - began
            fits += 1
            err += float(np.abs(actual[scored] - forecast[scored]).sum())
            act += float(actual[scored].sum())
        print(f"| {name} | {100 * err / act:.1f} % | {seconds / fits:.2f} s |", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2])
    else:
        compare(sys.argv[2], "--no-gap" in sys.argv)
