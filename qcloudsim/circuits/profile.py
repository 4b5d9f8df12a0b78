"""The circuit profile: everything the models need to know about a circuit.

A profile is an immutable summary of a logical circuit (before mapping to a
device). The simulator never needs the circuit itself: runtime, fidelity and
placement models read only these numbers, so a profile can come from a
``qiskit.QuantumCircuit``, an OpenQASM file, a benchmark family, or a trace
that records only sizes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import networkx as nx

InteractionEdge = tuple[int, int, int]
"""``(logical_qubit_a, logical_qubit_b, two_qubit_gate_count)`` with ``a < b``."""


@dataclass(frozen=True, slots=True)
class CircuitProfile:
    """Size and structure of one logical circuit.

    Attributes:
        name: Human-readable label, e.g. ``"ghz_5"``.
        num_qubits: Logical qubits the circuit uses (width).
        depth: Circuit depth in gate layers, measurements included.
        depth_2q: Number of layers on the critical path that hold a two-qubit
            gate (``QuantumCircuit.depth`` restricted to two-qubit gates).
        num_1q_gates: Single-qubit gates (virtual ``rz`` included).
        num_2q_gates: Two-qubit gates. Gates on three or more qubits are
            decomposed into one- and two-qubit gates before counting.
        num_measured: Distinct qubits measured (mid-circuit measurements included).
        interaction: The qubit interaction graph as weighted edges
            ``(a, b, count)``: ``count`` two-qubit gates act on logical qubits
            ``a`` and ``b``.
        source: Where the profile came from (``"qiskit"``, ``"qasm:<path>"``,
            ``"family:<name>"``, ``"synthetic"``).
    """

    name: str
    num_qubits: int
    depth: int
    depth_2q: int
    num_1q_gates: int
    num_2q_gates: int
    num_measured: int
    interaction: tuple[InteractionEdge, ...] = ()
    source: str = "unknown"
    _key: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        checks = {
            "num_qubits": self.num_qubits >= 1,
            "depth": self.depth >= 0,
            "depth_2q": 0 <= self.depth_2q <= max(self.depth, 0),
            "num_1q_gates": self.num_1q_gates >= 0,
            "num_2q_gates": self.num_2q_gates >= 0,
            "num_measured": 0 <= self.num_measured <= self.num_qubits,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"circuit profile {self.name!r}: invalid {', '.join(bad)} "
                f"(num_qubits={self.num_qubits}, depth={self.depth}, depth_2q={self.depth_2q}, "
                f"num_1q_gates={self.num_1q_gates}, num_2q_gates={self.num_2q_gates}, "
                f"num_measured={self.num_measured})"
            )
        for a, b, count in self.interaction:
            if not (0 <= a < b < self.num_qubits) or count < 1:
                raise ValueError(
                    f"circuit profile {self.name!r}: interaction edge {(a, b, count)} must have "
                    f"0 <= a < b < {self.num_qubits} and count >= 1"
                )
        digest = hashlib.blake2b(repr(self._identity()).encode(), digest_size=8).hexdigest()
        object.__setattr__(self, "_key", digest)

    def _identity(self) -> tuple:
        return (
            self.num_qubits,
            self.depth,
            self.depth_2q,
            self.num_1q_gates,
            self.num_2q_gates,
            self.num_measured,
            self.interaction,
        )

    @property
    def key(self) -> str:
        """Stable content hash (name and source excluded); used as a cache key."""
        return self._key

    @property
    def interaction_graph(self) -> nx.Graph:
        """The interaction graph as a ``networkx.Graph`` with ``weight`` = gate count.

        Every logical qubit is a node, also those without two-qubit gates.
        Built on each access (profiles are slotted and immutable; cache the
        result if you need it repeatedly).
        """
        graph = nx.Graph()
        graph.add_nodes_from(range(self.num_qubits))
        graph.add_weighted_edges_from(self.interaction)
        return graph

    def to_dict(self) -> dict:
        """Plain-data form (JSON-serialisable)."""
        return {
            "name": self.name,
            "num_qubits": self.num_qubits,
            "depth": self.depth,
            "depth_2q": self.depth_2q,
            "num_1q_gates": self.num_1q_gates,
            "num_2q_gates": self.num_2q_gates,
            "num_measured": self.num_measured,
            "interaction": [list(edge) for edge in self.interaction],
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CircuitProfile:
        """Inverse of :meth:`to_dict`."""
        return cls(
            name=str(data["name"]),
            num_qubits=int(data["num_qubits"]),
            depth=int(data["depth"]),
            depth_2q=int(data["depth_2q"]),
            num_1q_gates=int(data["num_1q_gates"]),
            num_2q_gates=int(data["num_2q_gates"]),
            num_measured=int(data["num_measured"]),
            interaction=tuple((int(edge[0]), int(edge[1]), int(edge[2])) for edge in data.get("interaction", ())),
            source=str(data.get("source", "unknown")),
        )
