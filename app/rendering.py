"""Rendering pages: every template gets the request's path, user, CSRF token and CSP nonce."""

from __future__ import annotations

import re
import secrets
import struct
import zlib
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

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
_SLOTS = re.compile(f"({re.escape(NONCE_SLOT)}|{re.escape(_TOKEN)})")
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no time
_LAST_BLOCK = b"\x01\x00\x00\xff\xff"  # an empty stored block that ends the stream


class SharedPage:
    """A page rendered once, its slots filled in for each answer, compressed once too.

    The text between the slots is deflated once, each piece on its own and ended with a
    sync flush (so it ends on a byte boundary and refers to nothing before it); an answer
    is those pieces with each slot's value between them as a stored (uncompressed) block,
    in a gzip wrapper whose checksum is of the whole text (RFC 1951, RFC 1952). Gzipping
    the whole page took longer than everything else an answer does."""

    def __init__(self, html: str):
        parts = _SLOTS.split(html)
        self.texts = [p.encode() for p in parts[0::2]]
        self.slots = parts[1::2]
        self.deflated = [_deflate(t) for t in self.texts]

    def _values(self, values: dict[str, str]) -> list[bytes]:
        return [values[slot].encode() for slot in self.slots] + [b""]

    def body(self, values: dict[str, str]) -> bytes:
        """The page with ``values`` (slot -> text) in its slots."""
        return b"".join(part for pair in zip(self.texts, self._values(values), strict=True)
                        for part in pair)

    def gzipped(self, values: dict[str, str]) -> bytes:
        """:meth:`body` gzipped (the text compressed once, the values stored)."""
        out, crc, size = [_GZIP_HEADER], 0, 0
        for text, deflated, value in zip(self.texts, self.deflated, self._values(values),
                                         strict=True):
            out.append(deflated)
            crc, size = zlib.crc32(text, crc), size + len(text)
            if value:
                out.append(_stored(value))
                crc, size = zlib.crc32(value, crc), size + len(value)
        out += [_LAST_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(out)


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """``data`` as stored deflate blocks (after a flush: on a byte boundary)."""
    return b"".join(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
                    for chunk in (data[i:i + 0xFFFF] for i in range(0, len(data), 0xFFFF)))


def render_shared(request: Request, cache, key: tuple, name: str, locale: str,
                  context: Callable[[], dict]) -> Response:
    """``render`` once per ``key`` (which must hold everything the page shows but the
    nonce and the CSRF token, the account's name included), those two put back in each
    answer, gzipped when the client accepts it. ``context`` is called only when the page
    is rendered."""
    user = getattr(request.state, "user", None)
    path = request.url.path

    def make() -> SharedPage:
        template = jinja_env(locale).get_template(name)
        return SharedPage(template.render(viewer=user, csrftoken=_TOKEN, csp_nonce=NONCE_SLOT,
                                          request_path=path, **context()))

    page = cache.get((name, key, locale, path, user and (user.username, user.role)), make)
    values = {NONCE_SLOT: request.scope.get("csp_nonce", ""),
              _TOKEN: csrf_token(request.scope)}
    headers = {"Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        response = Response(page.gzipped(values), media_type="text/html",
                            headers={**headers, "Content-Encoding": "gzip"})
    else:
        response = Response(page.body(values), media_type="text/html", headers=headers)
    if request.query_params.get("lang") == locale:  # the language switch: remember it
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, httponly=True,
                            samesite="lax", secure=request.app.state.settings.secure_cookies)
    return response
