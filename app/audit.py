"""The audit log: who did what, when, from where. Written here only; never edited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from app.models import AuditEvent
from app.store import TZ

ACTIONS = ("login", "login_failed", "logout", "view_person", "view_person_list", "change",
           "import", "export", "account")


def client_address(request: Request | None) -> str | None:
    if request is None or request.client is None:
        return None
    return request.client.host


def record(sessions: sessionmaker[Session] | Session, action: str, *,
           username: str | None, address: str | None = None,
           commune_code: str | None = None, object_type: str | None = None,
           object_id: Any = None, detail: dict | None = None) -> None:
    """Write one audit event. Given a sessionmaker it commits at once, on its own, so
    the event stays even when the request it describes fails (a refused sign-in)."""
    assert action in ACTIONS, action
    event = AuditEvent(
        at=dt.datetime.now(TZ), username=username, address=address, action=action,
        commune_code=commune_code, object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None)
    if isinstance(sessions, Session):
        sessions.add(event)
        return
    with sessions() as session, session.begin():
        session.add(event)


def record_request(request: Request, action: str, **kwargs) -> None:
    """An audit event for the signed-in user of ``request``."""
    user = getattr(request.state, "user", None)
    record(request.app.state.sessions, action,
           username=user.username if user else None,
           address=client_address(request), **kwargs)
