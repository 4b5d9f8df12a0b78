"""Queue orders beyond FIFO: shortest job first, priority, earliest deadline first.

Each order is a :class:`~qcloudsim.schedulers.base.QueueOrder` and each is
registered as a scheduler that combines it with
:class:`~qcloudsim.schedulers.base.BestFidelityPlacement`.

Cost. A non-FIFO order has to look at the whole queue: every round builds
one key per waiting job and heapifies them (``O(Q)``), then yields jobs
lazily by popping the heap (``O(log Q)`` per job the scheduler actually
considers). That is one heap build per round, never a sort per job; a
round that stops after the first job costs ``O(Q)``, not ``O(Q log Q)``.

Backfilling. The registered schedulers default to ``backfill=True``: with
head-of-line blocking, a reordered queue whose first job cannot start
(too large for the free devices, pinned to a busy device) would hold every
other job back, and the reordering would rarely change anything but who
blocks. ``backfill=False`` restores strict order.

Sources: SJF and EDF as in Silberschatz, Galvin & Gagne, *Operating System
Concepts*, ch. 5 (CPU scheduling) and Liu & Layland, JACM 20(1), 1973
(EDF); non-preemptive priority with FIFO tie-break as in the same chapter.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from qcloudsim.schedulers.base import BestFidelityPlacement, PolicyScheduler, QueueOrder
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import QueueView, Snapshot
from qcloudsim.workload.job import Job


def reference_runtime_s(job: Job, snapshot: Snapshot) -> float:
    """A device-independent estimate of ``job``'s QPU time (s).

    ``job.service_s`` when given (it is exactly what the engine will charge).
    Otherwise the runtime model on the *reference device*: the job's pinned
    device if it is pinned, else the first device in fleet order that has a
    connected region of the job's size. The region is the device's best
    region with all qubits free, so the value does not depend on the
    current occupancy (an order that flickers with occupancy would reorder
    the queue every round) and it hits the estimator's cache. Runtime is
    dominated by shots × repetition delay plus the per-job overhead, which
    differ little between devices, so one reference device ranks jobs well.

    Returns ``inf`` when no device can ever hold the job (the engine rejects
    such jobs at arrival, so this does not happen in a simulation).
    """
    if job.service_s is not None:
        return job.service_s
    for device in snapshot.devices:
        if not snapshot.allowed(job, device):
            continue
        quote = snapshot.reference_quote(job, device)
        if quote is not None:
            return snapshot.runtime_s(job, quote)
    return math.inf


class KeyedOrder(QueueOrder):
    """Queue order by an ascending key, ties in queue (FIFO) order.

    Subclasses define :meth:`key`. When the key of a waiting job does not
    change while it waits (``indexed = True``; it may depend on the fleet's
    calibrations, see :meth:`epoch`), the order keeps a heap per queue across
    rounds with lazy invalidation: a round adds only the jobs that arrived
    since the last one and pops only the jobs it considers, ``O((new +
    considered) log Q)``, never ``O(Q)``. Otherwise (or for a queue that is
    not the engine's) every round heapifies the whole queue.
    """

    indexed = True
    """The key of a waiting job is fixed for an epoch (see :meth:`epoch`)."""

    def key(self, job: Job, snapshot: Snapshot) -> Any:
        """Sort key of ``job`` (smaller goes first)."""
        raise NotImplementedError

    def epoch(self, snapshot: Snapshot) -> Any:
        """What the keys depend on besides the job (default: nothing); a new epoch rebuilds the heaps."""
        return None

    def reset(self, seed: Any = None) -> None:
        self._indexes: dict[int, _QueueIndex] = {}

    def order(self, snapshot: Snapshot, queue: QueueView | None = None) -> Iterable[Job]:
        jobs = snapshot.queue if queue is None else queue
        if self.indexed and hasattr(jobs, "entries_since"):
            indexes = self.__dict__.setdefault("_indexes", {})
            index = indexes.get(id(jobs))
            epoch = self.epoch(snapshot)
            if index is None or index.queue is not jobs or index.epoch != epoch:
                index = indexes[id(jobs)] = _QueueIndex(jobs, epoch)
            return index.iterate(self.key, snapshot)
        key = self.key
        heap = [(key(job, snapshot), seq, job) for seq, job in enumerate(jobs)]
        heapq.heapify(heap)
        return _drain(heap)


def _drain(heap: list[tuple[Any, int, Job]]) -> Iterator[Job]:
    while heap:
        yield heapq.heappop(heap)[2]


class _QueueIndex:
    """A heap of ``(key, token, job)`` over one engine queue, kept across rounds (lazy deletion)."""

    __slots__ = ("queue", "epoch", "heap", "back", "front", "taken")

    def __init__(self, queue: Any, epoch: Any) -> None:
        self.queue = queue
        self.epoch = epoch
        self.heap: list[tuple[Any, int, Job]] = []
        self.back = 0  # tokens: appends count up from 1, requeues down from -1
        self.front = 0
        self.taken: list[tuple[Any, int, Job]] = []

    def iterate(self, key: Any, snapshot: Snapshot) -> Iterator[Job]:
        heap, queue = self.heap, self.queue
        for entry in self.taken:  # considered last round; those that started are stale now
            heapq.heappush(heap, entry)
        self.taken = []
        new, self.back, self.front = queue.entries_since(self.back, self.front)
        for token, job in new:
            heapq.heappush(heap, (key(job, snapshot), token, job))
        if len(heap) > 64 and len(heap) > 2 * len(queue):
            heap[:] = [e for e in heap if queue.is_live(e[1], e[2])]
            heapq.heapify(heap)
        return self._pop(heap, queue)

    def _pop(self, heap: list[tuple[Any, int, Job]], queue: Any) -> Iterator[Job]:
        taken = self.taken
        while heap:
            entry = heapq.heappop(heap)
            if queue.is_live(entry[1], entry[2]):
                taken.append(entry)
                yield entry[2]


class ShortestJobFirstOrder(KeyedOrder):
    """Shortest estimated runtime first (FIFO among equal runtimes).

    The runtime is :func:`reference_runtime_s`: device independent, so the
    order is stable while devices fill and drain; it changes with the
    fleet's calibrations (the epoch of the index).
    """

    name = "sjf"

    def epoch(self, snapshot: Snapshot) -> Any:
        return tuple(d.calibration.version for d in snapshot.devices)

    def key(self, job: Job, snapshot: Snapshot) -> float:
        return reference_runtime_s(job, snapshot)


class PriorityOrder(KeyedOrder):
    """Higher ``Job.priority`` first (larger is more urgent), FIFO among equals."""

    name = "priority"

    def key(self, job: Job, snapshot: Snapshot) -> int:
        return -job.priority


class EarliestDeadlineOrder(KeyedOrder):
    """Earliest ``Job.deadline_s`` first; jobs without a deadline last; FIFO ties."""

    name = "edf"

    def key(self, job: Job, snapshot: Snapshot) -> float:
        return math.inf if job.deadline_s is None else job.deadline_s


class _OrderedScheduler(PolicyScheduler):
    """An order from :attr:`order_factory` with best-fidelity placement."""

    order_factory: Callable[[], QueueOrder]

    def __init__(self, backfill: bool = True, multiprogramming: bool = False) -> None:
        if not isinstance(backfill, bool):
            raise ValueError(f"scheduler {self.name!r}: backfill must be true or false, got {backfill!r}")
        super().__init__(
            type(self).order_factory(), BestFidelityPlacement(), backfill=backfill, exclusive=not multiprogramming
        )


@register("sjf")
class SJFScheduler(_OrderedScheduler):
    """Shortest (estimated) job first, best-fidelity placement, backfilling.

    Source: non-preemptive SJF (Silberschatz et al., *Operating System
    Concepts*, ch. 5); runtime from :func:`reference_runtime_s`.

    Args:
        backfill: Let later jobs start when an earlier one cannot (default true).
    """

    order_factory = ShortestJobFirstOrder


@register("priority")
class PriorityScheduler(_OrderedScheduler):
    """Highest ``Job.priority`` first (FIFO ties), best-fidelity placement, backfilling.

    Source: non-preemptive priority scheduling (Silberschatz et al., ch. 5).

    Args:
        backfill: Let later jobs start when an earlier one cannot (default true).
    """

    order_factory = PriorityOrder


@register("edf")
class EDFScheduler(_OrderedScheduler):
    """Earliest deadline first (no deadline = last, FIFO ties), best-fidelity placement.

    Source: Liu & Layland, "Scheduling algorithms for multiprogramming in a
    hard-real-time environment", JACM 20(1), 1973 (non-preemptive variant).

    Args:
        backfill: Let later jobs start when an earlier one cannot (default true).
    """

    order_factory = EarliestDeadlineOrder
