"""The staging table every reader fills: canonical columns plus where each row came from
and why it is not used (if it is not). The canonical ``contacts`` view is its usable rows.
"""

from __future__ import annotations

import duckdb

from slreport.ingest.sql import quote_literal
from slreport.schema import COLUMN_NAMES, COLUMNS

STAGED = "staged"
BOOKKEEPING = (
    ("file_index", "INTEGER"),
    ("line", "BIGINT"),
    ("reject_reason", "VARCHAR"),
    ("reject_column", "VARCHAR"),
    ("reject_value", "VARCHAR"),
    ("ignore_reason", "VARCHAR"),
)
STAGED_COLUMNS = COLUMN_NAMES + tuple(name for name, _ in BOOKKEEPING)


# Files whose rows leave ``source`` NULL: the contacts view derives it as display:line, so that
# millions of "file:line" strings are never stored (see create_contacts_view).
FILES = "staged_files"


def create_staging(con: duckdb.DuckDBPyConnection) -> None:
    cols = [f"{c.name} {c.sql_type}" for c in COLUMNS] + [f"{n} {t}" for n, t in BOOKKEEPING]
    con.execute(f"CREATE OR REPLACE TABLE {STAGED} ({', '.join(cols)})")
    con.execute(f"CREATE OR REPLACE TABLE {FILES} (file_index INTEGER, display VARCHAR)")


def register_file(con: duckdb.DuckDBPyConnection, file_index: int, display: str) -> None:
    """Rows of this file with a NULL ``source`` get ``display:line`` in the contacts view."""
    con.execute(f"INSERT INTO {FILES} VALUES (?, ?)", [file_index, display])


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """The same contact_id twice for one company (overlapping exports): keep the first seen."""
    con.execute(
        f"""
        UPDATE {STAGED} SET reject_reason = 'duplicate', reject_column = 'contact_id',
                            reject_value = contact_id
        WHERE rowid IN (
            SELECT s.rowid FROM {STAGED} s
            JOIN (  -- only ids seen twice reach the window: a hash aggregate is much cheaper than sorting all rows,
                    -- and grouping by a 64-bit hash of the key keeps it small; a collision only adds a candidate
                SELECT hash(company, contact_id) AS key FROM {STAGED}
                WHERE contact_id IS NOT NULL AND reject_reason IS NULL
                GROUP BY key HAVING count(*) > 1
            ) d ON hash(s.company, s.contact_id) = d.key
            WHERE s.contact_id IS NOT NULL AND s.reject_reason IS NULL
            QUALIFY row_number() OVER (
                PARTITION BY s.company, s.contact_id ORDER BY s.file_index, s.line) > 1
        )
        """
    )


def create_contacts_view(con: duckdb.DuckDBPyConnection) -> None:
    columns = [source_sql(con) if c == "source" else c for c in COLUMN_NAMES]
    con.execute(
        f"CREATE OR REPLACE VIEW contacts AS SELECT {', '.join(columns)} FROM {STAGED} "
        "WHERE reject_reason IS NULL AND ignore_reason IS NULL"
    )


def source_sql(con: duckdb.DuckDBPyConnection) -> str:
    """``source``, or display:line for the registered files (computed only when a query reads it)."""
    files = con.execute(f"SELECT file_index, display FROM {FILES} ORDER BY file_index").fetchall()
    if not files:
        return "source"
    whens = " ".join(f"WHEN {i} THEN {quote_literal(display + ':')}" for i, display in files)
    return f"coalesce(source, (CASE file_index {whens} END) || line) AS source"
