"""JSON and GeoJSON for other programs (ISO 8601 dates, EPSG:4326), shaped for the role
by :mod:`app.shaping`: person codes only for the police; for viewers no figure from which
a small count of people could be worked out."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, Response

from app import audit, compliance, shaping, store
from app.access import ANYONE
from app.deps import MonthDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api", dependencies=[Depends(ANYONE)])

GEOJSON_PROPERTIES = ["code", "name", "households", "population", "synthetic"]
def _json(data: dict, media_type: str = "application/json") -> Response:
    return Response(json.dumps(data, ensure_ascii=False), media_type=media_type)


def frame_for(request: Request, session, code: str, month: str):
    cache = request.app.state.frames
    return cache.get(session, code, month)


def shaper_for(request: Request, session, code: str, settings) -> shaping.Shaper:
    return shaping.Shaper(request.state.user, compliance.person_codes(session, code),
                          settings.small_count_threshold)


@router.get("/communes/{code}/villages.geojson")
def villages_geojson(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                     month: MonthDep) -> Response:
    """The commune's current villages; with ``?month=YYYY-MM`` every indicator too."""
    store.get_commune(session, code)
    if month is None:
        villages = store.load_villages(session, code)
        body = villages[GEOJSON_PROPERTIES + ["geometry"]].to_json(
            na="null", drop_id=True, ensure_ascii=False)
        return Response(body, media_type="application/geo+json")
    result = frame_for(request, session, code, month)
    shaper = shaper_for(request, session, code, settings)
    data = shaping.village_features(result, shaper)
    audit.record_codes_shown(request, data, shaper.person_codes, commune_code=code,
                             object_type="api", object_id=month,
                             detail={"answer": "villages.geojson"})
    return _json(data, "application/geo+json")


@router.get("/communes/{code}/compliance")
def commune_compliance(code: str, request: Request, session: SessionDep,
                       settings: SettingsDep, month: MonthDep) -> Response:
    """The commune's summary for a month (default: this month)."""
    store.get_commune(session, code)
    month = month or compliance.current_month()
    result = frame_for(request, session, code, month)
    shaper = shaper_for(request, session, code, settings)
    data = shaping.commune_summary(result, shaper)
    audit.record_codes_shown(request, data, shaper.person_codes, commune_code=code,
                             object_type="api", object_id=month,
                             detail={"answer": "compliance"})
    return _json(data)
