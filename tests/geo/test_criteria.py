"""Metrics, periods and hotspot levels, one rule at a time, with hand-worked figures."""

from __future__ import annotations

import dataclasses

import pandas as pd

from geo.engine.context import Context
from geo.engine.criteria import METRICS, evaluate
from geo.engine.hotspot import classify, route_units
from geo.engine.periods import evaluation_year, iso_weeks, semester, window
from geo.engine.plans import PLANS_DIR, load_plan
from geo.engine.tables import Tables
from tests.geo import fixtures_compliance as fx
from tests.geo.fixtures_compliance import d

CAM_TAN = load_plan(PLANS_DIR / "cam_tan_2024_2025.toml")
QD_28 = load_plan(PLANS_DIR / "qd_28_2025.toml")
VILLAGES = pd.DataFrame(fx.villages().drop(columns="geometry"))


def run(ident: str, tables=None, month: str = fx.MONTH, level: str = "village",
        **settings) -> pd.DataFrame:
    plan = QD_28 if ident.startswith("N") else CAM_TAN
    ctx = Context(Tables(fx.tables() if tables is None else tables), VILLAGES, month,
                  dataclasses.replace(plan.settings, **settings))
    return evaluate(ctx, plan.indicator(ident), level)


# --- periods --------------------------------------------------------------------------

def test_iso_weeks_of_a_month_are_those_whose_thursday_is_in_it():
    weeks = iso_weeks("2025-10")
    assert [w.label for w in weeks] == ["2025-W40", "2025-W41", "2025-W42", "2025-W43",
                                        "2025-W44"]
    assert (weeks[0].start, weeks[-1].end) == (d("29/09/2025"), d("02/11/2025"))
    # September 2025 starts on a Monday and its last week (29/09) belongs to October.
    assert [w.label for w in iso_weeks("2025-09")][-1] == "2025-W39"
    # December 2026: W53 of 2026 (Thursday 31/12) is December's.
    assert iso_weeks("2026-12")[-1].label == "2026-W53"


def test_semesters_and_summer():
    assert semester(d("01/09/2025"))[0] == "2025-2026 HK1"
    assert semester(d("31/01/2026"))[0] == "2025-2026 HK1"
    assert semester(d("01/02/2026"))[1].end == d("31/05/2026")
    assert [semester(d(f"15/{m:02d}/2025")) for m in (6, 7, 8)] == [None, None, None]
    assert window("semester", "2025-10") == (d("01/09/2025"), d("31/10/2025"))
    assert window("semester", "2025-07") is None


def test_evaluation_year_and_rolling_months():
    assert evaluation_year(d("14/12/2025")) == (d("15/12/2024"), d("14/12/2025"))
    assert evaluation_year(d("15/12/2025")).start == d("15/12/2025")
    assert window("evaluation_year", "2025-10") == (d("15/12/2024"), d("31/10/2025"))
    assert window("rolling_3_months", "2025-01") == (d("01/11/2024"), d("31/01/2025"))


# --- the metric table -----------------------------------------------------------------

def test_every_shipped_indicator_names_a_registered_metric_at_a_supported_level():
    for plan in (CAM_TAN, QD_28):
        for ind in plan.indicators:
            metric = METRICS[ind.metric]
            assert set(ind.levels) <= set(metric.levels), ind.id
            assert ind.period in metric.periods, ind.id


def test_comparisons_and_missing_values():
    ctx = Context(Tables(fx.tables()), VILLAGES, fx.MONTH, CAM_TAN.settings)
    p16 = CAM_TAN.indicator("P16")  # T01 100, T02 0, T03 nobody
    for comparison, target, expected in [
            (">=", 100, ["met", "not_met"]), (">", 0, ["met", "not_met"]),
            ("<=", 0, ["not_met", "met"]), ("<", 100, ["not_met", "met"]),
            ("==", 0, ["not_met", "met"])]:
        ind = dataclasses.replace(p16, comparison=comparison, target=target)
        assert evaluate(ctx, ind, "village")["status"].tolist() == [
            *expected, "not_applicable"], comparison
    no_target = dataclasses.replace(p16, comparison=None, target=None)
    assert set(evaluate(ctx, no_target, "village")["status"]) == {"not_applicable"}


# --- people ---------------------------------------------------------------------------

