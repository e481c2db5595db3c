"""Passwords (Argon2), sign-in throttling, the secret key, and who is signed in."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Commune, User, UserScope
from app.models.users import ROLES
from app.settings import ROOT, Settings
from app.store import TZ

HASHER = PasswordHasher()
# A hash to verify against when the account does not exist, so that the time taken
# does not tell which usernames exist.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def secret_key(settings: Settings) -> str:
    """The configured key, or one made once and kept in ``var/secret_key``."""
    if settings.secret_key:
        return settings.secret_key
    path = ROOT / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def new_password() -> str:
    """A random password for a new account, shown once."""
    return secrets.token_urlsafe(12)


def create_user(session: Session, username: str, role: str, *, communes: list[str] = (),
                provinces: list[str] = (), password: str | None = None) -> tuple[User, str]:
    """Create an account; returns it with its (one-time) password."""
    if role not in ROLES:
        raise ValueError(role)
    password = password or new_password()
    user = User(username=username, password_hash=HASHER.hash(password), role=role,
                active=True, created_at=dt.datetime.now(TZ))
    user.scopes = [UserScope(commune_code=c) for c in communes] + [
        UserScope(province_code=p) for p in provinces]
    session.add(user)
    session.flush()
    return user, password


def set_password(user: User, password: str) -> None:
    user.password_hash = HASHER.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return HASHER.verify(user.password_hash if user else _DUMMY_HASH, password) and (
            user is not None)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def locked_out(session: Session, settings: Settings, username: str, address: str) -> bool:
    """Too many failed sign-ins lately, for this account or from this address."""
    since = dt.datetime.now(TZ) - dt.timedelta(minutes=settings.login_lockout_minutes)
    failures = select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login_failed", AuditEvent.at >= since)
    by_user = session.scalar(failures.where(AuditEvent.username == username))
    by_address = session.scalar(failures.where(AuditEvent.address == address))
    return (by_user >= settings.login_max_failures
            or by_address >= settings.login_max_failures_per_address)


@dataclass(frozen=True)
class Scope:
    """The communes an account may see."""

    communes: frozenset[str]

    @classmethod
    def of(cls, session: Session, user: User) -> Scope:
        codes = {s.commune_code for s in user.scopes if s.commune_code}
        provinces = [s.province_code for s in user.scopes if s.province_code]
        if provinces:
            codes |= set(session.scalars(select(Commune.code).where(
                Commune.province_code.in_(provinces))))
        return cls(frozenset(codes))

    def allows(self, commune_code: str) -> bool:
        return commune_code in self.communes

