"""Files that cost a fraction of a second to draw, made once per data version: the Word
report (everyone at a meeting downloads the same month) and the patrol sheet's PDF. Each
download is still audited; a record changed makes a new file; another role or language
gets its own."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app import patrol
from app.frame import caching, record_tables
from app.models import AuditEvent
from app.reports import word
from app.routes import patrol as patrol_routes
from tests.conftest import client_as
from tests.factories import save_records

REPORT = "/communes/15178/reports/file?kind=monthly&month=2025-10"
SHEET = "/communes/15178/patrol/sheet.pdf?day=2025-12-20"


def _counting(monkeypatch, module, name: str) -> list:
    """Calls of the real ``module.name`` as they happen (the function still runs)."""
    calls, real = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _exports(sessions) -> int:
    with sessions() as session:
        return len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.object_type == "report")).all())


def test_the_word_report_is_written_once_per_data_version_role_and_language(
        full, settings, monkeypatch):
    written = _counting(monkeypatch, word, "document_bytes")
    police, leader = client_as(settings, full, "police"), client_as(settings, full, "leader")
    first, again = police.get(REPORT), police.get(REPORT)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and len(written) == 1
    assert _exports(full) == 2  # each download audited
    assert leader.get(REPORT).status_code == 200 and len(written) == 2  # the leader's own
    assert police.get(REPORT + "&lang=en").status_code == 200 and len(written) == 3
    assert save_records(full, "drug_tests", [
        {"person": "CT-001", "date": "20/10/2025", "result": "negative"}]) == []
    assert police.get(REPORT).status_code == 200 and len(written) == 4  # a new version
    # the workbook names who made it and when: written every time
    assert police.get(REPORT + "&format=xlsx").status_code == 200 and len(written) == 4


def test_the_patrol_sheet_pdf_and_its_route_map_are_drawn_once_per_data_version(
        full, settings, monkeypatch):
    drawn = _counting(monkeypatch, patrol_routes, "sheet_pdf")
    maps = _counting(monkeypatch, patrol_routes, "route_map_png")
    police = client_as(settings, full, "police")
    first, again = police.get(SHEET), police.get(SHEET)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and len(drawn) == len(maps) == 1
    assert police.get(SHEET + "&team=Tổ 2").status_code == 200 and len(drawn) == 2
    assert len(maps) == 1  # another team, the same route: the map drawn once
    assert police.get(SHEET.replace("-20", "-21")).status_code == 200  # another day
    assert len(drawn) == 3
    assert save_records(full, "inspections", [
        {"venue": "CS-01", "date": "19/12/2025", "result": "ok"}]) == []
    assert police.get(SHEET).status_code == 200 and len(drawn) == 4


def test_the_record_tables_are_read_once_per_data_version_for_the_dashboard_and_tips(
        full, settings, monkeypatch):
    """The dashboard's alerts and the tips board read the tips from the tables the
    frames were computed from, not the whole database again on every page."""
    read = _counting(monkeypatch, record_tables, "load_tables")
    police, leader = client_as(settings, full, "police"), client_as(settings, full, "leader")
    for client, url in ((police, "/communes/15178/dashboard?month=2025-10"),
                        (leader, "/communes/15178/dashboard?month=2025-10"),
                        (police, "/communes/15178/dashboard?month=2025-09"),
                        (police, "/communes/15178/tips?day=2025-10-31"),
                        (police, "/communes/15178/tips?day=2025-11-30&show=all")):
        assert client.get(url).status_code == 200, url
    assert len(read) == 1
    assert save_records(full, "tips", [{"code": "NT-900", "received": "20/10/2025",
                                        "channel": "phone", "village": "T01",
                                        "status": "received"}]) == []
    page = police.get("/communes/15178/tips?day=2025-10-31&show=all")
    assert "NT-900" in page.text and len(read) == 2  # a new version: read again


def _last_inspection(page: str, venue: str) -> str:
    """The patrol page's "last inspection" cell of ``venue``."""
    found = re.search(rf'value="{venue}".*?<td>Thôn \d+</td>\s*<td>([^<]*)</td>', page, re.S)
    assert found is not None, venue
    return found[1]


def test_the_due_list_is_computed_once_per_day_and_data_version(full, settings, monkeypatch):
    """The dashboard (its venue figures and its alerts, for each role) and the tips board
    ask for the same day's due list: computed once; the patrol page, with the villages'
    risk levels, once more. An inspection saved makes a new list, which shows."""
    monkeypatch.setattr(patrol, "DUE_LISTS", caching.LruCache(64))  # none from other tests
    made = _counting(monkeypatch, patrol, "due_list")
    police, leader = client_as(settings, full, "police"), client_as(settings, full, "leader")
    for client in (police, leader, police):
        assert client.get("/communes/15178/dashboard?month=2025-10").status_code == 200
    assert client.get("/communes/15178/tips?day=2025-10-31").status_code == 200
    assert len(made) == 1  # one list for 31/10/2025 (4 on the old code: 2 per dashboard)
    plan = "/communes/15178/patrol?day=2025-10-31"
    for _ in range(2):
        assert _last_inspection(police.get(plan).text, "CS-04") == "12/06/2025: không vi phạm"
    assert len(made) == 2
    with full() as session:  # each caller gets a copy: the dashboard adds a column
        one, two = (patrol.due_venues(session, settings, "15178", dt.date(2025, 10, 31))
                    for _ in range(2))
    assert one is not two and one.equals(two) and len(made) == 2
    assert save_records(full, "inspections", [
        {"venue": "CS-04", "date": "30/10/2025", "result": "ok"}]) == []
    assert _last_inspection(police.get(plan).text, "CS-04") == "30/10/2025: không vi phạm"
    assert len(made) == 3
