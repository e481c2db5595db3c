"""One view of a month's village frame for one viewer: the only place that masks and
reshapes the frame. The map page, its data, the village panel, the dashboard and the API
all render from it, and so will prints, patrol sheets and reports.

    view = view_for(session, settings, commune, month, viewer, locale)

gives a :class:`FrameView`, built once per commune, month, role, language and version of
the data the month depends on (:func:`app.frame.caching.month_version`), and cached with the
database's other caches (:func:`app.frame.caching.caches`). Everything in it is already shaped
for the role (:mod:`app.frame.masking`): the village features (GeoJSON), the commune's summary,
the map panel's data, the thematic layers, the point layers (tip boxes, venues, schools,
and the tips heat for the police), the statuses per village and school, the notices.
A view is shared between requests: treat it as read-only. Views are also kept by the
content they are built from (:data:`SHARED_VIEWS`, as frames are in
:data:`app.frame.caching.SHARED`): another database of the process holding the same records
gets the same view, under its own key.

:func:`answer` caches a finished answer (bytes, with its ETag) under the view's key.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd

from app import mapview, store
from app.access import AsRole
from app.audit import codes_in
from app.frame import caching, loading
from app.frame.masking import Shaper, plain
from app.i18n import gettext_for
from app.mapview import indicator_ids
from geo import maplayers
from geo.engine.frame import FrameResult


@dataclass(frozen=True)
class Answer:
    """A finished answer: its body, gzipped body and ETag."""

    body: bytes
    gzipped: bytes
    etag: str
    persons: int = 0  # person codes it shows (for the audit log)


@dataclass
class FrameView:
    """A month's frame as one role sees it in one language (see the module's docstring).

    ``people_mask``: a village's count of people from 1 to this is shown as "≤n" (0:
    exact); ``person_codes``: whether codes of people are shown (the police only)."""

    key: tuple
    commune: str
    month: str
    role: str
    locale: str
    months: list[str]
    people_mask: int
    person_codes: bool
    villages: gpd.GeoDataFrame  # code, name, households, population, synthetic, geometry
    indicators: list[dict]  # the plans' indicators in force (no figure)
    features: dict  # GeoJSON: per village its counts and indicators, as the role may see
    summary: dict  # the commune's figures, as the role may see
    thematic: list[maplayers.ThematicLayer]
    panel: dict  # the map panel's data: villages, indicators, person codes shown
    point_layers: list[maplayers.PointLayer]
    units: dict[str, list[dict]]  # per level: code, name, statuses, risk level (no figure)
    statuses: dict[str, set[str]]  # per level: the indicators it has a status of
    risk_plan: str | None
    no_plan: dict | None
    no_records: dict | None
    persons: dict[str, int] = field(default_factory=dict)  # codes shown, per output

    @property
    def synthetic(self) -> bool:
        return bool(self.villages["synthetic"].any())


def view_for(session, settings, commune: str, month: str | None, viewer,
             locale: str, *, version: tuple | None = None) -> FrameView:
    """The view of ``commune`` in ``month`` (None: the latest month with records) for
    ``viewer`` (anything with a ``role``) in ``locale``; ``version``: the commune's
    :func:`~app.frame.caching.data_version` when the caller has just read it."""
    version = version or caching.data_version(session, commune)
    months = caching.months(session, commune, version, store.today())
    month = month or (months[-1] if months else loading.current_month())
    previous_month = loading.previous_month(month)
    key = (commune, month, viewer.role, locale, settings.small_count_threshold,
           settings.tip_box_radius_m, caching.month_version(session, commune, month, version),
           caching.month_version(session, commune, previous_month, version), tuple(months))
    return caching.caches(session).views.get(key, lambda: _build(
        session, settings, key, viewer.role, locale, months, version))


def answer(session, view: FrameView, name: str, make: Callable[[], bytes], *extra,
           persons: Callable[[], int] = lambda: 0) -> Answer:
    """The answer ``name`` made from ``view`` (and ``extra`` key parts), made once. Its
    ETag is of the body and the role: the same for as long as the body stays the same."""
    def build() -> Answer:
        body = make()
        tag = hashlib.blake2b(body, digest_size=16, key=view.role.encode()[:64])
        return Answer(body, gzip.compress(body, 6), f'"{tag.hexdigest()}"', persons())

    return caching.caches(session).answers.get((name, view.key, *extra), build)


# By what a view is built from (its frames' content, the person codes, role, language,
# settings, months), for every database of the process.
SHARED_VIEWS = caching.LruCache(128)


def _build(session, settings, key: tuple, role: str, locale: str, months: list[str],
           version: tuple) -> FrameView:
    commune, month = key[0], key[1]
    frame = caching.frame(session, commune, month, version)
    before = caching.frame(session, commune, loading.previous_month(month), version)
    codes = loading.person_codes(session, commune)
    content = (commune, month, role, locale, settings.small_count_threshold,
               settings.tip_box_radius_m, tuple(months), frame.content, before.content,
               caching.content_digest(sorted(codes)))
    view = SHARED_VIEWS.get(content, lambda: _made(
        settings, key, role, locale, months, frame, before, codes))
    return view if view.key == key else dataclasses.replace(view, key=key)


def _made(settings, key: tuple, role: str, locale: str, months: list[str],
          frame: caching.Frame, before: caching.Frame, codes: set[str]) -> FrameView:
    commune, month = key[0], key[1]
    result, previous = frame.result, before.result
    shaper = Shaper(AsRole(role), codes, settings.small_count_threshold)
    _ = gettext_for(locale)
    thematic = mapview.layers(result, previous, _, locale, shaper.people_mask)
    features = village_features(result, shaper)
    panel = mapview.panel_data(result, previous, village_features(result, shaper),  # a copy
                               thematic, shaper.person_codes if shaper.police else set(),
                               _, locale)
    summary = commune_summary(result, shaper)
    view = FrameView(
        key=key, commune=commune, month=month, role=role, locale=locale, months=months,
        people_mask=shaper.people_mask, person_codes=shaper.police,
        villages=frame.villages, indicators=plain(result.indicators), features=features,
        summary=summary, thematic=thematic, panel=panel,
        point_layers=mapview.point_layers(frame.tables, result, police=shaper.police,
                                          radius_m=settings.tip_box_radius_m, _=_),
        units={"village": _units(result.villages), "school": _units(result.schools)},
        statuses={level: {c[:-len("_status")] for c in getattr(table, "columns", ())
                          if c.endswith("_status")}
                  for level, table in (("village", result.villages),
                                       ("school", result.schools))},
        risk_plan=result.commune.get("risk_plan"),
        no_plan=mapview.no_plan_notice(result, commune, _, locale),
        no_records=mapview.no_records_notice(result, months, _))
    view.persons = {name: len(codes_in(data, shaper.person_codes))
                    for name, data in (("features", features), ("summary", summary),
                                       ("panel", panel))}
    return view


def _units(table) -> list[dict]:
    """Per village (or school): code, name, every status and the risk level."""
    if table is None or not len(table):
        return []
    columns = [c for c in table.columns if c.endswith("_status") or c == "risk_level"]
    return [{"code": str(code), "name": str(row["name"]),
             **{c: plain(row[c]) for c in columns}} for code, row in table.iterrows()]


def village_features(result: FrameResult, shaper: Shaper) -> dict:
    """The frame as GeoJSON: per village its counts and every indicator's value, target,
    status and evidence, the risk level and the compliance score, as ``shaper`` allows."""
    listing = {i["id"]: i for i in result.indicators}
    ids = [i for i in indicator_ids(result, "village") if f"{i}_status" in result.villages]
    features = []
    for code, row in result.villages.iterrows():
        props = {"code": code, "name": row["name"], "households": plain(row["households"]),
                 "population": plain(row["population"]), "month": result.month,
                 "counts": shaper.counts(row),
                 "indicators": {i: shaper.indicator(listing[i], row) for i in ids},
                 **shaper.risk(row), "score": plain(row.get("score")),
                 "score_evidence": plain(row.get("score_evidence"))}  # statuses counted
        features.append({"type": "Feature", "properties": props,
                         "geometry": row.geometry.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def commune_summary(result: FrameResult, shaper: Shaper) -> dict:
    """The commune's figures: commune-level indicators, national status, blocking
    villages, risk level, score, the plan's tasks and the next report due, as ``shaper``
    allows."""
    commune = result.commune
    ids = indicator_ids(result, "commune")
    return plain({
        "month": result.month, "as_of": result.as_of, "plans": list(result.plans),
        "indicators": [{**i, **shaper.indicator(i, commune)}
                       for i in result.indicators if i["id"] in ids],
        "villages": {code: {f"{i}_status": row.get(f"{i}_status")
                            for i in indicator_ids(result, "village")
                            if f"{i}_status" in row} | {
                                "score": row.get("score"),
                                "score_evidence": row.get("score_evidence"),
                                "risk_level": row.get("risk_level")}
                     for code, row in result.villages.iterrows()},
        "national_status": commune.get("national_status"),
        "blocking_villages": commune.get("blocking_villages"),
        **shaper.risk(commune),
        "score": commune.get("score"), "score_evidence": commune.get("score_evidence"),
        "recorded": commune.get("recorded"),
        "tasks": commune.get("tasks"), "next_reports": commune.get("next_reports"),
        "counts": shaper.commune_counts(result),
    })
