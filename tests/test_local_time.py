"""Local time from the zone's offset transitions equals DuckDB's timezone() for every instant."""

from __future__ import annotations

import duckdb
import pytest

from slreport.metrics.local_time import local_time_sql, offset_changes

ZONES = ["Europe/Helsinki", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Sao_Paulo",
         "Pacific/Chatham"]


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    # Two years at an odd step (every minute of the hour is hit), and each second around 2026's EU
    # changes (29 Mar and 25 Oct, 01:00 UTC) with fractions just before and after the second.
    c.execute("CREATE TABLE t AS SELECT to_timestamp(s + f) AS arrived_at "
              "FROM range(1767225600, 1830297600, 3613) r(s), (VALUES (0.0), (0.5)) v(f)")
    for change in (1774746000, 1792890000):
        c.execute(f"INSERT INTO t SELECT to_timestamp(s + f) FROM range({change - 3}, {change + 3}) r(s), "
                  "(VALUES (0.0), (0.000001), (0.999999)) v(f)")
    return c


@pytest.mark.parametrize("zone", ZONES)
def test_equals_timezone_for_every_instant(con: duckdb.DuckDBPyConnection, zone: str) -> None:
    local = local_time_sql(con, zone, "arrived_at", "t")
    differ = con.execute(
        f"SELECT count(*) FROM t WHERE timezone('{zone}', arrived_at) IS DISTINCT FROM {local}").fetchone()
    assert differ == (0,)


def test_helsinki_2026_changes_at_the_eu_instants(con: duckdb.DuckDBPyConnection) -> None:
    first_hour, last_hour = 1767225600 // 3600, 1798761600 // 3600  # 2026-01-01 … 2027-01-01 UTC
    first, changes = offset_changes(con, "Europe/Helsinki", first_hour, last_hour)
    # EET +02:00 in winter, EEST +03:00 from 29 Mar 01:00 UTC to 25 Oct 01:00 UTC
    assert first == 7200
    assert changes == [(1774746000, 10800), (1792890000, 7200)]


def test_a_fixed_offset_zone_needs_no_case(con: duckdb.DuckDBPyConnection) -> None:
    assert "CASE" not in local_time_sql(con, "Asia/Kolkata", "arrived_at", "t")


def test_no_instants_falls_back_to_timezone(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE empty (arrived_at TIMESTAMPTZ)")
    assert local_time_sql(con, "Europe/Helsinki", "arrived_at", "empty") == "timezone('Europe/Helsinki', arrived_at)"


@pytest.mark.parametrize("zone", ZONES)
def test_iso_text_equals_the_generic_one(con: duckdb.DuckDBPyConnection, zone: str) -> None:
    from slreport.metrics import intervals, local_time

    fast = local_time.local_iso_sql(con, zone, "arrived_at", "t")
    assert "strftime" in fast and "timezone(" not in fast
    differ = con.execute(
        f"SELECT count(*), any_value(arrived_at) FROM t WHERE {fast} IS DISTINCT FROM "
        f"{intervals.local_iso_sql(zone, 'arrived_at')}").fetchone()
    assert differ[0] == 0, differ


def test_iso_text_of_a_winter_and_a_summer_instant(con: duckdb.DuckDBPyConnection) -> None:
    from slreport.metrics import local_time

    iso = local_time.local_iso_sql(con, "America/New_York", "x", "t")
    got = con.execute(f"SELECT {iso} FROM (VALUES (TIMESTAMPTZ '2026-01-15 12:00:00+00'), "
                      f"(TIMESTAMPTZ '2026-07-15 12:00:00+00')) v(x)").fetchall()
    assert got == [("2026-01-15T07:00:00-05:00",), ("2026-07-15T08:00:00-04:00",)]
