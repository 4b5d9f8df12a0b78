"""Profile a ``qiskit.QuantumCircuit`` without transpiling it.

The profile describes the *logical* circuit at the level of one- and
two-qubit gates, which is what the runtime and fidelity models consume. The
circuit is lowered just far enough to reach that level:

1. **Control flow** (``if_else``, ``for_loop``, ``while_loop``, ``switch_case``,
   ``box``) is flattened: every body block is inlined once in place of the op.
   Loops therefore count one iteration (their trip count is often only known
   at run time) and branches count *all* branches (an upper bound on the
   resources of one shot). Classical-only instructions (``store``) are dropped.
   Qiskit 2.x has no ``c_if`` conditions, so there is nothing else to handle.
2. **Decomposition**: any instruction acting on three or more qubits, and any
   instruction that is not a standard gate of
   ``qiskit.circuit.library.get_standard_gate_name_mapping`` but carries a
   ``definition`` (library blocks such as ``qft``, ``QFTGate``, ``unitary``,
   ``PauliEvolutionGate``, custom composite gates, ``initialize``), is expanded
   with ``QuantumCircuit.decompose(gates_to_decompose=...)`` one level at a
   time, at most :data:`MAX_DECOMPOSE_ROUNDS` times. Non-standard one- and
   two-qubit instructions without a definition (opaque gates) are counted as
   they are.
3. **Counting** on the lowered circuit: ``barrier`` and ``delay`` are ignored
   everywhere (counts, depth, touched qubits); instructions on zero qubits
   (``global_phase``) are ignored too.

References:
    Qiskit ``QuantumCircuit.decompose`` and ``QuantumCircuit.depth``:
    https://docs.quantum.ibm.com/api/qiskit/qiskit.circuit.QuantumCircuit
"""

from __future__ import annotations

import functools
import glob
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qcloudsim.circuits.profile import CircuitProfile

if TYPE_CHECKING:
    from qiskit.circuit import CircuitInstruction, Instruction, QuantumCircuit

MAX_DECOMPOSE_ROUNDS = 32
"""Upper bound on decomposition rounds before giving up with ``ValueError``."""

IGNORED_OPS = frozenset({"barrier", "delay"})
"""Instructions that are neither counted nor contribute to depth."""

NON_GATE_OPS = frozenset({"measure", "reset"})
"""One-qubit instructions that are not counted as gates."""


def profile_from_circuit(
    circuit: QuantumCircuit, *, name: str | None = None, source: str = "qiskit"
) -> CircuitProfile:
    """Summarise a circuit as a :class:`CircuitProfile` (no transpilation).

    Args:
        circuit: The logical circuit; it is not modified.
        name: Profile label; defaults to ``circuit.name``.
        source: Provenance recorded in the profile.

    Returns:
        The profile of the circuit lowered to one- and two-qubit gates (see the
        module docstring for the exact counting rules).

    Raises:
        ValueError: If the circuit touches no qubit, or if an instruction cannot
            be decomposed to at most two qubits within
            :data:`MAX_DECOMPOSE_ROUNDS` rounds.
    """
    label = name if name is not None else circuit.name
    lowered = lower_circuit(circuit, label=label)
    return _profile_lowered(lowered, name=label, source=source)


def lower_circuit(circuit: QuantumCircuit, *, label: str = "circuit") -> QuantumCircuit:
    """Flatten control flow and decompose until every op acts on <= 2 qubits.

    Args:
        circuit: The input circuit (not modified).
        label: Name used in error messages.

    Returns:
        An equivalent-for-counting circuit containing only standard gates,
        opaque one-/two-qubit instructions, measurements, resets, barriers and
        delays.

    Raises:
        ValueError: If decomposition does not converge.
    """
    current = circuit
    for _ in range(MAX_DECOMPOSE_ROUNDS):
        if _has_control_flow(current):
            current = _flatten_control_flow(current)
        pending = _ops_to_decompose(current)
        if not pending:
            return current
        stuck = sorted(n for n, op in pending.items() if getattr(op, "definition", None) is None)
        if stuck:
            raise ValueError(
                f"circuit {label!r}: cannot decompose {', '.join(stuck)} "
                "(acts on >= 3 qubits and has no definition)"
            )
        current = current.decompose(gates_to_decompose=[glob.escape(n) for n in sorted(pending)])
    remaining = sorted(_ops_to_decompose(current))
    raise ValueError(
        f"circuit {label!r}: decomposition did not converge after {MAX_DECOMPOSE_ROUNDS} rounds; "
        f"still left: {', '.join(remaining) or '(control flow)'}"
    )


