"""The SQL value parsers and the caller function, one value at a time, on real DuckDB."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from slreport.ingest.callers import caller_sql, create_caller_function
from slreport.ingest.parse_sql import duration_sql, flag_sql, timestamp_sql, without_offset_sql
from slreport.ingest.sql import quote_literal
from slreport.ingest.text import sniff_delimiter


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    create_caller_function(c)
    return c


def value(con, expr):
    return con.execute(f"SELECT {expr}").fetchall()[0][0]


@pytest.mark.parametrize(("text", "unit", "seconds"), [
    ("12", "s", "12"), ("12.5", "s", "12.5"), ("12,5", "s", "12.5"), ("1:05", "s", "65"),
    ("0:01:05", "s", "65"), ("1:00:00", "s", "3600"), ("0:00:20,5", "s", "20.5"), ("1500", "ms", "1.5"),
    ("20001", "ms", "20.001"), ("-3", "s", "-3"), ("abc", "s", None), ("1:5", "s", None),
])
def test_durations(con, text, unit, seconds):
    got = value(con, duration_sql(quote_literal(text), unit))
    assert got == (Decimal(seconds) if seconds is not None else None)


@pytest.mark.parametrize(("text", "flag"), [
    ("Y", True), ("n", False), ("1", True), ("0", False), ("TRUE", True), ("false", False), ("K", True),
    ("ei", False), ("maybe", None),
])
def test_flags(con, text, flag):
    assert value(con, flag_sql(quote_literal(text))) is flag


@pytest.mark.parametrize(("text", "iso"), [
    ("2024-03-31 02:30:00", "2024-03-31T00:30:00+00:00"),  # before the change (UTC+2)
    ("2024-03-31 03:30:00", "2024-03-31T01:30:00+00:00"),  # in the gap: read with the offset before it
    ("2024-03-31 04:30:00", "2024-03-31T01:30:00+00:00"),  # after the change (UTC+3)
    ("2024-03-31T02:00:00+02:00", "2024-03-31T00:00:00+00:00"),
    ("1711846800", "2024-03-31T01:00:00+00:00"),
    ("1711846800000", "2024-03-31T01:00:00+00:00"),
    ("31.03.2024 04.00.00", "2024-03-31T01:00:00+00:00"),
    ("2024/3/31 4:00", "2024-03-31T01:00:00+00:00"),
    ("2024-10-27 03:30:00", "2024-10-27T01:30:00+00:00"),  # the repeated hour: its second (UTC+2) instance
])
def test_timestamps_in_helsinki(con, text, iso):
    got = value(con, timestamp_sql(quote_literal(text), "Europe/Helsinki"))
    assert got.isoformat() == iso


@pytest.mark.parametrize("text", ["5-1-1 10:00", "26-01-05 10:00:00", "epoch", "infinity", "1989-12-31 23:00:00"])
def test_timestamps_outside_1990_to_2099_are_not_read(con, text):
    """Texts DuckDB's cast reads as a year before 1000, 1970 or infinity, and a year before 1990,
    are bad timestamps: the cast is tried only on texts starting with a four-digit year."""
    assert value(con, timestamp_sql(quote_literal(text), "Europe/Helsinki")) is None


def test_offsetless_time_needs_tz(con):
    assert value(con, without_offset_sql("'2024-03-04 10:00:00'")) is True
    assert value(con, without_offset_sql("'2024-03-04T10:00:00Z'")) is False
    assert value(con, without_offset_sql("'1709546400'")) is False
    assert value(con, timestamp_sql("'2024-03-04 10:00:00'", None)) is None


@pytest.mark.parametrize(("raw", "fi", "none"), [
    ("+358 40 123 4567", "+358401234567", "+358401234567"),
    ("00358401234567", "+358401234567", "+358401234567"),
    ("040-123 4567", "+358401234567", "0401234567"),
    ("358401234567", "+358401234567", "358401234567"),
    ('"Matti" <0401234567>', "+358401234567", "0401234567"),
    ("sip:+358401234567@pbx.example", "+358401234567", "+358401234567"),
    ("anonymous", None, None), ("Restricted", None, None), ("unknown", None, None), ("", None, None),
    ("1234", None, None), ("214943", None, None), ("client1", None, None),
])
def test_callers(con, raw, fi, none):
    text = "NULLIF(" + quote_literal(raw) + ", '')"
    assert value(con, caller_sql(text, "FI")) == fi
    assert value(con, caller_sql(text, None)) == none


@pytest.mark.parametrize(("line", "delimiter"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a|b|c", "|"), ('"x;y",b,c', ","), ("abc", ","),
])
def test_sniff_delimiter(line, delimiter):
    assert sniff_delimiter(line) == delimiter
