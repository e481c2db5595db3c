"""Record lists, forms and the person page, through the app (TestClient + BeautifulSoup).

Points used below, checked against the demo villages: (20.1374, 105.5226) lies in Thôn 1,
(20.1387, 105.5326) in Thôn 2, (20.125, 105.535) in Thôn 6, and (20.2, 105.535) about
5.2 km north of the commune (its northern edge is at 20.1536°: 0.0464° ≈ 5.15 km).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.models import (
    AuditEvent,
    Baseline,
    ChangeLog,
    DrugTest,
    Incident,
    Inspection,
    OutreachEvent,
    Person,
    PersonState,
    Pledge,
    PreventionModel,
    School,
    Tip,
    TipBox,
    Venue,
)
from tests.conftest import client_as, snapshot

BASE = "/communes/15178"
T01 = {"lat": "20.1374", "lon": "105.5226"}
T02 = {"lat": "20.1387", "lon": "105.5326"}
T06 = {"lat": "20.125", "lon": "105.535"}


def url(name: str, suffix: str = "") -> str:
    return f"{BASE}/records/{name}{suffix}"


def post(client, name: str, form: dict, suffix: str = "/new"):
    return client.post(url(name, suffix), data=form, follow_redirects=False)


def saved(client, name: str, form: dict, suffix: str = "/new") -> str:
    response = post(client, name, form, suffix)
    assert response.status_code == 303, soup(response).select(".error, .notice.error")
    return response.headers["location"]


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def headers(page: BeautifulSoup) -> list[str]:
    return [th.get_text(strip=True) for th in page.select("table.records-table thead th")][:-1]


def column(page: BeautifulSoup, header: str) -> list[str]:
    index = headers(page).index(header)
    return [tr.select("td")[index].get_text(strip=True)
            for tr in page.select("table.records-table tbody tr[data-id]")]


def person(code: str, village: str, since: str, **extra) -> dict:
    return {"code": code, "village": village, "category": "addict", "status": "rehab_home",
            "status_date": since, **extra}


def venue(code: str, point: dict, **extra) -> dict:
    return {"code": code, "name": f"Karaoke {code}", "kind": "karaoke", "active": "on",
            **point, **extra}


# -- lists: Vietnamese headers -------------------------------------------------------------

HEADERS = {
    "persons": ["Mã đối tượng", "Thôn", "Diện quản lý", "Tình trạng cai nghiện, điều trị, nơi ở",
                "Từ ngày", "Biểu hiện loạn thần", "Đã lập hồ sơ quản lý", "Ngày lập hồ sơ",
                "Ngày bắt đầu quản lý", "Ngày kết thúc quản lý", "Ngày hỗ trợ vay vốn",
                "Ngày hỗ trợ việc làm", "Năm sinh", "Giới tính"],
    "drug_tests": ["Mã đối tượng", "Ngày xét nghiệm", "Kết quả"],
    "schools": ["Mã", "Tên trường", "Cấp học", "Vĩ độ", "Kinh độ", "Thôn"],
    "outreach": ["Hình thức tuyên truyền", "Ngày", "Số lượt", "Thôn được tuyên truyền",
                 "Mã trường", "Mã đối tượng được tuyên truyền", "Đường dẫn bài viết"],
    "pledges": ["Thôn", "Tính đến ngày", "Số hộ đã ký"],
    "models": ["Mã", "Tên mô hình", "Loại mô hình", "Ngày thành lập"],
    "tip_boxes": ["Mã", "Thôn", "Vĩ độ", "Kinh độ", "Ngày lắp đặt", "Tình trạng hòm thư",
                  "Ngày kiểm tra gần nhất"],
    "tips": ["Số nguồn tin", "Ngày tiếp nhận", "Kênh tiếp nhận", "Thôn", "Vĩ độ", "Kinh độ",
             "Tình trạng xử lý", "Ngày xác minh", "Ngày giải quyết",
             "Ngày kết luận không có căn cứ"],
    "venues": ["Mã", "Tên cơ sở", "Loại cơ sở", "Thôn", "Vĩ độ", "Kinh độ", "Giấy phép",
               "Đang hoạt động"],
    "inspections": ["Mã cơ sở", "Ngày kiểm tra", "Tổ kiểm tra", "Kết quả kiểm tra",
                    "Phát hiện ma túy", "Ghi chú"],
    "incidents": ["Số vụ việc", "Loại vụ việc", "Ngày", "Thôn", "Vĩ độ", "Kinh độ",
                  "Số đối tượng", "Số cây", "Diện tích (m²)", "Ghi chú"],
    "baselines": ["Thôn", "Diện quản lý", "Tính đến ngày", "Số người"],
}


@pytest.mark.parametrize("name", HEADERS)
def test_list_has_vietnamese_headers_and_an_add_link(client, name):
    response = client.get(url(name))
    assert response.status_code == 200
    page = soup(response)
    assert headers(page) == HEADERS[name]
    assert page.select_one(f'a[href="{url(name, "/new")}"]') is not None
    assert page.select_one(".count").get_text(strip=True) == (
        "Đang hiển thị 0 trên tổng số 0 bản ghi")


def test_list_shows_labels_village_names_dates_and_yes_no(client):
    saved(client, "persons", person("P001", "T03", "2024-11-05", psychosis="on",
                                    birth_year="1990", sex="F"))
    saved(client, "venues", venue("V01", T06, licence="GP-12"))
    people = soup(client.get(url("persons")))
    assert [td.get_text(strip=True) for td in people.select("tbody tr td")][:-1] == [
        "P001", "Thôn 3", "người nghiện ma túy", "cai nghiện tự nguyện tại gia đình, cộng đồng",
        "05/11/2024", "có", "không", "", "", "", "", "", "1990", "nữ"]
    venues = soup(client.get(url("venues")))
    assert [td.get_text(strip=True) for td in venues.select("tbody tr td")][:-1] == [
        "V01", "Karaoke V01", "karaoke", "Thôn 6", "20.125", "105.535", "GP-12", "có"]
    # A person's code opens the person page.
    assert people.select_one("tbody a")["href"] == f"{BASE}/persons/P001"


# -- lists: filters by village and month, order ---------------------------------------------

def _filter_setup(client) -> None:
    """People P-A (Thôn 1), P-B (Thôn 2); venues V-A (Thôn 1), V-B (Thôn 2)."""
    saved(client, "persons", person("P-A", "T01", "2024-11-05"))
    saved(client, "persons", person("P-B", "T02", "2024-12-03"))
    saved(client, "venues", venue("V-A", T01))
    saved(client, "venues", venue("V-B", T02))


# name: (record A in Thôn 1, November 2024; record B in Thôn 2, December 2024; the column
# that tells them apart with A's and B's value; whether the type has a date; a village)
FILTERS = {
    "drug_tests": ({"person": "P-A", "date": "2024-11-20", "result": "negative"},
                   {"person": "P-B", "date": "2024-12-10", "result": "positive"},
                   "Mã đối tượng", "P-A", "P-B", True, True),
    "schools": ({"code": "S-A", "name": "TH A", "level": "primary", **T01},
                {"code": "S-B", "name": "THCS B", "level": "lower_secondary", **T02},
                "Mã", "S-A", "S-B", False, True),
    "outreach": ({"kind": "meeting", "date": "2024-11-12", "villages": ["T01"]},
                 {"kind": "meeting", "date": "2024-12-03", "villages": ["T02"]},
                 "Thôn được tuyên truyền", "Thôn 1", "Thôn 2", True, True),
    "pledges": ({"village": "T01", "as_of": "2024-11-30", "households_signed": "50"},
                {"village": "T02", "as_of": "2024-12-14", "households_signed": "61"},
                "Thôn", "Thôn 1", "Thôn 2", True, True),
    "models": ({"code": "M-A", "name": "Mô hình A", "kind": "prevention",
                "established": "2024-11-20"},
               {"code": "M-B", "name": "Mô hình B", "kind": "reintegration_3_1",
                "established": "2024-12-01"},
               "Mã", "M-A", "M-B", True, False),
    "tip_boxes": ({"code": "H-A", **T01, "installed": "2024-11-01", "status": "working"},
                  {"code": "H-B", **T02, "installed": "2024-12-01", "status": "broken"},
                  "Mã", "H-A", "H-B", True, True),
    "tips": ({"code": "T-A", "received": "2024-11-15", "channel": "vneid", "village": "T01",
              "status": "received"},
             {"code": "T-B", "received": "2024-12-02", "channel": "tip_box", **T02,
              "status": "verified", "verified_date": "2024-12-05"},
             "Số nguồn tin", "T-A", "T-B", True, True),
    "venues": ({"code": "V-C", "name": "Nhà nghỉ C", "kind": "guesthouse", **T01},
               {"code": "V-D", "name": "Bar D", "kind": "bar", **T02},
               "Mã", "V-C", "V-D", False, True),
    "inspections": ({"venue": "V-A", "date": "2024-11-22", "result": "ok"},
                    {"venue": "V-B", "date": "2024-12-05", "result": "violation",
                     "drug_finding": "on"},
                    "Mã cơ sở", "V-A", "V-B", True, True),
    "incidents": ({"code": "I-A", "kind": "arrest", "date": "2024-11-30", "village": "T01",
                   "persons": "2"},
                  {"code": "I-B", "kind": "cultivation", "date": "2024-12-01", **T02,
                   "plants": "40"},
                  "Số vụ việc", "I-A", "I-B", True, True),
    "baselines": ({"village": "T01", "category": "addict", "as_of": "2024-11-20", "count": "3"},
                  {"village": "T02", "category": "user", "as_of": "2024-12-01", "count": "1"},
                  "Thôn", "Thôn 1", "Thôn 2", True, True),
}


@pytest.mark.parametrize("name", FILTERS)
def test_list_filters_by_village_and_month(client, name):
    record_a, record_b, header, a, b, dated, by_village = FILTERS[name]
    _filter_setup(client)
    saved(client, name, record_a)
    saved(client, name, record_b)

    def shown(query: str = "") -> list[str]:
        return column(soup(client.get(url(name) + query)), header)

    if name == "venues":  # the setup's venues are on this list too
        assert shown() == ["V-A", "V-B", "V-C", "V-D"]
        assert shown("?village=T01") == ["V-A", "V-C"]
        return
    # Dated records newest first; undated by code.
    assert shown() == ([b, a] if dated else [a, b])
    assert shown("?village=T01") == ([a] if by_village else [b, a])
    assert shown("?village=T02") == ([b] if by_village else [b, a])
    if dated:
        assert shown("?month=2024-11") == [a]
        assert shown("?month=2024-12") == [b]
        assert shown("?month=2025-01") == []
        assert shown("?village=T02&month=2024-11") == ([] if by_village else [a])
    else:  # no date: the month is ignored, and no month picker is offered
        assert shown("?month=2024-11") == [a, b]
        assert soup(client.get(url(name))).select_one('[name="month"]') is None


def test_people_filter_by_village_and_month_and_sort_by_code(client):
    _filter_setup(client)
    saved(client, "persons", person("P-10", "T01", "2024-12-20"))
    saved(client, "persons", person("P-9", "T01", "2024-11-20"))

    def shown(query: str = "") -> list[str]:
        return column(soup(client.get(url("persons") + query)), "Mã đối tượng")

    assert shown() == ["P-9", "P-10", "P-A", "P-B"]  # a register: by code, 9 before 10
    assert shown("?village=T01") == ["P-9", "P-10", "P-A"]
    assert shown("?month=2024-12") == ["P-10", "P-B"]
    assert shown("?village=T01&month=2024-11") == ["P-9", "P-A"]
    page = soup(client.get(url("persons") + "?village=T01&month=2024-11"))
    assert page.select_one(".count").get_text(strip=True) == (
        "Đang hiển thị 2 trên tổng số 4 bản ghi")
    assert page.select_one('select[name="village"] option[selected]')["value"] == "T01"
    assert page.select_one('select[name="month"] option[selected]')["value"] == "2024-11"
    # the months with records, as on the map, written mm/yyyy
    assert [o.get_text() for o in page.select('select[name="month"] option')][:3] == [
        "Tất cả các tháng", "12/2024", "11/2024"]


def test_a_broadcast_to_every_village_is_listed_under_each_village(client):
    saved(client, "outreach", {"kind": "broadcast", "date": "2024-11-05"})
    saved(client, "outreach", {"kind": "meeting", "date": "2024-11-06", "villages": ["T01"]})
    page = soup(client.get(url("outreach") + "?village=T02"))
    assert column(page, "Thôn được tuyên truyền") == ["toàn xã"]
    assert column(page, "Ngày") == ["05/11/2024"]


def test_a_bad_month_is_said_and_ignored(client):
    saved(client, "pledges", FILTERS["pledges"][0])
    page = soup(client.get(url("pledges") + "?month=11/2024"))
    assert "Không đọc được tháng" in page.select_one(".notice.error").get_text()
    assert column(page, "Thôn") == ["Thôn 1"]


def test_index_counts_every_type(client):
    _filter_setup(client)
    saved(client, "drug_tests", FILTERS["drug_tests"][0])
    page = soup(client.get(f"{BASE}/records"))
    counts = {tr.select("td")[0].get_text(strip=True): tr.select("td")[1].get_text(strip=True)
              for tr in page.select("tbody tr")}
    assert counts == {
        "Người trong diện quản lý": "2", "Xét nghiệm ma túy": "1", "Trường học": "0",
        "Tuyên truyền": "0", "Hộ gia đình ký cam kết": "0", "Mô hình phòng chống ma túy": "0",
        "Hòm thư tố giác": "0", "Nguồn tin về tội phạm": "0",
        "Cơ sở kinh doanh có nguy cơ": "2", "Kiểm tra cơ sở": "0", "Vụ việc": "0",
        "Số liệu tại thời điểm đăng ký": "0"}


BY_MODEL = {"persons": Person, "outreach": OutreachEvent, "tips": Tip, "incidents": Incident,
            "inspections": Inspection}


# -- forms: valid posts create, identical posts change nothing ---------------------------

def _prerequisites(client) -> None:
    saved(client, "persons", person("P001", "T03", "2024-11-05"))
    saved(client, "venues", venue("V01", T06))
    saved(client, "schools", {"code": "S01", "name": "Trường TH Cẩm Tân", "level": "primary",
                              **T02})


def _one(session, model):
    records = session.scalars(select(model)).all()
    assert len(records) == 1
    return records[0]


# name: (form, model, expected attributes, list the form goes back to)
VALID = {
    "persons": ({"code": "P002", "village": "T04", "category": "user", "status": "no_treatment",
                 "status_date": "05/11/2024", "psychosis": "on", "file_opened": "on",
                 "file_opened_date": "2024-11-06", "birth_year": "1990", "sex": "M"},
                Person, {"village_code": "T04", "category": "user", "status": "no_treatment",
                         "status_date": dt.date(2024, 11, 5), "psychosis": True,
                         "file_opened": True, "file_opened_date": dt.date(2024, 11, 6),
                         "birth_year": 1990, "sex": "M"}, "village=T04"),
    "drug_tests": ({"person": "P001", "date": "2024-11-20", "result": "negative"}, DrugTest,
                   {"date": dt.date(2024, 11, 20), "result": "negative"}, "village=T03"),
    "schools": ({"code": "S02", "name": "Trường THCS Cẩm Tân", "level": "lower_secondary",
                 **T06}, School, {"village_code": "T06", "lat": 20.125, "lon": 105.535,
                                  "level": "lower_secondary"}, "village=T06"),
    "outreach": ({"kind": "school_session", "date": "2024-11-12", "count": "2",
                  "school": "S01"}, OutreachEvent,
                 {"kind": "school_session", "date": dt.date(2024, 11, 12), "count": 2,
                  "all_villages": False}, "village=T02"),
    "pledges": ({"village": "T04", "as_of": "14/12/2024", "households_signed": "100"}, Pledge,
                {"village_code": "T04", "as_of": dt.date(2024, 12, 14),
                 "households_signed": 100}, "village=T04"),
    "models": ({"code": "M01", "name": "Mô hình “Thôn không ma túy”", "kind": "prevention",
                "established": "2025-02-20"}, PreventionModel,
               {"kind": "prevention", "established": dt.date(2025, 2, 20)}, ""),
    "tip_boxes": ({"code": "H01", **T06, "installed": "2024-11-01", "status": "working"},
                  TipBox, {"village_code": "T06", "installed": dt.date(2024, 11, 1),
                           "status": "working", "last_checked": None}, "village=T06"),
    "tips": ({"code": "NT-01", "received": "2024-11-15", "channel": "vneid", "village": "T05",
              "status": "received"}, Tip,
             {"village_code": "T05", "lat": None, "channel": "vneid"}, "village=T05"),
    "venues": ({"code": "V02", "name": "Nhà nghỉ Sông Mã", "kind": "guesthouse", **T01},
               Venue, {"village_code": "T01", "kind": "guesthouse", "active": False},
               "village=T01"),
    "inspections": ({"venue": "V01", "date": "2024-11-22", "team": "Tổ 1", "result": "ok"},
                    Inspection, {"date": dt.date(2024, 11, 22), "team": "Tổ 1",
                                 "drug_finding": False, "note": None}, "village=T06"),
    "incidents": ({"code": "VV-01", "kind": "cultivation", "date": "2024-11-30",
                   "village": "T07", "plants": "35", "area_m2": "12,5"}, Incident,
                  {"village_code": "T07", "plants": 35, "area_m2": 12.5, "persons": None},
                  "village=T07"),
    "baselines": ({"village": "T08", "category": "addict", "as_of": "2024-11-20",
                   "count": "3"}, Baseline,
                  {"village_code": "T08", "category": "addict", "count": 3}, "village=T08"),
}


@pytest.mark.parametrize("name", VALID)
def test_a_valid_post_saves_and_the_same_post_again_changes_nothing(client, demo, name):
    form, model, expected, back = VALID[name]
    _prerequisites(client)
    with demo() as session:
        before = len(session.scalars(select(model)).all())

    location = saved(client, name, form)

    with demo() as session:
        records = session.scalars(select(model)).all()
        assert len(records) == before + 1
        record = max(records, key=lambda r: r.id)
        assert {k: getattr(record, k) for k in expected} == expected
        log = session.scalars(select(ChangeLog).where(ChangeLog.record_type == name,
                                                      ChangeLog.record_id == record.id)).one()
        assert (log.action, log.actor, log.source) == ("create", "police_1", "form")
    assert location == url(name, "?" + "&".join(p for p in (back, f"saved={record.id}") if p))
    page = soup(client.get(location))
    assert page.select_one(".notice.ok").get_text(strip=True).startswith("Đã lưu: ")
    assert page.select_one("tr.saved")["data-id"] == str(record.id)

    unchanged = snapshot(demo)
    assert post(client, name, form).status_code == 303
    assert snapshot(demo) == unchanged


def test_outreach_to_villages_keeps_each_village(client, demo):
    saved(client, "outreach", {"kind": "meeting", "date": "2024-11-12",
                               "villages": ["T02", "T01"]})
    with demo() as session:
        event = _one(session, OutreachEvent)
        assert sorted(v.village_code for v in event.villages) == ["T01", "T02"]


# -- forms: invalid posts are refused with the message beside the field --------------------

# name: (form, field, the Vietnamese message shown beside it)
INVALID = {
    "persons": (person("P002", "T01", "31/02/2024"), "status_date",
                "Giá trị “31/02/2024”: không phải ngày tháng: hãy ghi dd/mm/yyyy, "
                "ví dụ 05/11/2024"),
    "drug_tests": ({"person": "P999", "date": "2024-11-20", "result": "negative"}, "person",
                   "Giá trị “P999”: không có mã này trong xã hoặc trong tệp"),
    "schools": ({"code": "S02", "name": "", "level": "primary", **T06}, "name",
                "Ô này không được để trống"),
    "outreach": ({"kind": "individual_visit", "date": "2024-11-12"}, "person",
                 "Ô này không được để trống"),
    "pledges": ({"village": "T01", "as_of": "2024-12-14", "households_signed": "nhiều"},
                "households_signed", "Giá trị “nhiều”: không phải số nguyên"),
    "models": ({"code": "M01", "name": "A", "kind": "abc", "established": "2025-02-20"},
               "kind", "Giá trị “abc”: không thuộc các giá trị: mô hình phòng chống ma túy; "
               "mô hình “3/1” tái hòa nhập cộng đồng; mô hình khác"),
    "tip_boxes": ({"code": "H01", "lat": "20.125", "installed": "2024-11-01",
                   "status": "working"}, "lon",
                  "Hãy ghi đủ cả vĩ độ và kinh độ (hoặc cả X và Y)"),
    "tips": ({"code": "NT-01", "received": "2024-11-15", "channel": "vneid",
              "status": "received"}, "village",
             "Hãy ghi thôn, hoặc vị trí: vĩ độ và kinh độ, hoặc X và Y (VN-2000)"),
    "venues": (venue("V02", {"lat": "20.2", "lon": "105.535"}), "lat",
               "Giá trị “20.2, 105.535”: vị trí nằm ngoài địa giới xã, cách ranh giới xã "),
    "inspections": ({"venue": "V01", "date": "2024-13-01", "result": "ok"}, "date",
                    "Giá trị “2024-13-01”: không phải ngày tháng"),
    "incidents": ({"code": "VV-01", "kind": "arrest", "date": "2024-11-30", "village": "T01",
                   **T06}, "village", "Giá trị “Thôn 1”: vị trí nằm ở Thôn 6, không thuộc "
                   "thôn này"),
    "baselines": ({"village": "T08", "category": "addict", "as_of": "2024-11-20"}, "count",
                  "Ô này không được để trống"),
}


@pytest.mark.parametrize("name", INVALID)
def test_an_invalid_post_is_refused_with_the_message_and_changes_nothing(client, demo, name):
    form, key, message = INVALID[name]
    _prerequisites(client)
    before = snapshot(demo)

    response = post(client, name, form)

    assert response.status_code == 422
    page = soup(response)
    assert message in page.select_one(f"#field-{key} .error").get_text(" ", strip=True)
    assert page.select_one(f"#field-{key}")["class"] == ["field", f"field-{_input(page, key)}",
                                                       "has-error"]
    assert "Chưa lưu." in page.select_one(".notice.error").get_text()
    assert snapshot(demo) == before
    # What was typed is shown again.
    for field, value in form.items():
        if isinstance(value, str) and value and field not in ("psychosis", "active"):
            element = page.select_one(f'[name="{field}"]')
            shown = (element.select_one("option[selected]")["value"]
                     if element.name == "select" else element["value"])
            assert shown == value, field


def _input(page: BeautifulSoup, key: str) -> str:
    classes = page.select_one(f"#field-{key}")["class"]
    return next(c for c in classes if c.startswith("field-")).removeprefix("field-")


def test_the_refusal_lists_every_wrong_field_with_a_link_to_it(client):
    response = post(client, "schools", {"code": "S02", "name": "", "level": "primary",
                                        "lat": "20.2", "lon": "105.535"})
    items = soup(response).select(".notice.error li")
    assert [li.a["href"] for li in items] == ["#field-name", "#field-lat"]
    assert items[0].get_text(strip=True) == "Tên trường: Ô này không được để trống"


def test_a_point_pasted_from_a_map_app_into_latitude_is_read_as_both(client, demo):
    saved(client, "venues", venue("V01", {"lat": " 20.125, 105.535 ", "lon": ""}))
    with demo() as session:
        record = _one(session, Venue)
        assert (record.lat, record.lon, record.village_code) == (20.125, 105.535, "T06")
    # A decimal comma alone is one number, not a pair: the longitude is still missing.
    response = post(client, "venues", venue("V02", {"lat": "20,125", "lon": ""}))
    assert response.status_code == 422
    assert soup(response).select_one("#field-lon .error").get_text(strip=True) == (
        "Hãy ghi đủ cả vĩ độ và kinh độ (hoặc cả X và Y)")


def test_the_outside_distance_is_given_in_metres(client):
    response = post(client, "venues", INVALID["venues"][0])
    text = soup(response).select_one("#field-lat .error").get_text(strip=True)
    metres = int(re.search(r"cách ranh giới xã ([\d.]+) m", text).group(1).replace(".", ""))
    assert 5150 <= metres <= 5250


# -- forms: what they show ----------------------------------------------------------------

def test_the_venue_form_is_built_from_the_schema(client):
    page = soup(client.get(url("venues", "/new")))
    assert page.select_one("form.record-form")["method"] == "post"
    kinds = [o.get_text(strip=True) for o in page.select('select[name="kind"] option')]
    assert kinds == ["—", "karaoke", "nhà nghỉ", "khách sạn", "quán bar", "quán internet",
                     "cơ sở massage", "cơ sở khác"]
    assert page.select_one('input[name="active"]')["type"] == "checkbox"
    assert page.select_one('input[name="active"]').has_attr("checked")  # the default
    assert page.select_one('input[name="lat"]')["inputmode"] == "decimal"
    assert page.select_one('input[name="code"]').has_attr("required")
    assert not page.select_one('input[name="licence"]').has_attr("required")
    assert page.select_one('label[for="f-code"] abbr.req').get_text() == "*"
    assert "độ thập phân, ví dụ 20.1234567" in page.select_one("#help-lat").get_text()
    assert page.select('details.field-group input[name="x"], details.field-group input[name="y"]')


def test_the_person_form_and_the_tip_form_say_what_is_never_recorded(client):
    person_form = soup(client.get(url("persons", "/new")))
    assert "Không ghi họ tên, số định danh, địa chỉ hay số điện thoại" in (
        person_form.select_one(".notice.privacy").get_text())
    date = person_form.select_one('input[name="status_date"]')
    assert (date["type"], date["placeholder"]) == ("text", "dd/mm/yyyy")
    assert "(ngày/tháng/năm)" in person_form.select_one('label[for="f-status_date"]').get_text()
    villages = [o.get_text(strip=True) for o in person_form.select('select[name="village"] option')]
    assert villages == ["—"] + [f"Thôn {i}" for i in range(1, 11)]
    tip_form = soup(client.get(url("tips", "/new")))
    assert "Không bao giờ ghi nhận người cung cấp nguồn tin" in (
        tip_form.select_one(".notice.privacy").get_text())
    assert not tip_form.select(".notice.privacy")[1:]


def test_reference_fields_offer_the_commune_codes(client):
    _prerequisites(client)
    page = soup(client.get(url("outreach", "/new")))
    assert [o["value"] for o in page.select('select[name="person"] option')] == ["", "P001"]
    assert [o.get_text(strip=True) for o in page.select('select[name="school"] option')] == [
        "—", "S01 – Trường TH Cẩm Tân"]
    assert len(page.select('input[type="checkbox"][name="villages"]')) == 10


# -- edits: change log, corrections of key fields, conflicts --------------------------------

def _venue_id(demo, code: str) -> int:
    with demo() as session:
        return session.scalar(select(Venue.id).where(Venue.code == code))


def test_an_edit_is_logged_with_before_and_after(client, demo):
    saved(client, "venues", venue("V01", T06, licence="GP-1"))
    ident = _venue_id(demo, "V01")
    edit = soup(client.get(url("venues", f"/{ident}")))
    assert edit.select_one('input[name="name"]')["value"] == "Karaoke V01"
    assert edit.select_one('select[name="kind"] option[selected]')["value"] == "karaoke"

    location = saved(client, "venues", venue("V01", T06, licence="GP-2", name="Hoa Sen",
                                            active=""), f"/{ident}")

    assert location == url("venues", f"?village=T06&saved={ident}")
    assert soup(client.get(location)).select_one(".notice.ok").get_text(strip=True) == (
        "Đã lưu: V01.")
    with demo() as session:
        log = session.scalars(select(ChangeLog).where(ChangeLog.action == "update")).one()
        assert json.loads(log.changes) == {"name": ["Karaoke V01", "Hoa Sen"],
                                           "licence": ["GP-1", "GP-2"], "active": [True, False]}
        assert (log.record_type, log.record_id, log.record_code) == ("venues", ident, "V01")
    page = soup(client.get(url("venues", f"/{ident}")))
    changes = page.select(".history tbody.change")
    assert len(changes) == 2  # newest first: the edit, then the creation
    rows = [[td.get_text(strip=True) for td in tr.select("td")[-3:]]
            for tr in changes[0].select("tr")]
    assert rows == [["Tên cơ sở", "Karaoke V01", "Hoa Sen"], ["Giấy phép", "GP-1", "GP-2"],
                    ["Đang hoạt động", "có", "không"]]
    assert "sửa (biểu mẫu trên web)" in changes[0].get_text()
    assert "tạo mới" in changes[1].get_text()


def as_browser_sends(page: BeautifulSoup) -> dict:
    """The record form's fields as a browser submits them untouched."""
    data: dict = {}
    for element in page.select("form.record-form input, form.record-form select"):
        name = element.get("name")
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            data[name] = chosen["value"]
        elif element.get("type") == "checkbox":
            if element.has_attr("checked"):
                data.setdefault(name, []).append(element["value"])
        else:
            data[name] = element.get("value", "")
    return data


