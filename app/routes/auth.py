"""Signing in and out, and changing one's password."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from app import audit
from app.access import OWN_ACCOUNT, PUBLIC, Viewer
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for
from app.models import User
from app.rendering import render
from app.security import check_password, locked_out, set_password

router = APIRouter()
MIN_PASSWORD = 10


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an address elsewhere (open redirect)."""
    if not target or urlparse(target).netloc or not target.startswith("/") or \
            target.startswith("//"):
        return "/"
    return target


@router.get("/login", dependencies=[Depends(PUBLIC)])
def login_page(request: Request, locale: LocaleDep, next: str | None = None):
    return render(request, "login.html", locale, next=_safe_next(next))


@router.post("/login", dependencies=[Depends(PUBLIC)])
def login(request: Request, session: SessionDep, settings: SettingsDep, locale: LocaleDep,
          username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/"):
    _ = gettext_for(locale)
    address = audit.client_address(request) or "?"
    username = username.strip()
    if locked_out(session, settings, username, address):
        audit.record(request.app.state.sessions, "login_failed", username=username,
                     address=address, detail={"locked": True})
        error = _("Too many failed sign-ins. Try again in {minutes} minutes.").format(
            minutes=settings.login_lockout_minutes)
        return render(request, "login.html", locale, status=429, error=error, next=next)
    user = session.scalar(select(User).where(User.username == username))
    if not check_password(user, password) or not user.active:
        audit.record(request.app.state.sessions, "login_failed", username=username,
                     address=address)
        return render(request, "login.html", locale, status=401, next=next,
                      error=_("Wrong username or password."))
    request.session.clear()
    request.session.update({"uid": user.id, "ver": user.password_hash[-16:]})
    audit.record(request.app.state.sessions, "login", username=username, address=address)
    target = "/account/password" if user.must_change_password else _safe_next(next)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=[Depends(PUBLIC)])
def logout(request: Request):
    viewer = request.state.user
    if viewer is not None:
        audit.record_request(request, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password", dependencies=[Depends(OWN_ACCOUNT)])
def password_page(request: Request, locale: LocaleDep):
    return render(request, "password.html", locale)


@router.post("/account/password", dependencies=[Depends(OWN_ACCOUNT)])
def change_password(request: Request, session: SessionDep, locale: LocaleDep,
                    current: Annotated[str, Form()], new: Annotated[str, Form()],
                    confirm: Annotated[str, Form()]):
    _ = gettext_for(locale)
    viewer: Viewer = request.state.user
    user = session.get(User, viewer.id)
    error = None
    if not check_password(user, current):
        error = _("The current password is wrong.")
    elif len(new) < MIN_PASSWORD:
        error = _("The new password needs at least {n} characters.").format(n=MIN_PASSWORD)
    elif new != confirm:
        error = _("The two new passwords differ.")
    elif new == current:
        error = _("Choose a password different from the current one.")
    if error:
        return render(request, "password.html", locale, status=422, error=error)
    set_password(user, new)
    user.must_change_password = False
    session.commit()
    request.session.update({"ver": user.password_hash[-16:]})
    audit.record_request(request, "account", object_type="user", object_id=user.username,
                         detail={"change": "password"})
    return RedirectResponse("/", status_code=303)
