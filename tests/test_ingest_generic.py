"""The generic CSV reader: mappings, parsing, compression, and an account of every row."""

from __future__ import annotations

import bz2
import gzip
import json

import pytest
import zstandard

from slreport.errors import InputError, UsageError
from slreport.ingest import generic, tabular
from slreport.ingest.sources import resolve_sources
from slreport.options.read import ReadOptions, parse_column_maps, parse_outcome_maps
from tests.conftest import run_analyze
from tests.ingest_helpers import load

GOOD = "2024-01-15 09:00:00+00:00"


def assert_every_row_accounted(report):
    inp = report["input"]
    assert inp["rows_read"] == inp["contacts"] + inp["rows_rejected"] + inp["rows_ignored"]
    assert inp["rows_rejected"] == sum(inp["rejected_by_reason"].values())
    assert inp["rows_ignored"] == sum(inp["ignored_by_reason"].values())


def test_bad_rows_are_rejected_and_counted_by_reason(write_csv):
    path = write_csv(
        "c.csv",
        "contact_id,arrived_at,answered_at,wait_s,outcome,direction,resolved,nps_score",
        f"1,{GOOD},,5,answered,inbound,yes,9",
        "2,not a time,,5,answered,,,",
        f"3,{GOOD},,-1,abandoned,,,",
        f"4,{GOOD},,abc,abandoned,,,",
        f"5,{GOOD},,5,ringing,,,",
        f"6,{GOOD},2024-01-15 08:59:00+00:00,,answered,,,",
        f"7,{GOOD},,5,answered,outbound,,",
        f"8,{GOOD},,5,answered,sideways,,",
        f"9,{GOOD},,5,answered,,maybe,",
        f"10,{GOOD},,5,answered,,,11",
        f"1,{GOOD},,5,answered,,,",
        "11,,,5,answered,,,",
        f"12,{GOOD},,5,,,,",
    )
    report = run_analyze([path])
    inp = report["input"]
    assert inp["rejected_by_reason"] == {
        "answer_before_arrival": 1, "bad_duration": 1, "bad_flag": 1, "bad_score": 1, "bad_timestamp": 1,
        "duplicate": 1, "missing_arrival": 1, "missing_outcome": 1, "negative_duration": 1,
        "unknown_direction": 1, "unknown_outcome": 1,
    }
    assert inp["ignored_by_reason"] == {"outbound": 1}
    assert (inp["rows_read"], inp["contacts"]) == (13, 1)
    assert report["summary"]["offered"] == 1
    assert_every_row_accounted(report)


