from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.models.fidelity import FidelityParams, estimate_fidelity, idle_fidelity
from qcloudsim.models.region import region_stats
from qcloudsim.models.routing import estimated_swaps
from qcloudsim.models.runtime import (
    RuntimeParams,
    circuit_duration_s,
    job_runtime_s,
    routed_depth_2q,
)
from tests.conftest import ghz_profile, make_calibration


def test_circuit_duration_hand_computed():
    cal = make_calibration(3, [(0, 1), (1, 2)], d1=50e-9, d2=400e-9, dro=1e-6)
    stats = region_stats(cal, (0, 1, 2))
    # GHZ-3: depth 4 = H layer + 2 CNOT layers + measure layer
    t = circuit_duration_s(ghz_profile(3), stats)
    assert t == pytest.approx(2 * 400e-9 + 1 * 50e-9 + 1e-6)


def test_job_runtime_formula():
    params = RuntimeParams(per_job_overhead_s=3.0)
    assert job_runtime_s(1e-3, shots=1000, circuits=2, params=params) == pytest.approx(3.0 + 2.0)
    with pytest.raises(ValueError):
        job_runtime_s(1e-3, shots=0, circuits=1, params=params)


def test_fidelity_hand_computed_without_idle():
    cal = make_calibration(2, [(0, 1)], e1=1e-3, ro=2e-2, e2=1e-2)
    stats = region_stats(cal, (0, 1))
    profile = ghz_profile(2)  # 1 one-qubit gate, 1 CNOT, 2 measurements
    f = estimate_fidelity(profile, stats, 0.0, params=FidelityParams(idle_decoherence=False))
    assert f == pytest.approx((1 - 1e-3) * (1 - 1e-2) * (1 - 2e-2) ** 2)


def test_idle_fidelity_limits():
    assert idle_fidelity(0.0, 100e-6, 80e-6) == 1.0
    assert idle_fidelity(1.0, 100e-6, 80e-6) == pytest.approx(0.5)
    assert 0.5 < idle_fidelity(10e-6, 100e-6, 80e-6) < 1.0


def test_routing_zero_for_chain_on_line_and_positive_for_triangle():
    cal = make_calibration(3, [(0, 1), (1, 2)])
    stats = region_stats(cal, (0, 1, 2))
    assert estimated_swaps(ghz_profile(3), stats) == 0
    triangle = CircuitProfile("tri", 3, 4, 3, 0, 3, 3, ((0, 1, 1), (0, 2, 1), (1, 2, 1)))
    assert estimated_swaps(triangle, stats) == 1
    assert routed_depth_2q(triangle, 1) == 3 + 3


@given(
    e2=st.floats(0.0, 0.2),
    bump=st.floats(1e-4, 0.2),
    ro=st.floats(0.0, 0.3),
)
def test_fidelity_in_unit_interval_and_decreasing_in_error(e2, bump, ro):
    profile = ghz_profile(4)
    line = [(0, 1), (1, 2), (2, 3)]
    good = region_stats(make_calibration(4, line, e2=e2, ro=ro), (0, 1, 2, 3))
    bad = region_stats(make_calibration(4, line, e2=min(e2 + bump, 0.99), ro=ro), (0, 1, 2, 3))
    t = circuit_duration_s(profile, good)
    f_good = estimate_fidelity(profile, good, t)
    f_bad = estimate_fidelity(profile, bad, t)
    assert 0.0 <= f_bad <= f_good <= 1.0


@given(t=st.floats(0, 1e-3), t1=st.floats(1e-6, 1e-3), t2=st.floats(1e-6, 1e-3))
def test_idle_fidelity_is_a_probability(t, t1, t2):
    f = idle_fidelity(t, t1, t2)
    assert 0.5 <= f <= 1.0 and math.isfinite(f)
