"""Benchmark the map page: bytes a browser transfers, and time to serve it.

Run: .venv/bin/python bench/map_page.py   (needs Chromium; uses a temporary database)

Signs in as a police account (the heaviest page: every layer, the tips heat layer) and
prints the bytes of every request the risk map page (10/2025 of the demo) makes in headless
Chromium (tiles blocked), and the mean time to serve the map page against the villages
GeoJSON of the same commune as a baseline, with the ratio.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import imports  # noqa: E402
from app.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.security import create_user, password_hasher  # noqa: E402
from app.settings import Settings  # noqa: E402

USER, PASSWORD = "bench-police", "bench-password-12"
PAGE = "/communes/15178/map?month=2025-10"


def _serve(settings: Settings) -> tuple[str, uvicorn.Server]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _transferred(url: str) -> list[tuple[str, int, int]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(url.split("/communes")[0] + "/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname
                   == "127.0.0.1" else r.abort())
        page.on("requestfinished", lambda req: rows.append(
            (urlparse(req.url).path, req.sizes()["responseBodySize"],
             len(req.response().body()))))
        page.goto(url, wait_until="networkidle")
        browser.close()
    return rows


def _timing(url: str, n: int) -> float:
    with httpx.Client() as client:
        base = url.split("/communes")[0].split("/api")[0]
        login = client.get(f"{base}/login").text  # the form's hidden CSRF token
        token = re.search(r'name="csrftoken" value="([^"]+)"', login).group(1)
        client.post(f"{base}/login", data={"username": USER, "password": PASSWORD,
                                          "csrftoken": token, "next": "/"})
        client.get(url)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            client.get(url).raise_for_status()
            times.append(time.perf_counter() - start)
    return statistics.mean(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", tiles="OpenStreetMap")
        upgrade(settings.database_url)
        sessions = session_factory(make_engine(settings.database_url))
        imports.load_demo(sessions, settings)
        with transaction(sessions) as session:
            user, _ = create_user(session, USER, "police", communes=["15178"],
                                  password=PASSWORD,
                                  hasher=password_hasher(settings.password_hash_cost))
            user.must_change_password = False
        base, server = _serve(settings)
        rows = _transferred(f"{base}{PAGE}")
        print(f"{'request':45} {'transferred':>12} {'decoded':>10}")
        for path, sent, size in rows:
            print(f"{path:45} {sent:>12,} {size:>10,}")
        print(f"{'total (' + str(len(rows)) + ' requests)':45} "
              f"{sum(r[1] for r in rows):>12,} {sum(r[2] for r in rows):>10,}")
        page = _timing(f"{base}{PAGE}", 20)
        geojson = _timing(f"{base}/api/communes/15178/villages.geojson", 50)
        print(f"map page: {page * 1000:.1f} ms/request; villages GeoJSON (baseline): "
              f"{geojson * 1000:.1f} ms/request; ratio {page / geojson:.1f}x")
        server.should_exit = True


if __name__ == "__main__":
    main()
