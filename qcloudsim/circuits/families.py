"""Registry of standard benchmark circuit families.

Each family maps a qubit count (and, for randomised families, a seed) to a
logical circuit. :func:`family_profile` first looks the profile up in the
precomputed library ``data/family_profiles.json.gz`` (no qiskit import on that
path) and builds the circuit only on a miss.

=============  ======  =====  ======  ==============================================
family         min     max    seeded  source
=============  ======  =====  ======  ==============================================
ghz            2       156    no      mqt-bench ALG ``ghz``: H + CNOT chain
qft            2       156    no      mqt-bench ALG ``qft``: ``QFTGate`` + measure_all
qaoa           2       156    yes     mqt-bench ALG ``qaoa``: MaxCut on a G(n, 1/2)
                                      graph from ``seed``, 2 layers (RZZ + RX),
                                      plus ``measure_all`` (added here)
vqe            2       156    no      mqt-bench ALG ``vqe_real_amp``:
                                      ``real_amplitudes`` reverse-linear, reps=3
random         2       156    yes     qiskit ``random_circuit(n, depth=2n,
                                      max_operands=3, measure=True, seed=seed)``
wstate         2       156    no      mqt-bench ALG ``wstate``
graphstate     3       156    yes     mqt-bench ALG ``graphstate``: random
                                      2-regular graph from ``seed``
bv             2       156    no      mqt-bench ALG ``bv``: hidden string 0101...
dj             2       156    no      mqt-bench ALG ``dj``: balanced oracle
grover         2       12     no      mqt-bench ALG ``grover``: all
                                      floor(pi/4 sqrt(2^(n-1))) iterations of a
                                      multi-controlled-phase oracle; the gate
                                      count grows exponentially, hence max 12
qpe            2       156    no      mqt-bench ALG ``qpeexact``: exact phase,
                                      n-1 evaluation qubits + inverse QFT
=============  ======  =====  ======  ==============================================

mqt-bench ALG circuits are algorithm-level (high-level gates such as
``QFTGate`` or multi-controlled gates); they are lowered by
:func:`qcloudsim.circuits.from_qiskit.profile_from_circuit`, never transpiled.
Parameterised circuits get mqt-bench's fixed random parameters (they do not
change any count). Non-seeded families ignore ``seed``.

References:
    Quetschlich, Burgholzer, Wille, "MQT Bench: Benchmarking Software and
    Design Automation Tools for Quantum Computing", Quantum 7, 1062 (2023);
    https://github.com/munich-quantum-toolkit/bench (MIT).
    Qiskit circuit library, https://github.com/Qiskit/qiskit (Apache-2.0).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import numbers
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from qcloudsim.circuits.profile import CircuitProfile

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit

LIBRARY_FILE = "family_profiles.json.gz"
"""Name of the precomputed profile library inside ``qcloudsim/circuits/data``."""

LIBRARY_FORMAT = 1
"""Version of the library's JSON layout (see ``data/README.md``)."""

LIBRARY_SEED = 0
"""Seed of every profile in the library."""

DENSE_UP_TO = 32
"""The library holds every size up to this one ..."""

SPARSE_STEP = 4
"""... and then every ``SPARSE_STEP``-th size up to the family's maximum."""

Builder = Callable[[int, int], "QuantumCircuit"]


@dataclass(frozen=True)
class FamilySpec:
    """One benchmark family.

    Attributes:
        name: Registry key, e.g. ``"qft"``.
        min_qubits: Smallest supported qubit count.
        max_qubits: Largest supported qubit count.
        seeded: Whether the circuit depends on the seed.
        source: Human-readable provenance (library and generator).
        build: ``build(num_qubits, seed) -> QuantumCircuit``.
    """

    name: str
    min_qubits: int
    max_qubits: int
    seeded: bool
    source: str
    build: Builder

    def library_sizes(self) -> tuple[int, ...]:
        """Sizes stored in the precomputed library for this family."""
        dense = range(self.min_qubits, min(DENSE_UP_TO, self.max_qubits) + 1)
        sparse = range(DENSE_UP_TO + SPARSE_STEP, self.max_qubits + 1, SPARSE_STEP)
        return tuple(dense) + tuple(sparse)


@contextlib.contextmanager
def _preserve_python_random() -> Iterator[None]:
    """Restore the global ``random`` state (some mqt-bench generators reseed it)."""
    state = random.getstate()
    try:
        yield
    finally:
        random.setstate(state)


