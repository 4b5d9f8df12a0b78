"""Tests for qcloudsim.circuits.qasm (OpenQASM 2/3 files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcloudsim.circuits.qasm import CircuitFileError, profile_from_qasm, qasm_version

QASM2_GHZ = """\
// a GHZ state
OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
cx q[0],q[1];
cx q[1],q[2];
barrier q;
measure q -> c;
"""

QASM3_TOFFOLI = """\
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
bit[3] c;
h q[0];
ccx q[0], q[1], q[2];
c = measure q[0:2];
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_qasm2_ghz(tmp_path: Path) -> None:
    path = write(tmp_path, "ghz3.qasm", QASM2_GHZ)
    p = profile_from_qasm(path)
    assert p.name == "ghz3"
    assert p.source == f"qasm:{path}"
    assert (p.num_qubits, p.num_2q_gates, p.num_1q_gates, p.num_measured) == (3, 2, 1, 3)
    assert (p.depth, p.depth_2q) == (4, 2)
    assert p.interaction == ((0, 1, 1), (1, 2, 1))


def test_qasm2_legacy_gate_and_local_include(tmp_path: Path) -> None:
    write(tmp_path, "mygates.inc", "gate twocx a,b { cx a,b; cx b,a; }\n")
    text = (
        'OPENQASM 2.0;\ninclude "qelib1.inc";\ninclude "mygates.inc";\n'
        "qreg q[3];\nrccx q[0],q[1],q[2];\ntwocx q[0],q[2];\n"
    )
    p = profile_from_qasm(write(tmp_path, "legacy.qasm", text))
    assert p.num_2q_gates == 3 + 2  # rccx is 3 cx; twocx is 2 cx


def test_qasm3_toffoli(tmp_path: Path) -> None:
    p = profile_from_qasm(str(write(tmp_path, "toff.qasm", QASM3_TOFFOLI)))
    assert p.name == "toff"
    assert p.num_qubits == 3  # q[3] is declared but unused
    assert p.num_2q_gates == 6
    assert p.num_measured == 3  # OpenQASM 3 ranges are inclusive: q[0:2] is 3 qubits


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CircuitFileError, match="nope.qasm.*not found"):
        profile_from_qasm(tmp_path / "nope.qasm")


def test_missing_header(tmp_path: Path) -> None:
    path = write(tmp_path, "bare.qasm", "\n\nqreg q[2];\nh q[0];\n")
    with pytest.raises(CircuitFileError, match=r"bare\.qasm, line 3: missing 'OPENQASM") as info:
        profile_from_qasm(path)
    assert info.value.line == 3
    assert isinstance(info.value, ValueError)


def test_unknown_version(tmp_path: Path) -> None:
    path = write(tmp_path, "v4.qasm", "OPENQASM 4.0;\nqubit q;\n")
    with pytest.raises(CircuitFileError, match=r"v4\.qasm, line 1: unsupported OpenQASM version"):
        profile_from_qasm(path)


def test_qasm2_parse_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad2.qasm", QASM2_GHZ.replace("cx q[1],q[2];", "foo q[1];"))
    with pytest.raises(CircuitFileError, match=r"bad2\.qasm, line 8: .*foo") as info:
        profile_from_qasm(path)
    assert info.value.line == 8
    assert str(path) in str(info.value)


def test_qasm3_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad3.qasm", QASM3_TOFFOLI.replace("h q[0];", "h q[0]\ncx q[0] q[1];"))
    with pytest.raises(CircuitFileError, match=r"bad3\.qasm, line \d+: OpenQASM 3 parse error"):
        profile_from_qasm(path)


def test_qasm3_undefined_gate_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "undef3.qasm", QASM3_TOFFOLI.replace("h q[0];", "zap q[0];"))
    with pytest.raises(CircuitFileError, match=r"undef3\.qasm, line 5: .*zap"):
        profile_from_qasm(path)


def test_circuit_without_operations_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.qasm", 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n')
    with pytest.raises(CircuitFileError, match=r"empty\.qasm: .*no operation"):
        profile_from_qasm(path)


@pytest.mark.parametrize(
    ("text", "major"),
    [("OPENQASM 2.0;", 2), ("/* c */ // x\n  OPENQASM 3;", 3), ("OPENQASM 3.1;\n", 3)],
)
def test_qasm_version(text: str, major: int) -> None:
    assert qasm_version(text) == major


@pytest.mark.parametrize("declaration", ["qreg q[1000000000];", "qreg a[60000];\nqreg b[60000];"])
def test_huge_qasm2_register_is_refused_before_parsing(tmp_path, declaration):
    path = tmp_path / "huge.qasm"
    path.write_text(f'OPENQASM 2.0;\ninclude "qelib1.inc";\n{declaration}\nh q[0];\n')
    with pytest.raises(CircuitFileError, match=r"more than the largest circuit qcloudsim simulates \(100,000"):
        profile_from_qasm(path)


def test_huge_qasm3_register_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge3.qasm"
    path.write_text("OPENQASM 3.0;\n// qubit[999999999] ignored in a comment\nqubit[999999999] q;\nh q[0];\n")
    with pytest.raises(CircuitFileError, match="999,999,999 qubits") as caught:
        profile_from_qasm(path)
    assert "line 3" in str(caught.value)