@pytest.mark.parametrize("name", ["persons", "outreach", "tips", "incidents", "inspections"])
def test_saving_an_edit_form_untouched_changes_nothing(client, demo, name):
    _filter_setup(client)
    saved(client, name, FILTERS[name][1] if name in FILTERS else person(
        "P-C", "T05", "2024-11-05", psychosis="on", file_opened="on",
        file_opened_date="2024-11-06", management_start="06/11/2024", birth_year="1990",
        sex="M"))
    with demo() as session:
        ident = max(session.scalars(select(BY_MODEL[name].id)).all())
    page = soup(client.get(url(name, f"/{ident}")))
    before = snapshot(demo)
    assert post(client, name, as_browser_sends(page), f"/{ident}").status_code == 303
    assert snapshot(demo) == before


def test_an_unchanged_edit_logs_nothing(client, demo):
    saved(client, "venues", venue("V01", T06))
    ident = _venue_id(demo, "V01")
    before = snapshot(demo)
    saved(client, "venues", venue("V01", T06), f"/{ident}")
    assert snapshot(demo) == before


def test_changing_a_code_on_edit_corrects_that_record(client, demo):
    saved(client, "venues", venue("V01", T06))
    saved(client, "inspections", {"venue": "V01", "date": "2024-11-22", "result": "ok"})
    ident = _venue_id(demo, "V01")

    saved(client, "venues", venue("V10", T06, name="Karaoke V01"), f"/{ident}")

    with demo() as session:
        venue_row = _one(session, Venue)
        assert (venue_row.id, venue_row.code) == (ident, "V10")
        assert _one(session, Inspection).venue_id == ident  # its inspections follow
        log = session.scalars(select(ChangeLog).where(ChangeLog.action == "update")).one()
        assert json.loads(log.changes) == {"code": ["V01", "V10"]}


