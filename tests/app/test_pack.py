"""The meeting pack (issue 12, point 3): one HTML file holding the map, its legends and
every village's panel data, every asset inlined, nothing loaded from outside; from the
command line and from the map page; masked outside the police; audited.

Opened in Chromium from ``file://`` with the network cut: tests/browser/test_pack_browser.py.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.cli.main import main
from app.frame import loading
from app.models import AuditEvent
from app.prints.pack import PackError, build_pack, check_self_contained, external_references
from tests.conftest import client_as, snapshot

CODE = "15178"
MONTH = "2025-10"
ASSETS = Path(__file__).resolve().parents[2] / "node_modules"
URL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)
NAMESPACES = {"http://www.w3.org/2000/svg"}


def _pack(sessions, settings, role="leader", month=MONTH, **kwargs):
    with sessions() as session:
        return build_pack(session, settings, CODE, month, role=role, made_by="tester",
                          **kwargs)


def _config(html: str) -> dict:
    block = BeautifulSoup(html, "html.parser").select_one(
        'script#map-config[type="application/json"]')
    return json.loads(block.string)


def _person_codes(sessions) -> set[str]:
    with sessions() as session:
        return loading.person_codes(session, CODE)


def _codes_in(html: str, codes: set[str]) -> set[str]:
    words = set(re.findall(r"[\w-]+", html))
    return {c for c in codes if c in words}


# --- one file, nothing from outside --------------------------------------------------------

def test_the_pack_holds_every_asset_and_refers_to_nothing_outside(full_shared):
    html = _pack(full_shared.sessions,
                 full_shared.settings.model_copy(update={"tiles": "OpenStreetMap"})).html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select("script[src], link, img, iframe, object, embed") == []
    for tag in soup.find_all(True):
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = tag.get(name)
            assert not value or not re.match(r"\s*(https?:)?//", value), (tag.name, value)
    scripts = [s.string or "" for s in soup.select("script:not([type])")]
    assert any("L.map(" in s for s in scripts)  # folium's map
    assert any("Leaflet 1.9.4, a JS library" in s for s in scripts)  # leaflet.js inlined
    assert any("MarkerClusterGroup" in s for s in scripts)  # its plugins too
    assert any('getElementById("map-config")' in s for s in scripts)  # the app's map.js
    styles = "".join(s.string or "" for s in soup.select("style"))
    assert ".leaflet-container" in styles and ".map-layout" in styles  # leaflet + xkmt.css
    assert "--ui-brand:" in styles  # the generated /legend.css its colours come from
    assert "url(images/" not in styles and "data:image/png;base64," in styles
    # no tile server, whatever the app's setting; no request for data
    assert "tile.openstreetmap" not in html and "L.tileLayer" not in html
    assert not re.search(r"\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|"
                         r"import\(|sourceMappingURL", html)
    # the only addresses at all: the SVG namespace and those in Leaflet's own code and
    # style sheets (comments and its credit link)
    vendor = "".join(p.read_text("utf-8") for p in ASSETS.glob("leaflet*/dist/*.*s")
                     if not p.name.endswith("-src.js") and ".esm." not in p.name)
    assert set(URL.findall(html)) <= NAMESPACES | set(URL.findall(vendor))
    policy = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert external_references(html) == []


def test_the_check_refuses_what_would_load_from_outside():
    page = '<html><head><meta charset="utf-8">{}</head><body></body></html>'
    for bad in ('<script src="https://cdn.example.org/leaflet.js"></script>',
                '<link rel="stylesheet" href="/static/xkmt.css">',
                '<img src="//tiles.example.org/1/2/3.png">',
                '<a href="https://example.org/">x</a>',
                '<style>.x { background: url(https://example.org/a.png) }</style>',
                '<style>@import "x.css";</style>',
                '<script src="data:text/javascript,alert(1)"></script>'):
        with pytest.raises(PackError):
            check_self_contained(page.format(bad))
    check_self_contained(page.format('<img src="data:image/png;base64,AA=="><a href="#m">m</a>'))


def test_the_pack_carries_the_map_the_legends_and_every_villages_panel(full_shared):
    pack = _pack(full_shared.sessions, full_shared.settings, layer="P01")
    config, soup = _config(pack.html), BeautifulSoup(pack.html, "html.parser")
    assert pack.layer == config["layer"] == "P01"
    features = config["drawn"]["villages"]["features"]["features"]
    assert len(features) == len(config["villages"]) == 10
    assert {f["properties"]["name"] for f in features} >= {"Thôn 1", "Thôn 10"}
    village = config["villages"]["T01"]
    assert village["name"] == "Thôn 1" and village["indicators"]["P01"]["status"]
    assert config["legends"] and soup.select(".map-legend .legend-block li")
    assert soup.select_one("#village-panel") is not None
    assert soup.select_one("#month-select option[selected]")["value"] == MONTH
    note = soup.select_one(".pack-note").get_text(" ", strip=True)
    assert "Gói họp giao ban" in note and "tester" in note
    assert "Tài liệu lưu hành nội bộ" in note and "10/2025" in note
    # no way back to the app from a file: no link, no account, no token, no language switch
    assert not config["person_links"] and not config["edit_villages"]
    assert soup.select("a[href^='/'], form.account, nav.lang, input[name=csrftoken]") == []
    assert "Cẩm Tân" in soup.select_one(".topbar .place").get_text()


def test_a_text_of_the_data_reaches_the_pack_only_as_json(full, settings):
    """A village named like a script stays text inside the JSON block."""
    from app.db import transaction
    from app.models import Village

    name = "Thôn </script><script>alert(1)</script>"
    with transaction(full) as session:
        for village in session.scalars(select(Village).where(Village.code == "T03")):
            village.name = name
    html = _pack(full, settings).html
    assert "<script>alert(1)" not in html
    assert _config(html)["villages"]["T03"]["name"] == name


# --- privacy ------------------------------------------------------------------------------

# --- the command line ---------------------------------------------------------------------

@pytest.fixture
def cli(demo, settings, monkeypatch):
    monkeypatch.setenv("XKMT_DATABASE_URL", settings.database_url)
    return lambda *args: main(list(map(str, args)))


def _print_events(sessions) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "print")))


def test_xkmt_pack_writes_the_file_and_logs_it(cli, full, tmp_path, capsys):
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "họp giao ban.html"
    assert cli("pack", "--commune", CODE, "--month", MONTH, "-o", out) == 0
    said = capsys.readouterr().out
    assert "Đã ghi gói họp" in said and "Xã Cẩm Tân" in said and "10/2025" in said
    html = out.read_text("utf-8")
    assert html.startswith("<!doctype html>") and external_references(html) == []
    assert _config(html)["month"] == MONTH and _codes_in(html, _person_codes(full)) \
        == set()
    [event] = _print_events(full)
    detail = json.loads(event.detail)
    assert (event.commune_code, event.object_type, event.object_id) == \
        (CODE, "meeting_pack", MONTH)
    assert detail["actor"] == "cli" and detail["role"] == "leader" and detail["persons"] == 0
    assert list(out.parent.iterdir()) == [out]  # no temporary file left


def test_xkmt_pack_for_the_police_and_in_english(cli, full, tmp_path, capsys):
    out = tmp_path / "police.html"
    assert cli("--lang", "en", "pack", "--commune", CODE, "--month", MONTH, "--role",
               "police", "--layer", "risk", "-o", out) == 0
    assert "Wrote the meeting pack" in capsys.readouterr().out
    html = out.read_text("utf-8")
    assert _config(html)["layer"] == "risk" and '<html lang="en">' in html
    assert _codes_in(html, _person_codes(full))
    assert json.loads(_print_events(full)[0].detail)["persons"] > 0


@pytest.mark.parametrize(("args", "said"), [
    (("--month", MONTH, "-o", "{out}"), "Thiếu tùy chọn --commune: mã xã"),
    (("--commune", CODE, "-o", "{out}"), "Thiếu tùy chọn --month: tháng theo dạng YYYY-MM"),
    (("--commune", CODE, "--month", MONTH), "Thiếu tùy chọn --output"),
    (("--commune", CODE, "--month", "2025-13", "-o", "{out}"),
     "“2025-13” không phải là một tháng"),
    (("--commune", CODE, "--month", "10/2025", "-o", "{out}"),
     "“10/2025” không phải là một tháng"),
    (("--commune", CODE, "--month", "3025-01", "-o", "{out}"),
     "không phải là một tháng có thể xem"),
    (("--commune", CODE, "--month", MONTH, "--role", "admin", "-o", "{out}"),
     "“admin” không phải là đối tượng được lập gói họp"),
    (("--commune", CODE, "--month", MONTH, "--layer", "P99", "-o", "{out}"),
     "“P99” không phải là một lớp của bản đồ"),
    (("--commune", CODE, "--month", MONTH, "-o", "{dir}/pack.pdf"),
     "Gói họp là tệp HTML: hãy đặt tên tệp có đuôi .html"),
    (("--commune", CODE, "--month", MONTH, "-o", "{dir}/nowhere/pack.html"),
     "không tồn tại"),
    (("--commune", "99999", "--month", MONTH, "-o", "{out}"), "Không có xã nào mang mã 99999"),
])
def test_xkmt_pack_refuses_bad_arguments_in_vietnamese_and_writes_nothing(
        cli, demo, tmp_path, capsys, args, said):
    usb = tmp_path / "usb"
    usb.mkdir()
    before = snapshot(demo)
    args = [a.format(out=usb / "pack.html", dir=usb) for a in args]
    assert cli("pack", *args) in (1, 2)
    err = capsys.readouterr().err
    assert said in err, err
    assert list(usb.iterdir()) == []
    assert snapshot(demo) == before and _print_events(demo) == []


# --- the web ------------------------------------------------------------------------------
# Tests that only read (refused requests, nothing printed) share the module's app
# (``full_shared``); a pack downloaded is audited: those tests take their own ``full``.

def _map_form(client) -> BeautifulSoup | None:
    page = BeautifulSoup(client.get(f"/communes/{CODE}/map?month={MONTH}").text,
                         "html.parser")
    return page.select_one("form.pack-form")


@contextmanager
def form_token_only(client):
    """``client`` sending forms with their own hidden token only (none added), as the
    map page's form goes; the shared client's own setting is restored after."""
    csrf, client.csrf = client.csrf, None
    try:
        yield client
    finally:
        client.csrf = csrf


def _submit(client, form, **changes):
    """The map page's pack form as the browser sends it: its own hidden fields."""
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    select_ = form.select_one("select[name=role]")
    if select_ is not None:
        data["role"] = select_.select_one("option[selected]")["value"]
    return client.post(form["action"], data={**data, **changes})


