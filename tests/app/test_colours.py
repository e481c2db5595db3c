"""Guard: colours live only in geo/legends.py (issue 11, point 2). The page's style sheet
reads them as CSS variables from the generated ``/legend.css`` and the map's script as JSON
data, so the dashboard, the panel badges, the map and prints agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.main import create_app
from geo import legends
from geo.vocab import VENUE_KINDS
from tests.conftest import client_as, map_data

ROOT = Path(__file__).resolve().parents[2]
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", re.IGNORECASE)
SOURCES = sorted(p for folder in ("app", "geo", "templates") for p in (ROOT / folder).rglob("*")
                 if p.suffix in {".py", ".js", ".css", ".html"}
                 and p != ROOT / "geo" / "legends.py")
CSS = re.sub(r"/\*.*?\*/", "", (ROOT / "app" / "static" / "xkmt.css").read_text(
    encoding="utf-8"), flags=re.DOTALL)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_colour_is_written_outside_geo_legends(path):
    found = [(n, m.group(0)) for n, line in enumerate(
        path.read_text(encoding="utf-8").splitlines(), 1) for m in COLOUR.finditer(line)]
    assert found == []


def test_the_colour_pattern_finds_colours():
    assert [COLOUR.search(t) is not None for t in (
        "color: #fff;", "fill: #4dac26", "rgba(0,0,0,.35)", "url(#xkmt-hatch)", "# a comment",
        "href='#village-T01'")] == [True, True, True, False, False, False]


def test_every_variable_the_style_sheet_reads_is_generated():
    defined = set(legends.css_variables())
    used = set(re.findall(r"var\((--[\w-]+)\)", CSS))
    assert used and used - defined == set()
    unused = {n for n in defined if n.startswith("--ui-")} - used
    assert unused == set()  # no dead colour in the palette


def _rules(selector: str) -> list[str]:
    """The declarations of every rule whose selector list names ``selector``."""
    out = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        if selector in [s.strip() for s in selectors.split(",")]:
            out.append(body)
    return out


def test_each_status_badge_is_styled_once_from_the_legend():
    """``.status-met`` was defined twice (panel and dashboard) with two greens."""
    paint = re.compile(r"(?<![-\w])(?:background|background-color|color)\s*:")
    for key in legends.STATUS.keys():
        rules = [r for r in _rules(f".status-{key}") if paint.search(r)]
        assert len(rules) == 1, key
        assert f"var(--status-{key})" in rules[0]


def test_the_dashboards_risk_colours_are_the_maps():
    for key in ("I", "II", "III", "none"):  # the levels the dashboard shows
        (rule,) = _rules(f".risk-{key}")
        assert f"background: var(--risk-{key})" in rule


def test_the_hatch_is_one_style():
    """The legend's swatch and the badges use the map's hatch (period, stripe, colour)."""
    (rule,) = _rules(".swatch.hatch")
    assert "var(--hatch-line)" in rule and "var(--hatch-period)" in rule
    sheet = legends.css_variables()
    assert sheet["--hatch-period"] == f"{legends.HATCH_PERIOD}px"


def test_the_legend_style_sheet_is_served_to_everyone(settings, sessions):
    client = TestClient(create_app(settings))
    response = client.get("/legend.css")  # no sign-in: the login page wears it too
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert f"--risk-I: {legends.RISK.category('I').colour};" in response.text
    assert f"--status-met: {legends.STATUS.category('met').colour};" in response.text
    again = client.get("/legend.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    links = [link["href"] for link in BeautifulSoup(client.get("/login").text, "html.parser")
             .select("link[rel=stylesheet]")]
    assert links.index("/legend.css") < links.index("/static/xkmt.css")


def test_the_map_script_gets_its_colours_as_data(client):
    page = BeautifulSoup(client.get("/communes/15178/map").text, "html.parser")
    config = map_data(client, page)  # the page's block and the JSON its script fetches
    colours = config["drawn"]["colours"]
    assert colours["chosen_line"] == legends.MAP_COLOURS["chosen_line"]
    assert colours["hatch"]["back"] == legends.STATUS.category("no_data").colour
    assert colours["hatch"]["line"] == legends.HATCH_LINE


@pytest.mark.parametrize("role, heat", [("police", True), ("leader", False)])
def test_every_symbol_drawn_has_a_legend(settings, demo, role, heat):
    client = client_as(settings, demo, role)
    page = BeautifulSoup(client.get("/communes/15178/map").text, "html.parser")
    shown = {ul["data-legend"] for ul in page.select(".point-legend ul[data-legend]")}
    assert shown == {"venues", "venue_letters", "tip_boxes", "schools"} | (
        {"tips_heat"} if heat else set())
    letters = page.select(".point-legend ul[data-legend=venue_letters] li")
    assert [li["data-category"] for li in letters] == list(VENUE_KINDS)