def test_changing_a_date_of_an_outreach_event_corrects_it(client, demo):
    saved(client, "outreach", {"kind": "meeting", "date": "2024-11-12", "villages": ["T01"]})
    with demo() as session:
        ident = _one(session, OutreachEvent).id
    saved(client, "outreach", {"kind": "meeting", "date": "2024-11-13", "villages": ["T01"]},
          f"/{ident}")
    with demo() as session:
        event = _one(session, OutreachEvent)
        assert (event.id, event.date, event.key) == (ident, dt.date(2024, 11, 13),
                                                     "meeting|2024-11-13|T01||")


def test_a_code_already_taken_is_refused_on_edit(client, demo):
    saved(client, "venues", venue("V01", T06))
    saved(client, "venues", venue("V02", T01))
    ident, other = _venue_id(demo, "V01"), _venue_id(demo, "V02")
    before = snapshot(demo)

    response = post(client, "venues", venue("V02", T06), f"/{ident}")

    assert response.status_code == 422
    notice = soup(response).select_one(".notice.error")
    assert "Đã có một bản ghi khác trùng Mã (V02). Chưa có gì được lưu." in notice.get_text()
    assert notice.select_one("a")["href"] == url("venues", f"/{other}")
    assert snapshot(demo) == before


def test_a_new_record_with_an_existing_code_and_other_values_is_refused(client, demo):
    saved(client, "venues", venue("V01", T06))
    before = snapshot(demo)
    response = post(client, "venues", venue("V01", T01, name="Khác"))
    assert response.status_code == 422
    assert "trùng Mã (V01)" in soup(response).select_one(".notice.error").get_text()
    assert snapshot(demo) == before


