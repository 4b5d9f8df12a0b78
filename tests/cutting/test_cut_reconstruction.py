"""Shot accounting, reconstruction time and combined fidelity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.cutting import CutPlan, analytic_plan, combine_fidelity, reconstruction_time_s


def _plan(cuts: int) -> CutPlan:
    n = 3 * (cuts + 1)
    profile = CircuitProfile("c", n, n, n - 1, 1, n - 1, n, tuple((i, i + 1, 1) for i in range(n - 1)))
    return analytic_plan(profile, 3)


@given(st.integers(0, 4), st.integers(1, 10_000))
def test_shots_scale_with_overhead(cuts: int, shots: int) -> None:
    plan = _plan(cuts)
    assert plan.gate_cuts == cuts
    assert plan.total_shots(shots) == math.ceil(shots * 9**cuts)
    per = plan.fragment_shots(shots)
    assert len(per) == plan.num_fragments
    assert all(s >= max(plan.total_shots(shots), n) for s, n in zip(per, plan.fragment_subexperiments, strict=True))
    assert plan.qpu_shots(shots) == sum(per)


@given(st.integers(0, 3), st.integers(1, 5_000), st.integers(1, 5_000))
def test_reconstruction_time_monotone(cuts: int, a: int, b: int) -> None:
    plan = _plan(cuts)
    lo, hi = sorted((a, b))
    assert 0 <= reconstruction_time_s(plan, lo) <= reconstruction_time_s(plan, hi)
    if cuts:
        assert reconstruction_time_s(plan, lo) < reconstruction_time_s(_plan(cuts + 1), lo)
    else:
        assert reconstruction_time_s(plan, lo) == 0.0


@given(st.lists(st.floats(0, 1), min_size=3, max_size=3))
def test_combine_fidelity_is_product(fids: list[float]) -> None:
    plan = _plan(2)
    combined = combine_fidelity(fids, plan)
    assert math.isclose(combined, math.prod(fids), abs_tol=1e-15)
    assert 0 <= combined <= min(fids)


def test_combine_fidelity_errors() -> None:
    with pytest.raises(ValueError, match="fragment fidelities"):
        combine_fidelity([0.9], _plan(1))
    with pytest.raises(ValueError, match="outside"):
        combine_fidelity([0.9, 1.2], _plan(1))
