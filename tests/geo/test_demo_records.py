"""The synthetic demo records: seeded, in range, consistent, and designed village by village."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest

from geo.demo.records import demo_records
from geo.join import assign_villages
from tests.factories import demo_outline, demo_villages

VILLAGES = demo_villages()
OUTLINE = demo_outline()
START, END = dt.date(2024, 11, 1), dt.date(2025, 12, 31)
REGISTRATION = dt.date(2024, 11, 20)
IN_COMMUNITY = {"no_treatment", "rehab_home", "rehab_facility", "methadone"}
SEEDS = (15178, 1, 7, 2024)


@pytest.fixture(scope="module", params=SEEDS)
def frames(request) -> dict[str, pd.DataFrame]:
    return demo_records(VILLAGES, OUTLINE, seed=request.param)


def _state_at(persons: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Each person's last state on ``day`` (people not yet registered are left out)."""
    known = persons[persons["status_date"] <= day]
    return known.sort_values("status_date").groupby("code").tail(1).set_index("code")


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _weeks() -> list[dt.date]:
    """Mondays of the weeks lying wholly inside the period."""
    monday = START + dt.timedelta(days=(7 - START.weekday()) % 7)
    out = []
    while monday + dt.timedelta(days=6) <= END:
        out.append(monday)
        monday += dt.timedelta(weeks=1)
    return out


def test_the_same_seed_gives_identical_frames_and_another_seed_others():
    first, again = demo_records(VILLAGES, OUTLINE, seed=5), demo_records(VILLAGES, OUTLINE,
                                                                         seed=5)
    other = demo_records(VILLAGES, OUTLINE, seed=6)
    assert list(first) == list(again)
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    differing = [name for name in first if not first[name].equals(other[name])]
    assert {"persons", "drug_tests", "outreach", "tips", "tip_boxes", "venues"} <= set(
        differing)


def test_the_village_order_of_the_input_does_not_matter():
    shuffled = VILLAGES.iloc[::-1].reset_index(drop=True)
    a, b = demo_records(VILLAGES, OUTLINE, seed=3), demo_records(shuffled, OUTLINE, seed=3)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_counts_lie_in_the_briefed_ranges(frames):
    persons = frames["persons"]
    assert 40 <= persons["code"].nunique() <= 80
    assert set(VILLAGES["code"]) - set(persons["village"]) == {"T02", "T09"}
    assert set(persons["category"]) == {"user", "addict", "post_rehab", "released"}
    last = _state_at(persons, END)
    assert (last["status"] == "methadone").sum() >= 2
    assert (last["status"] == "moved_away").sum() == 1
    assert (last["status"] == "rehab_compulsory").sum() >= 3
    assert 6 <= len(frames["tip_boxes"]) <= 12
    assert 20 <= len(frames["tips"]) <= 40
    assert 10 <= len(frames["venues"]) <= 20
    assert {"karaoke", "guesthouse", "hotel", "internet_cafe"} <= set(frames["venues"]["kind"])
    assert 2 <= len(frames["schools"]) <= 3
    assert {"primary", "lower_secondary"} <= set(frames["schools"]["level"])
    assert {"violation", "arrest", "cultivation", "use_site"} <= set(frames["incidents"]["kind"])
    assert sorted(frames["models"]["kind"]) == ["prevention", "reintegration_3_1"]
    assert set(frames["outreach"]["kind"]) == {"broadcast", "post", "school_session",
                                               "individual_visit", "respected_person", "meeting"}


def test_every_point_lies_inside_its_village_away_from_the_border(frames):
    located = []
    for name in ("schools", "tip_boxes", "tips", "venues", "incidents"):
        frame = frames[name]
        points = frame[frame["lat"].notna()]
        assert len(points) > 0, name
        located.append(points.assign(kind=name))
    points = pd.concat(located, ignore_index=True)
    placed = assign_villages(points[["lat", "lon"]], VILLAGES, OUTLINE)
    assert set(placed["rule"]) == {"inside"}
    with_village = points["village"].notna()
    assert (placed.loc[with_village, "village_code"] == points.loc[with_village,
                                                                   "village"]).all()
    metric = gpd.GeoSeries(gpd.points_from_xy(points["lon"], points["lat"]),
                           crs="EPSG:4326").to_crs("EPSG:32648")
    borders = VILLAGES.to_crs("EPSG:32648").boundary.union_all()
    assert metric.distance(borders).min() > 100
    assert metric.within(gpd.GeoSeries([OUTLINE], crs="EPSG:4326").to_crs(
        "EPSG:32648").iloc[0]).all()