def test_the_police_download_the_pack_from_the_map_page(full, settings):
    police = client_as(settings, full, "police")
    police.csrf = None  # the form's own token only
    form = _map_form(police)
    roles = [o["value"] for o in form.select("select[name=role] option")]
    assert roles == ["", "police"]  # none chosen: the default, the meeting's (a leader's)
    response = _submit(police, form, layer="risk")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert f"xkmt_{CODE}_{MONTH}_risk_leader.html" in response.headers["content-disposition"]
    html = response.text
    assert _config(html)["layer"] == "risk" and external_references(html) == []
    assert _codes_in(html, _person_codes(full)) == set()  # the default: masked
    own = _submit(police, form, role="police")
    assert own.status_code == 200 and _codes_in(own.text, _person_codes(full))
    events = _print_events(full)
    assert [json.loads(e.detail)["role"] for e in events] == ["leader", "police"]
    assert {e.username for e in events} == {"police_1"}


def test_leaders_download_a_masked_pack_and_nothing_more(full, settings):
    leader = client_as(settings, full, "leader")
    leader.csrf = None
    form = _map_form(leader)
    assert form.select("select[name=role]") == []
    response = _submit(leader, form)
    assert response.status_code == 200 and "Gói họp giao ban" in response.text
    assert _codes_in(response.text, _person_codes(full)) == set()
    assert _submit(leader, form, role="police").status_code == 403
    assert len(_print_events(full)) == 1


