"""Rendering pages: every template gets the request's path, user, CSRF token and CSP nonce."""

from __future__ import annotations

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
