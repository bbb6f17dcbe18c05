"""`slreport forecast`: offered contacts per interval of the next weeks, with prediction intervals,
AHT, a backtest against two baselines, and the staffing plan (docs/forecast.md).

Modules: history (the day × slot matrices), intervals (the interval-volume table), days (unusual
days, holidays, opening hours), model (the NumPy model and the baselines), backtest, core (one
series), plan (Erlang C per interval), report (the JSON), sections (the views' tables).
"""
