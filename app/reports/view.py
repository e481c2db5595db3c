"""The one place reports obtain figures: the village frame of a month, shaped for the
role of whoever asks (:mod:`app.shaping`). Every figure a report prints comes from the
:class:`MonthView` this returns; nothing is recomputed or retyped.

(When the per-role view object of :mod:`app.shaping` lands, :func:`month_view` is the
function to switch to it.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app import compliance, shaping
from app.compliance import FrameCache
from geo.frame import FrameResult

REPORT_ROLES = ("police", "admin", "leader")


@dataclass
class MonthView:
    """One month's figures as one role may see them.

    ``commune``: :func:`app.shaping.commune_summary` (indicators at commune level, the
    national status, blocking villages, tasks, next reports, counts, ``recorded``).
    ``villages``: village code -> its properties of :func:`app.shaping.village_features`
    (``name``, ``counts``, ``indicators`` id -> value/target/status/evidence).
    ``indicators``: the frame's listing of the indicators (plan, labels, levels,
    comparison, target, metric, recognition).
    ``geometry``: village code -> GeoJSON geometry (for the map image).
    """

    month: str
    recorded: bool
    indicators: list[dict]
    commune: dict
    villages: dict[str, dict]
    geometry: dict[str, dict]
    plans: tuple[str, ...]


def month_view(session: Session, frames: FrameCache | None, commune: str, month: str,
               role: str, threshold: int) -> MonthView:
    """The frame of ``commune`` for ``month`` shaped for ``role`` (a police report may hold
    person codes in the evidence; every other role's never does)."""
    result: FrameResult = (frames.get(session, commune, month) if frames is not None
                           else compliance.compute(session, commune, month))
    shaper = shaping.Shaper(role, compliance.person_codes(session, commune), threshold)
    features = shaping.village_features(result, shaper)["features"]
    return MonthView(
        month=month, recorded=bool(result.recorded), indicators=list(result.indicators),
        commune=shaping.commune_summary(result, shaper),
        villages={f["properties"]["code"]: f["properties"] for f in features},
        geometry={f["properties"]["code"]: f["geometry"] for f in features},
        plans=result.plans)
