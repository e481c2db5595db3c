"""Impossible values refused at input, in files and forms alike, by row and column: dates
before 1900 or after today, text with invisible control characters. And the read side:
such a value stored before these checks no longer breaks the commune's pages.

All data is synthetic; files are real .xlsx bytes; pages go through the app.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from app import store
from app.models import OutreachEvent, Person, PersonState, Venue
from tests.app.test_excel import load
from tests.app.test_import_records import PERSONS, VENUES, person, rejected, run, workbook
from tests.app.test_routes_records import as_browser_sends
from tests.conftest import snapshot
from tests.factories import save_records

OUTREACH = "Tuyên truyền"
TODAY = store.today()
TOMORROW = TODAY + dt.timedelta(days=1)
T06 = (20.125, 105.535)


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def broadcast(date) -> list:
    return ["phát thanh trên loa", date, 1, None, None, None, None]


# -- dates ----------------------------------------------------------------------------------

def test_the_date_range_is_1900_to_today_or_a_planned_end_five_years_ahead():
    from app.records.values import BadValue, read_day

    today = dt.date(2026, 12, 2)
    assert read_day("01/01/1900", today=today) == dt.date(1900, 1, 1)
    assert read_day("02/12/2026", today=today) == today
    assert read_day("31/12/2031", ahead_years=5, today=today) == dt.date(2031, 12, 31)
    for value, ahead, code, params in [
            ("01/01/0001", 0, "date_too_early", {}),
            ("31/12/1899", 0, "date_too_early", {}),
            ("0001-01-01", 0, "date_too_early", {}),
            ("03/12/2026", 0, "date_in_future", {"today": "02/12/2026"}),
            ("31/12/9999", 0, "date_in_future", {"today": "02/12/2026"}),
            ("01/01/2032", 5, "date_too_far", {"last": "31/12/2031"})]:
        with pytest.raises(BadValue) as caught:
            read_day(value, ahead_years=ahead, today=today)
        assert (caught.value.code, caught.value.params) == (code, params), value


def test_impossible_dates_in_a_file_are_refused_by_row_and_column(commune):
    before = snapshot(commune)
    data = workbook(commune, {
        "outreach": [broadcast("01/01/0001"), broadcast("31/12/1899"), broadcast(day(TOMORROW)),
                     broadcast("01/01/1900"), broadcast(TODAY)],
        "persons": [person("P001", since=day(TOMORROW))]})

    problems = rejected(commune, data)

    assert problems == [
        f"trang tính “{PERSONS}”, dòng 2, cột “Từ ngày”, giá trị “{day(TOMORROW)}”: ngày sau "
        f"hôm nay ({day(TODAY)}): hãy kiểm tra lại ngày",
        f"trang tính “{OUTREACH}”, dòng 2, cột “Ngày”, giá trị “01/01/0001”: ngày trước "
        "01/01/1900: hãy kiểm tra lại năm",
        f"trang tính “{OUTREACH}”, dòng 3, cột “Ngày”, giá trị “31/12/1899”: ngày trước "
        "01/01/1900: hãy kiểm tra lại năm",
        f"trang tính “{OUTREACH}”, dòng 4, cột “Ngày”, giá trị “{day(TOMORROW)}”: ngày sau "
        f"hôm nay ({day(TODAY)}): hãy kiểm tra lại ngày",
    ]
    assert rejected(commune, data, locale="en")[1] == (
        f"sheet “{OUTREACH}”, row 2, column “Ngày”, value “01/01/0001”: a date before "
        "01/01/1900: check the year")
    assert snapshot(commune) == before


def test_a_planned_management_end_may_lie_ahead_but_not_far(commune):
    planned = TODAY.replace(day=1) + dt.timedelta(days=365)
    row = person("P001")
    row[9] = day(planned)  # "Ngày kết thúc quản lý"
    far = person("P002")
    far[9] = f"01/01/{TODAY.year + 6}"
    problems = rejected(commune, workbook(commune, {"persons": [row, far]}))
    assert problems == [
        f"trang tính “{PERSONS}”, dòng 3, cột “Ngày kết thúc quản lý”, giá trị "
        f"“01/01/{TODAY.year + 6}”: ngày sau 31/12/{TODAY.year + 5}: hãy kiểm tra lại năm"]
    run(commune, workbook(commune, {"persons": [row]}))
    with commune() as session:
        assert session.scalar(select(Person.management_end)) == planned


def test_an_excel_date_cell_in_the_future_is_refused_and_quoted_as_a_date(commune):
    future = dt.datetime(2099, 5, 1)
    problems = rejected(commune, workbook(commune, {"outreach": [broadcast(future)]}))
    assert problems == [
        f"trang tính “{OUTREACH}”, dòng 2, cột “Ngày”, giá trị “01/05/2099”: ngày sau hôm "
        f"nay ({day(TODAY)}): hãy kiểm tra lại ngày"]


def _form(client, type_name: str, **values) -> dict:
    """The new-record form of ``type_name`` as the browser sends it, with ``values`` typed
    in."""
    page = BeautifulSoup(client.get(f"/communes/15178/records/{type_name}/new").text,
                         "html.parser")
    return {**as_browser_sends(page), **values}


def _refused(client, name: str, form: dict) -> dict[str, str]:
    response = client.post(f"/communes/15178/records/{name}/new", data=form,
                           follow_redirects=False)
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    return {field["id"].removeprefix("field-"): field.select_one(".error").get_text(strip=True)
            for field in page.select(".field.has-error")}


def test_impossible_dates_in_a_form_are_refused_at_their_field(client, demo):
    before = snapshot(demo)
    for typed, message in [
            ("01/01/0001", "Giá trị “01/01/0001”: ngày trước 01/01/1900: hãy kiểm tra lại năm"),
            (day(TOMORROW), f"Giá trị “{day(TOMORROW)}”: ngày sau hôm nay ({day(TODAY)}): hãy "
                            "kiểm tra lại ngày")]:
        form = _form(client, "outreach", kind="broadcast", date=typed)
        assert _refused(client, "outreach", form) == {"date": message}
    assert snapshot(demo) == before
    form = _form(client, "outreach", kind="broadcast", date=day(TODAY))
    response = client.post("/communes/15178/records/outreach/new", data=form,
                           follow_redirects=False)
    assert response.status_code == 303


# -- control characters ---------------------------------------------------------------------

def test_control_characters_are_refused_in_every_text_field_of_a_file(commune):
    """In a CSV file (openpyxl cannot even write them into a workbook)."""
    before = snapshot(commune)
    lines = ["Mã,Tên cơ sở,Loại cơ sở,Vĩ độ,Kinh độ,Giấy phép",
             "CS01,Karaoke\x00 Hoa Mai,karaoke,20.125,105.535,",
             "\"CS\t02\",Karaoke,karaoke,20.125,105.535,",
             "CS03,Karaoke,karaoke,20.125,105.535,GP-1\x0b/2024"]
    problems = rejected(commune, "\n".join(lines).encode(), "co_so.csv")
    said = "có ký tự điều khiển không nhìn thấy ({}), thường do sao chép, dán: hãy gõ lại nội dung"
    assert problems == [
        "co_so.csv, dòng 2, cột “Tên cơ sở”, giá trị “Karaoke\ufffd Hoa Mai”: "
        + said.format("U+0000"),
        "co_so.csv, dòng 3, cột “Mã”, giá trị “CS\t02”: " + said.format("U+0009"),
        "co_so.csv, dòng 4, cột “Giấy phép”, giá trị “GP-1\ufffd/2024”: "
        + said.format("U+000B"),
    ]
    assert snapshot(commune) == before


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_by_the_service(demo, char):
    venue_row = {"code": "V1", "name": f"Kara{char}oke", "kind": "karaoke", "lat": T06[0],
                 "lon": T06[1]}
    (problem,) = save_records(demo, "venues", [venue_row])
    assert (problem.row, problem.field, problem.code, problem.params) == (
        2, "name", "control_character", {"char": f"U+{ord(char):04X}"})


def test_a_note_keeps_its_line_breaks(demo):
    assert save_records(demo, "venues", [{"code": "V1", "name": "Karaoke", "kind": "karaoke",
                                          "lat": T06[0], "lon": T06[1]}]) == []
    note = "Dòng một\nDòng hai\tcột"
    assert save_records(demo, "inspections", [{"venue": "V1", "date": "01/11/2024",
                                               "result": "ok", "note": note}]) == []


def test_control_characters_in_a_form_are_refused_at_their_field(client, demo):
    before = snapshot(demo)
    form = _form(client, "venues", code="V01", name="Karaoke\x00", kind="karaoke",
                 lat=str(T06[0]), lon=str(T06[1]), licence="GP\x0b1")
    said = "có ký tự điều khiển không nhìn thấy ({}), thường do sao chép, dán: hãy gõ lại nội dung"
    assert _refused(client, "venues", form) == {
        "name": "Giá trị “Karaoke\ufffd”: " + said.format("U+0000"),
        "licence": "Giá trị “GP\ufffd1”: " + said.format("U+000B")}
    assert snapshot(demo) == before


# -- values stored before these checks --------------------------------------------------

def test_a_stored_impossible_date_and_control_character_do_not_break_the_commune(client, demo):
    """Written before the checks existed (here: straight into the database), a year-1
    outreach, a person's state from year 9999 and a NUL in a venue's name leave the map,
    dashboard, APIs, lists and exports answering; the bad dates count as unknown."""
    assert save_records(demo, "outreach", [{"kind": "broadcast", "date": "05/11/2024"}]) == []
    assert save_records(demo, "venues", [{"code": "V1", "name": "Karaoke", "kind": "karaoke",
                                          "lat": T06[0], "lon": T06[1]}]) == []
    assert save_records(demo, "persons", [{
        "code": "P1", "village": "T01", "category": "addict", "status": "no_treatment",
        "status_date": "01/11/2024"}]) == []
    with demo.begin() as session:
        session.execute(update(OutreachEvent).values(date=dt.date(1, 1, 1)))
        session.execute(update(Venue).values(name="Kara\x00oke\x0b"))
        session.execute(update(PersonState).values(valid_from=dt.date(9999, 12, 31)))
        session.execute(update(Person).values(status_date=dt.date(9999, 12, 31)))
    for url in ["/communes/15178/map", "/communes/15178/dashboard",
                "/api/communes/15178/villages.geojson", "/api/communes/15178/compliance",
                "/communes/15178/records/outreach", "/communes/15178/records/venues",
                "/communes/15178/records/persons", "/communes/15178/persons/P1"]:
        assert client.get(url).status_code == 200, url
    response = client.post("/communes/15178/records/venues/export.xlsx")
    assert response.status_code == 200
    ws = load(response.content)[VENUES]
    assert ws["B2"].value == "Kara\ufffdoke\ufffd"
    assert client.post("/communes/15178/records/export.xlsx").status_code == 200
