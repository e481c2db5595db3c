"""Route order: optimal up to 12 stops (checked against brute force and a known optimum),
fixed start and end respected, stops without a point refused."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from geo.patrol.route import distance_matrix, or_tools, plan_route, solve, tour_length


def _brute_force(dist: np.ndarray, end: int | None) -> float:
    stops = [i for i in range(1, len(dist)) if i != end]
    return min(tour_length(dist, list(p), end) for p in itertools.permutations(stops))


@pytest.mark.parametrize("seed", range(12))
def test_exact_order_matches_brute_force_up_to_8_stops(seed):
    rng = np.random.default_rng(seed)
    n = 2 + seed % 7  # 2 to 8 stops
    points = rng.uniform(0, 8000, size=(n + 2, 2))  # start, stops, a possible end
    closed = distance_matrix(points[:-1])
    order, length, exact = solve(closed)
    assert exact and sorted(order) == list(range(1, n + 1))
    assert length == pytest.approx(_brute_force(closed, None))
    fixed_end = distance_matrix(points)
    order, length, _ = solve(fixed_end, end=n + 1)
    assert n + 1 not in order and sorted(order) == list(range(1, n + 1))
    assert length == pytest.approx(_brute_force(fixed_end, n + 1))


def test_twelve_stops_on_a_circle_reach_the_known_optimum():
    # Start and 12 stops evenly on a circle of radius 1 km, given in shuffled order: the
    # shortest closed tour is the 13-gon itself, 13 chords of 2·r·sin(π/13).
    angles = 2 * np.pi * np.arange(13) / 13
    ring = np.column_stack([1000 * np.cos(angles), 1000 * np.sin(angles)])
    shuffled = np.random.default_rng(7).permutation(np.arange(1, 13))
    points = np.vstack([ring[:1], ring[shuffled]])
    order, length, exact = solve(distance_matrix(points))
    assert exact
    assert length == pytest.approx(13 * 2 * 1000 * math.sin(math.pi / 13))
    visited = [int(shuffled[i - 1]) for i in order]
    assert visited in (list(range(1, 13)), list(range(12, 0, -1)))


def test_more_than_twelve_stops_go_to_or_tools_and_stay_valid():
    rng = np.random.default_rng(3)
    dist = distance_matrix(rng.uniform(0, 5000, size=(21, 2)))
    order, length, exact = solve(dist, end=20, time_limit_s=0.5)
    assert not exact and sorted(order) == list(range(1, 20))
    assert length == pytest.approx(tour_length(dist, order, 20))
    # no worse than the nearest-neighbour order
    here, left, greedy = 0, set(range(1, 20)), []
    while left:
        here = min(left, key=lambda j, h=here: dist[h, j])
        greedy.append(here)
        left.remove(here)
    assert length <= tour_length(dist, greedy, 20) + 1e-6
    assert sorted(or_tools(dist, None, 0.3)) == list(range(1, 21))


def test_plan_route_starts_and_ends_where_told_in_metres():
    start, end = (20.1200, 105.5300), (20.1200, 105.5400)
    stops = pd.DataFrame({"code": ["C", "A", "B"], "lat": [20.1200] * 3,
                          "lon": [105.5375, 105.5325, 105.5350]})
    route = plan_route(start, stops, end)
    assert route.order == ["A", "B", "C"] and not route.closed
    # 0.01° of longitude at 20.12°N is about 1,045 m: the straight line start -> end
    assert route.total_m == pytest.approx(1045, abs=5)
    assert len(route.legs_m) == 4
    back = plan_route(start, stops)
    assert back.closed and back.total_m == pytest.approx(2 * 0.75 * 1045, abs=5)


def test_stops_without_a_point_are_not_routed():
    stops = pd.DataFrame({"code": ["A", "B"], "lat": [20.12, None], "lon": [105.53, None]})
    with pytest.raises(ValueError):
        plan_route((20.12, 105.52), stops)
