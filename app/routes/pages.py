"""HTML pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import store
from app.deps import LANG_COOKIE, LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for, jinja_env, number
from geo.webmap import MapTexts, village_map

router = APIRouter()


@router.get("/", include_in_schema=False)
@router.get("/map", include_in_schema=False)
def home(request: Request, settings: SettingsDep) -> RedirectResponse:
    target = f"/communes/{settings.default_commune}/map"
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=307)


@router.get("/communes/{code}/map", response_class=HTMLResponse)
def commune_map(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                locale: LocaleDep) -> HTMLResponse:
    """The commune's village map."""
    commune = store.get_commune(session, code)
    villages = store.load_villages(session, code)
    _ = gettext_for(locale)
    synthetic = bool(villages["synthetic"].any())
    villages["households_text"] = [number(v, locale) for v in villages["households"]]
    villages["population_text"] = [number(v, locale) for v in villages["population"]]
    texts = MapTexts(
        villages=_("Villages"), labels=_("Village names"), outline=_("Commune boundary"),
        base_map=_("Base map"),
        tooltip_fields=(("name", _("Village")), ("households_text", _("Households")),
                        ("population_text", _("Residents"))),
        notice=_("Synthetic villages: boundaries and figures are invented for the demo.")
        if synthetic else None)
    tiles = None if settings.tiles.lower() == "none" else settings.tiles
    fmap = village_map(villages, store.commune_outline(commune), texts, tiles=tiles,
                       tiles_attribution=settings.tiles_attribution or None)
    figure = fmap.get_root()
    figure.render()
    html = jinja_env(locale).get_template("map.html").render(
        commune=commune, villages=villages, synthetic=synthetic,
        map_head=figure.header.render(), map_body=figure.html.render(),
        map_script=figure.script.render(), request_path=request.url.path)
    response = HTMLResponse(html)
    if request.query_params.get("lang") == locale:
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 86400, httponly=True,
                            samesite="lax")
    return response
