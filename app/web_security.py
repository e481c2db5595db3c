"""Web safety: CSRF tokens on every state-changing request, security headers, CSP."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlparse

import folium
from asgi_csrf import asgi_csrf_decorator
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import LOCALES, gettext_for

CSRF_FIELD = "csrftoken"


class CsrfMiddleware:
    """asgi-csrf (signed double-submit cookie; the token travels in a form field named
    ``csrftoken`` or the ``x-csrftoken`` header) as a Starlette middleware class."""

    def __init__(self, app: ASGIApp, *, secret: str, secure: bool, on_failure):
        self.app = asgi_csrf_decorator(
            signing_secret=secret, cookie_secure=secure, cookie_samesite="Lax",
            always_protect={"/login"}, send_csrf_failed=on_failure)(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def csrf_token(scope: Scope) -> str:
    """The token to put in forms (``<input type=hidden name=csrftoken>``)."""
    getter = scope.get("csrftoken")
    return getter() if getter else ""


def tile_origin(tiles: str) -> str | None:
    """The origin base tiles come from, for the CSP (None without tiles)."""
    if not tiles or tiles.lower() == "none":
        return None
    url = tiles if "{" in tiles else folium.TileLayer(tiles).tiles
    parsed = urlparse(url.replace("{s}", "a"))
    host = parsed.hostname or ""
    if "{s}" in url:
        host = "*." + host.split(".", 1)[1]
    return f"{parsed.scheme}://{host}"


class SecurityHeaders:
    """Adds the security headers and a per-response CSP nonce (``scope['csp_nonce']``)
    for the inline scripts and styles the pages (and folium) write."""

    def __init__(self, app: ASGIApp, *, tiles: str, hsts: bool = False):
        self.app = app
        self.hsts = hsts  # served over HTTPS (secure cookies): browsers must keep to it
        origin = tile_origin(tiles)
        self.images = "'self' data:" + (f" {origin}" if origin else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope["csp_nonce"] = nonce

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = (
                    f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
                    f"style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; "
                    f"img-src {self.images}; font-src 'self'; connect-src 'self'; "
                    "object-src 'none'; base-uri 'self'; form-action 'self'; "
                    "frame-ancestors 'none'")
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if not scope["path"].startswith(("/vendor/", "/static/")):
                    headers.setdefault("Cache-Control", "no-store")  # records, pages
            await send(message)

        await self.app(scope, receive, with_headers)


def add_nonce(html: str, nonce: str) -> str:
    """Give every inline ``<script>`` and ``<style>`` of a fragment the CSP nonce."""
    return html.replace("<script", f'<script nonce="{nonce}"').replace(
        "<style", f'<style nonce="{nonce}"')


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, whether or not the client said
    their size (Content-Length), before the app stores them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _too_large(scope, send)


class _TooLarge(Exception):
    pass


def _scope_locale(scope: Scope) -> str:
    cookies = SimpleCookie(dict(scope.get("headers", [])).get(b"cookie", b"").decode("latin-1"))
    lang = cookies.get("xkmt_lang")
    return lang.value if lang is not None and lang.value in LOCALES else "vi"


async def _plain(send: Send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": text.encode()})


async def _too_large(scope: Scope, send: Send) -> None:
    _ = gettext_for(_scope_locale(scope))
    await _plain(send, 413, _("The file is too large."))


async def csrf_failed(scope: Scope, send: Send, message_id=None) -> None:
    """The answer to a form sent without a valid CSRF token (e.g. an old, expired page)."""
    _ = gettext_for(_scope_locale(scope))
    await _plain(send, 403, _("The form has expired or is not valid: reload the page and "
                              "send it again."))
