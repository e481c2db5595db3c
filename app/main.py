"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import make_engine, session_factory
from app.deps import get_locale
from app.i18n import gettext_for, jinja_env
from app.routes import api, pages, records, transfer
from app.settings import Settings
from geo.errors import UnknownCommune

STATIC = Path(__file__).resolve().parent / "static"


class MissingAssets(RuntimeError):
    """The npm-installed front-end assets are not where the settings say."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="xkmt", docs_url=None, redoc_url=None)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessions = session_factory(app.state.engine)
    _mount_assets(app, settings)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(transfer.router)  # before records: /records/import, /records/{type}/…xlsx
    app.include_router(records.router)
    app.add_exception_handler(UnknownCommune, _unknown_commune)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    return app


def _mount_assets(app: FastAPI, settings: Settings) -> None:
    leaflet = settings.assets_dir / "leaflet" / "dist"
    if not (leaflet / "leaflet.js").exists():
        raise MissingAssets(
            f"Leaflet not found in {leaflet}: run `npm ci` (or `make run`) first.")
    app.mount("/vendor/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _unknown_commune(request: Request, exc: UnknownCommune):
    locale = get_locale(request)
    _ = gettext_for(locale)
    message = _("No commune has the code {code}.").format(code=exc.code)
    return _error(request, 404, message, locale)


async def _http_error(request: Request, exc: StarletteHTTPException):
    locale = get_locale(request)
    _ = gettext_for(locale)
    message = _("Page not found.") if exc.status_code == 404 else _("Request refused.")
    return _error(request, exc.status_code, message, locale)


def _error(request: Request, status: int, message: str, locale: str):
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    html = jinja_env(locale).get_template("error.html").render(
        message=message, status=status, request_path=request.url.path)
    return HTMLResponse(html, status_code=status)
