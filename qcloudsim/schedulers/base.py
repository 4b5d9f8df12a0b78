"""The scheduler interface and its separable policy levels.

A scheduler is a pure decision function over a :class:`Snapshot`::

    assignments = scheduler.decide(snapshot)

It never advances time or touches the engine. Following CloudSim Plus, the
decision is split into levels that can be combined freely:

* :class:`QueueOrder` — in which order waiting jobs are considered
  (FCFS, fair-share, priority, ...);
* :class:`Placement` — which QPU and which qubits a job gets;
* multiplexing — whether a QPU runs one job at a time (``exclusive``) or
  several in disjoint regions (a later issue), a property of the snapshot.

:class:`PolicyScheduler` combines an order and a placement.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar

import numpy as np

from qcloudsim.schedulers.snapshot import Assignment, DeviceView, Snapshot
from qcloudsim.workload.job import Job


class Scheduler(ABC):
    """Base class of all schedulers.

    Attributes:
        name: Registry name (set by :func:`qcloudsim.schedulers.registry.register`).
        exclusive: One job per QPU at a time (``True``) or multi-programming.
    """

    name: ClassVar[str] = ""
    exclusive: bool = True

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:  # noqa: B027
        """Forget internal state before a new run; ``seed`` feeds any randomness."""

    @abstractmethod
    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        """Assignments to start now (possibly none)."""

    def describe(self) -> dict:
        """Parameters for run metadata."""
        return {"name": self.name}


class QueueOrder(ABC):
    """Queue-ordering level: yields waiting jobs in the order to consider them."""

    @abstractmethod
    def order(self, snapshot: Snapshot) -> Iterable[Job]:
        """Jobs in priority order (a lazy iterable is best: it may be cut short)."""


class Placement(ABC):
    """Placement level: picks a QPU and qubits for one job, or ``None``."""

    @abstractmethod
    def place(self, job: Job, snapshot: Snapshot) -> Assignment | None:
        """An assignment of ``job`` on a device that can take it now, or ``None``."""


class FifoOrder(QueueOrder):
    """Arrival order (first come, first served)."""

    def order(self, snapshot: Snapshot) -> Iterable[Job]:
        return iter(snapshot.queue)


class BestFidelityPlacement(Placement):
    """Among QPUs that can start the job now (and finish it before their next
    downtime), the one with the highest estimated fidelity on its best region;
    ties go to the earlier device in the fleet."""

    def place(self, job: Job, snapshot: Snapshot) -> Assignment | None:
        best: tuple[float, DeviceView, tuple[int, ...]] | None = None
        for device in snapshot.devices:
            estimate = snapshot.estimate(job, device)
            if estimate is None:
                continue
            if device.next_down_s != math.inf and not snapshot.finishes_before_downtime(job, device, estimate):
                continue
            if best is None or estimate.fidelity > best[0]:
                best = (estimate.fidelity, device, estimate.qubits)
        if best is None:
            return None
        return Assignment(job, best[1].name, best[2])


class PolicyScheduler(Scheduler):
    """A queue order combined with a placement.

    Jobs are considered in ``order``; each is placed if possible. With
    ``backfill=False`` the round stops at the first job that cannot start
    (strict head-of-line order); with ``backfill=True`` later jobs may start
    ahead of it.

    Args:
        order: Queue-ordering level.
        placement: Placement level.
        backfill: Let later jobs overtake one that cannot start.
        exclusive: One job per QPU at a time.
    """

    def __init__(
        self,
        order: QueueOrder,
        placement: Placement,
        backfill: bool = False,
        exclusive: bool = True,
    ) -> None:
        self.order_policy = order
        self.placement = placement
        self.backfill = backfill
        self.exclusive = exclusive

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        self.before_round(snapshot)
        decisions: list[Assignment] = []
        if not any(d.available for d in snapshot.devices):
            return decisions
        for job in self.order_policy.order(snapshot):
            assignment = self.placement.place(job, snapshot)
            if assignment is None:
                if self.backfill and snapshot.has_capacity():
                    continue
                break
            snapshot.claim(assignment)
            decisions.append(assignment)
            self.after_assign(assignment, snapshot)
        return decisions

    def before_round(self, snapshot: Snapshot) -> None:  # noqa: B027
        """Hook: called at the start of every round (e.g. to expire usage)."""

    def after_assign(self, assignment: Assignment, snapshot: Snapshot) -> None:  # noqa: B027
        """Hook: called after each assignment of the round (e.g. to charge usage)."""

    def describe(self) -> dict:
        return {
            "name": self.name,
            "order": type(self.order_policy).__name__,
            "placement": type(self.placement).__name__,
            "backfill": self.backfill,
            "exclusive": self.exclusive,
        }
