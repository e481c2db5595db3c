"""The colours a browser paints come from geo/legends.py (issue 11, points 2 and 6): the
dashboard's badges and risk levels are the map's legend colours, the map's "no data"
hatch is the legend's, and a cluster of venues wears the worst status it holds."""

from __future__ import annotations

import pytest

from geo import legends
from tests.browser.conftest import block_outside, enter

pytestmark = pytest.mark.browser


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


BACKGROUNDS = """(selector) => [...document.querySelectorAll(selector)].map(
  (e) => [e.className, getComputedStyle(e).backgroundColor])"""


@pytest.mark.parametrize("full_server", ["none"], indirect=True)  # the server of the next
def test_the_dashboard_wears_the_maps_colours(full_server, page):
    block_outside(page)
    enter(page, full_server, "leader", "/communes/15178/dashboard?month=2025-10")
    risks = page.evaluate(BACKGROUNDS, ".risk")
    assert risks, "the dashboard shows risk levels in 10/2025"
    for class_name, painted in risks:
        level = class_name.split("risk-")[-1]
        assert painted == _rgb(legends.RISK.category(level).colour), class_name
    statuses = page.evaluate(BACKGROUNDS, ".status-met, .status-not_met")
    assert {c.split("status-")[-1] for c, _p in statuses} == {"met", "not_met"}
    for class_name, painted in statuses:
        key = class_name.split("status-")[-1]
        assert painted == _rgb(legends.STATUS.category(key).colour), class_name


CLUSTERS = """async () => {  // the page's figures come as JSON from the address it holds
  const page = JSON.parse(document.getElementById("map-config").textContent);
  const cfg = await (await fetch(page.data)).json();
  const layer = cfg.drawn.points.find((p) => p.cluster);
  const group = window[layer.cluster];
  const out = [];
  group._featureGroup.eachLayer((l) => {
    if (!l.getAllChildMarkers || !l._icon) { return; }
    const span = l._icon.querySelector(".xkmt-cluster");
    out.push({held: l.getAllChildMarkers().map((m) => m.options.status),
              shown: span && span.dataset.status, count: span && span.textContent,
              classes: l._icon.className,
              painted: span && getComputedStyle(span).backgroundColor});
  });
  return out;
}"""


@pytest.mark.parametrize("full_server", ["none"], indirect=True)
def test_venue_clusters_wear_their_worst_status(full_server, page):
    block_outside(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    enter(page, full_server, "leader", "/communes/15178/map?month=2025-10")
    page.locator(".leaflet-control-layers-overlays label", has_text="Cơ sở kinh doanh") \
        .locator("input").check()
    page.evaluate("() => { const m = window[document.querySelector('.folium-map').id];"
                  " m.setZoom(m.getZoom() - 2, {animate: false}); }")
    page.locator(".leaflet-marker-pane .xkmt-cluster").first.wait_for(timeout=5000)
    clusters = page.evaluate(CLUSTERS)
    assert clusters and errors == []
    held = set()
    for cluster in clusters:
        worst = next(s for s in legends.VENUE_WORST_FIRST if s in cluster["held"])
        assert cluster["shown"] == worst, cluster
        assert cluster["painted"] == _rgb(legends.VENUES.category(worst).colour), cluster
        assert int(cluster["count"]) == len(cluster["held"])
        assert "marker-cluster-small" not in cluster["classes"]  # not the plugin's colours
        held |= set(cluster["held"])
    assert {"finding", "overdue"} & {c["shown"] for c in clusters}, clusters
    # the hatch of "no data" on the map is the legend's
    page.locator(".layer-list input[name=layer]").first.check()
    fill = page.evaluate("() => document.querySelector('#xkmt-hatch rect').getAttribute('fill')")
    assert fill == legends.STATUS.category("no_data").colour
