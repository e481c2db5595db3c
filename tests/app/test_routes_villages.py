"""The villages page: households and residents for everyone, corrected in place by the
commune police and administrators, with a change log, an audit event and the map's
figures following at once."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app import imports, mapview
from app.frame import loading
from app.i18n import gettext_for
from app.models import AuditEvent, ChangeLog, Village
from tests.conftest import client_as, map_data, snapshot

LIST = "/communes/15178/villages"
T10 = f"{LIST}/T10"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _cells(response, code: str) -> list[str]:
    row = _soup(response).select_one(f"#village-{code}")
    return [td.get_text(" ", strip=True) for td in row.find_all("td", recursive=False)]


def _current(sessions, code: str = "T10") -> list[Village]:
    with sessions() as session:
        return list(session.scalars(select(Village).where(
            Village.commune_code == "15178", Village.code == code,
            Village.valid_to.is_(None))))


def _logs(sessions) -> list[ChangeLog]:
    with sessions() as session:
        return list(session.scalars(select(ChangeLog).where(
            ChangeLog.record_type == "village").order_by(ChangeLog.id)))


def _events(sessions) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "change", AuditEvent.object_type == "village")))


def _save(client, url=T10, lang="", **values):
    return client.post(url + (f"?lang={lang}" if lang else ""), data=values,
                       follow_redirects=False)


def test_everyone_sees_the_villages_and_t10s_population_is_not_known(demo, settings):
    for role in ("admin", "police", "leader", "viewer"):
        client = client_as(settings, demo, role)
        response = client.get(LIST)
        assert response.status_code == 200, role
        rows = _soup(response).select("tbody tr")
        assert [r["id"] for r in rows] == [f"village-T{n:02d}" for n in range(1, 11)]
        assert _cells(response, "T01")[:5] == ["T01", "Thôn 1", "210", "797", "—"]
        assert _cells(response, "T10")[:4] == ["T10", "Thôn 10", "162", "chưa có số liệu"]
        assert "Dữ liệu giả lập" in response.text
        # the top bar leads here from every commune page, for every role
        dashboard = _soup(client.get("/communes/15178/dashboard"))
        link = dashboard.select_one(f'.topbar a.area[href="{LIST}"]')
        assert link is not None and link.text == "Các thôn"
    english = client.get(LIST + "?lang=en")
    assert _cells(english, "T10")[3] == "not known"


def test_leader_and_viewer_get_no_form_and_may_not_save(demo, settings):
    clients = {role: client_as(settings, demo, role) for role in ("leader", "viewer")}
    before = snapshot(demo)
    for role, client in clients.items():
        page = client.get(LIST)
        assert page.status_code == 200
        soup = _soup(page)
        assert soup.select('form[method="post"]') == soup.select("form.account")  # sign-out
        assert soup.select("input[name=population], input[name=households]") == []
        assert "Chỉ công an xã và quản trị viên được sửa các số liệu này." in page.text
        refused = _save(client, households="162", population="640")
        assert refused.status_code == 403, role
    assert snapshot(demo) == before
    for role in ("admin", "police"):  # the roles of the POST's rule get a form per village
        soup = _soup(client_as(settings, demo, role).get(LIST))
        assert len(soup.select("form.village-form")) == 10
        form = soup.select_one("#village-T10 form.village-form")
        assert form["action"] == T10
        assert form.select_one("input[name=csrftoken]")["value"]
        assert form.select_one("input[name=households]")["value"] == "162"
        assert form.select_one("input[name=population]")["value"] == ""
        assert form.select_one("input[name=population]")["placeholder"] == "chưa có số liệu"


@pytest.fixture
def full_demo(full):
    return full


def _map_categories(client, code: str) -> dict:
    soup = _soup(client.get("/communes/15178/map"))
    return map_data(client, soup)["villages"][code]["categories"]


def test_police_set_t10s_population_and_the_map_follows_at_once(full_demo, settings):
    police = client_as(settings, full_demo, "police")
    assert _map_categories(police, "T10")["per_thousand"] == "unknown"  # cached from now
    (before,) = _current(full_demo)
    saved = _save(police, households="162", population="640")
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{LIST}?saved=T10"
    page = police.get(saved.headers["location"])
    assert "Đã lưu: Thôn 10." in _soup(page).select_one(".notice.ok").text
    cells = _cells(page, "T10")
    assert cells[:4] == ["T10", "Thôn 10", "162", "640"] and "police_1" in cells[4]
    # leaders see when it was corrected, not which police account did it
    leader_cells = _cells(client_as(settings, full_demo, "leader").get(LIST), "T10")
    assert leader_cells[4] == cells[4].split(" · ")[0] and "police_1" not in leader_cells[4]
    assert _soup(page).select_one("#village-T10")["class"] == ["saved"]
    # the current version, changed in place
    (after,) = _current(full_demo)
    assert (after.id, after.valid_from, after.population) == (before.id, before.valid_from, 640)
    (log,) = _logs(full_demo)
    assert (log.commune_code, log.record_type, log.record_code, log.record_id, log.action,
            log.source, log.actor) == ("15178", "village", "T10", before.id, "update",
                                       "form", "police_1")
    assert json.loads(log.changes) == {"population": [None, 640]}
    (event,) = _events(full_demo)
    assert (event.username, event.commune_code, event.object_id) == ("police_1", "15178",
                                                                     "T10")
    # what the map reads: the GeoJSON, the cached frame's layer, the frame computed afresh
    geojson = police.get("/api/communes/15178/villages.geojson").json()
    population = {f["properties"]["code"]: f["properties"]["population"]
                  for f in geojson["features"]}
    assert population["T10"] == 640
    assert _map_categories(police, "T10")["per_thousand"] != "unknown"
    with full_demo() as session:
        month = loading.record_months(session, "15178", loading.store.today())[-1]
        result = loading.compute(session, "15178", month)
    assert result.villages.at["T10", "population"] == 640
    layer = next(layer for layer in mapview.layers(result, None, gettext_for("vi"), "vi", 0)
                 if layer.key == "per_thousand")
    assert layer.categories["T10"] not in ("unknown", None)


@pytest.mark.parametrize(("households", "population", "expected"), [
    ("162", "abc", "Thôn 10, “Số nhân khẩu”: “abc” không phải là số nguyên."),
    ("-3", "640", "Thôn 10, “Số hộ”: “-3” là số âm"),
    ("162", "100", "Thôn 10: số nhân khẩu (100) không thể ít hơn số hộ (162)."),
    ("162", "12.5", "Thôn 10, “Số nhân khẩu”: “12.5” không phải là số nguyên."),
    ("162", "99999999", "Thôn 10, “Số nhân khẩu”: “99999999” quá lớn đối với một thôn."),
])
def test_a_bad_value_is_refused_named_and_changes_nothing(demo, settings, households,
                                                          population, expected):
    police = client_as(settings, demo, "police")
    before = snapshot(demo)
    refused = _save(police, households=households, population=population)
    assert refused.status_code == 422
    alert = _soup(refused).select_one(".notice.error[role=alert]")
    assert expected in alert.text and "Chưa lưu." in alert.text
    row = _soup(refused).select_one("#village-T10")
    assert row["class"] == ["refused"]  # the values sent, kept to be corrected
    assert row.select_one("input[name=households]")["value"] == households
    assert row.select_one("input[name=population]")["value"] == population
    assert row.select_one("input[aria-invalid]") is not None
    assert snapshot(demo) == before
    assert _events(demo) == []


def test_refusals_in_english_unknown_villages_and_other_communes(demo, settings):
    police = client_as(settings, demo, "police")
    before = snapshot(demo)
    english = _save(police, lang="en", households="162", population="abc")
    assert english.status_code == 422
    assert ("Thôn 10, “Residents”: “abc” is not a whole number. Write digits only (for "
            "example 640), or leave it blank if it is not known.") in english.text
    fewer = _save(police, lang="en", households="200", population="150")
    assert "Thôn 10: the residents (150) cannot be fewer than the households (200)." in \
        fewer.text
    assert _save(police, f"{LIST}/T99", households="1", population="5").status_code == 404
    other = _save(police, "/communes/15142/villages/X01", households="1", population="5")
    assert other.status_code == 404
    assert police.get("/communes/15142/villages").status_code == 404
    assert police.post(T10, data={"population": "640"}).status_code == 422  # field missing
    assert snapshot(demo) == before


def test_a_save_without_its_csrf_token_is_refused(demo, settings):
    police = client_as(settings, demo, "police")
    token = _soup(police.get(LIST)).select_one(
        "#village-T10 input[name=csrftoken]")["value"]
    police.csrf = None  # forms go without the token
    before = snapshot(demo)
    for data in ({}, {"csrftoken": "forged"}):
        refused = _save(police, households="162", population="640", **data)
        assert refused.status_code == 403
        assert "Biểu mẫu đã hết hạn" in refused.text
    assert snapshot(demo) == before
    saved = _save(police, households="162", population="640", csrftoken=token)
    assert saved.status_code == 303  # the token the page's form carries is the right one
    assert _current(demo)[0].population == 640


def test_blank_means_not_known_an_unchanged_save_logs_nothing_numbers_vietnamese(
        demo, settings):
    admin = client_as(settings, demo, "admin")
    same = _save(admin, "/communes/15178/villages/T01", households=" 210 ", population="797")
    assert same.headers["location"] == f"{LIST}?unchanged=T01"
    assert "Thôn 1: số liệu vẫn như cũ" in admin.get(same.headers["location"]).text
    assert _logs(demo) == [] and _events(demo) == []
    cleared = _save(admin, "/communes/15178/villages/T01", households="", population="")
    assert cleared.status_code == 303
    (t01,) = _current(demo, "T01")
    assert (t01.households, t01.population) == (None, None)
    assert json.loads(_logs(demo)[-1].changes) == {"households": [210, None],
                                                   "population": [797, None]}
    assert _save(admin, "/communes/15178/villages/T09", households="120",
                 population="1.234").status_code == 303  # thousands as written in Vietnam
    assert _current(demo, "T09")[0].population == 1234
    assert _cells(admin.get(LIST), "T01")[2:4] == ["chưa có số liệu", "chưa có số liệu"]
    assert _cells(admin.get(LIST), "T09")[3] == "1.234"
    assert _cells(admin.get(LIST + "?lang=en"), "T09")[3] == "1,234"


def test_a_new_boundary_file_replaces_the_corrected_figures(demo, settings):
    police = client_as(settings, demo, "police")
    assert _save(police, households="162", population="640").status_code == 303
    assert "police_1" in _cells(police.get(LIST), "T10")[4]
    imports.import_boundaries(demo, settings,
                              settings.boundaries_dir / "cam_tan_15178_villages.geojson",
                              "15178")
    (t10,) = _current(demo)
    assert t10.population is None  # the file's figure, as the page warns
    assert _cells(police.get(LIST), "T10")[3:5] == ["chưa có số liệu", "—"]
