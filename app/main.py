"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import errors
from app.db import make_engine, session_factory
from app.routes import (
    api,
    audit,
    auth,
    dashboard,
    pack,
    pages,
    patrol,
    patrol_results,
    records,
    styles,
    tasks,
    transfer,
    venues,
    villages,
)
from app.routes import reports as report_routes
from app.routes.prints import router as prints_router
from app.security import secret_key
from app.settings import Settings, proxy_list
from app.web_security import BodyLimit, CsrfMiddleware, SecurityHeaders, csrf_failed

STATIC = Path(__file__).resolve().parent / "static"


class MissingAssets(RuntimeError):
    """The npm-installed front-end assets are not where the settings say."""


# The garbage collector's thresholds while serving: a young generation of 10,000 objects
# instead of 700 (see ``_serving``).
GC_THRESHOLDS = (10_000, 10, 10)


@asynccontextmanager
async def _serving(_app: FastAPI) -> AsyncIterator[None]:
    """Before the first request: the objects made so far (the imported libraries, some
    270,000) set aside from garbage collection, and the young generation made larger.
    A full collection went over all of them every few seconds under load, each pausing
    every request for 0.1 to 1 s (measured with bench/load.py); what the caches hold and
    what requests make is still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="xkmt", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_serving)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessions = session_factory(app.state.engine)
    app.state.login_slots = anyio.Semaphore(settings.login_concurrency)  # sign-ins at once
    # frames, views and finished answers are cached with the engine: app.frame.caching.caches
    _add_middleware(app, settings)
    _mount_assets(app, settings)
    for router in (styles.router, auth.router, pages.router, dashboard.router, tasks.router,
                   api.router, audit.router, villages.router, patrol.router, pack.router,
                   report_routes.router,
                   prints_router, patrol_results.router, venues.router,
                   transfer.router,  # before records: /records/import, /records/{type}/…xlsx
                   records.router):
        app.include_router(router)
    errors.install(app)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # The last added runs first: headers and limits outside, then session, then CSRF.
    key = secret_key(settings)
    app.add_middleware(CsrfMiddleware, on_failure=csrf_failed)  # tokens live in the session
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="xkmt_session",
                       max_age=settings.session_hours * 3600, same_site="lax",
                       https_only=settings.secure_cookies)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    # Uploads over the limit get a helpful page from their route; the middleware stops
    # anything far larger (1 MB of margin for the multipart wrapping) before it is read.
    app.add_middleware(BodyLimit, max_bytes=(settings.max_upload_mb + 1) * 1_000_000)
    app.add_middleware(SecurityHeaders, tiles=settings.tiles, hsts=settings.secure_cookies)
    if settings.trusted_proxies:  # outermost: everything inside sees the real client
        app.add_middleware(ProxyHeadersMiddleware,
                           trusted_hosts=proxy_list(settings.trusted_proxies))


def _mount_assets(app: FastAPI, settings: Settings) -> None:
    leaflet = settings.assets_dir / "leaflet" / "dist"
    if not (leaflet / "leaflet.js").exists():
        raise MissingAssets(
            f"Leaflet not found in {leaflet}: run `npm ci` (or `make run`) first.")
    app.mount("/vendor/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    for name in ("leaflet.markercluster", "leaflet.heat"):  # map plugins, same rule
        folder = settings.assets_dir / name / "dist"
        if not folder.is_dir():
            raise MissingAssets(f"{name} not found in {folder}: run `npm ci` first.")
        app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=name)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
