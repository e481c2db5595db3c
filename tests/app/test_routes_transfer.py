"""Web: template and export downloads, upload of a record file (multipart), result page."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.models import AuditEvent, ChangeLog, Person
from app.records.schema import RECORD_TYPES
from tests.app.test_excel import FILLED
from tests.app.test_import_records import PERSONS, PLANTED_PERSONS, workbook
from tests.conftest import client_as, csrf_of, snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "/communes/15178/records"


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


@pytest.fixture
def web(commune, settings) -> TestClient:
    return client_as(settings, commune, "police")


def upload(web: TestClient, name: str, data: bytes, query: str = "", **form):
    return web.post(f"{BASE}/import{query}", files={"file": (name, data)}, data=form)


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def test_import_page_lists_every_template_in_vietnamese(web):
    response = web.get(f"{BASE}/import")
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text() == "Nhập, xuất sổ theo dõi (Excel, CSV)"
    form = soup.find("form", enctype="multipart/form-data")
    assert form["method"] == "post" and form.find("input", type="file")["name"] == "file"
    rows = soup.select("#downloads tbody tr")
    assert len(rows) == len(RECORD_TYPES) + 1
    assert rows[1].td.get_text() == PERSONS
    assert rows[1].find_all("a")[0]["href"] == f"{BASE}/persons/template.xlsx?lang=vi"
    assert "Tối đa 20 MB" in soup.get_text()


@pytest.mark.parametrize(("path", "sheets"), [
    ("/persons/template.xlsx", [PERSONS, "Hướng dẫn", "Danh mục"]),
    ("/drug_tests/template.xlsx?lang=en", ["Drug tests", "Guide", "Lists"]),
    ("/template.xlsx", None),
])
def test_template_downloads(web, path, sheets):
    response = web.get(BASE + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert "attachment" in response.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    if sheets is None:
        assert len(wb.sheetnames) == len(RECORD_TYPES) + 2
    else:
        assert wb.sheetnames == sheets


def test_export_downloads_name_the_web_actor(web, commune):
    assert upload(web, "nguoi.xlsx", workbook(commune, {"persons": FILLED["persons"]})
                  ).status_code == 200
    response = web.post(f"{BASE}/persons/export.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(response.content))[PERSONS]
    assert [ws.cell(r, 1).value for r in range(1, 5)] == ["Mã đối tượng *", "P001", "P002",
                                                          "P010"]
    assert ws.oddFooter.left.text.endswith("người xuất: police_1")
    everything = openpyxl.load_workbook(io.BytesIO(web.post(f"{BASE}/export.xlsx").content))
    assert everything[PERSONS].max_row == 4
    with commune() as session:  # every import and export is in the audit log
        events = session.scalars(select(AuditEvent).where(AuditEvent.action != "login")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.action, e.username, e.commune_code, e.object_id) for e in events] == [
        ("import", "police_1", "15178", "nguoi.xlsx"),
        ("export", "police_1", "15178", "persons"), ("export", "police_1", "15178", "all")]
    events = events[1:]
    assert json.loads(events[0].detail)["rows"] == {"persons": 3}
    assert json.loads(events[1].detail)["rows"]["persons"] == 3


@pytest.mark.parametrize("path", ["/nothing/template.xlsx", "/nothing/export.xlsx"])
def test_unknown_type_is_404(web, path):
    assert web.get(BASE + path).status_code == 404
    if path.endswith("export.xlsx"):
        assert web.post(BASE + path).status_code == 404


def test_unknown_commune_is_404(web):
    assert web.get("/communes/99999/records/import").status_code == 404
    assert web.get("/communes/99999/records/export.xlsx").status_code == 404
    assert web.post("/communes/99999/records/export.xlsx").status_code == 404


def test_every_form_and_link_of_the_page_points_at_a_route_that_answers(web):
    """The page's own addresses, followed as a browser does: the upload form (with its
    hidden token), the all-types template link and export form, and one type's."""
    soup = page(web.get(f"{BASE}/import?lang=en"))
    upload_form = soup.find("form", enctype="multipart/form-data")
    assert upload_form["action"] == f"{BASE}/import?lang=en"
    assert upload_form.find("input", attrs={"name": "csrftoken"})["value"] == web.csrf
    first, persons = soup.select("#downloads tbody tr")[:2]
    for row, name in ((first, "all"), (persons, "persons")):
        template = row.find("a")["href"]
        assert template.endswith("template.xlsx?lang=en")
        response = web.get(template)
        assert response.status_code == 200 and response.headers["content-type"] == XLSX
        assert f"xkmt_15178_{name}_template.xlsx" in response.headers["content-disposition"]
        export = row.find("form")
        assert export["method"] == "post" and export["action"].endswith("export.xlsx?lang=en")
        response = web.post(export["action"], data={
            "csrftoken": export.find("input", attrs={"name": "csrftoken"})["value"]})
        assert response.status_code == 200 and response.headers["content-type"] == XLSX
        assert f"xkmt_15178_{name}_" in response.headers["content-disposition"]
    assert first.find("a")["href"] == f"{BASE}/template.xlsx?lang=en"
    assert first.find("form")["action"] == f"{BASE}/export.xlsx?lang=en"
    sent = web.post(upload_form["action"], files={"file": ("trong.csv", b"")})
    assert sent.status_code == 422 and "trong.csv" in sent.text  # the import route's answer


