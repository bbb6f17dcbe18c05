"""Quoting for the few places where names and values from files become SQL text."""


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def inside_window_sql(window: tuple[str | None, str | None] | None, column: str = "arrived_at",
                      timestamp_type: str = "TIMESTAMPTZ") -> str:
    """The condition that ``column`` lies in the report period [since, until) (ISO-8601 instants; either
    end open), or ``true``: the one period filter of every reader and engine (Spark's type is TIMESTAMP)."""
    since, until = window or (None, None)
    inside = ["true"]
    if since is not None:
        inside.append(f"{column} >= CAST({quote_literal(since)} AS {timestamp_type})")
    if until is not None:
        inside.append(f"{column} < CAST({quote_literal(until)} AS {timestamp_type})")
    return " AND ".join(inside)
