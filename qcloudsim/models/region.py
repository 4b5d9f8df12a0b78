"""Aggregate calibration statistics of a qubit region (pure functions).

A *region* is the tuple of physical qubits a job is given. The runtime and
fidelity models need only a handful of numbers about it, computed once per
(calibration, region) and cached by the caller.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from qcloudsim.devices.calibration import Calibration

Region = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RegionStats:
    """Calibration of a region, reduced to what the models use.

    Attributes:
        qubits: Physical qubits, in placement order.
        edges: Couplers with both ends in the region.
        log_fid_1q: Mean of ``ln(1 - e_1q)`` over the region's qubits.
        log_fid_2q: Mean of ``ln(1 - e_2q)`` over the region's couplers
            (0 when the region has no coupler).
        log_fid_readout: Mean of ``ln(1 - e_readout)`` over the region's qubits.
        duration_1q_s: Mean single-qubit gate duration (s).
        duration_2q_s: Mean two-qubit gate duration over internal couplers (s).
        readout_duration_s: Longest measurement duration in the region (s):
            measurements run in parallel and the slowest ends the shot.
        t1_s: T1 of each qubit (s).
        t2_s: T2 of each qubit (s).
        distances: Hop distance inside the region between region positions
            ``i`` and ``j`` as ``distances[i][j]`` (``-1`` if disconnected).
        connected: True when every qubit of the region reaches every other
            inside it.
    """

    qubits: Region
    edges: tuple[tuple[int, int], ...]
    log_fid_1q: float
    log_fid_2q: float
    log_fid_readout: float
    duration_1q_s: float
    duration_2q_s: float
    readout_duration_s: float
    t1_s: tuple[float, ...]
    t2_s: tuple[float, ...]
    distances: tuple[tuple[int, ...], ...]
    connected: bool


def region_stats(calibration: Calibration, qubits: Region) -> RegionStats:
    """Reduce a calibration to the statistics of one region.

    Args:
        calibration: Calibration snapshot of the device.
        qubits: Physical qubits of the region (distinct, valid indices).

    Returns:
        The region's :class:`RegionStats`.

    Raises:
        ValueError: If ``qubits`` is empty, repeats a qubit or names a qubit
            the device does not have.
    """
    if not qubits:
        raise ValueError("a region needs at least one qubit")
    if len(set(qubits)) != len(qubits):
        raise ValueError(f"region {qubits} repeats a qubit")
    n = calibration.num_qubits
    if any(not (0 <= q < n) for q in qubits):
        raise ValueError(f"region {qubits} names a qubit outside 0..{n - 1}")
    members = set(qubits)
    edges = tuple(e for e in calibration.edges if e[0] in members and e[1] in members)
    k = len(qubits)
    log_1q = sum(math.log1p(-calibration.error_1q[q]) for q in qubits) / k
    log_ro = sum(math.log1p(-calibration.readout_error[q]) for q in qubits) / k
    if edges:
        log_2q = sum(math.log1p(-calibration.error_2q[e]) for e in edges) / len(edges)
        dur_2q = sum(calibration.duration_2q_s[e] for e in edges) / len(edges)
    else:
        log_2q, dur_2q = 0.0, 0.0
    distances = _region_distances(qubits, edges)
    return RegionStats(
        qubits=tuple(qubits),
        edges=edges,
        log_fid_1q=log_1q,
        log_fid_2q=log_2q,
        log_fid_readout=log_ro,
        duration_1q_s=sum(calibration.duration_1q_s[q] for q in qubits) / k,
        duration_2q_s=dur_2q,
        readout_duration_s=max(calibration.readout_duration_s[q] for q in qubits),
        t1_s=tuple(calibration.t1_s[q] for q in qubits),
        t2_s=tuple(calibration.t2_s[q] for q in qubits),
        distances=distances,
        connected=all(d >= 0 for row in distances for d in row),
    )


def _region_distances(qubits: Region, edges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """All-pairs hop distances inside the region (BFS from each qubit; k is small)."""
    position = {q: i for i, q in enumerate(qubits)}
    adjacency: list[list[int]] = [[] for _ in qubits]
    for a, b in edges:
        adjacency[position[a]].append(position[b])
        adjacency[position[b]].append(position[a])
    rows = []
    for source in range(len(qubits)):
        dist = [-1] * len(qubits)
        dist[source] = 0
        frontier = deque([source])
        while frontier:
            node = frontier.popleft()
            for nxt in adjacency[node]:
                if dist[nxt] < 0:
                    dist[nxt] = dist[node] + 1
                    frontier.append(nxt)
        rows.append(tuple(dist))
    return tuple(rows)
