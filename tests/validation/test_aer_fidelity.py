"""Fidelity models vs noisy qiskit-aer simulation (qiskit-aer is optional)."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("qiskit_aer")

from qcloudsim.devices.catalog import load_catalog  # noqa: E402
from qcloudsim.validation.aer_fidelity import (  # noqa: E402
    DEFAULT_CIRCUITS,
    DEFAULT_DEVICES,
    noise_model,
    run_validation,
    summarise,
)
from tests.conftest import line_device  # noqa: E402

SUBSET = [("ghz", 3), ("ghz", 5), ("bv", 4), ("qft", 4), ("qaoa", 4), ("wstate", 5)]


def test_noise_model_gate_error_matches_calibration() -> None:
    """Aer's conversion keeps the calibrated average gate infidelity of sx and cx."""
    from qiskit.quantum_info import average_gate_fidelity

    device = line_device(e1=2e-3, e2=1.5e-2)
    model = noise_model(device, (0, 1))
    errors = model.to_dict()["errors"]
    assert {e["operations"][0] for e in errors if e["type"] == "qerror"} == {"sx", "x", "cx"}
    sx = model._local_quantum_errors["sx"][(0,)]  # noqa: SLF001 - Aer has no public getter
    cx = model._local_quantum_errors["cx"][(0, 1)]  # noqa: SLF001
    assert 1 - average_gate_fidelity(sx) == pytest.approx(2e-3, rel=1e-6)
    assert 1 - average_gate_fidelity(cx) == pytest.approx(1.5e-2, rel=1e-6)


def test_subset_rank_correlation() -> None:
    """6 circuits on 2 devices (12 cases, ~5 s).

    Measured (qiskit 2.x, qiskit-aer 0.18.2, shots 2000, seed 0): analytic
    Spearman 0.818, MAE 0.044; exact Spearman 0.993, MAE 0.008. Bounds sit
    below those values.
    """
    catalog = load_catalog()
    cases = run_validation([catalog["ibm_perth"], catalog["ibm_torino"]], SUBSET, shots=2000)
    assert len(cases) == 12
    summary = summarise(cases)["overall"]
    assert summary["analytic"]["primary"]["spearman"] >= 0.70
    assert summary["analytic"]["primary"]["mae"] <= 0.08
    assert summary["exact"]["primary"]["spearman"] >= 0.95
    assert summary["exact"]["primary"]["mae"] <= 0.03
    for case in cases:
        assert 0 < case.primary <= 1 and 0 < case.analytic <= 1 and 0 < case.exact <= 1
        assert math.isnan(case.success) == (case.family not in ("ghz", "bv"))


@pytest.mark.slow
def test_full_validation() -> None:
    """The full run of ``experiments/fidelity_validation`` (65 cases, ~30 s).

    Measured: analytic Spearman 0.930, MAE 0.081; exact Spearman 0.988,
    MAE 0.022 (primary metric).
    """
    catalog = load_catalog()
    cases = run_validation([catalog[n] for n in DEFAULT_DEVICES], DEFAULT_CIRCUITS)
    assert len(cases) == 65
    summary = summarise(cases)["overall"]
    assert summary["analytic"]["primary"]["spearman"] >= 0.88
    assert summary["analytic"]["primary"]["mae"] <= 0.10
    assert summary["exact"]["primary"]["spearman"] >= 0.97
    assert summary["exact"]["primary"]["mae"] <= 0.04