def test_strict_mode_fails_on_the_first_bad_row_with_file_line_and_value(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", f"{GOOD},5,answered", f"{GOOD},-4,answered")
    with pytest.raises(InputError) as err:
        run_analyze([path], read={"strict": True})
    assert err.value.one_line().startswith(f"{path}:3: a duration is negative: wait_s = '-4'")


ALL_COLUMNS = ("contact_id,company,queue,segment,channel,direction,caller,arrived_at,answered_at,ended_at,"
               "wait_s,talk_s,hold_s,acw_s,outcome,agent,resolved,nps_score,csat_score")


@pytest.mark.parametrize("read", [{}, {"input_tz": "Europe/Helsinki", "time_formats": ("%d.%m.%Y %H:%M",),
                                       "country": "FI", "outcome_map": {"Hung up": "abandoned"}}])
def test_the_parse_is_projections_only_so_rows_keep_their_file_order(tmp_path, write_csv, read):
    """Line numbers are the order in which the rows were appended to staged (generic.build_stage_sql).
    DuckDB keeps the file's order through projections but not through a join, and it plans an IN
    list as one. Every column is mapped, so every parse expression is in the plan."""
    path = write_csv("c.csv", ALL_COLUMNS, f"1,A,q,s,voice,in,0401234567,{GOOD},,,5,60,0,0,yes,a1,yes,9,4")
    con, _ = load(tmp_path, [path], **read)
    options = ReadOptions(**read)
    source = resolve_sources([str(path)], tmp_path)[0]
    relation = tabular.relation_for(source, 0)
    columns = generic.resolve_columns(tabular.columns_of(con, relation, source.display), options, source.display)
    assert set(columns) == set(ALL_COLUMNS.split(","))
    insert, _ = generic.build_stage_sql(relation, source, 0, columns, options, first_row=0)
    plan = json.loads(con.execute("EXPLAIN (FORMAT json) " + insert).fetchall()[0][1])
    # BATCH_INSERT is DuckDB's order-keeping insert; a join would make it plan another
    assert _operators(plan) == {"BATCH_INSERT", "PROJECTION", "READ_CSV"}


def _operators(nodes: list[dict]) -> set[str]:
    return {n["name"] for n in nodes} | {name for n in nodes for name in _operators(n["children"])}


def test_line_numbers_restart_in_every_file_and_follow_the_rows(tmp_path, write_csv):
    first = write_csv("a.csv", "contact_id,arrived_at,wait_s,outcome", *(f"a{i},{GOOD},5,answered" for i in range(5)),
                      f"a5,{GOOD},-1,answered")
    second = write_csv("b.csv", "contact_id,arrived_at,wait_s,outcome", f"b0,{GOOD},x,answered",
                       *(f"b{i},{GOOD},5,answered" for i in range(1, 4)), f"b4,{GOOD},5,ringing")
    con, _ = load(tmp_path, [first, second])
    rows = con.execute("SELECT contact_id, line, reject_reason FROM staged ORDER BY file_index, line").fetchall()
    expected = [(f"a{i}", i + 2) for i in range(6)] + [(f"b{i}", i + 2) for i in range(5)]
    assert [(c, n) for c, n, _ in rows] == expected
    assert [(c, r) for c, _, r in rows if r] == [("a5", "negative_duration"), ("b0", "bad_duration"),
                                                 ("b4", "unknown_outcome")]
    sources = dict(con.execute("SELECT contact_id, source FROM contacts").fetchall())
    assert sources == {**{f"a{i}": f"{first}:{i + 2}" for i in range(5)},
                       **{f"b{i}": f"{second}:{i + 2}" for i in range(1, 4)}}


def test_a_file_with_no_usable_row_is_an_error_naming_the_first_bad_line(write_csv):
    path = write_csv("c.csv", "arrived_at,wait_s,outcome", "yesterday morning,5,answered")
    with pytest.raises(InputError, match=r":2: a timestamp could not be read: arrived_at = 'yesterday morning'"):
        run_analyze([path])


def test_missing_required_column_lists_the_columns_and_the_mapping_option(write_csv):
    path = write_csv("c.csv", "Call Start,Queue Time,Result", f"{GOOD},5,answered")
    with pytest.raises(InputError) as err:
        run_analyze([path])
    line = err.value.one_line()
    assert "column 'arrived_at' not found; columns seen: Call Start, Queue Time, Result" in line
    assert "--map arrived_at=" in line


def test_headers_are_mapped_and_outcome_values_too(write_csv):
    path = write_csv(
        "c.csv", "Call Start;Queue Time;Result", f"{GOOD};5;ANSWERED", f"{GOOD};30;HANG", f"{GOOD};8;AGENT"
    )
    maps = parse_column_maps(["arrived_at=Call Start", "wait_s=queue time", "outcome=Result"])
    outcomes = parse_outcome_maps(["answered=ANSWERED,AGENT", "abandoned=HANG"])
    report = run_analyze([path], read={"column_map": maps, "outcome_map": outcomes})
    s = report["summary"]
    assert (s["offered"], s["answered"], s["abandoned"]) == (3, 2, 1)
    assert report["input"]["files"][0]["columns"]["wait_s"] == "Queue Time"


@pytest.mark.parametrize("bad", ["arrived_at", "nosuch=Header", "outcome="])
def test_bad_map_option_is_a_usage_error(bad):
    with pytest.raises(UsageError):
        parse_column_maps([bad])


def test_bad_outcome_option_is_a_usage_error():
    with pytest.raises(UsageError) as err:
        parse_outcome_maps(["rang=RING"])
    assert "OUTCOME is one of answered, abandoned, flowout" in err.value.one_line()


def test_caller_numbers_stay_text(write_csv):
    path = write_csv("c.csv", "caller,arrived_at,wait_s,outcome", f"+358401234567,{GOOD},5,answered",
                     f"0401234567,{GOOD},5,answered")
    from slreport import engine, ingest
    from slreport.options.read import ReadOptions

    con = engine.connect(path.parent)
    ingest.load(con, [str(path)], ReadOptions(), path.parent)
    callers = con.execute("SELECT caller FROM contacts ORDER BY caller").fetchall()
    assert callers == [("+358401234567",), ("0401234567",)]


@pytest.mark.parametrize("suffix", [".gz", ".zst", ".bz2"])
def test_compressed_files_are_read_transparently(tmp_path, suffix):
    text = f"company,arrived_at,wait_s,outcome\nacme,{GOOD},5,answered\nacme,{GOOD},40,answered\n".encode()
    compress = {".gz": gzip.compress, ".bz2": bz2.compress,
                ".zst": lambda b: zstandard.ZstdCompressor().compress(b)}[suffix]
    path = tmp_path / f"calls.csv{suffix}"
    path.write_bytes(compress(text))
    report = run_analyze([path])
    assert report["summary"]["offered"] == 2
    assert report["summary"]["service_level_pct"] == 50.0


def test_company_defaults_to_the_file_stem(write_csv):
    path = write_csv("housing_oy.csv", "arrived_at,wait_s,outcome", f"{GOOD},5,answered")
    assert [r["company"] for r in run_analyze([path])["by_company"]] == ["housing_oy"]


def test_several_files_and_duplicates_across_them(write_csv):
    a = write_csv("a.csv", "contact_id,company,arrived_at,wait_s,outcome", f"1,x,{GOOD},5,answered",
                  f"2,x,{GOOD},5,answered")
    b = write_csv("b.csv", "contact_id,company,arrived_at,wait_s,outcome", f"2,x,{GOOD},5,answered",
                  f"3,x,{GOOD},5,answered")
    report = run_analyze([a, b])
    assert report["input"]["contacts"] == 3
    assert report["input"]["rejected_by_reason"] == {"duplicate": 1}
    assert [f["rows_read"] for f in report["input"]["files"]] == [2, 2]
    assert_every_row_accounted(report)


def test_missing_file_and_empty_file_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        run_analyze([tmp_path / "nope.csv"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        run_analyze([empty])
