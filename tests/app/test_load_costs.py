"""What a cached answer costs (issue 11, point 8): the map page gzipped once with its
nonce and CSRF token put back per answer, the sign-in check and the data version the
only questions a cached answer asks the database, the dashboard's venue figures cached
per data version and following a change."""

from __future__ import annotations

import gc
import gzip
import re
import zlib

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event

from tests.conftest import client_as
from tests.factories import save_records

MONTH = "2025-10"
CACHED = [f"/communes/15178/map?month={MONTH}", f"/communes/15178/map.json?month={MONTH}",
          f"/api/communes/15178/villages.geojson?month={MONTH}"]


def test_a_page_gzipped_once_is_the_page_with_its_slots_filled():
    from app.rendering import _TOKEN, NONCE_SLOT, SharedPage

    for html in (f"{NONCE_SLOT}<p>thôn</p>{_TOKEN}{NONCE_SLOT}", "no slot at all", "",
                 f"<script nonce=\"{NONCE_SLOT}\">{'x' * 70_000}</script>{_TOKEN}"):
        page = SharedPage(html)
        for values in ({NONCE_SLOT: "abc", _TOKEN: "t" * 43},
                       {NONCE_SLOT: "", _TOKEN: "ồ" * 40_000}):  # a value over 64 KiB
            wanted = html.replace(NONCE_SLOT, values[NONCE_SLOT]).replace(
                _TOKEN, values[_TOKEN]).encode()
            assert page.body(values) == wanted
            assert gzip.decompress(page.gzipped(values)) == wanted
            # one gzip member: zlib reads it to its end with nothing left over
            unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
            assert unzip.decompress(page.gzipped(values)) == wanted
            assert unzip.eof and not unzip.unused_data


def _nonce(answer) -> str:
    return re.search(r"'nonce-([^']+)'", answer.headers["content-security-policy"]).group(1)


def test_the_cached_map_page_carries_each_answers_nonce_and_token_gzipped_or_not(
        demo, settings):
    leader = client_as(settings, demo, "leader")
    answers = [leader.get(CACHED[0], headers={"Accept-Encoding": encoding})
               for encoding in ("gzip", "gzip", "identity")]
    assert [a.headers.get("content-encoding") for a in answers] == ["gzip", "gzip", None]
    nonces = [_nonce(a) for a in answers]
    assert len(set(nonces)) == 3  # a new nonce per answer, though the page is cached
    token = leader.csrf
    for answer, nonce in zip(answers, nonces, strict=True):
        page = BeautifulSoup(answer.text, "html.parser")
        scripts = [s for s in page.select("script:not([src])")
                   if s.get("type") != "application/json"]  # data, not run
        assert scripts and {s["nonce"] for s in scripts} == {nonce}
        assert {i["value"] for i in page.select("input[name=csrftoken]")} == {token}
        assert "nonce-" not in answer.text.replace(f"nonce-{nonce}", "")  # no slot left


def _queries(client) -> list[str]:
    said: list[str] = []
    event.listen(client.app.state.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: said.append(statement))
    return said


@pytest.mark.parametrize("url", CACHED)
def test_a_cached_answer_asks_only_who_is_signed_in_and_the_data_version(demo, settings,
                                                                         url):
    leader = client_as(settings, demo, "leader")
    assert leader.get(url).status_code == 200  # built and cached
    said = _queries(leader)
    assert leader.get(url).status_code == 200
    assert len(said) == 2, said
    assert "login_session" in said[0] and "change_log" in said[1]


def test_the_cached_dashboard_asks_two_questions_and_follows_a_new_inspection(demo,
                                                                              settings):
    assert save_records(demo, "venues", [
        {"code": "CS-01", "name": "Karaoke Hoàng Gia", "kind": "karaoke", "village": "T01",
         "lat": 20.1407442, "lon": 105.5243995}]) == []
    leader = client_as(settings, demo, "leader")
    url = "/communes/15178/dashboard?month=2025-12"

    def on_time() -> list[str]:
        answer = leader.get(url)
        assert answer.status_code == 200
        row = BeautifulSoup(answer.text, "html.parser").select_one(
            "#venue-inspections tr[data-village=T01]")
        return [td.text for td in row.select("td")]

    assert on_time() == ["Thôn 1", "1", "0 (0%)"]  # never inspected
    said = _queries(leader)
    assert on_time() == ["Thôn 1", "1", "0 (0%)"]
    assert len(said) == 2, said
    assert save_records(demo, "inspections", [
        {"venue": "CS-01", "date": "20/12/2025", "result": "ok"}]) == []
    assert on_time() == ["Thôn 1", "1", "1 (100%)"]  # a new data version: built again


def test_a_scope_naming_a_commune_that_does_not_exist_finds_nothing(demo, settings):
    """The routes checked against the scope no longer look the commune up: the scope
    holds only communes that exist."""
    leader = client_as(settings, demo, "leader", "other", communes=("99999",))
    for url in ("/communes/99999/map", "/communes/99999/dashboard",
                f"/api/communes/99999/villages.geojson?month={MONTH}",
                "/api/communes/99999/compliance"):
        assert leader.get(url).status_code == 404, url


def test_serving_sets_the_imported_libraries_aside_from_garbage_collection(settings):
    """A full collection over every object of the imported libraries paused all requests
    for 0.1 to 1 s every few seconds under load: the served app freezes them first."""
    from fastapi.testclient import TestClient

    from app.main import GC_THRESHOLDS, create_app

    before = gc.get_threshold()
    try:
        with TestClient(create_app(settings)):  # runs the app's start-up, as uvicorn does
            assert gc.get_freeze_count() > 100_000
            assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
