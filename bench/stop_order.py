"""The stop-order suggestion at its largest: 400 stops scattered over about 3 km of Bengaluru
(Koramangala), walked from the dairy. Times ``routing.tours.shortest_walk`` (the distance
matrix, OR-Tools' first solution and its guided local search under the time limit) and prints
the median of ``--repeat`` runs, the walk before (stops in random order) and after, and the
machine's load average; issue 15 asks for 400 stops in at most 10 s.

    .venv/bin/python -m bench.stop_order
    .venv/bin/python -m bench.stop_order --stops 100 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from milkrun.routing.tours import Point, distance_matrix, shortest_walk, time_limit_for, walk_length

DAIRY = Point(12.9387, 77.6036)
KORAMANGALA = Point(12.9352, 77.6245)


def scatter(n: int, seed: int) -> list[Point]:
    """``n`` doors within about 1.5 km of Koramangala's middle."""
    rng = random.Random(seed)
    return [
        Point(
            KORAMANGALA.latitude + rng.uniform(-0.0135, 0.0135),
            KORAMANGALA.longitude + rng.uniform(-0.0135, 0.0135),
        )
        for _ in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    seconds, before, after = [], [], []
    for run in range(args.repeat):
        stops = scatter(args.stops, seed=run)
        started = time.perf_counter()
        order = shortest_walk(DAIRY, stops)
        seconds.append(time.perf_counter() - started)
        matrix = distance_matrix(DAIRY, stops)
        before.append(walk_length(matrix, range(len(stops))))
        after.append(walk_length(matrix, order))
    load = os.getloadavg()
    print(f"stops: {args.stops}, runs: {args.repeat}, search limit {time_limit_for(args.stops)} s")
    print(f"time to suggest (median): {statistics.median(seconds):.2f} s (max {max(seconds):.2f})")
    print(
        f"walk (median): {statistics.median(before) / 1000:.1f} km in random order -> "
        f"{statistics.median(after) / 1000:.1f} km suggested"
    )
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
