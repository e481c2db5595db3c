"""The reports' files, opened as an official would (python-docx, openpyxl): every figure
equals the frame's for its period, the layout of Nghị định 30/2020 is there, diacritics are
intact, a month without records says so, a leader's report holds no person code."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import pytest

from app.db import make_engine, session_factory
from app.frame import caching, loading
from app.i18n import gettext_for
from app.models import AuditEvent
from app.reports import charts, service
from app.reports.content import recipients
from app.reports.make_template import PARAGRAPH_STYLES, TEMPLATE
from app.reports.view import month_view
from tests.app.reports_helpers import (
    docx_of,
    docx_table,
    docx_text,
    full_demo_file,
    vi,
    xlsx_of,
    xlsx_text,
)
from tests.conftest import settings_for
from tests.factories import save_records

CODE = "15178"
MONTH = "2025-09"  # the commune plan and Decision 28/2025 both in force
EMPTY = "2026-02"  # after the demo's last record
DAY = dt.date(2025, 10, 10)


@pytest.fixture(scope="module")
def world(full_database, tmp_path_factory):
    path = full_demo_file(full_database, tmp_path_factory.mktemp("reports"))
    settings = settings_for(path)
    engine = make_engine(settings.database_url)
    yield settings, session_factory(engine), None  # (no cache of our own: app.frame.caching)
    engine.dispose()


def make(world, kind: str, fmt: str, role: str = "police", day: dt.date = DAY, **period):
    settings, sessions, _frames = world
    with sessions() as session:
        asked = service.read(kind, fmt, CODE, latest="2025-12", **period)
        content, _name = service.make(sessions, session, settings, CODE, asked,
                                      role=role, locale="vi", actor="test", day=day)
    return content


@pytest.fixture(scope="module")
def monthly(world):
    return {(role, fmt): make(world, "monthly", fmt, role, month=MONTH)
            for role in ("police", "leader") for fmt in ("docx", "xlsx")}


@pytest.fixture(scope="module")
def frame(world):
    _settings, sessions, _frames = world
    with sessions() as session:
        return loading.compute(session, CODE, MONTH)


def test_monthly_docx_indicator_figures_equal_the_frames(monthly, frame):
    document = docx_of(monthly[("police", "docx")])
    rows = docx_table(document, ["STT", "Mã", "Chỉ tiêu"])
    assert [r[1] for r in rows[1:]] == [i["id"] for i in frame.indicators]
    for row, ind in zip(rows[1:], frame.indicators, strict=True):
        ident = ind["id"]
        if "commune" in ind["levels"]:
            assert row[5] == vi(frame.commune[f"{ident}_value"]), ident
        if "village" in ind["levels"]:
            statuses = frame.villages[f"{ident}_status"]
            assert row[7:10] == [vi((statuses == s).sum()) for s in
                                 ("met", "not_met", "no_data")], ident


def test_monthly_docx_village_breakdown_and_counts_equal_the_frames(monthly, frame):
    document = docx_of(monthly[("police", "docx")])
    names = list(frame.villages["name"])
    rows = docx_table(document, ["Mã", "Mức cần đạt", names[0]])
    assert rows[0][2:] == names
    checked = 0
    for row in rows[1:]:
        ident = row[0]
        for cell, (_code, village) in zip(row[2:], frame.villages.iterrows(), strict=True):
            judged = village[f"{ident}_status"] not in ("not_applicable", "no_data")
            assert cell == (vi(village[f"{ident}_value"]) if judged else "—"), ident
            checked += 1
    assert checked > 100
    counts = docx_table(document, ["Nội dung", "Tháng này"])
    by_label = {r[0]: r[1] for r in counts[1:]}
    assert by_label["Số người trong danh sách quản lý"] == vi(frame.commune["people"])
    assert by_label["Người nghiện"] == vi(frame.commune["addicts"])
    assert by_label["Hộ gia đình đã ký cam kết"] == vi(frame.commune["pledged_households"])


def test_monthly_docx_national_criteria_and_blocking_villages(monthly, frame):
    document = docx_of(monthly[("police", "docx")])
    rows = docx_table(document, ["Mã", "Tiêu chí", "Xã"])
    for row in rows[1:]:
        ident = row[0]
        assert row[2] == vi(frame.commune[f"{ident}_value"])
        failing = frame.villages.index[frame.villages[f"{ident}_status"] == "not_met"]
        assert row[4] == ", ".join(frame.villages.loc[failing, "name"])
    text = docx_text(document)
    blocking = frame.commune["blocking_villages"]
    assert blocking and all(b["name"] in text for b in blocking)
    assert "Các thôn chưa đạt, ảnh hưởng đến việc công nhận" in text


def test_monthly_docx_lists_the_tasks_late_or_due_and_the_map(monthly, frame):
    document = docx_of(monthly[("police", "docx")])
    rows = docx_table(document, ["Mã", "Nhiệm vụ"])
    expected = [t["id"] for t in frame.commune["tasks"] if t["status"] in ("late", "due")]
    assert [r[0] for r in rows[1:]] == expected
    assert len(document.inline_shapes) == 1  # the map


def test_monthly_xlsx_numbers_are_numbers_equal_to_the_frames(monthly, frame):
    book = xlsx_of(monthly[("police", "xlsx")])
    ws = book["Theo thôn"]
    assert [c.value for c in ws[2]] == ["Mã", "Chỉ tiêu", "Mã thôn", "Thôn", "Kết quả",
                                        "Mức cần đạt", "Đánh giá"]
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["B"].width > 10
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) > 100
    for ident, _label, village, _name, value, _target, _status in rows:
        expected = frame.villages.at[village, f"{ident}_value"]
        if expected is None or expected != expected:
            assert value is None
        else:
            assert isinstance(value, int | float) and value == pytest.approx(expected)
    counts = {r[0]: r[1] for r in book["Số liệu"].iter_rows(min_row=3, values_only=True)}
    assert counts["Người nghiện"] == frame.commune["addicts"]
    for sheet in book:  # the exports' footer
        assert sheet.oddFooter.left.text.startswith("Xuất lúc ")
        assert sheet.oddFooter.left.text.endswith("người xuất: test")
        assert sheet.oddFooter.right.text == "&P/&N"


def test_layout_of_an_administrative_document(monthly):
    document = docx_of(monthly[("police", "docx")])
    text = docx_text(document)
    for element in ("UBND XÃ CẨM TÂN", "CÔNG AN XÃ CẨM TÂN", "Số:", "/BC-CAX",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                    "Cẩm Tân, ngày 10 tháng 10 năm 2025", "BÁO CÁO", "Nơi nhận:",
                    "- Lưu: VT, CAX.", "TRƯỞNG CÔNG AN XÃ"):
        assert element in text, element
    assert ("Kết quả thực hiện Kế hoạch xây dựng “xã không ma túy” tháng 9/2025"
            in [p.text for p in document.paragraphs])
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Xkmt Body"].font.name == "Times New Roman"


def test_the_template_holds_every_style_a_commune_may_restyle():
    document = docx_of(TEMPLATE.read_bytes())
    names = {s.name for s in document.styles}
    assert set(PARAGRAPH_STYLES) <= names
    assert document.paragraphs == [] or all(not p.text for p in document.paragraphs)


def test_diacritics_are_intact_in_both_files(monthly):
    text = docx_text(docx_of(monthly[("police", "docx")]))
    sheets = xlsx_text(xlsx_of(monthly[("police", "xlsx")]))
    for body in (text, sheets):
        assert unicodedata.normalize("NFC", body) == body
        assert "\ufffd" not in body and "á»" not in body and "Ä‘" not in body  # no mojibake
    assert "Tuyên truyền về phòng, chống ma túy qua hệ thống loa phát thanh" in text
    assert "Tuyên truyền về phòng, chống ma túy qua hệ thống loa phát thanh" in sheets
    assert "Không có người nghiện ma túy" in text


def test_a_month_without_records_says_so_instead_of_zeros(world):
    document = docx_of(make(world, "monthly", "docx", month=EMPTY))
    text = docx_text(document)
    assert "Tháng 02/2026 không có số liệu nào được ghi nhận" in text
    with pytest.raises(AssertionError):
        docx_table(document, ["STT", "Mã", "Chỉ tiêu"])
    book = xlsx_of(make(world, "monthly", "xlsx", month=EMPTY))
    assert "Chỉ tiêu" not in book.sheetnames and "Theo thôn" not in book.sheetnames


def test_a_leaders_report_holds_no_person_code(world, monthly):
    _settings, sessions, _frames = world
    with sessions() as session:
        codes = loading.person_codes(session, CODE)
    police = docx_text(docx_of(monthly[("police", "docx")]))
    assert any(code in police for code in codes)  # the police annex: who needs a visit
    for fmt in ("docx", "xlsx"):
        content = monthly[("leader", fmt)]
        text = (docx_text(docx_of(content)) if fmt == "docx" else xlsx_text(xlsx_of(content)))
        assert not [c for c in codes if c in text], fmt
    assert "Phụ lục (chỉ dành cho Công an)" not in docx_text(docx_of(monthly[("leader",
                                                                                "docx")]))


def test_every_report_is_audited(world, monthly):
    _settings, sessions, _frames = world
    with sessions() as session:
        events = session.query(AuditEvent).filter_by(object_type="report").all()
    assert len([e for e in events if e.object_id == "monthly"]) >= 4
    assert all(e.action == "export" and e.username == "test" for e in events)


def test_recipients_change_when_the_district_level_ends(world):
    settings = world[0]
    assert recipients(settings, dt.date(2025, 6, 30))[0] == "Công an huyện Cẩm Thủy (để báo cáo)"
    assert recipients(settings, dt.date(2025, 7, 1))[0] == "Công an tỉnh Thanh Hóa (để báo cáo)"
    moved = settings.model_copy(update={"report_recipients": "Công an tỉnh (b/c); UBND xã"})
    assert recipients(moved, dt.date(2025, 8, 1)) == ["Công an tỉnh (b/c)", "UBND xã"]


def _pictures(content: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as files:
        return [files.read(n) for n in sorted(files.namelist()) if n.startswith("word/media/")]


def _maps(session) -> list[tuple]:
    """The keys of the report maps cached for the database of ``session``."""
    return [k for k in caching.caches(session).answers.keys() if k[0] == "report-village-map.png"]


def test_the_map_is_drawn_once_per_view_and_drawn_again_after_a_change(full_database,
                                                                       tmp_path):
    """The report's map is cached with the view (the same picture, drawn once); a record
    of the month makes a new view, whose map is the new figures' (never a stale one)."""
    settings = settings_for(full_demo_file(full_database, tmp_path))
    engine = make_engine(settings.database_url)
    ours = (settings, session_factory(engine), None)
    first, again = (make(ours, "monthly", "docx", month=MONTH) for _ in range(2))
    assert len(_pictures(first)) == 1 and _pictures(first) == _pictures(again)
    with ours[1]() as session:
        assert len(_maps(session)) == 1
    assert save_records(ours[1], "persons", [
        {"code": "MAP-1", "village": "T01", "category": "addict", "status": "no_treatment",
         "status_date": "01/09/2025"}]) == []
    changed = make(ours, "monthly", "docx", month=MONTH)
    with ours[1]() as session:
        assert len(_maps(session)) == 2
        drawn = charts.village_map(month_view(session, settings, CODE, MONTH, "police", "vi"),
                                   gettext_for("vi"))
    assert _pictures(changed) == [drawn] != _pictures(first)
    engine.dispose()
