"""Small-count masking: no masked count can be recovered from a total."""

from __future__ import annotations

import itertools

from app.privacy import band_limit, mask_count, masked_total


def _consistent(shown_cells: list[str], shown_total: str, threshold: int) -> set[tuple]:
    """Every true table that would be displayed exactly like this."""
    options = []
    for cell in shown_cells:
        options.append(range(1, threshold + 1) if cell.startswith("≤") else [int(cell)])
    return {combo for combo in itertools.product(*options)
            if masked_total(combo, threshold) == shown_total}


def test_masks_one_to_threshold():
    assert [mask_count(v, 2) for v in range(5)] == ["0", "≤2", "≤2", "3", "4"]
    assert mask_count(3, 3) == "≤3"


def test_subtracting_from_the_total_recovers_nothing():
    # A village table: 7 people, 1 person, 0, 12. Shown: 7, ≤2, 0, 12 and the total.
    true = [7, 1, 0, 12]
    cells = [mask_count(v, 2) for v in true]
    total = masked_total(true, 2)
    assert cells == ["7", "≤2", "0", "12"] and total == "20–21"
    # Both 1 and 2 remain possible for the masked cell: the display does not tell.
    assert {combo[1] for combo in _consistent(cells, total, 2)} == {1, 2}


def test_two_masked_cells_stay_ambiguous_each():
    true = [2, 1, 9]
    cells, total = [mask_count(v, 2) for v in true], masked_total(true, 2)
    assert total == "11–13"
    possible = _consistent(cells, total, 2)
    assert {c[0] for c in possible} == {1, 2} and {c[1] for c in possible} == {1, 2}


def test_no_masking_gives_the_exact_total():
    assert masked_total([3, 0, 10], 2) == "13"



def test_people_have_no_place_so_they_can_never_be_drawn_as_points():
    from app.models import DrugTest, Person, PersonState
    for model in (Person, PersonState, DrugTest):
        columns = set(model.__table__.columns.keys())
        assert not columns & {"lat", "lon", "x", "y", "geometry", "address"}, model


def test_no_layer_of_people_on_any_map(demo, settings):
    """With the full demo: the only points are places (tip boxes, venues, schools, and
    for the police the tips' heat); no person code reaches a leader's or viewer's map."""
    from sqlalchemy import select

    from app import imports
    from app.models import Person
    from tests.conftest import client_as
    imports.load_demo_records(demo, "15178", 15178)
    with demo() as session:
        codes = set(session.scalars(select(Person.code)))
    assert len(codes) > 40
    for role in ("police", "leader", "viewer"):
        page = client_as(settings, demo, role).get("/communes/15178/map?month=2025-10").text
        assert ("L.heatLayer" in page) == (role == "police")  # tips, police only
        if role != "police":
            assert not [c for c in codes if c in page]


def test_a_tip_has_no_field_for_who_sent_it(client):
    from app.models import Tip
    from app.records.schema import BY_NAME
    columns = set(Tip.__table__.columns.keys()) | {f.key for f in BY_NAME["tips"].fields}
    for word in ("sender", "informant", "reporter", "name", "phone", "address", "contact"):
        assert not any(word in column for column in columns), word
    form = client.get("/communes/15178/records/tips/new").text
    assert "Không bao giờ ghi nhận người cung cấp nguồn tin" in form


def _totals_consistent(shown_limit: int, present: int) -> set[tuple]:
    """Every split of a village's people over the four lists that a viewer could not
    tell apart: the total shown "≤limit", the statuses telling that the first
    ``present`` lists hold somebody and the others nobody."""
    options = [range(1, shown_limit + 1)] * present + [[0]] * (4 - present)
    return {split for split in itertools.product(*options)
            if 1 <= sum(split) <= shown_limit}


def test_a_band_as_narrow_as_the_threshold_is_undone_by_the_statuses():
    # an addict and a user (P14 and P16 apply), total shown "≤2": exactly one of each
    assert _totals_consistent(2, 2) == {(1, 1, 0, 0)}
    limit = band_limit(2, 4)
    assert limit == 5
    for present in range(1, 5):  # whatever lists are known to hold somebody
        splits = _totals_consistent(limit, present)
        assert len({sum(s) for s in splits}) >= 2, present  # the total stays open
        for i in range(present):  # and so does every list
            assert len({s[i] for s in splits}) >= 2, (present, i)


def test_every_count_of_the_frame_says_whether_it_counts_people():
    import geopandas as gpd
    from shapely.geometry import box

    from geo.engine.context import Context
    from geo.engine.counts import LISTS, NOT_PEOPLE, PEOPLE, village_counts
    from geo.engine.plans import PlanSettings
    from geo.engine.tables import Tables

    villages = gpd.GeoDataFrame({"code": ["T01"], "name": ["Thôn 1"], "households": [100],
                                 "population": [400]}, geometry=[box(0, 0, 1, 1)])
    columns = set(village_counts(Context(Tables({}), villages, "2025-10", PlanSettings())))
    assert columns == set(PEOPLE) | set(NOT_PEOPLE) and not set(PEOPLE) & set(NOT_PEOPLE)
    assert {"people", *LISTS, "tests", "individual_visits"} <= set(PEOPLE)


def test_the_indicators_declared_about_people_are_those_about_people():
    """geo's declarations (Metric.counts_people) against the test's own reading of the
    plans: people on the lists, visits to them, violations, arrests and fugitives."""
    from geo.engine.plans import shipped_plans
    from tests.app.test_viewer_privacy import people_indicators

    about_people = people_indicators()
    declared = {i.id for p in shipped_plans() for i in p.indicators if i.people}
    assert declared == set(about_people)
    assert {"N1", "N2", "P02", "P13", "P19", "P21"} <= declared
    assert not declared & {"N3", "P01", "P05", "P09", "P10", "P11", "P12"}
