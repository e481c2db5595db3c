"""A venue's page (its inspections, last result, next due date and why) and the open-tips
board (days open against the plan's deadline, filtered by state, village and channel).
Police only (the router's rule): venues are named and tips listed one by one."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app import patrol, store, tips_board
from app.access import PATROLS
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import N_, gettext_for
from app.models import Inspection, Venue
from app.params import BadParameter, read_day, storable
from app.records.schema import CHOICES
from app.rendering import render

router = APIRouter(dependencies=[Depends(PATROLS)])

TIP_STATES = {"open": N_("open"), "overdue": N_("open past the deadline"),
              "settled": N_("closed in time"), "settled_late": N_("closed late")}
TIP_FILTERS = {"open": N_("Open"), "overdue": N_("Overdue"), "late": N_("Settled late"),
               "all": N_("All")}
BAD_CHOICE = N_("“{value}” is not one of the choices.")


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime(
        "%d/%m/%Y")


@router.get("/communes/{code}/venues/{venue}", response_class=HTMLResponse)
def venue_page(code: str, venue: str, request: Request, session: SessionDep,
               settings: SettingsDep, locale: LocaleDep,
               day: str | None = None) -> HTMLResponse:
    """The venue's inspections, its last result, its next due date and the reasons."""
    _ = gettext_for(locale)
    commune = store.get_commune(session, code)
    record = session.scalar(select(Venue).where(Venue.commune_code == code,
                                                Venue.code == venue)) \
        if storable(venue) else None
    if record is None:
        raise HTTPException(404)
    chosen = read_day(day) or store.today()
    due = patrol.due_venues(session, settings, code, chosen)
    row = next(iter(due[due["code"] == record.code].to_dict("records")), None)
    inspections = session.scalars(select(Inspection).where(
        Inspection.venue_id == record.id).order_by(Inspection.date.desc())).all()
    history = [{"date": i.date.strftime("%d/%m/%Y"), "team": i.team or "",
                "result": _(CHOICES["inspection_result"].get(i.result, i.result)),
                "violation": i.result == "violation", "drugs": bool(i.drug_finding),
                "note": i.note or ""} for i in inspections]
    facts = None
    if row is not None:
        facts = {"last": patrol.last_text(row, locale), "interval": row["interval_days"],
                 "next_due": _day(row["next_due"]) or _("now (never inspected)"),
                 "overdue": row["days_overdue"] if row["due"] else None,
                 "score": f"{row['score']:g}",
                 "reasons": patrol.reason_texts(row, locale, settings.patrol_radius_m),
                 "factors": [(_(patrol.FACTOR_LABELS[k]), f"{v:g}")
                             for k, v in row["factors"].items() if v]}
    return render(request, "venue.html", locale, commune=commune, venue=record,
                  kind=patrol.kind_text(record.kind, locale), day=chosen, facts=facts,
                  history=history, village=_village_name(session, code, record))


def _village_name(session, code: str, record: Venue) -> str:
    names = {v.code: v.name for v in store.current_villages(session, code)}
    return names.get(record.village_code, record.village_code or "")


def _choice(value: str | None, allowed) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise BadParameter(BAD_CHOICE, value=value[:40])
    return value


@router.get("/communes/{code}/tips", response_class=HTMLResponse)
def tips_page(code: str, request: Request, session: SessionDep, locale: LocaleDep,
              day: str | None = None, show: str = "open", village: str | None = None,
              channel: str | None = None) -> HTMLResponse:
    """The tips with days open and the deadline, filtered."""
    _ = gettext_for(locale)
    commune = store.get_commune(session, code)
    villages = {v.code: v.name for v in store.current_villages(session, code)}
    show = _choice(show, TIP_FILTERS) or "open"
    village = _choice(village, villages)
    channel = _choice(channel, CHOICES["tip_channel"])
    chosen = read_day(day) or store.today()
    deadline = patrol.plan_settings(code, chosen).tip_deadline_days
    frame = tips_board.board(tips_board.tips_of(session, code), chosen, deadline)
    shown = tips_board.pick(frame, show, village, channel)
    rows = [{"code": r["code"], "received": _day(r["received"]),
             "deadline": _day(r["deadline"]), "closed": _day(r["closed"]),
             "days_open": r["days_open"], "state": r["state"],
             "state_text": _(TIP_STATES[r["state"]]),
             "village": villages.get(r["village"], r["village"] or ""),
             "channel": _(CHOICES["tip_channel"].get(r["channel"], r["channel"])),
             "status": _(CHOICES["tip_status"].get(r["status"], r["status"]))}
            for r in shown.to_dict("records")]
    counts = {key: int(tips_board.pick(frame, key, village, channel).shape[0])
              for key in TIP_FILTERS}
    return render(request, "tips_board.html", locale, commune=commune, day=chosen,
                  deadline=deadline, rows=rows, show=show, village=village or "",
                  channel=channel or "", counts=counts,
                  filters=[(k, _(v)) for k, v in TIP_FILTERS.items()],
                  villages=list(villages.items()),
                  channels=[(k, _(v)) for k, v in CHOICES["tip_channel"].items()])