def test_every_reference_resolves(frames):
    codes = set(VILLAGES["code"])
    people = set(frames["persons"]["code"])
    outreach = frames["outreach"]
    assert set(frames["drug_tests"]["person"]) <= people
    assert set(outreach["person"].dropna()) <= people
    assert set(outreach["school"].dropna()) == set(frames["schools"]["code"])
    assert set(frames["inspections"]["venue"]) == set(frames["venues"]["code"])
    reached = {c for cell in outreach["villages"].dropna() for c in cell.split(";")}
    assert reached <= codes and reached
    for name in ("persons", "pledges", "tips", "incidents", "baselines"):
        assert set(frames[name]["village"].dropna()) <= codes, name
    for name in ("persons", "tips", "venues", "incidents", "tip_boxes", "schools", "models"):
        unique = frames[name].drop_duplicates("code") if name == "persons" else frames[name]
        assert unique["code"].is_unique, name


def test_people_are_pseudonymous_codes_without_identifying_columns(frames):
    persons = frames["persons"]
    assert list(persons.columns) == [
        "code", "village", "category", "status", "status_date", "psychosis", "file_opened",
        "file_opened_date", "management_start", "management_end", "loan_date", "job_date",
        "birth_year", "sex"]
    assert persons["code"].str.fullmatch(r"CT-\d{3}").all()
    assert "sender" not in frames["tips"].columns and "name" not in frames["tips"].columns


def test_each_persons_states_are_in_date_order_and_share_the_person_columns(frames):
    persons = frames["persons"]
    assert list(persons["status_date"]) == sorted(persons["status_date"])
    person_columns = ["village", "file_opened", "file_opened_date", "management_start",
                      "management_end", "loan_date", "job_date", "birth_year", "sex"]
    for _code, states in persons.groupby("code"):
        assert states["status_date"].is_unique
        assert len(states[person_columns].astype(str).drop_duplicates()) == 1
    multi = persons.groupby("code").size()
    assert (multi >= 3).sum() >= 5  # e.g. not in treatment → home rehab → post-rehab


def test_record_dates_lie_in_the_period_but_fridays_broadcasts_before_the_plan(frames):
    dated = {"persons": ["status_date"], "drug_tests": ["date"], "outreach": ["date"],
             "pledges": ["as_of"], "models": ["established"],
             "tips": ["received", "verified_date", "settled_date", "unfounded_date"],
             "inspections": ["date"], "incidents": ["date"], "baselines": ["as_of"]}
    outreach = frames["outreach"]
    before = outreach[outreach["date"] < START]
    assert set(before["kind"]) == {"broadcast"} and before["villages"].isna().all()
    assert sorted(before["date"]) == [dt.date(2024, 10, d) for d in (4, 11, 18, 25)]
    frames = {**frames, "outreach": outreach[outreach["date"] >= START]}
    for name, columns in dated.items():
        for column in columns:
            days = frames[name][column].dropna()
            assert days.between(START, END).all(), (name, column)


def test_psychosis_cases_go_to_compulsory_rehab_but_one_stays_in_t04(frames):
    persons = frames["persons"]
    flagged = persons[persons["psychosis"]]["code"].unique()
    assert len(flagged) == 3
    last = _state_at(persons, END).loc[flagged]
    left = last[last["status"].isin(IN_COMMUNITY)]
    assert list(left["village"]) == ["T04"]
    assert (last["status"] == "rehab_compulsory").sum() == 2


def test_addicts_tested_every_month_in_t01_and_t03_but_not_in_t06(frames):
    persons, tests = frames["persons"], frames["drug_tests"]
    tested = set(zip(tests["person"], tests["date"].map(_month), strict=True))
    missed: dict[str, int] = {}
    month = dt.date(2024, 12, 1)
    while month <= END:  # an addict living in the community the whole month
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        first, last = _state_at(persons, month), _state_at(persons, nxt - dt.timedelta(days=1))
        for code, state in first.iterrows():
            stayed = (state["category"] == "addict" and state["status"] in IN_COMMUNITY
                      and last.loc[code, "category"] == "addict"
                      and last.loc[code, "status"] in IN_COMMUNITY)
            if stayed and (code, _month(month)) not in tested:
                missed[state["village"]] = missed.get(state["village"], 0) + 1
        month = nxt
    assert "T01" not in missed and "T03" not in missed
    assert missed.get("T06", 0) >= 2


