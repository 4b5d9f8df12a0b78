"""Calibration history loading: the real ibm_perth archive and synthetic archives."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from qcloudsim.devices.history import HistoryFormatError, load_history

PERTH = Path(__file__).resolve().parents[2] / "data" / "ibm_perth_calibration_2023H1.tar.gz"


def _snapshot(date: str, *, t1: object = 100.0, n: int = 2, cx_error: float = 0.01) -> dict:
    """A tiny BackendProperties document (T1/T2 in us, lengths in ns)."""
    qubits = [
        [
            {"name": "T1", "value": t1, "unit": "us", "date": date},
            {"name": "T2", "value": 80.0, "unit": "us", "date": date},
            {"name": "readout_error", "value": 0.02, "unit": "", "date": date},
            {"name": "readout_length", "value": 700.0, "unit": "ns", "date": date},
        ]
        for _ in range(n)
    ]
    gates = [
        {"gate": "sx", "qubits": [q], "parameters": [
            {"name": "gate_error", "value": 3e-4, "unit": ""},
            {"name": "gate_length", "value": 35.5, "unit": "ns"}]}
        for q in range(n)
    ]
    for a, b in ((0, 1), (1, 0)):
        gates.append({"gate": "cx", "qubits": [a, b], "parameters": [
            {"name": "gate_error", "value": cx_error, "unit": ""},
            {"name": "gate_length", "value": 400.0, "unit": "ns"}]})
    return {"backend_name": "ibm_tiny", "last_update_date": date, "qubits": qubits, "gates": gates}


def _tar(path: Path, docs: dict[str, object]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, doc in docs.items():
            data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_real_perth_history() -> None:
    history = load_history(PERTH)
    assert len(history) == 181
    assert history.device.name == "ibm_perth"
    assert history.device.num_qubits == 7
    assert history.device.edges == ((0, 1), (1, 2), (1, 3), (3, 5), (4, 5), (5, 6))
    assert history.device.two_qubit_gate == "cx"
    times = history.times_s
    assert times[0] == 0.0 and list(times) == sorted(times)
    assert history.timestamps[0] == "2023-01-01T08:40:00+01:00"
    assert 179 * 86400 < history.duration_s < 181 * 86400
    assert all(cal.num_qubits == 7 for _, cal in history)
    # units: T1 of ~100 us, sx 35.6 ns, cx a few hundred ns
    first = history.at(0.0)
    assert 1e-5 < first.t1_s[0] < 1e-3
    assert first.duration_1q_s[0] == pytest.approx(35.5556e-9, rel=1e-4)
    assert all(1e-7 < d < 1e-6 for d in first.duration_2q_s.values())
    # .at(): latest snapshot with time <= t
    assert history.at(times[5]) is history.snapshots[5][1]
    assert history.at(times[5] - 1.0) is history.snapshots[4][1]
    assert history.at(1e12) is history.snapshots[-1][1]
    with pytest.raises(ValueError, match="before the first"):
        history.at(-1.0)
    # broken couplers (error 1) are dropped that day only, with a note
    by_member = dict(zip(history.members, history.snapshots, strict=True))
    march23 = by_member["calibration_data/2023-03-23T10:00:00.json"][1]
    assert march23.edges == ((0, 1), (1, 2), (1, 3))
    june25 = by_member["calibration_data/2023-06-25T10:00:00.json"][1]
    assert june25.edges == ()
    index = history.members.index("calibration_data/2023-03-23T10:00:00.json")
    assert any("coupler (3, 5)" in note and "dropped" in note for note in history.notes[index])


def test_synthetic_folder_and_filters(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(json.dumps(_snapshot("2024-01-02T00:00:00+00:00", cx_error=1.0)))
    (tmp_path / "a.json").write_text(json.dumps(_snapshot("2024-01-01T00:00:00+00:00")))
    history = load_history(tmp_path, device_name="tiny")
    assert history.device.name == "tiny"
    assert history.times_s == (0.0, 86400.0)
    assert history.members == ("a.json", "b.json")
    assert history.at(86399.0).edges == ((0, 1),)
    assert history.at(86400.0).edges == ()  # broken coupler dropped that day
    assert history.device.edges == ((0, 1),)  # union topology
    assert history.at(0).t1_s == (100e-6, 100e-6)
    assert history.at(0).readout_duration_s == pytest.approx((700e-9, 700e-9))
    assert history.notes[0] == () and history.notes[1]


def test_malformed_member_names_file_and_field(tmp_path: Path) -> None:
    good = _snapshot("2024-01-01T00:00:00+00:00")
    bad = _snapshot("2024-01-02T00:00:00+00:00", t1="abc")
    archive = _tar(tmp_path / "h.tar.gz", {"cal/a.json": good, "cal/b.json": bad})
    with pytest.raises(HistoryFormatError, match=r"h\.tar\.gz:cal/b\.json: field 'qubits\[0\]\.T1'"):
        load_history(archive)


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (b"{not json", "<root>"),
        ({"backend_name": "x", "qubits": [], "gates": []}, "last_update_date"),
        ({**_snapshot("2024-01-02T00:00:00"), "gates": [{"gate": "cx", "qubits": [0, 9]}]}, "gates[0].qubits"),
        (_snapshot("2024-01-02T00:00:00", n=3), "qubits"),
    ],
)
def test_other_malformed_members(tmp_path: Path, doc: object, field: str) -> None:
    archive = _tar(tmp_path / "h.tar.gz", {"a.json": _snapshot("2024-01-01T00:00:00"), "b.json": doc})
    with pytest.raises(HistoryFormatError) as info:
        load_history(archive)
    assert info.value.member.endswith("b.json")
    assert info.value.field == field


def test_unknown_time_unit(tmp_path: Path) -> None:
    doc = _snapshot("2024-01-01T00:00:00")
    doc["qubits"][1][0]["unit"] = "fortnights"
    archive = _tar(tmp_path / "h.tar.gz", {"a.json": doc})
    with pytest.raises(HistoryFormatError, match=r"qubits\[1\]\.T1.*unknown time unit"):
        load_history(archive)
