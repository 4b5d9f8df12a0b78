"""QSRA-style scheduling: quantum-aware HRRN, spread-out qubit allocation, merging.

Source: B. Lu, Z. Chen, Y. Wu, "QSRA: A QPU Scheduling and Resource
Allocation Approach for Cloud-Based Quantum Computing", arXiv:2411.05283
(2024). The paper adapts CPU scheduling to QPUs (quantum versions of SJF
and highest-response-ratio-next whose job size counts qubits), allocates
qubits by choosing a high-quality root qubit, keeping the roots of
co-running programs far apart and avoiding sparsely connected areas, and
merges programs with similar execution times onto one QPU (merging
programs whose times differ greatly adds idle decoherence).

This module is a re-implementation from that description, not the authors'
code. Every formula below is this project's choice:

* **Order (QHRRN).** Response ratio ``R = (w + S) / S`` with ``w`` the
  job's wait so far and ``S = T · q^β`` its *size*: ``T`` the estimated
  runtime (:func:`~qcloudsim.schedulers.ordering.reference_runtime_s`),
  ``q`` its qubit count, ``β = qubit_weight`` (default 1, so size is
  qubit-seconds; ``β = 0`` is classic HRRN). Highest ``R`` first, FIFO
  ties. At equal wait small jobs go first; every job's ratio grows with its
  wait, so none starves.
* **Qubit allocation.** Multi-programming (``exclusive = False``). On each
  device two candidate regions come from the calibration-aware region
  model (``snapshot.estimator.region``, see
  :mod:`qcloudsim.models.placement`: regions grown from the best root
  qubit by calibration cost): one among the free qubits
  minus a one-qubit *buffer ring* around qubits held by running (or this
  round's) jobs, one among all free qubits. Each is scored::

      score = F - adjacency_penalty · a - degree_penalty · max(0, 1 - d / d̄)

  with ``F`` the estimated fidelity, ``a`` the fraction of the region's
  qubits adjacent to a busy qubit (crosstalk proxy for "far apart"), ``d``
  the mean coupling-graph degree of the region's qubits and ``d̄`` the
  device's mean degree (sparse-connectivity penalty).
* **Merging.** Among devices, a job prefers (1) a device already running
  jobs whose latest expected end (``busy_until_s``, including this round's
  assignments) is within ``merge_tolerance · T`` of ``now + T`` (``T`` the
  job's runtime there), then (2) an idle device, then (3) any other busy
  device; ties within a class go to the higher score, then fleet order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from qcloudsim.devices.calibration import Calibration
from qcloudsim.models.cost import Quote
from qcloudsim.models.placement import Region, adjacency
from qcloudsim.schedulers.base import (
    INFEASIBLE,
    WAIT,
    Decision,
    Placement,
    PolicyScheduler,
    feasible_somewhere,
)
from qcloudsim.schedulers.ordering import KeyedOrder, reference_runtime_s
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import Assignment, DeviceView, Snapshot
from qcloudsim.workload.job import Job

_TINY_S = 1e-9


MAX_PARAMETER = 1e6
"""Largest value of a QSRA weight, penalty or tolerance (each scales O(1) terms)."""


class QuantumHRRNOrder(KeyedOrder):
    """Highest response ratio next, job size in qubit-seconds (see module doc).

    Args:
        qubit_weight: Exponent ``β`` of the qubit count in the job size (>= 0).
    """

    name = "qhrrn"
    indexed = False  # the ratio grows with the wait: every round re-ranks the queue (O(Q))

    def __init__(self, qubit_weight: float = 1.0) -> None:
        if isinstance(qubit_weight, bool) or not isinstance(qubit_weight, int | float) or not (
            qubit_weight >= 0 and math.isfinite(qubit_weight)
        ):
            raise ValueError(f"qhrrn: qubit_weight must be a finite number >= 0, got {qubit_weight!r}")
        self.qubit_weight = qubit_weight

    def params(self) -> dict:
        return {"qubit_weight": self.qubit_weight}

    def response_ratio(self, job: Job, snapshot: Snapshot) -> float:
        """``R = (w + S) / S`` with ``S = T · q^β``."""
        runtime = reference_runtime_s(job, snapshot)
        if math.isinf(runtime):
            return 1.0
        size = max(runtime, _TINY_S) * job.profile.num_qubits ** self.qubit_weight
        wait = max(0.0, snapshot.now - job.arrival_s)
        return (wait + size) / size

    def key(self, job: Job, snapshot: Snapshot) -> float:
        return -self.response_ratio(job, snapshot)


class _Candidate:
    __slots__ = ("rank", "score", "index", "device", "qubits", "quote")

    def __init__(self, rank: int, score: float, index: int, device: str, qubits: Region, quote: Quote) -> None:
        self.rank, self.score, self.index, self.device, self.qubits = rank, score, index, device, qubits
        self.quote = quote

    def better_than(self, other: _Candidate | None) -> bool:
        return other is None or (self.rank, -self.score, self.index) < (other.rank, -other.score, other.index)


class SpreadPlacement(Placement):
    """QSRA qubit allocation and program merging (multi-programming).

    Call :meth:`begin_round` at the start of a round and :meth:`note` after
    each assignment so that merging sees this round's expected ends; used
    alone, it sees only the engine's running jobs.

    Args:
        adjacency_penalty: Score penalty per unit fraction of region qubits
            next to busy qubits (>= 0).
        degree_penalty: Score penalty per unit of relative degree deficit (>= 0).
        merge_tolerance: Relative end-time tolerance for merging (>= 0).
    """

    name = "spread"

    def __init__(
        self, adjacency_penalty: float = 0.1, degree_penalty: float = 0.05, merge_tolerance: float = 0.25
    ) -> None:
        for label, value in (
            ("adjacency_penalty", adjacency_penalty), ("degree_penalty", degree_penalty),
            ("merge_tolerance", merge_tolerance),
        ):
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or not (value >= 0 and math.isfinite(value))):
                raise ValueError(f"spread: {label} must be a finite number >= 0, got {value!r}")
        self.adjacency_penalty = adjacency_penalty
        self.degree_penalty = degree_penalty
        self.merge_tolerance = merge_tolerance
        self._graphs: dict[int, tuple[tuple[tuple[int, ...], ...], float]] = {}
        self._round_end: dict[str, float] = {}

    def params(self) -> dict:
        return {
            "adjacency_penalty": self.adjacency_penalty, "degree_penalty": self.degree_penalty,
            "merge_tolerance": self.merge_tolerance,
        }

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:
        self._round_end.clear()

    def begin_round(self, snapshot: Snapshot | None = None) -> None:
        """Forget the previous round's tentative assignments."""
        self._round_end.clear()

    def assigned(self, assignment: Assignment, snapshot: Snapshot) -> None:
        """Note the expected end of ``assignment`` so merging sees it this round."""
        quote = assignment.quote or snapshot.estimate(
            assignment.job, snapshot.device(assignment.device), assignment.qubits
        )
        if quote is not None:
            self.note(assignment, snapshot.now + snapshot.runtime_s(assignment.job, quote))

    def note(self, assignment: Assignment, end_s: float) -> None:
        """Record that ``assignment`` (claimed this round) should end at ``end_s``."""
        previous = self._round_end.get(assignment.device, -math.inf)
        self._round_end[assignment.device] = max(previous, end_s)

    def place(self, job: Job, snapshot: Snapshot) -> Decision:
        best: _Candidate | None = None
        size = job.profile.num_qubits
        for device in snapshot.devices:
            if not snapshot.allowed(job, device):
                continue
            free = snapshot.free_qubits(device)
            if size > (device.num_qubits if free is None else len(free)):
                continue
            for region in self.candidate_regions(snapshot, device, size, free):
                candidate = self._evaluate(job, snapshot, device, region, free)
                if candidate is not None and candidate.better_than(best):
                    best = candidate
        if best is None:
            return WAIT if feasible_somewhere(job, snapshot) else INFEASIBLE
        return Assignment(job, best.device, best.qubits, quote=best.quote)

    def candidate_regions(
        self, snapshot: Snapshot, device: DeviceView, size: int, free: frozenset[int] | None
    ) -> list[Region]:
        """Best region away from busy qubits (if any), then the best among all free ones."""
        calibration = device.calibration
        estimator = snapshot.estimator
        if free is None:
            region = estimator.region(calibration, size, None)
            return [] if region is None else [region]
        neighbours, _ = self._graph(calibration)
        busy = set(range(device.num_qubits)).difference(free)
        ring = {n for q in busy for n in neighbours[q]}
        regions: list[Region] = []
        buffered = free.difference(ring)
        if len(buffered) >= size and len(buffered) < len(free):
            region = estimator.region(calibration, size, buffered)
            if region is not None:
                regions.append(region)
        region = estimator.region(calibration, size, free)
        if region is not None and region not in regions:
            regions.append(region)
        return regions

    def region_score(
        self, calibration: Calibration, region: Region, fidelity: float, busy: Iterable[int]
    ) -> float:
        """``F - adjacency_penalty · a - degree_penalty · max(0, 1 - d / d̄)`` (module doc)."""
        neighbours, mean_degree = self._graph(calibration)
        busy_set = set(busy)
        adjacent = sum(1 for q in region if any(n in busy_set for n in neighbours[q]))
        degree = sum(len(neighbours[q]) for q in region) / len(region)
        sparse = max(0.0, 1.0 - degree / mean_degree) if mean_degree > 0 else 0.0
        return fidelity - self.adjacency_penalty * adjacent / len(region) - self.degree_penalty * sparse

    def _evaluate(
        self, job: Job, snapshot: Snapshot, device: DeviceView, region: Region, free: frozenset[int] | None
    ) -> _Candidate | None:
        estimate = snapshot.estimate(job, device, region)
        if estimate is None or not snapshot.finishes_before_downtime(job, device, estimate):
            return None
        busy = () if free is None else set(range(device.num_qubits)).difference(free)
        score = self.region_score(device.calibration, region, estimate.fidelity, busy)
        runtime = snapshot.runtime_s(job, estimate)
        end = max(device.busy_until_s, self._round_end.get(device.name, -math.inf))
        if math.isinf(end):
            rank = 1  # idle
        elif abs(end - (snapshot.now + runtime)) <= self.merge_tolerance * runtime:
            rank = 0  # merge with programs of similar end time
        else:
            rank = 2
        return _Candidate(rank, score, device.index, device.name, region, estimate)

    def _graph(self, calibration: Calibration) -> tuple[tuple[tuple[int, ...], ...], float]:
        cached = self._graphs.get(calibration.version)
        if cached is None:
            neighbours = adjacency(calibration)
            mean = sum(len(n) for n in neighbours) / max(1, len(neighbours))
            if len(self._graphs) > 1024:
                self._graphs.clear()
            cached = self._graphs[calibration.version] = (neighbours, mean)
        return cached


