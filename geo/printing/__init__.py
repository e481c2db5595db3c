"""Printed maps: one map sheet (:mod:`geo.printing.mapsheet`) and the meeting atlas
(:mod:`geo.printing.atlas`), drawn with matplotlib from plain data (the village frame's
categories and texts, already translated and shaped for the reader), with no browser,
no tile server and no network."""

from geo.printing.atlas import AtlasData, VillagePage, render_atlas
from geo.printing.mapsheet import MapData, PointSet, Sheet, SheetTexts, render_sheet
from geo.printing.paper import Paper

__all__ = ["AtlasData", "MapData", "Paper", "PointSet", "Sheet", "SheetTexts",
           "VillagePage", "render_atlas", "render_sheet"]