def _profile_lowered(circuit: QuantumCircuit, *, name: str, source: str) -> CircuitProfile:
    """Count gates, depth and interactions of an already lowered circuit."""
    qubit_index = {qubit: i for i, qubit in enumerate(circuit.qubits)}
    touched: set[int] = set()
    measured: set[int] = set()
    pairs: Counter[tuple[int, int]] = Counter()
    num_1q = 0
    for instruction in circuit.data:
        if not _counts(instruction):
            continue
        indices = [qubit_index[q] for q in instruction.qubits]
        touched.update(indices)
        op_name = instruction.operation.name
        if op_name == "measure":
            measured.update(indices)
        elif op_name == "reset":
            continue
        elif len(indices) == 1:
            num_1q += 1
        elif len(indices) == 2:
            a, b = sorted(indices)
            pairs[(a, b)] += 1
        else:  # pragma: no cover - lower_circuit guarantees <= 2 qubits
            raise ValueError(f"circuit {name!r}: {op_name} still acts on {len(indices)} qubits")
    if not touched:
        raise ValueError(f"circuit {name!r} applies no operation to any qubit")
    renumber = {old: new for new, old in enumerate(sorted(touched))}
    interaction = _renumbered_edges(pairs, renumber)
    return CircuitProfile(
        name=name,
        num_qubits=len(touched),
        depth=circuit.depth(filter_function=_counts),
        depth_2q=circuit.depth(filter_function=_is_two_qubit),
        num_1q_gates=num_1q,
        num_2q_gates=sum(pairs.values()),
        num_measured=len(measured),
        interaction=interaction,
        source=source,
    )


def _renumbered_edges(
    pairs: Counter[tuple[int, int]], renumber: dict[int, int]
) -> tuple[tuple[int, int, int], ...]:
    """Map circuit qubit indices to compact logical indices; sorted edges."""
    edges = []
    for (a, b), count in pairs.items():
        x, y = sorted((renumber[a], renumber[b]))
        edges.append((x, y, count))
    return tuple(sorted(edges))


def _counts(instruction: CircuitInstruction) -> bool:
    """True for instructions that take part in counts and depth."""
    return instruction.operation.name not in IGNORED_OPS and len(instruction.qubits) > 0


def _is_two_qubit(instruction: CircuitInstruction) -> bool:
    """Depth filter for ``depth_2q``: counted two-qubit instructions."""
    return len(instruction.qubits) == 2 and _counts(instruction)


@functools.cache
def _standard_gates() -> dict[str, Any]:
    """Name -> gate instance of qiskit's standard gates (imported on first use)."""
    from qiskit.circuit.library import get_standard_gate_name_mapping

    return get_standard_gate_name_mapping()


def _is_standard(op: Instruction) -> bool:
    """True if ``op`` is a qiskit standard gate/instruction (not a same-named custom op)."""
    reference = _standard_gates().get(op.name)
    if reference is None:
        return False
    return getattr(op, "base_class", type(op)) is getattr(reference, "base_class", type(reference))


def _needs_decomposition(op: Instruction, num_qubits: int) -> bool:
    """Whether an instruction must be expanded before counting."""
    if op.name in IGNORED_OPS or op.name in NON_GATE_OPS or num_qubits == 0:
        return False
    if num_qubits >= 3:
        return True
    if _is_standard(op):
        return False
    return getattr(op, "definition", None) is not None


def _ops_to_decompose(circuit: QuantumCircuit) -> dict[str, Instruction]:
    """Names (with one representative op) of the instructions that need expanding."""
    pending: dict[str, Instruction] = {}
    for instruction in circuit.data:
        op = instruction.operation
        if op.name not in pending and _needs_decomposition(op, len(instruction.qubits)):
            pending[op.name] = op
    return pending


def _has_control_flow(circuit: QuantumCircuit) -> bool:
    """True if any top-level instruction is a control-flow op."""
    return any(_is_control_flow(instruction.operation) for instruction in circuit.data)


def _is_control_flow(op: Instruction) -> bool:
    from qiskit.circuit import ControlFlowOp

    return isinstance(op, ControlFlowOp)


def _flatten_control_flow(circuit: QuantumCircuit) -> QuantumCircuit:
    """Inline every block of every control-flow op once (recursively).

    The result has the same qubits and clbits as ``circuit`` (no registers,
    no classical variables); instructions touching no qubit are dropped.
    """
    from qiskit.circuit import QuantumCircuit

    flat = QuantumCircuit(circuit.num_qubits, circuit.num_clbits, name=circuit.name)
    qubit_index = {q: i for i, q in enumerate(circuit.qubits)}
    clbit_index = {c: i for i, c in enumerate(circuit.clbits)}
    for op, qubits, clbits in _flat_instructions(circuit, qubit_index, clbit_index):
        flat.append(op, qubits, clbits, copy=False)
    return flat


def _flat_instructions(
    circuit: QuantumCircuit, qubit_map: dict[Any, int], clbit_map: dict[Any, int]
) -> Iterable[tuple[Instruction, list[int], list[int]]]:
    """Yield ``(op, qubit_indices, clbit_indices)`` with control flow inlined.

    Args:
        circuit: The (sub)circuit to walk.
        qubit_map: Maps this circuit's qubits to indices of the outermost circuit.
        clbit_map: Maps this circuit's clbits to indices of the outermost circuit.
    """
    for instruction in circuit.data:
        op = instruction.operation
        qubits = [qubit_map[q] for q in instruction.qubits]
        clbits = [clbit_map[c] for c in instruction.clbits]
        if _is_control_flow(op):
            for block in op.blocks:
                inner_q = dict(zip(block.qubits, qubits, strict=True))
                inner_c = dict(zip(block.clbits, clbits, strict=True))
                yield from _flat_instructions(block, inner_q, inner_c)
        elif qubits:
            yield op, qubits, clbits
