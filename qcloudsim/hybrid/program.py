"""Hybrid quantum-classical programs (VQE, QAOA, QML training) as workload items.

A program alternates quantum and classical work until its stopping rule says
it has converged::

    repeat:
        send parameters to the cloud            (network latency)
        run the iteration's circuits on a QPU   (job, batch or session mode)
        receive the results                     (network latency)
        classical optimizer step                (CPU or GPU node of the pool)
    until the stopping rule is met

Times are in seconds. The stopping rules are pure functions of the
iteration index and a seeded random generator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from qcloudsim.circuits.profile import CircuitProfile

Mode = Literal["job", "batch", "session"]
MODES: tuple[str, ...] = ("job", "batch", "session")


class StoppingRule:
    """Decides after each iteration whether the program has converged."""

    max_iterations: int = 1

    def losses(self, rng: np.random.Generator) -> Sequence[float] | None:
        """The loss after each iteration (``None`` when the rule does not model a loss)."""
        return None

    def iterations(self, rng: np.random.Generator) -> int:
        """Number of iterations the program runs (>= 1), drawn with ``rng``."""
        raise NotImplementedError


@dataclass(frozen=True)
class FixedIterations(StoppingRule):
    """Run exactly ``count`` iterations."""

    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a hybrid program needs at least one iteration, got {self.count}")

    @property
    def max_iterations(self) -> int:  # type: ignore[override]
        return self.count

    def iterations(self, rng: np.random.Generator) -> int:
        return self.count


@dataclass(frozen=True)
class ConvergenceCurve(StoppingRule):
    """A documented stochastic convergence curve.

    The loss after iteration ``k`` (1-based) is::

        L(k) = L_inf + (L_0 - L_inf) * exp(-k / tau) + sigma * Z_k,   Z_k ~ N(0, 1)

    the exponential approach typical of gradient-based VQE runs on smooth
    landscapes (e.g. the convergence curves in Kandala et al., Nature 549,
    242, 2017), plus shot noise. The program stops at the first ``k`` with
    ``L(k) - L_inf <= tolerance``, or at ``max_iterations``.

    Attributes:
        initial_loss: ``L_0``.
        final_loss: ``L_inf``.
        tau: Iterations per e-fold (> 0).
        noise: ``sigma`` (>= 0).
        tolerance: Distance to ``L_inf`` that counts as converged (> 0).
        max_iterations: Hard cap (>= 1).
    """

    initial_loss: float = 1.0
    final_loss: float = 0.0
    tau: float = 20.0
    noise: float = 0.01
    tolerance: float = 0.02
    max_iterations: int = 500

    def __post_init__(self) -> None:
        if not (self.tau > 0 and self.tolerance > 0 and self.noise >= 0 and self.max_iterations >= 1):
            raise ValueError("convergence curve needs tau > 0, tolerance > 0, noise >= 0, max_iterations >= 1")

    def losses(self, rng: np.random.Generator) -> list[float]:
        k = np.arange(1, self.max_iterations + 1)
        curve = self.final_loss + (self.initial_loss - self.final_loss) * np.exp(-k / self.tau)
        return (curve + self.noise * rng.standard_normal(k.size)).tolist()

    def iterations(self, rng: np.random.Generator) -> int:
        losses = np.asarray(self.losses(rng))
        done = np.nonzero(losses - self.final_loss <= self.tolerance)[0]
        return int(done[0]) + 1 if done.size else self.max_iterations


@dataclass(frozen=True)
class LossTrace(StoppingRule):
    """Follow the recorded loss trace of a real optimizer run.

    The program stops at the first iteration whose loss is within
    ``tolerance`` of the trace's best loss, or at the end of the trace.

    Attributes:
        values: Loss after each iteration.
        tolerance: Absolute distance to the best loss that counts as converged.
        source: Where the trace came from.
    """

    values: tuple[float, ...]
    tolerance: float = 1e-3
    source: str = ""

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("a loss trace needs at least one value")
        if any(not math.isfinite(v) for v in self.values):
            raise ValueError("loss trace values must be finite")
        if not self.tolerance >= 0:
            raise ValueError("loss trace tolerance must be >= 0")

    @property
    def max_iterations(self) -> int:  # type: ignore[override]
        return len(self.values)

    def losses(self, rng: np.random.Generator) -> list[float]:
        return list(self.values)

    def iterations(self, rng: np.random.Generator) -> int:
        best = min(self.values)
        for k, value in enumerate(self.values, start=1):
            if value - best <= self.tolerance:
                return k
        return len(self.values)


@dataclass(frozen=True)
class SessionPolicy:
    """Session-mode options.

    Attributes:
        time_limit_s: Longest a session may hold its QPU region (s). When it
            runs out the session ends and the program queues for a new one.
        interleave: Let other jobs use the device's other qubits while the
            session holds its region (otherwise a session holds the device).
    """

    time_limit_s: float = 8 * 3600.0
    interleave: bool = False

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError(f"session time_limit_s must be > 0, got {self.time_limit_s}")


@dataclass(frozen=True)
class HybridProgram:
    """One variational program.

    Attributes:
        id: Program id (unique).
        arrival_s: Time the program starts (s).
        ansatz: Circuit profile of one circuit of an iteration.
        shots: Shots per circuit.
        circuits_per_iteration: Circuits per iteration (parameter shift: 2 per parameter).
        stopping: Stopping rule.
        classical_step_s: Optimizer step time per iteration on one node (s).
        classical_kind: ``"cpu"`` or ``"gpu"`` node of the classical pool.
        latency_s: One-way network latency between client and cloud (s).
        mode: ``job``, ``batch`` or ``session``.
        session: Session options (session mode).
        user: Submitting user.
        group: User's group.
    """

    id: str
    arrival_s: float
    ansatz: CircuitProfile
    shots: int
    circuits_per_iteration: int
    stopping: StoppingRule
    classical_step_s: float
    classical_kind: str = "cpu"
    latency_s: float = 0.05
    mode: Mode = "batch"
    session: SessionPolicy = field(default_factory=SessionPolicy)
    user: str = "user0"
    group: str = "default"

    def __post_init__(self) -> None:
        problems = []
        if not self.arrival_s >= 0:
            problems.append(f"arrival_s must be >= 0, got {self.arrival_s}")
        if self.shots < 1:
            problems.append(f"shots must be >= 1, got {self.shots}")
        if self.circuits_per_iteration < 1:
            problems.append(f"circuits_per_iteration must be >= 1, got {self.circuits_per_iteration}")
        if not (self.classical_step_s >= 0 and math.isfinite(self.classical_step_s)):
            problems.append(f"classical_step_s must be >= 0, got {self.classical_step_s}")
        if not (self.latency_s >= 0 and math.isfinite(self.latency_s)):
            problems.append(f"latency_s must be >= 0, got {self.latency_s}")
        if self.mode not in MODES:
            problems.append(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.classical_kind not in ("cpu", "gpu"):
            problems.append(f"classical_kind must be 'cpu' or 'gpu', got {self.classical_kind!r}")
        if problems:
            raise ValueError(f"hybrid program {self.id!r}: " + "; ".join(problems))


def parameter_shift_circuits(num_parameters: int) -> int:
    """Circuits per gradient evaluation with the parameter-shift rule: ``2 * P``.

    Mitarai et al., PRA 98, 032309 (2018); Schuld et al., PRA 99, 032331 (2019).
    """
    if num_parameters < 1:
        raise ValueError(f"num_parameters must be >= 1, got {num_parameters}")
    return 2 * num_parameters
