"""Cut plans for profile-only jobs (no circuit): partition the interaction graph.

Model of :func:`analytic_plan`:

* **Partition.** The interaction graph (edge weight = two-qubit gate count) is split into parts of at most
  ``limit`` qubits. Each connected component larger than the limit is
  bisected recursively with ``networkx`` Kernighan-Lin
  (``kernighan_lin_bisection``, ``weight="weight"``, ``seed``), starting from
  the halves of a breadth-first order from a peripheral qubit (so chains
  and grids start from a contiguous split). Parts are then merged
  first-fit-decreasing into bins of at most ``limit`` qubits, which never
  adds a cut and keeps the number of fragments small.
* **Cuts.** Every two-qubit gate between two parts is a gate cut: ``gate_cuts``
  = total weight of the crossing edges. Wire cuts are not used
  (``wire_cuts = 0``): choosing where a wire cut beats several gate cuts
  needs the gate order, which a profile does not have.
* **Overhead** = ``9^gate_cuts * 16^wire_cuts`` (CNOT-type gate cut: gamma = 3,
  Mitarai & Fujii, New J. Phys. 23, 023021, 2021; wire cut: gamma = 4, Peng et
  al., PRL 125, 150504, 2020; overheads of independent cuts multiply;
  qiskit-addon-cutting reports the same numbers). Every two-qubit gate is
  treated as CNOT-type; controlled rotations with small angles are cheaper
  in reality, so this is an upper bound for them.
* **Subexperiments.** ``6^gate_cuts * 8^wire_cuts`` joint QPD terms (terms of
  qiskit-addon-cutting's gate and wire decompositions) and, as in
  qiskit-addon-cutting, one subexperiment per joint term in every fragment:
  ``num_subexperiments = fragments * 6^gate_cuts * 8^wire_cuts``.
* **Fragment profiles** (assumptions): width = part size; two-qubit gates and
  the interaction graph = the part's internal edges; single-qubit gates =
  the parent's count times the part's share of qubits, plus 2 per cut end
  (the longest single-qubit QPD term of a CNOT cut has two local operations);
  every qubit is measured (the observable's measurement); ``depth`` = parent
  depth times the part's share of all gates (at least 1 and at most the
  parent depth) plus 2 per cut end for the QPD operations and 1 for the
  measurement, capped at ``parent depth + 2 * cuts + 1``; ``depth_2q`` =
  parent ``depth_2q`` times the part's share of two-qubit gates, at least 1
  when the part has two-qubit gates.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.cutting.plan import (
    GATE_CUT_OVERHEAD,
    GATE_CUT_TERMS,
    CutError,
    CutPlan,
)

__all__ = ["analytic_plan", "partition_qubits"]

QPD_1Q_OPS_PER_CUT_END = 2
"""Local single-qubit operations a gate-cut QPD term adds to each fragment (worst term)."""


def analytic_plan(
    profile: CircuitProfile,
    max_qubits_per_fragment: int,
    *,
    max_overhead: float | None = None,
    seed: int = 0,
) -> CutPlan:
    """Estimate a cut plan from a profile (see the module docstring).

    Args:
        profile: The circuit profile.
        max_qubits_per_fragment: Widest fragment allowed (qubits).
        max_overhead: Largest acceptable sampling overhead; ``None`` = no limit.
        seed: Seed of the Kernighan-Lin bisection.

    Returns:
        The plan (``source="analytic"``, or ``"uncut"`` if the profile fits).

    Raises:
        CutError: If the limit is below 1 or the overhead exceeds ``max_overhead``.
    """
    limit = int(max_qubits_per_fragment)
    if limit < 1:
        raise CutError(f"cannot cut into fragments of {limit} qubits (need >= 1)")
    if max_overhead is not None and max_overhead < 1:
        raise CutError(f"max_overhead must be >= 1, got {max_overhead}")
    if profile.num_qubits <= limit:
        return CutPlan((profile,), 1, 1.0, 0, 0, "uncut", (1,))
    parts = partition_qubits(profile, limit, seed=seed)
    part_of = {q: i for i, part in enumerate(parts) for q in part}
    crossing = [(a, b, c) for a, b, c in profile.interaction if part_of[a] != part_of[b]]
    gate_cuts = sum(c for _, _, c in crossing)
    overhead = _power(GATE_CUT_OVERHEAD, gate_cuts)
    if max_overhead is not None and overhead > max_overhead * (1 + 1e-9):
        raise CutError(
            f"circuit {profile.name!r}: overhead {overhead:.6g} exceeds the configured maximum "
            f"{max_overhead:.6g} ({gate_cuts} gate cuts for fragments of <= {limit} qubits)"
        )
    cut_ends: Counter[int] = Counter()
    for a, b, c in crossing:
        cut_ends[part_of[a]] += c
        cut_ends[part_of[b]] += c
    fragments = tuple(
        _fragment_profile(profile, part, i, cut_ends[i], gate_cuts) for i, part in enumerate(parts)
    )
    terms = GATE_CUT_TERMS**gate_cuts
    per_fragment = tuple(terms for _ in fragments)
    return CutPlan(
        fragments=fragments,
        num_subexperiments=sum(per_fragment),
        sampling_overhead=overhead,
        gate_cuts=gate_cuts,
        wire_cuts=0,
        source="analytic",
        fragment_subexperiments=per_fragment,
    )


def partition_qubits(profile: CircuitProfile, limit: int, *, seed: int = 0) -> list[list[int]]:
    """Split the logical qubits into parts of at most ``limit`` qubits.

    Args:
        profile: The circuit profile (its interaction graph is used).
        limit: Largest part size, >= 1.
        seed: Seed of ``kernighan_lin_bisection``.

    Returns:
        Parts as sorted qubit lists, ordered by their smallest qubit.
    """
    graph = _interaction_graph(profile)
    pieces: list[list[int]] = []
    for component in nx.connected_components(graph):
        pieces.extend(_bisect(graph.subgraph(component), limit, seed))
    bins: list[list[int]] = []
    for piece in sorted(pieces, key=lambda p: (-len(p), min(p))):
        for b in bins:
            if len(b) + len(piece) <= limit:
                b.extend(piece)
                break
        else:
            bins.append(list(piece))
    return sorted((sorted(b) for b in bins), key=lambda b: b[0])


def _interaction_graph(profile: CircuitProfile) -> nx.Graph:
    """Weighted interaction graph with every logical qubit as a node.

    Built here rather than with ``CircuitProfile.interaction_graph``: that
    ``cached_property`` cannot cache on the slotted dataclass.
    """
    graph = nx.Graph()
    graph.add_nodes_from(range(profile.num_qubits))
    graph.add_weighted_edges_from(profile.interaction)
    return graph


def _bisect(graph: nx.Graph, limit: int, seed: int) -> list[list[int]]:
    """Recursive Kernighan-Lin bisection until every part has <= limit nodes (sizes above)."""
    nodes = sorted(graph.nodes)
    if len(nodes) <= limit:
        return [nodes]
    order = _bfs_order(graph)
    half = limit * (math.ceil(len(nodes) / limit) // 2)
    start = (set(order[:half]), set(order[half:]))
    a, b = nx.algorithms.community.kernighan_lin_bisection(
        graph, partition=start, weight="weight", seed=seed
    )
    return _bisect(graph.subgraph(a), limit, seed) + _bisect(graph.subgraph(b), limit, seed)


def _bfs_order(graph: nx.Graph) -> list[int]:
    """Breadth-first order from a peripheral node (ties to the lowest label), all components."""
    order: list[int] = []
    seen: set[int] = set()
    for component in sorted(nx.connected_components(graph), key=min):
        sub = graph.subgraph(component)
        root = _peripheral(sub)
        for node in [root, *(v for _, v in nx.bfs_edges(sub, root, sort_neighbors=sorted))]:
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _peripheral(graph: nx.Graph) -> int:
    """A node far from the lowest node (two BFS sweeps), lowest label on ties."""
    first = min(graph.nodes)
    dist = nx.single_source_shortest_path_length(graph, first)
    far = max(dist.values())
    return min(n for n, d in dist.items() if d == far)


def _fragment_profile(
    parent: CircuitProfile, part: list[int], index: int, cut_ends: int, gate_cuts: int
) -> CircuitProfile:
    """Synthesise the profile of one part (see the module docstring)."""
    members = set(part)
    relabel = {q: i for i, q in enumerate(part)}
    edges = tuple(
        sorted(
            (relabel[a], relabel[b], c)
            for a, b, c in parent.interaction
            if a in members and b in members
        )
    )
    n2q = sum(c for _, _, c in edges)
    n1q_share = round(parent.num_1q_gates * len(part) / parent.num_qubits)
    n1q = n1q_share + QPD_1Q_OPS_PER_CUT_END * cut_ends
    total_parent = parent.num_1q_gates + parent.num_2q_gates
    gate_share = (n1q_share + n2q) / total_parent if total_parent else len(part) / parent.num_qubits
    base_depth = min(max(math.ceil(parent.depth * gate_share), 1), max(parent.depth, 1))
    depth = min(
        base_depth + QPD_1Q_OPS_PER_CUT_END * cut_ends + 1,
        parent.depth + QPD_1Q_OPS_PER_CUT_END * gate_cuts + 1,
    )
    if n2q and parent.num_2q_gates:
        depth_2q = min(max(math.ceil(parent.depth_2q * n2q / parent.num_2q_gates), 1), n2q)
    else:
        depth_2q = 0
    depth = max(depth, depth_2q)
    return CircuitProfile(
        name=f"{parent.name}_frag{index}",
        num_qubits=len(part),
        depth=depth,
        depth_2q=depth_2q,
        num_1q_gates=n1q,
        num_2q_gates=n2q,
        num_measured=len(part),
        interaction=edges,
        source="cut:analytic",
    )


def _power(base: float, exponent: int) -> float:
    """``base**exponent`` as a float, ``inf`` instead of OverflowError."""
    try:
        return float(base) ** exponent
    except OverflowError:
        return math.inf
