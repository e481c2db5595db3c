"""One table from errors to answers: status, translated message, page or JSON.

No stack trace, SQL or file path ever reaches a user.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.access import MustChangePassword, NotSignedIn
from app.deps import get_locale
from app.i18n import N_, gettext_for
from app.params import BadParameter
from app.rendering import render
from geo.errors import UnknownCommune

log = logging.getLogger("xkmt")

MESSAGES = {
    400: N_("Request refused."),
    401: N_("Please sign in."),
    403: N_("Your account may not open this page."),
    404: N_("Page not found."),
    405: N_("Request refused."),
    413: N_("The file is too large."),
    422: N_("Request refused."),
    429: N_("Too many requests: wait a moment."),
    500: N_("Something went wrong on the server. The error has been logged; try again later."),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def answer(request: Request, status: int, message: str | None = None):
    locale = get_locale(request)
    _ = gettext_for(locale)
    text = message or _(MESSAGES.get(status, MESSAGES[422]))
    if _wants_json(request):
        return JSONResponse({"detail": text}, status_code=status)
    # The language links go home: an error page never repeats the address it refused.
    return render(request, "error.html", locale, status=status, message=text,
                  request_path="/")


async def _unknown_commune(request: Request, exc: UnknownCommune):
    _ = gettext_for(get_locale(request))
    return answer(request, 404, _("No commune has the code {code}.").format(code=exc.code))


async def _bad_parameter(request: Request, exc: BadParameter):
    _ = gettext_for(get_locale(request))
    return answer(request, 400, _(exc.message).format(**exc.values))


async def _http_error(request: Request, exc: StarletteHTTPException):
    return answer(request, exc.status_code)


async def _not_signed_in(request: Request, exc: NotSignedIn):
    if _wants_json(request):
        return answer(request, 401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _must_change_password(request: Request, exc: MustChangePassword):
    if _wants_json(request):
        return answer(request, 403)
    return RedirectResponse("/account/password", status_code=303)


async def _server_error(request: Request, exc: Exception):
    log.exception("error on %s %s", request.method, request.url.path)
    return answer(request, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(UnknownCommune, _unknown_commune)
    app.add_exception_handler(BadParameter, _bad_parameter)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(MustChangePassword, _must_change_password)
    app.add_exception_handler(Exception, _server_error)