def _exports(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "export"))


@pytest.mark.parametrize("path", ["/export.xlsx", "/persons/export.xlsx"])
def test_a_link_from_another_site_exports_nothing(web, commune, path):
    """A GET (a link, an image, a redirect from another site) never makes an export in
    the signed-in officer's name: it leads to the page with the export buttons. A POST
    without the session's token is refused; the page's form works."""
    assert upload(web, "nguoi.xlsx", workbook(commune, {"persons": FILLED["persons"]})
                  ).status_code == 200
    linked = web.get(BASE + path, follow_redirects=False)
    assert linked.status_code == 303
    assert linked.headers["location"] == f"{BASE}/import#downloads"
    assert _exports(commune) == 0
    token, web.csrf = web.csrf, None
    for data in ({}, {"csrftoken": "forged"}):
        assert web.post(BASE + path, data=data).status_code == 403
    assert _exports(commune) == 0
    exported = web.post(BASE + path, data={"csrftoken": token})
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    assert _exports(commune) == 1
    assert csrf_of(web, f"{BASE}/import") == token


def test_bad_file_shows_every_problem_in_vietnamese_and_stores_nothing(web, commune):
    data = workbook(commune, {"persons": PLANTED_PERSONS},
                    extra_headers={"persons": {"O": "Họ tên"}})
    before = snapshot(commune)
    response = upload(web, "loi.xlsx", data)
    assert response.status_code == 422
    soup = page(response)
    box = soup.select_one("#import-problems")
    assert box.p.get_text() == "Tệp loi.xlsx chưa được nhập: không có gì bị thay đổi."
    problems = [li.get_text() for li in box.select("ol.problems li")]
    assert len(problems) == 7
    assert problems[0].startswith(f"trang tính “{PERSONS}”, dòng 1, cột “Họ tên”: cột này "
                                  "chứa thông tin cá nhân")
    assert problems[-1] == (f"trang tính “{PERSONS}”, dòng 8, cột “Năm sinh”, giá trị "
                            "“khoảng 1990”: không phải số nguyên")
    assert "Có 7 lỗi cần sửa" in box.get_text()
    assert soup.select_one("#import-result") is None
    assert snapshot(commune) == before


def test_bad_file_in_english(web, commune):
    response = upload(web, "loi.xlsx", workbook(commune, {"persons": PLANTED_PERSONS[:2]}),
                      "?lang=en")
    assert response.status_code == 422
    problems = [li.get_text() for li in page(response).select("ol.problems li")]
    assert problems == [f"sheet “{PERSONS}”, row 3, column “Từ ngày”, value “31/02/2024”: "
                        "not a date: write dd/mm/yyyy, e.g. 05/11/2024"]


def test_good_file_is_stored_with_counts_and_the_web_actor(web, commune):
    data = workbook(commune, {"persons": FILLED["persons"], "drug_tests": FILLED["drug_tests"]})
    response = upload(web, "thang11.xlsx", data)
    assert response.status_code == 200
    box = page(response).select_one("#import-result")
    assert box.p.get_text() == "Đã nhập thang11.xlsx."
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in box.select("tbody tr")]
    assert cells == [[PERSONS, "3", "0", "0"], ["Xét nghiệm ma túy", "3", "0", "0"]]
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 3
        actors = set(session.scalars(select(ChangeLog.actor)))
        sources = set(session.scalars(select(ChangeLog.source)))
    assert (actors, sources) == ({"police_1"}, {"thang11.xlsx"})

    again = page(upload(web, "thang11.xlsx", data)).select("#import-result tbody tr")
    assert [td.get_text() for td in again[0].find_all("td")] == [PERSONS, "0", "0", "3"]


def test_csv_upload_with_the_type_chosen(web, commune):
    upload(web, "nguoi.xlsx", workbook(commune, {"persons": FILLED["persons"]}))
    csv_data = b"person,date,result\nP010,02/12/2024,negative\n"
    response = upload(web, "xn.csv", csv_data, record_type="drug_tests")
    assert response.status_code == 200
    cells = [td.get_text() for td in page(response).select("#import-result tbody td")]
    assert cells == ["xn.csv", "1", "0", "0"]


def test_too_large_or_missing_file_is_refused(settings, commune):
    small = client_as(settings, commune, "police", "police_small", max_upload_mb=1)
    before = snapshot(commune)
    response = upload(small, "lon.csv", b"x" * 1_000_001)  # read, then refused
    assert response.status_code == 413
    box = page(response).select_one("#import-problems")
    assert box.p.get_text() == "Tệp lon.csv chưa được nhập: không có gì bị thay đổi."
    assert box.li.get_text() == "tệp lớn hơn 1 MB"
    response = upload(small, "lon.csv", b"x" * 1_100_000)  # refused by its announced size
    assert response.status_code == 413
    box = page(response).select_one("#import-problems")
    assert box.p.get_text() == "Chưa nhập gì: không có gì bị thay đổi."
    assert box.li.get_text() == "tệp lớn hơn 1 MB"
    response = small.post(f"{BASE}/import", data={"record_type": ""})
    assert response.status_code == 422
    assert "hãy chọn tệp cần nhập" in response.text
    assert snapshot(commune) == before
