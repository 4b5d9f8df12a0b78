"""Runtime model: how long a job holds its QPU (seconds).

For a job of ``C`` circuits of ``S`` shots each on a region with mean gate
durations ``t_1q``, ``t_2q`` and measurement duration ``t_ro``::

    t_circuit = d_2q * t_2q + max(d - d_2q - m, 0) * t_1q + m * t_ro
    t_shot    = t_circuit + rep_delay
    T_job     = overhead + C * S * t_shot

where ``d`` is the circuit depth, ``d_2q`` the number of layers holding a
two-qubit gate (plus the routing layers, see :func:`routed_depth_2q`) and
``m = 1`` when the circuit ends in a measurement layer. IBM QPUs run the
shots of a job back to back with the repetition delay (``rep_delay``,
backend ``default_rep_delay``, typically 250 µs) between shots (IBM Quantum
documentation, "Dynamic repetition rate execution"). ``overhead`` is the
fixed per-job cost of loading and initialising a job; its default, 3 s, is
read off IBM's documented usage estimate of 4.1 s for a 2-qubit Bell
circuit at the default 4096 shots, of which ``4096 * (250 µs + ~2 µs)``
≈ 1.03 s is shot time (IBM Quantum documentation, "Estimate job run
time"). It was not fitted to any data set. See ``docs/models.md`` for the
comparison with 7,449 real IBM jobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.models.region import RegionStats
from qcloudsim.models.routing import SWAP_2Q_GATES


@dataclass(frozen=True, slots=True)
class RuntimeParams:
    """Parameters of the runtime model.

    Attributes:
        per_job_overhead_s: Fixed time per job (s), see module doc.
        rep_delay_s: Repetition delay override (s); ``None`` uses the device's.
    """

    per_job_overhead_s: float = 3.0
    rep_delay_s: float | None = None

    def __post_init__(self) -> None:
        if not (self.per_job_overhead_s >= 0 and math.isfinite(self.per_job_overhead_s)):
            raise ValueError("per_job_overhead_s must be a finite number >= 0")
        if self.rep_delay_s is not None and not (self.rep_delay_s >= 0):
            raise ValueError("rep_delay_s must be >= 0")


def routed_depth_2q(profile: CircuitProfile, swaps: int) -> int:
    """Two-qubit depth after routing.

    The ``3 * swaps`` extra two-qubit gates are assumed to run
    ``max(1, k // 2)`` at a time on a ``k``-qubit circuit (the most disjoint
    pairs a layer can hold), i.e. ``ceil(3 * swaps / max(1, k // 2))`` extra
    layers.
    """
    if swaps <= 0:
        return profile.depth_2q
    parallel = max(1, profile.num_qubits // 2)
    return profile.depth_2q + math.ceil(SWAP_2Q_GATES * swaps / parallel)


def circuit_duration_s(profile: CircuitProfile, stats: RegionStats, swaps: int = 0) -> float:
    """Duration of one shot of the circuit, without the repetition delay (s)."""
    measured = 1 if profile.num_measured > 0 else 0
    d_2q = routed_depth_2q(profile, swaps)
    d_1q = max(profile.depth - profile.depth_2q - measured, 0)
    return d_2q * stats.duration_2q_s + d_1q * stats.duration_1q_s + measured * stats.readout_duration_s


def shot_duration_s(circuit_s: float, rep_delay_s: float) -> float:
    """One shot: circuit plus repetition delay (s)."""
    return circuit_s + rep_delay_s


def job_runtime_s(shot_s: float, shots: int, circuits: int, params: RuntimeParams) -> float:
    """Total QPU time of a job: ``overhead + circuits * shots * shot_s`` (s)."""
    if shots < 1 or circuits < 1:
        raise ValueError(f"a job needs shots >= 1 and circuits >= 1, got {shots}, {circuits}")
    return params.per_job_overhead_s + circuits * shots * shot_s
