"""Fragment placement with deadlines: simulated annealing and greedy baselines.

Each round, the waiting jobs (fragments of cut circuits grouped by their
parent; uncut jobs as one-fragment jobs) of the first ``window`` parents in
queue order become a :class:`qcloudsim.cutting.annealing.Problem`: per
fragment and QPU the per-shot time, the fixed per-job overhead and the
estimated fidelity (from the placement and runtime models on the best
whole-device region), the parent's deadline and reconstruction time, and
each QPU's availability (now if idle, the end of its runs otherwise). The
chosen solver (:func:`~qcloudsim.cutting.annealing.simulated_annealing`,
:func:`~qcloudsim.cutting.annealing.greedy_earliest_finish` or
:func:`~qcloudsim.cutting.annealing.greedy_agnostic`) plans all of them;
the pieces planned to start now on an idle QPU are started (a piece with
fewer shots than its fragment is a shot split), the rest is re-planned at
the next round (rolling horizon). Devices are used exclusively.

Inspired by the deadline-aware simulated-annealing scheduler for
distributed quantum computing of arXiv 2512.06157; see ``docs/cutting.md``.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from qcloudsim.cutting.annealing import (
    FragmentSpec,
    JobSpec,
    Problem,
    greedy_agnostic,
    greedy_earliest_finish,
    simulated_annealing,
)
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import Assignment, Snapshot
from qcloudsim.workload.job import Job

START_TOLERANCE_S = 1e-9

MAX_WINDOW = 10_000
"""Most parents planned in one round (each round's plan grows with it)."""

MAX_ITERATIONS = 10_000_000
"""Most annealing iterations per round (5,000 take about 0.2 s on a laptop core)."""

MAX_WEIGHT = 1e6
"""Largest fidelity weight or initial temperature (the energy terms are O(1))."""


class _FragmentScheduler(Scheduler):
    """Shared round logic; subclasses pick the solver."""

    exclusive = True

    def __init__(self, window: int = 20, fidelity_weight: float = 0.0) -> None:
        if not (isinstance(window, int) and not isinstance(window, bool) and 1 <= window <= MAX_WINDOW):
            raise ValueError(f"{self.name}: window must be an integer in [1, {MAX_WINDOW}], got {window!r}")
        if not (isinstance(fidelity_weight, int | float) and not isinstance(fidelity_weight, bool)
                and 0 <= fidelity_weight <= MAX_WEIGHT):
            raise ValueError(f"{self.name}: fidelity_weight must be a number in [0, {MAX_WEIGHT:g}], "
                             f"got {fidelity_weight!r}")
        self.window = window
        self.fidelity_weight = float(fidelity_weight)
        self._rng = np.random.default_rng(0)

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:
        self._rng = np.random.default_rng(seed if seed is not None else 0)

    def solve(self, problem: Problem):  # pragma: no cover - overridden
        raise NotImplementedError

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        idle = [d for d in snapshot.devices if snapshot.free_qubits(d) is None]
        if not idle:
            return []
        groups: OrderedDict[int, list[Job]] = OrderedDict()
        for job in snapshot.queue:
            key = job.parent_id if job.parent_id is not None else -1 - job.id
            if key not in groups and len(groups) >= self.window:
                # a parent's fragments are queued together (requeued ones go to the head), so the
                # first job of a new parent after a full window ends the parents' runs: O(window)
                break
            groups.setdefault(key, []).append(job)
        if not groups:
            return []
        specs, fragment_jobs = [], []
        for key, jobs in list(groups.items()):
            fragments = [self._fragment(snapshot, job) for job in jobs]
            if any(all(math.isinf(t) for t in f.runtime_per_shot_s) for f in fragments):
                # a piece fits on no device that is up now (down, or pinned to a down device): it waits
                del groups[key]
                continue
            fragment_jobs.extend(jobs)
            deadline = jobs[0].deadline_s if jobs[0].deadline_s is not None else math.inf
            specs.append(JobSpec(key, tuple(fragments), deadline, jobs[0].reconstruction_s))
        if not specs:
            return []
        available = tuple(
            snapshot.now if snapshot.free_qubits(d) is None else max(d.busy_until_s, snapshot.now)
            if d.available else math.inf
            for d in snapshot.devices
        )
        solution = self.solve(Problem(snapshot.now, tuple(specs), available))
        jobs_by_position = self._positions(specs, groups)
        decisions: list[Assignment] = []
        busy: set[int] = set()
        remaining: dict[int, int] = {}
        for piece in sorted(solution.assignments, key=lambda p: p.start_s):
            if piece.start_s > snapshot.now + START_TOLERANCE_S or piece.qpu in busy:
                continue
            device = snapshot.devices[piece.qpu]
            if snapshot.free_qubits(device) is not None:
                continue
            job = jobs_by_position[(piece.job_id, piece.fragment)]
            left = remaining.setdefault(job.id, job.shots)
            if left <= 0:
                continue
            estimate = snapshot.estimate(job, device)
            if estimate is None:
                continue
            # only fragments of cut circuits may be split; an uncut job runs whole on its first piece
            run_shots = min(piece.shots, left) if job.parent_id is not None else left
            shots = run_shots if run_shots < left else None
            runtime = snapshot.cost.runtime_s(job, estimate, shots)
            if snapshot.now + runtime > device.next_down_s:
                continue
            remaining[job.id] = left - run_shots
            assignment = Assignment(job, device.name, estimate.qubits, shots, quote=estimate)
            snapshot.claim(assignment)
            busy.add(piece.qpu)
            decisions.append(assignment)
        return decisions

    @staticmethod
    def _positions(specs, groups) -> dict:
        return {(spec.id, i): job
                for spec, jobs in zip(specs, groups.values(), strict=True) for i, job in enumerate(jobs)}

    @staticmethod
    def _fragment(snapshot: Snapshot, job: Job) -> FragmentSpec:
        per_shot, setup, fidelity = [], [], []
        overhead = snapshot.estimator.runtime_params.per_job_overhead_s
        for device in snapshot.devices:
            estimate = None
            if job.profile.num_qubits <= device.num_qubits and (job.pinned_device in (None, device.name)):
                region = snapshot.estimator.region(device.calibration, job.profile.num_qubits)
                if region is not None:
                    estimate = snapshot.estimate(job, device, region)
            if estimate is None or not device.available:
                per_shot.append(math.inf)
                setup.append(0.0)
                fidelity.append(0.0)
            else:
                per_shot.append(estimate.shot_s * job.circuits)
                setup.append(overhead)
                fidelity.append(estimate.fidelity)
        return FragmentSpec(job.shots, tuple(per_shot), tuple(setup), tuple(fidelity), job.profile.num_qubits)

    def describe(self) -> dict:
        return {"name": self.name, "window": self.window, "fidelity_weight": self.fidelity_weight}


@register("anneal")
class AnnealingScheduler(_FragmentScheduler):
    """Deadline-aware simulated annealing over fragments and shot splits (see module doc).

    Args:
        iterations: Annealing budget per round (0 = the greedy start solution).
        window: Parents (cut jobs) planned per round, in queue order.
        fidelity_weight: Weight of fidelity against makespan in the energy.
        initial_temperature: Starting temperature.
    """

    def __init__(self, iterations: int = 2000, window: int = 20, fidelity_weight: float = 0.0,
                 initial_temperature: float = 0.05) -> None:
        super().__init__(window, fidelity_weight)
        if not (isinstance(iterations, int) and not isinstance(iterations, bool) and 0 <= iterations <= MAX_ITERATIONS):
            raise ValueError(f"anneal: iterations must be an integer in [0, {MAX_ITERATIONS:,}], got {iterations!r}")
        if not (isinstance(initial_temperature, int | float) and not isinstance(initial_temperature, bool)
                and 0 < initial_temperature <= MAX_WEIGHT):
            raise ValueError(
                f"anneal: initial_temperature must be a number in (0, {MAX_WEIGHT:g}], got {initial_temperature!r}"
            )
        self.iterations = iterations
        self.initial_temperature = float(initial_temperature)

    def solve(self, problem: Problem):
        seed = int(self._rng.integers(0, 2**31 - 1))
        return simulated_annealing(problem, iterations=self.iterations, initial_temperature=self.initial_temperature,
                                   seed=seed, fidelity_weight=self.fidelity_weight)

    def describe(self) -> dict:
        return {**super().describe(), "iterations": self.iterations, "initial_temperature": self.initial_temperature}


@register("greedy_finish")
class GreedyFinishScheduler(_FragmentScheduler):
    """Baseline: each fragment whole to the QPU where it finishes earliest, deadlines first."""

    def solve(self, problem: Problem):
        return greedy_earliest_finish(problem)


@register("agnostic")
class AgnosticScheduler(_FragmentScheduler):
    """Baseline that ignores dependencies and shot splitting (round-robin whole fragments by size)."""

    def solve(self, problem: Problem):
        return greedy_agnostic(problem)
