"""The parallel path of the generic reader (large files) numbers lines exactly as the window does."""

from __future__ import annotations

from pathlib import Path

import pytest

from slreport import engine, ingest
from slreport.ingest import generic
from slreport.ingest.options import ReadOptions

HEADER = "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome,resolved"


def staged_lines(paths: list[Path], tmp_path: Path) -> list[tuple]:
    con = engine.connect(tmp_path)
    ingest.load(con, [str(p) for p in paths], ReadOptions(input_tz="UTC"), tmp_path)
    rows = con.execute(
        "SELECT file_index, line, contact_id, reject_reason FROM staged ORDER BY file_index, line"
    ).fetchall()
    rows += con.execute("SELECT source, contact_id FROM contacts ORDER BY source").fetchall()
    con.close()
    return rows


@pytest.fixture
def exports(write_csv) -> list[Path]:
    rows = [f"{i},Acme,+{i % 7},2024-01-{1 + i % 28:02d} 09:00:00Z,{i % 40},60,answered,{'YN'[i % 2]}"
            for i in range(3000)]
    rows[10] = rows[10].replace(",60,", ",-1,")  # a reject: its line must be right too
    rows[2500] = "5,Acme,+5,2024-01-06 09:00:00Z,5,60,answered,Y"  # a duplicate of contact 5
    return [write_csv("a.csv", HEADER, *rows), write_csv("b.csv", HEADER, *rows[:100])]


def test_parallel_path_gives_the_same_lines_as_the_window(exports, tmp_path, monkeypatch):
    by_window = staged_lines(exports, tmp_path)
    monkeypatch.setattr(generic, "PARALLEL_MIN_BYTES", 0)
    used: list[bool] = []
    check = generic.keeps_file_order
    monkeypatch.setattr(generic, "keeps_file_order", lambda con, sql: used.append(check(con, sql)) or used[-1])
    by_rowid = staged_lines(exports, tmp_path)
    assert used == [True, True]  # the plan was an order-keeping Batch Insert for both files
    assert by_rowid == by_window
    assert by_window[0][:3] == (0, 2, "0")
    assert (f"{exports[0]}:3", "1") in by_window  # source derived in the contacts view
    assert sum(1 for r in by_window if len(r) == 4 and r[0] == 1 and r[3] == "duplicate") == 99  # b.csv repeats a.csv
    assert [r[1] for r in by_window if len(r) == 4 and r[3] == "negative_duration" and r[0] == 0] == [12]
    assert [r[1] for r in by_window if len(r) == 4 and r[3] == "duplicate" and r[0] == 0] == [2502]


def test_a_plan_that_loses_the_order_falls_back_to_the_window(exports, tmp_path, monkeypatch):
    by_window = staged_lines(exports, tmp_path)
    monkeypatch.setattr(generic, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(generic, "keeps_file_order", lambda con, sql: False)
    assert staged_lines(exports, tmp_path) == by_window
