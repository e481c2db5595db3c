"""The meeting pack on the web (``app/prints/pack.py``): the map page's download button.

A POST from the map page's form, with its CSRF token, as the record exports: a link from
another site cannot make (and log) a pack in one's name; a ``GET`` leads to the map.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app import audit, errors, store
from app.access import Rule, Viewer, is_pack_role, may_make_for
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.frame import loading
from app.i18n import gettext_for
from app.params import read_month
from app.prints.pack import DEFAULT_ROLE, PackError, build_pack

PACK = Rule.needing("take_packs")  # who may take the map away as a file

router = APIRouter(dependencies=[Depends(PACK)])


@router.post("/communes/{code}/pack.html")
def meeting_pack(code: str, request: Request, session: SessionDep, settings: SettingsDep,
                 locale: LocaleDep, month: Annotated[str | None, Form()] = None,
                 layer: Annotated[str | None, Form()] = None,
                 role: Annotated[str | None, Form()] = None) -> Response:
    """The pack of the month (default the latest with records) coloured by ``layer``, for
    ``role`` (none: the default, a leader's): a leader's or a viewer's view (counts
    masked) by anyone allowed, the police's own only by the police. Every pack made is
    written to the audit log."""
    viewer: Viewer = request.state.user
    store.get_commune(session, code)
    month = read_month(month) or _latest(session, code)
    role = role or DEFAULT_ROLE
    if is_pack_role(role) and not may_make_for(viewer, role):
        raise HTTPException(403)
    try:
        pack = build_pack(session, settings, code, month, role=role, locale=locale,
                          layer=layer or None, made_by=viewer.username)
    except PackError as exc:
        _ = gettext_for(locale)
        return errors.answer(request, 400, _(exc.message).format(**exc.values))
    name = f"xkmt_{code}_{month}_{pack.layer}_{pack.role}.html"
    audit.record_request(request, "print", commune_code=code, object_type="meeting_pack",
                         object_id=month, detail={"file": name, "layer": pack.layer,
                                                  "role": pack.role,
                                                  "bytes": len(pack.html.encode()),
                                                  "persons": pack.persons})
    return Response(pack.html, media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; "
                               f"filename*=UTF-8''{quote(name)}"})


@router.get("/communes/{code}/pack.html")
def meeting_pack_address(code: str, session: SessionDep) -> RedirectResponse:
    """A link or bookmark: the map, where the button makes the pack; nothing is made."""
    store.get_commune(session, code)
    return RedirectResponse(f"/communes/{code}/map", status_code=303)


def _latest(session, code: str) -> str:
    months = loading.record_months(session, code, store.today())
    return months[-1] if months else loading.current_month()