def _mqt(benchmark: str, *, seeded: bool = False, measure: bool = False) -> Builder:
    """A builder for an mqt-bench algorithm-level (``BenchmarkLevel.ALG``) benchmark."""

    def build(num_qubits: int, seed: int) -> QuantumCircuit:
        from mqt.bench import BenchmarkLevel, get_benchmark

        kwargs: dict[str, Any] = {"seed": seed} if seeded else {}
        with _preserve_python_random():
            circuit = get_benchmark(benchmark, BenchmarkLevel.ALG, num_qubits, **kwargs)
        if measure and not any(i.operation.name == "measure" for i in circuit.data):
            circuit.measure_all()
        return circuit

    return build


def _random(num_qubits: int, seed: int) -> QuantumCircuit:
    """Seeded qiskit ``random_circuit``: depth 2n, gates on up to 3 qubits, measured."""
    from qiskit.circuit.random import random_circuit

    return random_circuit(num_qubits, 2 * num_qubits, max_operands=3, measure=True, seed=seed)


_MQT = "mqt-bench BenchmarkLevel.ALG"

FAMILIES: dict[str, FamilySpec] = {
    spec.name: spec
    for spec in (
        FamilySpec("ghz", 2, 156, False, f"{_MQT} 'ghz'", _mqt("ghz")),
        FamilySpec("qft", 2, 156, False, f"{_MQT} 'qft' (QFTGate)", _mqt("qft")),
        FamilySpec(
            "qaoa",
            2,
            156,
            True,
            f"{_MQT} 'qaoa' (MaxCut, reps=2) + measure_all",
            _mqt("qaoa", seeded=True, measure=True),
        ),
        FamilySpec(
            "vqe",
            2,
            156,
            False,
            f"{_MQT} 'vqe_real_amp' (real_amplitudes, reps=3)",
            _mqt("vqe_real_amp"),
        ),
        FamilySpec(
            "random",
            2,
            156,
            True,
            "qiskit random_circuit(n, depth=2n, max_operands=3, measure=True, seed)",
            _random,
        ),
        FamilySpec("wstate", 2, 156, False, f"{_MQT} 'wstate'", _mqt("wstate")),
        FamilySpec(
            "graphstate",
            3,
            156,
            True,
            f"{_MQT} 'graphstate' (2-regular)",
            _mqt("graphstate", seeded=True),
        ),
        FamilySpec("bv", 2, 156, False, f"{_MQT} 'bv'", _mqt("bv")),
        FamilySpec("dj", 2, 156, False, f"{_MQT} 'dj' (balanced)", _mqt("dj")),
        FamilySpec("grover", 2, 12, False, f"{_MQT} 'grover'", _mqt("grover")),
        FamilySpec("qpe", 2, 156, False, f"{_MQT} 'qpeexact'", _mqt("qpeexact")),
    )
}
"""All registered families, in registry order."""


def family_names() -> tuple[str, ...]:
    """Names of the registered families (registry order)."""
    return tuple(FAMILIES)


def family_spec(name: str, num_qubits: int | None = None) -> FamilySpec:
    """Look a family up and optionally check a size against its range.

    Args:
        name: Family name.
        num_qubits: If given, must lie in ``[min_qubits, max_qubits]``.

    Returns:
        The family's :class:`FamilySpec`.

    Raises:
        ValueError: Unknown family, or size out of range (the message names the
            allowed values / range).
    """
    spec = FAMILIES.get(name)
    if spec is None:
        raise ValueError(f"unknown circuit family {name!r}; known: {', '.join(FAMILIES)}")
    if num_qubits is not None and not (
        isinstance(num_qubits, numbers.Integral)
        and not isinstance(num_qubits, bool)
        and spec.min_qubits <= num_qubits <= spec.max_qubits
    ):
        raise ValueError(
            f"circuit family {name!r} supports {spec.min_qubits}..{spec.max_qubits} qubits, "
            f"got {num_qubits!r}"
        )
    return spec


def family_circuit(name: str, num_qubits: int, seed: int = 0) -> QuantumCircuit:
    """Build the circuit of a family at a given size (imports qiskit).

    Args:
        name: Family name (see :func:`family_names`).
        num_qubits: Qubit count within the family's range.
        seed: Seed for randomised families; ignored by the others.

    Returns:
        A fresh ``QuantumCircuit`` (algorithm level, not transpiled).

    Raises:
        ValueError: Unknown family or size out of range.
    """
    spec = family_spec(name, num_qubits)
    circuit = spec.build(int(num_qubits), int(seed))
    circuit.name = profile_name(name, num_qubits, seed)
    return circuit


