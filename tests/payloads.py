"""Hostile text in every text field that reaches the map: village codes and names (through
the boundary import) and the records' codes, names and notes (through the records' own
checks), for the map's script-injection tests (issue 9, point 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from app import imports
from tests.factories import demo_villages, save_records, write_geojson

# A template literal's end and substitution, a script end, quotes and an HTML handler,
# backslashes: each would run (or break the page's script) if pasted into JavaScript.
PAYLOADS = (
    "`-alert(11)-`",
    "${alert(12)}",
    "</script><script>alert(13)</script>",
    "\"'><img src=x onerror=alert(14)>",
    "\\`${alert(15)}\\",
)
MONTH = "2025-10"  # the records below fall in this month (tips, inspections, incidents)
METRIC = "EPSG:32648"


@dataclass
class Placed:
    """What was stored: village names by code, and each located record's code, its text
    on the map and its point."""

    villages: dict[str, str] = field(default_factory=dict)
    points: dict[str, list[tuple[str, str, float, float]]] = field(default_factory=dict)
    person: str = ""
    texts: list[str] = field(default_factory=list)  # every hostile string stored


def load_payload_commune(sessions, settings, folder: Path) -> Placed:
    """The demo commune with payload village codes and names, the demo records, and one
    school, venue, tip box, tip, inspection, incident, model per payload, and a person."""
    placed = Placed()
    villages = demo_villages()
    villages["code"] = [f"T{i + 1:02d}{PAYLOADS[i % len(PAYLOADS)]}"
                        for i in range(len(villages))]
    villages["name"] = [f"Thôn {i + 1} {PAYLOADS[i % len(PAYLOADS)]}"
                        for i in range(len(villages))]
    imports.import_boundaries(sessions, settings,
                              write_geojson(villages, folder / "payload_villages.geojson"),
                              imports.DEMO_COMMUNE)
    imports.load_demo_records(sessions, imports.DEMO_COMMUNE, imports.DEMO_SEED)
    placed.villages = dict(zip(villages["code"], villages["name"], strict=True))
    spots = iter(_spots(villages))
    rows: dict[str, list[dict]] = {}
    for n, text in enumerate(PAYLOADS):
        at = {kind: next(spots) for kind in ("schools", "venues", "tip_boxes", "tips")}
        rows.setdefault("schools", []).append(
            {"code": f"TH{text}", "name": f"Trường {text}", "level": "primary",
             **at["schools"]})
        rows.setdefault("venues", []).append(
            {"code": f"CS{text}", "name": f"Quán {text}", "kind": "karaoke",
             "licence": text, "active": "x", **at["venues"]})
        rows.setdefault("tip_boxes", []).append(
            {"code": f"HT{text}", "installed": "01/01/2025", "last_checked": "01/10/2025",
             "status": "broken" if n % 2 else "working", **at["tip_boxes"]})
        rows.setdefault("tips", []).append(
            {"code": f"TB{text}", "received": "05/10/2025", "channel": "phone",
             "status": "received", **at["tips"]})
        rows.setdefault("inspections", []).append(
            {"venue": f"CS{text}", "date": "07/10/2025", "team": text,
             "result": "violation", "drug_finding": "x", "note": text})
        rows.setdefault("incidents", []).append(
            {"code": f"VV{text}", "kind": "use_site", "date": "06/10/2025",
             "village": villages["code"][n], "note": text})
        rows.setdefault("models", []).append(
            {"code": f"MH{text}", "name": f"Mô hình {text}", "kind": "prevention",
             "established": "01/01/2025"})
        for kind in ("schools", "venues", "tip_boxes"):
            row = rows[kind][-1]
            placed.points.setdefault(kind, []).append(
                (row["code"], row.get("name", ""), row["lat"], row["lon"]))
    placed.person = f"CT{PAYLOADS[0]}"
    rows["persons"] = [{"code": placed.person, "village": villages["code"][0],
                        "category": "addict", "status": "no_treatment",
                        "status_date": "01/01/2025"}]
    for name, records in rows.items():
        problems = save_records(sessions, name, records)
        assert problems == [], (name, problems)
    placed.texts = [*placed.villages, *placed.villages.values(),
                    *(r[k] for records in rows.values() for r in records
                      for k in ("code", "name", "licence", "team", "note", "venue")
                      if k in r)]
    return placed


def _spots(villages: gpd.GeoDataFrame) -> list[dict]:
    """Points well inside the villages, 150 m apart and away from the village labels
    (a label sits on the representative point), taken from each village in turn."""
    metric = villages.to_crs(METRIC)
    per_village = []
    for polygon in metric.geometry:
        label = polygon.representative_point()
        inner = polygon.buffer(-60)
        minx, miny, maxx, maxy = inner.bounds
        grid = [Point(minx + i * 150, miny + j * 150)
                for i in range(int((maxx - minx) // 150) + 1)
                for j in range(int((maxy - miny) // 150) + 1)]
        per_village.append([p for p in grid if inner.contains(p) and p.distance(label) > 150])
    spots = []
    for rank in range(max(len(p) for p in per_village)):
        spots += [points[rank] for points in per_village if rank < len(points)]
    lonlat = gpd.GeoSeries(spots, crs=METRIC).to_crs("EPSG:4326")
    return [{"lat": round(p.y, 7), "lon": round(p.x, 7)} for p in lonlat]
