"""Every POST form of the app, submitted in Chromium through its own page, with the
hidden fields the page gives it and nothing else (no extra header): the page that
answers and what was stored. A guard test fails when a template gains a POST form that
no test here submits.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Person, TaskMark, User, Venue, Village
from app.security import check_password
from tests.app.test_excel import FILLED
from tests.app.test_import_records import PERSONS, PLANTED_PERSONS
from tests.browser.conftest import block_outside, sign_in_page
from tests.conftest import PASSWORD, TEST_HASHER
from tests.factories import save_records

pytestmark = pytest.mark.browser

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
COMMUNE = "/communes/15178"

# Every POST form written in templates/, as (template, action as written, the submit
# button's name=value when it has one), and the tests below that submit it.
SUBMITTED = {
    ("login.html", "/login", ""): ("test_sign_in",),
    ("base.html", "/logout", ""): ("test_sign_out",),
    ("password.html", "/account/password", ""): ("test_password_change",),
    ("records_form.html", "{{ action }}", ""): ("test_record_form_new_then_edit",),
    ("records_import.html", "{{ records_href }}/import?lang={{ locale }}", ""): (
        "test_upload_of_the_apps_own_template", "test_refused_upload_lists_rows_and_columns"),
    ("records_import.html", "{{ action }}", ""): ("test_exports_are_the_pages_post_forms",),
    ("dashboard.html", "/communes/{{ commune.code }}/tasks/{{ t.plan }}/{{ t.id }}",
     "action=done"): ("test_task_mark_and_clear",),
    ("dashboard.html", "/communes/{{ commune.code }}/tasks/{{ t.plan }}/{{ t.id }}",
     "action=clear"): ("test_task_mark_and_clear",),
    ("villages.html", "{{ row.action }}", ""): ("test_village_figures",),
    # submitted by the browser tests of their own features ("module::test")
    ("_pack_form.html", "/communes/{{ commune.code }}/pack.html?lang={{ locale }}", ""): (
        "test_pack_browser::test_a_leader_downloads_the_pack_of_the_layer_on_screen_and_opens_it",),
    ("calendar.html", "/communes/{{ commune.code }}/calendar/{{ key }}", ""): (
        "test_reports_browser::test_the_police_mark_a_report_sent_after_a_mistyped_day",),
    ("patrol_results.html", "{{ action }}", ""): (
        "test_patrol_browser::test_police_plan_a_patrol_and_download_the_sheet",),
}

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_BUTTON = re.compile(r'<button\b[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]+)"', re.I)


def post_forms() -> set[tuple[str, str, str]]:
    """Every ``<form method="post">`` of templates/*.html, by template, action, button."""
    found = set()
    for path in sorted(TEMPLATES.glob("*.html")):
        for attributes, body in _FORM.findall(path.read_text(encoding="utf-8")):
            if not re.search(r"\bmethod\s*=\s*[\"']?post\b", attributes, re.I):
                continue
            action = re.search(r'\baction\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', attributes)
            action = (action.group(1) or action.group(2) or "") if action else ""
            buttons = [f"{n}={v}" for n, v in _BUTTON.findall(body)] or [""]
            found |= {(path.name, action, button) for button in buttons}
    return found


def test_every_post_form_of_the_templates_is_submitted_by_a_browser_test():
    forms = post_forms()
    assert len(forms) >= 9
    missing = forms - set(SUBMITTED)
    assert not missing, f"POST forms no browser test submits (add one): {sorted(missing)}"
    assert not set(SUBMITTED) - forms, "forms listed here that no template has any more"
    for tests in SUBMITTED.values():
        for name in tests:
            module, _, test = name.rpartition("::")
            where = (vars(importlib.import_module(f"tests.browser.{module}")) if module
                     else globals())
            assert callable(where.get(test)), name


# --- helpers ----------------------------------------------------------------------------

def _events(sessions, action: str) -> list[tuple[str, str | None]]:
    with sessions() as session:
        return [(e.username, e.object_id) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _submit(page, button) -> None:
    """Click a submit button and wait for the page that answers."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def _download(page, control, folder: Path) -> Path:
    with page.expect_download() as caught:
        control.click()
    download = caught.value
    assert download.failure() is None
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


# --- accounts ---------------------------------------------------------------------------

@pytest.mark.parametrize("live_server", ["OpenStreetMap", "none"], indirect=True)
def test_sign_in(live_server, demo, page):
    block_outside(page)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "police")
    page.fill("input[name=password]", "not the password")
    _submit(page, page.locator("form[action='/login'] button[type=submit]"))
    assert page.locator("p.error").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert _events(demo, "login_failed") == [("police", None)] and _events(demo, "login") == []
    page.fill("input[name=username]", "police")
    page.fill("input[name=password]", PASSWORD)
    _submit(page, page.locator("form[action='/login'] button[type=submit]"))
    assert page.url.endswith(f"{COMMUNE}/map")
    assert page.locator("header .who").inner_text() == "police"
    assert _events(demo, "login") == [("police", None)]


def test_sign_out(live_server, demo, page):
    block_outside(page)
    sign_in_page(page, live_server, "viewer", then=f"{COMMUNE}/villages")
    _submit(page, page.get_by_role("button", name="Đăng xuất"))
    assert page.url == f"{live_server}/login"
    assert page.locator("form.account").count() == 0
    assert _events(demo, "logout") == [("viewer", None)]
    page.goto(f"{live_server}{COMMUNE}/villages")
    assert "/login" in page.url  # the session really ended


def test_password_change(live_server, demo, page):
    block_outside(page)
    sign_in_page(page, live_server, "leader", then="/account/password")
    form = page.locator("form[action='/account/password']")

    def fill(new: str, confirm: str) -> None:
        form.locator("input[name=current]").fill(PASSWORD)
        form.locator("input[name=new]").fill(new)
        form.locator("input[name=confirm]").fill(confirm)
        _submit(page, form.locator("button[type=submit]"))

    fill("mat-khau-moi-789", "mat-khau-khac-789")
    assert page.locator("p.error").inner_text() == "Hai lần nhập mật khẩu mới không khớp nhau."
    with demo() as session:
        assert check_password(session.scalar(select(User).where(User.username == "leader")),
                              PASSWORD, TEST_HASHER)
    fill("mat-khau-moi-789", "mat-khau-moi-789")
    assert "/account/password" not in page.url and "/login" not in page.url
    with demo() as session:
        user = session.scalar(select(User).where(User.username == "leader"))
        assert check_password(user, "mat-khau-moi-789", TEST_HASHER)
        assert not check_password(user, PASSWORD, TEST_HASHER)
    assert _events(demo, "account") == [("leader", "leader")]


# --- records ----------------------------------------------------------------------------

def test_record_form_new_then_edit(live_server, demo, page):
    block_outside(page)
    sign_in_page(page, live_server, "police", then=f"{COMMUNE}/records/venues/new")
    page.locator("#f-code").fill("KARA-09")
    page.get_by_label("Tên cơ sở").fill("Karaoke Sen Hồng")
    page.get_by_label("Loại cơ sở").select_option(label="karaoke")
    page.get_by_label("Vĩ độ").fill("20.125")
    page.get_by_label("Kinh độ").fill("105.535")
    _submit(page, page.get_by_role("button", name="Lưu"))
    assert page.locator(".notice.ok").inner_text() == "Đã lưu: KARA-09."
    with demo() as session:
        assert session.scalar(select(Venue.name).where(Venue.code == "KARA-09")) == (
            "Karaoke Sen Hồng")

    page.locator("tbody tr", has_text="KARA-09").get_by_role("link", name="Sửa").click()
    page.wait_for_load_state()
    assert page.get_by_label("Tên cơ sở").input_value() == "Karaoke Sen Hồng"
    page.get_by_label("Tên cơ sở").fill("Karaoke Sen Trắng")
    _submit(page, page.get_by_role("button", name="Lưu"))
    assert page.locator(".notice.ok").inner_text() == "Đã lưu: KARA-09."
    with demo() as session:
        names = session.scalars(select(Venue.name).where(Venue.code == "KARA-09")).all()
    assert names == ["Karaoke Sen Trắng"]


def _import_page(page, live_server: str, role: str) -> None:
    sign_in_page(page, live_server, role, then=f"{COMMUNE}/records/import")
    assert page.locator("h1").inner_text() == "Nhập, xuất sổ theo dõi (Excel, CSV)"


def _filled(template: Path, rows: list[list], folder: Path, name: str) -> Path:
    """The downloaded template with rows typed below the persons sheet's header."""
    wb = openpyxl.load_workbook(template)
    for row in rows:
        wb[PERSONS].append(row)
    path = folder / name
    wb.save(path)
    return path


def test_upload_of_the_apps_own_template(live_server, demo, page, tmp_path):
    blocked = block_outside(page)
    _import_page(page, live_server, "police")
    everything = page.locator("#downloads tbody tr").first  # "all record types" template
    template = _download(page, everything.get_by_role("link", name="Tệp mẫu (.xlsx)"),
                         tmp_path)
    assert template.name == "xkmt_15178_all_template.xlsx"
    filled = _filled(template, FILLED["persons"], tmp_path, "so_theo_doi_11.xlsx")

    page.set_input_files("#file", str(filled))
    _submit(page, page.get_by_role("button", name="Nhập", exact=True))
    result = page.locator("#import-result")
    assert result.locator("p").inner_text() == "Đã nhập so_theo_doi_11.xlsx."
    cells = result.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells == [PERSONS, "3", "0", "0"]
    with demo() as session:
        assert session.scalars(select(Person.code).order_by(Person.code)).all() == [
            "P001", "P002", "P010"]
    assert _events(demo, "import") == [("police", "so_theo_doi_11.xlsx")]
    assert blocked == []


def test_refused_upload_lists_rows_and_columns(live_server, demo, page, tmp_path):
    block_outside(page)
    _import_page(page, live_server, "police")
    persons = page.locator("#downloads tbody tr", has_text=PERSONS)
    template = _download(page, persons.get_by_role("link", name="Tệp mẫu (.xlsx)"), tmp_path)
    bad = _filled(template, PLANTED_PERSONS[:3], tmp_path, "loi.xlsx")

    page.set_input_files("#file", str(bad))
    _submit(page, page.get_by_role("button", name="Nhập", exact=True))
    box = page.locator("#import-problems")
    assert box.locator("p").first.inner_text() == (
        "Tệp loi.xlsx chưa được nhập: không có gì bị thay đổi.")
    problems = box.locator("ol.problems li").all_inner_texts()
    assert len(problems) == 2
    assert problems[0].startswith(
        f"trang tính “{PERSONS}”, dòng 3, cột “Từ ngày”, giá trị “31/02/2024”: ")
    assert problems[1].startswith(
        f"trang tính “{PERSONS}”, dòng 4, cột “Thôn”, giá trị “Thôn 99”: ")
    assert page.locator("#import-result").count() == 0
    assert _count(demo, Person) == 0  # row 2 was good: all or nothing


def test_exports_are_the_pages_post_forms(live_server, demo, page, tmp_path):
    assert save_records(demo, "persons", rows=[{
        "code": "P-EXP-1", "village": "T02", "category": "addict", "status": "no_treatment",
        "status_date": "01/11/2024"}]) == []
    block_outside(page)
    sign_in_page(page, live_server, "police", then=f"{COMMUNE}/villages")
    page.goto(f"{live_server}{COMMUNE}/records/export.xlsx")  # an old link: no file
    assert page.url == f"{live_server}{COMMUNE}/records/import#downloads"
    assert _events(demo, "export") == []

    rows = page.locator("#downloads tbody tr")
    everything = _download(page, rows.first.get_by_role("button", name="Xuất (.xlsx)"),
                           tmp_path)
    assert everything.name.startswith("xkmt_15178_all_")
    persons = _download(page, rows.filter(has_text=PERSONS).get_by_role(
        "button", name="Xuất (.xlsx)"), tmp_path)
    assert persons.name.startswith("xkmt_15178_persons_")
    for path in (everything, persons):
        ws = openpyxl.load_workbook(path)[PERSONS]
        assert [ws.cell(r, 1).value for r in (2, 3)] == ["P-EXP-1", None]
    assert openpyxl.load_workbook(persons).sheetnames[0] == PERSONS
    assert _events(demo, "export") == [("police", "all"), ("police", "persons")]
    assert page.url == f"{live_server}{COMMUNE}/records/import#downloads"  # still there


# --- dashboard and villages -------------------------------------------------------------

def test_task_mark_and_clear(live_server, demo, page):
    block_outside(page)
    sign_in_page(page, live_server, "police", then=f"{COMMUNE}/dashboard?month=2024-12")
    row = page.locator("#task-T1")
    assert row.locator(".status").inner_text() == "Quá hạn"
    row.locator("input[name=done_on]").fill("14/11/2024")
    row.locator("input[name=reference]").fill("Biên bản số 12/BB-CA")
    _submit(page, row.get_by_role("button", name="Ghi nhận đã hoàn thành"))
    assert page.url.endswith(f"{COMMUNE}/dashboard?month=2024-12#tasks")
    assert page.locator("#task-T1 .status").inner_text() == "Đã hoàn thành"
    with demo() as session:
        mark = session.scalar(select(TaskMark))
        assert (mark.task_id, mark.done_on.isoformat(), mark.reference, mark.marked_by) == (
            "T1", "2024-11-14", "Biên bản số 12/BB-CA", "police")

    _submit(page, page.locator("#task-T1").get_by_role("button", name="Bỏ ghi nhận"))
    assert page.locator("#task-T1 .status").inner_text() == "Quá hạn"
    assert _count(demo, TaskMark) == 0


def test_village_figures(live_server, demo, page):
    block_outside(page)
    sign_in_page(page, live_server, "police", then=f"{COMMUNE}/villages")
    row = page.locator("#village-T10")
    row.locator("input[name=households]").fill("162")
    row.locator("input[name=population]").fill("640")
    _submit(page, row.get_by_role("button", name="Lưu"))
    assert "saved" in (page.locator("#village-T10").get_attribute("class") or "")
    with demo() as session:
        village = session.scalar(select(Village).where(
            Village.code == "T10", Village.valid_to.is_(None)))
        assert (village.households, village.population) == (162, 640)

