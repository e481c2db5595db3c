"""Text, swatches and tables placed on a sheet in millimetres, top to bottom."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo.legends import PRINT_COLOURS, Legend
from geo.printing.mapdraw import HATCH_INK, fills
from geo.printing.paper import PT_MM


@dataclass
class Flow:
    """A column of a sheet filled from the top: ``x``, ``top`` and ``width`` in mm.
    ``swatches`` records each legend swatch drawn: (legend key, category key, x, y, w, h)
    in mm from the bottom left, for tests that read the printed greys."""

    fig: Figure
    x: float
    top: float
    width: float
    swatches: list | None = None

    def __post_init__(self):
        self.y = self.top
        self.size = self.fig.get_size_inches() * 25.4
        if self.swatches is None:
            self.swatches = []

    def _frac(self, x: float, y: float) -> tuple[float, float]:
        return x / self.size[0], y / self.size[1]

    def text(self, text: str, pt: float, *, bold: bool = False, italic: bool = False,
             align: str = "left", wrap: bool = True, gap: float = 0.4) -> None:
        """One paragraph, wrapped to the column's width."""
        chars = max(int(self.width / (pt * PT_MM * 0.52)), 8)
        lines = textwrap.wrap(text, chars) if wrap and text else [text]
        for line in lines:
            self.y -= pt * PT_MM * 1.3
            x = {"left": self.x, "center": self.x + self.width / 2,
                 "right": self.x + self.width}[align]
            self.fig.text(*self._frac(x, self.y), line, fontsize=pt, ha=align, va="baseline",
                          fontweight="bold" if bold else "normal",
                          fontstyle="italic" if italic else "normal")
        self.y -= gap

    def space(self, mm: float) -> None:
        self.y -= mm

    def legend(self, legend: Legend, labels: dict[str, str], mark_labels: dict[str, str],
               pt: float, colour: bool, shown: set[str] | None = None) -> None:
        """Each category a swatch and its label (``shown``: only these keys)."""
        fill = fills(legend, colour)
        box_w, box_h = pt * 0.55 * 2.2, pt * PT_MM * 1.25
        for category in legend.categories:
            if shown is not None and category.key not in shown:
                continue
            self.y -= box_h + 1.2
            self._swatch(legend.key, category.key, fill[category.key], category.hatch,
                         box_w, box_h)
            label = textwrap.wrap(labels.get(category.key, category.key),
                                  max(int((self.width - box_w - 2) / (pt * PT_MM * 0.52)), 8))
            for i, line in enumerate(label):
                self.fig.text(*self._frac(self.x + box_w + 2, self.y + box_h / 2 -
                                          i * pt * PT_MM * 1.2), line, fontsize=pt,
                              va="center")
            self.y -= max(len(label) - 1, 0) * pt * PT_MM * 1.2
        for mark in legend.marks:
            if mark.key not in mark_labels:
                continue
            self.y -= box_h + 1.2
            dash = tuple(float(v) for v in mark.dash.split())
            self.fig.add_artist(Rectangle(self._frac(self.x, self.y), box_w / self.size[0],
                                          box_h / self.size[1], facecolor="white",
                                          edgecolor=mark.colour, linewidth=1.4,
                                          linestyle=(0, dash), transform=self.fig.transFigure))
            self.text_beside(mark_labels[mark.key], pt, box_w, box_h)

    def text_beside(self, text: str, pt: float, box_w: float, box_h: float) -> None:
        lines = textwrap.wrap(text, max(int((self.width - box_w - 2) / (pt * PT_MM * 0.52)), 8))
        for i, line in enumerate(lines):
            self.fig.text(*self._frac(self.x + box_w + 2, self.y + box_h / 2 -
                                      i * pt * PT_MM * 1.2), line, fontsize=pt, va="center")
        self.y -= max(len(lines) - 1, 0) * pt * PT_MM * 1.2

    def _swatch(self, legend: str, key: str, face: str, hatch: bool, w: float, h: float):
        for hatched in (False, True) if hatch else (False,):
            self.fig.add_artist(Rectangle(
                self._frac(self.x, self.y), w / self.size[0], h / self.size[1],
                facecolor="none" if hatched else face,
                edgecolor=HATCH_INK if hatched else PRINT_COLOURS["ink"],
                hatch="////" if hatched else None, linewidth=0 if hatched else 0.7,
                transform=self.fig.transFigure))
        self.swatches.append((legend, key, self.x, self.y, w, h))

    def table(self, widths: list[float], header: list[str], rows: list[list[str]],
              pt: float, *, bottom: float | None = None) -> list[list[str]]:
        """A table with a ruled header; cells wrapped to their column. Rows that would go
        below ``bottom`` (mm) are not drawn: they are returned for the next page."""
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]
        line_h = pt * PT_MM * 1.35
        self._rule(0.8)
        self._row(widths, header, pt, line_h, bold=True)
        self._rule(0.5)
        for index, row in enumerate(rows):
            cells = [textwrap.wrap(str(c), max(int((w - 1.5) / (pt * PT_MM * 0.5)), 3)) or [""]
                     for c, w in zip(row, widths, strict=True)]
            if bottom is not None and self.y - line_h * max(map(len, cells)) < bottom:
                return rows[index:]
            self._row(widths, row, pt, line_h, cells=cells)
            self._rule(0.2)
        return []

    def _row(self, widths, row, pt, line_h, *, bold=False, cells=None) -> None:
        cells = cells or [textwrap.wrap(str(c), max(int((w - 1.5) / (pt * PT_MM * 0.5)), 3))
                          or [""] for c, w in zip(row, widths, strict=True)]
        x = self.x
        for lines, w in zip(cells, widths, strict=True):
            for i, line in enumerate(lines):
                if line:  # each text costs time in a PDF: none for empty cells
                    self.fig.text(*self._frac(x + 0.8, self.y - line_h * (i + 0.78)), line,
                                  fontsize=pt, fontweight="bold" if bold else "normal",
                                  va="baseline")
            x += w
        self.y -= line_h * max(map(len, cells)) + 0.6

    def _rule(self, width: float) -> None:
        self.fig.add_artist(_line(self, self.y, width))


def _line(flow: Flow, y: float, width: float):
    from matplotlib.lines import Line2D

    return Line2D([flow.x / flow.size[0], (flow.x + flow.width) / flow.size[0]],
                  [y / flow.size[1]] * 2, linewidth=width, color=PRINT_COLOURS["ink"],
                  transform=flow.fig.transFigure)
