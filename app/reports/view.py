"""The one place reports obtain figures: the map's per-role view of a month's village
frame (:func:`app.frame.view.view_for`), for the role of whoever asks. Every figure a report
prints comes from the :class:`MonthView` this returns; nothing is recomputed, retyped or
masked here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.access import AsRole, roles_with
from app.frame import view
from app.settings import Settings

REPORT_ROLES = tuple(sorted(roles_with("make_reports")))


@dataclass
class MonthView:
    """One month's figures as one role may see them.

    ``commune``: the view's ``summary`` (indicators at commune level, the national
    status, blocking villages, tasks, next reports, counts, ``recorded``).
    ``villages``: village code -> its properties in the view's ``features`` (``name``,
    ``counts``, ``indicators`` id -> value/target/status/evidence).
    ``indicators``: the frame's listing of the indicators (plan, labels, levels,
    comparison, target, metric, recognition).
    ``geometry``: village code -> GeoJSON geometry.
    ``frame``: the view itself (the village map is drawn from it).
    """

    month: str
    recorded: bool
    indicators: list[dict]
    commune: dict
    villages: dict[str, dict]
    geometry: dict[str, dict]
    plans: tuple[str, ...]
    frame: view.FrameView


def month_view(session: Session, settings: Settings, commune: str, month: str, role: str,
               locale: str) -> MonthView:
    """The view of ``commune`` in ``month`` for ``role`` (a police report may hold person
    codes in the evidence; every other role's never does)."""
    shown = view.view_for(session, settings, commune, month, AsRole(role), locale)
    features = shown.features["features"]
    return MonthView(
        month=shown.month, recorded=bool(shown.summary.get("recorded")),
        indicators=list(shown.indicators), commune=shown.summary,
        villages={f["properties"]["code"]: f["properties"] for f in features},
        geometry={f["properties"]["code"]: f["geometry"] for f in features},
        plans=tuple(shown.summary.get("plans") or ()), frame=shown)
