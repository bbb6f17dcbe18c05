"""`slreport forecast`: offered contacts per interval of the next weeks, with prediction intervals,
AHT, a backtest against two baselines, and the staffing plan (docs/forecast.md).

Modules: history (the day × slot matrices), intervals (the interval-volume table), days (unusual
days, holidays, opening hours), model (the NumPy model and the baselines), backtest, core (one
series), plan (Erlang C/A per interval), report (the JSON), schema (its JSON Schema), sections (the views'
blocks). The --out folder is slreport.folder.forecast.
"""
