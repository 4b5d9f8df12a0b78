from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcloudsim.hybrid.build import BUILTIN_TRACE, load_loss_trace
from qcloudsim.hybrid.program import (
    ConvergenceCurve,
    FixedIterations,
    HybridProgram,
    LossTrace,
    parameter_shift_circuits,
)
from tests.conftest import ghz_profile


def test_fixed_and_trace_rules():
    assert FixedIterations(7).iterations(np.random.default_rng(0)) == 7
    trace = LossTrace((5.0, 3.0, 1.0005, 1.0, 1.2), tolerance=1e-3)
    assert trace.iterations(np.random.default_rng(0)) == 3
    with pytest.raises(ValueError, match="at least one iteration"):
        FixedIterations(0)
    with pytest.raises(ValueError, match="at least one value"):
        LossTrace(())


def test_builtin_trace_is_a_real_converging_run():
    losses = load_loss_trace(str(BUILTIN_TRACE))
    assert len(losses) == 400 and min(losses) < losses[0]
    assert min(losses) == pytest.approx(-4.7588, abs=5e-3)  # exact ground energy of the 4-qubit TFIM
    k = LossTrace(losses, tolerance=1e-2).iterations(np.random.default_rng(0))
    assert 20 < k < 400


@given(tau=st.floats(1.0, 100.0), noise=st.floats(0.0, 0.05), seed=st.integers(0, 1000))
def test_convergence_curve_is_seeded_and_bounded(tau, noise, seed):
    rule = ConvergenceCurve(tau=tau, noise=noise, tolerance=0.05, max_iterations=300)
    a = rule.iterations(np.random.default_rng(seed))
    assert a == rule.iterations(np.random.default_rng(seed))
    assert 1 <= a <= 300
    if noise == 0.0:
        # noiseless: first k with exp(-k/tau) <= 0.05
        assert a == min(300, int(np.ceil(tau * np.log(20.0) - 1e-9)))


def test_program_validation_names_the_problem():
    with pytest.raises(ValueError, match="latency_s must be >= 0"):
        HybridProgram("p", 0.0, ghz_profile(2), 100, 2, FixedIterations(1), 1.0, latency_s=-1.0)
    with pytest.raises(ValueError, match="mode must be one of"):
        HybridProgram("p", 0.0, ghz_profile(2), 100, 2, FixedIterations(1), 1.0, mode="stream")
    assert parameter_shift_circuits(6) == 12
