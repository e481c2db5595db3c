"""The village frame inside the app, in the order it flows: the record tables read from the
database as ``geo.engine.tables`` says (:mod:`app.frame.record_tables`), the frame of a month
computed from them (:mod:`app.frame.loading`) and cached per data version
(:mod:`app.frame.caching`), then one view per viewer (:mod:`app.frame.view`), the only place
that applies the masking rules (:mod:`app.frame.masking`). The map, the panel, the dashboard,
the API, prints, the meeting pack, patrols and reports all render from that view."""
