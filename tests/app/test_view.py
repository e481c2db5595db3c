"""One view of the frame per role (issue 11, points 1 and 8): the view is the only place
that masks; the point layers travel with the frame; a change touches only its months;
the finished answers are cached with an ETag."""

from __future__ import annotations

import ast
import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from tests.conftest import client_as, map_data
from tests.factories import save_records

ROOT = Path(__file__).resolve().parents[2]
MASKING = {"app.frame.masking", "app.shaping", "app.privacy"}  # the rules, and their old home
BASE = "/communes/15178"


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports (``from app import x`` counts as ``app.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_view_applies_the_masking_rules_and_no_route_reads_the_raw_frame():
    allowed = {"app/frame/view.py", "app/frame/masking.py"}  # the view, and the rules themselves
    for path in sorted((ROOT / "app").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name not in allowed:
            assert not _imports(path) & MASKING, f"{name} masks on its own"
            assert "Shaper(" not in path.read_text(encoding="utf-8"), name
    for path in [*(ROOT / "app" / "routes").glob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for raw in ("state.frames", "loading.compute", "load_tables", "FrameResult",
                    "caching.frame(", "shaping", "masking", "Shaper"):
            assert raw not in text, f"{path.name} reads the frame or masks itself: {raw}"


@contextmanager
def _queries(app):
    """The SQL statements the app runs inside the block."""
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement.lower())

    event.listen(app.state.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(app.state.engine, "before_cursor_execute", listen)


def _reads(seen: list[str], *tables: str) -> list[str]:
    """The statements loading the rows of ``tables`` (as the frame's tables are)."""
    return [s for s in seen for t in tables if re.match(rf"\s*select {t}\.code\b", s)]


POINTS = ("tip_box", "venue", "school", "tip")


def test_the_point_layers_travel_with_the_frame_and_no_layer_redraws_the_map(demo,
                                                                             settings):
    police = client_as(settings, demo, "police")
    assert save_records(demo, "venues", [{"code": "V-1", "name": "Karaoke", "kind":
                                          "karaoke", "lat": "20.125", "lon": "105.535"}]) == []
    url = f"{BASE}/map?month=2025-10"
    assert police.get(url).status_code == 200
    others = (url + "&layer=P14", url + "&lang=en", url + "&layer=risk&lang=en")
    with _queries(police.app) as seen:
        pages = [police.get(other) for other in others]
    # another layer, another language: the frame (and its points) from the cache
    assert _reads(seen, *POINTS) == []
    for page in pages:
        assert "V-1" in str(map_data(police, _soup(page))["drawn"]["points"])


def _soup(response):
    from bs4 import BeautifulSoup
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def test_a_change_touches_only_the_months_from_its_date_on(demo, settings):
    police = client_as(settings, demo, "police")
    incident = {"kind": "arrest", "village": "T01", "persons": "1"}
    assert save_records(demo, "incidents", [{"code": "VV-1", "date": "10/02/2025",
                                             **incident}]) == []
    early, late = (f"/api{BASE}/villages.geojson?month={m}" for m in ("2025-03", "2025-09"))
    before = {url: police.get(url) for url in (early, late)}
    assert save_records(demo, "incidents", [{"code": "VV-2", "date": "15/06/2025",
                                             **incident}]) == []
    with _queries(police.app) as seen:
        again = police.get(early)
    assert _reads(seen, "incident", *POINTS) == []  # March: nothing reloaded
    assert again.headers["etag"] == before[early].headers["etag"]
    with _queries(police.app) as seen:
        assert police.get(late).status_code == 200
    assert _reads(seen, "incident")  # September: computed again, with the new case
    assert save_records(demo, "persons", [{  # not a dated event: every month again
        "code": "NG-1", "village": "T01", "category": "addict", "status": "no_treatment",
        "status_date": "01/11/2024"}]) == []
    with _queries(police.app) as seen:
        assert police.get(early).status_code == 200
    assert _reads(seen, "incident")


def test_answers_carry_an_etag_are_gzipped_and_not_sent_again(demo, settings):
    police = client_as(settings, demo, "police")
    leader = client_as(settings, demo, "leader")
    for url in (f"/api{BASE}/villages.geojson?month=2025-10",
                f"/api{BASE}/compliance?month=2025-10", f"{BASE}/map.json?month=2025-10"):
        first = police.get(url, headers={"Accept-Encoding": "gzip"})
        assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
        etag = first.headers["etag"]
        assert "private" in first.headers["cache-control"]
        again = police.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        plain = police.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.json() == first.json()
        other = leader.get(url, headers={"If-None-Match": etag})  # shaped for a leader
        assert other.status_code == 200 and other.headers["etag"] != etag, url


def test_a_cached_page_asks_the_database_little_and_parses_no_plan(demo, settings):
    """The month list is one query per data version (not seven MIN/MAX per request), the
    plans' TOML files are parsed once."""
    from geo.engine.plans import shipped_plans

    assert [id(p) for p in shipped_plans()] == [id(p) for p in shipped_plans()]
    police = client_as(settings, demo, "police")
    assert save_records(demo, "incidents", [{"code": "VV-1", "date": "10/02/2025",
                                             "kind": "arrest", "village": "T01"}]) == []
    for url in (f"{BASE}/dashboard", f"{BASE}/map?month=2025-02"):
        assert police.get(url).status_code == 200
        with _queries(police.app) as seen:
            assert police.get(url).status_code == 200
        assert not [s for s in seen if "min(" in s], url  # the months: from the cache
    assert len(seen) <= 8, seen  # the map: the sign-in check, the commune, the version
