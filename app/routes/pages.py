"""HTML pages: the commune's village map."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import errors, store
from app.access import ANYONE, Viewer
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for, number
from app.rendering import render
from app.web_security import add_nonce
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
    nonce = request.scope.get("csp_nonce", "")
    response = render(
        request, "map.html", locale, commune=commune, villages=villages,
        synthetic=synthetic, map_head=add_nonce(figure.header.render(), nonce),
        map_body=figure.html.render(), map_script=figure.script.render())
    return response
