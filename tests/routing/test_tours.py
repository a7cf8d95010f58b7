"""The shortest walk: haversine distances in metres, and the solver's order as short as the
brute-force optimum on every small route (up to 8 stops), with and without a known depot."""

from __future__ import annotations

import itertools
import random

import pytest

from milkrun.routing.tours import Point, distance_matrix, haversine_m, shortest_walk, walk_length

DAIRY = Point(12.9387, 77.6036)


def test_haversine_measures_whole_metres_on_the_earth() -> None:
    assert haversine_m(Point(0, 0), Point(1, 0)) == 111_195  # a degree of latitude
    assert haversine_m(DAIRY, DAIRY) == 0
    # Dairy Circle to the middle of Koramangala: about 2.3 km as the crow flies.
    assert 2_200 < haversine_m(DAIRY, Point(12.9352, 77.6245)) < 2_400


def test_the_walk_starts_at_the_dairy_and_does_not_come_back() -> None:
    stops = [Point(12.9387, 77.6136), Point(12.9387, 77.6236)]  # east of the dairy, in a line
    matrix = distance_matrix(DAIRY, stops)
    assert abs(walk_length(matrix, [0, 1]) - haversine_m(DAIRY, stops[1])) <= 2  # rounding
    assert walk_length(matrix, [1, 0]) > walk_length(matrix, [0, 1])
    assert shortest_walk(DAIRY, stops, time_limit=0.2) == [0, 1]
    assert shortest_walk(DAIRY, [], time_limit=0.2) == []
    assert shortest_walk(DAIRY, stops[:1], time_limit=0.2) == [0]


def _scatter(rng: random.Random, n: int) -> list[Point]:
    return [
        Point(12.9352 + rng.uniform(-0.008, 0.008), 77.6245 + rng.uniform(-0.008, 0.008))
        for _ in range(n)
    ]


@pytest.mark.parametrize("n", [3, 5, 6, 7, 8])
@pytest.mark.parametrize("depot", [DAIRY, None], ids=["from-the-dairy", "from-any-stop"])
def test_the_solver_finds_the_brute_force_optimum_on_small_routes(
    n: int, depot: Point | None
) -> None:
    rng = random.Random(n * 7919 + (depot is None))
    for _case in range(2):
        stops = _scatter(rng, n)
        matrix = distance_matrix(depot, stops)
        optimum = min(walk_length(matrix, p) for p in itertools.permutations(range(n)))

        order = shortest_walk(depot, stops, time_limit=0.25)

        assert sorted(order) == list(range(n))  # every stop once
        assert walk_length(matrix, order) == optimum
