"""Passwords (Argon2), sign-in throttling, server-side sessions, the secret key, and who is
signed in."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, case, delete, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from app.models import Commune, LoginSession, LoginThrottle, User, UserScope
from app.models.users import ROLES
from app.settings import ROOT, Settings
from app.store import TZ

# Argon2id costs by the name XKMT_PASSWORD_HASH_COST gives. "strong" is RFC 9106's
# low-memory profile (3 passes over 64 MiB, 4 lanes: argon2-cffi's default); "test" is
# argon2-cffi's cheapest, for the test suite only.
HASH_COSTS = {"strong": profiles.RFC_9106_LOW_MEMORY, "test": profiles.CHEAPEST}


@lru_cache
def password_hasher(cost: str) -> PasswordHasher:
    """The hasher of new password hashes at ``cost`` (``settings.password_hash_cost``).
    A stored hash is verified with the parameters written in it, whatever the cost."""
    return PasswordHasher.from_parameters(HASH_COSTS[cost])


@lru_cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when the account does not exist, made at the same cost,
    so that the time taken does not tell which usernames exist."""
    return hasher.hash(secrets.token_urlsafe(16))


NAME_MAX = 80  # of a throttle row's name: an account name or an address


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


def create_user(session: Session, username: str, role: str, *, hasher: PasswordHasher,
                communes: list[str] = (), provinces: list[str] = (),
                password: str | None = None) -> tuple[User, str]:
    """Create an account; returns it with its (one-time) password."""
    if role not in ROLES:
        raise ValueError(role)
    password = password or new_password()
    user = User(username=username, password_hash=hasher.hash(password), role=role,
                active=True, created_at=dt.datetime.now(TZ))
    user.scopes = [UserScope(commune_code=c) for c in communes] + [
        UserScope(province_code=p) for p in provinces]
    session.add(user)
    session.flush()
    return user, password


def set_password(user: User, password: str, hasher: PasswordHasher) -> None:
    user.password_hash = hasher.hash(password)


def check_password(user: User | None, password: str, hasher: PasswordHasher) -> bool:
    try:
        return hasher.verify(user.password_hash if user else _dummy_hash(hasher),
                             password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- sign-in throttle -------------------------------------------------------------------
# Every attempt takes a slot of its address and of its account name with one atomic UPDATE
# each (row locks on PostgreSQL, the write lock on SQLite) before the password is checked,
# so concurrent guesses get no more checks than the limit; a right password gives them back.
# Rows are always taken address first, then account: two sign-ins never wait on each other
# in a circle.

def reserve_attempt(session: Session, settings: Settings, username: str, address: str) -> bool:
    """Count one attempt for this address and this account name; False (nothing counted)
    when either is locked. Commit soon: on SQLite the write lock is held till then."""
    if not _take(session, settings, "address", address,
                 settings.login_max_failures_per_address):
        return False
    if not _take(session, settings, "account", username, settings.login_max_failures):
        _give_back(session, "address", address)
        return False
    return True


def release_attempt(session: Session, username: str, address: str) -> None:
    """The password was right: the attempt was not a failure."""
    _give_back(session, "address", address)
    _give_back(session, "account", username)


def _take(session: Session, settings: Settings, kind: str, name: str, limit: int) -> bool:
    now = dt.datetime.now(TZ)
    stale = now - dt.timedelta(minutes=settings.login_lockout_minutes)
    row = LoginThrottle.__table__
    key = (row.c.kind == kind, row.c.name == name[:NAME_MAX])
    for _ in range(2):  # a row tidied away meanwhile (forget_expired) is made again
        session.execute(_insert_ignoring_duplicates(session, row).values(
            kind=kind, name=name[:NAME_MAX], failures=0, last_at=now))
        taken = session.execute(
            update(row).where(*key, or_(row.c.failures < limit, row.c.last_at < stale))
            .values(failures=case((row.c.last_at < stale, 1), else_=row.c.failures + 1),
                    last_at=now)
            .returning(row.c.failures)).first()
        if taken is not None:
            return True
        if session.scalar(select(row.c.failures).where(*key)) is not None:
            return False  # there, and at the limit: locked
    return False


def _give_back(session: Session, kind: str, name: str) -> None:
    row = LoginThrottle.__table__
    session.execute(update(row).where(row.c.kind == kind, row.c.name == name[:NAME_MAX],
                                      row.c.failures > 0)
                    .values(failures=row.c.failures - 1))


def _insert_ignoring_duplicates(session: Session, table):
    """INSERT … ON CONFLICT DO NOTHING, in the database's own dialect."""
    insert = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}[
        session.get_bind().dialect.name]
    return insert(table).on_conflict_do_nothing()


