"""Reading boundary files: opening them whatever their format (:mod:`geo.readers.files`:
zipped shapefiles, GeoPackage, GeoJSON, KML), decoding legacy Vietnamese encodings
(:mod:`geo.readers.vnencodings`), and checking what they hold: village boundaries
(:mod:`geo.readers.boundaries`) and commune outlines (:mod:`geo.readers.communes`). The
coordinate system of a file that does not say it is decided in :mod:`geo.crs`."""
