"""JSON and GeoJSON for other programs (ISO 8601 dates, EPSG:4326), rendered from the
role's view of the frame (:mod:`app.frame.view`): person codes only for the police; for viewers
no figure from which a small count of people could be worked out. Answers are cached per
commune, month, role, language and data version, gzipped, with an ETag (304 when the
client has it)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, Response

from app import audit, store
from app.access import ANYONE
from app.deps import LocaleDep, MonthDep, SessionDep, SettingsDep
from app.frame import loading, view

router = APIRouter(prefix="/api", dependencies=[Depends(ANYONE)])

GEOJSON_PROPERTIES = ["code", "name", "households", "population", "synthetic"]


def encode(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def cached_answer(request: Request, found: view.Answer, media_type: str) -> Response:
    """``found`` as the client wants it: 304 when its ETag matches, gzipped when it
    accepts gzip. Private: the answer is shaped for the signed-in role."""
    headers = {"ETag": found.etag, "Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(found.gzipped, media_type=media_type,
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(found.body, media_type=media_type, headers=headers)


def log_codes(request: Request, found: view.Answer, code: str, object_type: str,
              month: str, detail: dict) -> None:
    """One "viewed a person list" event when the answer shows person codes (304 too:
    the client shows them again from its copy)."""
    if found.persons:
        audit.record_request(request, "view_person_list", commune_code=code,
                             object_type=object_type, object_id=month,
                             detail={**detail, "persons": found.persons})


@router.get("/communes/{code}/villages.geojson")
def villages_geojson(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                     locale: LocaleDep, month: MonthDep) -> Response:
    """The commune's current villages; with ``?month=YYYY-MM`` every indicator too. (The
    commune exists: the access rule checked it is in the account's scope.)"""
    if month is None:
        villages = store.load_villages(session, code)
        body = villages[GEOJSON_PROPERTIES + ["geometry"]].to_json(
            na="null", drop_id=True, ensure_ascii=False)
        return Response(body, media_type="application/geo+json")
    shown = view.view_for(session, settings, code, month, request.state.user, locale)
    found = view.answer(session, shown, "villages.geojson", lambda: encode(shown.features),
                        persons=lambda: shown.persons["features"])
    log_codes(request, found, code, "api", month, {"answer": "villages.geojson"})
    return cached_answer(request, found, "application/geo+json")


@router.get("/communes/{code}/compliance")
def commune_compliance(code: str, request: Request, session: SessionDep,
                       settings: SettingsDep, locale: LocaleDep, month: MonthDep) -> Response:
    """The commune's summary for a month (default: this month)."""
    month = month or loading.current_month()
    shown = view.view_for(session, settings, code, month, request.state.user, locale)
    found = view.answer(session, shown, "compliance", lambda: encode(shown.summary),
                        persons=lambda: shown.persons["summary"])
    log_codes(request, found, code, "api", month, {"answer": "compliance"})
    return cached_answer(request, found, "application/json")
