"""The shipped device catalog and what-if devices from specs."""

from __future__ import annotations

import math
import subprocess
import sys

import networkx as nx
import pytest

from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.catalog import (
    SPEC_DEFAULTS,
    DeviceCatalog,
    UnknownDeviceError,
    device_from_spec,
    load_catalog,
)


@pytest.fixture(scope="module")
def catalog() -> DeviceCatalog:
    return load_catalog()


def test_shipped_catalog_loads(catalog: DeviceCatalog) -> None:
    assert len(catalog) >= 50
    assert catalog.names() == sorted(catalog.names())
    assert [d.name for d in catalog] == catalog.names()
    assert load_catalog() is catalog  # cached


def test_loading_does_not_import_qiskit() -> None:
    code = (
        "import sys; from qcloudsim.devices.catalog import load_catalog; load_catalog(); "
        "print(any(m == 'qiskit' or m.startswith('qiskit.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_brisbane(catalog: DeviceCatalog) -> None:
    device = catalog.get("ibm_brisbane")
    assert device.num_qubits == 127
    assert device.two_qubit_gate == "ecr"
    assert device.processor == "Eagle r3"
    assert nx.is_connected(device.coupling_graph)
    assert "FakeBrisbane" in device.source


@pytest.mark.parametrize("alias", ["fake_brisbane", "brisbane", "IBM_Brisbane", "FAKE_BRISBANE"])
def test_aliases_resolve(catalog: DeviceCatalog, alias: str) -> None:
    assert alias in catalog
    assert catalog.get(alias).name == "ibm_brisbane"


def test_legacy_names(catalog: DeviceCatalog) -> None:
    assert catalog.get("fake_melbourne").name == "ibmq_16_melbourne"
    assert catalog.get("yorktown").name == "ibmqx2"
    assert catalog.get("fake_cairo").name == "ibm_cairo"


def test_unknown_name_suggests_close_match(catalog: DeviceCatalog) -> None:
    with pytest.raises(UnknownDeviceError) as info:
        catalog.get("ibm_brisbone")
    message = str(info.value)
    assert "ibm_brisbone" in message
    assert "ibm_brisbane" in message
    assert "qcloudsim devices list" in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)
    assert "ibm_nowhere" not in catalog
    assert 42 not in catalog


def test_every_device_is_valid(catalog: DeviceCatalog) -> None:
    for device in catalog:
        cal = device.calibration
        again = Calibration.from_dict(cal.to_dict())  # re-runs every check
        assert again == cal
        assert all(0 <= e < 0.5 for e in cal.readout_error), device.name
        assert all(t2 <= 2 * t1 * (1 + 1e-9) for t1, t2 in zip(cal.t1_s, cal.t2_s, strict=True)), device.name
        assert all(math.isfinite(v) for v in cal.duration_2q_s.values()), device.name
        assert device.edges, device.name
        assert device.two_qubit_gate in {"ecr", "cx", "cz"}
        assert device.snapshot_date
        assert device.rep_delay_s > 0


def test_spec_defaults_and_explicit_edges() -> None:
    device = device_from_spec({"name": "toy", "edges": [[0, 1], [2, 1]]})
    assert device.num_qubits == 3
    assert device.edges == ((0, 1), (1, 2))
    cal = device.calibration
    assert cal.t1_s == (SPEC_DEFAULTS["t1_us"] / 1e6,) * 3
    assert cal.duration_2q_s[(0, 1)] == pytest.approx(660e-9)
    assert device.rep_delay_s == pytest.approx(250e-6)
    assert device.two_qubit_gate == "ecr"


def test_spec_per_qubit_and_per_edge_lists() -> None:
    spec = {
        "name": "toy",
        "edges": [[1, 2], [0, 1]],
        "num_qubits": 4,
        "t1_us": [100, 200, 300, 400],
        "t2_us": 50,
        "readout_error": [0.01, 0.02, 0.03, 0.04],
        "error_2q": [0.02, 0.01],
        "duration_2q_ns": 300,
        "rep_delay_us": 100,
        "two_qubit_gate": "cz",
    }
    device = device_from_spec(spec)
    cal = device.calibration
    assert device.num_qubits == 4
    assert cal.t1_s == (100e-6, 200e-6, 300e-6, 400e-6)
    assert cal.error_2q == {(1, 2): 0.02, (0, 1): 0.01}  # list follows the edges as written
    assert cal.duration_2q_s[(1, 2)] == pytest.approx(300e-9)
    assert device.rep_delay_s == pytest.approx(100e-6)


