"""Paper, fonts, grey levels and scales of the printed maps.

Sizes are ISO 216 in millimetres; matplotlib works in inches and PDF in points
(1 in = 25.4 mm = 72 pt). Text uses a font with full Vietnamese coverage: Noto Sans (Debian
``fonts-noto-core``, installed by ``.ci/run``) when present, else the DejaVu Sans that
matplotlib ships (it covers Vietnamese too). PDFs embed it as TrueType (``pdf.fonttype``
42), so every diacritic is drawn and can be extracted as text. The embedded subsets leave
out the OpenType layout tables (:func:`_lean_font_subsets`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")  # no display, no browser: drawn in memory

from fontTools import subset  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends import _backend_pdf_ps  # noqa: E402

from geo.legends import PRINT_COLOURS, Legend  # noqa: E402

SIZES_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("portrait", "landscape")
DPIS = (150, 300)
FORMATS = ("pdf", "png")
MM_PER_INCH = 25.4
PT_MM = 25.4 / 72  # one point in millimetres
NICE = (1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7.5)  # scale denominators (times 10^n)
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"))
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
              "NotoSans-BoldItalic.ttf")
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")  # shaping rules: a PDF never reads them


@dataclass(frozen=True)
class Paper:
    """A sheet: ``size`` ("A4", "A3"), ``orientation`` ("portrait", "landscape") and
    whether it prints in ``colour`` (else grey levels and hatching)."""

    size: str = "A4"
    orientation: str = "landscape"
    colour: bool = True

    def __post_init__(self):
        if self.size not in SIZES_MM:
            raise ValueError(f"paper size {self.size!r} is not one of {tuple(SIZES_MM)}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"orientation {self.orientation!r} is not one of {ORIENTATIONS}")

    @property
    def mm(self) -> tuple[float, float]:
        """Width and height in millimetres."""
        short, long = SIZES_MM[self.size]
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def inches(self) -> tuple[float, float]:
        return tuple(v / MM_PER_INCH for v in self.mm)

    @property
    def font_scale(self) -> float:
        """A3 text is larger, so that a sheet reads from the same distance."""
        return 1.0 if self.size == "A4" else 1.25


@lru_cache
def font_family() -> str:
    """Register Noto Sans when installed and set matplotlib's text to embed in PDFs; the
    family name to use (DejaVu Sans when Noto Sans is missing)."""
    family = "DejaVu Sans"
    for folder in FONT_DIRS:
        files = [folder / name for name in FONT_FILES if (folder / name).is_file()]
        if files:
            for file in files:
                font_manager.fontManager.addfont(str(file))
            family = "Noto Sans"
            break
    _lean_font_subsets()
    matplotlib.rcParams.update({
        "font.family": [family, "DejaVu Sans"], "font.sans-serif": [family, "DejaVu Sans"],
        "pdf.fonttype": 42, "ps.fonttype": 42, "hatch.linewidth": 0.7,
        "svg.fonttype": "none", "axes.unicode_minus": False})
    return family


def _lean_options(*args, **kwargs) -> subset.Options:
    options = subset.Options(*args, **kwargs)
    options.drop_tables += [t for t in LAYOUT_TABLES if t not in options.drop_tables]
    return options


def _lean_font_subsets() -> None:
    """Embed fonts without their OpenType layout tables. matplotlib lays the text out
    itself and writes glyph numbers into the PDF, which a reader draws as they are: the
    substitution and positioning rules are never used there, but subsetting them (closing
    the glyph set over every rule of Noto Sans) took most of the time of embedding a font,
    about 0.2 s for each of the five fonts of every PDF. The glyphs, their outlines,
    widths and hinting are embedded as before."""
    lean = SimpleNamespace(Options=_lean_options, load_font=subset.load_font,
                           Subsetter=subset.Subsetter)
    if getattr(_backend_pdf_ps, "subset", None) is subset:  # matplotlib 3.11
        _backend_pdf_ps.subset = lean


def group_thousands(value: int, separator: str = ".") -> str:
    """An integer with its thousands grouped: "25.000" in Vietnamese.

    >>> group_thousands(25000), group_thousands(1250000, ","), group_thousands(500)
    ('25.000', '1,250,000', '500')
    """
    return f"{int(value):,}".replace(",", separator)


def nice_scale(needed: float) -> int:
    """The first usual scale denominator at or above ``needed`` (1:N keeps the map in its
    frame).

    >>> nice_scale(23100), nice_scale(25000), nice_scale(31000), nice_scale(8200)
    (25000, 25000, 35000, 10000)
    """
    power = 10 ** math.floor(math.log10(max(needed, 1)))
    for step in (*NICE, 10):
        if step * power >= needed - 1e-6:
            return int(round(step * power))
    return int(10 * power)  # pragma: no cover - 10 always fits


def nice_length(max_m: float) -> float:
    """A round length for the scale bar, at most ``max_m`` metres.

    >>> nice_length(1300), nice_length(480), nice_length(90)
    (1000, 400, 50)
    """
    power = 10 ** math.floor(math.log10(max(max_m, 1)))
    best = power
    for step in (1, 2, 2.5, 4, 5):
        if step * power <= max_m:
            best = step * power
    return int(best) if float(best).is_integer() else best


def lightness(colour: str) -> float:
    """CIE L* (0 black – 100 white) of an sRGB ``#rrggbb`` colour.

    >>> white, black, grey = PRINT_COLOURS["paper"], PRINT_COLOURS["ink"], "#" + "77" * 3
    >>> round(lightness(white)), round(lightness(black)), round(lightness(grey))
    (100, 0, 50)
    """
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    f = y ** (1 / 3) if y > (6 / 29) ** 3 else y / (3 * (6 / 29) ** 2) + 4 / 29
    return 116 * f - 16


def grey_levels(legend: Legend, darkest: float = 0.18, lightest: float = 0.9) -> dict[str, str]:
    """A grey per category of ``legend`` for black-and-white prints, in the order of the
    colours' lightness (CIE L*) but spread evenly from ``darkest`` to ``lightest``, so that
    classes of near lightness still differ after a photocopy. White stays white.

    >>> from geo.legends import STATUS
    >>> greys = grey_levels(STATUS)
    >>> greys["not_met"] < greys["met"] < greys["no_data"] < greys["not_applicable"]
    True
    """
    shaded = [c for c in legend.categories if lightness(c.colour) < 99]
    ordered = sorted(shaded, key=lambda c: lightness(c.colour))
    steps = max(len(ordered) - 1, 1)
    greys = {c.key: PRINT_COLOURS["paper"] for c in legend.categories}
    for rank, category in enumerate(ordered):
        level = darkest + (lightest - darkest) * rank / steps
        greys[category.key] = "#{0:02x}{0:02x}{0:02x}".format(round(level * 255))
    return greys
