"""The shared checking path: person history in one file, VN-2000 X/Y in either order."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Person, Venue
from app.records.messages import cell_problem_text
from app.records.schema import BY_NAME
from tests.conftest import snapshot
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


def test_text_longer_than_its_column_and_huge_numbers_are_refused_by_row_and_column(demo):
    """SQLite would store them silently and PostgreSQL would refuse the whole file with a
    database error: both get a message naming the row and the column, and nothing is
    stored."""
    before = snapshot(demo)
    venue = {"code": "V1", "kind": "karaoke", "lat": 20.125, "lon": 105.535}
    problems = save_records(demo, "venues", [{**venue, "name": "K" * 201},
                                             {**venue, "code": "V" * 41, "name": "Karaoke"}])
    assert [(p.row, p.field, p.code, p.params) for p in problems] == [
        (2, "name", "too_long", {"n": 200, "length": 201}),
        (3, "code", "too_long", {"n": 40, "length": 41})]
    assert "quá dài: 201 ký tự, tối đa 200 ký tự" in cell_problem_text(
        problems[0], BY_NAME["venues"], "vi")
    pledge = {"village": "T01", "as_of": "14/12/2024", "households_signed": 3_000_000_000}
    (huge,) = save_records(demo, "pledges", [pledge])
    assert (huge.field, huge.code) == ("households_signed", "too_large")
    assert save_records(demo, "pledges", [{**pledge, "households_signed": 150}]) == []
    assert snapshot(demo) != before  # the good one is stored; the refused ones were not
    with demo() as session:
        assert session.scalar(select(Venue)) is None
