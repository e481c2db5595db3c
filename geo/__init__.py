"""The geospatial core of xkmt: plain tables in, tables, maps and prints out; never imports
``app`` (see the README's layout section for the flow through its packages)."""