def test_people_held_in_a_centre_count_when_the_setting_says_so():
    # CT-004 (addict, compulsory centre since 20/10, T02) joins the T02 figures.
    assert run("N1")["value"].tolist() == [2, 2, 0]
    assert run("N1", held_count_as_residing=True)["value"].tolist() == [2, 3, 0]
    held = run("P13", held_count_as_residing=True)
    assert held.at["T02", "evidence"]["addicts"] == 4  # CT-003, 004, 005, 011
    assert held.at["T02", "value"] == 75.0  # CT-004 has a file and is in treatment


def test_user_management_lasts_twelve_months_from_the_last_positive_test():
    # CT-007: managed from 01/06/2024, last positive 01/06/2024: off the lists in
    # October 2025. A positive test on 01/12/2024 restarts the year to 01/12/2025.
    tables = fx.tables()
    assert "CT-007" not in run("N1", tables).at["T01", "evidence"]["counting"]
    tables = fx.add(tables, "drug_tests",
                    {"person": "CT-007", "date": d("01/12/2024"), "result": "positive"})
    assert "CT-007" in run("N1", tables).at["T01", "evidence"]["counting"]
    assert "CT-007" in run("N1", tables, user_management_months=24).at[
        "T01", "evidence"]["counting"]


def test_post_rehab_after_compulsory_rehab_lasts_24_months_for_adults_only():
    # CT-009: post-rehab since 01/09/2024 after a compulsory centre, born 1990: listed
    # until 01/09/2026 (24 months). Born 2008, 16 at the start: 12 months, off on
    # 01/09/2025, so P21 in T01 is CT-010 alone (0 of 1).
    assert run("P21").at["T01", "evidence"]["persons"] == 2
    tables = fx.tables()
    persons = tables["persons"].copy()
    persons.loc[persons["code"] == "CT-009", "birth_year"] = 2008
    tables["persons"] = persons
    minor = run("P21", tables)
    assert (minor.at["T01", "evidence"]["persons"], minor.at["T01", "value"]) == (1, 0.0)


def test_a_status_change_within_the_month_counts_as_at_the_month_end():
    # CT-004 had no treatment until 19/10; in September it was at home in T02.
    september = run("N1", month="2025-09")
    assert "CT-004" in september.at["T02", "evidence"]["counting"]
    assert "CT-004" not in run("N1").at["T02", "evidence"]["counting"]


def test_a_moved_person_counts_in_the_old_village_before_moving():
    # In September CT-003 was in T01: P13 T01 = CT-001, 002, 003.
    assert run("P13", month="2025-09").at["T01", "evidence"]["addicts"] == 3


def test_relapse_needs_a_post_rehab_state():
    # An addict (CT-002) testing positive is no relapse; CT-009 (post-rehab) is.
    tables = fx.add(fx.tables(), "drug_tests",
                    {"person": "CT-002", "date": d("20/10/2025"), "result": "positive"},
                    {"person": "CT-009", "date": d("21/10/2025"), "result": "positive"})
    assert run("P15", tables).at["T01", "evidence"]["relapsed"] == ["CT-009", "CT-010"]


# --- places ---------------------------------------------------------------------------

def test_the_tip_deadline_is_a_setting():
    # With 30 days, K2 (25/09, settled 16/10 = 21 days) is on time: T01 2/2.
    assert run("P11").at["T01", "value"] == 50.0
    assert run("P11", tip_deadline_days=30).at["T01", "value"] == 100.0


def test_an_unsettled_tip_is_open_past_its_deadline_not_settled_late():
    # K3: received 20/10, deadline 09/11, never settled: open within the deadline in
    # October, judged in November (10/11) and still open then: open past the deadline.
    november = run("P11", month="2025-11").loc["T02"]
    assert november["status"] == "not_met"
    assert {k: november["evidence"][k] for k in (
        "judged", "on_time", "settled_late", "open_past_deadline", "open_within_deadline")} \
        == {"judged": 1, "on_time": [], "settled_late": [], "open_past_deadline": ["K3"],
            "open_within_deadline": []}


def test_a_tip_settled_after_its_deadline_is_settled_late_only_once_settled():
    # K3 settled 15/11 (after the deadline 09/11, within November): settled late in
    # November. Settled 05/12 instead: still open at the end of November, so open past
    # the deadline there; December judges it no more (a tip is judged once).
    def settled(day: str) -> pd.DataFrame:
        tables = fx.tables()
        tips = tables["tips"]
        tips.loc[tips["code"] == "K3", ["status", "settled_date"]] = ["settled", d(day)]
        return tables

    in_november = run("P11", settled("15/11/2025"), month="2025-11").at["T02", "evidence"]
    assert (in_november["settled_late"], in_november["open_past_deadline"]) == (["K3"], [])
    later = settled("05/12/2025")
    in_november = run("P11", later, month="2025-11").at["T02", "evidence"]
    assert (in_november["settled_late"], in_november["open_past_deadline"]) == ([], ["K3"])
    assert run("P11", later, month="2025-12").at["T02", "status"] == "not_applicable"


