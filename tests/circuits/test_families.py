"""Tests for qcloudsim.circuits.families and the precomputed library."""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from qiskit import QuantumCircuit

from qcloudsim.circuits import build_library as builder
from qcloudsim.circuits import families
from qcloudsim.circuits.families import (
    FAMILIES,
    build_family_profile,
    family_circuit,
    family_names,
    family_profile,
    profile_from_record,
    profile_to_record,
)
from qcloudsim.circuits.profile import CircuitProfile

REQUIRED = {
    "ghz",
    "qft",
    "qaoa",
    "vqe",
    "random",
    "wstate",
    "graphstate",
    "bv",
    "dj",
    "grover",
    "qpe",
}
CHEAP = REQUIRED - {"grover"}


def test_registry_has_required_families_with_ranges() -> None:
    assert REQUIRED <= set(family_names())
    for name in CHEAP:
        assert FAMILIES[name].max_qubits >= 156, name
    for spec in FAMILIES.values():
        assert 1 <= spec.min_qubits <= spec.max_qubits
        assert spec.source


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_family_builds_at_min_and_larger_size(name: str) -> None:
    spec = FAMILIES[name]
    for n in (spec.min_qubits, min(spec.min_qubits + 5, spec.max_qubits)):
        circuit = family_circuit(name, n)
        assert isinstance(circuit, QuantumCircuit)
        profile = build_family_profile(name, n)
        assert isinstance(profile, CircuitProfile)
        CircuitProfile.from_dict(profile.to_dict())  # re-validates
        assert profile.name == f"{name}_{n}"
        assert profile.source == f"family:{name}"
        assert 1 <= profile.num_qubits <= n
        assert profile.num_2q_gates == sum(c for _, _, c in profile.interaction)


@pytest.mark.parametrize(
    ("name", "n"),
    [
        ("ghz", 7),
        ("qft", 12),
        ("qaoa", 9),
        ("vqe", 40),
        ("random", 10),
        ("random", 36),
        ("wstate", 5),
        ("graphstate", 3),
        ("bv", 30),
        ("dj", 6),
        ("grover", 5),
        ("qpe", 8),
    ],
)
def test_library_entry_equals_fresh_build(name: str, n: int) -> None:
    assert str(n) in families._library()[name], "library is missing or stale: regenerate it"
    stored = family_profile(name, n)
    fresh = build_family_profile(name, n)
    assert stored == fresh, "regenerate with: python -m qcloudsim.circuits.build_library"
    assert stored.interaction == fresh.interaction
    assert (stored.name, stored.source) == (fresh.name, fresh.source)


def test_library_covers_every_registered_size() -> None:
    library = families._library()
    for spec in FAMILIES.values():
        assert set(library[spec.name]) == {str(n) for n in spec.library_sizes()}, spec.name


def test_library_sizes_documented_set() -> None:
    sizes = FAMILIES["qft"].library_sizes()
    assert sizes[:31] == tuple(range(2, 33))
    assert sizes[31:] == tuple(range(36, 157, 4))
    assert FAMILIES["grover"].library_sizes() == tuple(range(2, 13))


def test_size_not_in_library_is_built() -> None:
    assert "33" not in families._library()["ghz"]
    p = family_profile("ghz", 33)
    assert (p.num_qubits, p.num_2q_gates, p.depth_2q) == (33, 32, 32)


def test_family_profile_is_memoised() -> None:
    assert family_profile("qft", 20) is family_profile("qft", 20)


def test_random_family_depends_on_seed_deterministically() -> None:
    a0 = family_profile("random", 8, seed=0)
    a1 = family_profile("random", 8, seed=1)
    assert a1 == build_family_profile("random", 8, seed=1)
    assert a0 != a1
    assert a1.name == "random_8_seed1"
    assert a0.name == "random_8"


def test_unseeded_family_ignores_seed() -> None:
    assert family_profile("qft", 6, seed=3) == family_profile("qft", 6)
    assert family_profile("qft", 6, seed=3).name == "qft_6"


def test_unknown_family() -> None:
    with pytest.raises(ValueError, match="unknown circuit family 'nope'.*ghz.*qft"):
        family_profile("nope", 5)


@pytest.mark.parametrize(("name", "n"), [("ghz", 1), ("ghz", 157), ("grover", 13), ("qft", 2.5)])
def test_size_out_of_range(name: str, n: object) -> None:
    spec = FAMILIES[name]
    with pytest.raises(
        ValueError, match=rf"supports {spec.min_qubits}\.\.{spec.max_qubits} qubits"
    ):
        family_profile(name, n)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="supports"):
        family_circuit(name, n)  # type: ignore[arg-type]


def test_builders_preserve_python_random_state() -> None:
    random.seed(1234)
    expected = random.random()
    random.seed(1234)
    family_circuit("qpe", 6)  # mqt-bench's qpeexact calls random.seed(10)
    assert random.random() == expected


def test_record_round_trip() -> None:
    profile = build_family_profile("random", 9, seed=4)
    record = profile_to_record(profile)
    assert profile_from_record(record, name=profile.name, source=profile.source) == profile


def test_stale_family_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    stale = dataclasses.replace(FAMILIES["ghz"], source="something else")
    monkeypatch.setitem(FAMILIES, "ghz", stale)
    families._library.cache_clear()
    try:
        assert "ghz" not in families._library()
    finally:
        monkeypatch.undo()
        families._library.cache_clear()
    assert "ghz" in families._library()


def test_import_and_library_lookup_do_not_import_qiskit() -> None:
    code = (
        "import sys\n"
        "import qcloudsim.circuits as c\n"
        "p = c.family_profile('ghz', 5)\n"
        "assert p.num_2q_gates == 4 and p.name == 'ghz_5', p\n"
        "assert 'qft' in c.family_names()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('qiskit', 'mqt'))\n"
        "assert not bad, bad[:5]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_package_reexports() -> None:
    from qcloudsim import circuits

    for name in (
        "CircuitProfile",
        "profile_from_circuit",
        "profile_from_qasm",
        "family_profile",
        "family_names",
        "CircuitFileError",
    ):
        assert name in circuits.__all__
        assert getattr(circuits, name) is not None
    assert issubclass(circuits.CircuitFileError, ValueError)
    with pytest.raises(AttributeError):
        circuits.does_not_exist  # noqa: B018


def test_build_library_is_deterministic_and_atomic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = {
        "ghz": dataclasses.replace(FAMILIES["ghz"], max_qubits=4),
        "random": dataclasses.replace(FAMILIES["random"], max_qubits=3),
    }
    monkeypatch.setattr(builder, "FAMILIES", small)
    first = builder.build_library(tmp_path / "a.json.gz", progress=False)
    assert builder.main(["--out", str(tmp_path / "b.json.gz"), "--quiet"]) == 0
    assert first.read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json.gz", "b.json.gz"]
    data = json.loads(gzip.decompress(first.read_bytes()))
    assert data["format"] == families.LIBRARY_FORMAT and data["seed"] == 0
    assert sorted(data["families"]["ghz"]["sizes"]) == ["2", "3", "4"]
    record = data["families"]["random"]["sizes"]["3"]
    stored = profile_from_record(record, name="random_3", source="family:random")
    assert stored == build_family_profile("random", 3)


@pytest.mark.slow
def test_packaged_library_is_reproducible(tmp_path: Path) -> None:
    """Full regeneration (~1 min) reproduces the shipped file byte for byte."""
    rebuilt = builder.build_library(tmp_path / "lib.json.gz", progress=False)
    assert rebuilt.read_bytes() == builder.DEFAULT_PATH.read_bytes()
