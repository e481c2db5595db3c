"""Rendering pages: every template gets the request's path, user, CSRF token and CSP nonce."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.deps import LANG_COOKIE
from app.i18n import jinja_env
from app.web_security import csrf_token


def render(request: Request, name: str, locale: str, *, status: int = 200,
           **context) -> HTMLResponse:
    template = jinja_env(locale).get_template(name)
    context.setdefault("request_path", request.url.path)
    html = template.render(
        viewer=getattr(request.state, "user", None),
        csrftoken=csrf_token(request.scope), csp_nonce=request.scope.get("csp_nonce", ""),
        **context)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") == locale:  # the language switch: remember it
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=request.app.state.settings.secure_cookies)
    return response


# Stand-ins for what differs between two answers of one cached page (unguessable, so no
# data can hold them): the CSP nonce and the CSRF token, put back in every answer.
NONCE_SLOT, _TOKEN = f"nonce-{secrets.token_hex(16)}", f"token-{secrets.token_hex(16)}"


def render_shared(request: Request, cache, key: tuple, name: str, locale: str,
                  context: Callable[[], dict]) -> HTMLResponse:
    """``render`` once per ``key`` (which must hold everything the page shows but the
    nonce and the CSRF token, the account's name included), those two put back in each
    answer. ``context`` is called only when the page is rendered."""
    user = getattr(request.state, "user", None)
    path = request.url.path

    def make() -> str:
        template = jinja_env(locale).get_template(name)
        return template.render(viewer=user, csrftoken=_TOKEN, csp_nonce=NONCE_SLOT,
                               request_path=path, **context())

    html = cache.get((name, key, locale, path, user and (user.username, user.role)), make)
    html = html.replace(NONCE_SLOT, request.scope.get("csp_nonce", "")).replace(
        _TOKEN, csrf_token(request.scope))
    response = HTMLResponse(html)
    if request.query_params.get("lang") == locale:  # the language switch: remember it
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=request.app.state.settings.secure_cookies)
    return response
