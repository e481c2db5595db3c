"""Importing record files all or nothing: every problem at once, in Vietnamese, nothing saved.

Workbooks are real .xlsx files built with openpyxl from the app's own template; CSV files
are real bytes. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import select

from app.cli.main import main
from app.models import AuditEvent, DrugTest, Person, Venue
from app.records import excel
from app.records.importer import ImportRejected, import_file
from app.records.schema import BY_NAME
from geo.readers import vnencodings
from tests.app.test_excel import FILLED, load, template_bytes
from tests.conftest import snapshot

PERSONS = "Người trong diện quản lý"
VENUES = "Cơ sở kinh doanh có nguy cơ"
# Demo commune points: (lat, lon)
ON_T01_T02_BORDER = (20.1432333, 105.5257316)  # a vertex both villages share, no other
OUTSIDE = (20.10, 105.54)  # south of the commune
# 1039 m by the code; hand check: the commune's southernmost point is at 20.1082923°,
# 0.0082923° of latitude = 917 m north, so the boundary is at least that far.
OUTSIDE_M = 1039


@pytest.fixture
def commune(demo):
    """The demo commune and its villages without records (a copy of the session's
    ``demo_database``): the records of these tests are the only ones."""
    return demo


def workbook(sessions, sheets: dict[str, list[list]], *, extra_headers=None) -> bytes:
    """The template for the types of ``sheets`` (by type name), rows appended."""
    wb = load(template_bytes(sessions, [BY_NAME[name] for name in sheets]))
    for name, rows in sheets.items():
        ws = wb[excel.sheet_title(BY_NAME[name], "vi")]
        for column, header in (extra_headers or {}).get(name, {}).items():
            ws[f"{column}1"] = header
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run(sessions, data: bytes, name: str = "so_theo_doi.xlsx", **options):
    with sessions() as session:
        return import_file(session, "15178", name, data, actor="cli", **options)


def rejected(sessions, data: bytes, name: str = "so_theo_doi.xlsx", locale="vi", **options):
    with pytest.raises(ImportRejected) as caught:
        run(sessions, data, name, **options)
    return [p.text(locale) for p in caught.value.problems]


def person(code, village="Thôn 1", category="người nghiện ma túy",
           status="điều trị thay thế (methadone)", since="15/11/2024", birth_year=None):
    return [code, village, category, status, since, "không", "có", None, None, None, None,
            None, birth_year, None]


def venue(code, lat=None, lon=None, x=None, y=None, village=None):
    return [code, f"Cơ sở {code} (giả lập)", "karaoke", village, lat, lon, x, y, None, "có"]


PLANTED_PERSONS = [
    person("P001", since=dt.date(2024, 11, 15)),                    # row 2: good
    person("P002", since="31/02/2024"),                               # 3: no such date
    person("P003", village="Thôn 99"),                                # 4: unknown village
    person("P004", category="nghiện nặng"),                           # 5: unknown category
    person("P001"),                                                   # 6: duplicate code
    person("P006", status=None),                      # 7: an addict's status is required
    person("P007", birth_year="khoảng 1990"),                         # 8: text in a number
    person("P008", since=45611),                        # 9: good: Excel serial 15/11/2024
]
PLANTED_VENUES = [
    venue("CS01", x=555000, y=2226000),                 # row 2: good: VN-2000 X/Y in T05
    venue("CS02", *OUTSIDE),                                          # 3: outside
]
VILLAGES = ", ".join(f"Thôn {i}" for i in range(1, 11))


def test_ten_planted_errors_are_all_reported_and_nothing_is_saved(commune):
    data = workbook(commune, {"persons": PLANTED_PERSONS, "venues": PLANTED_VENUES},
                    extra_headers={"persons": {"O": "Họ tên"}})
    before = snapshot(commune)

    problems = rejected(commune, data)

    sheet = f"trang tính “{PERSONS}”"
    assert problems == [
        f"{sheet}, dòng 1, cột “Họ tên”: cột này chứa thông tin cá nhân (không bao giờ ghi "
        "họ tên, số định danh, địa chỉ, số điện thoại): hãy xóa cột này",
        f"{sheet}, dòng 3, cột “Từ ngày”, giá trị “31/02/2024”: không phải ngày tháng: hãy "
        "ghi dd/mm/yyyy, ví dụ 05/11/2024",
        f"{sheet}, dòng 4, cột “Thôn”, giá trị “Thôn 99”: xã không có thôn này; các thôn "
        f"là: {VILLAGES}",
        f"{sheet}, dòng 5, cột “Diện quản lý”, giá trị “nghiện nặng”: không thuộc các giá "
        "trị: người sử dụng trái phép chất ma túy; người nghiện ma túy; người đang quản lý "
        "sau cai nghiện; người chấp hành xong án phạt tù về ma túy",
        f"{sheet}, dòng 6, cột “Mã đối tượng”, giá trị “P001”: trùng với dòng 2",
        f"{sheet}, dòng 7, cột “Tình trạng cai nghiện, điều trị, nơi ở”: hãy ghi tình trạng "
        "cai nghiện, điều trị, nơi ở của người nghiện ma túy hoặc người đang quản lý sau cai "
        "nghiện",
        f"{sheet}, dòng 8, cột “Năm sinh”, giá trị “khoảng 1990”: không phải số nguyên",
        f"trang tính “{VENUES}”, dòng 3, cột “Vĩ độ”, giá trị “20.1, 105.54”: vị trí nằm "
        "ngoài địa giới xã, cách ranh giới xã 1.039 m",
    ]
    assert snapshot(commune) == before


def test_the_two_good_special_cases_are_accepted_once_the_errors_are_gone(commune):
    data = workbook(commune, {"persons": [PLANTED_PERSONS[0], PLANTED_PERSONS[7]],
                              "venues": PLANTED_VENUES[:1]})
    result = run(commune, data)
    assert [(s.rt.name, s.summary.created) for s in result.sheets] == [
        ("persons", 2), ("venues", 1)]
    with commune() as session:
        serial = session.scalars(select(Person).where(Person.code == "P008")).one()
        placed = session.scalars(select(Venue).where(Venue.code == "CS01")).one()
    assert serial.status_date == dt.date(2024, 11, 15)
    assert placed.village_code == "T05"
    # EPSG:5897 → 4326 with the VN-2000 datum shift (pyproj), stored to 7 decimals
    assert (placed.lat, placed.lon) == pytest.approx((20.1233937, 105.5279096), abs=2e-7)


def test_border_point_goes_to_the_first_village_and_outside_gives_its_distance(commune):
    run(commune, workbook(commune, {"venues": [venue("CS10", *ON_T01_T02_BORDER)]}))
    with commune() as session:
        assert session.scalars(select(Venue.village_code)).one() == "T01"
    problems = rejected(commune, workbook(commune, {"venues": [venue("CS11", *OUTSIDE)]}))
    assert len(problems) == 1
    assert re.search(r"dòng 2, cột “Vĩ độ”.*cách ranh giới xã ([\d.]+) m", problems[0])[1] == (
        f"{OUTSIDE_M:,}".replace(",", "."))


def test_reimporting_the_same_file_is_a_no_op(commune):
    data = workbook(commune, {"persons": FILLED["persons"], "drug_tests": FILLED["drug_tests"]})
    first = run(commune, data)
    assert [s.summary.created for s in first.sheets] == [3, 3]
    before = snapshot(commune)
    again = run(commune, data)
    assert [(s.summary.created, s.summary.updated, s.summary.unchanged)
            for s in again.sheets] == [(0, 0, 3), (0, 0, 3)]
    assert snapshot(commune) == before  # the change log included


def test_a_changed_row_is_updated_and_logged(commune):
    run(commune, workbook(commune, {"persons": [person("P001")]}))
    changed = person("P001", status="đang chấp hành án phạt tù", since="01/12/2024")
    result = run(commune, workbook(commune, {"persons": [changed]}), "thang12.xlsx")
    assert result.sheets[0].summary.updated == 1
    with commune() as session:
        p = session.scalars(select(Person)).one()
        assert (p.status, p.status_date, len(p.states)) == (
            "prison", dt.date(2024, 12, 1), 2)


def test_tests_may_refer_to_people_defined_later_in_the_same_workbook(commune):
    wb = openpyxl.Workbook()
    tests, people = wb.active, wb.create_sheet(PERSONS)
    tests.title = "Xét nghiệm ma túy"
    tests.append(["Mã đối tượng *", "Ngày xét nghiệm *", "Kết quả *"])
    tests.append(["P001", "20/11/2024", "âm tính"])
    people.append(["Mã đối tượng", "Thôn", "Diện quản lý", "Tình trạng cai nghiện, điều trị, "
                   "nơi ở", "Từ ngày"])
    people.append(["P001", "Thôn 2", "người nghiện ma túy", "đã chuyển đi nơi khác",
                   "01/11/2024"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = run(commune, buffer.getvalue())
    assert [s.rt.name for s in result.sheets] == ["persons", "drug_tests"]
    with commune() as session:
        test = session.scalars(select(DrugTest)).one()
        assert (test.person.code, test.date, test.result) == (
            "P001", dt.date(2024, 11, 20), "negative")


def test_sheet_found_by_headers_in_english_and_keys_below_a_title_row(commune):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Danh sách tháng 11 (giả lập)"])
    ws.append(["code", "Village *", "CATEGORY", "Treatment or whereabouts", "since", "Ghi chú"])
    ws.append(["P001", "t03", "addict", "methadone", "2024-11-15", "x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = run(commune, buffer.getvalue(), "danh_sach.xlsx")
    assert (result.sheets[0].rt.name, result.sheets[0].summary.created) == ("persons", 1)
    assert [n.text("vi") for n in result.notes] == [
        "trang tính “Sheet1”, dòng 2, cột “Ghi chú”: cột không xác định: bỏ qua"]
    with commune() as session:
        assert session.scalars(select(Person.village_code)).one() == "T03"


def test_unknown_sheet_and_missing_column_are_reported_in_english(commune):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ghi chép"
    ws.append(["Cột A", "Cột B"])
    ws.append([1, 2])
    tests = wb.create_sheet("Xét nghiệm ma túy")
    tests.append(["Mã đối tượng", "Kết quả"])
    tests.append(["P001", "âm tính"])
    tests.append(["P002", "âm tính"])
    wb.create_sheet("Hướng dẫn").append(["Hướng dẫn điền"])  # skipped
    buffer = io.BytesIO()
    wb.save(buffer)
    problems = rejected(commune, buffer.getvalue(), locale="en")
    assert problems == [
        "sheet “Ghi chép”: no record type has this sheet name or these columns",
        "sheet “Xét nghiệm ma túy”, row 1, column “Test date”: the column is missing",
        "sheet “Xét nghiệm ma túy”, row 2, column “Mã đối tượng”, value “P001”: no such "
        "code in this commune or in this file",
        "sheet “Xét nghiệm ma túy”, row 3, column “Mã đối tượng”, value “P002”: no such "
        "code in this commune or in this file",
    ]


def test_csv_utf8_with_bom_semicolons_and_the_type_from_its_headers(commune):
    run(commune, workbook(commune, {"persons": FILLED["persons"]}))
    csv_text = ("Mã đối tượng;Ngày xét nghiệm;Kết quả\r\n"
                "P001;20/11/2024;âm tính\r\n"
                "P002;21/11/2024;dương tính\r\n")
    result = run(commune, csv_text.encode("utf-8-sig"), "xet_nghiem.csv")
    assert [(s.sheet, s.rt.name, s.summary.created) for s in result.sheets] == [
        ("xet_nghiem.csv", "drug_tests", 2)]
    with commune() as session:
        found = session.execute(select(Person.code, DrugTest.date, DrugTest.result)
                                .join(DrugTest.person).order_by(Person.code)).all()
    assert found == [("P001", dt.date(2024, 11, 20), "negative"),
                     ("P002", dt.date(2024, 11, 21), "positive")]


def test_csv_in_tcvn3_with_the_type_given(commune):
    text = ('Mã đối tượng,Thôn,Diện quản lý,"Tình trạng cai nghiện, điều trị, nơi ở",Từ ngày\r\n'
            'P001,Thôn 4,người nghiện ma túy,cai nghiện bắt buộc tập trung,15/11/2024\r\n')
    data = vnencodings.encode(text, "tcvn3")  # as a legacy .VnTime spreadsheet saves it
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = run(commune, data, "nguoi.csv", type_name="persons")
    assert result.sheets[0].summary.created == 1
    with commune() as session:
        p = session.scalars(select(Person)).one()
        assert (p.village_code, p.category, p.status) == ("T04", "addict", "rehab_compulsory")


def test_csv_problems_name_the_file_not_a_sheet(commune):
    data = "Mã cơ sở,Ngày kiểm tra,Kết quả kiểm tra\nCS9,01/11/2024,không vi phạm\n"
    assert rejected(commune, data.encode(), "kiem_tra.csv") == [
        "kiem_tra.csv, dòng 2, cột “Mã cơ sở”, giá trị “CS9”: không có mã này trong xã hoặc "
        "trong tệp"]


def test_unreadable_and_empty_files(commune):
    assert rejected(commune, b"not a zip", "hong.xlsx") == [
        "tệp bị hỏng hoặc không phải là tệp Excel (.xlsx)"]
    assert rejected(commune, b"x", "ban_do.pdf") == [
        "không đọc được tệp có đuôi “.pdf”: hãy dùng tệp .xlsx hoặc .csv"]
    assert rejected(commune, template_bytes(commune), "mau.xlsx") == [
        "tệp không có bản ghi nào"]


@pytest.fixture
def cli(commune, settings, monkeypatch):
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    return lambda *args: main(list(map(str, args)))


def test_cli_import_refused_exits_1_and_lists_every_problem(cli, commune, tmp_path, capsys):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(workbook(commune, {"persons": PLANTED_PERSONS}))
    before = snapshot(commune)
    assert cli("import", path, "--commune", "15178") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Tệp loi.xlsx chưa được nhập: không có gì bị thay đổi."
    assert len(err) == 1 + 6
    assert err[1].startswith(f"  trang tính “{PERSONS}”, dòng 3, cột “Từ ngày”")
    assert snapshot(commune) == before


def test_cli_import_then_export_in_english(cli, commune, tmp_path, capsys):
    path = tmp_path / "nguoi.xlsx"
    path.write_bytes(workbook(commune, {"persons": FILLED["persons"]}))
    assert cli("import", path, "--commune", "15178", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["Imported nguoi.xlsx:",
                                f"  sheet “{PERSONS}”: 3 created, 0 updated, 0 unchanged"]
    assert cli("import", path, "--commune", "15178") == 0
    assert f"trang tính “{PERSONS}”: thêm mới 0, cập nhật 0, giữ nguyên 3" in (
        capsys.readouterr().out)

    target = tmp_path / "xuat.xlsx"
    assert cli("export", "--commune", "15178", "--type", "persons", "-o", target) == 0
    assert capsys.readouterr().out == f"xuat.xlsx: trang tính “{PERSONS}”, 3 dòng\n"
    ws = load(target.read_bytes())[PERSONS]
    assert [ws.cell(r, 1).value for r in range(2, 5)] == ["P001", "P002", "P010"]
    assert "người xuất: cli" in ws.oddFooter.left.text
    with commune() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.action, event.object_id, event.detail) == (
        "export", "persons", '{"actor": "cli", "file": "xuat.xlsx", "rows": {"persons": 3}}')


def test_cli_import_accepted_or_refused_is_audited(cli, commune, tmp_path, monkeypatch):
    good, bad = tmp_path / "nguoi.xlsx", tmp_path / "loi.xlsx"
    good.write_bytes(workbook(commune, {"persons": FILLED["persons"]}))
    bad.write_bytes(workbook(commune, {"persons": PLANTED_PERSONS}))
    assert cli("import", good, "--commune", "15178") == 0
    monkeypatch.setenv("XKMT_MAX_IMPORT_PROBLEMS", "2")  # the log counts all six
    assert cli("import", bad, "--commune", "15178") == 1
    with commune() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.username, e.commune_code, e.object_type, e.object_id)
            for e in events] == [("import", None, "15178", "file", "nguoi.xlsx"),
                                 ("import", None, "15178", "file", "loi.xlsx")]
    accepted, refused = (json.loads(e.detail) for e in events)
    assert accepted == {"actor": "cli", "os_user": getpass.getuser(), "accepted": True,
                        "persons": {"created": 3, "updated": 0, "unchanged": 0}}
    assert refused == {"actor": "cli", "os_user": getpass.getuser(), "accepted": False,
                       "problems": 6}


def test_cli_refuses_a_file_larger_than_the_upload_limit_before_reading_it(
        cli, commune, tmp_path, monkeypatch, capsys):
    """As on the web (XKMT_MAX_UPLOAD_MB): a larger file is refused with the limit named,
    nothing is stored, the refusal is audited; a file within the limit is imported."""
    big, small = tmp_path / "lon.csv", tmp_path / "nho.xlsx"
    header = "Mã đối tượng,Ngày xét nghiệm,Kết quả\n"
    big.write_text(header + "P1,01/11/2024,âm tính\n" * 60_000)  # about 1.4 MB
    small.write_bytes(workbook(commune, {"persons": FILLED["persons"]}))
    monkeypatch.setenv("XKMT_MAX_UPLOAD_MB", "1")
    assert cli("import", big, "--commune", "15178") == 1
    said = capsys.readouterr().err
    assert "lon.csv" in said and "lớn hơn 1 MB" in said, said
    assert cli("import", small, "--commune", "15178") == 0
    with commune() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        persons = session.scalars(select(Person)).all()
    assert [(e.object_id, json.loads(e.detail)["accepted"]) for e in events] == [
        ("lon.csv", False), ("nho.xlsx", True)]
    assert len(persons) == 3


def test_cli_unknown_commune(cli, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("Mã đối tượng,Ngày xét nghiệm,Kết quả\nP1,01/11/2024,âm tính\n")
    assert cli("import", path, "--commune", "99999") == 1
    assert "99999" in capsys.readouterr().err
