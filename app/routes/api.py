"""JSON and GeoJSON for other programs (ISO 8601 dates, EPSG:4326)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from app import store
from app.access import ANYONE
from app.deps import SessionDep

router = APIRouter(prefix="/api", dependencies=[Depends(ANYONE)])

GEOJSON_PROPERTIES = ["code", "name", "households", "population", "synthetic"]


@router.get("/communes/{code}/villages.geojson")
def villages_geojson(code: str, session: SessionDep) -> Response:
    """The commune's current villages as a GeoJSON FeatureCollection."""
    store.get_commune(session, code)
    villages = store.load_villages(session, code)
    body = villages[GEOJSON_PROPERTIES + ["geometry"]].to_json(
        na="null", drop_id=True, ensure_ascii=False)
    return Response(body, media_type="application/geo+json")
