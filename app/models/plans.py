"""What the commune records about its plans beyond the monitoring records: the dated
tasks decided by hand (the plan's lists reviewed, management assigned...) marked done."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class TaskMark(Base):
    """A manual task of a plan marked done on a day, by whom, with the document that shows
    it (a number and date of a decision, minutes...). One per commune, plan and task;
    clearing the mark deletes it (the change log keeps the history)."""

    __tablename__ = "task_mark"
    __table_args__ = (UniqueConstraint("commune_code", "plan_id", "task_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    plan_id: Mapped[str] = mapped_column(String(80))
    task_id: Mapped[str] = mapped_column(String(40))
    done_on: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(200))
    marked_by: Mapped[str] = mapped_column(String(100))
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
