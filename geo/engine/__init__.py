"""The compliance engine, plain tables in and a village frame out.

The flow: a plan file (``plans/*.toml``) is read by :mod:`geo.engine.plans` into the shape of
:mod:`geo.engine.plan_shape` and checked line by line by :mod:`geo.engine.plan_check`; the record
tables arrive as :mod:`geo.engine.tables` says (the contract with ``app/``); for one month,
:mod:`geo.engine.context` gathers what every metric needs over the periods of
:mod:`geo.engine.periods`; :mod:`geo.engine.counts` counts, the ``criteria*`` modules judge each
metric, :mod:`geo.engine.hotspot` sets the risk level, and :mod:`geo.engine.frame` puts it all in
one row per village. :mod:`geo.engine.tracker` follows the plan's dated tasks."""
