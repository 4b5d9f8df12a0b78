"""The scheduler interface and its separable policy levels.

A scheduler is a pure decision function over a :class:`Snapshot`::

    assignments = scheduler.decide(snapshot)

It never advances time or touches the engine. Following CloudSim Plus, a
:class:`PolicyScheduler` is built from three independent levels, each an
object with its own per-round state (``reset`` before a run,
``begin_round`` before each round, ``assigned`` after each assignment):

* :class:`QueueOrder` — in which order the waiting jobs of a queue are
  considered (FIFO, SJF, fair-share, priority, ...);
* :class:`Placement` — which QPU and which qubits a job gets; it answers
  an :class:`Assignment`, :data:`WAIT` (not now) or :data:`INFEASIBLE`
  (never on this fleet);
* :class:`Multiplexing` — one job per QPU at a time (:class:`Exclusive`) or
  several in disjoint regions (:class:`Shared`).

Backfilling is the policy's own switch: with ``backfill=False`` a queue
stops at its first job that must wait (strict order); with ``True`` later
jobs may start ahead of it. With per-device queues every queue is ordered
and cut on its own, so a job waiting for one device never holds back
another device's queue. Any order combines with any placement and
multiplexing (:mod:`qcloudsim.schedulers.levels` names them for YAML).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar, Final

import numpy as np

from qcloudsim.schedulers.snapshot import Assignment, DeviceView, QueueView, Snapshot
from qcloudsim.workload.job import Job


class Scheduler(ABC):
    """Base class of all schedulers.

    Attributes:
        name: Registry name (set by :func:`qcloudsim.schedulers.registry.register`).
        exclusive: One job per QPU at a time (``True``) or multi-programming.
        one_per_round: See below.
    """

    name: ClassVar[str] = ""
    exclusive: bool = True
    one_per_round: ClassVar[bool] = False
    """Decide at most one assignment per round and see the engine's state after it
    (the engine runs a new round at the same instant after each start)."""

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:  # noqa: B027
        """Forget internal state before a new run; ``seed`` feeds any randomness."""

    @abstractmethod
    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        """Assignments to start now (possibly none)."""

    def describe(self) -> dict:
        """Parameters for run metadata."""
        return {"name": recorded_name(self)}


def recorded_name(scheduler: Scheduler) -> str:
    """The name a scheduler is recorded under in run metadata.

    A name set on the object (by :func:`~qcloudsim.schedulers.levels.compose`)
    or on its own class (by ``register`` or the class body) wins; any other
    class (a user's class, or a subclass of a registered one, which would
    otherwise inherit that one's name) is recorded as ``"module:Qualname"``,
    the form YAML loads it by.
    """
    own = vars(scheduler).get("name") or vars(type(scheduler)).get("name")
    return own or f"{type(scheduler).__module__}:{type(scheduler).__qualname__}"


class Wait:
    """Placement answer: the job cannot start now (a later event may let it)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "WAIT"


class Infeasible:
    """Placement answer: the job can never start on this fleet (it never blocks a queue)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "INFEASIBLE"


WAIT: Final = Wait()
INFEASIBLE: Final = Infeasible()

Decision = Assignment | Wait | Infeasible


class Level:
    """State hooks shared by the three policy levels (override what you need)."""

    name: ClassVar[str] = ""

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:  # noqa: B027
        """Forget state before a new run."""

    def begin_round(self, snapshot: Snapshot) -> None:  # noqa: B027
        """Called at the start of every round."""

    def assigned(self, assignment: Assignment, snapshot: Snapshot) -> None:  # noqa: B027
        """Called after each assignment of the round."""

    def params(self) -> dict:
        """Parameters for run metadata."""
        return {}

    def describe(self) -> dict:
        """Name and parameters."""
        return {"name": self.name or type(self).__name__, **self.params()}


class QueueOrder(Level):
    """Queue-ordering level: yields the waiting jobs of a queue in the order to consider them."""

    @abstractmethod
    def order(self, snapshot: Snapshot, queue: QueueView | None = None) -> Iterable[Job]:
        """Jobs of ``queue`` (default: ``snapshot.queue``) in priority order (lazily if possible)."""


class Placement(Level):
    """Placement level: a QPU and qubits for one job, :data:`WAIT` or :data:`INFEASIBLE`."""

    @abstractmethod
    def place(self, job: Job, snapshot: Snapshot) -> Decision | None:
        """An assignment of ``job`` on a device that can take it now, or why not (``None`` = wait)."""


class Multiplexing(Level):
    """Multiplexing level: how many jobs a QPU runs at once."""

    exclusive: ClassVar[bool] = True


class Exclusive(Multiplexing):
    """One job per QPU at a time."""

    name = "exclusive"
    exclusive = True


class Shared(Multiplexing):
    """Several jobs per QPU at once, in disjoint connected regions (crosstalk applies)."""

    name = "shared"
    exclusive = False


class FifoOrder(QueueOrder):
    """Arrival order (first come, first served)."""

    name = "fifo"

    def order(self, snapshot: Snapshot, queue: QueueView | None = None) -> Iterable[Job]:
        return iter(snapshot.queue if queue is None else queue)


def feasible_somewhere(job: Job, snapshot: Snapshot) -> bool:
    """Whether some device of the fleet could ever hold ``job`` (size and target)."""
    size = job.profile.num_qubits
    pinned = job.submission.pinned_device
    if pinned is None:
        return size <= snapshot.largest_device()
    return pinned in snapshot.names() and size <= snapshot.device(pinned).num_qubits


class BestFidelityPlacement(Placement):
    """Among QPUs that can start the job now (and finish it before their next
    downtime), the one with the highest estimated fidelity on its best region;
    ties go to the earlier device in the fleet.

    Source: the ESP metric of Nishio et al., ACM JETC 2020; noise-aware
    device selection as in Tannu & Qureshi, ASPLOS 2019.
    """

    name = "fidelity"

    def place(self, job: Job, snapshot: Snapshot) -> Decision:
        idle = snapshot.idle_indices()
        if idle is not None:
            # every device that can take a job is wholly free: the first of them in the cached
            # fleet ranking (best fidelity, then fleet order) that finishes before its downtime wins
            devices = snapshot.devices
            for index, quote in snapshot.ranking(job) if idle else ():
                if index not in idle:
                    continue
                device = devices[index]
                if device.next_down_s == math.inf or snapshot.finishes_before_downtime(job, device, quote):
                    return Assignment(job, device.name, quote.qubits, quote=quote)
            return WAIT if feasible_somewhere(job, snapshot) else INFEASIBLE
        wholly_free = None if snapshot.exclusive else snapshot.wholly_free_indices()
        candidates = snapshot.open_devices() if snapshot.exclusive else snapshot.devices
        best = None
        best_fidelity = -1.0
        for device in candidates:
            if wholly_free is not None and device.index in wholly_free:
                continue  # priced below, from the cached fleet ranking
            offer = snapshot.estimate(job, device)
            if offer is None:
                continue
            if device.next_down_s != math.inf and not snapshot.finishes_before_downtime(job, device, offer):
                continue
            if best is None or offer.estimate.fidelity > best_fidelity:
                best, best_fidelity = (device, offer), offer.estimate.fidelity
        if wholly_free:
            # on a wholly free device the best region is its best whole-device region, so the first
            # wholly free device in the fleet ranking that ends before its downtime is the best of them
            devices = snapshot.devices
            for index, quote in snapshot.ranking(job):
                if index not in wholly_free:
                    continue
                device = devices[index]
                if device.next_down_s != math.inf and not snapshot.finishes_before_downtime(job, device, quote):
                    continue
                fidelity = quote.estimate.fidelity
                if best is None or fidelity > best_fidelity or (fidelity == best_fidelity and index < best[0].index):
                    best, best_fidelity = (device, quote), fidelity
                break
        if best is None:
            return WAIT if feasible_somewhere(job, snapshot) else INFEASIBLE
        chosen, quote = best
        return Assignment(job, chosen.name, quote.qubits, quote=quote)


class PolicyScheduler(Scheduler):
    """A queue order, a placement and a multiplexing level, with or without backfilling.

    Jobs of each queue are considered in ``order``; each is placed if
    possible. With ``backfill=False`` a queue stops at its first job that
    must wait; with ``backfill=True`` later jobs may start ahead of it.

    Args:
        order: Queue-ordering level.
        placement: Placement level.
        backfill: Let later jobs overtake one that must wait.
        exclusive: Shorthand for the multiplexing level when ``multiplexing``
            is not given (``True``: :class:`Exclusive`, ``False``: :class:`Shared`).
        multiplexing: Multiplexing level.
    """

    def __init__(
        self,
        order: QueueOrder,
        placement: Placement,
        backfill: bool = False,
        exclusive: bool = True,
        multiplexing: Multiplexing | None = None,
    ) -> None:
        if not isinstance(backfill, bool):
            raise ValueError(f"backfill must be true or false, got {backfill!r}")
        self.order_policy = order
        self.placement = placement
        self.multiplexing = multiplexing if multiplexing is not None else (Exclusive() if exclusive else Shared())
        self.backfill = backfill
        self._bind_hooks()

    def _bind_hooks(self) -> None:
        """The per-round and per-assignment hooks that some level (or subclass) overrides, bound once."""
        levels = self.levels
        self._round_hooks = [lv.begin_round for lv in levels if type(lv).begin_round is not Level.begin_round]
        self._assign_hooks = [lv.assigned for lv in levels if type(lv).assigned is not Level.assigned]
        if type(self).before_round is not PolicyScheduler.before_round:
            self._round_hooks.append(self.before_round)
        if type(self).after_assign is not PolicyScheduler.after_assign:
            self._assign_hooks.append(self.after_assign)

    @property
    def exclusive(self) -> bool:  # type: ignore[override]
        return self.multiplexing.exclusive

    @property
    def levels(self) -> tuple[Level, Level, Level]:
        """Order, placement and multiplexing."""
        return (self.order_policy, self.placement, self.multiplexing)

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:
        self._bind_hooks()
        children = seed.spawn(3) if seed is not None else (None, None, None)
        for level, child in zip(self.levels, children, strict=True):
            level.reset(child)

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        for hook in self._round_hooks:
            hook(snapshot)
        decisions: list[Assignment] = []
        order, placement = self.order_policy, self.placement
        for queue in snapshot.queue_views():
            for job in order.order(snapshot, queue):
                decision = placement.place(job, snapshot)
                if isinstance(decision, Assignment):
                    snapshot.claim(decision)
                    decisions.append(decision)
                    for on_assign in self._assign_hooks:
                        on_assign(decision, snapshot)
                    continue
                if decision is INFEASIBLE or (self.backfill and snapshot.has_capacity()):
                    continue
                break
        return decisions

    def before_round(self, snapshot: Snapshot) -> None:  # noqa: B027
        """Hook for subclasses: called at the start of every round."""

    def after_assign(self, assignment: Assignment, snapshot: Snapshot) -> None:  # noqa: B027
        """Hook for subclasses: called after each assignment of the round."""

    def describe(self) -> dict:
        return {
            "name": recorded_name(self) if type(self) is not PolicyScheduler or "name" in vars(self) else "composed",
            "order": self.order_policy.describe(),
            "placement": self.placement.describe(),
            "multiplexing": self.multiplexing.describe(),
            "backfill": self.backfill,
            "exclusive": self.exclusive,
        }


__all__ = [
    "BestFidelityPlacement", "Decision", "DeviceView", "Exclusive", "FifoOrder", "INFEASIBLE", "Infeasible",
    "Level", "Multiplexing", "Placement", "PolicyScheduler", "QueueOrder", "Scheduler", "Shared", "WAIT",
    "Wait", "feasible_somewhere",
]
