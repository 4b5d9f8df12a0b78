"""Exact fidelity/runtime mode: hand-computed ESP, cache, routing, profile round trip."""

from __future__ import annotations

import math

import pytest
from qiskit import QuantumCircuit

from qcloudsim.circuits.families import family_profile
from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.models import exact
from qcloudsim.models.exact import (
    asap_schedule,
    circuit_for_profile,
    exact_estimate,
    transpile_to_region,
)
from qcloudsim.models.fidelity import idle_fidelity
from tests.conftest import line_device

E1 = [1e-3, 2e-3, 3e-3, 4e-3, 5e-3]
RO = [0.01, 0.02, 0.03, 0.04, 0.05]


def _ghz3() -> QuantumCircuit:
    circuit = QuantumCircuit(3)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.cx(1, 2)
    circuit.measure_all()
    return circuit


def test_ghz3_on_line_matches_hand_computation() -> None:
    device = line_device(e1=E1, ro=RO, e2={(2, 3): 0.01, (3, 4): 0.02, (0, 1): 0.5, (1, 2): 0.5})
    cal = device.calibration
    region = (2, 3, 4)
    result = exact_estimate(_ghz3(), device, region)
    # h -> rz sx rz on physical 2; cx(2,3); cx(3,4); barrier; 3 measurements
    assert result.transpiled_ops == {"barrier": 1, "cx": 2, "measure": 3, "rz": 2, "sx": 1}
    assert (result.num_1q, result.num_2q) == (1, 2)
    d1, d2, dro = 50e-9, 400e-9, 1e-6
    # ASAP: sx [0, d1], cx23 [d1, d1+d2], cx34 [d1+d2, d1+2d2], measure until d1+2d2+dro
    assert result.circuit_s == pytest.approx(d1 + 2 * d2 + dro)
    # physical 2 waits for cx34 before the barrier: idle d2; 3 and 4 never wait
    assert result.idle_s == pytest.approx((d2, 0.0, 0.0))
    hand = (
        (1 - E1[2])
        * (1 - 0.01)
        * (1 - 0.02)
        * (1 - RO[2]) * (1 - RO[3]) * (1 - RO[4])
        * idle_fidelity(d2, cal.t1_s[2], cal.t2_s[2])
    )
    assert result.fidelity == pytest.approx(hand, rel=1e-12)
    assert math.log(result.fidelity) == pytest.approx(sum(result.log_fidelity_terms.values()))


def test_schedule_barrier_and_busy_times() -> None:
    device = line_device()
    transpiled = transpile_to_region(_ghz3(), device, (0, 1, 2))
    schedule = asap_schedule(transpiled, (0, 1, 2), device.calibration)
    assert schedule.busy_s == pytest.approx((50e-9 + 400e-9 + 1e-6, 800e-9 + 1e-6, 400e-9 + 1e-6))
    assert schedule.first_s == pytest.approx((0.0, 50e-9, 450e-9))


def test_cache_hit_and_calibration_version() -> None:
    exact.clear_cache()
    device = line_device()
    first = exact_estimate(_ghz3(), device, (0, 1, 2))
    assert exact_estimate(_ghz3(), device, (0, 1, 2)) is first  # equal structure -> same key
    assert exact.cache_info()["entries"] == 1
    other = device.with_calibration(line_device(e1=2e-3).calibration)
    assert exact_estimate(_ghz3(), other, (0, 1, 2)) is not first
    assert exact.cache_info()["entries"] == 2


def test_routing_adds_two_qubit_gates() -> None:
    device = line_device()
    circuit = QuantumCircuit(3)
    circuit.h(0)
    circuit.cx(0, 2)  # not adjacent on the line 0-1-2
    circuit.measure_all()
    result = exact_estimate(circuit, device, (0, 1, 2))
    assert result.num_2q >= 4  # one SWAP = 3 cx, plus the cx itself
    plain = QuantumCircuit(3)
    plain.h(0)
    plain.cx(0, 1)
    plain.measure_all()
    assert result.fidelity < exact_estimate(plain, device, (0, 1, 2)).fidelity


def test_disconnected_region_cannot_be_routed() -> None:
    device = line_device()
    with pytest.raises(ValueError, match="cannot transpile"):
        exact_estimate(_ghz3(), device, (0, 1, 3))


def test_circuit_for_profile() -> None:
    circuit = circuit_for_profile(family_profile("ghz", 4))
    assert circuit is not None and circuit.num_qubits == 4
    synthetic = CircuitProfile(name="x", num_qubits=2, depth=1, depth_2q=0, num_1q_gates=1,
                               num_2q_gates=0, num_measured=0, source="synthetic")
    assert circuit_for_profile(synthetic) is None


def test_circuit_for_qasm_profile(tmp_path) -> None:
    from qcloudsim.circuits.qasm import profile_from_qasm

    path = tmp_path / "bell.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\n'
                    "h q[0];\ncx q[0],q[1];\nmeasure q -> c;\n")
    circuit = circuit_for_profile(profile_from_qasm(path))
    assert circuit is not None and circuit.count_ops()["cx"] == 1
