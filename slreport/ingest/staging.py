"""The staging table every reader fills: canonical columns plus where each row came from
and why it is not used (if it is not). The canonical ``contacts`` view is its usable rows.
"""

from __future__ import annotations

import duckdb

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


def create_staging(con: duckdb.DuckDBPyConnection) -> None:
    cols = [f"{c.name} {c.sql_type}" for c in COLUMNS] + [f"{n} {t}" for n, t in BOOKKEEPING]
    con.execute(f"CREATE OR REPLACE TABLE {STAGED} ({', '.join(cols)})")


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """The same contact_id twice for one company (overlapping exports): keep the first seen."""
    con.execute(
        f"""
        UPDATE {STAGED} SET reject_reason = 'duplicate', reject_column = 'contact_id',
                            reject_value = contact_id
        WHERE rowid IN (
            SELECT s.rowid FROM {STAGED} s
            JOIN (  -- only ids seen twice reach the window: a hash aggregate is much cheaper than sorting all rows
                SELECT company, contact_id FROM {STAGED}
                WHERE contact_id IS NOT NULL AND reject_reason IS NULL
                GROUP BY company, contact_id HAVING count(*) > 1
            ) d ON s.company IS NOT DISTINCT FROM d.company AND s.contact_id = d.contact_id
            WHERE s.reject_reason IS NULL
            QUALIFY row_number() OVER (
                PARTITION BY s.company, s.contact_id ORDER BY s.file_index, s.line) > 1
        )
        """
    )


def create_contacts_view(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE OR REPLACE VIEW contacts AS SELECT {', '.join(COLUMN_NAMES)} FROM {STAGED} "
        "WHERE reject_reason IS NULL AND ignore_reason IS NULL"
    )
