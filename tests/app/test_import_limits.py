"""How much an import may hold: rows per file (counted while reading, so a huge file is
refused without being read) and problems listed (the rest counted).

Workbooks are real .xlsx files (the app's template filled with openpyxl, or a sheet's
XML written here); CSV files are real bytes. All data is synthetic.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.models import DrugTest, Person
from app.records.importer import ImportLimits
from app.settings import Settings
from tests.app.test_excel import FILLED
from tests.app.test_import_records import PERSONS, rejected, run, workbook
from tests.app.test_routes_transfer import upload
from tests.conftest import client_as, snapshot

TESTS = "Xét nghiệm ma túy"
LIMITS = ImportLimits(rows=50, problems=5)


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def people(n: int, start: int = 1) -> list[list]:
    return [[f"P{i:05d}", "Thôn 1", "người nghiện ma túy", "điều trị thay thế (methadone)",
             "15/11/2024"] for i in range(start, start + n)]


def unknown_people_tests(n: int) -> list[list]:
    """Drug tests whose three cells are all wrong: 3 problems a row."""
    return [[f"X{i}", "31/02/2024", "chưa rõ"] for i in range(n)]


def test_one_row_more_than_the_cap_is_refused_naming_sheet_row_and_cap(commune):
    before = snapshot(commune)
    problems = rejected(commune, workbook(commune, {"persons": people(51)}), limits=LIMITS)
    assert problems == [f"tệp có hơn 50 dòng dữ liệu (vượt giới hạn tại dòng 52 của "
                        f"“{PERSONS}”): hãy chia thành nhiều tệp nhỏ hơn"]
    assert snapshot(commune) == before
    # The cap itself is allowed: the header row and blank rows do not count.
    result = run(commune, workbook(commune, {"persons": people(49) + [[None] * 5] * 3
                                             + people(1, start=50)}), limits=LIMITS)
    assert result.sheets[0].summary.created == 50


def test_the_cap_counts_every_sheet_of_the_file(commune):
    data = workbook(commune, {"persons": people(40),
                              "drug_tests": [["P00001", "20/11/2024", "âm tính"]] * 12})
    assert rejected(commune, data, locale="en", limits=LIMITS) == [
        f"the file holds more than 50 rows of records (the limit is passed at row 12 of "
        f"“{TESTS}”): split it into several files"]


def test_a_csv_file_is_counted_row_by_row_too(commune):
    lines = ["Mã đối tượng,Thôn,Diện quản lý,Tình trạng cai nghiện,Từ ngày"] + [
        ",".join(row) for row in people(60)]
    data = "\n".join(lines).encode()
    assert rejected(commune, data, "nguoi.csv", type_name="persons", limits=LIMITS) == [
        "tệp có hơn 50 dòng dữ liệu (vượt giới hạn tại dòng 52 của “nguoi.csv”): hãy chia "
        "thành nhiều tệp nhỏ hơn"]


def test_a_csv_cell_too_long_to_read_is_a_message(commune):
    data = ("Mã cơ sở,Ngày kiểm tra,Kết quả kiểm tra,Ghi chú\n"
            "CS1,01/11/2024,không vi phạm,ngắn\n"
            "CS1,02/11/2024,không vi phạm," + "x" * 200_000 + "\n").encode()
    assert rejected(commune, data, "kiem_tra.csv") == [
        "dòng 3 của “kiem_tra.csv” có ô dài hơn 131.072 ký tự"]


def _sheet_xml(rows: int, tail: bytes) -> bytes:
    """A sheet of ``rows`` one-cell rows then ``tail``; its dimension is wrong, as some
    writers leave it (reading resets it)."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>')
    cells = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>P%d</t></is></c></row>'
                     % (r, r, r) for r in range(1, rows + 1))
    return head + cells + tail


def test_rows_past_the_cap_are_never_read(commune):
    """A workbook whose sheet is damaged 20,000 rows after the cap is refused for its
    size, not for its damage: reading stopped at the cap."""
    wb = openpyxl.Workbook()
    wb.active.title = PERSONS
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _sheet_xml(20_000, b"<row r=")  # cut off: not XML any more
            target.writestr(item, data)
    damaged = out.getvalue()
    assert rejected(commune, damaged, limits=ImportLimits(rows=1_000))[0].startswith(
        "tệp có hơn 1.000 dòng dữ liệu (vượt giới hạn tại dòng 1002 của")
    # Read to the end, the same file is damaged.
    assert rejected(commune, damaged, limits=ImportLimits(rows=30_000)) == [
        "tệp bị hỏng hoặc không phải là tệp Excel (.xlsx)"]


def test_many_bad_rows_list_the_first_problems_then_how_many_more(commune):
    before = snapshot(commune)
    data = workbook(commune, {"drug_tests": unknown_people_tests(40)})
    problems = rejected(commune, data, limits=LIMITS)
    assert len(problems) == 6
    assert problems[0].startswith(f"trang tính “{TESTS}”, dòng 2, cột “Mã đối tượng”")
    assert problems[4].startswith(f"trang tính “{TESTS}”, dòng 3, cột “Ngày xét nghiệm”")
    assert problems[5] == "… và 115 lỗi khác"
    assert rejected(commune, data, locale="en", limits=LIMITS)[5] == "… and 115 more problems"
    assert snapshot(commune) == before


def test_the_default_limits_are_the_settings():
    assert ImportLimits() == ImportLimits.of(Settings())
    assert (ImportLimits().rows, ImportLimits().problems) == (50_000, 200)


def test_the_web_upload_uses_the_settings_and_counts_every_problem(settings, commune):
    web = client_as(settings, commune, "police", max_import_rows=50, max_import_problems=5)
    before = snapshot(commune)
    response = upload(web, "xet_nghiem.xlsx",
                      workbook(commune, {"drug_tests": unknown_people_tests(40)}))
    assert response.status_code == 422
    box = BeautifulSoup(response.text, "html.parser").select_one("#import-problems")
    items = [li.get_text() for li in box.select("ol.problems li")]
    assert (len(items), items[-1]) == (6, "… và 115 lỗi khác")
    assert "Có 120 lỗi cần sửa" in box.get_text()
    response = upload(web, "nguoi.xlsx", workbook(commune, {"persons": people(51)}))
    assert response.status_code == 422
    assert "tệp có hơn 50 dòng dữ liệu" in response.text
    assert snapshot(commune) == before
    response = upload(web, "nguoi.xlsx", workbook(commune, {
        "persons": FILLED["persons"], "drug_tests": FILLED["drug_tests"]}))
    assert response.status_code == 200
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(DrugTest)) == 3


def test_the_command_line_uses_the_settings(commune, settings, monkeypatch, tmp_path, capsys):
    from app.cli.main import main

    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("XKMT_MAX_IMPORT_ROWS", "50")
    path = tmp_path / "nguoi.xlsx"
    path.write_bytes(workbook(commune, {"persons": people(51)}))
    assert main(["import", str(path), "--commune", "15178"]) == 1
    assert "tệp có hơn 50 dòng dữ liệu" in capsys.readouterr().err
    monkeypatch.setenv("XKMT_MAX_IMPORT_ROWS", "51")
    assert main(["import", str(path), "--commune", "15178"]) == 0
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 51
