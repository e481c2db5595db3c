"""The demo commune, all of it SYNTHETIC: village polygons (:mod:`geo.demo.villages`) and a
plan's year of invented records (:mod:`geo.demo.records`, the design; made of
:mod:`geo.demo.base`, :mod:`geo.demo.people` and :mod:`geo.demo.places`). Nothing here
describes a real person."""
