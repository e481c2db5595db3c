"""The lightness table of every legend: does each class survive a black-and-white printer
and red-green colour blindness?

Run: .venv/bin/python bench/legibility.py   (needs colorspacious, a dev requirement)

For each class of each legend (geo/legends.py): its colour, CIE L* (D65), the L* it shows
under a deuteranopia simulation (Machado et al. 2009, severity 100, via colorspacious),
and the smallest L* gap and the smallest CIELab distance under deuteranopia to another
filled class of the same legend. Hatched classes are marked and left out of the gaps
(their stripes set them apart). tests/geo/test_legibility.py holds the same bounds.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import legends  # noqa: E402

DEUTERANOPIA = {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}
MIN_LIGHTNESS_GAP = 10.0  # CIE L* between two filled classes of one legend
MIN_DEUTERANOPIA_DISTANCE = 12.0  # CIELab ΔE*ab between them, as a deuteranope sees them


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def lab(colour: str) -> np.ndarray:
    return cspace_convert(_rgb(colour), "sRGB1", "CIELab")


def deuteranope_lab(colour: str) -> np.ndarray:
    seen = np.clip(cspace_convert(_rgb(colour), DEUTERANOPIA, "sRGB1"), 0, 1)
    return cspace_convert(seen, "sRGB1", "CIELab")


def gaps(legend: legends.Legend) -> list[tuple[str, str, float, float]]:
    """Each pair of filled classes: their keys, L* gap and distance under deuteranopia."""
    filled = [c for c in legend.categories if not c.hatch]
    return [(a.key, b.key, abs(lab(a.colour)[0] - lab(b.colour)[0]),
             float(np.linalg.norm(deuteranope_lab(a.colour) - deuteranope_lab(b.colour))))
            for a, b in itertools.combinations(filled, 2)]


def table() -> list[str]:
    lines = [f"{'legend':<13}{'class':<15}{'colour':<9}{'L*':>6}{'deut L*':>9}"
             f"{'min ΔL*':>9}{'min ΔE deut':>13}"]
    for legend in legends.every_legend():
        pairs = gaps(legend)
        for c in legend.categories:
            mine = [p for p in pairs if c.key in p[:2]]
            alone = "hatched" if c.hatch else "–"
            dl = f"{min(p[2] for p in mine):9.1f}" if mine else f"{alone:>9}"
            de = f"{min(p[3] for p in mine):13.1f}" if mine else f"{'':>13}"
            lines.append(f"{legend.key:<13}{c.key:<15}{c.colour:<9}{lab(c.colour)[0]:6.1f}"
                         f"{deuteranope_lab(c.colour)[0]:9.1f}{dl}{de}")
    return lines


if __name__ == "__main__":
    print("\n".join(table()))
