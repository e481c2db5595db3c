"""The shared checking path: person history in one file, VN-2000 X/Y in either order."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Person, Venue
from tests.factories import save_records


def test_a_person_history_can_come_in_one_sheet(demo):
    rows = [
        {"code": "P1", "village": "T01", "category": "addict", "status": "no_treatment",
         "status_date": "01/11/2024"},
        {"code": "P1", "village": "T02", "category": "addict", "status": "rehab_home",
         "status_date": "01/03/2025"},
    ]
    assert save_records(demo, "persons", rows) == []
    with demo() as session:
        person = session.scalar(select(Person))
        assert [(s.valid_from.isoformat(), s.village_code, s.status) for s in person.states] == [
            ("2024-11-01", "T01", "no_treatment"), ("2025-03-01", "T02", "rehab_home")]
        assert (person.village_code, person.status) == ("T02", "rehab_home")


def test_the_same_state_twice_is_still_a_duplicate(demo):
    row = {"code": "P1", "village": "T01", "category": "addict", "status": "no_treatment",
           "status_date": "01/11/2024"}
    problems = save_records(demo, "persons", [row, dict(row)])
    assert [(p.row, p.code, p.value) for p in problems] == [(3, "duplicate_row", "P1")]


def test_vn2000_x_northing_y_easting_and_the_reverse_give_the_same_point(demo):
    venue = {"name": "Karaoke", "kind": "karaoke"}
    rows = [{**venue, "code": "V1", "x": 2226000, "y": 555000},   # surveyors' order
            {**venue, "code": "V2", "x": 555000, "y": 2226000}]   # swapped
    assert save_records(demo, "venues", rows) == []
    with demo() as session:
        placed = session.execute(select(Venue.code, Venue.lat, Venue.lon, Venue.village_code)
                                 .order_by(Venue.code)).all()
    assert placed == [("V1", 20.1233937, 105.5279096, "T05"),
                      ("V2", 20.1233937, 105.5279096, "T05")]
