"""HTML pages: the commune's village map."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import audit, compliance, errors, mapview, store
from app.access import ANYONE, Viewer
from app.deps import LocaleDep, MonthDep, SessionDep, SettingsDep
from app.i18n import gettext_for, number
from app.rendering import render
from app.shaping import Shaper
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
                layer: str | None = None) -> HTMLResponse:
    """The commune's risk map for a month (``?month=YYYY-MM``, default the latest month
    with data; 400 for one it cannot show), coloured by one thematic layer (``?layer=``)."""
    commune = store.get_commune(session, code)
    _ = gettext_for(locale)
    months = compliance.record_months(session, code, store.today())
    month = month or (months[-1] if months else compliance.current_month())
    viewer: Viewer = request.state.user
    version = compliance.data_version(session, code)
    result = request.app.state.frames.get(session, code, month, version)
    previous = request.app.state.frames.get(session, code, compliance.previous_month(month),
                                            version)
    shaper = Shaper(viewer, compliance.person_codes(session, code),
                    settings.small_count_threshold)
    mask = shaper.people_mask  # counts of people shown as "a few" on the per-1,000 layer
    thematic = mapview.layers(result, previous, _, locale, mask)
    chosen = next((t for t in thematic if t.key == layer), thematic[0])
    legend_keys = dict.fromkeys(t.legend for t in thematic)
    data = mapview.panel_data(result, previous, shaper, thematic, _, locale)
    audit.record_codes_shown(request, data, shaper.person_codes, commune_code=code,
                             object_type="map", object_id=month, detail={"layer": chosen.key})
    villages = store.load_villages(session, code)
    synthetic = bool(villages["synthetic"].any())
    police = viewer.can("see_tips")  # the heat of tips drawn

    def draw() -> tuple[str, str, str, dict]:
        figure, drawn = _folium_map(commune, villages, settings, _, locale, synthetic,
                                    fills=_fills(chosen), overlays=mapview.point_layers(
                                        compliance.load_tables(session, code), result,
                                        police=police, radius_m=settings.tip_box_radius_m,
                                        _=_))
        return figure.header.render(), figure.html.render(), figure.script.render(), drawn

    # the drawn map (no nonce in it) by what it shows; the data version keeps it fresh
    head, body, script, drawn = request.app.state.maps.get(
        (code, month, chosen.key, police, mask, locale, version), draw)
    config = {"month": month, "layer": chosen.key, "drawn": drawn,
              "layers": [{"key": t.key, "legend": t.legend, "title": t.title}
                         for t in thematic],
              "legends": {k: mapview.translate_legend(legends.LEGENDS[k], _)
                          for k in legend_keys},
              "person_links": viewer.can("see_person_codes"), "commune": code,
              "edit_villages": viewer.can("edit_villages"),
              "texts": mapview.page_texts(_), **data}
    nonce = request.scope.get("csp_nonce", "")
    return render(
        request, "map.html", locale, commune=commune, villages=villages,
        synthetic=synthetic, map_head=add_nonce(head, nonce), map_body=body,
        map_script=script,
        month=month, months=months, previous_month=compliance.previous_month(month),
        next_month=mapview.next_month(month), thematic=thematic, chosen=chosen,
        groups={k: _(v) for k, v in mapview.GROUPS.items()},
        legends=config["legends"], point_legends=mapview.point_legends(_, police),
        map_config=config,
        village_options=list(zip(villages["code"], villages["name"], strict=True)),
        no_plan=mapview.no_plan_notice(result, code, _, locale),
        no_records=mapview.no_records_notice(result, months, _))


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
