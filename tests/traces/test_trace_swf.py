"""Standard Workload Format adapter."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from qcloudsim.traces.swf import SwfMapping, read_swf
from qcloudsim.traces.table import TraceError, TraceSkipWarning

NASA = Path(__file__).resolve().parents[2] / "data" / "NASA-iPSC-1993-3.1-cln.swf.gz"

SWF = """; Version: 2.2
; Computer: toy
; MaxJobs: 4
    1        0     5   100  128     -1    -1   -1     -1    -1  1   1   1  -1 -1 -1 -1 -1
    2       10    -1    -1   -1     -1    -1    4     -1    -1  0   2   1  -1 -1 -1 -1 -1
    3       20    -1    50    1     -1    -1   -1     -1    -1  5  -1  -1  -1 -1 -1 -1 -1
    4       30    -1    50    8     -1    -1   -1     -1    -1 -1   3   2  -1 -1 -1 -1 -1
"""


@pytest.fixture
def swf(tmp_path):
    path = tmp_path / "toy.swf"
    path.write_text(SWF)
    return path


def test_inline_file(swf):
    reader = read_swf(swf)
    frame = pd.concat(list(reader))
    assert reader.header["MaxJobs"] == "4"
    assert frame["job_id"].tolist() == [1, 2, 3, 4]
    assert frame["num_qubits"].tolist() == [27, 4, 2, 8]  # alloc, else requested; clipped 2..27
    assert frame["circuit"].tolist() == ["qft_27", "qft_4", "qft_2", "qft_8"]
    assert frame["user"].tolist() == ["u1", "u2", "unknown", "u3"]
    assert frame["recorded_queue_s"].isna().tolist() == [False, True, True, True]
    assert frame["recorded_run_s"].tolist()[0] == 100.0
    assert frame["recorded_status"].tolist() == ["completed", "failed", "cancelled", "unknown"]


def test_log2_mapping_and_sizes_only(swf):
    mapping = SwfMapping(scale="log2", min_qubits=2, max_qubits=12, family=None)
    frame = pd.concat(list(read_swf(swf, mapping)))
    assert frame["num_qubits"].tolist() == [9, 4, 2, 5]
    assert "circuit" not in frame.columns
    assert (frame["depth"] == frame["num_qubits"] * 4).all()


def test_gzip_and_truncated(tmp_path):
    path = tmp_path / "toy.swf.gz"
    path.write_bytes(gzip.compress(SWF.encode()))
    assert sum(len(c) for c in read_swf(path)) == 4
    big = SWF + "".join(
        f"{i:6d} {i * 10:8d} -1 50 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n" for i in range(5, 20000)
    )
    blob = gzip.compress(big.encode())
    cut = tmp_path / "cut.swf.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(TraceError, match=r"cut\.swf\.gz: truncated or corrupt"):
        list(read_swf(cut, chunksize=1000))


def test_bad_records(tmp_path):
    path = tmp_path / "bad.swf"
    path.write_text(SWF + "    5   40 -1 50 4 -1 -1 -1 -1\n"
                    + "    6   5 -1 50 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n")
    with pytest.raises(TraceError, match=r"bad\.swf, line 8.*fewer fields"):
        list(read_swf(path))
    reader = read_swf(path, on_error="skip")
    with pytest.warns(TraceSkipWarning):
        assert sum(len(c) for c in reader) == 4
    assert reader.report.counts == {"too_few_fields": 1, "unsorted": 1}


def test_unknown_processors(tmp_path):
    path = tmp_path / "p.swf"
    path.write_text("    1 0 -1 10 -1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n")
    with pytest.raises(TraceError, match=r"line 1, column 'num_qubits'.*processors"):
        list(read_swf(path))


def test_mapping_validation():
    with pytest.raises(ValueError, match="grover"):
        SwfMapping(family="grover", max_qubits=27)
    with pytest.raises(ValueError, match="scale"):
        SwfMapping(scale="cubic")  # type: ignore[arg-type]


def test_real_nasa_log():
    reader = read_swf(NASA, chunksize=5000)
    frame = pd.concat(list(reader))
    assert len(frame) == 18_239 and reader.report.skipped == 0
    assert frame["submit_s"].is_monotonic_increasing
    assert frame["user"].nunique() == 69
    assert reader.header["Installation"] == "NASA Ames Research Center"


def test_shipped_nasa_head(request):
    path = request.config.rootpath / "traces" / "nasa_ipsc_1993_head2000.swf.gz"
    if not path.exists():
        pytest.skip("head not shipped")
    assert sum(len(c) for c in read_swf(path)) == 2000
