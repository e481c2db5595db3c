"""Printed maps: one map sheet (PDF or PNG) and the meeting atlas (PDF) of a commune and
month, drawn on the server from the map's own per-role view (:mod:`app.prints.map_sheets`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import audit
from app.access import ANYONE, Viewer
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for
from app.prints import map_sheets, meeting_atlas

router = APIRouter(dependencies=[Depends(ANYONE)])


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@router.get("/communes/{code}/print")
def print_map(code: str, request: Request, session: SessionDep, settings: SettingsDep,
              locale: LocaleDep, month: str | None = None, layer: str | None = None,
              paper: str | None = None, orientation: str | None = None,
              colour: str | None = None, format: str | None = None,  # noqa: A002
              dpi: str | None = None, masked: str | None = None,
              signature: str | None = None) -> Response:
    """One map sheet: ``?month=YYYY-MM&layer=…&paper=A4|A3&orientation=…&colour=colour|bw
    &format=pdf|png&dpi=150|300`` (``masked=1``: counts of people masked, for use outside
    the police; always so for viewers). A bad option: 400 with a message naming it."""
    viewer: Viewer = request.state.user
    options = map_sheets.read_options(month, layer=layer, paper=paper,
                                    orientation=orientation, colour=colour, fmt=format,
                                    dpi=dpi, masked=masked, signature=signature)
    sheet = map_sheets.print_sheet(
        session, settings, code, options, role=viewer.role,
        user=viewer.username, _=gettext_for(locale), locale=locale,
        log=request.app.state.sessions, address=audit.client_address(request))
    return _attachment(sheet.content, options.media_type, options.filename(code))


@router.get("/communes/{code}/atlas")
def atlas(code: str, request: Request, session: SessionDep, settings: SettingsDep,
          locale: LocaleDep, month: str | None = None, masked: str | None = None) -> Response:
    """The meeting atlas of the month as PDF, as the signed-in role may see it."""
    viewer: Viewer = request.state.user
    options = map_sheets.read_options(month, masked=masked)
    content = meeting_atlas.atlas(
        session, settings, code, options.month, role=viewer.role,
        user=viewer.username, _=gettext_for(locale), locale=locale,
        log=request.app.state.sessions, masked=options.masked,
        address=audit.client_address(request))
    return _attachment(content, "application/pdf",
                       f"tap-ban-do-{code}-{options.month}.pdf")



