"""The canonical contact table: one row per contact, defined once.

Readers (``slreport.ingest``) produce this table in DuckDB; metrics read nothing else.
Timestamps are TIMESTAMPTZ (UTC inside); durations are exact DECIMAL seconds so that sums
are identical whatever the row order or thread count.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTCOMES = ("answered", "abandoned", "flowout")
DURATION_TYPE = "DECIMAL(18,3)"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("contact_id", "VARCHAR", "the phone system's id of the contact (call id, uniqueid, ContactId)"),
    Column("company", "VARCHAR", "the company the contact was answered for; defaults to the file's stem"),
    Column("queue", "VARCHAR", "queue, skill or split the contact waited in"),
    Column("segment", "VARCHAR", "customer segment or priority, e.g. VIP"),
    Column("channel", "VARCHAR", "voice, chat, email, callback…; defaults to voice"),
    Column("direction", "VARCHAR", "inbound or outbound; defaults to inbound; only inbound is offered"),
    Column("caller", "VARCHAR", "the caller's number as text (personal data; NULL when withheld)"),
    Column("arrived_at", "TIMESTAMPTZ", "when the contact entered the queue; every count is by this time"),
    Column("answered_at", "TIMESTAMPTZ", "when an agent answered; NULL if not answered"),
    Column("ended_at", "TIMESTAMPTZ", "when the contact ended"),
    Column("wait_s", DURATION_TYPE, "seconds in queue before answer, abandon or flow-out"),
    Column("talk_s", DURATION_TYPE, "seconds of conversation with the agent"),
    Column("hold_s", DURATION_TYPE, "seconds the customer was on hold"),
    Column("acw_s", DURATION_TYPE, "seconds of after-contact work"),
    Column("outcome", "VARCHAR", "answered, abandoned (caller hung up) or flowout (left the queue by routing)"),
    Column("outcome_detail", "VARCHAR", "the phone system's own outcome or disposition value"),
    Column("agent", "VARCHAR", "the agent who answered"),
    Column("resolved", "BOOLEAN", "resolved flag from a disposition or survey; NULL when unknown"),
    Column("transferred", "BOOLEAN", "an answered contact the agent transferred (queue_log transfer events, Connect "
                                     "transfers, a generic transferred flag); NULL when the export does not say"),
    Column("callback", "BOOLEAN", "the caller chose to be called back instead of waiting (a generic callback flag, "
                                  "or channel callback); NULL when the export does not say"),
    Column("nps_score", "INTEGER", "net-promoter answer 0-10"),
    Column("csat_score", "DECIMAL(9,3)", "customer-satisfaction answer on the survey's scale"),
    Column("source", "VARCHAR", "where the row came from, as file:line"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
TIMESTAMP_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "TIMESTAMPTZ")
DURATION_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == DURATION_TYPE)

# Columns a reader may group by with --by.
GROUPABLE = ("company", "queue", "segment", "channel", "agent")


def create_table_sql(table: str = "contacts") -> str:
    """DDL of the canonical table (used by readers that insert rather than select)."""
    cols = ",\n  ".join(f"{c.name} {c.sql_type}" for c in COLUMNS)
    return f"CREATE TABLE {table} (\n  {cols}\n)"
