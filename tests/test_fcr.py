"""First-contact resolution on hand-built sequences (expected values worked out by hand below)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_analyze, run_cli

FCR_KEYS = {"fcr_pct", "fcr_method", "fcr_window_h", "fcr_judged", "fcr_censored", "fcr_unknown_caller_pct",
            "fcr_by_window"}
SCORE_KEYS = {"nps", "nps_responses", "csat_mean", "csat_top2_pct", "csat_responses"}
HEADER = "contact_id,company,queue,caller,arrived_at,wait_s,talk_s,outcome"

# Company A (times UTC; the last arrival of the data is 02-15 00:00, the filler c10):
#   c1  +1 answered 01-01 10:00   next +1 contact 24 h later (c2)        → repeat for 24h (boundary), 72h, 7d, 30d
#   c2  +1 answered 01-02 10:00   next +1 contact 96 h later (c3)        → repeat for 7d, 30d only
#   c3  +1 answered 01-06 10:00   no later contact                       → resolved
#   c4  +2 answered 01-01 12:00   +2 calls company B next (b1)           → resolved (other company)
#   a5  +3 abandoned 01-03 09:00 (30 s, not short), c5 answered retry 09:05 → c5 resolved; a5 is not answered
#   c6  +4 answered 01-04 10:00   abandons 1 h later after 30 s (a6)     → repeat in every window
#   c7  +5 answered 01-05 10:00   short abandon (3 s ≤ S = 5) 1 h later  → not a repeat: resolved
#   c8  +6 answered 01-10 00:00   abandons exactly 72 h later (a8)       → repeat for 72h (inclusive), 7d, 30d
#   c9  +7 answered 02-14 00:00   window 24 h ends exactly at the data end → judged for 24h, censored otherwise
#   c10 +9 answered 02-15 00:00   the last arrival                        → censored in every window
#   w1  withheld answered 01-01 15:00                                     → out of the denominator
# Company B: b1 +2 answered 01-01 13:00 → resolved.
ROWS = [
    "c1,A,q1,+3584010001,2024-01-01 10:00:00,5,60,answered",
    "c2,A,q1,+3584010001,2024-01-02 10:00:00,5,60,answered",
    "c3,A,q1,+3584010001,2024-01-06 10:00:00,5,60,answered",
    "c4,A,q2,+3584010002,2024-01-01 12:00:00,5,60,answered",
    "a5,A,q1,+3584010003,2024-01-03 09:00:00,30,,abandoned",
    "c5,A,q1,+3584010003,2024-01-03 09:05:00,5,60,answered",
    "c6,A,q1,+3584010004,2024-01-04 10:00:00,5,60,answered",
    "a6,A,q1,+3584010004,2024-01-04 11:00:00,30,,abandoned",
    "c7,A,q1,+3584010005,2024-01-05 10:00:00,5,60,answered",
    "s7,A,q1,+3584010005,2024-01-05 11:00:00,3,,abandoned",
    "c8,A,q1,+3584010006,2024-01-10 00:00:00,5,60,answered",
    "a8,A,q1,+3584010006,2024-01-13 00:00:00,30,,abandoned",
    "c9,A,q1,+3584010007,2024-02-14 00:00:00,5,60,answered",
    "c10,A,q1,+3584010009,2024-02-15 00:00:00,5,60,answered",
    "w1,A,q2,,2024-01-01 15:00:00,5,60,answered",
    "b1,B,q1,+3584010002,2024-01-01 13:00:00,5,60,answered",
]


@pytest.fixture
def sequences(write_csv):
    return write_csv("seq.csv", HEADER, *ROWS)


def by_company(report, name):
    return next(r for r in report["by_company"] if r["company"] == name)


def test_repeat_method_windows_by_hand(sequences):
    report = run_analyze([sequences], fcr_method="repeat")
    a = by_company(report, "A")
    # 72h: judged c1..c8 = 8 (c9, c10 censored); repeats c1, c6, c8 → 5 resolved.
    assert (a["fcr_method"], a["fcr_window_h"], a["fcr_judged"], a["fcr_censored"]) == ("repeat", 72, 8, 2)
    assert a["fcr_pct"] == 62.5
    # 24h: judged c1..c9 = 9, repeats c1 (exactly 24 h) and c6 → 7/9; 7d and 30d: repeats c1, c2, c6, c8 → 4/8.
    assert a["fcr_by_window"] == {"24h": 77.7778, "72h": 62.5, "7d": 50.0, "30d": 50.0}
    assert a["fcr_unknown_caller_pct"] == round(100 / 11, 4)  # w1 of 11 answered
    b = by_company(report, "B")
    assert (b["fcr_pct"], b["fcr_judged"], b["fcr_censored"]) == (100.0, 1, 0)
    s = report["summary"]
    assert (s["fcr_pct"], s["fcr_judged"], s["fcr_censored"]) == (round(100 * 6 / 9, 4), 9, 2)
    assert s["fcr_unknown_caller_pct"] == round(100 / 12, 4)


@pytest.mark.parametrize("window_h, pct, judged, censored", [(24, 77.7778, 9, 1), (168, 50.0, 8, 2)])
def test_chosen_window_sets_fcr_pct(sequences, window_h, pct, judged, censored):
    a = by_company(run_analyze([sequences], fcr_method="repeat", fcr_window_h=window_h), "A")
    assert (a["fcr_pct"], a["fcr_window_h"], a["fcr_judged"], a["fcr_censored"]) == (pct, window_h, judged, censored)


def test_short_abandon_rule_decides_whether_an_abandon_is_a_repeat(sequences):
    # With S = 0 the 3-second abandon of +5 is a real contact: c7 becomes a repeat (24h: 6/9).
    a = by_company(run_analyze([sequences], fcr_method="repeat", short_abandon_s=0), "A")
    assert a["fcr_by_window"]["24h"] == round(100 * 6 / 9, 4)


def test_fcr_attributed_to_the_day_and_hour_of_the_answered_contact(sequences):
    report = run_analyze([sequences], fcr_method="repeat")
    day = next(r for r in report["by_day"] if r["company"] == "A" and r["day"] == "2024-01-01")
    # c1 (repeat), c4 (resolved), w1 (withheld) arrived that day.
    assert (day["fcr_pct"], day["fcr_judged"], day["fcr_unknown_caller_pct"]) == (50.0, 2, round(100 / 3, 4))
    hour10 = next(r for r in report["by_hour"] if r["company"] == "A" and r["hour"] == 10)
    # Hour 10 holds c1 and c6 (repeats) and c2, c3, c7 (resolved at 72 h) on different days.
    assert (hour10["fcr_judged"], hour10["fcr_pct"]) == (5, 60.0)


def test_every_metrics_object_has_fcr_and_score_keys(sequences):
    report = run_analyze([sequences], fcr_method="repeat", by=("company", "queue"))
    objects = [report["summary"], *report["by_company"], *report["by_group"], *report["by_hour"], *report["by_day"]]
    for obj in objects:
        assert FCR_KEYS | SCORE_KEYS <= obj.keys()
    empty_hour = next(r for r in report["by_hour"] if r["company"] == "B" and r["hour"] == 3)
    assert empty_hour["fcr_pct"] is None and empty_hour["fcr_judged"] == 0
    assert empty_hour["fcr_by_window"] == {"24h": None, "72h": None, "7d": None, "30d": None}
    assert empty_hour["fcr_unknown_caller_pct"] is None


def test_company_without_answered_contacts_has_null_fcr(write_csv):
    path = write_csv("x.csv", HEADER, "x1,C,q,+3584010001,2024-01-01 10:00:00,40,,abandoned")
    c = run_analyze([path], fcr_method="repeat")["by_company"][0]
    assert (c["fcr_pct"], c["fcr_judged"], c["fcr_censored"], c["fcr_unknown_caller_pct"]) == (None, 0, 0, None)


# Same instant, same caller: each is the other's repeat at 0, however the files or lines are ordered.
#   t1, t2  +1 answered 01-01 10:00 (both)      → repeated (gap 0) in every window
#   t3      +1 answered 01-05 10:00 (96 h on)   → resolved: nothing after it
#   u1, u2  +2 answered 01-01 11:00 and a short abandon at the same instant → u1 resolved (a short
#           abandon is never a repeat), u2 not answered
#   z       +9 answered 02-15 00:00             → the data's end; censored
# Judged in every window: t1, t2, t3, u1 (z is censored) → resolved t3, u1 = 50 %.
TIES = [
    "t1,A,q,+3584010001,2024-01-01 10:00:00,5,60,answered",
    "t2,A,q,+3584010001,2024-01-01 10:00:00,5,60,answered",
    "t3,A,q,+3584010001,2024-01-05 10:00:00,5,60,answered",
    "u1,A,q,+3584010002,2024-01-01 11:00:00,5,60,answered",
    "u2,A,q,+3584010002,2024-01-01 11:00:00,2,,abandoned",
    "z,A,q,+3584010009,2024-02-15 00:00:00,5,60,answered",
]


@pytest.mark.parametrize("order", [TIES, TIES[::-1], [TIES[1], TIES[4], TIES[0], TIES[2], TIES[3], TIES[5]]])
def test_contacts_at_the_same_instant_are_each_others_repeat_in_any_order(write_csv, order):
    path = write_csv("ties.csv", HEADER, *order)
    a = run_analyze([path], fcr_method="repeat", fcr_window_h=24, short_abandon_s=5)["by_company"][0]
    assert (a["fcr_judged"], a["fcr_censored"], a["fcr_pct"]) == (4, 1, 50.0)
    assert a["fcr_by_window"] == {"24h": 50.0, "72h": 50.0, "7d": 50.0, "30d": 50.0}


def test_contacts_at_the_same_instant_in_two_files_are_each_others_repeat(write_csv):
    first = write_csv("b.csv", HEADER, TIES[0], TIES[5])
    second = write_csv("a.csv", HEADER, TIES[1])
    a = run_analyze([first, second], fcr_method="repeat", fcr_window_h=24)["by_company"][0]
    assert (a["fcr_judged"], a["fcr_pct"]) == (2, 0.0)


def test_seven_day_window_is_168_hours_across_the_autumn_dst_change(write_csv):
    # 2024-10-27 has 25 hours in Europe/Helsinki. From 10-21 12:00 EEST (09:00Z) 168 h end at 10-28 11:00 EET;
    # a calendar week would end an hour later, at 12:00 EET.
    path = write_csv(
        "dst.csv", HEADER,
        "x1,A,q,+3584010001,2024-10-21 12:00:00+03:00,5,60,answered",
        "x2,A,q,+3584010001,2024-10-28 11:00:00+02:00,30,,abandoned",  # exactly 168 h later: a repeat
        "y1,A,q,+3584010002,2024-10-21 12:00:00+03:00,5,60,answered",
        "y2,A,q,+3584010002,2024-10-28 11:30:00+02:00,30,,abandoned",  # 168.5 h: outside 7d
    )
    a = run_analyze([path], tz="Europe/Helsinki", fcr_method="repeat", fcr_window_h=168)["by_company"][0]
    assert (a["fcr_judged"], a["fcr_censored"], a["fcr_pct"]) == (2, 0, 50.0)


def test_flag_method_and_auto(write_csv):
    path = write_csv(
        "flag.csv", "contact_id,company,caller,arrived_at,wait_s,talk_s,outcome,resolved",
        "f1,A,+3584010001,2024-01-01 10:00:00,5,60,answered,Y",
        "f2,A,+3584010001,2024-01-01 11:00:00,5,60,answered,N",
        "f3,A,,2024-01-01 12:00:00,5,60,answered,yes",  # withheld callers count with a flag
        "f4,A,+3584010002,2024-01-01 13:00:00,5,60,answered,",  # no flag: out of the denominator
        "f5,A,+3584010003,2024-01-01 14:00:00,40,,abandoned,N",  # not answered: never counted
    )
    auto = run_analyze([path])
    s = auto["summary"]
    assert (s["fcr_method"], s["fcr_pct"], s["fcr_judged"], s["fcr_censored"], s["fcr_window_h"]) == (
        "flag", round(200 / 3, 4), 3, None, None)
    assert s["fcr_unknown_caller_pct"] == 25.0
    assert auto["settings"]["fcr_method"] == "auto"
    repeat = run_analyze([path], fcr_method="repeat")["summary"]
    assert repeat["fcr_method"] == "repeat"


def test_auto_without_flags_uses_repeats(sequences):
    assert run_analyze([sequences])["summary"]["fcr_method"] == "repeat"


def test_cli_fcr_options_and_json_equal_library(sequences):
    done = run_cli("analyze", str(sequences), "--tz", "UTC", "-f", "json", "--fcr-method", "repeat",
                   "--fcr-window", "7d")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report == run_analyze([sequences], fcr_method="repeat", fcr_window_h=168)
    assert by_company(report, "A")["fcr_pct"] == 50.0


@pytest.mark.parametrize("args, fragment", [
    (["--fcr-window", "48h"], '--fcr-window \'48h\' is not allowed; use one of "24h", "72h", "7d", "30d"'),
    (["--fcr-method", "survey"], '--fcr-method \'survey\' is not allowed; use one of "flag", "repeat", "auto"'),
])
def test_cli_rejects_bad_fcr_options(sequences, args, fragment):
    done = run_cli("analyze", str(sequences), "--tz", "UTC", "-f", "json", *args)
    assert done.returncode == 2
    assert fragment in done.stderr.decode()
    assert done.stdout == b""


def test_caller_numbers_never_appear_in_the_report(sequences):
    text = json.dumps(run_analyze([sequences], fcr_method="repeat"))
    assert "358401000" not in text
