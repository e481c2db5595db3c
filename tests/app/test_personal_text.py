"""Free text is checked for people's names, ID and phone numbers (issue 10, point 4):
refused with the reason by row and column in files, beside the field in forms; places
(streets, villages, venues, schools named after people) pass. All names are made up.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import Incident, Inspection, Person
from app.records.importer import import_file
from app.records.personal import Places, find_personal
from tests.app.test_import_records import workbook
from tests.app.test_records_entry import BASE, csv_file, csv_problems, field_error, submit
from tests.conftest import client_as, snapshot

VENUES = ("code,name,kind,lat,lon\n"
          "CS-01,Karaoke Trần Phú (giả lập),karaoke,20.1387,105.5326\n"
          "CS-02,Nhà nghỉ Hoàng Long (giả lập),nhà nghỉ,20.125,105.535\n")
NAME_HINT = ("không bao giờ ghi họ tên người; tên địa điểm thì ghi sau loại địa điểm, "
             "ví dụ “thôn …”, “đường …”, “quán …”")

# What a note may say: places named after people, amounts, coordinates, dates, headings.
LEGITIMATE = [
    "Không phát hiện vi phạm",
    "Kiểm tra quán Trần Phú lúc 22h ngày 05/11/2024, có 3 phòng đang hoạt động",
    "Phòng 203 nhà nghỉ Hoàng Long: không có khách lưu trú",
    "Tuần tra trên đường Lê Lợi và khu vực chợ",
    "Gần trường THCS Nguyễn Trãi (giả lập)",
    "Phối hợp Đoàn Thanh niên xã và Công an huyện Cẩm Thủy, tỉnh Thanh Hóa",
    "Thu giữ 0,5 gam ma túy đá và 2.500.000 đồng; tang vật 150000000 đ",
    "Vị trí 20.123456789, 105.531234567",
    "PHÁT HIỆN VI PHẠM HÀNH CHÍNH, MẪU DƯƠNG TÍNH; HỒ SƠ GỬI HUYỆN",
    "Theo Quyết định 28/2025/QĐ-TTg; Phó Chủ tịch UBND xã chủ trì",
    "Trần Phú và Hoàng Long đều đóng cửa",  # the venues of the file, without their kind
]


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


def inspections_csv(*notes: str, team: str = "Tổ công tác") -> str:
    rows = [f'CS-01,{day:02d}/11/2024,{team},không vi phạm,"{note}"'
            for day, note in enumerate(notes, 1)]
    return "venue,date,team,result,note\n" + "\n".join(rows) + "\n"


def test_notes_with_a_name_an_id_or_a_phone_are_refused_by_row_and_column(commune):
    csv_file(commune, "venues.csv", VENUES)
    before = snapshot(commune)
    problems = csv_problems(commune, "inspections.csv", inspections_csv(
        "Nguyễn Văn A bán ma túy",
        "chủ quán LÊ THỊ BÌNH, SĐT 0912 345 678",
        "đối tượng Tran Van C, CCCD 038090012345, cũ 172345678",
        "Không phát hiện vi phạm"))
    where = "inspections.csv, dòng {row}, cột “note”, giá trị “{value}”: "
    assert problems == [
        where.format(row=2, value="Nguyễn Văn A bán ma túy")
        + f"giống họ tên một người (“Nguyễn Văn A”): {NAME_HINT}",
        where.format(row=3, value="chủ quán LÊ THỊ BÌNH, SĐT 0912 345 678")
        + f"giống họ tên một người (“LÊ THỊ BÌNH”): {NAME_HINT}",
        where.format(row=3, value="chủ quán LÊ THỊ BÌNH, SĐT 0912 345 678")
        + "giống số điện thoại (“0912 345 678”): không bao giờ ghi số điện thoại",
        where.format(row=4, value="đối tượng Tran Van C, CCCD 038090012345, cũ 172345678")
        + f"giống họ tên một người (“Tran Van C”): {NAME_HINT}",
        where.format(row=4, value="đối tượng Tran Van C, CCCD 038090012345, cũ 172345678")
        + "giống số định danh, CMND, CCCD (“038090012345”, “172345678”): không bao giờ ghi "
        "số giấy tờ tùy thân",
    ]
    assert snapshot(commune) == before


def test_notes_about_places_amounts_and_headings_are_saved(commune):
    csv_file(commune, "venues.csv", VENUES)
    csv_file(commune, "schools.csv", "code,name,level,lat,lon\n"
             "TH-01,THCS Nguyễn Trãi (giả lập),trường trung học cơ sở,20.125,105.535\n")
    csv_file(commune, "inspections.csv", inspections_csv(*LEGITIMATE,
                                                          team="Tổ công tác Công an xã"))
    with commune() as session:
        assert session.scalars(select(Inspection.note).order_by(Inspection.date)).all() == (
            LEGITIMATE)


def test_a_note_naming_a_venue_defined_in_the_same_workbook_passes(commune):
    """In one .xlsx the venues sheet is read first: its names are places for the notes."""
    data = workbook(commune, {
        "venues": [["CS-05", "Karaoke Hoàng Gia Phát (giả lập)", "karaoke", None, 20.125,
                    105.535, None, None, None, "có"]],
        "inspections": [["CS-05", "03/11/2024", None, "không vi phạm", "không",
                         "Hoàng Gia Phát mở cửa quá giờ"]]})
    with commune() as session:
        import_file(session, "15178", "so.xlsx", data, actor="test")
    with commune() as session:
        assert session.scalar(select(Inspection.note)) == "Hoàng Gia Phát mở cửa quá giờ"


def test_a_person_code_that_is_an_id_number_or_a_name_is_refused(commune):
    person = ",Thôn 1,người nghiện ma túy,điều trị thay thế (methadone),01/11/2024\n"
    problems = csv_problems(commune, "persons.csv", "code,village,category,status,status_date\n"
                            f"038090012345{person}Phạm Văn D{person}SD-0912{person}")
    assert [p.split(": ", 1)[1] for p in problems] == [
        "giống số định danh, CMND, CCCD (“038090012345”): không bao giờ ghi số giấy tờ tùy "
        "thân", f"giống họ tên một người (“Phạm Văn D”): {NAME_HINT}"]
    with commune() as session:
        assert session.scalar(select(Person)) is None


def test_an_incident_form_with_a_phone_in_its_note_is_refused_beside_the_note(
        commune, police):
    incident = {"code": "VV-01", "kind": "arrest", "date": "05/11/2024", "village": "T02",
                "persons": "1"}
    refused = submit(police, f"{BASE}/records/incidents/new",
                     {**incident, "note": "báo tin qua số +84 912 345 678"})
    assert refused.status_code == 422
    assert field_error(refused, "note") == (
        "Giá trị “báo tin qua số +84 912 345 678”: giống số điện thoại (“+84 912 345 678”): "
        "không bao giờ ghi số điện thoại")
    page = BeautifulSoup(refused.text, "html.parser")
    assert page.select_one("#f-note")["value"] == "báo tin qua số +84 912 345 678"

    fine = {**incident, "note": "bắt quả tang tại đường Trần Hưng Đạo, thu 2 gói"}
    assert submit(police, f"{BASE}/records/incidents/new", fine).status_code == 303
    with commune() as session:
        assert session.scalar(select(Incident.note)) == fine["note"]


def test_an_inspection_team_is_free_text_and_checked_too(commune, police):
    csv_file(commune, "venues.csv", VENUES)
    refused = submit(police, f"{BASE}/records/inspections/new", {
        "venue": "CS-01", "date": "05/11/2024", "result": "ok", "team": "Tổ Đỗ Đức Em"})
    assert refused.status_code == 422
    assert "giống họ tên một người (“Đỗ Đức Em”)" in field_error(refused, "team")


@pytest.mark.parametrize("text", ["Nguyễn Văn A bán ma túy", "HOÀNG THỊ E", "Ngô F",
                                  "gọi 0237 3852 123", "gọi 84-377-123-456",
                                  "CMND 123456789"])
def test_the_finder_sees_each_kind_alone(text):
    assert find_personal(text, Places(["Thôn Lê Lợi", "Karaoke Trần Phú"]))


@pytest.mark.parametrize("text", LEGITIMATE[:-1])
def test_the_finder_passes_places_without_knowing_the_commune(text):
    assert find_personal(text) == []
