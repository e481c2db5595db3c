"""Venue patrols: which venues are due and why (:mod:`geo.patrol.due`), the order to visit them
(:mod:`geo.patrol.route`) and the printed sheet (:mod:`geo.patrol.sheet`)."""
