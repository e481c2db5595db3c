"""Web safety: CSRF tokens on every state-changing request, security headers, CSP."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlparse

import folium
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import LOCALES, gettext_for

CSRF_FIELD = "csrftoken"
CSRF_HEADER = b"x-csrftoken"
_SESSION_KEY = "csrf"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(scope: Scope) -> str:
    """The session's token to put in forms (``<input type=hidden name=csrftoken>``).

    Made on first use and kept in the signed session cookie, so that it is tied to that
    session: signing in or out clears the session, and the next page gets a new token.
    """
    session = scope.get("session")
    if session is None:
        return ""
    if not session.get(_SESSION_KEY):
        session[_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[_SESSION_KEY]


class CsrfMiddleware:
    """Refuses a request that may change something (any method but GET, HEAD, OPTIONS,
    TRACE) unless it carries its own session's token: in the ``csrftoken`` field of a
    url-encoded or multipart form, or in the ``x-csrftoken`` header (scripts). Runs inside
    the session middleware; a session without a token (no page was ever shown to it)
    cannot send anything.

    Our own check (the synchronizer token pattern) rather than a library: asgi-csrf,
    starlette-csrf and fastapi-csrf-protect compare a cookie with a copy of itself (double
    submit), which ties the token to no session; and asgi-csrf 0.11 fails on every
    multipart form with python-multipart 0.0.34 (its ``FormParser`` lost ``FileClass``).
    """

    def __init__(self, app: ASGIApp, *, on_failure):
        self.app = app
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _SAFE:
            await self.app(scope, receive, send)
            return
        expected = (scope.get("session") or {}).get(_SESSION_KEY) or ""
        headers = dict(scope["headers"])
        given = headers.get(CSRF_HEADER, b"")
        body = _Body(receive)
        if not given:
            given = await _token_in_body(headers.get(b"content-type", b""), body)
        if not (expected and given and secrets.compare_digest(given, expected.encode())):
            await self.on_failure(scope, send)
            return
        await self.app(scope, body.replay, send)


class _Body:
    """Reads the request body for the check, then hands every message on to the app."""

    def __init__(self, receive: Receive):
        self.receive = receive
        self.read: list[Message] = []
        self.ended = False

    async def chunk(self) -> bytes | None:
        """The next piece of the body, None at its end."""
        if self.ended:
            return None
        message = await self.receive()
        self.read.append(message)
        self.ended = message["type"] != "http.request" or not message.get("more_body")
        return message.get("body", b"")

    async def replay(self) -> Message:
        return self.read.pop(0) if self.read else await self.receive()


async def _token_in_body(content_type: bytes, body: _Body) -> bytes:
    """The ``csrftoken`` field of a form body (b"" if none). The body is bounded by
    ``BodyLimit``; a multipart body is read only until the field is found."""
    kind, options = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        data = b""
        while (chunk := await body.chunk()) is not None:
            data += chunk
        # latin-1 maps every byte: the token is ASCII, other fields are the app's business
        fields = dict(parse_qsl(data.decode("latin-1"), encoding="latin-1"))
        return fields.get(CSRF_FIELD, "").encode("latin-1")
    if kind == b"multipart/form-data" and options.get(b"boundary"):
        field = _MultipartField(CSRF_FIELD.encode())
        parser = MultipartParser(options[b"boundary"], field.callbacks())
        try:
            while field.value is None and (chunk := await body.chunk()) is not None:
                parser.write(chunk)
        except MultipartParseError:
            return b""
        return field.value or b""
    return b""


class _MultipartField:
    """Catches the value of one named field while python-multipart parses a body."""

    def __init__(self, name: bytes):
        self.name = name
        self.value: bytes | None = None
        self._header, self._headers, self._data = b"", {}, []
        self._wanted = False

    def callbacks(self) -> dict:
        return {"on_part_begin": self._begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data, "on_part_end": self._part_end}

    def _begin(self) -> None:
        self._headers, self._data, self._wanted = {}, [], False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        name = self._header.lower()
        self._headers[name] = self._headers.get(name, b"") + data[start:end]

    def _header_end(self) -> None:
        self._header = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._wanted = options.get(b"name") == self.name and b"filename" not in options

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._wanted:
            self._data.append(data[start:end])

    def _part_end(self) -> None:
        if self._wanted and self.value is None:
            self.value = b"".join(self._data)


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


async def csrf_failed(scope: Scope, send: Send) -> None:
    """The answer to a form sent without a valid CSRF token (e.g. an old, expired page)."""
    _ = gettext_for(_scope_locale(scope))
    await _plain(send, 403, _("The form has expired or is not valid: reload the page and "
                              "send it again."))
