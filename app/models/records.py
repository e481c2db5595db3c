"""The monitoring records of a commune's plan.

Privacy by design: a person is a pseudonymous code in a village. There is no field for a
name, ID number, phone or address, and a tip has no field for who sent it. Villages are
referred to by their code (stable across boundary versions). Points are lat/lon in
EPSG:4326 with the village they fall in, assigned by ``geo.join``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base

CODE = String(40)
KIND = String(30)


class _Commune:
    """Mixin: the record belongs to a commune."""

    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)


class _Point:
    """Mixin: a place, and the village it lies in."""

    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    village_code: Mapped[str | None] = mapped_column(CODE, index=True)


class Person(_Commune, Base):
    """A person on the commune's lists, under a pseudonymous code. Current state here;
    every change of village, category, status or psychosis flag is kept in PersonState."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    category: Mapped[str] = mapped_column(KIND)  # user, addict, post_rehab, released
    # treatment / whereabouts; none for a user under management or a released person
    status: Mapped[str | None] = mapped_column(KIND)
    status_date: Mapped[dt.date] = mapped_column(Date)
    psychosis: Mapped[bool] = mapped_column(Boolean, default=False)
    file_opened: Mapped[bool] = mapped_column(Boolean, default=False)
    file_opened_date: Mapped[dt.date | None] = mapped_column(Date)
    management_start: Mapped[dt.date | None] = mapped_column(Date)
    management_end: Mapped[dt.date | None] = mapped_column(Date)
    loan_date: Mapped[dt.date | None] = mapped_column(Date)
    job_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(1))  # M, F

    states: Mapped[list[PersonState]] = relationship(
        back_populates="person", order_by="PersonState.valid_from",
        cascade="all, delete-orphan")
    tests: Mapped[list[DrugTest]] = relationship(
        back_populates="person", order_by="DrugTest.date", cascade="all, delete-orphan")


class PersonState(Base):
    """A person's village, category, status and psychosis flag from a date on."""

    __tablename__ = "person_state"
    __table_args__ = (UniqueConstraint("person_id", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    village_code: Mapped[str] = mapped_column(CODE)
    category: Mapped[str] = mapped_column(KIND)
    status: Mapped[str | None] = mapped_column(KIND)
    psychosis: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="states")


class DrugTest(Base):
    __tablename__ = "drug_test"
    __table_args__ = (UniqueConstraint("person_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(KIND)  # positive, negative

    person: Mapped[Person] = relationship(back_populates="tests")


class School(_Commune, _Point, Base):
    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(KIND)  # primary, lower_secondary, ...


class OutreachEvent(_Commune, Base):
    """A broadcast, post, school session, visit, respected-person session or meeting.

    ``key`` is the natural key (kind, date, target) that makes re-imports idempotent.
    """

    __tablename__ = "outreach_event"
    __table_args__ = (UniqueConstraint("commune_code", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(KIND)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    all_villages: Mapped[bool] = mapped_column(Boolean, default=False)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    link: Mapped[str | None] = mapped_column(String(500))

    villages: Mapped[list[OutreachVillage]] = relationship(cascade="all, delete-orphan")


class OutreachVillage(Base):
    __tablename__ = "outreach_village"

    event_id: Mapped[int] = mapped_column(ForeignKey("outreach_event.id"), primary_key=True)
    village_code: Mapped[str] = mapped_column(CODE, primary_key=True)


class Pledge(_Commune, Base):
    """Households of a village that had signed the no-drugs pledge, as of a date."""

    __tablename__ = "pledge"
    __table_args__ = (UniqueConstraint("commune_code", "village_code", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_code: Mapped[str] = mapped_column(CODE)
    as_of: Mapped[dt.date] = mapped_column(Date)
    households_signed: Mapped[int] = mapped_column(Integer)


class PreventionModel(_Commune, Base):
    __tablename__ = "prevention_model"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(KIND)  # prevention, reintegration_3_1, other
    established: Mapped[dt.date] = mapped_column(Date)


class TipBox(_Commune, _Point, Base):
    __tablename__ = "tip_box"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    installed: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(KIND)  # working, broken, removed
    last_checked: Mapped[dt.date | None] = mapped_column(Date)


class Tip(_Commune, _Point, Base):
    """A crime tip (nguồn tin). There is deliberately no field for who sent it."""

    __tablename__ = "tip"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    received: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(KIND)  # tip_box, vneid, phone, in_person, other
    status: Mapped[str] = mapped_column(KIND)  # received, verified, settled, unfounded
    verified_date: Mapped[dt.date | None] = mapped_column(Date)
    settled_date: Mapped[dt.date | None] = mapped_column(Date)
    unfounded_date: Mapped[dt.date | None] = mapped_column(Date)


class Venue(_Commune, _Point, Base):
    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(KIND)  # karaoke, guesthouse, hotel, bar, ...
    licence: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    inspections: Mapped[list[Inspection]] = relationship(
        back_populates="venue", order_by="Inspection.date", cascade="all, delete-orphan")


class Inspection(Base):
    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("venue_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    team: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(KIND)  # ok, violation
    drug_finding: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    venue: Mapped[Venue] = relationship(back_populates="inspections")


class Incident(_Commune, _Point, Base):
    __tablename__ = "incident"
    __table_args__ = (UniqueConstraint("commune_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(CODE)
    kind: Mapped[str] = mapped_column(KIND)  # violation, arrest, cultivation, ...
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    persons: Mapped[int | None] = mapped_column(Integer)  # people involved (arrests)
    plants: Mapped[int | None] = mapped_column(Integer)
    area_m2: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)


class Baseline(_Commune, Base):
    """People per village and category at registration (thời điểm đăng ký)."""

    __tablename__ = "baseline"
    __table_args__ = (UniqueConstraint("commune_code", "village_code", "category", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_code: Mapped[str] = mapped_column(CODE)
    category: Mapped[str] = mapped_column(KIND)
    as_of: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)


class ChangeLog(Base):
    """Who changed which record, when, from what to what. Written by the app only."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    commune_code: Mapped[str | None] = mapped_column(String(10), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_code: Mapped[str | None] = mapped_column(String(400))
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete
    source: Mapped[str | None] = mapped_column(String(500))  # form, or the imported file
    changes: Mapped[str] = mapped_column(Text)  # JSON {field: [old, new]}