def test_unknown_types_and_records_are_not_found(client):
    saved(client, "venues", venue("V01", T06))
    assert client.get(url("nothing")).status_code == 404
    assert client.get(url("venues", "/999")).status_code == 404
    assert client.get(url("venues", "/abc")).status_code == 404
    assert client.get(url("schools", "/1")).status_code == 404  # id 1 is a venue
    assert post(client, "venues", venue("V01", T06), "/999").status_code == 404
    assert client.get(f"{BASE}/persons/NOBODY").status_code == 404
    assert client.get("/communes/99999/records/venues").status_code == 404


# -- the person page ----------------------------------------------------------------------

def test_a_new_since_date_keeps_the_old_state_and_the_person_page_shows_it_all(client, demo):
    saved(client, "persons", person("P001", "T03", "2024-11-05"))
    with demo() as session:
        ident = _one(session, Person).id
    saved(client, "drug_tests", {"person": "P001", "date": "2024-11-20", "result": "positive"})
    saved(client, "drug_tests", {"person": "P001", "date": "2024-12-20", "result": "negative"})
    saved(client, "outreach", {"kind": "individual_visit", "date": "2024-11-25",
                               "person": "P001"})
    saved(client, "persons", person("P001", "T03", "2025-01-10", status="methadone",
                                    psychosis="on"), f"/{ident}")

    with demo() as session:
        states = session.scalars(select(PersonState).order_by(PersonState.valid_from)).all()
        assert [(s.valid_from, s.status, s.psychosis) for s in states] == [
            (dt.date(2024, 11, 5), "rehab_home", False),
            (dt.date(2025, 1, 10), "methadone", True)]
    page = soup(client.get(f"{BASE}/persons/P001"))
    assert page.select_one("h1").get_text(strip=True) == "Đối tượng P001"
    facts = {div.dt.get_text(strip=True): div.dd.get_text(strip=True)
             for div in page.select(".facts div")}
    assert facts["Tình trạng cai nghiện, điều trị, nơi ở"] == "điều trị thay thế (methadone)"
    assert facts["Biểu hiện loạn thần"] == "có"
    assert facts["Từ ngày"] == "10/01/2025"
    assert facts["Thôn"] == "Thôn 3"
    assert [[td.get_text(strip=True) for td in tr.select("td")]
            for tr in page.select(".states-table tbody tr")] == [
        ["10/01/2025", "Thôn 3", "người nghiện ma túy", "điều trị thay thế (methadone)", "có"],
        ["05/11/2024", "Thôn 3", "người nghiện ma túy",
         "cai nghiện tự nguyện tại gia đình, cộng đồng", "không"]]
    assert [[td.get_text(strip=True) for td in tr.select("td")][:2]
            for tr in page.select(".tests-table tbody tr")] == [
        ["20/12/2024", "âm tính"], ["20/11/2024", "dương tính"]]
    assert [[td.get_text(strip=True) for td in tr.select("td")][:3]
            for tr in page.select(".visits-table tbody tr")] == [
        ["25/11/2024", "tuyên truyền cá biệt", "1"]]
    update = page.select(".history tbody.change")[0]
    assert [[td.get_text(strip=True) for td in tr.select("td")[-3:]]
            for tr in update.select("tr")] == [
        ["Tình trạng cai nghiện, điều trị, nơi ở",
         "cai nghiện tự nguyện tại gia đình, cộng đồng", "điều trị thay thế (methadone)"],
        ["Từ ngày", "05/11/2024", "10/01/2025"], ["Biểu hiện loạn thần", "không", "có"]]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d",
                        update.select_one("td").get_text(strip=True))