def test_relapses_are_positive_tests_after_rehab_in_t05_and_t06(frames):
    persons, tests = frames["persons"], frames["drug_tests"]
    relapses = []
    for row in tests[tests["result"] == "positive"].itertuples():
        state = _state_at(persons, row.date).loc[row.person]
        if state["category"] == "post_rehab" or state["status"] != "no_treatment":
            relapses.append(state["village"])
    assert sorted(relapses) == ["T05", "T06"]
    t05 = persons[persons["village"] == "T05"]
    assert "rehab_compulsory" in set(t05["status"])


def test_post_rehab_tested_every_three_months_but_one_in_t05(frames):
    persons, tests = frames["persons"], frames["drug_tests"]
    longest: dict[str, int] = {}
    for code, states in persons.groupby("code"):
        post = states[states["category"] == "post_rehab"]
        if post.empty or post["status"].iloc[0] != "no_treatment":
            continue
        begin = max(post["status_date"].iloc[0], START)
        later = states[states["status_date"] > begin]["status_date"]
        stop = min([END, post["management_end"].iloc[0], *later])
        days = sorted(d for d in tests[tests["person"] == code]["date"] if begin <= d <= stop)
        marks = [begin, *days, stop]
        longest[code] = max((b - a).days for a, b in zip(marks, marks[1:], strict=False))
    village = persons.drop_duplicates("code").set_index("code")["village"]
    late = {code for code, gap in longest.items() if gap > 92}
    assert [village[c] for c in late] == ["T05"]
    assert max(longest.values()) >= 140


def test_pledges_reach_every_household_by_14_12_2024_except_two_villages(frames):
    pledges = frames["pledges"].merge(VILLAGES[["code", "households"]], left_on="village",
                                      right_on="code")
    for _village, rows in pledges.groupby("village"):
        assert rows["households_signed"].is_monotonic_increasing
        assert rows["households_signed"].iloc[-1] == rows["households"].iloc[0]
    done = pledges[pledges["households_signed"] == pledges["households"]]
    first_full = done.groupby("village")["as_of"].min()
    late = first_full[first_full > dt.date(2024, 12, 14)]
    assert sorted(late.index) == ["T08", "T09"]
    assert all(day.year == 2025 for day in late)
    assert len(first_full) == 10


def test_models_by_february_2025_and_a_3_1_model_during_2025(frames):
    models = frames["models"].set_index("kind")["established"]
    assert models["prevention"] <= dt.date(2025, 2, 28)
    assert models["reintegration_3_1"].year == 2025


def test_tip_boxes_missing_in_t09_and_broken_in_t08(frames):
    boxes = frames["tip_boxes"]
    placed = assign_villages(boxes, VILLAGES, OUTLINE)["village_code"]
    working = set(placed[boxes["status"] == "working"])
    assert set(VILLAGES["code"]) - working == {"T08", "T09"}
    assert list(placed[boxes["status"] == "broken"]) == ["T08"]
    assert "T09" not in set(placed)


def test_tips_settled_within_20_days_except_in_t08(frames):
    tips = frames["tips"]
    done = tips["settled_date"].where(tips["settled_date"].notna(), tips["unfounded_date"])
    days = [(d - r).days if isinstance(d, dt.date) else None
            for d, r in zip(done, tips["received"], strict=True)]
    tips = tips.assign(days=days)
    assert (tips["status"] == "unfounded").sum() == 2
    still_open = tips[tips["status"].isin(["received", "verified"])]
    assert 1 <= len(still_open) <= 2
    late = tips[(tips["days"] > 20) | ((tips["status"] == "verified") & (
        tips["received"] < END - dt.timedelta(days=20)))]
    assert set(late["village"]) == {"T08"} and len(late) == 3
    assert set(tips["channel"]) == {"tip_box", "vneid", "phone", "in_person"}


def test_inspections_monthly_for_karaoke_overdue_in_t10_and_drugs_in_t07(frames):
    venues, inspections = frames["venues"], frames["inspections"]
    venues = venues.assign(village=assign_villages(venues, VILLAGES, OUTLINE)["village_code"])
    seen = inspections.merge(venues, left_on="venue", right_on="code")
    assert set(seen[seen["drug_finding"]]["village"]) == {"T07"}
    assert seen["drug_finding"].sum() == 2
    last = seen.groupby("venue")["date"].max()
    overdue = venues.set_index("code").loc[last[last < dt.date(2025, 9, 1)].index]
    assert set(overdue[overdue["active"]]["village"]) == {"T10"}
    assert set(overdue["village"]) <= {"T10", "T08"}
    t01_karaoke = seen[(seen["village"] == "T01") & (seen["kind"] == "karaoke")]
    assert t01_karaoke["date"].map(_month).nunique() == 14


