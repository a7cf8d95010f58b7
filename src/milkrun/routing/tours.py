"""The shortest walk through a route's stops: distances on the earth (haversine, whole metres)
and the order that makes the walk shortest (OR-Tools' routing solver, offline).

The walk starts at the dairy (the depot) and ends at the last stop: a delivery boy does not come
back to the dairy between stops, and where he goes after the last one is his own business, so
the way back costs nothing (an *open* route). Without a known depot the walk may start at any
stop. Pure functions: no database, no settings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def haversine_m(a: Point, b: Point) -> int:
    """The great-circle distance between two points, in whole metres."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    dphi = phi2 - phi1
    dlambda = math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))))


def distance_matrix(depot: Point | None, stops: Sequence[Point]) -> list[list[int]]:
    """Metres between every two nodes: node 0 is the depot, node i the stop i-1. Coming back to
    the depot is free (open route); with no depot, leaving it is free too."""
    nodes = [depot, *stops]
    size = len(nodes)
    matrix = [[0] * size for _ in range(size)]
    for i in range(1, size):
        here = nodes[i]
        assert here is not None
        row = matrix[i]
        for j in range(i + 1, size):
            there = nodes[j]
            assert there is not None
            row[j] = matrix[j][i] = haversine_m(here, there)
        if depot is not None:
            matrix[0][i] = haversine_m(depot, here)  # matrix[i][0] stays 0: the way back is free
    return matrix


def walk_length(matrix: Sequence[Sequence[int]], order: Sequence[int]) -> int:
    """Metres walked from the depot through the stops in ``order`` (0-based stop indices)."""
    total, at = 0, 0
    for stop in order:
        total += matrix[at][stop + 1]
        at = stop + 1
    return total


def time_limit_for(stops: int) -> float:
    """Seconds of guided local search: enough to settle a small route, at most 7 for the
    largest (the whole answer, matrix included, stays within 10 s for 400 stops)."""
    return min(7.0, 0.5 + stops * 0.02)


def shortest_walk(
    depot: Point | None, stops: Sequence[Point], *, time_limit: float | None = None
) -> list[int]:
    """The order of ``stops`` (0-based indices) that makes the walk from the depot shortest, as
    found by a cheapest-arc first solution improved by guided local search for ``time_limit``
    seconds (default ``time_limit_for``). One or two stops need no search."""
    if len(stops) <= 1:
        return list(range(len(stops)))
    matrix = distance_matrix(depot, stops)
    manager = pywrapcp.RoutingIndexManager(len(matrix), 1, 0)
    model = pywrapcp.RoutingModel(manager)
    transit = model.RegisterTransitMatrix(matrix)
    model.SetArcCostEvaluatorOfAllVehicles(transit)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    seconds = time_limit if time_limit is not None else time_limit_for(len(stops))
    parameters.time_limit.FromMilliseconds(max(1, round(seconds * 1000)))
    solution = model.SolveWithParameters(parameters)
    if solution is None:  # not expected: every order of the stops is a feasible walk
        return list(range(len(stops)))
    order: list[int] = []
    index = model.Start(0)
    while not model.IsEnd(index):
        node = manager.IndexToNode(index)
        if node != 0:
            order.append(node - 1)
        index = solution.Value(model.NextVar(index))
    return order
