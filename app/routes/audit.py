"""The audit log, read-only, for police and administrators of the commune."""

from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Depends, Request
from sqlalchemy import and_, false, or_, select

from app import store
from app.access import STAFF
from app.audit import ACTIONS
from app.deps import LocaleDep, SessionDep
from app.i18n import N_, gettext_for
from app.models import AuditEvent, User, UserScope
from app.params import read_day, storable
from app.records.schema import RECORD_TYPES
from app.rendering import render

router = APIRouter(dependencies=[Depends(STAFF)])
PAGE = 200
OBJECTS = {"task": N_("Plan task"), "village": N_("Village figures"),
           "records": N_("Records"), "file": N_("File"), "user": N_("Account"),
           "map": N_("Risk map"), "api": N_("Figures for other programs"),
           "meeting_pack": N_("Meeting pack"),
           **{rt.name: rt.label for rt in RECORD_TYPES}}  # what an event is about

ACTION_LABELS = {
    "login": N_("signed in"), "login_failed": N_("failed sign-in"), "logout": N_("signed out"),
    "view_person": N_("viewed a person"), "view_person_list": N_("viewed a person list"),
    "change": N_("changed a record"), "import": N_("imported a file"),
    "export": N_("exported a file"), "account": N_("account change"),
    "print": N_("printed or saved a map"),
}
assert set(ACTION_LABELS) == set(ACTIONS)


@router.get("/communes/{code}/audit")
def audit_log(code: str, request: Request, session: SessionDep, locale: LocaleDep,
              user: str | None = None, action: str | None = None,
              start: str | None = None, end: str | None = None):
    """Audit events of this commune, and the sign-ins of its accounts; ``start`` and
    ``end`` are days (400 for one that is not, or is out of range)."""
    commune = store.get_commune(session, code)
    first, last = read_day(start), read_day(end)
    accounts = select(User.username).join(UserScope).where(UserScope.commune_code == code)
    query = select(AuditEvent).where(or_(
        AuditEvent.commune_code == code,
        and_(AuditEvent.commune_code.is_(None), AuditEvent.username.in_(accounts))))
    if user:  # a name no account can have (a NUL) matches nothing
        query = query.where(AuditEvent.username == user if storable(user) else false())
    if action in ACTIONS:
        query = query.where(AuditEvent.action == action)
    if first:
        query = query.where(AuditEvent.at >= dt.datetime.combine(first, dt.time(), store.TZ))
    if last:
        query = query.where(AuditEvent.at < dt.datetime.combine(
            last + dt.timedelta(days=1), dt.time(), store.TZ))
    events = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE)))
    rows = [{"at": store.local_time(e.at),
             "username": e.username, "address": e.address, "action": e.action,
             "object": " ".join(filter(None, [_object(e.object_type, locale),
                                              e.object_id])),
             "detail": json.loads(e.detail) if e.detail else None} for e in events]
    return render(request, "audit.html", locale, commune=commune, rows=rows,
                  actions=ACTION_LABELS, filters={"user": user or "", "action": action or "",
                                                  "start": first.isoformat() if first else "",
                                                  "end": last.isoformat() if last else ""},
                  page=PAGE)


def _object(kind: str | None, locale: str) -> str | None:
    """What an event is about, in the user's language (unknown kinds as stored)."""
    return gettext_for(locale)(OBJECTS[kind]) if kind in OBJECTS else kind
