"""Dependencies as named types: settings, database session, language. Those that do no
I/O are ``async``: FastAPI runs a plain function in a worker thread, a hop per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.i18n import LOCALES
from app.params import read_month
from app.settings import Settings

LANG_COOKIE = "xkmt_lang"


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for the request. Opening one does no I/O (it connects at its
    first query, in the route's thread); closing it gives the connection back with a
    rollback, a round trip at most: cheaper here than two trips to a worker thread."""
    with request.app.state.sessions() as session:
        yield session


def get_locale(request: Request) -> str:
    """``?lang=`` first, then the cookie the switch set, then the default (Vietnamese)."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LOCALES:
            return candidate
    return request.app.state.settings.default_locale


async def _locale(request: Request) -> str:
    return get_locale(request)


async def get_month(month: str | None = None) -> str | None:
    """``?month=YYYY-MM`` within the months the app can show (else 400); None if absent."""
    return read_month(month)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
LocaleDep = Annotated[str, Depends(_locale)]
MonthDep = Annotated[str | None, Depends(get_month)]
