"""Estimated routing overhead when a circuit's interaction graph does not embed.

Without transpiling, the model lays out logical qubits greedily and counts
the SWAPs needed to bring each interacting pair together once:

1. The next logical qubit is the unplaced one with the most two-qubit
   gates to already placed qubits (ties: most gates overall, then lowest
   index), so placement grows along the interaction graph.
2. It goes to the free region position that minimises
   ``sum(weight(l, m) * dist(pos, pos(m)))`` over its placed partners
   ``m`` (ties: highest degree in the region, then most central, then
   lowest position); the first qubit thus lands on a central, well
   connected qubit.
3. ``swaps = sum over interacting pairs (a, b) of (dist(a, b) - 1)``.

Each SWAP costs three two-qubit gates (the standard CNOT decomposition of
SWAP; Nielsen & Chuang, 2010, Fig. 1.7). Counting each pair once ignores
that SWAPs permute the layout, so the estimate is a lower bound for a pair
used many times after being moved apart again, and an upper bound when
one SWAP serves several pairs; the exact mode (a later issue) transpiles.
When the interaction graph is a subgraph of the region graph under this
layout (e.g. GHZ chains on a line of qubits) the estimate is zero.
"""

from __future__ import annotations

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.models.region import RegionStats

SWAP_2Q_GATES = 3
"""Two-qubit gates per SWAP (three CNOTs)."""


def greedy_layout(profile: CircuitProfile, stats: RegionStats) -> tuple[int, ...]:
    """Map logical qubit ``l`` to region position ``layout[l]`` (see module doc).

    Raises:
        ValueError: If the region has fewer qubits than the circuit.
    """
    k = profile.num_qubits
    size = len(stats.qubits)
    if size < k:
        raise ValueError(f"circuit {profile.name!r} needs {k} qubits, region has {size}")
    partners: list[dict[int, int]] = [{} for _ in range(k)]
    weight = [0] * k
    for a, b, count in profile.interaction:
        partners[a][b] = count
        partners[b][a] = count
        weight[a] += count
        weight[b] += count
    dist = stats.distances
    degree = [sum(1 for d in row if d == 1) for row in dist]
    spread = [sum(_hop(d) for d in row) for row in dist]
    layout = [-1] * k
    taken = [False] * size
    attraction = [0] * k
    for _ in range(k):
        logical = max(
            (q for q in range(k) if layout[q] < 0),
            key=lambda q: (attraction[q], weight[q], -q),
        )
        placed = [(layout[m], c) for m, c in partners[logical].items() if layout[m] >= 0]
        best_pos, best_key = -1, None
        for pos in range(size):
            if taken[pos]:
                continue
            cost = sum(c * _hop(dist[pos][other]) for other, c in placed)
            key = (cost, -degree[pos], spread[pos], pos)
            if best_key is None or key < best_key:
                best_pos, best_key = pos, key
        layout[logical] = best_pos
        taken[best_pos] = True
        for m, c in partners[logical].items():
            attraction[m] += c
    return tuple(layout)


def estimated_swaps(profile: CircuitProfile, stats: RegionStats) -> int:
    """Estimated SWAP count to route ``profile`` on the region (see module doc)."""
    if not profile.interaction:
        return 0
    layout = greedy_layout(profile, stats)
    dist = stats.distances
    return sum(max(_hop(dist[layout[a]][layout[b]]) - 1, 0) for a, b, _ in profile.interaction)


def _hop(d: int) -> int:
    """Distance with 'disconnected' (-1) mapped to a large penalty."""
    return d if d >= 0 else 10**6
