"""The masking rules: what each role may see of the village frame's figures. Only
:mod:`app.frame.view` applies them (a guard test checks it), for the map, its village panel, the
dashboard, the API and whatever renders from the view.

- **police**: everything, the person codes behind a figure included;
- **leader** (and admin): every figure exact, never a person code (a list of codes
  becomes how many there are);
- **viewer** (meetings, outside the police): statuses, levels, the figures that count no
  one (outreach, venues, tip boxes…) and, of people, one banded count per village (see
  :func:`app.privacy.band_limit`) with the commune's total as the range its villages
  allow. Nothing else computed from people: no value or evidence of an indicator whose
  metric counts people (declared in ``geo``: :meth:`geo.engine.criteria.Metric.counts_people`,
  :data:`geo.engine.counts.PEOPLE`), no hotspot evidence (its ratios times the residents give
  the counts back), no other count of people. So no ratio, percentage, difference or sum
  shown can give back a small count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import pandas as pd

from app.privacy import band_limit, mask_count, masked_total
from geo.engine.counts import LISTS, NOT_PEOPLE, PEOPLE
from geo.engine.frame import FrameResult

COUNTS = (*PEOPLE, *NOT_PEOPLE)


class Capable(Protocol):
    """Who asks: anything that answers what it may see by name (``app.access.Viewer``)."""

    def can(self, capability: str) -> bool: ...


def plain(value):
    """JSON-ready: numpy and pandas scalars, dates, NaN → None, nested."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class Shaper:
    """What one role sees of the frame's figures (see the module's docstring)."""

    def __init__(self, viewer: Capable, person_codes: set[str], threshold: int):
        self.police = viewer.can("see_person_codes")
        self.viewer = not viewer.can("see_exact_counts")
        self.person_codes = person_codes
        self.threshold = threshold

    @property
    def people_mask(self) -> int:
        """A village's count of people from 1 to this is shown as "≤n" (0: exact)."""
        return band_limit(self.threshold, len(LISTS)) if self.viewer else 0

    def evidence(self, evidence):
        """An indicator's evidence: a list of person codes becomes its length outside the
        police (who, never; how many, yes)."""
        evidence = plain(evidence)
        if self.police:
            return evidence
        return self._without_codes(evidence)

    def _without_codes(self, value):
        if isinstance(value, dict):
            return {k: self._without_codes(v) for k, v in value.items()}
        if isinstance(value, list) and any(str(v) in self.person_codes for v in value):
            return len(value)
        return value

    def counts(self, row: Mapping) -> dict:
        """A village's counts: for viewers, the people on the lists as a band and no other
        count of people."""
        counts = {c: plain(row[c]) for c in COUNTS if c in row}
        if not self.viewer:
            return counts
        shown = {c: v for c, v in counts.items() if c not in PEOPLE}
        if "people" in counts:
            shown["people"] = mask_count(counts["people"], self.people_mask)
        return shown

    def commune_counts(self, result: FrameResult) -> dict:
        """The commune's counts: for viewers, the people as the range its villages' bands
        allow (so no village's count can be subtracted back) and no other count of
        people."""
        commune = result.commune
        counts = {c: plain(commune.get(c)) for c in COUNTS if c in commune}
        if not self.viewer:
            return counts
        shown = {c: v for c, v in counts.items() if c not in PEOPLE}
        if "people" in counts:
            shown["people"] = masked_total([plain(v) for v in result.villages["people"]],
                                           self.people_mask)
        return shown

    def indicator(self, indicator: dict, figures: Mapping) -> dict:
        """One indicator's figures for a unit (``figures`` holds ``{id}_value``,
        ``_target``, ``_status``, ``_evidence``): for viewers, only the target and the
        status when its metric counts people."""
        ident = indicator["id"]
        shown = {"target": plain(figures.get(f"{ident}_target")),
                 "status": figures.get(f"{ident}_status")}
        if self.viewer and indicator["people"]:
            return shown
        return {"value": plain(figures.get(f"{ident}_value")), **shown,
                "evidence": self.evidence(figures.get(f"{ident}_evidence"))}

    def risk(self, figures: Mapping) -> dict:
        """The hotspot level; its evidence (counts and ratios of people) not to viewers."""
        shown = {"risk_level": plain(figures.get("risk_level"))}
        if not self.viewer:
            shown["risk_evidence"] = self.evidence(figures.get("risk_evidence"))
        return shown
