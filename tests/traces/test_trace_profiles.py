"""Profiles from sizes (synthesised) and from references (families, QASM)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcloudsim.circuits.families import family_profile
from qcloudsim.traces.profiles import resolve_circuit, synthesize_profile


@st.composite
def sizes(draw):
    n = draw(st.integers(1, 156))
    g = 0 if n == 1 else draw(st.integers(0, 5000))
    depth = draw(st.integers(1 if g else 0, 5000))
    return n, depth, g


@settings(max_examples=200, deadline=None)
@given(sizes())
def test_synthesized_profile_is_valid_and_deterministic(args):
    n, depth, g = args
    profile = synthesize_profile(n, depth, g)
    assert profile.num_qubits == n and profile.depth == depth and profile.num_2q_gates == g
    assert sum(c for _, _, c in profile.interaction) == g
    assert 0 <= profile.depth_2q <= depth
    assert (profile.depth_2q >= 1) == (g > 0)
    assert profile.num_measured == n
    synthesize_profile.cache_clear()
    again = synthesize_profile(n, depth, g)
    assert again == profile and again.key == profile.key


def test_defaults_and_overrides():
    p = synthesize_profile(6, 20, 10)
    assert p.depth_2q == 4  # ceil(10 / 3)
    assert p.num_1q_gates == 48  # ceil(6 * 16 / 2)
    assert p.interaction == ((0, 1, 2), (0, 5, 1), (1, 2, 2), (2, 3, 2), (3, 4, 2), (4, 5, 1))
    q = synthesize_profile(6, 20, 10, depth_2q=10, num_1q_gates=3, num_measured=2)
    assert (q.depth_2q, q.num_1q_gates, q.num_measured) == (10, 3, 2)
    assert synthesize_profile(6, 20, 10) is p  # memoised


@pytest.mark.parametrize(("args", "match"), [
    ((1, 5, 2), "1-qubit"), ((4, 0, 2), "depth >= 1"), ((0, 1, 0), "num_qubits >= 1"),
])
def test_inconsistent_sizes(args, match):
    with pytest.raises(ValueError, match=match):
        synthesize_profile(*args)


def test_resolve_family_and_qasm(tmp_path):
    assert resolve_circuit("qft_5") == family_profile("qft", 5)
    path = tmp_path / "bell.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0],q[1];\n')
    assert resolve_circuit(str(path)).num_2q_gates == 1
    with pytest.raises(ValueError):
        resolve_circuit("nosuchfamily_3")