def test_views_of_person_level_records_are_audited(client, demo):
    saved(client, "persons", person("P001", "T03", "2024-11-05"))
    saved(client, "venues", venue("V01", T06))
    with demo() as session:
        ident = _one(session, Person).id
        seen = len(session.scalars(select(AuditEvent)).all())
    client.get(f"{BASE}/persons/P001")
    client.get(url("persons", f"/{ident}"))
    client.get(url("persons") + "?village=T03")
    client.get(url("venues"))  # not person-level: not logged
    with demo() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[seen:]
        assert [(e.action, e.commune_code, e.object_type, e.object_id) for e in events] == [
            ("view_person", "15178", "persons", str(ident)),
            ("view_person", "15178", "persons", str(ident)),
            ("view_person_list", "15178", "persons", None)]
        assert json.loads(events[2].detail) == {"village": "T03", "month": "", "page": 1,
                                                "rows": 1}


def test_the_same_since_date_corrects_the_current_state(client, demo):
    saved(client, "persons", person("P001", "T03", "2024-11-05"))
    with demo() as session:
        ident = _one(session, Person).id
    saved(client, "persons", person("P001", "T04", "2024-11-05"), f"/{ident}")
    with demo() as session:
        state = _one(session, PersonState)
        assert (state.valid_from, state.village_code) == (dt.date(2024, 11, 5), "T04")