@pytest.mark.parametrize(
    ("spec", "qubits", "couplers"),
    [
        ({"topology": "line", "num_qubits": 5}, 5, 4),
        ({"topology": "ring", "num_qubits": 6}, 6, 6),
        ({"topology": "grid", "rows": 3, "cols": 4}, 12, 17),
        ({"topology": "heavy_hex", "distance": 3}, 19, 20),
        ({"topology": "heavy_hex", "distance": 5}, 57, 64),
    ],
)
def test_spec_topologies(spec: dict, qubits: int, couplers: int) -> None:
    device = device_from_spec({"name": "t", **spec})
    assert device.num_qubits == qubits
    assert len(device.edges) == couplers
    assert nx.is_connected(device.coupling_graph)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"edges": [[0, 1]]}, "name"),
        ({"name": "x"}, "edges/topology"),
        ({"name": "x", "edges": [[0, 1]], "topology": "line"}, "edges/topology"),
        ({"name": "x", "edges": []}, "edges"),
        ({"name": "x", "edges": [[0, 0]]}, r"edges\[0\]"),
        ({"name": "x", "edges": [[0, 1], [1, 0]]}, r"edges\[1\]"),
        ({"name": "x", "edges": [[0, 3]], "num_qubits": 2}, "num_qubits"),
        ({"name": "x", "topology": "star", "num_qubits": 3}, "topology"),
        ({"name": "x", "topology": "line"}, "num_qubits"),
        ({"name": "x", "topology": "ring", "num_qubits": 2}, "num_qubits"),
        ({"name": "x", "topology": "grid", "rows": 2}, "cols"),
        ({"name": "x", "topology": "grid", "rows": 2, "cols": 2, "num_qubits": 5}, "num_qubits"),
        ({"name": "x", "topology": "heavy_hex", "distance": 4}, "distance"),
        ({"name": "x", "edges": [[0, 1]], "t1_us": 0}, "t1_us"),
        ({"name": "x", "edges": [[0, 1]], "t2_us": [1, 2, 3]}, "t2_us"),
        ({"name": "x", "edges": [[0, 1]], "t1_us": 10, "t2_us": 30}, "t2_us"),
        ({"name": "x", "edges": [[0, 1]], "readout_error": 1.5}, "readout_error"),
        ({"name": "x", "edges": [[0, 1]], "error_1q": [0.1, -0.1]}, r"error_1q\[1\]"),
        ({"name": "x", "edges": [[0, 1]], "error_2q": "low"}, "error_2q"),
        ({"name": "x", "edges": [[0, 1]], "error_2q": True}, "error_2q"),
        ({"name": "x", "edges": [[0, 1]], "duration_1q_ns": -5}, "duration_1q_ns"),
        ({"name": "x", "edges": [[0, 1]], "duration_2q_ns": math.inf}, "duration_2q_ns"),
        ({"name": "x", "edges": [[0, 1]], "readout_duration_ns": -1}, "readout_duration_ns"),
        ({"name": "x", "edges": [[0, 1]], "rep_delay_us": -1}, "rep_delay_us"),
        ({"name": "x", "edges": [[0, 1]], "two_qubit_gate": "iswap"}, "two_qubit_gate"),
        ({"name": "x", "edges": [[0, 1]], "tl_us": 100}, "tl_us.*t1_us"),
    ],
)
def test_spec_errors_name_the_field(spec: dict, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^fleet\.yaml devices\[0\]: {field}"):
        device_from_spec(spec, where="fleet.yaml devices[0]")


def test_spec_error_without_where() -> None:
    with pytest.raises(ValueError, match=r"^readout_error: expected a probability"):
        device_from_spec({"name": "x", "edges": [[0, 1]], "readout_error": 2})


def test_spec_must_be_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        device_from_spec([1, 2], where="here")  # type: ignore[arg-type]
