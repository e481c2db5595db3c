"""The village frame on the hand-made commune of ``fixtures_compliance`` (October 2025).

Every expected figure is worked out by hand from the fixture's records; the arithmetic is
in the comments. Person codes CT-0xx, villages T01–T03 (T03 has no records at all).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.engine.frame import village_frame
from geo.engine.plans import shipped_plans
from tests.geo import fixtures_compliance as fx
from tests.geo.fixtures_compliance import d


@pytest.fixture(scope="module")
def plans():
    return shipped_plans()


@pytest.fixture(scope="module")
def result(plans):
    return village_frame(fx.tables(), fx.villages(), fx.MONTH, plans, commune="15178")


def row(result, code: str, ident: str) -> tuple:
    v = result.villages
    return v.at[code, f"{ident}_value"], v.at[code, f"{ident}_status"]


def statuses(result, ident: str) -> list[str]:
    return result.villages[f"{ident}_status"].tolist()


def test_one_row_per_village_with_geometry_population_and_households(result):
    v = result.villages
    assert v.index.tolist() == ["T01", "T02", "T03"]
    assert v.crs == "EPSG:4326" and v.geometry.is_valid.all()
    assert v["households"].tolist() == [100, 80, 50]
    assert v["population"].tolist() == [400, 300, 200]
    assert result.plans == ("cam-tan-2024-2025", "qd-28-2025")
    assert result.as_of == dt.date(2025, 10, 31)


def test_people_counted_where_they_are_at_the_month_end(result):
    v = result.villages
    # T01: CT-001, CT-002 addicts; CT-006 user (CT-007's year ended 01/06/2025, CT-013
    # moved away); CT-009 (24 months after compulsory rehab) and CT-010 post-rehab.
    # T02: CT-003 (moved in 15/10), CT-005, CT-011 (addict again 18/10); CT-008 user;
    # CT-012 released. CT-004 is in a compulsory centre since 20/10: not residing.
    assert v["people"].tolist() == [5, 5, 0]
    assert v["addicts"].tolist() == [2, 3, 0]
    assert v["users"].tolist() == [1, 1, 0]
    assert v["post_rehab"].tolist() == [2, 0, 0]
    assert v["released"].tolist() == [0, 1, 0]
    assert v["psychosis"].tolist() == [0, 2, 0]  # CT-004 (centre), CT-005 (home)


def test_tests_count_in_the_village_of_the_test_day(result):
    # October tests: T01 CT-001 (05/10), CT-003 (08/10, still in T01), CT-010 (12/10,
    # positive); T02 CT-005 (09/10), CT-011 (17/10).
    assert result.villages["tests"].tolist() == [3, 2, 0]
    assert result.villages["positive_tests"].tolist() == [1, 0, 0]


def test_month_counts_of_outreach_and_places(result):
    v = result.villages
    # Broadcasts dated in October: T01 3 shared (07, 14, 21/10) + 5 own = 8;
    # T02 3 shared + 2 (one event, count 2) = 5. 28/09, 30/09 and 01/11 are not October.
    assert v["broadcasts"].tolist() == [8, 5, 0]
    # Visits 11/10 to CT-001, 002, 006, 009 and 007 (off the lists, still in T01).
    assert v["individual_visits"].tolist() == [5, 0, 0]
    assert v["respected_person_sessions"].tolist() == [1, 0, 0]
    assert v["school_sessions"].tolist() == [1, 1, 0]  # S1 10/10 (T01), S2 20/10 (T02)
    assert v["tips"].tolist() == [0, 1, 0]  # K3 received 20/10; K5 has no village
    assert v["tip_boxes"].tolist() == [1, 0, 0]  # B2 is broken
    assert v["venues"].tolist() == [2, 2, 0]  # V5 inactive
    assert v["inspections"].tolist() == [1, 1, 0]  # V1 01/10, V4 10/10
    assert v["incidents"].tolist() == [1, 0, 0]  # I1 05/10
    assert v["pledged_households"].tolist() == [100, 80, 0]


def test_p01_broadcasts_count_whole_iso_weeks_including_days_of_other_months(result):
    # Weeks W40 (29/09–05/10) … W44 (27/10–02/11). T01: shared 30/09, 07, 14, 21/10,
    # 01/11 + own 02, 09, 16, 23, 29/10 = 2 every week, min 2 >= 2: met. Counting only
    # October's days would give 1 in W40 and W44.
    value, status = row(result, "T01", "P01")
    assert (value, status) == (2, "met")
    evidence = result.villages.at["T01", "P01_evidence"]
    assert evidence["weeks"] == {"2025-W40": 2, "2025-W41": 2, "2025-W42": 2,
                                 "2025-W43": 2, "2025-W44": 2}
    # T02: shared 1 a week + 2 on 08/10 (W41): 1, 3, 1, 1, 1 -> min 1: not met.
    assert row(result, "T02", "P01") == (1, "not_met")
    assert result.villages.at["T02", "P01_evidence"]["total"] == 7
    # T03: nothing recorded -> no data, never met.
    assert row(result, "T03", "P01")[1] == "no_data"


def test_p02_visits(result):
    # T01: 4 of 5 listed people visited (CT-010 not) = 80%; T02: 5 listed, no visit at
    # all recorded -> no data; T03 nobody listed -> not applicable.
    assert row(result, "T01", "P02") == (80.0, "not_met")
    assert result.villages.at["T01", "P02_evidence"]["unvisited"] == ["CT-010"]
    assert statuses(result, "P02") == ["not_met", "no_data", "not_applicable"]


def test_p05_is_a_count_without_pass_or_fail(result):
    assert result.villages["P05_value"].tolist() == [1, 0, 0]
    assert statuses(result, "P05") == ["not_applicable"] * 3


def test_p06_pledges_reaching_100_percent_late(result):
    # T01: 100/100 on 10/12/2024 (deadline 14/12): met, on time. T02: 80/80 only on
    # 10/01/2025: met at the month end, but late. T03: no pledge list: no data.
    assert statuses(result, "P06") == ["met", "met", "no_data"]
    t01 = result.villages.at["T01", "P06_evidence"]
    t02 = result.villages.at["T02", "P06_evidence"]
    assert (t01["reached_on"], t01["on_time"]) == ("2024-12-10", True)
    assert (t02["reached_on"], t02["on_time"], t02["signed"]) == ("2025-01-10", False, 80)


def test_p09_tip_boxes(result):
    # B1 works in T01; B2 in T02 is broken; T03 has none while the commune has boxes.
    assert statuses(result, "P09") == ["met", "not_met", "not_met"]
    assert result.villages.at["T02", "P09_evidence"]["not_working"] == ["B2"]


def test_p09_a_box_found_broken_later_was_working_before(plans):
    # B2 was found broken on its check of 01/10/2025: in 09/2025 it still counts
    result = village_frame(fx.tables(), fx.villages(), "2025-09", plans, commune="15178")
    assert statuses(result, "P09")[:2] == ["met", "met"]
    assert result.villages.at["T02", "P09_evidence"]["boxes"] == ["B2"]


def test_p10_cultivation(result):
    # I1 cultivation in T01 on 05/10: 1 == 0 fails; none elsewhere: 0 == 0 met.
    assert result.villages["P10_value"].tolist() == [1, 0, 0]
    assert statuses(result, "P10") == ["not_met", "met", "met"]


def test_p11_tips_and_the_20_day_deadline(result):
    # K1 15/09 -> deadline 05/10, settled 05/10: on time, judged in October.
    # K2 25/09 -> deadline 15/10, settled 16/10: late, judged 16/10.
    # K3 20/10 -> deadline 09/11, open. K4 01/09 -> deadline 21/09: judged in September.
    # K5 (no village) 01/10, unfounded 10/10: on time, commune only.
    assert row(result, "T01", "P11") == (50.0, "not_met")  # 1 of 2
    t01 = result.villages.at["T01", "P11_evidence"]
    assert (t01["on_time"], t01["settled_late"], t01["open_past_deadline"]) == (
        ["K1"], ["K2"], [])
    assert statuses(result, "P11")[1:] == ["not_applicable", "not_applicable"]
    assert result.villages.at["T02", "P11_evidence"]["open_within_deadline"] == ["K3"]
    c = result.commune
    assert c["P11_status"] == "not_met"
    assert c["P11_value"] == pytest.approx(200 / 3)  # K1, K5 of K1, K2, K5
    assert c["P11_evidence"]["open_within_deadline"] == ["K3"]


def test_p12_venue_intervals_by_kind(result):
    # T01: V1 karaoke inspected 01/10 + 30 days = 31/10 (due today, not overdue); V2
    # guesthouse 05/08 + 90 days = 03/11: 2/2 = 100%.
    # T02: V3 karaoke 20/09 + 30 = 20/10 < 31/10: overdue; V4 drugs found 10/10. 0/2.
    assert row(result, "T01", "P12") == (100.0, "met")
    assert row(result, "T02", "P12") == (0.0, "not_met")
    t02 = result.villages.at["T02", "P12_evidence"]
    assert (t02["overdue"], t02["drug_findings"]) == (["V3"], ["V4"])
    assert row(result, "T03", "P12")[1] == "not_applicable"


def test_p13_addicts_file_and_treatment(result):
    # T01: CT-001 ok; CT-002 no file, no treatment: 1/2. T02: CT-003, CT-005 ok; CT-011
    # file but no treatment: 2/3. T03: no addicts.
    assert row(result, "T01", "P13") == (50.0, "not_met")
    assert row(result, "T02", "P13")[0] == pytest.approx(200 / 3)
    assert result.villages.at["T02", "P13_evidence"]["no_treatment"] == ["CT-011"]
    assert statuses(result, "P13") == ["not_met", "not_met", "not_applicable"]


def test_p14_moved_person_tested_before_moving_counts_where_they_are_now(result):
    # T02 at 31/10: CT-003 (tested 08/10 in T01), CT-005 (09/10), CT-011 (17/10): 3/3.
    # T01: CT-001 tested, CT-002 not: 1/2. T03: no addicts -> not applicable.
    assert row(result, "T02", "P14") == (100.0, "met")
    assert row(result, "T01", "P14") == (50.0, "not_met")
    assert result.villages.at["T01", "P14_evidence"]["untested"] == ["CT-002"]
    assert row(result, "T03", "P14")[1] == "not_applicable"


def test_p15_relapse_by_positive_test_and_by_change(result):
    # T01: CT-009, CT-010 post-rehab; CT-010 positive 12/10 while post-rehab: 1.
    # T02: CT-011 post-rehab until 17/10, addict from 18/10: 1.
    assert result.villages["P15_value"].tolist()[:2] == [1, 1]
    assert result.villages.at["T01", "P15_evidence"]["relapsed"] == ["CT-010"]
    assert result.villages.at["T02", "P15_evidence"]["relapsed"] == ["CT-011"]
    assert statuses(result, "P15") == ["not_met", "not_met", "not_applicable"]


def test_p16_users(result):
    # T01: CT-006 file, last test 20/09 negative: 1/1. T02: CT-008 last test positive.
    assert row(result, "T01", "P16") == (100.0, "met")
    assert row(result, "T02", "P16") == (0.0, "not_met")
    assert result.villages.at["T02", "P16_evidence"]["not_negative"] == ["CT-008"]


def test_p17_psychosis_compulsory_versus_home(result):
    # T02: CT-004 in a compulsory centre (fine), CT-005 at home: 1 left, target 0.
    assert row(result, "T02", "P17") == (1, "not_met")
    assert result.villages.at["T02", "P17_evidence"] == {"psychosis": 2,
                                                          "left_in_community": ["CT-005"]}
    assert row(result, "T01", "P17")[1] == "not_applicable"


def test_p18_against_the_baseline(result):
    # T01: now 3 (CT-001, 002, 006) - baseline 3 + 2 = -2 < 0: met.
    # T02: now 4 (CT-003, 005, 008, 011) - baseline 2 + 1 = +1: not met. T03: no baseline.
    assert row(result, "T01", "P18") == (-2, "met")
    assert row(result, "T02", "P18") == (1, "not_met")
    assert row(result, "T03", "P18")[1] == "no_data"
    # Commune: 7 - 8 = -1.
    assert (result.commune["P18_value"], result.commune["P18_status"]) == (-1, "met")


def test_p19_addicts_in_the_community(result):
    # At home: CT-001 (methadone), 002, 003, 005, 011 = 5 < 10; CT-004 in a centre.
    c = result.commune
    assert (c["P19_value"], c["P19_status"]) == (5, "met")
    assert c["P19_evidence"]["with_file"] == 4  # all but CT-002


def test_p20_post_rehab_tests_over_three_months(result):
    # Window 01/08–31/10. T01: CT-009 tested 15/09: 1/1; CT-010 post-rehab only since
    # 15/08: not yet due. T02: nobody post-rehab at the month end.
    assert row(result, "T01", "P20") == (100.0, "met")
    assert result.villages.at["T01", "P20_evidence"]["not_yet_due"] == ["CT-010"]
    assert row(result, "T02", "P20")[1] == "not_applicable"


def test_p21_support(result):
    # T01: CT-009 loan, CT-010 nothing: 1/2. T02: CT-012 job: 1/1.
    assert row(result, "T01", "P21") == (50.0, "not_met")
    assert row(result, "T02", "P21") == (100.0, "met")


def test_commune_level_indicators(result):
    c = result.commune
    # P03: posts 29/09, 01/10 | 06, 10 | 13, 15 | 20, 22 | 27/10, 02/11: 2 a week.
    assert (c["P03_value"], c["P03_status"]) == (2, "met")
    assert (c["P07_value"], c["P07_status"]) == (1, "met")  # M1, 20/02/2025
    assert c["P07_evidence"]["on_time"] is True
    assert (c["P08_value"], c["P08_status"]) == (0, "not_met")
    assert c["P08_evidence"]["deadline_passed"] is False


def test_n1_leaves_out_methadone_home_rehab_and_post_rehab(result):
    # T01: CT-002 (no treatment) + CT-006 (user) count; CT-001 methadone does not;
    # post-rehab CT-009/010 never count. T02: CT-008, CT-011 count; CT-003, CT-005 home
    # rehab do not; CT-004 is held (not residing).
    assert result.villages["N1_value"].tolist() == [2, 2, 0]
    assert statuses(result, "N1") == ["not_met", "not_met", "met"]
    t02 = result.villages.at["T02", "N1_evidence"]
    assert t02 == {"counting": ["CT-008", "CT-011"], "excluded": ["CT-003", "CT-005"]}
    assert result.commune["N1_value"] == 4


def test_n2_n3_over_the_evaluation_year(result):
    # Evaluation year from 15/12/2024: I2 arrest in T01 (10/03/2025) counts; I4 fugitive
    # with no village counts for the commune; I3 drug-use site 01/12/2024 is before it.
    assert result.villages["N2_value"].tolist() == [1, 0, 0]
    assert result.commune["N2_value"] == 2
    # N3: V4's drug finding (T02); no use site in the year.
    assert result.villages["N3_value"].tolist() == [0, 1, 0]


def test_national_status_and_blocking_villages(result):
    c = result.commune
    assert c["national_status"] == "not_met"
    assert c["blocking_villages"] == [
        {"code": "T01", "name": "Thôn 1", "indicators": ["N1", "N2"]},
        {"code": "T02", "name": "Thôn 2", "indicators": ["N1", "N3"]}]


def test_risk_levels_per_village_and_commune(result):
    v = result.villages
    # T01: people with a file 2 (CT-001, CT-006) / 400 = 0.5% >= 0.5; arrests 2 / 400
    # = 0.5% >= 0.1; plants 3,500 >= 3,000: three type-I indicators -> I.
    assert v.at["T01", "risk_level"] == "I"
    assert v.at["T01", "risk_evidence"]["met"]["I"] == ["people", "arrests", "plants"]
    # T02: 4 / 300 = 1.33%, nothing else: no level's rule holds -> fallback III.
    assert v.at["T02", "risk_level"] == "III"
    t02 = v.at["T02", "risk_evidence"]
    assert t02["fallback"] is True and t02["ratios"]["people_pct"] == pytest.approx(1.3333)
    assert v.at["T03", "risk_level"] == "none"
    # Commune: 6 / 900 = 0.67%, arrests 2 / 900 = 0.22%, plants 3,500 -> I.
    assert result.commune["risk_level"] == "I"


def test_a_village_without_population_and_the_communes_own_figure(plans):
    villages = fx.villages()
    villages["population"] = villages["population"].astype("Int64")
    villages.loc[villages["code"].isin(["T02", "T03"]), "population"] = None
    result = village_frame(fx.tables(), villages, fx.MONTH, plans, commune="15178")
    v = result.villages
    # T02 has 4 people with a file and no population: the ratio is not known, so no
    # ratio condition holds; the fallback still marks the presence (III), and the
    # evidence shows the population as not known rather than a made-up 0 %.
    t02 = v.at["T02", "risk_evidence"]
    assert v.at["T02", "risk_level"] == "III" and t02["fallback"] is True
    assert t02["population"] is None and t02["ratios"]["people_pct"] is None
    assert t02["people"] == 4
    # T03 has nobody: 0 % whatever its population, not a hotspot.
    t03 = v.at["T03", "risk_evidence"]
    assert v.at["T03", "risk_level"] == "none" and t03["ratios"]["people_pct"] == 0
    # The commune's population is not the sum of the known villages (400, an undercount
    # that would inflate its ratios): not known, unless the commune has its own figure.
    assert result.commune["population"] is None
    assert result.commune["risk_evidence"]["ratios"]["people_pct"] is None
    own = village_frame(fx.tables(), villages, fx.MONTH, plans, commune="15178",
                        population=900)
    assert own.commune["population"] == 900
    # 6 / 900 = 0.67 %, arrests 2 / 900, plants 3,500: type I as with every figure known
    assert own.commune["risk_level"] == "I"
    assert own.commune["risk_evidence"]["ratios"]["people_pct"] == pytest.approx(0.6667)


def test_compliance_scores(result):
    # T03: met P10, N1, N2, N3 (4); not met P09 (1); no data P01, P06, P18 (3):
    # 4 / (4 + 1 + 3) = 0.5. T01: met P01, P06, P09, P12, P16, P18, P20, N3 (8); not met
    # P02, P10, P11, P13, P14, P15, P21, N1, N2 (9): 8 / 17.
    v = result.villages
    assert v.at["T03", "score"] == 0.5
    assert v.at["T03", "score_evidence"] == {"met": 4, "not_met": 1, "no_data": 3,
                                             "not_applicable": 11}
    assert v.at["T01", "score"] == pytest.approx(8 / 17)


def test_schools_semester(result):
    s = result.schools
    # Semester 1 from 01/09: S1 15/09 + 10/10 = 2 (20/05 was last semester): met;
    # S2 one session: not met; S3 upper secondary is not in the plan: not applicable.
    assert s["P04_value"].tolist()[:2] == [2, 1]
    assert s["P04_status"].tolist() == ["met", "not_met", "not_applicable"]
    assert s.at["S1", "P04_evidence"]["semester"] == "2025-2026 HK1"


def test_tasks_and_next_report(result):
    tasks = {t["id"]: t for t in result.commune["tasks"]}
    assert {k: tasks[k]["status"] for k in tasks} == {
        "T1": "late", "T2": "late", "T3": "late", "T4": "late",
        "T5": "late",  # T03 has no pledge list
        "T6": "done", "T7": "due"}
    assert tasks["T6"]["done_on"] == "2025-02-20"
    [report] = result.commune["next_reports"]
    assert (report["id"], report["due"]) == ("M-2025-10", "2025-11-15")
    assert report["recipient_vi"] == "Công an huyện Cẩm Thủy"


def test_evidence_is_json(result):
    v = result.villages
    for column in [c for c in v.columns if c.endswith("_evidence")]:
        json.dumps(v[column].tolist())
    json.dumps(result.commune)
    json.dumps(result.indicators)


def test_pledges_done_late_marks_the_task_done_late(plans):
    tables = fx.add(fx.tables(), "pledges",
                    {"village": "T03", "as_of": d("20/12/2024"), "households_signed": 50})
    result = village_frame(tables, fx.villages(), fx.MONTH, plans)
    task = next(t for t in result.commune["tasks"] if t["id"] == "T5")
    # T01 reached 100% on 10/12/2024, T03 on 20/12/2024, T02 on 10/01/2025: all done,
    # the last on 10/01/2025, after 14/12/2024.
    assert (task["status"], task["done_on"]) == ("done_late", "2025-01-10")


def test_pledges_short_before_the_deadline(plans):
    # November 2024: T01 80/100, T02 no list yet: P06 not met / no data; the task is due.
    result = village_frame(fx.tables(), fx.villages(), "2024-11", plans)
    assert statuses(result, "P06") == ["not_met", "no_data", "no_data"]
    assert result.villages.at["T01", "P06_value"] == 80.0
    task = next(t for t in result.commune["tasks"] if t["id"] == "T5")
    assert task["status"] == "due"
    assert "N1_status" not in result.villages  # QĐ 28 not yet in force
    assert result.commune["national_status"] == "not_applicable"


def test_manual_task_marks(plans):
    marks = {"cam-tan-2024-2025": {"T1": dt.date(2024, 11, 14), "T2": dt.date(2024, 11, 25),
                                   "T4": dt.date(2025, 11, 1)},
             "another-plan": {"T3": dt.date(2024, 11, 1)}}
    result = village_frame(fx.tables(), fx.villages(), fx.MONTH, plans, done_marks=marks)
    tasks = {t["id"]: t["status"] for t in result.commune["tasks"]}
    # T1 due 15/11/2024, T2 due 20/11/2024; T3 is marked for another plan only; T4's mark
    # (01/11/2025) is after this month's end (31/10/2025): not done yet
    assert (tasks["T1"], tasks["T2"], tasks["T3"], tasks["T4"]) == (
        "done", "done_late", "late", "late")


def test_a_broadcast_to_all_villages_reaches_t03(plans):
    tables = fx.add(fx.tables(), "outreach", {
        "kind": "broadcast", "date": d("15/10/2025"), "count": 1, "all_villages": True,
        "villages": (), "school": None, "person": None})
    result = village_frame(tables, fx.villages(), fx.MONTH, plans)
    # T03 now has 1 broadcast in W42 and none in the other weeks: min 0, not met.
    assert row(result, "T03", "P01") == (0, "not_met")
    assert result.villages["broadcasts"].tolist() == [9, 6, 1]


def test_schools_in_the_summer_are_not_applicable(plans):
    result = village_frame(fx.tables(), fx.villages(), "2025-07", plans)
    assert result.schools["P04_status"].tolist() == ["not_applicable"] * 3
    assert result.schools.at["S1", "P04_evidence"] == {"period": "summer_holidays"}


def test_the_six_month_review_and_the_may_report_fall_due_together(plans):
    result = village_frame(fx.tables(), fx.villages(), "2025-05", plans)
    due = [(r["id"], r["due"]) for r in result.commune["next_reports"]]
    assert due == [("M-2025-05", "2025-06-15"), ("R-6M", "2025-06-15")]


def test_no_records_at_all_is_no_data_throughout(plans):
    result = village_frame({}, fx.villages(), fx.MONTH, plans)
    v = result.villages
    status_columns = [c for c in v.columns if c.endswith("_status")]
    for column in ("P01", "P06", "P09", "P18"):
        assert statuses(result, column) == ["no_data"] * 3, column
    # Nothing is met by the absence of records: not even a zero target (P10, N1–N3).
    assert set(v[status_columns].stack()) == {"no_data", "not_applicable"}
    assert statuses(result, "N2") == ["no_data"] * 3
    assert v["N2_value"].isna().all() and v.at["T01", "N2_evidence"] == {}
    assert v["score"].isna().all()
    assert v.at["T01", "score_evidence"]["met"] == 0
    assert result.commune["recorded"] is False and not result.recorded
    assert (result.commune["score"], result.commune["national_status"]) == (None, "no_data")
    assert v["risk_level"].tolist() == ["none"] * 3
    assert v["people"].tolist() == [0, 0, 0]
    assert result.commune["P07_status"] == "no_data"
    assert result.schools.empty


def test_a_month_after_the_last_record_is_no_data_not_met_by_absence(plans):
    # The fixture's last record is the post of 02/11/2025: November is judged,
    # December has no record of any kind.
    november = village_frame(fx.tables(), fx.villages(), "2025-11", plans)
    december = village_frame(fx.tables(), fx.villages(), "2025-12", plans)
    assert november.recorded and not december.recorded
    # P10 (no cultivation found in the month): met by nothing recorded when judged
    assert statuses(november, "P10") == ["met"] * 3
    assert statuses(december, "P10") == ["no_data"] * 3
    # N3 (evaluation year): V4's drug finding of 10/10 in T02
    assert statuses(november, "N3") == ["met", "not_met", "met"]
    assert statuses(december, "N3") == ["no_data"] * 3
    # What is not applicable stays so: T03 has no addict to test (P14).
    assert december.villages.at["T03", "P14_status"] == "not_applicable"
    judged = december.villages[[c for c in december.villages if c.endswith("_status")]]
    assert not judged.isin(["met", "not_met"]).any().any()
    assert december.villages["score"].isna().all() and december.commune["score"] is None
    assert december.commune["national_status"] == "no_data"
    # The people on the lists and the dated tasks still stand at the month's end.
    assert december.villages["people"].tolist() == november.villages["people"].tolist()
    assert [t["status"] for t in december.commune["tasks"]] == \
        [t["status"] for t in november.commune["tasks"]]


def test_a_record_of_any_kind_makes_a_month_judged(plans):
    # One tip settled on 03/12/2025 (K3, received 20/10): December is judged.
    tables = fx.tables()
    tables["tips"].loc[tables["tips"]["code"] == "K3", ["status", "settled_date"]] = [
        "settled", d("03/12/2025")]
    december = village_frame(tables, fx.villages(), "2025-12", plans)
    assert december.recorded
    assert statuses(december, "P10") == ["met"] * 3


def test_plans_not_in_force_are_left_out_and_a_new_evaluation_year_starts(plans):
    tables = fx.add(fx.tables(), "drug_tests",
                    {"person": "CT-001", "date": d("10/02/2026"), "result": "negative"})
    result = village_frame(tables, fx.villages(), "2026-02", plans, commune="15178")
    assert result.plans == ("qd-28-2025",)
    assert not any(c.startswith("P") and c[1].isdigit() for c in result.villages.columns)
    # The evaluation year began 15/12/2025: the arrest of 10/03/2025 no longer counts.
    assert result.villages["N2_value"].tolist() == [0, 0, 0]
    assert result.villages.at["T03", "score"] == 1.0  # N1, N2, N3 met


def test_records_of_other_villages_are_ignored(plans):
    tables = fx.add(fx.tables(), "person_states", {
        "person": "XX-1", "valid_from": d("01/01/2025"), "village": "Z99",
        "category": "addict", "status": "no_treatment", "psychosis": False})
    result = village_frame(tables, fx.villages(), fx.MONTH, plans)
    assert result.commune["N1_value"] == 4
    assert result.villages["N1_value"].tolist() == [2, 2, 0]
