"""IBM-style export adapter."""

from __future__ import annotations

import pandas as pd
import pytest

from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.ibm import read_ibm, synthetic_export
from qcloudsim.traces.table import TraceError, TraceSkipWarning

EXPORT = """run_time,queue_time,machine,date,status,batch,shots,depth,width,qubits
0.5,2,ibm_kyiv,2024-03-04T10:00:30Z,DONE,b1,4000,20,10,5
1.0,4,ibm_osaka,2024-03-04T10:00:00Z,DONE,b1,1000,30,6,3
0.25,1,ibm_kyiv,2024-03-04T11:00:00+00:00,ERROR,b2,8192,12,8,4
"""


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text(EXPORT)
    return path


def test_defaults_sort_and_convert_minutes(export):
    frame = pd.concat(list(read_ibm(export)))
    assert frame["job_id"].tolist() == [1, 0, 2]  # sorted by date; ids are export rows
    assert frame["submit_s"].tolist() == [0.0, 30.0, 3600.0]
    assert frame["recorded_run_s"].tolist() == [60.0, 30.0, 15.0]
    assert frame["recorded_queue_s"].tolist() == [240.0, 120.0, 60.0]
    assert frame["recorded_device"].tolist() == ["ibm_osaka", "ibm_kyiv", "ibm_kyiv"]
    assert frame["num_qubits"].tolist() == [3, 5, 4]
    assert frame["num_2q_gates"].tolist() == [15, 20, 12]  # depth * (n // 2) * 0.5


def test_mapping_and_unit_override(export):
    reader = read_ibm(export, mapping={"num_qubits": "width", "program_id": None},
                      units={"run_time": "s"})
    frame = pd.concat(list(reader))
    assert frame["num_qubits"].tolist() == [6, 10, 8]
    assert frame["recorded_run_s"].tolist() == [1.0, 0.5, 0.25]
    assert "program_id" not in frame.columns


def test_unknown_canonical_column(export):
    with pytest.raises(TraceError, match=r"jobs\.csv, column 'qbits': mapping names unknown canonical"):
        read_ibm(export, mapping={"qbits": "qubits"})


def test_unknown_source_column(export):
    with pytest.raises(TraceError, match=r"column 'nqubits'.*export has no column 'nqubits'"):
        read_ibm(export, mapping={"num_qubits": "nqubits"})


def test_unknown_unit(export):
    with pytest.raises(TraceError, match=r"column 'run_time'.*unknown unit 'hours'.*allowed: s, ms"):
        read_ibm(export, units={"run_time": "hours"})
    with pytest.raises(TraceError, match=r"column 'shots'.*not a mapped time column"):
        read_ibm(export, units={"shots": "s"})


def test_bad_timestamp_raises_and_skips(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(EXPORT + "0.1,1,ibm_kyiv,yesterday,DONE,b3,100,10,4,2\n")
    with pytest.raises(TraceError, match=r"bad\.csv, line 5, column 'date'.*cannot be parsed"):
        list(read_ibm(path))
    reader = read_ibm(path, on_error="skip")
    with pytest.warns(TraceSkipWarning):
        frame = pd.concat(list(reader))
    assert len(frame) == 3 and reader.report.counts == {"bad_timestamp": 1}


def test_negative_run_time_names_export_line(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text(EXPORT + "-0.1,1,ibm_kyiv,2024-03-04T12:00:00Z,DONE,b3,100,10,4,2\n")
    with pytest.raises(TraceError, match=r"line 5, column 'recorded_run_s'.*negative"):
        list(read_ibm(path))


def test_synthetic_export_round_trip(tmp_path):
    frame = synthetic_export(200, SeedStreams(5))
    assert list(frame.columns) == ["run_time", "queue_time", "machine", "date", "status", "batch",
                                   "shots", "depth", "width", "qubits"]
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    out = pd.concat(list(read_ibm(path)))
    assert len(out) == 200 and out["submit_s"].is_monotonic_increasing


def test_shipped_sample_reads(request):
    path = request.config.rootpath / "traces" / "sample_ibm_style.csv"
    if not path.exists():
        pytest.skip("sample not generated")
    reader = read_ibm(path)
    assert sum(len(c) for c in reader) == reader.report.rows == 400
