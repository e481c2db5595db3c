"""Excel templates and exports, and the round trip template → import → export → re-import.

Every workbook is a real .xlsx file written and read with openpyxl. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import ChangeLog
from app.records import excel
from app.records.importer import import_file
from app.records.schema import BY_NAME, RECORD_TYPES
from app.records.service import Context
from app.records.sheets import header_keys
from tests.conftest import snapshot

D = dt.date
# A few rows per type, in the template's column order, written as an export writes them
# (Vietnamese labels, village names, "có"/"không", real dates) and in natural-key order.
# Drug tests, visits, sessions and inspections refer to codes defined in the same file.
FILLED: dict[str, list[list]] = {
    "persons": [
        ["P001", "Thôn 1", "người nghiện ma túy", "điều trị thay thế (methadone)",
         D(2024, 11, 15), "không", "có", D(2024, 11, 10), D(2024, 11, 15), None, None, None,
         1990, "nam"],
        ["P002", "Thôn 5", "người sử dụng trái phép chất ma túy",
         "chưa tham gia cai nghiện, điều trị", D(2024, 10, 1), "có", "có", D(2024, 10, 1),
         D(2024, 10, 1), D(2025, 10, 1), None, None, 1985, "nữ"],
        ["P010", "Thôn 10", "người đang quản lý sau cai nghiện",
         "cai nghiện tự nguyện tại gia đình, cộng đồng", D(2024, 9, 20), "không", "không",
         None, None, None, D(2025, 1, 5), D(2025, 2, 1), None, None],
    ],
    "venues": [
        ["CS01", "Karaoke Hoa Mai (giả lập)", "karaoke", "Thôn 1", 20.1374214, 105.5226157,
         None, None, "GP-123/2023", "có"],
        ["CS02", "Nhà nghỉ Bình An (giả lập)", "nhà nghỉ", "Thôn 5", 20.1261564, 105.5268399,
         None, None, None, "không"],
    ],
    "schools": [
        ["TH01", "Trường Tiểu học Thôn 2 (giả lập)", "trường tiểu học", 20.1386686,
         105.5325618, None, None],
    ],
    "drug_tests": [
        ["P001", D(2024, 11, 20), "âm tính"],
        ["P001", D(2024, 12, 20), "dương tính"],
        ["P002", D(2024, 11, 21), "âm tính"],
    ],
    "outreach": [
        ["phát thanh trên loa", D(2024, 11, 4), 2, None, None, None, None],
        ["tuyên truyền cá biệt", D(2024, 11, 6), 1, "Thôn 1", None, "P001", None],
        ["tuyên truyền tại trường học", D(2024, 11, 8), 1, "Thôn 2; Thôn 3", "TH01", None,
         "https://example.org/bai-viet-gia-lap"],
    ],
    "pledges": [
        ["Thôn 1", D(2024, 12, 14), 200],
        ["Thôn 2", D(2024, 12, 14), 130],
    ],
    "models": [
        ["MH01", "Thôn không ma túy (giả lập)", "mô hình phòng chống ma túy", D(2025, 2, 20)],
    ],
    "tip_boxes": [
        ["HT01", "Thôn 3", 20.1491619, 105.5397662, None, None, D(2024, 11, 1),
         "đang hoạt động", D(2024, 11, 30)],
    ],
    "tips": [
        ["NT01", D(2024, 11, 12), "hòm thư tố giác", "Thôn 4", None, None, None, None,
         "đã giải quyết", D(2024, 11, 15), D(2024, 11, 25), None],
        ["NT02", D(2024, 11, 20), "VNeID", "Thôn 7", 20.1247615, 105.5475351, None, None,
         "mới tiếp nhận", None, None, None],
    ],
    "inspections": [
        ["CS01", D(2024, 11, 18), "Tổ công tác công an xã", "không vi phạm", "không", None],
        ["CS02", D(2024, 11, 19), None, "có vi phạm", "có", "giả lập"],
    ],
    "incidents": [
        ["VV01", "điểm trồng cây có chất ma túy", D(2024, 11, 22), "Thôn 9", 20.1147763,
         105.5477642, None, None, None, 120, 35.5, None],
        ["VV02", "bắt giữ", D(2024, 11, 23), "Thôn 3", None, None, None, None, 2, None, None,
         "giả lập"],
    ],
    "baselines": [
        ["Thôn 1", "người nghiện ma túy", D(2024, 11, 15), 3],
        ["Thôn 1", "người sử dụng trái phép chất ma túy", D(2024, 11, 15), 2],
    ],
}
NOW = dt.datetime(2026, 11, 29, 10, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


_TEMPLATES: dict[tuple, bytes] = {}


def template_bytes(sessions, types=RECORD_TYPES, locale: str = "vi") -> bytes:
    """The template as the app makes it for the commune. Made once per worker for the same
    commune, villages, record types and language: ``excel.template_workbook`` reads
    nothing else (no date, no record), and the many tests that fill it in would otherwise
    draw the same workbook again, a third of a second each."""
    with sessions() as session:
        ctx = Context.load(session, "15178")
        commune = ctx.commune
        key = (commune.code, commune.unit_type, commune.name, commune.metric_epsg,
               tuple(ctx.villages["code"]), tuple(ctx.villages["name"]),
               tuple(rt.name for rt in types), locale)
        if key not in _TEMPLATES:
            _TEMPLATES[key] = excel.workbook_bytes(excel.template_workbook(ctx, types,
                                                                           locale))
        return _TEMPLATES[key]


def export_bytes(sessions, types=RECORD_TYPES, locale: str = "vi") -> bytes:
    with sessions() as session:
        ctx = Context.load(session, "15178")
        return excel.workbook_bytes(excel.export_workbook(
            session, ctx, types, locale, actor="cli", now=NOW))


def filled_workbook(sessions, rows: dict[str, list[list]] = FILLED) -> bytes:
    """The whole-commune template, filled by appending rows below the headers."""
    wb = load(template_bytes(sessions))
    for name, values in rows.items():
        ws = wb[excel.sheet_title(BY_NAME[name], "vi")]
        for row in values:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def data_rows(ws) -> list[list]:
    """The rows below the header, dates as dates."""
    return [[v.date() if isinstance(v, dt.datetime) else v for v in row]
            for row in ws.iter_rows(min_row=2, values_only=True)]


def run_import(sessions, data: bytes, name: str = "so_theo_doi.xlsx"):
    with sessions() as session:
        return import_file(session, "15178", name, data, actor="cli")


def change_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog))


def test_template_has_a_sheet_per_type_then_the_guide_and_hidden_lists(commune):
    wb = load(template_bytes(commune))
    assert wb.sheetnames[:3] == ["Người trong diện quản lý", "Cơ sở kinh doanh có nguy cơ",
                                 "Trường học"]
    assert wb.sheetnames[-2:] == ["Hướng dẫn", "Danh mục"]
    assert len(wb.sheetnames) == len(RECORD_TYPES) + 2
    assert all(len(title) <= 31 for title in wb.sheetnames)
    assert wb["Danh mục"].sheet_state == "hidden"
    assert wb.active.title == "Người trong diện quản lý"


@pytest.mark.parametrize(("locale", "x_note", "y_note"), [
    ("vi", "một số, đơn vị mét (VN-2000); tọa độ X (hướng Bắc) theo mét, kinh tuyến trục "
     "của tỉnh, ví dụ 2226000; ghi đảo X và Y vẫn được: số lớn hơn được hiểu là tọa độ "
     "hướng Bắc",
     "một số, đơn vị mét (VN-2000); tọa độ Y (hướng Đông) theo mét, ví dụ 555000; ghi đảo "
     "X và Y vẫn được: số lớn hơn được hiểu là tọa độ hướng Bắc"),
    ("en", "a number of metres (VN-2000); northing in metres, province's meridian, e.g. "
     "2226000; X and Y may be swapped: the larger number is taken as the northing",
     "a number of metres (VN-2000); easting in metres, e.g. 555000; X and Y may be "
     "swapped: the larger number is taken as the northing"),
])
def test_vn2000_notes_say_x_is_the_northing_and_either_order_is_read(commune, locale,
                                                                      x_note, y_note):
    # What the import does (tests/app/test_service.py: either order, the same point): the
    # notes on the headers and the guide say it, and X is never called the easting.
    wb = load(template_bytes(commune, [BY_NAME["venues"]], locale))
    ws = wb[excel.sheet_title(BY_NAME["venues"], locale)]
    notes = {c.value: c.comment.text for c in ws[1]}
    assert notes["X (VN-2000)"] == x_note and notes["Y (VN-2000)"] == y_note
    guide = {row[0]: row[2] for row in wb.worksheets[-2].iter_rows(values_only=True)}
    assert guide["X (VN-2000)"] == x_note and guide["Y (VN-2000)"] == y_note


def test_person_template_headers_marks_notes_validation_and_date_format(commune):
    wb = load(template_bytes(commune, [BY_NAME["persons"]]))
    ws = wb["Người trong diện quản lý"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Mã đối tượng *", "Thôn *", "Diện quản lý *",
                           "Tình trạng cai nghiện, điều trị, nơi ở", "Từ ngày *"]
    assert headers[12:] == ["Năm sinh", "Giới tính"]
    assert ws["A1"].font.b and not ws["M1"].font.b  # required bold, optional not
    assert "mã bí danh; không ghi họ tên" in ws["A1"].comment.text
    assert "giá trị được phép: nam; nữ" in ws["N1"].comment.text
    assert ws.column_dimensions["E"].number_format == "DD/MM/YYYY"  # Từ ngày
    assert ws.freeze_panes == "A2"
    checks = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert checks["B2:B1048576"] == "'Danh mục'!$A$2:$A$11"  # the 10 village names
    lists = wb["Danh mục"]
    column = {c.value: c.column_letter for c in lists[1]}
    assert checks["C2:C1048576"] == f"'Danh mục'!${column['category']}$2:${column['category']}$5"
    assert [lists.cell(r, 1).value for r in (2, 11)] == ["Thôn 1", "Thôn 10"]
    sexes = [lists[f"{column['sex']}{r}"].value for r in (2, 3)]
    assert sexes == ["nam", "nữ"]
    assert checks["F2:F1048576"] == f"'Danh mục'!${column['bool']}$2:${column['bool']}$3"


def test_guide_says_what_to_write_without_personal_data(commune):
    ws = load(template_bytes(commune))["Hướng dẫn"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Hướng dẫn điền các sổ theo dõi của Xã Cẩm Tân" in text
    assert "Không ghi họ tên, số định danh, địa chỉ hay số điện thoại" in text
    assert "dd/mm/yyyy, ví dụ 05/11/2024" in text
    assert "EPSG:5897, kinh tuyến trục 105°" in text
    assert "Người trong diện quản lý: mỗi dòng là một người" in text
    # the allowed values of a choice column, next to it
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    kind = next(r for r in rows if r[0] == "Loại cơ sở *")
    assert kind[1] == "có"
    assert kind[3].startswith("karaoke; nhà nghỉ; khách sạn; quán bar")


def test_english_template_has_english_titles_and_headers(commune):
    wb = load(template_bytes(commune, [BY_NAME["drug_tests"]], "en"))
    assert wb.sheetnames == ["Drug tests", "Guide", "Lists"]
    assert [c.value for c in wb["Drug tests"][1]] == ["Person code *", "Test date *",
                                                        "Result *"]


def test_headers_of_a_type_never_collide():
    for rt in RECORD_TYPES:
        keys = header_keys(rt)
        assert set(keys.values()) == {f.key for f in rt.fields}, rt.name


def test_round_trip_template_import_export_reimport(commune):
    first = run_import(commune, filled_workbook(commune))
    created = {s.rt.name: s.summary.created for s in first.sheets}
    assert created == {name: len(rows) for name, rows in FILLED.items()}
    assert [s.rt.name for s in first.sheets][:3] == ["persons", "venues", "schools"]

    exported = export_bytes(commune)
    wb = load(exported)
    for name, rows in FILLED.items():
        assert data_rows(wb[excel.sheet_title(BY_NAME[name], "vi")]) == rows, name

    before, logged = snapshot(commune), change_count(commune)
    again = run_import(commune, exported, "xuat.xlsx")
    assert {s.rt.name: s.summary.unchanged for s in again.sheets} == created
    assert all(s.summary.created == s.summary.updated == 0 for s in again.sheets)
    assert snapshot(commune) == before
    assert change_count(commune) == logged


def test_import_logs_actor_and_file(commune):
    one = filled_workbook(commune, {"persons": FILLED["persons"][:1]})
    run_import(commune, one, "thang11.xlsx")
    with commune() as session:
        log = session.scalars(select(ChangeLog)).one()
    assert (log.actor, log.source, log.action, log.record_code) == (
        "cli", "thang11.xlsx", "create", "P001")


def test_export_dates_are_real_dates_and_pages_say_internal_use(commune):
    run_import(commune, filled_workbook(commune, {"persons": FILLED["persons"]}))
    ws = load(export_bytes(commune, [BY_NAME["persons"]]))["Người trong diện quản lý"]
    assert ws["E2"].is_date and ws["E2"].number_format == "DD/MM/YYYY"
    assert ws["E2"].value == dt.datetime(2024, 11, 15)
    assert ws.oddHeader.center.text == "Tài liệu lưu hành nội bộ"
    assert ws.oddHeader.right.text == "Xã Cẩm Tân"
    assert ws.oddFooter.left.text == "Xuất lúc 29/11/2026 10:05, người xuất: cli"


def test_english_export_reimports_unchanged(commune):
    run_import(commune, filled_workbook(commune))
    exported = export_bytes(commune, [BY_NAME["persons"], BY_NAME["outreach"]], "en")
    ws = load(exported)["People under management"]
    assert [c.value for c in ws[2]][:6] == ["P001", "Thôn 1", "drug addict",
                                            "methadone treatment", dt.datetime(2024, 11, 15),
                                            "no"]
    assert load(exported)["People under management"].oddHeader.center.text == (
        "For internal circulation only")
    before = snapshot(commune)
    result = run_import(commune, exported, "export_en.xlsx")
    assert [(s.rt.name, s.summary.unchanged) for s in result.sheets] == [
        ("persons", 3), ("outreach", 3)]
    assert snapshot(commune) == before


@pytest.mark.parametrize("name", [rt.name for rt in RECORD_TYPES])
def test_empty_export_has_the_template_headers(commune, name):
    rt = BY_NAME[name]
    exported = load(export_bytes(commune, [rt]))[excel.sheet_title(rt, "vi")]
    template = load(template_bytes(commune, [rt]))[excel.sheet_title(rt, "vi")]
    assert [c.value for c in exported[1]] == [c.value for c in template[1]]
    assert exported.max_row == 1


def test_the_demo_records_export_and_reimport_unchanged(full):
    """The synthetic demo records (saved by ``load_demo`` through the same checks) survive
    the round trip: export, re-import, nothing changes."""
    sessions = full
    if not change_count(sessions):
        pytest.skip("the demo commune has no synthetic records")
    exported = export_bytes(sessions)
    before, logged = snapshot(sessions), change_count(sessions)
    with sessions() as session:
        result = import_file(session, "15178", "demo_export.xlsx", exported, actor="cli")
    assert sum(s.summary.unchanged for s in result.sheets) > 100
    assert all(s.summary.created == s.summary.updated == 0 for s in result.sheets)
    assert snapshot(sessions) == before
    assert change_count(sessions) == logged


FORMULA_LIKE = ['=HYPERLINK("http://example.org/x","bấm vào đây")', "+84 912 345 678",
                "-1+2", "@SUM(1,2)", " \t=1+2"]


def test_text_that_looks_like_a_formula_is_exported_as_text_and_reimports_unchanged(commune):
    """Spreadsheet formula injection: text starting with =, +, - or @ (also after spaces or
    a tab) is a string cell with a quote prefix in the export, never a formula."""
    from tests.factories import save_records

    venues = [{"code": f"CS0{i}", "name": f"Karaoke {i}", "kind": "karaoke", "lat": 20.125,
               "lon": 105.535, "licence": text} for i, text in enumerate(FORMULA_LIKE, 1)]
    venues.append({"code": "=CS09", "name": "=1+1", "kind": "karaoke", "lat": 20.125,
                   "lon": 105.535})
    assert save_records(commune, "venues", venues) == []
    assert save_records(commune, "inspections", [
        {"venue": "CS01", "date": "01/11/2024", "result": "ok", "team": "@tổ 1",
         "note": "-Không vi phạm"}]) == []
    types = [BY_NAME["venues"], BY_NAME["inspections"]]
    exported = export_bytes(commune, types)

    sheets = zipfile.ZipFile(io.BytesIO(exported))
    assert not any(b"<f>" in sheets.read(n) or b"<f " in sheets.read(n)
                   for n in sheets.namelist() if n.startswith("xl/worksheets/"))
    wb = load(exported)
    texts = [cell for ws in (wb[excel.sheet_title(rt, "vi")] for rt in types)
             for row in ws.iter_rows(min_row=2) for cell in row
             if isinstance(cell.value, str) and cell.value.lstrip()[:1] in "=+-@"]
    assert sorted(c.value for c in texts) == sorted(
        [*(t.strip() for t in FORMULA_LIKE), "=CS09", "=1+1", "@tổ 1", "-Không vi phạm"])
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)

    before = snapshot(commune)
    again = run_import(commune, exported, "xuat.xlsx")
    assert [(s.summary.created, s.summary.updated, s.summary.unchanged)
            for s in again.sheets] == [(0, 0, 6), (0, 0, 1)]
    assert snapshot(commune) == before


def test_a_village_name_that_looks_like_a_formula_stays_text_in_every_sheet(commune):
    from sqlalchemy import update

    from app.models import Village

    with commune.begin() as session:
        session.execute(update(Village).where(Village.code == "T01").values(name="=Thôn 1"))
    wb = load(template_bytes(commune, [BY_NAME["pledges"]]))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert {ws.title for ws in wb.worksheets if any(c.parent is ws for c in cells)} == {
        "Hướng dẫn", "Danh mục"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
