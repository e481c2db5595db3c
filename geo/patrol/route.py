"""The order to visit a patrol's stops: shortest by straight-line distance.

No road data is used (the app works offline): distances are straight lines in metres in
UTM 48N (:data:`geo.crs.METRIC_CRS`), and the sheet says so. The route starts at a start
point (the commune police station), visits every stop once and returns to the start, or
ends at a chosen end point.

Up to :data:`EXACT_MAX_STOPS` stops the order is optimal: the Held–Karp dynamic
programme over subsets. Beyond that OR-Tools' routing solver (cheapest-arc start, then
guided local search within a time limit) gives a good order that may not be optimal.

Examples
--------
Four stops on a line from the start (node 0) to an end (node 5): visited in order of
distance.

>>> import numpy as np
>>> points = np.array([[0, 0], [300, 0], [100, 0], [200, 0], [400, 0], [500, 0]], dtype=float)
>>> order, length, exact = solve(distance_matrix(points), end=5)
>>> order, round(length), exact
([2, 3, 1, 4], 500, True)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.patrol.due import metric_points

EXACT_MAX_STOPS = 12
SCALE = 10  # OR-Tools takes whole numbers: decimetres


@dataclass(frozen=True)
class Route:
    """The stops' codes in visiting order, the leg lengths (metres, from the start through
    each stop, then to the end) and whether the order is proven optimal."""

    order: list[str]
    legs_m: list[float]
    total_m: float
    exact: bool
    closed: bool  # back to the start


def distance_matrix(points: np.ndarray) -> np.ndarray:
    """Straight-line distances between rows of ``points`` (x, y in metres)."""
    diff = points[:, None, :] - points[None, :, :]
    return np.sqrt((diff ** 2).sum(axis=-1))


def plan_route(start: tuple[float, float], stops: pd.DataFrame,
               end: tuple[float, float] | None = None, *,
               time_limit_s: float = 2.0) -> Route:
    """Visit ``stops`` (``code``, ``lat``, ``lon``) from ``start`` (lat, lon) and back, or
    to ``end`` (lat, lon) when given. Stops without a point are refused: they cannot be
    routed (list them as needing a location instead)."""
    if stops[["lat", "lon"]].isna().any(axis=None):
        raise ValueError("stops without a point cannot be routed")
    lats = [start[0], *stops["lat"].astype(float)] + ([end[0]] if end else [])
    lons = [start[1], *stops["lon"].astype(float)] + ([end[1]] if end else [])
    metric = metric_points(pd.Series(lats), pd.Series(lons))
    xy = np.column_stack([metric.geometry.x, metric.geometry.y])
    dist = distance_matrix(xy)
    order, total, exact = solve(dist, end=len(xy) - 1 if end else None,
                                time_limit_s=time_limit_s)
    path = [0, *order, len(xy) - 1 if end else 0]
    legs = [float(dist[a, b]) for a, b in itertools.pairwise(path)]
    codes = stops["code"].astype(str).tolist()
    return Route([codes[i - 1] for i in order], legs, float(total), exact, end is None)


def solve(dist: np.ndarray, *, end: int | None = None,
          time_limit_s: float = 2.0) -> tuple[list[int], float, bool]:
    """The visiting order of nodes ``1..n-1`` (``end`` excluded) from node 0, back to 0
    or on to ``end``: (order, length, proven optimal)."""
    stops = [i for i in range(1, len(dist)) if i != end]
    if len(stops) <= 1:
        order = stops
    elif len(stops) <= EXACT_MAX_STOPS:
        order = held_karp(dist, stops, end)
    else:
        order = or_tools(dist, end, time_limit_s)
    return order, tour_length(dist, order, end), len(stops) <= EXACT_MAX_STOPS


def tour_length(dist: np.ndarray, order: list[int], end: int | None) -> float:
    path = [0, *order, 0 if end is None else end]
    return float(sum(dist[a, b] for a, b in itertools.pairwise(path)))


def held_karp(dist: np.ndarray, stops: list[int], end: int | None) -> list[int]:
    """The optimal order of ``stops`` (Held–Karp, O(2^n n^2)), vectorised per subset."""
    n = len(stops)
    d = dist[np.ix_(stops, stops)]
    first = dist[0, stops]
    last = dist[stops, 0 if end is None else end]
    full = 1 << n
    cost = np.full((full, n), np.inf)
    parent = np.full((full, n), -1, dtype=int)
    for j in range(n):
        cost[1 << j, j] = first[j]
    bits = 1 << np.arange(n)
    for mask in range(1, full):
        row = cost[mask]
        if not np.isfinite(row).any():
            continue
        outside = (mask & bits) == 0
        if not outside.any():
            continue
        through = row[:, None] + d  # from i (in mask) to j
        best_from = through.argmin(axis=0)
        best = through[best_from, np.arange(n)]
        for j in np.flatnonzero(outside):
            nxt = mask | (1 << j)
            if best[j] < cost[nxt, j]:
                cost[nxt, j], parent[nxt, j] = best[j], best_from[j]
    j = int(np.argmin(cost[full - 1] + last))
    order, mask = [], full - 1
    while j >= 0:
        order.append(stops[j])
        j, mask = int(parent[mask, j]), mask & ~(1 << j)
    return order[::-1]


def or_tools(dist: np.ndarray, end: int | None, time_limit_s: float, *,
             metaheuristic: str = "GUIDED_LOCAL_SEARCH") -> list[int]:
    """A good order from OR-Tools' routing solver within ``time_limit_s`` seconds."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    size = len(dist)
    manager = (pywrapcp.RoutingIndexManager(size, 1, 0) if end is None
               else pywrapcp.RoutingIndexManager(size, 1, [0], [end]))
    routing = pywrapcp.RoutingModel(manager)
    whole = np.rint(dist * SCALE).astype(int).tolist()

    def cost(a: int, b: int) -> int:
        return whole[manager.IndexToNode(a)][manager.IndexToNode(b)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:  # cannot happen with a complete graph; keep a valid answer
        return [i for i in range(1, size) if i != end]
    order, index = [], solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return order
