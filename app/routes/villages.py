"""The commune's villages (thôn) with their households and residents, and the form the
commune police and administrators correct them with.

The figures come from the boundary file (``xkmt boundaries import``); when the file
lacks one (a village's population, say) the per-1,000 layer and the hotspot ratios
cannot be computed, and this page is where it is filled in. A save updates the
*current* version of the village in place, writes a ChangeLog row (which also refreshes
the cached figures of the map and the dashboard) and an audit event. A refused value
shows the list again (422) with the message beside the village, and nothing is stored.
Importing a new boundary file later replaces these figures with the file's.
"""

from __future__ import annotations

import re
import unicodedata

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app import audit, errors, store
from app.access import ANYONE, EDIT_VILLAGES, actor
from app.db import transaction
from app.deps import LocaleDep, SessionDep
from app.i18n import N_, gettext_for, number
from app.models import BoundaryImport, ChangeLog, Village
from app.records.forms import datetime_text
from app.records.service import logged
from app.rendering import render
from app.web_security import CSRF_FIELD, csrf_token

router = APIRouter()  # each route carries its own rule: reading and correcting differ

FIELDS = {"households": N_("Households"), "population": N_("Residents")}
GROUPED = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+", flags=re.ASCII)
LARGEST = 1_000_000  # more than any village: a typing slip (and within the column)
PROBLEMS = {
    "not_whole": N_("{village}, “{field}”: “{value}” is not a whole number. Write digits "
                    "only (for example 640), or leave it blank if it is not known."),
    "negative": N_("{village}, “{field}”: “{value}” is below zero."),
    "too_large": N_("{village}, “{field}”: “{value}” is too large for a village."),
    "fewer": N_("{village}: the residents ({population}) cannot be fewer than the "
                "households ({households})."),
}


class Refused(Exception):
    """Values that cannot be saved: messages, and the fields at fault."""

    def __init__(self, messages: list[str], fields: set[str]):
        super().__init__("refused")
        self.messages, self.fields = messages, fields


def _last_changes(session: Session, code: str, villages: list[Village], *,
                  who: bool) -> dict[str, str]:
    """For each village, when (and, if ``who``, by which account) its figures were last
    corrected here, if that was after the boundary file its current version comes from."""
    imported = {i.id: store.local_time(i.imported_at) for i in session.scalars(select(
        BoundaryImport).where(BoundaryImport.commune_code == code))}
    logs = session.scalars(select(ChangeLog).where(
        ChangeLog.commune_code == code, ChangeLog.record_type == "village").order_by(
        ChangeLog.id.desc()))
    found: dict[str, str] = {}
    versions = {v.code: v for v in villages}
    for log in logs:
        village = versions.get(log.record_code or "")
        if village is None or village.code in found:
            continue
        since = imported.get(village.import_id)
        if since is None or store.local_time(log.at) >= since:
            found[village.code] = datetime_text(log.at) + (f" · {log.actor}" if who else "")
    return found


def _page(request: Request, session: Session, code: str, locale: str, *,
          saved: str = "", unchanged: str = "",
          refused: tuple[str, dict, Refused] | None = None) -> HTMLResponse:
    """The one place the list is drawn (and again with a refused row's values)."""
    commune = store.get_commune(session, code)
    villages = store.current_villages(session, code)
    names = {v.code: v.name for v in villages}
    viewer = request.state.user
    can_edit = viewer is not None and viewer.can("edit_villages")
    changes = _last_changes(session, code, villages,
                            who=viewer is not None and viewer.can("see_change_authors"))
    rows = []
    for v in villages:
        row = {"code": v.code, "name": v.name, "last_change": changes.get(v.code, ""),
               "action": f"/communes/{code}/villages/{v.code}",
               "saved": v.code == saved, "errors": set(),
               "shown": {k: None if getattr(v, k) is None else number(getattr(v, k), locale)
                         for k in FIELDS},
               "inputs": {k: "" if getattr(v, k) is None else str(getattr(v, k))
                          for k in FIELDS}}
        if refused and refused[0] == v.code:  # the values sent, to correct them
            row["inputs"], row["errors"] = refused[1], refused[2].fields
        rows.append(row)
    return render(
        request, "villages.html", locale, status=422 if refused else 200,
        commune=commune, rows=rows, can_edit=can_edit, labels=FIELDS,
        synthetic=any(v.synthetic for v in villages),
        hidden=[(CSRF_FIELD, csrf_token(request.scope))] if can_edit else [],
        saved=names.get(saved), unchanged=names.get(unchanged),
        refused={"code": refused[0], "name": names.get(refused[0], refused[0]),
                 "messages": refused[2].messages} if refused else None)


