"""Every legend survives a black-and-white printer and red-green colour blindness (issue
11, point 6): two filled classes of one legend differ by at least 10 in CIE L*, and stay
apart as a deuteranope sees them (Machado 2009 simulation, colorspacious). Hatched
classes are set apart by their stripes and are left out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from geo import legends

MIN_LIGHTNESS_GAP = 10.0
MIN_DEUTERANOPIA_DISTANCE = 12.0  # CIELab ΔE*ab
DEUTERANOPIA = {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}
ALL = (*legends.LEGENDS.values(), *legends.POINT_LEGENDS.values(),
       *getattr(legends, "SYMBOL_LEGENDS", {}).values())


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def _lab(colour: str, *, deuteranope: bool = False) -> np.ndarray:
    rgb = _rgb(colour)
    if deuteranope:
        rgb = np.clip(cspace_convert(rgb, DEUTERANOPIA, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CIELab")


def _filled_pairs(legend):
    filled = [c for c in legend.categories if not c.hatch]
    return list(itertools.combinations(filled, 2))


@pytest.mark.parametrize("legend", ALL, ids=lambda leg: leg.key)
def test_filled_classes_differ_in_lightness(legend):
    close = [(a.key, b.key, round(abs(_lab(a.colour)[0] - _lab(b.colour)[0]), 1))
             for a, b in _filled_pairs(legend)
             if abs(_lab(a.colour)[0] - _lab(b.colour)[0]) < MIN_LIGHTNESS_GAP]
    assert close == []


@pytest.mark.parametrize("legend", ALL, ids=lambda leg: leg.key)
def test_filled_classes_stay_apart_for_a_deuteranope(legend):
    close = []
    for a, b in _filled_pairs(legend):
        distance = np.linalg.norm(_lab(a.colour, deuteranope=True)
                                  - _lab(b.colour, deuteranope=True))
        if distance < MIN_DEUTERANOPIA_DISTANCE:
            close.append((a.key, b.key, round(float(distance), 1)))
    assert close == []


def test_the_bounds_can_fail():
    """The measure tells apart what a printer merges: two greys 5 L* apart."""
    grey = legends.Legend("t", "t", (legends.Category("a", "#777777", "a"),
                                     legends.Category("b", "#848484", "b")))
    (a, b), = _filled_pairs(grey)
    assert abs(_lab(a.colour)[0] - _lab(b.colour)[0]) < MIN_LIGHTNESS_GAP


def test_our_lightness_is_cie_l_star():
    """geo.legends.lightness (chooses the text colour on a badge) is the standard L*."""
    for legend in ALL:
        for c in legend.categories:
            assert legends.lightness(c.colour) == pytest.approx(_lab(c.colour)[0], abs=0.05)


def test_one_hatch_for_every_no_data_class():
    """The map draws every hatched class with one SVG pattern on one background."""
    hatched = {c.colour for leg in ALL for c in leg.categories if c.hatch}
    assert len(hatched) == 1


def test_a_venue_cluster_can_wear_every_status():
    assert sorted(legends.VENUE_WORST_FIRST) == sorted(legends.VENUES.keys())
    assert legends.VENUE_WORST_FIRST[:2] == ("finding", "overdue")
