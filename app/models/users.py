"""Accounts, their scope (communes or a whole province), their sign-ins (live sessions and
the throttle of failed attempts) and the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base

ROLES = ("admin", "police", "leader", "viewer")


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin, police, leader, viewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A password made by the system (first admin, demo, reset) must be changed at sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    scopes: Mapped[list[UserScope]] = relationship(cascade="all, delete-orphan",
                                                   lazy="selectin")


class UserScope(Base):
    """One commune (``commune_code``) or a whole province (``province_code``)."""

    __tablename__ = "user_scope"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(10))
    province_code: Mapped[str | None] = mapped_column(String(10))


class AuditEvent(Base):
    """Append-only: sign-ins, views of person-level data, changes, imports, exports."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str | None] = mapped_column(String(80), index=True)
    address: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(10), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)  # JSON


class LoginSession(Base):
    """A signed-in browser. Its cookie holds a random token; the row is keyed by the token's
    SHA-256, so the table alone cannot sign anyone in. Signing out, a password change and
    disabling the account delete rows: a copied cookie stops working at once."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Recent sign-in attempts of one account name or from one address, counted with one
    atomic UPDATE before the password is checked (given back when it was right)."""

    __tablename__ = "login_throttle"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # account, address
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
