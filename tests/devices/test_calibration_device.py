"""Calibration and Device: validation and plain-data round trips."""

from __future__ import annotations

import json
import math

import pytest

from qcloudsim.devices.calibration import Calibration, edge
from qcloudsim.devices.device import Device


def make_calibration(**overrides: object) -> Calibration:
    """A valid 3-qubit line calibration, with fields overridden."""
    fields: dict[str, object] = {
        "timestamp": "2025-02-26T14:33:06-05:00",
        "t1_s": (200e-6, 150e-6, 100e-6),
        "t2_s": (100e-6, 120e-6, 150e-6),
        "readout_error": (0.01, 0.02, 0.03),
        "readout_duration_s": (1.3e-6,) * 3,
        "error_1q": (2e-4, 3e-4, 4e-4),
        "duration_1q_s": (60e-9,) * 3,
        "error_2q": {(0, 1): 0.007, (1, 2): 0.009},
        "duration_2q_s": {(0, 1): 660e-9, (1, 2): 660e-9},
    }
    fields.update(overrides)
    return Calibration(**fields)  # type: ignore[arg-type]


def test_edge_is_sorted() -> None:
    assert edge(3, 1) == (1, 3)
    assert edge(1, 3) == (1, 3)


def test_valid_calibration_properties() -> None:
    cal = make_calibration()
    assert cal.num_qubits == 3
    assert cal.edges == ((0, 1), (1, 2))
    assert cal.version > 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"t2_s": (1e-4, 1e-4)}, "t2_s"),
        ({"t1_s": (0.0, 1e-4, 1e-4)}, "t1_s"),
        ({"t2_s": (math.nan, 1e-4, 1e-4)}, "t2_s"),
        ({"readout_error": (1.0, 0.0, 0.0)}, "readout_error"),
        ({"error_1q": (-0.1, 0.0, 0.0)}, "error_1q"),
        ({"error_2q": {(0, 1): 1.0, (1, 2): 0.01}}, "error_2q"),
        ({"duration_1q_s": (-1.0, 0.0, 0.0)}, "duration_1q_s"),
        ({"duration_2q_s": {(0, 1): 1e-7}}, "same couplers"),
        (
            {"error_2q": {(1, 0): 0.01, (1, 2): 0.01}, "duration_2q_s": {(1, 0): 1, (1, 2): 1}},
            "sorted pair",
        ),
        (
            {"error_2q": {(0, 5): 0.01, (1, 2): 0.01}, "duration_2q_s": {(0, 5): 1, (1, 2): 1}},
            "qubits < 3",
        ),
    ],
)
def test_invalid_calibration_rejected(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_calibration(**overrides)


def test_calibration_round_trip_through_json() -> None:
    cal = make_calibration()
    again = Calibration.from_dict(json.loads(json.dumps(cal.to_dict())))
    assert again == cal
    assert again.version != cal.version  # a new object gets a new cache key


def test_device_basics() -> None:
    device = Device(name="toy", calibration=make_calibration(), two_qubit_gate="ecr")
    assert device.num_qubits == 3
    assert device.edges == ((0, 1), (1, 2))
    assert device.neighbours == ((1,), (0, 2), (1,))
    assert device.coupling_graph.edges[0, 1]["error"] == pytest.approx(0.007)
    assert device.snapshot_date.startswith("2025-02-26")


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"name": ""}, "name"), ({"name": "x", "rep_delay_s": -1}, "rep_delay")]
)
def test_invalid_device_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Device(calibration=make_calibration(), **kwargs)


def test_device_round_trip_through_json() -> None:
    device = Device(
        name="toy",
        calibration=make_calibration(),
        rep_delay_s=100e-6,
        two_qubit_gate="cz",
        processor="Heron r2",
        source="unit test",
        filtered=("qubit 0: T1 missing, replaced by device median 0.0001",),
    )
    again = Device.from_dict(json.loads(json.dumps(device.to_dict())))
    assert again == device
    assert again.filtered == device.filtered


def test_with_calibration_checks_qubit_count() -> None:
    device = Device(name="toy", calibration=make_calibration())
    other = make_calibration(t1_s=(1e-4, 1e-4, 2e-4))
    assert device.with_calibration(other).calibration is other
    smaller = Calibration.from_dict(
        {
            "t1_s": [1e-4],
            "t2_s": [1e-4],
            "readout_error": [0.01],
            "readout_duration_s": [1e-6],
            "error_1q": [1e-4],
            "duration_1q_s": [5e-8],
        }
    )
    with pytest.raises(ValueError, match="3 qubits"):
        device.with_calibration(smaller)
