"""Benchmark the map, its data and the dashboard under load: cached against built fresh.

Run: .venv/bin/python bench/load.py [--clients 20] [--seconds 15]

Loads the demo into a temporary SQLite database, serves the app with one uvicorn worker
(a separate process, ``XKMT_TILES=none``), signs ``--clients`` leaders in (the commune's
readers of the map and the dashboard) and has
them ask for each answer below as fast as they can for ``--seconds``, twice:

- **fresh**: before each request the client writes a row of the change log (as any
  saved record does), so every answer is built from the database again;
- **cached**: nothing changes, so answers come from the caches.

Prints, per answer and phase, the requests per second, p50 and p99 latency, and the
ratio of cached to fresh throughput (measured in the same run, on the same machine).
Answers: the map page (its HTML, and its data as JSON when the page fetches them), the
villages GeoJSON with every indicator of the month, the dashboard.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import imports  # noqa: E402
from app.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from app.security import create_user, password_hasher  # noqa: E402
from app.settings import Settings  # noqa: E402

USER, PASSWORD = "bench-leader-{}", "bench-password-12"
MONTH = "2025-10"
ANSWERS = {
    "map page": f"/communes/15178/map?month={MONTH}",
    "map data (JSON)": f"/communes/15178/map.json?month={MONTH}",
    "villages GeoJSON": f"/api/communes/15178/villages.geojson?month={MONTH}",
    "dashboard": f"/communes/15178/dashboard?month={MONTH}",
}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "XKMT_DATABASE_URL": database_url, "XKMT_TILES": "none",
           "XKMT_SECRET_KEY": "bench-secret-key-not-for-use", "XKMT_PASSWORD_HASH_COST": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--workers", "1",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


async def _sign_in(client: httpx.AsyncClient, user: str) -> None:
    login = (await client.get("/login")).text  # the form's hidden CSRF token
    token = re.search(r'name="csrftoken" value="([^"]+)"', login).group(1)
    answer = await client.post("/login", data={"username": user, "password": PASSWORD,
                                               "csrftoken": token, "next": "/"})
    assert answer.status_code == 303, answer.text[:300]


def _touch(db: str) -> None:
    """A change-log row as a saved record writes (no month named: every month)."""
    with sqlite3.connect(db, timeout=30) as con:
        con.execute("INSERT INTO change_log (at, actor, commune_code, record_type, action,"
                    " changes) VALUES (?, 'bench', '15178', 'bench', 'update', '{}')",
                    (dt.datetime.now(dt.UTC).isoformat(),))


async def _client(client, url: str, until: float, fresh: str | None, times: list,
                  errors: list) -> None:
    headers = {"Accept-Encoding": "gzip"}
    while time.perf_counter() < until:
        if fresh:
            await asyncio.to_thread(_touch, fresh)
        start = time.perf_counter()
        try:
            answer = await client.get(url, headers=headers)
        except httpx.TransportError:
            errors.append("transport")
            continue
        if answer.status_code != 200:
            errors.append(answer.status_code)
            continue
        times.append(time.perf_counter() - start)


async def _phase(clients, url: str, seconds: float, fresh: str | None) -> dict:
    times: list[float] = []
    errors: list = []
    await clients[0].get(url)  # warm: the first answer of a cached phase is built
    start = time.perf_counter()
    await asyncio.gather(*(_client(c, url, start + seconds, fresh, times, errors) for c in clients))
    elapsed = time.perf_counter() - start
    times.sort()
    at = (lambda q: times[min(len(times) - 1, int(len(times) * q))]) if times else \
        (lambda q: float("nan"))
    return {"rps": len(times) / elapsed, "n": len(times), "errors": len(errors),
            "p50": at(0.5), "p99": at(0.99)}


async def _run(base: str, db: str, n: int, seconds: float) -> None:
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, limits=limits, timeout=120) for _ in range(n)]
    for i, client in enumerate(clients):
        await _sign_in(client, USER.format(i))
    print(f"{n} clients, {seconds:.0f} s per phase, one uvicorn worker, demo commune, "
          f"month {MONTH}")
    print(f"{'answer':18} {'phase':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'n':>6} "
          f"{'errors':>6}")
    for name, url in ANSWERS.items():
        if (await clients[0].get(url)).status_code == 404:
            print(f"{name:18} (not served here)")
            continue
        figures = {}
        for phase, fresh in (("fresh", db), ("cached", None)):
            f = figures[phase] = await _phase(clients, url, seconds, fresh)
            print(f"{name:18} {phase:7} {f['rps']:8.1f} {f['p50'] * 1000:8.0f} "
                  f"{f['p99'] * 1000:8.0f} {f['n']:6} {f['errors']:6}")
        print(f"{name:18} ratio   {figures['cached']['rps'] / figures['fresh']['rps']:8.1f}x")
    for client in clients:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/bench.db"
        settings = Settings(database_url=f"sqlite:///{db}", tiles="none")
        upgrade(settings.database_url)
        sessions = session_factory(make_engine(settings.database_url))
        imports.load_demo(sessions, settings)
        with transaction(sessions) as session:
            for i in range(args.clients):
                user, _ = create_user(session, USER.format(i), "leader", communes=["15178"],
                                      password=PASSWORD, hasher=password_hasher("test"))
                user.must_change_password = False
        port = _port()
        server = _serve(settings.database_url, port)
        try:
            asyncio.run(_run(f"http://127.0.0.1:{port}", db, args.clients, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
