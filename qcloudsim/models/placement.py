"""Choosing a connected, high-quality set of physical qubits for a job.

The model grows a region from every candidate root qubit with Prim's
algorithm on calibration costs and keeps the cheapest region:

* qubit cost ``c_q = -ln(1 - e_readout(q)) - ln(1 - e_1q(q))``;
* coupler cost ``c_e = -ln(1 - e_2q(e))``;
* region cost = sum of its qubits' costs + sum of the couplers used to
  attach each new qubit (the cheapest coupler into the region so far).

Minimising this cost maximises the product of readout, single-qubit and
spanning two-qubit gate fidelities, i.e. the estimated success probability
(ESP) of a circuit whose interaction graph is a spanning tree of the region
(Nishio et al., "Extracting success from IBM's 20-qubit machines using
error-aware compilation", ACM JETC 16(3), 2020; Tannu & Qureshi, ASPLOS 2019).
Growing only along couplers keeps the region connected. The search is
``O(R * k log k)`` for ``R`` roots and ``k`` qubits, so callers cache the
result per (calibration, size, free qubits).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection

from qcloudsim.devices.calibration import Calibration, edge

Region = tuple[int, ...]


def qubit_costs(calibration: Calibration) -> tuple[float, ...]:
    """Per-qubit cost ``-ln(1-e_readout) - ln(1-e_1q)`` (dimensionless)."""
    return tuple(
        -math.log1p(-ro) - math.log1p(-e1)
        for ro, e1 in zip(calibration.readout_error, calibration.error_1q, strict=True)
    )


def coupler_costs(calibration: Calibration) -> dict[tuple[int, int], float]:
    """Per-coupler cost ``-ln(1 - e_2q)`` (dimensionless)."""
    return {e: -math.log1p(-err) for e, err in calibration.error_2q.items()}


def adjacency(calibration: Calibration) -> tuple[tuple[int, ...], ...]:
    """Neighbour lists of the calibrated coupling graph, indexed by qubit."""
    adj: list[list[int]] = [[] for _ in range(calibration.num_qubits)]
    for a, b in calibration.edges:
        adj[a].append(b)
        adj[b].append(a)
    return tuple(tuple(sorted(n)) for n in adj)


def grow_region(
    root: int,
    size: int,
    q_cost: tuple[float, ...],
    e_cost: dict[tuple[int, int], float],
    adj: tuple[tuple[int, ...], ...],
    free: Collection[int],
) -> tuple[Region, float] | None:
    """Grow a connected region of ``size`` free qubits from ``root`` (Prim).

    Args:
        root: First qubit of the region; must be free.
        size: Number of qubits wanted.
        q_cost: Per-qubit costs (see :func:`qubit_costs`).
        e_cost: Per-coupler costs keyed by sorted pair.
        adj: Neighbour lists.
        free: Qubits that may be used.

    Returns:
        ``(region, cost)`` with qubits in the order they were added, or
        ``None`` if the free component of ``root`` is smaller than ``size``.
    """
    region = [root]
    members = {root}
    cost = q_cost[root]
    heap: list[tuple[float, int]] = []
    for nxt in adj[root]:
        if nxt in free:
            heapq.heappush(heap, (q_cost[nxt] + e_cost[edge(root, nxt)], nxt))
    while len(region) < size:
        while heap and heap[0][1] in members:
            heapq.heappop(heap)
        if not heap:
            return None
        step, qubit = heapq.heappop(heap)
        region.append(qubit)
        members.add(qubit)
        cost += step
        for nxt in adj[qubit]:
            if nxt in free and nxt not in members:
                heapq.heappush(heap, (q_cost[nxt] + e_cost[edge(qubit, nxt)], nxt))
    return tuple(region), cost


def ranked_regions(calibration: Calibration, size: int) -> list[tuple[float, Region]]:
    """One grown region per root on the whole device, cheapest first, duplicates removed.

    Sorted by ``(cost, root)``; a region reached from several roots is kept
    once (its cheapest growth). Used to place jobs on a partly occupied
    device quickly: the first candidate whose qubits are all free.
    """
    if size < 1:
        raise ValueError(f"region size must be >= 1, got {size}")
    n = calibration.num_qubits
    q_cost = qubit_costs(calibration)
    if size == 1:
        return sorted(((q_cost[q], (q,)) for q in range(n)), key=lambda item: (item[0], item[1][0]))
    e_cost = coupler_costs(calibration)
    adj = adjacency(calibration)
    everything = range(n)
    found: dict[frozenset[int], tuple[float, int, Region]] = {}
    for root in everything:
        grown = grow_region(root, size, q_cost, e_cost, adj, set(everything))
        if grown is None:
            continue
        region, cost = grown
        key = frozenset(region)
        if key not in found or (cost, root) < found[key][:2]:
            found[key] = (cost, root, region)
    ranked = sorted(found.values(), key=lambda item: (item[0], item[1]))
    return [(cost, region) for cost, _, region in ranked]


def select_region(
    calibration: Calibration,
    size: int,
    free: Collection[int] | None = None,
) -> Region | None:
    """The cheapest connected region of ``size`` free qubits, or ``None``.

    Ties are broken by the lowest root index, so the result is deterministic.

    Args:
        calibration: Calibration snapshot of the device.
        size: Qubits the job needs (>= 1).
        free: Qubits available; all qubits when ``None``.

    Returns:
        The region as a tuple of physical qubits (root first), or ``None``
        when no connected set of ``size`` free qubits exists.
    """
    if size < 1:
        raise ValueError(f"region size must be >= 1, got {size}")
    n = calibration.num_qubits
    free_set = set(range(n)) if free is None else set(free)
    if size > len(free_set):
        return None
    q_cost = qubit_costs(calibration)
    if size == 1:
        return (min(free_set, key=lambda q: (q_cost[q], q)),)
    e_cost = coupler_costs(calibration)
    adj = adjacency(calibration)
    best: tuple[float, Region] | None = None
    for root in sorted(free_set):
        grown = grow_region(root, size, q_cost, e_cost, adj, free_set)
        if grown is None:
            continue
        region, cost = grown
        if best is None or cost < best[0]:
            best = (cost, region)
    return None if best is None else best[1]
