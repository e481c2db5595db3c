"""Benchmark the patrol route solver at 12, 30 and 60 stops (random, seeded).

Run: .venv/bin/python bench/patrol_route.py [--seeds 3] [--limit 2] [--long 10]

Stops are uniform in a 10 km × 10 km square (a large commune), the start at its centre,
the route closed (back to the start). For each size and seed it prints the time of
``geo.patrol.route.solve`` as the app calls it (exact Held–Karp up to 12 stops, OR-Tools with a
``--limit`` seconds guided local search beyond) and the route length. At 60 stops it
also runs OR-Tools ``--long`` seconds with each of three metaheuristics (guided local
search, simulated annealing, tabu search) and prints the gap of the app's route to the
best of those runs: (app − best) / best.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.patrol.route import distance_matrix, or_tools, solve, tour_length  # noqa: E402

HEURISTICS = ("GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=2.0, help="the app's time limit, s")
    parser.add_argument("--long", type=float, default=10.0, help="reference runs, s")
    args = parser.parse_args()
    print(f"{'stops':>5} {'seed':>4} {'method':>8} {'time s':>7} {'length m':>9} "
          f"{'best of runs':>12} {'gap':>6}")
    for size in (12, 30, 60):
        for seed in range(args.seeds):
            rng = np.random.default_rng(seed)
            points = np.vstack([[5000, 5000], rng.uniform(0, 10_000, size=(size, 2))])
            dist = distance_matrix(points)
            begin = time.perf_counter()
            order, length, exact = solve(dist, time_limit_s=args.limit)
            took = time.perf_counter() - begin
            best = gap = ""
            if size == 60:
                runs = [tour_length(dist, or_tools(dist, None, args.long, metaheuristic=h),
                                    None) for h in HEURISTICS]
                reference = min([*runs, length])
                best, gap = f"{reference:12.0f}", f"{(length - reference) / reference:6.2%}"
            method = "exact" if exact else "OR-Tools"
            print(f"{size:>5} {seed:>4} {method:>8} {took:7.2f} {length:9.0f} {best:>12} {gap:>6}")


if __name__ == "__main__":
    main()
