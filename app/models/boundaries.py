"""Communes, their villages (with history) and the boundary files imported."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Commune(Base):
    """A commune (xã), identified by its statistics-office (GSO) code."""

    __tablename__ = "commune"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_type: Mapped[str] = mapped_column(String(40), default="Xã")
    district: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(200))
    province_code: Mapped[str | None] = mapped_column(String(10), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    # Metric CRS of the province (VN-2000 / TM-3 at its meridian), used to read
    # VN-2000 x/y coordinates and as the first guess for files without a CRS.
    metric_epsg: Mapped[int] = mapped_column(Integer, default=5897)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str | None] = mapped_column(Text)


class Village(Base):
    """A village (thôn) as valid over a period: boundaries change, history is kept."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("commune_code", "code", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    households: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("boundary_import.id"))


class BoundaryImport(Base):
    """One accepted boundary file: what was read, how, and what it changed."""

    __tablename__ = "boundary_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    crs: Mapped[str] = mapped_column(String(40))
    encoding: Mapped[str | None] = mapped_column(String(20))
    report: Mapped[str] = mapped_column(Text)  # JSON list of problems (warnings, notes)
