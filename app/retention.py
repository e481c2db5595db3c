"""Retention: people whose management ended long ago are anonymised, not deleted.

Deleting them would change the figures of past months (tests done, people managed). So
their history stays, and what could link it to a real person goes: the pseudonymous code
(which the police can match to their paper files) is replaced by a random one everywhere
it appears, and year of birth and sex are dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, ChangeLog, OutreachEvent, Person


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class RetentionResult:
    cutoff: dt.date
    persons: list[tuple[str, str, dt.date]]  # (commune, old code, management end)


def due(session: Session, today: dt.date, months: int) -> RetentionResult:
    """People whose management ended more than ``months`` before ``today``."""
    cutoff = months_before(today, months)
    rows = session.execute(
        select(Person.commune_code, Person.code, Person.management_end)
        .where(Person.management_end.is_not(None), Person.management_end < cutoff,
               ~Person.code.startswith("ANON-"))
        .order_by(Person.commune_code, Person.code)).all()
    return RetentionResult(cutoff, [tuple(r) for r in rows])


def apply(session: Session, result: RetentionResult) -> int:
    """Anonymise the people of ``result``; the caller commits."""
    for commune, code, _end in result.persons:
        person = session.scalar(select(Person).where(Person.commune_code == commune,
                                                     Person.code == code))
        new = f"ANON-{secrets.token_hex(5).upper()}"
        person.code, person.birth_year, person.sex = new, None, None
        _replace_everywhere(session, commune, code, new)
    session.flush()
    return len(result.persons)


def _replace_everywhere(session: Session, commune: str, old: str, new: str) -> None:
    for event in session.scalars(select(OutreachEvent).where(
            OutreachEvent.commune_code == commune, OutreachEvent.key.contains(old))):
        event.key = _swap(event.key, old, new)
    for entry in session.scalars(select(ChangeLog).where(
            ChangeLog.commune_code == commune,
            or_(ChangeLog.record_code.contains(old), ChangeLog.changes.contains(old)))):
        entry.record_code = _swap(entry.record_code, old, new)
        entry.changes = _swap(entry.changes, old, new)
    for event in session.scalars(select(AuditEvent).where(
            or_(AuditEvent.object_id.contains(old), AuditEvent.detail.contains(old)))):
        event.object_id = _swap(event.object_id, old, new)
        event.detail = _swap(event.detail, old, new)


def _swap(text: str | None, old: str, new: str) -> str | None:
    # Codes are replaced as whole tokens: "CT-1" must not touch "CT-12".
    if text is None:
        return None
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text)
