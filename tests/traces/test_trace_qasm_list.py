"""QASM list adapter."""

from __future__ import annotations

import pytest

from qcloudsim.traces.qasm_list import read_qasm_list
from qcloudsim.traces.replay import jobs_from_table
from qcloudsim.traces.table import TraceError, TraceSkipWarning

BELL = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "circ").mkdir()
    (tmp_path / "circ" / "bell.qasm").write_text(BELL)
    return tmp_path


def test_text_list_relative_paths(folder):
    (folder / "list.txt").write_text("# arrivals\n0.0 circ/bell.qasm\n\n2.5   circ/bell.qasm\n")
    jobs = list(jobs_from_table(read_qasm_list(folder / "list.txt")))
    assert [(j.id, j.arrival_s) for j in jobs] == [(0, 0.0), (1, 2.5)]
    assert jobs[0].profile.name == "bell" and jobs[0].profile.num_2q_gates == 1


def test_csv_list_with_extra_columns(folder):
    (folder / "list.csv").write_text("submit_s,path,shots,user\n0,circ/bell.qasm,100,al\n3,circ/bell.qasm,,bo\n")
    jobs = list(jobs_from_table(read_qasm_list(folder / "list.csv")))
    assert [(j.shots, j.user) for j in jobs] == [(100, "al"), (1024, "bo")]


def test_missing_file_and_bad_line(folder):
    (folder / "list.txt").write_text("0 circ/bell.qasm\n1 circ/none.qasm\n2\n3 circ/bell.qasm\n")
    with pytest.raises(TraceError, match=r"list\.txt, line 3, column 'path'.*expected '<submit_s> <path>'"):
        list(read_qasm_list(folder / "list.txt"))
    (folder / "missing.txt").write_text("0 circ/bell.qasm\n1 circ/none.qasm\n")
    with pytest.raises(TraceError, match=r"missing\.txt, line 2, column 'path'.*does not exist"):
        list(read_qasm_list(folder / "missing.txt"))
    reader = read_qasm_list(folder / "list.txt", on_error="skip")
    with pytest.warns(TraceSkipWarning):
        assert sum(len(c) for c in reader) == 2
    assert reader.report.counts == {"missing_file": 1, "bad_record": 1}


def test_unsorted_list(folder):
    (folder / "list.txt").write_text("5 circ/bell.qasm\n1 circ/bell.qasm\n")
    with pytest.raises(TraceError, match=r"line 2, column 'submit_s'.*earlier"):
        list(read_qasm_list(folder / "list.txt"))