@router.get("/communes/{code}/villages", response_class=HTMLResponse,
            dependencies=[Depends(ANYONE)])
def villages_list(code: str, request: Request, session: SessionDep, locale: LocaleDep,
                  saved: str = "", unchanged: str = "") -> HTMLResponse:
    """The current villages: code, name, households, residents, last correction."""
    return _page(request, session, code, locale, saved=saved, unchanged=unchanged)


@router.post("/communes/{code}/villages/{village_code}", dependencies=[Depends(EDIT_VILLAGES)])
async def villages_update(code: str, village_code: str, request: Request,
                          locale: LocaleDep) -> Response:
    """Form fields ``households`` and ``population``: whole numbers, blank = not known."""
    form = await request.form()
    if any(key not in form for key in FIELDS):
        return errors.answer(request, 422)
    raw = {k: unicodedata.normalize("NFC", str(form.get(k) or "")).strip() for k in FIELDS}
    return await run_in_threadpool(_submit, request, code, village_code, raw, locale)


def _submit(request: Request, code: str, village_code: str, raw: dict,
            locale: str) -> Response:
    """Check and save in one transaction; on any problem nothing is saved (422)."""
    sessions = request.app.state.sessions
    try:
        with transaction(sessions) as session:
            changes = _save(session, code, village_code, raw, actor(request), locale)
    except Refused as refused:
        with sessions() as session:
            return _page(request, session, code, locale,
                         refused=(village_code, raw, refused))
    if not changes:
        return RedirectResponse(f"/communes/{code}/villages?unchanged={village_code}",
                                status_code=303)
    audit.record_request(request, "change", commune_code=code, object_type="village",
                         object_id=village_code, detail=changes)
    return RedirectResponse(f"/communes/{code}/villages?saved={village_code}",
                            status_code=303)


def _save(session: Session, code: str, village_code: str, raw: dict, who: str,
          locale: str) -> dict:
    """Update the current village in place and log the change; the changes made.
    Raises ``Refused`` (nothing written) or 404 for an unknown village."""
    store.get_commune(session, code)
    village = session.scalar(select(Village).where(
        Village.commune_code == code, Village.code == village_code,
        Village.valid_to.is_(None)))
    if village is None:
        raise HTTPException(404)
    values = _read(raw, village.name, locale)
    changes = {k: [getattr(village, k), v] for k, v in values.items()
               if getattr(village, k) != v}
    if not changes:
        return {}
    for key, (_old, new) in changes.items():
        setattr(village, key, new)
    session.add(ChangeLog(**logged(code, "village", village.code, "update", changes,
                                   actor=who, record_id=village.id)))
    return changes


def _read(raw: dict, name: str, locale: str) -> dict[str, int | None]:
    """The form's values as whole numbers (None when blank), or ``Refused``."""
    _ = gettext_for(locale)
    values: dict[str, int | None] = {}
    messages, fields = [], set()
    for key, label in FIELDS.items():
        text = raw[key]
        problem = None
        if GROUPED.fullmatch(text):  # 1.234 or 1 234: thousands written the Vietnamese way
            text = re.sub(r"[.,\s]", "", text)
        if not text:
            values[key] = None
        elif re.fullmatch(r"-\s*\d+", text, flags=re.ASCII):
            problem = "negative"
        elif not re.fullmatch(r"\d+", text, flags=re.ASCII):
            problem = "not_whole"
        elif int(text) > LARGEST:
            problem = "too_large"
        else:
            values[key] = int(text)
        if problem:
            shown = text if len(text) <= 40 else text[:40] + "…"
            messages.append(_(PROBLEMS[problem]).format(village=name, field=_(label),
                                                        value=shown))
            fields.add(key)
    households, population = values.get("households"), values.get("population")
    if not fields and households is not None and population is not None \
            and population < households:
        messages.append(_(PROBLEMS["fewer"]).format(
            village=name, population=number(population, locale),
            households=number(households, locale)))
        fields |= {"households", "population"}
    if messages:
        raise Refused(messages, fields)
    return values
