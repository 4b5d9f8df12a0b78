"""A QPU: its coupling topology plus a calibration snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from qcloudsim.devices.calibration import Calibration, Edge


@dataclass(frozen=True)
class Device:
    """A quantum processor as the simulator sees it.

    The coupling graph is the set of couplers that have a calibrated two-qubit
    gate (``calibration.edges``); couplers filtered at import as broken are
    not in it.

    Attributes:
        name: Catalog name (e.g. ``"ibm_brisbane"``).
        calibration: Calibration snapshot in force (see :class:`Calibration`).
        rep_delay_s: Repetition delay between shots (s); IBM's
            ``default_rep_delay``.
        two_qubit_gate: Native two-qubit gate name (``"ecr"``, ``"cx"``, ``"cz"``).
        processor: Processor family/revision, e.g. ``"Eagle r3"``.
        source: Where the data came from (e.g. ``"qiskit-ibm-runtime 0.51.0 FakeBrisbane"``).
        filtered: Notes on calibration values that were filtered at import.
    """

    name: str
    calibration: Calibration
    rep_delay_s: float = 250e-6
    two_qubit_gate: str = "cx"
    processor: str = ""
    source: str = ""
    filtered: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("device name must not be empty")
        if not (self.rep_delay_s >= 0):
            raise ValueError(f"device {self.name!r}: rep_delay_s must be >= 0")

    @property
    def num_qubits(self) -> int:
        """Physical qubits on the chip."""
        return self.calibration.num_qubits

    @property
    def edges(self) -> tuple[Edge, ...]:
        """Usable couplers ``(a, b)``, ``a < b``."""
        return self.calibration.edges

    @property
    def snapshot_date(self) -> str:
        """ISO date of the calibration snapshot."""
        return self.calibration.timestamp

    @cached_property
    def coupling_graph(self) -> nx.Graph:
        """Undirected coupling graph; edge attributes ``error`` and ``duration_s``."""
        graph = nx.Graph()
        graph.add_nodes_from(range(self.num_qubits))
        cal = self.calibration
        for a, b in cal.edges:
            graph.add_edge(a, b, error=cal.error_2q[(a, b)], duration_s=cal.duration_2q_s[(a, b)])
        return graph

    @cached_property
    def neighbours(self) -> tuple[tuple[int, ...], ...]:
        """Adjacency lists indexed by qubit (fast path for placement)."""
        adj: list[list[int]] = [[] for _ in range(self.num_qubits)]
        for a, b in self.edges:
            adj[a].append(b)
            adj[b].append(a)
        return tuple(tuple(sorted(n)) for n in adj)

    def with_calibration(self, calibration: Calibration) -> Device:
        """The same device under another calibration snapshot."""
        if calibration.num_qubits != self.num_qubits:
            raise ValueError(
                f"device {self.name!r} has {self.num_qubits} qubits, calibration has "
                f"{calibration.num_qubits}"
            )
        return Device(
            name=self.name,
            calibration=calibration,
            rep_delay_s=self.rep_delay_s,
            two_qubit_gate=self.two_qubit_gate,
            processor=self.processor,
            source=self.source,
            filtered=self.filtered,
        )

    def to_dict(self) -> dict:
        """Plain-data form used by the shipped catalog."""
        return {
            "name": self.name,
            "rep_delay_s": self.rep_delay_s,
            "two_qubit_gate": self.two_qubit_gate,
            "processor": self.processor,
            "source": self.source,
            "filtered": list(self.filtered),
            "calibration": self.calibration.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Device:
        """Inverse of :meth:`to_dict`."""
        return cls(
            name=str(data["name"]),
            calibration=Calibration.from_dict(data["calibration"]),
            rep_delay_s=float(data.get("rep_delay_s", 250e-6)),
            two_qubit_gate=str(data.get("two_qubit_gate", "cx")),
            processor=str(data.get("processor", "")),
            source=str(data.get("source", "")),
            filtered=tuple(data.get("filtered", ())),
        )
