"""Shared fixtures: small hand-checkable devices and circuits."""

from __future__ import annotations

import pytest

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.devices.calibration import Calibration, edge
from qcloudsim.devices.device import Device


def make_calibration(
    num_qubits: int,
    edges: list[tuple[int, int]],
    *,
    e1: float | list[float] = 1e-3,
    ro: float | list[float] = 2e-2,
    e2: float | dict[tuple[int, int], float] = 1e-2,
    t1: float = 100e-6,
    t2: float = 80e-6,
    d1: float = 50e-9,
    d2: float = 400e-9,
    dro: float = 1e-6,
) -> Calibration:
    """A calibration with uniform (or given) values."""
    as_list = lambda v: list(v) if isinstance(v, list) else [v] * num_qubits  # noqa: E731
    canonical = [edge(a, b) for a, b in edges]
    errors = {e: (e2[e] if isinstance(e2, dict) else e2) for e in canonical}
    return Calibration(
        timestamp="2025-01-01T00:00:00",
        t1_s=tuple([t1] * num_qubits),
        t2_s=tuple([t2] * num_qubits),
        readout_error=tuple(as_list(ro)),
        readout_duration_s=tuple([dro] * num_qubits),
        error_1q=tuple(as_list(e1)),
        duration_1q_s=tuple([d1] * num_qubits),
        error_2q=errors,
        duration_2q_s={e: d2 for e in canonical},
    )


def line_device(name: str = "line5", n: int = 5, **kwargs) -> Device:
    """A device whose qubits form a line 0-1-...-(n-1)."""
    return Device(name=name, calibration=make_calibration(n, [(i, i + 1) for i in range(n - 1)], **kwargs),
                  rep_delay_s=250e-6)


def ghz_profile(n: int) -> CircuitProfile:
    """GHZ-n: one H, a CNOT chain, all qubits measured."""
    return CircuitProfile(
        name=f"ghz_{n}", num_qubits=n, depth=n + 1, depth_2q=n - 1, num_1q_gates=1,
        num_2q_gates=n - 1, num_measured=n, interaction=tuple((i, i + 1, 1) for i in range(n - 1)),
        source="test",
    )


@pytest.fixture
def line5() -> Device:
    return line_device()
