"""Cut plans: qiskit-addon-cutting and the analytic model."""

from __future__ import annotations

import math

import pytest
from qiskit import QuantumCircuit

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.cutting import CutError, analytic_plan
from qcloudsim.cutting.find import plan_for_circuit


def ghz(n: int, measure: bool = True) -> QuantumCircuit:
    qc = QuantumCircuit(n, name=f"ghz{n}")
    qc.h(0)
    for i in range(n - 1):
        qc.cx(i, i + 1)
    if measure:
        qc.measure_all()
    return qc


def chain(n: int) -> CircuitProfile:
    return CircuitProfile("chain", n, n, n - 1, 1, n - 1, n, tuple((i, i + 1, 1) for i in range(n - 1)))


def test_ghz8_cut_into_fragments_of_four() -> None:
    plan = plan_for_circuit(ghz(8), 4, seed=0)
    assert plan.source == "qiskit-addon-cutting"
    assert plan.max_width <= 4
    assert sum(f.num_qubits for f in plan.fragments) == 8 + plan.wire_cuts
    assert math.isclose(plan.sampling_overhead, 9.0**plan.gate_cuts * 16.0**plan.wire_cuts, rel_tol=1e-9)
    assert (plan.gate_cuts, plan.wire_cuts) == (1, 0)
    assert plan.fragment_subexperiments == (6, 6)
    assert plan.num_subexperiments == 12
    assert plan_for_circuit(ghz(8), 4, seed=0) is plan  # memoised


def test_wire_cut_is_reported() -> None:
    qc = QuantumCircuit(8)
    for _ in range(3):
        for t in (1, 2, 3):
            qc.cx(0, t)
    for _ in range(3):
        for t in (4, 5, 6, 7):
            qc.cx(0, t)
    plan = plan_for_circuit(qc, 5)
    assert plan.max_width <= 5
    assert math.isclose(plan.sampling_overhead, 9.0**plan.gate_cuts * 16.0**plan.wire_cuts)
    assert plan.wire_cuts == 1 and plan.num_subexperiments == 16


def test_many_terms_use_counted_subexperiments() -> None:
    from qcloudsim.circuits.families import family_circuit

    plan = plan_for_circuit(family_circuit("qft", 6, 0), 4)
    assert plan.max_width <= 4
    assert plan.fragment_subexperiments == tuple(6**plan.gate_cuts for _ in plan.fragments)
    assert 1.0 < plan.sampling_overhead <= 9.0**plan.gate_cuts


def test_fitting_circuit_is_uncut() -> None:
    plan = plan_for_circuit(ghz(4), 4)
    assert plan.source == "uncut" and plan.sampling_overhead == 1.0 and plan.num_fragments == 1


def test_find_errors() -> None:
    with pytest.raises(CutError, match="overhead 9 exceeds the configured maximum 5"):
        plan_for_circuit(ghz(8), 4, max_overhead=5)
    with pytest.raises(CutError, match="need >= 1"):
        plan_for_circuit(ghz(8), 0)
    mid = QuantumCircuit(4, 1)
    mid.h(0)
    mid.measure(0, 0)
    mid.cx(0, 1)
    mid.cx(1, 2)
    mid.cx(2, 3)
    with pytest.raises(CutError, match="mid-circuit"):
        plan_for_circuit(mid, 2)


def test_analytic_chain_hand_computed() -> None:
    plan = analytic_plan(chain(6), 3)
    assert plan.source == "analytic"
    assert [f.num_qubits for f in plan.fragments] == [3, 3]
    assert (plan.gate_cuts, plan.wire_cuts) == (1, 0)
    assert plan.sampling_overhead == 9.0
    assert plan.fragment_subexperiments == (6, 6)
    assert all(f.num_2q_gates == 2 for f in plan.fragments)
    assert all(f.interaction == ((0, 1, 1), (1, 2, 1)) for f in plan.fragments)


def test_analytic_matches_qiskit_on_ghz() -> None:
    from qcloudsim.circuits.from_qiskit import profile_from_circuit

    real = plan_for_circuit(ghz(8), 4)
    est = analytic_plan(profile_from_circuit(ghz(8)), 4)
    assert (est.gate_cuts, est.sampling_overhead, est.num_subexperiments) == (
        real.gate_cuts,
        real.sampling_overhead,
        real.num_subexperiments,
    )


def test_analytic_errors_and_uncut() -> None:
    with pytest.raises(CutError, match="overhead 81 exceeds the configured maximum 10"):
        analytic_plan(chain(9), 3, max_overhead=10)
    with pytest.raises(CutError, match="need >= 1"):
        analytic_plan(chain(4), 0)
    assert analytic_plan(chain(4), 4).source == "uncut"


def test_analytic_widths_respect_limit() -> None:
    from qcloudsim.circuits.families import family_profile

    for family in ("qft", "qaoa", "random"):
        for limit in (2, 3, 5):
            plan = analytic_plan(family_profile(family, 11), limit)
            assert plan.max_width <= limit
            assert sum(f.num_qubits for f in plan.fragments) == 11
            assert plan.num_fragments >= math.ceil(11 / limit)
