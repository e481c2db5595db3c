"""The patrol due list: its facts, factors, score and the order they give."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo.patrol.due import Weights, due_list

DAY = dt.date(2025, 11, 30)
INTERVALS = {"karaoke": 30, "guesthouse": 90, "other": 180}
# Points ~110 m apart in latitude at 20.12°N: 0.001° of latitude is about 110.6 m.
BASE = (20.1200, 105.5300)


def _venues() -> pd.DataFrame:
    rows = [
        # A: karaoke inspected 20/10 (due 19/11), clean: 11 days overdue -> 2 weeks.
        ("A", "Karaoke Ánh Dương", "karaoke", "T01", BASE),
        # B: guesthouse inspected 01/11, drugs found: interval 90 -> 45 (due 16/12), not
        # overdue; 1 drug finding and 1 violation in 12 months, in a level-II village.
        ("B", "Nhà nghỉ Phúc Lộc", "guesthouse", "T02", (20.1300, 105.5300)),
        # C: karaoke never inspected: due, "never inspected".
        ("C", "Karaoke Hoa Sen", "karaoke", "T01", (20.1400, 105.5300)),
        # D: guesthouse inspected 15/11, clean, in a quiet village: nothing.
        ("D", "Nhà nghỉ Bình An", "guesthouse", "T03", (20.1500, 105.5300)),
        # E: no point: listed, needs a location; inspected 01/06, due 30/08: 92 days late.
        ("E", "Quán bar Phố Núi", "guesthouse", "T03", (None, None)),
        # F: inactive: not listed at all.
        ("F", "Đã đóng cửa", "karaoke", "T01", (20.1600, 105.5300)),
    ]
    return pd.DataFrame([{"code": c, "name": n, "kind": k, "village": v, "lat": p[0],
                          "lon": p[1], "active": c != "F"} for c, n, k, v, p in rows])


INSPECTIONS = pd.DataFrame([
    {"venue": "A", "date": dt.date(2025, 10, 20), "result": "ok", "drug_finding": False},
    {"venue": "B", "date": dt.date(2025, 11, 1), "result": "violation", "drug_finding": True},
    {"venue": "B", "date": dt.date(2024, 10, 1), "result": "violation", "drug_finding": True},
    {"venue": "D", "date": dt.date(2025, 11, 15), "result": "ok", "drug_finding": False},
    {"venue": "E", "date": dt.date(2025, 6, 1), "result": "ok", "drug_finding": False},
    {"venue": "A", "date": dt.date(2025, 12, 5), "result": "ok", "drug_finding": False},
])
# Two tips 50 m from A in the window; one 50 m from A but 100 days old; one 600 m away.
TIPS = pd.DataFrame([
    {"code": "K1", "received": dt.date(2025, 11, 1), "lat": 20.12045, "lon": 105.5300},
    {"code": "K2", "received": dt.date(2025, 9, 15), "lat": 20.11955, "lon": 105.5300},
    {"code": "K3", "received": dt.date(2025, 8, 20), "lat": 20.12045, "lon": 105.5300},
    {"code": "K4", "received": dt.date(2025, 11, 1), "lat": 20.1200, "lon": 105.5357},
    {"code": "K5", "received": dt.date(2025, 11, 1), "lat": None, "lon": None},
])
INCIDENTS = pd.DataFrame([
    {"code": "V1", "date": dt.date(2025, 11, 20), "lat": 20.1401, "lon": 105.5301},
])
RISK = pd.Series({"T01": "none", "T02": "II", "T03": "none"})


@pytest.fixture
def due() -> pd.DataFrame:
    return due_list(_venues(), INSPECTIONS, TIPS, INCIDENTS, day=DAY, intervals=INTERVALS,
                    risk=RISK, radius_m=300).set_index("code")


def test_facts_of_each_venue(due):
    assert "F" not in due.index  # inactive
    assert due.loc["A", "days_overdue"] == 11  # due 19/11; the 05/12 one is after the day
    assert due.loc["A", "tips_near"] == 2  # K1, K2: K3 too old, K4 600 m, K5 no point
    assert due.loc["B", "interval_days"] == 45 and due.loc["B", "interval_shortened"]
    assert due.loc["B", "days_overdue"] == -16 and not due.loc["B", "due"]
    assert due.loc["B", "drug_findings"] == 1  # the 2024 finding is over 12 months old
    assert due.loc["B", "violations"] == 1
    assert due.loc["C", "never_inspected"] and due.loc["C", "due"]
    assert due.loc["C", "incidents_near"] == 1
    assert not due.loc["E", "located"] and due.loc["E", "days_overdue"] == 92
    assert ("needs_location", None) in due.loc["E", "reasons"]


def test_the_ranking_on_a_hand_made_set(due):
    # With the default weights:
    # E: 92 days overdue -> 14 weeks -> 14 points (it still needs a location).
    # B: drugs 5 + violation 2 + level II 2 = 9, though not yet due.
    # C: never inspected 4 + one incident nearby 2 = 6.
    # A: 11 days overdue -> 2 weeks = 2, plus two tips nearby 2 = 4.
    # D: nothing = 0.
    assert list(due.index) == ["E", "B", "C", "A", "D"]
    assert due.loc["B", "factors"] == {"overdue": 0, "never_inspected": 0.0,
                                       "drug_findings": 5.0, "violations": 2.0,
                                       "tips_near": 0.0, "incidents_near": 0.0, "risk": 2.0}
    assert due["score"].to_dict() == {"E": 14.0, "B": 9.0, "C": 6.0, "A": 4.0, "D": 0.0}
    # the reasons name the strongest factor first
    assert due.loc["B", "reasons"][0] == ("drug_findings", 1)
    assert due.loc["A", "reasons"][:2] == [("overdue", 11), ("tips_near", 2)]


def test_weights_change_the_order():
    # Tips weigh 10 points each: A (two tips nearby) comes first.
    ranked = due_list(_venues(), INSPECTIONS, TIPS, INCIDENTS, day=DAY, intervals=INTERVALS,
                      risk=RISK, weights=Weights(tip=10.0))
    assert ranked["code"].iloc[0] == "A" and ranked["score"].iloc[0] == 22.0


def test_radius_counts_within_metres_not_degrees():
    # K4 is 0.0057° of longitude east of A: about 595 m at this latitude.
    near = due_list(_venues(), INSPECTIONS, TIPS, None, day=DAY, intervals=INTERVALS,
                    radius_m=650).set_index("code")
    assert near.loc["A", "tips_near"] == 3
    far = due_list(_venues(), INSPECTIONS, TIPS, None, day=DAY, intervals=INTERVALS,
                   radius_m=580).set_index("code")
    assert far.loc["A", "tips_near"] == 2


def test_no_records_at_all_gives_every_venue_never_inspected():
    listed = due_list(_venues(), None, None, None, day=DAY, intervals=INTERVALS)
    assert listed["never_inspected"].all() and listed["due"].all()
    assert listed["score"].tolist() == [4.0] * 5
