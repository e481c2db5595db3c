"""Signing in and out, and changing one's password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlparse

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app import audit
from app.access import OWN_ACCOUNT, PUBLIC, Viewer
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for
from app.models import User
from app.rendering import render
from app.security import (
    check_password,
    end_session,
    end_sessions,
    forget_expired,
    open_session,
    password_hasher,
    release_attempt,
    reserve_attempt,
    set_password,
)
from app.settings import Settings

router = APIRouter()
MIN_PASSWORD = 10
USERNAME_MAX = 80  # the column's size: no account has a longer name
ADDRESS_MAX = 64


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an address elsewhere (open redirect)."""
    if not target or urlparse(target).netloc or not target.startswith("/") or \
            target.startswith("//"):
        return "/"
    return target


@router.get("/login", dependencies=[Depends(PUBLIC)])
def login_page(request: Request, locale: LocaleDep, next: str | None = None):
    return render(request, "login.html", locale, next=_safe_next(next))


@dataclass(frozen=True)
class _Outcome:
    status: int  # 303 signed in, 401 wrong, 429 locked
    token: str | None = None
    must_change_password: bool = False


@router.post("/login", dependencies=[Depends(PUBLIC)])
async def login(request: Request, settings: SettingsDep, locale: LocaleDep,
                username: Annotated[str, Form()], password: Annotated[str, Form()],
                next: Annotated[str, Form()] = "/"):
    """At most ``login_concurrency`` sign-ins are checked at once, each with one database
    connection and one worker thread; the others wait here, holding neither, and are sent
    back after ``login_wait_seconds``: a flood of sign-ins cannot stall the signed-in."""
    _ = gettext_for(locale)
    slots = request.app.state.login_slots
    with anyio.move_on_after(settings.login_wait_seconds) as waited:
        await slots.acquire()
    if waited.cancelled_caught:
        return render(request, "login.html", locale, status=429, next=next, error=_(
            "Many people are signing in at this moment. Try again in a little while."))
    try:
        outcome = await run_in_threadpool(
            _attempt, request.app.state.sessions, settings, username.strip()[:USERNAME_MAX],
            password, (audit.client_address(request) or "?")[:ADDRESS_MAX])
    finally:
        slots.release()
    if outcome.status == 429:
        error = _("Too many failed sign-ins. Try again in {minutes} minutes.").format(
            minutes=settings.login_lockout_minutes)
        return render(request, "login.html", locale, status=429, error=error, next=next)
    if outcome.status == 401:
        return render(request, "login.html", locale, status=401, next=next,
                      error=_("Wrong username or password."))
    request.session.clear()
    request.session["sid"] = outcome.token
    target = "/account/password" if outcome.must_change_password else _safe_next(next)
    return RedirectResponse(target, status_code=303)


def _attempt(sessions: sessionmaker[Session], settings: Settings, username: str,
             password: str, address: str) -> _Outcome:
    """One sign-in on one database session: count the attempt, check the password with no
    connection held, then write the outcome and its audit event together."""
    with sessions() as session:
        with session.begin():
            if not reserve_attempt(session, settings, username, address):
                audit.record(session, "login_failed", username=username, address=address,
                             detail={"locked": True})
                return _Outcome(429)
            user = session.scalar(select(User).where(User.username == username))
        hasher = password_hasher(settings.password_hash_cost)
        if not check_password(user, password, hasher) or not user.active:
            with session.begin():
                audit.record(session, "login_failed", username=username, address=address)
            return _Outcome(401)
        with session.begin():
            release_attempt(session, username, address)
            forget_expired(session, settings)
            token = open_session(session, settings, user)
            audit.record(session, "login", username=username, address=address)
        return _Outcome(303, token, user.must_change_password)


@router.post("/logout", dependencies=[Depends(PUBLIC)])
def logout(request: Request, session: SessionDep):
    viewer = request.state.user
    if viewer is not None:
        end_session(session, request.session.get("sid"))
        audit.record(session, "logout", username=viewer.username,
                     address=audit.client_address(request))
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password", dependencies=[Depends(OWN_ACCOUNT)])
def password_page(request: Request, locale: LocaleDep):
    return render(request, "password.html", locale)


@router.post("/account/password", dependencies=[Depends(OWN_ACCOUNT)])
def change_password(request: Request, session: SessionDep, settings: SettingsDep,
                    locale: LocaleDep, current: Annotated[str, Form()],
                    new: Annotated[str, Form()], confirm: Annotated[str, Form()]):
    _ = gettext_for(locale)
    viewer: Viewer = request.state.user
    user = session.get(User, viewer.id)
    error = None
    hasher = password_hasher(settings.password_hash_cost)
    if not check_password(user, current, hasher):
        error = _("The current password is wrong.")
    elif len(new) < MIN_PASSWORD:
        error = _("The new password needs at least {n} characters.").format(n=MIN_PASSWORD)
    elif new != confirm:
        error = _("The two new passwords differ.")
    elif new == current:
        error = _("Choose a password different from the current one.")
    if error:
        return render(request, "password.html", locale, status=422, error=error)
    set_password(user, new, hasher)
    user.must_change_password = False
    end_sessions(session, user.id, keep=request.session.get("sid"))  # other browsers
    audit.record(session, "account", username=user.username,
                 address=audit.client_address(request), object_type="user",
                 object_id=user.username, detail={"change": "password"})
    session.commit()
    return RedirectResponse("/", status_code=303)
