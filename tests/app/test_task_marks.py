"""Marking a plan's manual task done from the dashboard: the status follows the mark
(done, done late, or late again when cleared), bad days are refused with a message naming
the task and the field and change nothing, only the police may mark, every change is
logged and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app import store
from app.models import AuditEvent, ChangeLog, TaskMark
from tests.conftest import client_as, snapshot

DASHBOARD = "/communes/15178/dashboard"
T1 = "/communes/15178/tasks/cam-tan-2024-2025/T1"  # manual, due 15/11/2024


def _row(client, month: str, task: str = "T1") -> BeautifulSoup:
    response = client.get(f"{DASHBOARD}?month={month}")
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser").find("tr", id=f"task-{task}")


def _status(row) -> str:
    return row.select_one(".status").get_text(strip=True)


# The tests that mark tasks keep a database of their own; those whose requests are refused
# and change nothing (each checks it) share the module's app (``full_shared``).



def test_police_mark_a_task_done_and_clear_it(full, settings):
    police = client_as(settings, full, "police")
    row = _row(police, "2024-12")
    assert _status(row) == "Quá hạn" and row.select_one("form input[name=done_on]")
    saved = police.post(T1, data={"action": "done", "done_on": "14/11/2024",
                                  "reference": "Biên bản số 12/BB-CA ngày 14/11/2024",
                                  "month": "2024-12"}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{DASHBOARD}?month=2024-12#tasks"
    row = _row(police, "2024-12")
    assert _status(row) == "Đã hoàn thành"
    assert row.select("td.num")[1].get_text(strip=True) == "14/11/2024"
    how = " ".join(row.select_one(".task-how").get_text(" ", strip=True).split())
    assert how.startswith("Đã ghi nhận hoàn thành ngày 14/11/2024: Biên bản số 12/BB-CA")
    assert "police_1" in how and row.select_one("button[value=clear]")
    assert _status(_row(police, "2024-11")) == "Đã hoàn thành"  # as of 30/11/2024 too
    # a later day is "done late"; the change log and the audit log have both changes
    police.post(T1, data={"action": "done", "done_on": "18/11/2024", "month": "2024-12"})
    assert _status(_row(police, "2024-12")) == "Hoàn thành muộn"
    police.post(T1, data={"action": "clear", "month": "2024-12"})
    assert _status(_row(police, "2024-12")) == "Quá hạn"
    with full() as session:
        log = session.scalars(select(ChangeLog).where(ChangeLog.record_type == "task")
                              .order_by(ChangeLog.id)).all()
        assert [(c.action, c.record_code, c.actor) for c in log] == [
            ("create", "cam-tan-2024-2025/T1", "police_1"),
            ("update", "cam-tan-2024-2025/T1", "police_1"),
            ("delete", "cam-tan-2024-2025/T1", "police_1")]
        assert '"done_on": ["2024-11-14", "2024-11-18"]' in log[1].changes
        events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "task"))
        assert [e.action for e in events] == ["change"] * 3
        assert session.scalars(select(TaskMark)).all() == []


@pytest.mark.parametrize(("value", "message"), [
    ("", "Nhiệm vụ T1, ô “Ngày hoàn thành”: hãy nhập ngày hoàn thành"),
    ("31/02/2024", "Nhiệm vụ T1, ô “Ngày hoàn thành”: “31/02/2024” không phải là ngày"),
    ("hôm qua", "“hôm qua” không phải là ngày; hãy viết theo dạng dd/mm/yyyy"),
    ("tomorrow", "“tomorrow” không phải là ngày"),
])
def test_a_bad_day_is_refused_beside_the_task_and_nothing_changes(full_shared, value,
                                                                  message):
    police = full_shared.client("police")
    before = snapshot(full_shared.sessions)
    response = police.post(T1, data={"action": "done", "done_on": value,
                                     "reference": "BB 12", "month": "2024-12"})
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    row = soup.find("tr", id="task-T1")
    assert message in row.select_one(".field-error").get_text()
    assert row.select_one("input[name=done_on]")["value"] == value  # kept to correct
    assert row.select_one("input[name=reference]")["value"] == "BB 12"
    assert "tháng 12/2024" in soup.h1.get_text()
    assert snapshot(full_shared.sessions) == before


def test_a_day_after_today_and_a_too_long_document_are_refused(full_shared):
    police = full_shared.own_client()  # ?lang=en sets its language cookie
    before = snapshot(full_shared.sessions)
    tomorrow = (store.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    late = police.post(T1, data={"action": "done", "done_on": tomorrow})
    assert late.status_code == 422 and f"ngày {tomorrow} ở sau hôm nay" in late.text
    long = police.post(T1, data={"action": "done", "done_on": "14/11/2024",
                                 "reference": "x" * 201})
    assert long.status_code == 422 and "tối đa 200 ký tự" in long.text
    english = police.post(T1 + "?lang=en", data={"action": "done", "done_on": "31/02/2024"})
    assert "Task T1, “Done on”: “31/02/2024” is not a date" in english.text
    assert snapshot(full_shared.sessions) == before


def test_only_manual_tasks_of_the_communes_plans_can_be_marked(full_shared):
    police = full_shared.client("police")
    data = {"action": "done", "done_on": "14/11/2024"}
    assert police.post("/communes/15178/tasks/cam-tan-2024-2025/T5",  # from indicator P06
                       data=data).status_code == 404
    assert police.post("/communes/15178/tasks/cam-tan-2024-2025/T99", data=data
                       ).status_code == 404
    assert police.post("/communes/15178/tasks/no-such-plan/T1", data=data).status_code == 404
    row = _row(police, "2024-12", "T5")
    assert "Theo chỉ tiêu P06" in row.get_text() and row.select_one("form") is None


@pytest.mark.parametrize("role", ["leader", "viewer", "admin"])
def test_other_roles_see_the_mark_but_get_no_form_and_cannot_post(full, settings, role):
    police = client_as(settings, full, "police")
    police.post(T1, data={"action": "done", "done_on": "14/11/2024", "reference": "BB 12"})
    other = client_as(settings, full, role)
    row = _row(other, "2024-12")
    assert _status(row) == "Đã hoàn thành" and "BB 12" in row.get_text()
    assert row.select_one("form") is None
    assert "Chưa ghi nhận (Công an xã ghi nhận)" in _row(other, "2024-12", "T2").get_text()
    before = snapshot(full)
    refused = other.post(T1, data={"action": "clear"}, follow_redirects=False)
    assert refused.status_code == 403
    assert snapshot(full) == before


def test_a_mark_without_its_csrf_token_is_refused(full_shared):
    police = full_shared.own_client()
    police.csrf = None  # forms go without the token
    before = snapshot(full_shared.sessions)
    response = police.post(T1, data={"action": "done", "done_on": "14/11/2024"},
                           follow_redirects=False)
    assert response.status_code == 403
    assert snapshot(full_shared.sessions) == before
