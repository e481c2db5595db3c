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
           "import", "export", "account", "print")


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


def codes_in(data: Any, codes: set[str]) -> set[str]:
    """The person codes ``codes`` found among the values of ``data`` (nested dicts,
    lists and strings): what a page or an answer shows of them.

    >>> sorted(codes_in({"a": ["P1", "T01"], "b": {"c": "P2", "d": 3}}, {"P1", "P2", "P3"}))
    ['P1', 'P2']
    """
    found: set[str] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set):
            stack.extend(value)
        elif isinstance(value, str) and value in codes:
            found.add(value)
    return found


def record_codes_shown(request: Request, data: Any, codes: set[str], *, commune_code: str,
                       object_type: str, object_id: Any = None,
                       detail: dict | None = None) -> None:
    """One "viewed a person list" event when ``data``, about to be shown to the signed-in
    user, holds person codes (how many, not which: the log is no list of people)."""
    shown = codes_in(data, codes)
    if shown:
        record_request(request, "view_person_list", commune_code=commune_code,
                       object_type=object_type, object_id=object_id,
                       detail={**(detail or {}), "persons": len(shown)})