def forget_expired(session: Session, settings: Settings) -> None:
    """Delete expired sessions and counts nobody has added to for a lockout's time. Rows
    another transaction holds are skipped (PostgreSQL), never waited for: next time."""
    now = dt.datetime.now(TZ)
    expired = select(LoginSession.id).where(LoginSession.expires_at <= now)
    session.execute(delete(LoginSession).where(
        LoginSession.id.in_(expired.with_for_update(skip_locked=True))))
    stale = now - dt.timedelta(minutes=settings.login_lockout_minutes)
    old = select(LoginThrottle.kind, LoginThrottle.name).where(LoginThrottle.last_at < stale)
    session.execute(delete(LoginThrottle).where(
        tuple_(LoginThrottle.kind, LoginThrottle.name).in_(
            old.with_for_update(skip_locked=True))))


# --- sessions ---------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, settings: Settings, user: User) -> str:
    """A new server-side session for ``user``; returns the token for the cookie."""
    now = dt.datetime.now(TZ)
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=_digest(token), user_id=user.id, created_at=now,
                             expires_at=now + dt.timedelta(hours=settings.session_hours)))
    return token


@dataclass(frozen=True)
class Scope:
    """The communes an account may see (that exist)."""

    communes: frozenset[str]

    def allows(self, commune_code: str) -> bool:
        return commune_code in self.communes


@dataclass(frozen=True)
class Account:
    """The signed-in account as a request needs it: plain values, no database object."""

    id: int
    username: str
    role: str
    must_change_password: bool
    scope: Scope


def _account_query():
    named, in_province = aliased(Commune), aliased(Commune)
    return (select(User.id, User.username, User.role, User.must_change_password,
                   named.code, in_province.code)
            .select_from(LoginSession).join(User, LoginSession.user_id == User.id)
            .outerjoin(UserScope, UserScope.user_id == User.id)
            .outerjoin(named, named.code == UserScope.commune_code)
            .outerjoin(in_province, in_province.province_code == UserScope.province_code)
            .where(LoginSession.id == bindparam("digest"),
                   LoginSession.expires_at > bindparam("now"), User.active.is_(True)))


_ACCOUNT = _account_query()  # made once: building a statement costs more than running it


def session_account(session: Session, token: object) -> Account | None:
    """The active account whose live, unexpired session ``token`` is, with the communes
    it may see (those that exist: a route checked against the scope needs not look the
    commune up again), else None. One query: it runs on every request."""
    if not isinstance(token, str) or not token:
        return None
    rows = session.execute(_ACCOUNT, {"digest": _digest(token),
                                      "now": dt.datetime.now(TZ)}).all()
    if not rows:
        return None
    ident, username, role, must_change = rows[0][:4]
    codes = frozenset(code for row in rows for code in row[4:] if code)
    return Account(ident, username, role, must_change, Scope(codes))


def end_session(session: Session, token: object) -> None:
    """Sign-out: this session's cookie is worthless from now on, wherever it was copied."""
    if isinstance(token, str) and token:
        session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def end_sessions(session: Session, user_id: int, *, keep: object = None) -> None:
    """End every session of an account (but ``keep``, the one asking, if given)."""
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if isinstance(keep, str) and keep:
        query = query.where(LoginSession.id != _digest(keep))
    session.execute(query)
