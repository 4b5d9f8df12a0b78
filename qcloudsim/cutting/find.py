"""Real cut plans with qiskit-addon-cutting (version 0.10 API).

Pipeline of :func:`plan_for_circuit`:

1. **Prepare.** Final measurements are removed
   (``QuantumCircuit.remove_final_measurements``): circuit cutting estimates
   *observables*, and the subexperiments measure what the observable needs.
   A circuit that still has classical bits afterwards (mid-circuit
   measurements, classical control) cannot be cut and raises
   :class:`CutError`. The circuit is lowered to one- and two-qubit gates with
   :func:`qcloudsim.circuits.from_qiskit.lower_circuit` (``find_cuts``
   rejects wider gates) and barriers/delays are dropped.
2. **Uncut.** A circuit whose used qubits fit the limit gets a one-fragment
   plan (``source="uncut"``, overhead 1, one subexperiment).
3. **Find cuts.** ``find_cuts(circuit, OptimizationParameters(seed=seed,
   max_gamma=sqrt(max_overhead)), DeviceConstraints(qubits_per_subcircuit=limit))``
   chooses gate and wire cuts (Dijkstra best-first search; it returns a
   greedy upper bound when the search is cut short). The sampling overhead
   is the ``sampling_overhead`` entry of its metadata (``gamma^2``; it
   equals ``9^gate * 16^wire`` for CNOT-type gates, lower for small-angle
   controlled rotations).
4. **Partition.** ``cut_wires`` turns wire cuts into ``Move`` operations on
   new qubits, ``expand_observables`` extends the observable, and
   ``partition_problem`` separates the subcircuits. The observable is the
   trivial all-``Z`` Pauli on every qubit: the scheduler needs only sizes
   and counts, and one commuting group means one subexperiment per QPD term
   and fragment.
5. **Subexperiments.** The number of joint QPD terms is the product over
   cuts of the terms with nonzero probability (6 for a gate cut, 8 for a wire
   cut). If it is at most :data:`MAX_ENUMERATED_TERMS`,
   ``generate_cutting_experiments(..., num_samples=inf)`` produces every
   subexperiment and the counts are read off its output; each fragment is
   profiled from its heaviest subexperiment (most two-qubit gates, then most
   instructions). Above the limit the enumeration would take too long (the
   count grows as ``6^cuts``), so the count is the same product times the
   number of fragments (what the enumeration would return), and each
   fragment is profiled from its subcircuit with every QPD instruction
   expanded to its longest term by ``qpd.decompose_qpd_instructions`` plus a
   final measurement of every qubit (which is what the all-``Z``
   observable adds). qiskit-addon-cutting runs **one subexperiment per joint
   term in every fragment** (it does not deduplicate terms that a fragment
   does not see); the plan keeps that convention.
6. **Profile.** Subexperiments contain only standard gates, resets and
   measurements (the QPD measurements are ordinary ``measure`` into an extra
   register), so :func:`qcloudsim.circuits.from_qiskit.profile_from_circuit`
   counts them directly; mid-circuit QPD measurements count as measured qubits.

Plans are memoised by (circuit structure hash, limit, max_overhead, seed).
Finding cuts can take seconds for deep, highly connected circuits (the
search stops after ``max_backjumps=10000``), so the cache matters.

References:
    qiskit-addon-cutting 0.10 API (``find_cuts``, ``partition_problem``,
    ``generate_cutting_experiments``): https://qiskit.github.io/qiskit-addon-cutting/
    Brenner et al., "Optimal wire cutting with classical communication",
    arXiv:2302.03366 (wire cuts as ``Move``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import TYPE_CHECKING

from qcloudsim.circuits.from_qiskit import lower_circuit, profile_from_circuit
from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.cutting.plan import CutError, CutPlan
from qcloudsim.models.exact import circuit_key

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit

__all__ = ["MAX_ENUMERATED_TERMS", "clear_cache", "plan_for_circuit"]

MAX_ENUMERATED_TERMS = 1296
"""Joint QPD terms (6^4) up to which every subexperiment is generated."""

_CACHE_SIZE = 512
_cache: OrderedDict[tuple, CutPlan] = OrderedDict()


def clear_cache() -> None:
    """Forget memoised plans."""
    _cache.clear()


def plan_for_circuit(
    circuit: QuantumCircuit,
    max_qubits_per_fragment: int,
    *,
    max_overhead: float | None = None,
    seed: int = 0,
) -> CutPlan:
    """Cut a circuit into fragments of at most ``max_qubits_per_fragment`` qubits.

    Args:
        circuit: The logical circuit (not modified). Final measurements are
            ignored (see the module docstring).
        max_qubits_per_fragment: Widest fragment allowed (qubits), e.g. the
            largest QPU region available.
        max_overhead: Largest acceptable sampling overhead ``gamma^2``;
            ``None`` means no limit.
        seed: Seed of the cut search (``OptimizationParameters.seed``).

    Returns:
        The plan (memoised; the same object for the same inputs).

    Raises:
        CutError: If the circuit has mid-circuit measurements or classical
            control, the limit is below 1, qiskit-addon-cutting finds no cut
            that fits, or the overhead exceeds ``max_overhead``.
    """
    if max_qubits_per_fragment < 1:
        raise CutError(f"cannot cut into fragments of {max_qubits_per_fragment} qubits (need >= 1)")
    if max_overhead is not None and max_overhead < 1:
        raise CutError(f"max_overhead must be >= 1, got {max_overhead}")
    key = (circuit_key(circuit), int(max_qubits_per_fragment), max_overhead, int(seed))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    plan = _plan(circuit, int(max_qubits_per_fragment), max_overhead, int(seed))
    _cache[key] = plan
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return plan


def _plan(circuit: QuantumCircuit, limit: int, max_overhead: float | None, seed: int) -> CutPlan:
    name = circuit.name
    prepared = _prepare(circuit)
    used = _used_qubits(prepared)
    if not used:
        raise CutError(f"circuit {name!r} applies no gate to any qubit")
    if len(used) <= limit:
        profile = profile_from_circuit(circuit, name=name)
        return CutPlan((profile,), 1, 1.0, 0, 0, "uncut", (1,))
    prepared = _compact(prepared, used)

    from qiskit_addon_cutting import (
        DeviceConstraints,
        OptimizationParameters,
        find_cuts,
    )

    max_gamma = math.sqrt(max_overhead) * (1 + 1e-9) if max_overhead is not None else 1024.0
    try:
        cut_circuit, meta = find_cuts(
            prepared,
            OptimizationParameters(seed=seed, max_gamma=max_gamma),
            DeviceConstraints(qubits_per_subcircuit=limit),
        )
    except ValueError as exc:
        raise CutError(f"circuit {name!r}: no cut into fragments of <= {limit} qubits: {exc}") from exc
    overhead = float(meta["sampling_overhead"])
    if not math.isfinite(overhead):
        raise CutError(f"circuit {name!r}: no cut into fragments of <= {limit} qubits was found")
    if max_overhead is not None and overhead > max_overhead * (1 + 1e-9):
        raise CutError(
            f"circuit {name!r}: overhead {overhead:.6g} exceeds the configured maximum "
            f"{max_overhead:.6g} (fragments of <= {limit} qubits)"
        )
    gate_cuts = sum(1 for kind, _ in meta["cuts"] if kind.lower().startswith("gate"))
    wire_cuts = sum(1 for kind, _ in meta["cuts"] if kind.lower().startswith("wire"))
    fragments, per_fragment = _fragments(cut_circuit, prepared, name)
    too_wide = [f.num_qubits for f in fragments if f.num_qubits > limit]
    if too_wide:
        raise CutError(
            f"circuit {name!r}: qiskit-addon-cutting returned fragments of {too_wide} qubits, "
            f"limit {limit}"
        )
    return CutPlan(
        fragments=fragments,
        num_subexperiments=sum(per_fragment),
        sampling_overhead=max(overhead, 1.0),
        gate_cuts=gate_cuts,
        wire_cuts=wire_cuts,
        source="qiskit-addon-cutting",
        fragment_subexperiments=per_fragment,
    )


def _prepare(circuit: QuantumCircuit) -> QuantumCircuit:
    """Drop final measurements, barriers and delays; lower to <= 2-qubit gates."""
    bare = circuit.remove_final_measurements(inplace=False)
    lowered = lower_circuit(bare, label=circuit.name)
    if lowered.num_clbits or any(
        inst.operation.name in ("measure", "reset") for inst in lowered.data
    ):
        raise CutError(
            f"circuit {circuit.name!r} has mid-circuit measurements, resets or classical bits; "
            "cutting needs a measurement-free circuit (observable estimation)"
        )
    out = lowered.copy_empty_like()
    for inst in lowered.data:
        if inst.operation.name not in ("barrier", "delay"):
            out.append(inst)
    return out


def _used_qubits(circuit: QuantumCircuit) -> list[int]:
    return sorted({circuit.find_bit(q).index for inst in circuit.data for q in inst.qubits})


def _compact(circuit: QuantumCircuit, used: list[int]) -> QuantumCircuit:
    """Drop idle qubits (so they do not take part in the partition)."""
    if len(used) == circuit.num_qubits:
        return circuit
    from qiskit.circuit import QuantumCircuit as QC

    index = {old: new for new, old in enumerate(used)}
    out = QC(len(used), name=circuit.name)
    for inst in circuit.data:
        out.append(inst.operation, [index[circuit.find_bit(q).index] for q in inst.qubits])
    return out


def _fragments(
    cut_circuit: QuantumCircuit, original: QuantumCircuit, name: str
) -> tuple[tuple[CircuitProfile, ...], tuple[int, ...]]:
    """Partition the cut circuit and profile one subexperiment per fragment."""
    from qiskit.quantum_info import PauliList
    from qiskit_addon_cutting import (
        cut_wires,
        expand_observables,
        generate_cutting_experiments,
        partition_problem,
    )

    moved = cut_wires(cut_circuit)
    observable = PauliList(["Z" * original.num_qubits])
    observables = expand_observables(observable, original, moved)
    problem = partition_problem(moved, observables=observables)
    labels = sorted(problem.subcircuits, key=repr)
    terms = math.prod(int((basis.probabilities > 1e-16).sum()) for basis in problem.bases)
    if terms <= MAX_ENUMERATED_TERMS:
        subexperiments, _ = generate_cutting_experiments(
            problem.subcircuits, problem.subobservables, num_samples=math.inf
        )
        counts = tuple(len(subexperiments[label]) for label in labels)
        heaviest = [max(subexperiments[label], key=_weight) for label in labels]
    else:
        counts = tuple(terms for _ in labels)
        heaviest = [_longest_terms(problem.subcircuits[label]) for label in labels]
    profiles = tuple(
        profile_from_circuit(circ, name=f"{name}_frag{i}", source="cut:qiskit-addon-cutting")
        for i, circ in enumerate(heaviest)
    )
    return profiles, counts


def _weight(circuit: QuantumCircuit) -> tuple[int, int]:
    """Heaviness of a subexperiment: (two-qubit instructions, all instructions)."""
    two = sum(1 for inst in circuit.data if len(inst.qubits) == 2)
    return two, len(circuit.data)


def _longest_terms(subcircuit: QuantumCircuit) -> QuantumCircuit:
    """Expand each QPD instruction to its longest term and measure every qubit."""
    from qiskit_addon_cutting.qpd import decompose_qpd_instructions
    from qiskit_addon_cutting.qpd.instructions import BaseQPDGate

    ids: list[list[int]] = []
    map_ids: list[int] = []
    for i, inst in enumerate(subcircuit.data):
        op = inst.operation
        if isinstance(op, BaseQPDGate):
            ids.append([i])
            qubit_id = getattr(op, "qubit_id", 0)
            sizes = [len(term[qubit_id]) for term in op.basis.maps]
            map_ids.append(_largest_term(sizes))
    expanded = decompose_qpd_instructions(subcircuit, ids, map_ids, inplace=False)
    expanded.measure_all(add_bits=True)
    return expanded


def _largest_term(sizes: list[int]) -> int:
    """Index of the largest term (the first among equals)."""
    return max(range(len(sizes)), key=lambda j: (sizes[j], -j))
