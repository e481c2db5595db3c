"""What one cached answer costs in-process: the time per request, and where it goes.

Run: .venv/bin/python bench/request_cost.py [--requests 500] [--profile ANSWER] [--top 25]

Loads the demo into a temporary SQLite database, signs a leader in through the login form
and asks, one request after another through the app's ASGI interface (httpx's
``ASGITransport``: no network, no server), for each answer of ``bench/load.py`` once to
warm its caches, then ``--requests`` times. Prints the mean milliseconds per request.
With ``--profile`` (an answer's name: "map page", "villages GeoJSON"…) it runs that
answer again under cProfile, with the threadpool's work run inline so that the profile
sees it, and prints the ``--top`` functions by cumulative time.

Less noisy than ``bench/load.py`` on a shared machine: it measures the work a request
takes, not how long it waits for a CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

import anyio.to_thread
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py)

from app import imports  # noqa: E402
from app.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.security import create_user, password_hasher  # noqa: E402
from app.settings import Settings  # noqa: E402

USER, PASSWORD = "bench-leader", "bench-password-12"
# the answers bench/load.py puts under load, and a page that computes nothing
ANSWERS = {**load.ANSWERS, "password page": "/account/password"}


async def _sign_in(client: httpx.AsyncClient) -> None:
    login = (await client.get("/login")).text
    token = re.search(r'name="csrftoken" value="([^"]+)"', login).group(1)
    answer = await client.post("/login", data={"username": USER, "password": PASSWORD,
                                               "csrftoken": token, "next": "/"})
    assert answer.status_code == 303, answer.text[:300]


async def _ask(client: httpx.AsyncClient, url: str, n: int) -> float:
    """Mean seconds per request over ``n`` requests."""
    start = time.perf_counter()
    for _ in range(n):
        answer = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, (url, answer.status_code)
    return (time.perf_counter() - start) / n


async def _inline(func, *args, **_options):
    """``anyio.to_thread.run_sync`` without the thread: cProfile sees one thread only."""
    return func(*args)


async def _run(app, n: int, profile: str | None, top: int) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await _sign_in(client)
        print(f"{n} requests each, one after another, in-process, signed-in leader")
        for name, url in ANSWERS.items():
            await _ask(client, url, 1)  # warm
            print(f"{name:18} {await _ask(client, url, n) * 1000:8.2f} ms per request")
        if profile:
            threaded = anyio.to_thread.run_sync
            anyio.to_thread.run_sync = _inline
            profiler = cProfile.Profile()
            try:
                profiler.enable()
                await _ask(client, ANSWERS[profile], n)
                profiler.disable()
            finally:
                anyio.to_thread.run_sync = threaded
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", choices=sorted(ANSWERS))
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", tiles="none",
                            secret_key="bench-secret-key-not-for-use",
                            password_hash_cost="test")
        upgrade(settings.database_url)
        sessions = session_factory(make_engine(settings.database_url))
        imports.load_demo(sessions, settings)
        with transaction(sessions) as session:
            user, _ = create_user(session, USER, "leader", communes=["15178"],
                                  password=PASSWORD, hasher=password_hasher("test"))
            user.must_change_password = False
        asyncio.run(_run(create_app(settings), args.requests, args.profile, args.top))


if __name__ == "__main__":
    main()
