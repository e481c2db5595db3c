"""Printed maps: one map sheet (:mod:`geo.printing.mapsheet`) and the meeting atlas
(:mod:`geo.printing.atlas`), drawn with matplotlib from plain data (the village frame's
categories and texts, already translated and shaped for the reader), with no browser,
no tile server and no network."""