def test_broadcasts_twice_a_week_but_short_in_t05_and_t09_and_posts_mostly_twice(frames):
    outreach = frames["outreach"]
    broadcasts = outreach[outreach["kind"] == "broadcast"]
    per_week: dict[tuple[str, dt.date], int] = {}
    for row in broadcasts.itertuples():
        reached = VILLAGES["code"] if pd.isna(row.villages) else row.villages.split(";")
        monday = row.date - dt.timedelta(days=row.date.weekday())
        for code in reached:
            per_week[code, monday] = per_week.get((code, monday), 0) + 1
    short = {code for code in VILLAGES["code"] for monday in _weeks()
             if per_week.get((code, monday), 0) < 2}
    assert {"T05", "T09"} <= short and "T01" not in short
    posts = outreach[outreach["kind"] == "post"]["date"]
    counts = [posts.between(m, m + dt.timedelta(days=6)).sum() for m in _weeks()]
    assert min(counts) == 1 and pd.Series(counts).median() == 2


def test_two_sessions_per_school_and_semester_but_one_short(frames):
    sessions = frames["outreach"][frames["outreach"]["kind"] == "school_session"]
    semesters = [(dt.date(2024, 11, 1), dt.date(2025, 1, 15)),
                 (dt.date(2025, 1, 20), dt.date(2025, 5, 25)),
                 (dt.date(2025, 9, 5), dt.date(2025, 12, 31))]
    counts = sorted(sessions[(sessions["school"] == school) & sessions["date"].between(lo, hi)]
                    .shape[0] for school in frames["schools"]["code"] for lo, hi in semesters)
    assert counts == [1] + [2] * (3 * len(frames["schools"]) - 1)
    assert len(sessions) == sum(counts)


def test_visits_every_month_in_t01_with_gaps_in_t06(frames):
    persons, outreach = frames["persons"], frames["outreach"]
    visits = outreach[outreach["kind"] == "individual_visit"]
    visited = set(zip(visits["person"], visits["date"].map(_month), strict=True))
    village = persons.drop_duplicates("code").set_index("code")["village"]
    gaps = {"T01": 0, "T06": 0}
    for code in village[village.isin(list(gaps))].index:
        for month in range(14):
            day = dt.date(2024 + (10 + month) // 12, (10 + month) % 12 + 1, 15)
            state = _state_at(persons, day)
            if code in state.index and state.loc[code, "status"] in IN_COMMUNITY and (
                    code, _month(day)) not in visited:
                gaps[village[code]] += 1
    assert gaps["T01"] == 0 and gaps["T06"] >= 5


def test_baseline_counts_the_lists_at_registration_and_t07_grows(frames):
    persons, baselines = frames["persons"], frames["baselines"]
    assert len(baselines) == 40 and set(baselines["as_of"]) == {REGISTRATION}
    at_start = _state_at(persons, REGISTRATION)
    assert baselines["count"].sum() == len(at_start)
    base = baselines[baselines["category"].isin(["user", "addict"])].groupby("village")[
        "count"].sum()
    now = _state_at(persons, END)
    now = now[now["category"].isin(["user", "addict"]) & now["status"].isin(IN_COMMUNITY)]
    now = now.groupby("village").size().reindex(base.index, fill_value=0)
    assert list(base.index[now > base]) == ["T07"]
    addicts_home = [(s["category"] == "addict") & s["status"].isin(IN_COMMUNITY)
                    for s in (at_start, _state_at(persons, END))]
    assert addicts_home[0].sum() >= 10 > addicts_home[1].sum()


def test_support_missing_only_in_t10(frames):
    last = _state_at(frames["persons"], END)
    helped = last["loan_date"].notna() | last["job_date"].notna()
    eligible = last["category"].isin(["post_rehab", "released"])
    assert set(last[eligible & ~helped]["village"]) == {"T10"}
    assert (eligible & ~helped).sum() >= 2


def test_files_opened_for_most_people_some_late_one_never():
    persons = demo_records(VILLAGES, OUTLINE, seed=15178)["persons"].drop_duplicates("code")
    assert (~persons["file_opened"]).sum() == 2
    opened = persons[persons["file_opened"]]
    in_2025 = opened[opened["file_opened_date"] > dt.date(2024, 12, 31)]
    # the four users found in T07 during 2025, and T06's user whose file came late
    assert sorted(in_2025["village"]) == ["T06", "T07", "T07", "T07", "T07"]
    first = persons.set_index("code")["status_date"]
    late = opened[[(o - first[c]).days > 30 for c, o in zip(
        opened["code"], opened["file_opened_date"], strict=True)]]
    assert list(late["village"]) == ["T06"]

