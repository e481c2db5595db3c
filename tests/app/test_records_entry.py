"""Trusting what is entered (issue 10, point 3): codes in any case, the treatment status
where it applies, tip boxes and venues whose point is not known yet.

Forms are submitted as a browser does: the page is fetched and posted back with its own
hidden fields, without the CSRF header the signed-in test client otherwise sends.
Points, checked against the demo villages: (20.125, 105.535) lies in Thôn 6.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.frame import loading
from app.models import DrugTest, Person, PersonState, TipBox, Venue
from app.records.importer import ImportRejected, import_file
from tests.conftest import client_as, map_data, snapshot

BASE = "/communes/15178"
T06 = {"lat": "20.125", "lon": "105.535"}


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


@pytest.fixture
def police(commune, settings):
    client = client_as(settings, commune, "police")
    client.csrf = None  # forms go with the token of their page only (submit), as in a browser
    return client


def submit(client, path: str, fields: dict):
    """Fetch the form at ``path`` and post it back with its hidden fields and ``fields``."""
    page = BeautifulSoup(client.get(path).text, "html.parser")
    form = page.select_one("form.record-form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**data, **fields}, follow_redirects=False)


def field_error(response, key: str) -> str:
    page = BeautifulSoup(response.text, "html.parser")
    return page.select_one(f"#field-{key} .error").get_text(" ", strip=True)


def csv_file(sessions, name: str, text: str):
    with sessions() as session:
        return import_file(session, "15178", name, text.encode("utf-8"), actor="test")


def csv_problems(sessions, name: str, text: str) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        csv_file(sessions, name, text)
    return [p.text("vi") for p in caught.value.problems]


# -- 3b: the treatment/whereabouts status where it applies ---------------------------------

PEOPLE = "persons.csv"


def people_csv(*rows: str) -> str:
    return "code,village,category,status,status_date\n" + "\n".join(rows) + "\n"


def test_a_user_and_a_released_person_may_have_no_status_an_addict_may_not(commune):
    before = snapshot(commune)
    problems = csv_problems(commune, PEOPLE, people_csv(
        "SD-01,Thôn 1,người sử dụng trái phép chất ma túy,,01/11/2024",
        "TH-01,Thôn 2,người chấp hành xong án phạt tù về ma túy,,01/11/2024",
        "NG-01,Thôn 3,người nghiện ma túy,,01/11/2024",
        "SC-01,Thôn 3,người đang quản lý sau cai nghiện,,01/11/2024"))
    assert problems == [
        f"{PEOPLE}, dòng {row}, cột “status”: hãy ghi tình trạng cai nghiện, điều trị, nơi "
        "ở của người nghiện ma túy hoặc người đang quản lý sau cai nghiện" for row in (4, 5)]
    assert snapshot(commune) == before

    csv_file(commune, PEOPLE, people_csv(
        "SD-01,Thôn 1,người sử dụng trái phép chất ma túy,,01/11/2024",
        "TH-01,Thôn 2,người chấp hành xong án phạt tù về ma túy,,01/11/2024",
        "NG-01,Thôn 3,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024"))
    with commune() as session:
        stored = dict(session.execute(select(Person.code, Person.status)).all())
        states = session.scalars(select(PersonState.status)).all()
    assert stored == {"SD-01": None, "TH-01": None, "NG-01": "methadone"}
    assert sorted(states, key=str) == [None, None, "methadone"]


def test_the_person_form_leaves_the_status_blank_for_a_user_and_asks_it_for_an_addict(
        commune, police):
    user = {"code": "SD-02", "village": "T04", "category": "user", "status": "",
            "status_date": "01/11/2024"}
    refused = submit(police, f"{BASE}/records/persons/new", {**user, "category": "addict"})
    assert refused.status_code == 422
    assert field_error(refused, "status") == (
        "Hãy ghi tình trạng cai nghiện, điều trị, nơi ở của người nghiện ma túy hoặc người "
        "đang quản lý sau cai nghiện")

    assert submit(police, f"{BASE}/records/persons/new", user).status_code == 303
    assert police.get(f"{BASE}/persons/SD-02").status_code == 200
    listed = BeautifulSoup(police.get(f"{BASE}/records/persons").text, "html.parser")
    assert [td.get_text(strip=True) for td in listed.select("tbody tr td")][:5] == [
        "SD-02", "Thôn 4", "người sử dụng trái phép chất ma túy", "", "01/11/2024"]
    with commune() as session:
        assert session.scalar(select(Person.status)) is None


def test_a_user_with_psychosis_and_no_status_counts_as_left_in_the_community(commune):
    csv_file(commune, PEOPLE, "code,village,category,status,status_date,psychosis\n"
             "SD-03,Thôn 5,người sử dụng trái phép chất ma túy,,01/11/2024,có\n")
    with commune() as session:
        result = loading.compute(session, "15178", "2024-11")
    assert result.villages.at["T05", "psychosis"] == 1
    assert result.villages.at["T05", "P17_evidence"]["left_in_community"] == ["SD-03"]


# -- 3c: a tip box or venue whose point is not known yet -----------------------------------

BOXES = "tip_boxes.csv"


def test_a_tip_box_without_a_point_is_kept_with_its_village_counted_and_not_drawn(
        commune, settings):
    # checked in the month: a month with no record of any kind is not judged
    csv_file(commune, BOXES, "code,village,lat,lon,installed,status,last_checked\n"
             "HT-01,Thôn 4,,,01/11/2024,đang hoạt động,15/11/2024\n"
             "HT-02,,20.125,105.535,01/11/2024,đang hoạt động,15/11/2024\n")
    with commune() as session:
        boxes = {b.code: (b.village_code, b.lat, b.lon) for b in session.scalars(select(TipBox))}
        result = loading.compute(session, "15178", "2024-11")
    assert boxes == {"HT-01": ("T04", None, None), "HT-02": ("T06", 20.125, 105.535)}
    assert result.villages.loc[["T04", "T06", "T01"], "tip_boxes"].tolist() == [1, 1, 0]
    assert result.villages.loc[["T04", "T06", "T01"], "P09_status"].tolist() == [
        "met", "met", "not_met"]

    client = client_as(settings, commune, "police")
    listed = BeautifulSoup(client.get(f"{BASE}/records/tip_boxes").text, "html.parser")
    rows = {tr.select("td")[0].get_text(strip=True): tr for tr in
            listed.select("table.records-table tbody tr[data-id]")}
    flagged = rows["HT-01"].select_one("td.needs-location")
    assert flagged.get_text(strip=True) == "cần xác định vị trí"
    assert rows["HT-01"].select("td")[1].get_text(strip=True) == "Thôn 4"
    assert rows["HT-02"].select_one("td.needs-location") is None

    page = BeautifulSoup(client.get(rows["HT-01"].select_one("a.edit")["href"]).text,
                         "html.parser")
    assert page.select_one(".notice.needs-location").get_text(strip=True).startswith(
        "Cần xác định vị trí: chưa có tọa độ.")

    drawn = BeautifulSoup(client.get(f"{BASE}/map?month=2024-11").text, "html.parser")
    layers = map_data(client, drawn)["drawn"]["points"]
    tooltips = [p["tooltip"] for layer in layers for p in layer["points"]]
    assert any(t.startswith("HT-02 ") for t in tooltips)
    assert not any("HT-01" in t for t in tooltips)  # not drawn, not at the village centre


def test_a_venue_form_with_its_village_and_no_point_is_saved_needing_a_location(
        commune, police):
    venue = {"code": "CS-01", "name": "Karaoke giả lập", "kind": "karaoke", "active": "on"}
    refused = submit(police, f"{BASE}/records/venues/new", venue)
    assert refused.status_code == 422
    assert field_error(refused, "village") == (
        "Hãy ghi thôn, hoặc vị trí: vĩ độ và kinh độ, hoặc X và Y (VN-2000)")

    assert submit(police, f"{BASE}/records/venues/new", {**venue, "village": "T07"}
                  ).status_code == 303
    # A point given later must lie in that village; the village is not moved to fit it.
    with commune() as session:
        ident = session.scalar(select(Venue.id))
    moved = submit(police, f"{BASE}/records/venues/{ident}", {**venue, "village": "T07",
                                                               **T06})
    assert moved.status_code == 422
    assert "vị trí nằm ở Thôn 6, không thuộc thôn này" in field_error(moved, "village")
    with commune() as session:
        stored = session.get(Venue, ident)
        assert (stored.village_code, stored.lat, stored.lon) == ("T07", None, None)
        result = loading.compute(session, "15178", "2024-11")
    assert result.villages.at["T07", "venues"] == 1


def test_a_tip_box_with_neither_village_nor_point_is_refused(commune):
    before = snapshot(commune)
    assert csv_problems(commune, BOXES, "code,village,lat,lon,installed,status\n"
                        "HT-03,,,,01/11/2024,đang hoạt động\n") == [
        f"{BOXES}, dòng 2, cột “village”: hãy ghi thôn, hoặc vị trí: vĩ độ và kinh độ, "
        "hoặc X và Y (VN-2000)"]
    assert snapshot(commune) == before


# -- 3a: codes match whatever their case ---------------------------------------------------

def test_a_code_in_another_case_refers_to_the_stored_record_and_keeps_its_spelling(commune):
    csv_file(commune, PEOPLE, people_csv(
        "CS-08,Thôn 1,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024"))
    csv_file(commune, "drug_tests.csv", "person,date,result\ncs-08,05/11/2024,âm tính\n")
    result = csv_file(commune, PEOPLE, people_csv(  # the same person, typed in lower case
        "cs-08,Thôn 1,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024"))
    assert [vars(s.summary) for s in result.sheets] == [
        {"created": 0, "updated": 0, "unchanged": 1}]
    csv_file(commune, PEOPLE, people_csv(  # a later state of that person
        "Cs-08,Thôn 2,người nghiện ma túy,cai nghiện tự nguyện tại cơ sở,01/03/2025"))
    with commune() as session:
        people = session.scalars(select(Person)).all()
        assert [(p.code, p.village_code, len(p.states)) for p in people] == [
            ("CS-08", "T02", 2)]
        assert session.scalar(select(DrugTest.person_id)) == people[0].id


def test_the_person_page_is_found_whatever_the_case_of_the_code(commune, settings):
    csv_file(commune, PEOPLE, people_csv("SD-01,Thôn 1,người sử dụng trái phép chất ma túy,"
                                         "chưa tham gia cai nghiện; điều trị,01/11/2024"))
    client = client_as(settings, commune, "police")
    page = BeautifulSoup(client.get(f"{BASE}/persons/sd-01").text, "html.parser")
    assert "SD-01" in page.select_one("h1").get_text()


def test_one_file_defining_and_referring_to_a_code_in_two_cases_makes_one_record(commune):
    csv_file(commune, "venues.csv", "code,name,kind,lat,lon\n"
             "ht-ĐÔNG,Karaoke giả lập,karaoke,20.125,105.535\n")
    csv_file(commune, "inspections.csv", "venue,date,result\nHT-đông,02/11/2024,không vi phạm\n")
    problems = csv_problems(commune, PEOPLE, people_csv(
        "P-01,Thôn 1,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024",
        "p-01,Thôn 1,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024"))
    assert problems == [f"{PEOPLE}, dòng 3, cột “code”, giá trị “P-01”: trùng với dòng 2"]
    with commune() as session:
        venue = session.scalars(select(Venue)).one()
        assert (venue.code, [i.date.isoformat() for i in venue.inspections]) == (
            "ht-ĐÔNG", ["2024-11-02"])


def test_a_new_record_whose_code_differs_only_by_case_is_refused_in_the_form(commune, police):
    venue = {"code": "CS-01", "name": "Karaoke giả lập", "kind": "karaoke", "active": "on",
             **T06}
    assert submit(police, f"{BASE}/records/venues/new", venue).status_code == 303
    again = submit(police, f"{BASE}/records/venues/new",
                   {**venue, "code": "cs-01", "name": "Nhà nghỉ giả lập"})
    assert again.status_code == 422
    page = BeautifulSoup(again.text, "html.parser")
    assert "Đã có một bản ghi khác trùng Mã (CS-01). Chưa có gì được lưu." in page.select_one(
        ".notice.error").get_text(" ", strip=True)
    with commune() as session:
        assert session.execute(select(Venue.code, Venue.name)).all() == [
            ("CS-01", "Karaoke giả lập")]


def test_stored_codes_that_differ_only_by_case_are_refused_until_one_is_renamed(commune):
    """Two such codes could be stored before codes matched whatever their case."""
    with commune.begin() as session:
        for code in ("ab-1", "AB-1"):
            session.add(TipBox(commune_code="15178", code=code, village_code="T06",
                               lat=20.125, lon=105.535, installed=dt.date(2024, 11, 1),
                               status="working"))
            session.add(Person(commune_code="15178", code=code, village_code="T01",
                               category="addict", status="methadone",
                               status_date=dt.date(2024, 11, 1)))
    before = snapshot(commune)
    assert csv_problems(commune, BOXES, "code,lat,lon,installed,status\n"
                        "AB-1,20.125,105.535,01/11/2024,hỏng\n") == [
        f"{BOXES}, dòng 2, cột “code”, giá trị “AB-1”: các mã AB-1, ab-1 chỉ khác nhau ở "
        "chữ hoa, chữ thường, mà mã được so khớp không phân biệt hoa thường: hãy đổi một "
        "trong các mã đó thành mã khác trước"]
    assert csv_problems(commune, "drug_tests.csv", "person,date,result\n"
                        "Ab-1,05/11/2024,âm tính\n") == [
        "drug_tests.csv, dòng 2, cột “person”, giá trị “Ab-1”: các mã AB-1, ab-1 chỉ khác "
        "nhau ở chữ hoa, chữ thường, mà mã được so khớp không phân biệt hoa thường: hãy đổi "
        "một trong các mã đó thành mã khác trước"]
    assert snapshot(commune) == before
