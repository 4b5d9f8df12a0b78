"""Tests for qcloudsim.circuits.from_qiskit (hand-checkable counts)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import Gate
from qiskit.circuit.library import QFTGate
from qiskit.circuit.random import random_circuit

from qcloudsim.circuits.from_qiskit import MAX_DECOMPOSE_ROUNDS, profile_from_circuit


def ghz(n: int) -> QuantumCircuit:
    qc = QuantumCircuit(n, n, name="ghz")
    qc.h(0)
    for i in range(n - 1):
        qc.cx(i, i + 1)
    qc.barrier()
    qc.measure(range(n), range(n))
    return qc


@pytest.mark.parametrize("n", [2, 3, 7])
def test_ghz_counts(n: int) -> None:
    p = profile_from_circuit(ghz(n))
    assert p.name == "ghz"
    assert p.source == "qiskit"
    assert p.num_qubits == n
    assert p.num_2q_gates == n - 1
    assert p.num_1q_gates == 1
    assert p.depth_2q == n - 1
    assert p.depth == n + 1  # h, n-1 cx, measure (barrier ignored)
    assert p.num_measured == n
    assert p.interaction == tuple((i, i + 1, 1) for i in range(n - 1))


def test_ccx_decomposes_into_six_cx() -> None:
    qc = QuantumCircuit(3)
    qc.ccx(0, 1, 2)
    p = profile_from_circuit(qc, name="toffoli", source="test")
    assert (p.name, p.source) == ("toffoli", "test")
    assert p.num_2q_gates == 6
    assert p.num_1q_gates == 9
    assert sum(c for _, _, c in p.interaction) == 6
    assert {(a, b) for a, b, _ in p.interaction} == {(0, 1), (0, 2), (1, 2)}


def test_barrier_and_delay_ignored() -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.barrier()
    qc.delay(100, 1)
    qc.barrier()
    qc.x(0)
    p = profile_from_circuit(qc)
    assert p.depth == 2
    assert p.num_1q_gates == 2
    assert p.num_qubits == 1  # qubit 1 only sees a delay and barriers


def test_measurement_counts_distinct_qubits_and_reset_not_a_gate() -> None:
    qc = QuantumCircuit(3, 3)
    qc.h(0)
    qc.measure(0, 0)
    qc.reset(0)
    qc.measure(0, 1)
    qc.measure(2, 2)
    p = profile_from_circuit(qc)
    assert p.num_measured == 2
    assert p.num_1q_gates == 1
    assert p.num_qubits == 2
    assert p.depth == 4


def test_idle_qubits_are_renumbered() -> None:
    qc = QuantumCircuit(6)
    qc.cx(5, 1)
    qc.cz(1, 3)
    qc.cz(3, 1)
    p = profile_from_circuit(qc)
    assert p.num_qubits == 3
    assert p.interaction == ((0, 1, 2), (0, 2, 1))


def test_no_qubit_touched_raises() -> None:
    qc = QuantumCircuit(3)
    qc.barrier()
    with pytest.raises(ValueError, match="no operation"):
        profile_from_circuit(qc)


def test_custom_composite_two_qubit_gate_is_decomposed() -> None:
    inner = QuantumCircuit(2, name="block")
    inner.cx(0, 1)
    inner.cx(1, 0)
    inner.rz(0.3, 0)
    qc = QuantumCircuit(2)
    qc.append(inner.to_gate(), [0, 1])
    p = profile_from_circuit(qc)
    assert (p.num_2q_gates, p.num_1q_gates) == (2, 1)


def test_custom_gate_named_like_standard_gate_is_decomposed() -> None:
    inner = QuantumCircuit(2, name="cx")
    inner.cz(0, 1)
    inner.cz(0, 1)
    qc = QuantumCircuit(2)
    qc.append(inner.to_gate(), [0, 1])
    qc.cx(0, 1)
    assert profile_from_circuit(qc).num_2q_gates == 3


def test_opaque_three_qubit_gate_raises() -> None:
    qc = QuantumCircuit(3)
    qc.append(Gate("mystery", 3, []), [0, 1, 2])
    with pytest.raises(ValueError, match="mystery"):
        profile_from_circuit(qc)


def test_opaque_two_qubit_gate_counts_as_one() -> None:
    qc = QuantumCircuit(2)
    qc.append(Gate("mystery", 2, []), [0, 1])
    assert profile_from_circuit(qc).num_2q_gates == 1


def test_self_referential_definition_does_not_converge() -> None:
    class Loop(Gate):
        def __init__(self) -> None:
            super().__init__("loop3", 3, [])

        def _define(self) -> None:
            qc = QuantumCircuit(3)
            qc.append(Loop(), [0, 1, 2])
            self.definition = qc

    qc = QuantumCircuit(3)
    qc.append(Loop(), [0, 1, 2])
    with pytest.raises(ValueError, match=f"{MAX_DECOMPOSE_ROUNDS} rounds"):
        profile_from_circuit(qc)


def test_control_flow_bodies_counted_once() -> None:
    qc = QuantumCircuit(3, 1)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)) as else_:
        qc.x(1)
    with else_:
        qc.cx(0, 1)
    with qc.for_loop(range(5)):
        qc.ccx(0, 1, 2)
    p = profile_from_circuit(qc)
    # h + x (true branch) + 9 from one ccx body; cx (false branch) + 6 from ccx.
    assert p.num_1q_gates == 1 + 1 + 9
    assert p.num_2q_gates == 1 + 6
    assert p.num_measured == 1


def test_qft_gate_counts() -> None:
    n = 8
    qc = QuantumCircuit(n)
    qc.append(QFTGate(n), range(n))
    p = profile_from_circuit(qc)
    assert p.num_qubits == n
    # n(n-1)/2 controlled phases plus n//2 swaps.
    assert p.num_2q_gates == n * (n - 1) // 2 + n // 2


def test_qft_100_is_fast() -> None:
    qc = QuantumCircuit(100)
    qc.append(QFTGate(100), range(100))
    qc.measure_all()
    start = time.perf_counter()
    p = profile_from_circuit(qc)
    assert time.perf_counter() - start < 3.0
    assert p.num_2q_gates == 100 * 99 // 2 + 50


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    num_qubits=st.integers(min_value=1, max_value=8),
    depth=st.integers(min_value=1, max_value=8),
    max_operands=st.integers(min_value=1, max_value=4),
    measure=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_random_circuit_invariants(
    num_qubits: int, depth: int, max_operands: int, measure: bool, seed: int
) -> None:
    qc = random_circuit(
        num_qubits, depth, max_operands=min(max_operands, num_qubits), measure=measure, seed=seed
    )
    p = profile_from_circuit(qc)
    assert p.num_2q_gates == sum(count for _, _, count in p.interaction)
    assert 0 <= p.depth_2q <= p.depth
    assert 1 <= p.num_qubits <= num_qubits
    if measure:
        assert p.num_measured == p.num_qubits == num_qubits
    else:
        assert p.num_measured == 0
    assert all(0 <= a < b < p.num_qubits for a, b, _ in p.interaction)
    assert p == profile_from_circuit(qc)  # deterministic