def test_inspection_intervals_by_kind():
    # V2 is a guesthouse last inspected 05/08: due 03/11 with 90 days, overdue with 60.
    assert run("P12").at["T01", "status"] == "met"
    short = run("P12", inspection_interval_days=(("guesthouse", 60), ("karaoke", 30)))
    assert short.at["T01", "evidence"]["overdue"] == ["V2"]
    # The same 87 days would make a karaoke overdue: V1 as if inspected on 05/08.
    tables = fx.tables()
    inspections = tables["inspections"].copy()
    inspections.loc[inspections["venue"] == "V1", "date"] = d("05/08/2025")
    tables["inspections"] = inspections
    assert run("P12", tables).at["T01", "evidence"]["overdue"] == ["V1"]


def test_n3_counts_drug_use_sites_in_the_evaluation_year():
    tables = fx.add(fx.tables(), "incidents", {
        "code": "I9", "kind": "use_site", "date": d("16/12/2024"), "village": "T03"})
    assert run("N3", tables)["value"].tolist() == [0, 1, 1]


# --- hotspot levels --------------------------------------------------------------------

def _hotspot(population: int, people: int = 0, sites: int = 0, arrested: int = 0,
             plants: int = 0, on_route: bool = False) -> tuple[str, dict]:
    villages = pd.DataFrame({"code": ["H1"], "name": ["Thôn H"], "households": [1],
                             "population": [population]})
    states = [{"person": f"H-{i}", "valid_from": d("01/01/2025"), "village": "H1",
               "category": "user", "status": "no_treatment", "psychosis": False}
              for i in range(people)]
    persons = [{"code": f"H-{i}", "file_opened": True} for i in range(people)]
    incidents = ([{"code": f"S{i}", "kind": "use_site", "date": d("01/03/2025"),
                   "village": "H1"} for i in range(sites)]
                 + [{"code": "A", "kind": "arrest", "date": d("01/03/2025"),
                     "village": "H1", "persons": arrested}] * bool(arrested)
                 + [{"code": "C", "kind": "cultivation", "date": d("01/03/2025"),
                     "village": "H1", "plants": plants}] * bool(plants))
    tables = Tables({"person_states": pd.DataFrame(states), "persons": pd.DataFrame(persons),
                     "incidents": pd.DataFrame(incidents)})
    settings = dataclasses.replace(QD_28.settings, on_drug_route=on_route)
    ctx = Context(tables, villages, fx.MONTH, settings)
    route = route_units(ctx, "village", [(on_route, ())])
    out = classify(ctx, QD_28.hotspot, "village", route)
    return out.at["H1", "risk_level"], out.at["H1", "risk_evidence"]


def test_hotspot_type_ii_by_three_indicators():
    # Population 1,500: 3 users = 0.2% (0.1–0.5), 1 site, 1 arrest = 0.067% (0.05–0.1).
    level, evidence = _hotspot(1500, people=3, sites=1, arrested=1)
    assert level == "II"
    assert evidence["met"]["II"] == ["people", "sites", "arrests"]


def test_hotspot_type_iii_by_one_low_indicator():
    # 1 user in 2,000 = 0.05% < 0.1%.
    assert _hotspot(2000, people=1)[0] == "III"
    assert _hotspot(2000, plants=499)[0] == "III"


def test_hotspot_route_counts_indicators_of_the_lower_level_or_above():
    # 3 users in 1,500 (0.2%, type II) and 1 site (type II): 2 type-II indicators.
    # Off the route: II needs 3 -> no rule holds; the plan's fallback gives III.
    level, evidence = _hotspot(1500, people=3, sites=1)
    assert (level, evidence["fallback"]) == ("III", True)
    # On the route: "2 indicators of type III or above and on a route" is II's third.
    level, evidence = _hotspot(1500, people=3, sites=1, on_route=True)
    assert level == "II" and "route" in evidence["met"]["II"]


def test_hotspot_none_when_nothing_and_type_i_with_plants():
    assert _hotspot(1000)[0] == "none"
    # 5 users in 1,000 = 0.5%, 2 sites, 3,000 plants: three type-I indicators.
    assert _hotspot(1000, people=5, sites=2, plants=3000)[0] == "I"
