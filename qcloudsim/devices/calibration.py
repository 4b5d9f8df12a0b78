"""Calibration snapshots: the error rates and durations of one device at one time.

All times are in seconds, all error rates are probabilities in ``[0, 1)``.
A calibration is immutable; a device that drifts or is recalibrated gets a new
``Calibration`` object (later issues), so anything derived from one can be
cached on it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

Edge = tuple[int, int]
"""An undirected coupler ``(a, b)`` with ``a < b``."""

_versions = itertools.count(1)


def edge(a: int, b: int) -> Edge:
    """The canonical (sorted) form of an undirected coupler."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Per-qubit and per-coupler calibration of a device.

    Attributes:
        timestamp: ISO-8601 time the snapshot was taken (IBM ``last_update_date``).
        t1_s: Energy relaxation time T1 per qubit (s).
        t2_s: Dephasing time T2 per qubit (s).
        readout_error: Assignment error per qubit (probability).
        readout_duration_s: Measurement duration per qubit (s).
        error_1q: Error per single-qubit pulse gate (``sx``) per qubit.
        duration_1q_s: Duration of a single-qubit pulse gate per qubit (s).
        error_2q: Two-qubit gate error per coupler (``cx``/``ecr``/``cz``).
        duration_2q_s: Two-qubit gate duration per coupler (s).
        version: Process-unique number; caches key on it.
    """

    timestamp: str
    t1_s: tuple[float, ...]
    t2_s: tuple[float, ...]
    readout_error: tuple[float, ...]
    readout_duration_s: tuple[float, ...]
    error_1q: tuple[float, ...]
    duration_1q_s: tuple[float, ...]
    error_2q: dict[Edge, float]
    duration_2q_s: dict[Edge, float]
    version: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        n = len(self.t1_s)
        per_qubit = {
            "t2_s": self.t2_s,
            "readout_error": self.readout_error,
            "readout_duration_s": self.readout_duration_s,
            "error_1q": self.error_1q,
            "duration_1q_s": self.duration_1q_s,
        }
        for name, values in per_qubit.items():
            if len(values) != n:
                raise ValueError(f"calibration field {name!r} has {len(values)} values, expected {n}")
        if set(self.error_2q) != set(self.duration_2q_s):
            raise ValueError("calibration error_2q and duration_2q_s must name the same couplers")
        for name, values in (("t1_s", self.t1_s), ("t2_s", self.t2_s)):
            if any(not (v > 0 and math.isfinite(v)) for v in values):
                raise ValueError(f"calibration field {name!r} must be positive and finite")
        for name, values in (
            ("readout_error", self.readout_error),
            ("error_1q", self.error_1q),
            ("error_2q", tuple(self.error_2q.values())),
        ):
            if any(not (0.0 <= v < 1.0) for v in values):
                raise ValueError(f"calibration field {name!r} must be in [0, 1)")
        for name, values in (
            ("readout_duration_s", self.readout_duration_s),
            ("duration_1q_s", self.duration_1q_s),
            ("duration_2q_s", tuple(self.duration_2q_s.values())),
        ):
            if any(not (v >= 0 and math.isfinite(v)) for v in values):
                raise ValueError(f"calibration field {name!r} must be non-negative and finite")
        for a, b in self.error_2q:
            if not (0 <= a < b < n):
                raise ValueError(f"calibration coupler {(a, b)} is not a sorted pair of qubits < {n}")
        if self.version == 0:
            object.__setattr__(self, "version", next(_versions))

    @property
    def num_qubits(self) -> int:
        """Number of qubits covered."""
        return len(self.t1_s)

    @property
    def edges(self) -> tuple[Edge, ...]:
        """Couplers with a calibrated two-qubit gate, sorted."""
        return tuple(sorted(self.error_2q))

    def to_dict(self) -> dict:
        """Plain-data form (JSON-serialisable); couplers as ``[a, b, error, duration_s]``."""
        return {
            "timestamp": self.timestamp,
            "t1_s": list(self.t1_s),
            "t2_s": list(self.t2_s),
            "readout_error": list(self.readout_error),
            "readout_duration_s": list(self.readout_duration_s),
            "error_1q": list(self.error_1q),
            "duration_1q_s": list(self.duration_1q_s),
            "couplers": [
                [a, b, self.error_2q[(a, b)], self.duration_2q_s[(a, b)]] for a, b in self.edges
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        """Inverse of :meth:`to_dict`."""
        couplers = data.get("couplers", [])
        return cls(
            timestamp=str(data.get("timestamp", "")),
            t1_s=tuple(float(v) for v in data["t1_s"]),
            t2_s=tuple(float(v) for v in data["t2_s"]),
            readout_error=tuple(float(v) for v in data["readout_error"]),
            readout_duration_s=tuple(float(v) for v in data["readout_duration_s"]),
            error_1q=tuple(float(v) for v in data["error_1q"]),
            duration_1q_s=tuple(float(v) for v in data["duration_1q_s"]),
            error_2q={edge(int(a), int(b)): float(e) for a, b, e, _ in couplers},
            duration_2q_s={edge(int(a), int(b)): float(d) for a, b, _, d in couplers},
        )
