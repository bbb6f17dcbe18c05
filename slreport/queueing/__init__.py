"""Queueing models for staffing: Erlang B/C (M/M/N), Erlang A (M/M/N+M), required agents, patience.

Pure Python/NumPy. Import the submodules directly (``slreport.queueing.erlang`` …); this package
file stays empty of heavy imports so that the settings and the CLI can use ``targets`` cheaply.
"""
