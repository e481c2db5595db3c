"""Hostile names on the map, in a real browser (issue 9, point 1): village codes and names
and the records' texts hold template-literal, script-ending, quoting and HTML payloads;
every role opens the map with every overlay on, hovers every village and point and opens
every village's panel. Nothing may run, nothing may break, and every text shows as typed.
"""

from __future__ import annotations

import shutil
import time

import pytest

from app.db import make_engine, session_factory
from app.main import create_app
from tests.browser.conftest import ROLES, block_outside, serving, sign_in_page
from tests.conftest import make_user, settings_for
from tests.payloads import MONTH, load_payload_commune

pytestmark = [pytest.mark.browser, pytest.mark.heavy]  # heavy: started first

# A refused inline script or handler fires this event; make it a console error too.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI); });"""
# The map's position of a point, after centring the map on it at street level.
CENTRE_ON = """([lat, lon]) => {
  const map = window[document.querySelector(".folium-map").id];
  map.setView([lat, lon], 18, {animate: false});
  const at = map.latLngToContainerPoint([lat, lon]);
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + at.x, box.top + at.y];
}"""


@pytest.fixture(scope="module")
def payload_database(demo_database, tmp_path_factory):
    """A copy of the demo with the payload commune and ``live_server``'s accounts, made once
    for both tiles settings (the test only reads it); its settings and what was placed."""
    folder = tmp_path_factory.mktemp("payload")
    shutil.copy(demo_database, folder / "xkmt.db")
    settings = settings_for(folder / "xkmt.db")
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    placed = load_payload_commune(sessions, settings, folder)
    for role in ROLES:
        make_user(sessions, role, role)
    engine.dispose()
    return settings, placed


@pytest.fixture
def payload_map(request, payload_database):
    """The payload commune served with the ``tiles`` setting of the parameter."""
    settings, placed = payload_database
    with serving(create_app(settings.model_copy(update={"tiles": request.param}))) as base:
        yield base, placed


def _watch(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "errors": []}

    def dialog(d) -> None:
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    # blocked tiles log "Failed to load resource"; anything else counts
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error"
            and "Failed to load resource" not in msg.text else None)
    page.add_init_script(CSP_WATCH)
    return seen


def _tooltips_after_hover(page, x: float, y: float, wanted: str, where=None) -> str:
    """Hover (x, y) until a tooltip holding ``wanted`` shows; the tooltips' text.
    ``where()`` gives the point again on each further try (the map may still be moving)."""
    texts, deadline = "", time.monotonic() + 10  # a loaded machine (parallel tests) is slow
    tries = 0
    while time.monotonic() < deadline:  # clusters re-form after a zoom: hover until drawn
        if where is not None and tries:
            x, y = where()
        tries += 1
        page.mouse.move(x + 30, y + 30)
        page.mouse.move(x, y)
        texts = "\n".join(page.locator(".leaflet-tooltip").all_inner_texts())
        if wanted in texts:
            break
        time.sleep(0.05)
    return texts


# Where each village's label is drawn, by its text (the map stays put while hovering).
LABEL_CENTRES = """() => Object.fromEntries([...document.querySelectorAll(".xkmt-label")]
  .map(l => { const b = l.getBoundingClientRect();
              return [l.innerText, [b.x + b.width / 2, b.y + b.height / 2]]; }))"""


def _hover_villages(page, names: list[str]) -> None:
    centres = page.evaluate(LABEL_CENTRES)
    for name in names:  # a label sits on a point inside its village; it lets hovers through
        assert name in centres, (name, sorted(centres))
        shown = _tooltips_after_hover(page, *centres[name], name)
        assert name in shown, (name, shown)


def _every_overlay_on(page) -> int:
    boxes = page.locator(".leaflet-control-layers-overlays input[type=checkbox]")
    for i in range(boxes.count()):
        if not boxes.nth(i).is_checked():
            boxes.nth(i).check()
    return boxes.count()


def _hover_points(page, points, shown_as) -> None:
    for point in points:
        x, y = page.evaluate(CENTRE_ON, [point[2], point[3]])
        wanted = shown_as(point)
        shown = _tooltips_after_hover(page, x, y, wanted, where=lambda p=point: page.evaluate(
            CENTRE_ON, [p[2], p[3]]))
        assert wanted in shown, (wanted, shown)


# Every village's panel as it shows, with its details opened: each chosen from the list as
# Playwright's ``select_option`` chooses (the value set, then "input" and "change"), in one
# round trip; map.js fills the panel as the list changes.
PANELS = """(codes) => {
  const picker = document.getElementById("village-select");
  const p = document.getElementById("village-panel");
  return codes.map(code => {
    picker.value = code;
    picker.dispatchEvent(new Event("input", {bubbles: true}));
    picker.dispatchEvent(new Event("change", {bubbles: true}));
    p.querySelectorAll("details").forEach(d => { d.open = true; });
    return {code: code, chosen: picker.value, hidden: p.hidden,
            name: p.querySelector(".village-name").innerText, text: p.innerText};
  });
}"""


def _panels(page, villages: dict[str, str]) -> str:
    """Open every village's panel from the list, with its details; all their text."""
    texts = []
    for panel in page.evaluate(PANELS, list(villages)):
        name = villages[panel["code"]]
        assert panel["chosen"] == panel["code"], panel  # the list holds every village
        assert not panel["hidden"] and panel["name"] == name, (panel, name)
        texts.append(panel["text"])
    assert len(texts) == len(villages)
    return "\n".join(texts)


def _check_role(page, base: str, placed, role: str) -> None:
    seen = _watch(page)
    block_outside(page)
    sign_in_page(page, base, role, then=f"/communes/15178/map?month={MONTH}")
    assert seen == {"dialogs": [], "errors": []}, role  # as the page loads

    names = list(placed.villages.values())
    labels = page.locator(".xkmt-label")
    labels.first.wait_for()
    assert sorted(labels.all_inner_texts()) == sorted(names)
    _hover_villages(page, names)
    overlays = _every_overlay_on(page)
    assert overlays == (4 if role == "police" else 3) + 3  # + villages, names, boundary
    _hover_points(page, placed.points["tip_boxes"], lambda p: p[0])
    _hover_points(page, placed.points["venues"], lambda p: p[0])
    _hover_points(page, placed.points["schools"], lambda p: p[1])

    panels = _panels(page, placed.villages)
    html = page.content()
    if role == "police":  # the person and the venues with a drug finding, by their codes
        assert placed.person in panels
        assert all(code in panels for code, *_ in placed.points["venues"])
    else:
        assert placed.person not in html and "heatLayer" not in html
    assert seen == {"dialogs": [], "errors": []}, role


# Every role without base tiles (the offline mode the README recommends); with the
# OpenStreetMap tiles (blocked: no outside host) the police, who see every overlay: the
# tiles change the base layer only, not what each role is shown.
@pytest.mark.parametrize(("payload_map", "roles"), [
    pytest.param("none", ROLES, id="none"),
    pytest.param("OpenStreetMap", ("police",), id="OpenStreetMap")], indirect=["payload_map"])
def test_hostile_names_show_as_typed_and_never_run(payload_map, roles, browser):
    base, placed = payload_map
    for role in roles:  # one commune for the roles: its frames are computed once
        context = browser.new_context(viewport={"width": 1280, "height": 800},
                                      locale="vi-VN")
        try:
            _check_role(context.new_page(), base, placed, role)
        finally:
            context.close()