def test_the_person_edit_form_explains_since_and_links_the_person_page(client, demo):
    saved(client, "persons", person("P001", "T03", "2024-11-05"))
    with demo() as session:
        ident = _one(session, Person).id
    page = soup(client.get(url("persons", f"/{ident}")))
    notices = " ".join(p.get_text() for p in page.select(".notice.privacy"))
    assert "hãy ghi ngày thay đổi có hiệu lực vào ô “Từ ngày”" in notices
    assert page.select_one(f'a[href="{BASE}/persons/P001"]') is not None
    assert page.select_one('input[name="status_date"]')["value"] == "05/11/2024"


def test_pages_in_english(client):
    page = soup(client.get(url("venues") + "?lang=en"))
    assert headers(page)[:3] == ["Code", "Venue name", "Kind of venue"]
    assert page.select_one("h1").get_text(strip=True) == "Risk venues"


def test_a_long_list_comes_a_hundred_at_a_time_keeping_its_filters(full, settings):
    sessions = full
    client = client_as(settings, sessions, "police")
    first = soup(client.get(url("outreach")))  # 868 events in the demo
    rows = first.select("table.records-table tbody tr[data-id]")
    assert len(rows) == 100
    assert "Đang hiện bản ghi 1–100 trong số 868 bản ghi phù hợp" in first.text
    assert first.select_one(".pager span").get_text() == "Trang 1/9"
    assert first.select_one(".pager a[rel=prev]") is None
    dates = column(first, "Ngày")
    assert dates[0] == "31/12/2025"  # newest first, across the pages
    last = soup(client.get(first.select_one(".pager a[rel=next]")["href"].replace(
        "page=2", "page=9")))
    assert len(last.select("table.records-table tbody tr[data-id]")) == 68
    assert column(last, "Ngày")[-1] == "04/10/2024"  # the broadcasts before the plan
    assert soup(client.get(url("outreach") + "?page=99")).select_one(
        ".pager span").get_text() == "Trang 9/9"  # clamped, not an error
    filtered = soup(client.get(url("outreach") + "?village=T01&month=2025-03"))
    count = len(filtered.select("table.records-table tbody tr[data-id]"))
    assert 0 < count < 100 and filtered.select_one(".pager") is None  # one page: no pager
    # a record saved on a later page opens its page, highlighted
    ident = int(last.select("table.records-table tbody tr[data-id]")[-1]["data-id"])
    back = soup(client.get(url("outreach") + f"?saved={ident}"))
    assert back.select_one(".pager span").get_text() == "Trang 9/9"
    assert back.select_one("tr.saved")["data-id"] == str(ident)


def test_pages_keep_the_village_and_month_filters(full, settings):
    sessions = full
    client = client_as(settings, sessions, "police")
    page = soup(client.get(url("outreach") + "?village=T01"))
    link = page.select_one(".pager a[rel=next]")["href"]
    assert link == url("outreach") + "?village=T01&page=2"
    second = soup(client.get(link))
    assert second.select_one(".pager a[rel=prev]")["href"] == url("outreach") + "?village=T01"