@register("qsra")
class QSRAScheduler(PolicyScheduler):
    """QSRA-style scheduler: quantum HRRN order, spread multi-programmed placement, merging.

    See the module doc for every formula. Multi-programming: several jobs
    share a QPU in disjoint regions (``exclusive = False``).

    Source: Lu, Chen & Wu, "QSRA: A QPU Scheduling and Resource Allocation
    Approach for Cloud-Based Quantum Computing", arXiv:2411.05283, 2024.

    Args:
        qubit_weight: Exponent of the qubit count in the job size (>= 0; 0 = HRRN).
        adjacency_penalty: Penalty for region qubits next to busy qubits (>= 0).
        degree_penalty: Penalty for sparsely connected regions (>= 0).
        merge_tolerance: Relative end-time tolerance for merging (>= 0).
        backfill: Let later jobs start when an earlier one cannot (default
            true: with multi-programming a large job waiting for room must
            not keep small jobs out of the free qubits).

    Raises:
        ValueError: For a negative or non-finite parameter.
    """

    def __init__(
        self,
        qubit_weight: float = 1.0,
        adjacency_penalty: float = 0.1,
        degree_penalty: float = 0.05,
        merge_tolerance: float = 0.25,
        backfill: bool = True,
    ) -> None:
        for name, value in (
            ("qubit_weight", qubit_weight), ("adjacency_penalty", adjacency_penalty),
            ("degree_penalty", degree_penalty), ("merge_tolerance", merge_tolerance),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_PARAMETER:
                raise ValueError(f"qsra: {name} must be a number in [0, {MAX_PARAMETER:g}], got {value!r}")
        self.spread = SpreadPlacement(adjacency_penalty, degree_penalty, merge_tolerance)
        self.hrrn = QuantumHRRNOrder(qubit_weight)
        super().__init__(self.hrrn, self.spread, backfill=backfill, exclusive=False)

    def describe(self) -> dict:
        return {
            **super().describe(),
            "qubit_weight": self.hrrn.qubit_weight,
            "adjacency_penalty": self.spread.adjacency_penalty,
            "degree_penalty": self.spread.degree_penalty,
            "merge_tolerance": self.spread.merge_tolerance,
        }
