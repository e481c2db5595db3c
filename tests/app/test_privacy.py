"""Small-count masking: no masked count can be recovered from a total."""

from __future__ import annotations

import itertools

from app.privacy import mask_count, masked_total


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