def profile_name(name: str, num_qubits: int, seed: int = 0) -> str:
    """Profile label: ``"qft_12"``, or ``"random_12_seed3"`` for a seeded family and seed != 0."""
    spec = family_spec(name)
    suffix = f"_seed{seed}" if spec.seeded and seed != LIBRARY_SEED else ""
    return f"{name}_{num_qubits}{suffix}"


@functools.lru_cache(maxsize=4096)
def family_profile(name: str, num_qubits: int, seed: int = 0) -> CircuitProfile:
    """Profile of a family circuit, from the precomputed library when possible.

    The library is consulted for seed 0 (or any seed of a non-seeded family)
    without importing qiskit; otherwise the circuit is built and profiled.
    Results are memoised.

    Args:
        name: Family name (see :func:`family_names`).
        num_qubits: Qubit count within the family's range.
        seed: Seed for randomised families; ignored by the others.

    Returns:
        The profile, named e.g. ``"qft_12"``, with ``source="family:qft"``.

    Raises:
        ValueError: Unknown family or size out of range.
    """
    spec = family_spec(name, num_qubits)
    if not spec.seeded or seed == LIBRARY_SEED:
        stored = _library().get(name, {}).get(str(num_qubits))
        if stored is not None:
            return profile_from_record(
                stored, name=profile_name(name, num_qubits, seed), source=f"family:{name}"
            )
    return build_family_profile(name, num_qubits, seed)


def build_family_profile(name: str, num_qubits: int, seed: int = 0) -> CircuitProfile:
    """Build and profile a family circuit, bypassing the library (imports qiskit)."""
    from qcloudsim.circuits.from_qiskit import profile_from_circuit

    circuit = family_circuit(name, num_qubits, seed)
    return profile_from_circuit(
        circuit, name=profile_name(name, num_qubits, seed), source=f"family:{name}"
    )


def profile_to_record(profile: CircuitProfile) -> dict[str, Any]:
    """Compact library record: the counts plus the delta-encoded interaction.

    The sorted edges ``(a, b, count)`` become a flat list of triples
    ``(a - prev_a, b - prev_b if a == prev_a else b - a, count)`` (``prev``
    starts at ``(0, 0)``), which gzip compresses about 8x better than raw
    edges (dense QFT/QPE graphs become long runs of ``0,1,1``).
    """
    flat: list[int] = []
    prev_a = prev_b = 0
    for a, b, count in profile.interaction:
        flat += [a - prev_a, b - (prev_b if a == prev_a else a), count]
        prev_a, prev_b = a, b
    return {
        "num_qubits": profile.num_qubits,
        "depth": profile.depth,
        "depth_2q": profile.depth_2q,
        "num_1q_gates": profile.num_1q_gates,
        "num_2q_gates": profile.num_2q_gates,
        "num_measured": profile.num_measured,
        "interaction": flat,
    }


def profile_from_record(record: dict[str, Any], *, name: str, source: str) -> CircuitProfile:
    """Inverse of :func:`profile_to_record`."""
    flat = record["interaction"]
    edges: list[tuple[int, int, int]] = []
    a = b = 0
    for i in range(0, len(flat), 3):
        delta_a, delta_b, count = flat[i : i + 3]
        b = (b if delta_a == 0 else a + delta_a) + delta_b
        a += delta_a
        edges.append((a, b, count))
    return CircuitProfile(
        name=name,
        num_qubits=record["num_qubits"],
        depth=record["depth"],
        depth_2q=record["depth_2q"],
        num_1q_gates=record["num_1q_gates"],
        num_2q_gates=record["num_2q_gates"],
        num_measured=record["num_measured"],
        interaction=tuple(edges),
        source=source,
    )


@functools.cache
def _library() -> dict[str, dict[str, dict[str, Any]]]:
    """The precomputed library as ``{family: {str(size): record}}``.

    Families whose recorded ``source`` differs from the registry (stale after a
    definition change) are left out, as is everything if the file is absent or
    has another format or seed; those profiles are then built on demand.
    """
    path = resources.files("qcloudsim.circuits").joinpath("data", LIBRARY_FILE)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    data = json.loads(gzip.decompress(raw))
    if data.get("format") != LIBRARY_FORMAT or data.get("seed") != LIBRARY_SEED:
        return {}
    return {
        name: family["sizes"]
        for name, family in data["families"].items()
        if name in FAMILIES and family.get("source") == FAMILIES[name].source
    }
