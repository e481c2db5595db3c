"""HTML pages: the commune's village map."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import errors, mapview, store
from app.access import ANYONE, Viewer
from app.deps import LocaleDep, MonthDep, SessionDep, SettingsDep
from app.frame import caching, loading, view
from app.i18n import gettext_for, number
from app.rendering import NONCE_SLOT, render_shared
from app.routes.api import cached_answer, encode, log_codes
from app.web_security import add_nonce
from geo import legends
from geo.webmap import MapTexts, village_map

router = APIRouter(dependencies=[Depends(ANYONE)])


@router.get("/", include_in_schema=False)
@router.get("/map", include_in_schema=False)
def home(request: Request, settings: SettingsDep):
    """The map of the default commune, or of the first commune the account may see."""
    viewer: Viewer = request.state.user
    communes = sorted(viewer.scope.communes)
    if not communes:
        return errors.answer(request, 404)
    code = settings.default_commune if viewer.scope.allows(settings.default_commune) \
        else communes[0]
    target = f"/communes/{code}/map"
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=307)


@router.get("/communes/{code}/map", response_class=HTMLResponse)
def commune_map(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                locale: LocaleDep, month: MonthDep,
                layer: str | None = None) -> Response:
    """The commune's risk map for a month (``?month=YYYY-MM``, default the latest month
    with data; 400 for one it cannot show), coloured by one thematic layer (``?layer=``).
    The page holds the map's skeleton and the data's address: its script fetches the
    figures (:func:`map_data`), shaped for the role, as JSON. The commune exists: the
    access rule checked it is in the account's scope."""
    shown = view.view_for(session, settings, code, month, request.state.user, locale)
    chosen = next((t for t in shown.thematic if t.key == layer), shown.thematic[0])
    caches = caching.caches(session)

    def context() -> dict:
        _ = gettext_for(locale)
        commune = store.get_commune(session, code)
        head, body, script, _drawn_data = _drawn(session, settings, shown, locale)
        legend_keys = dict.fromkeys(t.legend for t in shown.thematic)
        month = shown.month
        return {
            "commune": commune, "villages": shown.villages, "synthetic": shown.synthetic,
            "map_head": add_nonce(head, NONCE_SLOT), "map_body": body, "map_script": script,
            "month": month, "months": shown.months,
            "previous_month": loading.previous_month(month),
            "next_month": mapview.next_month(month), "thematic": shown.thematic,
            "chosen": chosen, "groups": {k: _(v) for k, v in mapview.GROUPS.items()},
            "legends": {k: mapview.translate_legend(legends.LEGENDS[k], _)
                        for k in legend_keys},
            "point_legends": mapview.point_legends(_, shown.person_codes),  # heat: police
            "map_config": {"month": month, "layer": chosen.key,
                           "data": f"/communes/{code}/map.json?month={month}"},
            "village_options": list(zip(shown.villages["code"], shown.villages["name"],
                                        strict=True)),
            "no_plan": shown.no_plan, "no_records": shown.no_records}

    return render_shared(request, caches.answers, (shown.key, chosen.key), "map.html",
                         locale, context)


@router.get("/communes/{code}/map.json")
def map_data(code: str, request: Request, session: SessionDep, settings: SettingsDep,
             locale: LocaleDep, month: MonthDep) -> Response:
    """The map page's figures for its script: the layers, legends, texts, the panel's
    data per village and what is drawn (villages, names, points), as the role may see;
    cached, gzipped, with an ETag."""
    shown = view.view_for(session, settings, code, month, request.state.user, locale)
    viewer: Viewer = request.state.user

    def make() -> bytes:
        _ = gettext_for(locale)
        drawn = _drawn(session, settings, shown, locale)[3]
        legend_keys = dict.fromkeys(t.legend for t in shown.thematic)
        return encode({
            "month": shown.month, "drawn": drawn,
            "layers": [{"key": t.key, "legend": t.legend, "title": t.title}
                       for t in shown.thematic],
            "legends": {k: mapview.translate_legend(legends.LEGENDS[k], _)
                        for k in legend_keys},
            "person_links": shown.person_codes, "commune": code,
            "edit_villages": viewer.can("edit_villages"),
            "texts": mapview.page_texts(_), **shown.panel})

    found = view.answer(session, shown, "map.json", make, viewer.can("edit_villages"),
                        persons=lambda: shown.persons["panel"])
    log_codes(request, found, code, "map", shown.month, {})
    return cached_answer(request, found, "application/json")


def _drawn(session, settings, shown: view.FrameView,
           locale: str) -> tuple[str, str, str, dict]:
    """The drawn map (folium's skeleton and the point layers; no nonce in it), once per
    view: the browser colours the villages by the chosen layer, so no layer is in it."""
    def draw() -> tuple[str, str, str, dict]:
        _ = gettext_for(locale)
        commune = store.get_commune(session, shown.commune)
        figure, drawn = _folium_map(commune, shown.villages, settings, _, locale,
                                    shown.synthetic, fills=None, overlays=shown.point_layers)
        return figure.header.render(), figure.html.render(), figure.script.render(), drawn

    return caching.caches(session).answers.get(("drawn", shown.key), draw)


def _fills(layer) -> dict[str, str]:
    legend = legends.LEGENDS[layer.legend]
    return {code: legend.category(key).colour for code, key in layer.categories.items()}


def _folium_map(commune, villages, settings, _, locale: str, synthetic: bool, *,
                fills, overlays):
    villages = villages.copy()
    villages["households_text"] = [number(v, locale) for v in villages["households"]]
    villages["population_text"] = [_("not known") if pd.isna(v) else number(v, locale)
                                   for v in villages["population"]]
    texts = MapTexts(
        villages=_("Villages"), labels=_("Village names"), outline=_("Commune boundary"),
        base_map=_("Base map"),
        tooltip_fields=(("name", _("Village")), ("households_text", _("Households")),
                        ("population_text", _("Residents"))),
        notice=_("Synthetic villages: boundaries and figures are invented for the demo.")
        if synthetic else None)
    tiles = None if settings.tiles.lower() == "none" else settings.tiles
    drawn = village_map(villages, store.commune_outline(commune), texts, tiles=tiles,
                        tiles_attribution=settings.tiles_attribution or None, fills=fills,
                        overlays=overlays)
    figure = drawn.figure.get_root()
    figure.render()
    return figure, drawn.data
