"""The style sheet of the colours, generated from :mod:`geo.legends` (the one place that
holds a colour): ``/legend.css`` defines the CSS variables every rule of
``app/static/xkmt.css`` reads, so the dashboard, the panel badges, the map and prints
agree. Public: the sign-in page wears the same colours."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.access import PUBLIC
from geo import legends

router = APIRouter()


@lru_cache(maxsize=1)
def _sheet() -> tuple[bytes, str]:
    body = legends.stylesheet().encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@router.get("/legend.css", dependencies=[Depends(PUBLIC)])
def legend_css(request: Request) -> Response:
    body, etag = _sheet()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/css", headers=headers)