def test_viewers_have_no_pack_and_a_link_makes_none(full_shared):
    viewer = full_shared.client("viewer")
    assert _map_form(viewer) is None
    assert viewer.post(f"/communes/{CODE}/pack.html", data={"month": MONTH}).status_code \
        == 403
    with form_token_only(full_shared.client("police")) as police:
        link = police.get(f"/communes/{CODE}/pack.html?month={MONTH}",
                          follow_redirects=False)
        assert link.status_code == 303
        assert link.headers["location"] == f"/communes/{CODE}/map"
        forged = police.post(f"/communes/{CODE}/pack.html", data={"month": MONTH})  # no token
        assert forged.status_code == 403
        assert police.post("/communes/99999/pack.html", data={
            "csrftoken": _map_form(police).select_one("input[name=csrftoken]")["value"]}
        ).status_code == 404
    assert _print_events(full_shared.sessions) == []


@pytest.mark.parametrize(("changes", "said"), [
    ({"month": "2025-13"}, "“2025-13” không phải là một tháng"),
    ({"layer": "P99"}, "“P99” không phải là một lớp của bản đồ"),
    ({"role": "admin"}, "“admin” không phải là đối tượng được lập gói họp"),
])
def test_a_bad_field_answers_400_with_the_reason(full_shared, changes, said):
    with form_token_only(full_shared.client("police")) as police:
        response = _submit(police, _map_form(police), **changes)
    assert response.status_code == 400
    assert said in BeautifulSoup(response.text, "html.parser").select_one("main").get_text()
    assert _print_events(full_shared.sessions) == []
