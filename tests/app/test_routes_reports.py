"""The "Báo cáo" page and downloads by role, the calendar of tasks and reports (a report
marked sent, bad days refused), the dashboard's reminder, the ``xkmt report`` command and
the demo report printed to PDF by LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from docx.oxml.ns import qn
from sqlalchemy import select

from app.cli.main import main
from app.db import make_engine, session_factory
from app.frame import loading
from app.models import AuditEvent, TaskMark
from app.reports import calendar
from tests.app.reports_helpers import (
    docx_of,
    docx_text,
    full_demo_file,
    xlsx_of,
    xlsx_text,
)
from tests.conftest import client_as, settings_for, snapshot

CODE = "15178"
REPORTS = f"/communes/{CODE}/reports"
CALENDAR = f"/communes/{CODE}/calendar"
SIX_MONTHS = f"{CALENDAR}/cam-tan-2024-2025/R-6M"


# ``world``: a database of the test's own, for the tests that download (audited) or mark
# reports; the tests that are refused and change nothing share the module's app
# (``full_shared``).

@pytest.fixture
def world(full_database, tmp_path):
    path = full_demo_file(full_database, tmp_path)
    settings = settings_for(path)
    engine = make_engine(settings.database_url)
    yield settings, session_factory(engine)
    engine.dispose()


def _events(sessions) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "report")))


def test_police_leader_and_admin_download_reports_and_each_is_audited(world):
    settings, sessions = world
    with sessions() as session:
        codes = loading.person_codes(session, CODE)
    for role in ("police", "leader", "admin"):
        client = client_as(settings, sessions, role)
        page = BeautifulSoup(client.get(REPORTS).text, "html.parser")
        form = page.select_one("form.report-form")
        assert form["action"] == f"{REPORTS}/file"
        assert page.select_one(f'a.area[href="{REPORTS}"]') is not None  # the nav link
        response = client.get(f"{REPORTS}/file", params={
            "kind": "monthly", "format": "docx", "month": "2025-09"})
        assert response.status_code == 200
        assert "bao_cao_thang_2025-09_15178.docx" in response.headers["content-disposition"]
        text = docx_text(docx_of(response.content))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert any(c in text for c in codes) == (role == "police"), role
    events = _events(sessions)
    assert sorted(e.username for e in events) == ["admin_1", "leader_1", "police_1"]
    assert all(e.detail and "2025-09" in e.detail for e in events)


def test_a_leader_gets_the_excel_companion_without_person_codes(world):
    settings, sessions = world
    with sessions() as session:
        codes = loading.person_codes(session, CODE)
    leader = client_as(settings, sessions, "leader")
    response = leader.get(f"{REPORTS}/file", params={"kind": "monthly", "format": "xlsx",
                                                    "month": "2025-09"})
    assert response.status_code == 200
    text = xlsx_text(xlsx_of(response.content))
    assert "Thôn 1" in text and not [c for c in codes if c in text]


def test_viewers_may_not_have_reports_nor_the_calendar(full_shared):
    viewer = full_shared.client("viewer")
    assert viewer.get(REPORTS).status_code == 403
    assert viewer.get(f"{REPORTS}/file").status_code == 403
    assert viewer.get(CALENDAR).status_code == 403
    page = BeautifulSoup(viewer.get(f"/communes/{CODE}/dashboard").text, "html.parser")
    assert page.select_one(f'a.area[href="{REPORTS}"]') is None


def test_a_bad_request_is_answered_with_a_message_and_nothing_made(full_shared):
    police = full_shared.client("police")
    for params, message in (({"kind": "weekly"}, "không phải là loại báo cáo"),
                            ({"kind": "monthly", "month": "2025-13"}, "không phải là một tháng"),
                            ({"kind": "final", "start": "2025-09", "end": "2025-01"},
                             "không hợp lệ")):
        response = police.get(f"{REPORTS}/file", params=params)
        assert response.status_code == 400
        assert message in response.text
    assert _events(full_shared.sessions) == []


def _report_row(client, report_id: str):
    page = BeautifulSoup(client.get(CALENDAR).text, "html.parser")
    return page.find("tr", id=f"report-{report_id}")


def test_calendar_lists_tasks_and_reports_and_the_police_mark_one_sent(world):
    settings, sessions = world
    police = client_as(settings, sessions, "police")
    page = BeautifulSoup(police.get(CALENDAR).text, "html.parser")
    tasks = page.select("#tasks + table tbody tr")
    assert [r.find("td").get_text() for r in tasks] == ["T1", "T3", "T2", "T4", "T5", "T6",
                                                        "T7"]  # by due date
    row = _report_row(police, "R-6M")
    assert row.select_one(".status").get_text(strip=True) == "Quá hạn"
    response = police.post(SIX_MONTHS, data={"action": "sent", "sent_on": "12/06/2025",
                                             "reference": "Số 45/BC-CAX"},
                           follow_redirects=False)
    assert response.status_code == 303
    row = _report_row(police, "R-6M")
    assert row.select_one(".status").get_text(strip=True) == "Đã hoàn thành"
    assert "police_1" in row.get_text() and "Số 45/BC-CAX" in row.get_text()
    leader = client_as(settings, sessions, "leader")
    assert "police_1" in _report_row(leader, "R-6M").get_text()  # who marked it
    assert leader.post(SIX_MONTHS, data={"action": "clear"}).status_code == 403
    police.post(SIX_MONTHS, data={"action": "clear"})
    assert _report_row(police, "R-6M").select_one(".status").get_text(strip=True) == "Quá hạn"
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "report", AuditEvent.action == "change")).all()
    assert len(events) == 2


@pytest.mark.parametrize(("sent_on", "message"), [
    ("", "hãy nhập ngày đã gửi"), ("31/02/2025", "“31/02/2025” không phải là ngày"),
    ((dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y"), "là ngày sau hôm nay"),
])
def test_a_bad_day_sent_is_refused_and_changes_nothing(full_shared, sent_on, message):
    sessions, police = full_shared.sessions, full_shared.client("police")
    before = snapshot(sessions)
    response = police.post(SIX_MONTHS, data={"action": "sent", "sent_on": sent_on})
    assert response.status_code == 422
    error = _error_of(response.text)
    assert error.startswith("Báo cáo R-6M, “Ngày gửi”:") and message in error
    assert snapshot(sessions) == before


def _error_of(html: str) -> str:
    return BeautifulSoup(html, "html.parser").select_one("p.error").get_text(strip=True)


def test_an_unknown_report_cannot_be_marked(full_shared):
    police = full_shared.client("police")
    response = police.post(f"{CALENDAR}/cam-tan-2024-2025/R-NOPE",
                           data={"action": "sent", "sent_on": "01/01/2025"})
    assert response.status_code == 404


def test_the_reminder_shows_five_days_before_until_marked_sent(world):
    _settings, sessions = world
    with sessions() as session:
        ids = [r["id"] for r in calendar.banner(session, CODE, dt.date(2025, 6, 9), 5)]
        assert "R-6M" not in ids and "M-2025-04" in ids  # April's: due 15/05, not sent
        assert "M-2025-05" not in ids  # May's report is due 15/06: not yet shown
        ids = [r["id"] for r in calendar.banner(session, CODE, dt.date(2025, 6, 10), 5)]
        assert {"R-6M", "M-2025-05"} <= set(ids)
        session.add(TaskMark(commune_code=CODE, plan_id="cam-tan-2024-2025",
                             task_id="report:R-6M", done_on=dt.date(2025, 6, 11),
                             marked_by="police_1", marked_at=dt.datetime(2025, 6, 11, 9)))
        session.commit()
        ids = [r["id"] for r in calendar.banner(session, CODE, dt.date(2025, 6, 12), 5)]
        assert "R-6M" not in ids and "M-2025-05" in ids


def test_the_dashboard_banner_drops_a_report_once_marked_sent(world):
    settings, sessions = world
    police = client_as(settings, sessions, "police")

    def banner() -> str:
        page = BeautifulSoup(police.get(f"/communes/{CODE}/dashboard").text, "html.parser")
        found = page.select_one("#report-banner")
        return found.get_text(" ", strip=True) if found else ""

    assert "Báo cáo tổng kết Kế hoạch" in banner()  # due 15/01/2026, not sent
    police.post(f"{CALENDAR}/cam-tan-2024-2025/R-FINAL",
                data={"action": "sent", "sent_on": "10/01/2026"})
    assert "Báo cáo tổng kết Kế hoạch" not in banner()


def test_the_report_command_writes_docx_and_xlsx_and_refuses_bad_input(world, tmp_path,
                                                                       monkeypatch, capsys):
    settings, sessions = world
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    out = tmp_path / "thang.docx"
    assert main(["report", "monthly", "--commune", CODE, "--month", "2025-09",
                 "--date", "2025-10-08", "-o", str(out)]) == 0
    text = docx_text(docx_of(out.read_bytes()))
    assert "Cẩm Tân, ngày 08 tháng 10 năm 2025" in text
    sheet = tmp_path / "danh_gia.xlsx"
    assert main(["report", "selfassessment", "--commune", CODE, "--year", "2025",
                 "--role", "leader", "-o", str(sheet)]) == 0
    assert "Tiêu chí" in xlsx_of(sheet.read_bytes()).sheetnames
    bad = tmp_path / "bad.docx"
    assert main(["report", "monthly", "--commune", CODE, "--month", "2025-13",
                 "-o", str(bad)]) == 2
    assert "không phải là một tháng" in capsys.readouterr().err and not bad.exists()
    assert main(["report", "monthly", "--commune", CODE, "-o", str(tmp_path / "x.pdf")]) == 2
    assert sorted(e.username for e in _events(sessions)) == ["cli", "cli"]


def test_the_demo_monthly_report_prints_to_pdf_with_libreoffice(world, tmp_path, monkeypatch):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: .ci/run installs "
                    "libreoffice-writer-nogui")
    settings, _sessions = world
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    docx = tmp_path / "bao_cao.docx"
    assert main(["report", "monthly", "--commune", CODE, "--month", "2025-09",
                 "-o", str(docx)]) == 0
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "bao_cao.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bao_cao.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Nơi nhận:" in text and "TRƯỞNG CÔNG AN XÃ" in text
        assert text.count("\f") >= 2  # several pages, numbered from the second
        assert _broken_words(docx, text) == set()


# The table properties (w:tblPr) in the order of the schema (ECMA-376, CT_TblPr).
TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def _broken_words(docx, printed: str) -> set[str]:
    """Pieces of the tables' column headings that the printed text shows as words of
    their own ("khôn" of "không", "Thô" of "Thôn"): a word broken across two lines."""
    from docx import Document

    document = Document(str(docx))
    written = _words("\n".join(p.text for p in document.paragraphs))
    headings: set[str] = set()
    for table in document.tables:
        written |= {w for row in table.rows for cell in row.cells for w in _words(cell.text)}
        headings |= {w for cell in table.rows[0].cells for w in _words(cell.text)}
    return {piece for piece in _words(printed) - written if len(piece) >= 3
            and any(w.startswith(piece) and w != piece for w in headings)}


def test_each_column_of_the_report_tables_holds_its_longest_word(world, tmp_path,
                                                                 monkeypatch):
    """Without LibreOffice: the widths written into the Word file leave room for the
    longest word of each column, heading or cell (app.reports.word.column_widths)."""
    from docx import Document

    from app.reports.word import word_cm

    settings, _sessions = world
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    docx = tmp_path / "bao_cao.docx"
    assert main(["report", "monthly", "--commune", CODE, "--month", "2025-09",
                 "-o", str(docx)]) == 0
    tables = Document(str(docx)).tables
    assert len(tables) >= 5
    for table in tables:  # the properties in the schema's order, as Word wants them
        order = [child.tag.rsplit("}", 1)[1] for child in table._tbl.tblPr]
        assert order == sorted(order, key=TBLPR_ORDER.index), order
    narrow = []
    for table in tables[1:]:  # the first is the letterhead, without borders or headings
        widths = [column.width.cm for column in table.columns]
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        margin = 0.19 if margins is None else int(margins[0].get(qn("w:w"))) / 1440 * 2.54
        for i, width in enumerate(widths):
            heading = _words(table.rows[0].cells[i].text)
            cells = {w for row in table.rows[1:] for w in _words(row.cells[i].text)}
            need = max([word_cm(w) for w in heading] + [word_cm(w, bold=False)
                                                        for w in cells], default=0)
            if width - 2 * margin < need - 0.01:
                narrow.append((table.rows[0].cells[i].text, round(width, 2), round(need, 2)))
    assert narrow == []
