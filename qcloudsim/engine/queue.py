"""The cloud's waiting queues: one global queue, or one per device as IBM Quantum runs them.

:class:`JobQueue` keeps waiting jobs in order with O(1) append, head and
removal. Removal is lazy: each entry carries a token, and an entry is live
only while the job's current token is that entry's; a removed (or requeued)
job's old entry is skipped by iteration, dropped when it reaches the head,
and the deque is compacted when stale entries outnumber live ones. So a job
taken out and put back is never listed twice.

:class:`QueueSet` is the queue topology of a simulation:

* ``global`` — every job waits in one queue (today's default);
* ``per_device`` — a job that names its target device (``pinned_device``)
  waits in that device's queue; jobs without a target wait in the shared
  queue that every device draws from. Each queue is ordered on its own, so
  a pinned job never waits behind another device's work.

Tokens grow with every append and shrink with every requeue (a requeued
job goes to the head), so merging the queues by token gives one global
order: arrival order, with requeued jobs first.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator, Mapping
from operator import itemgetter
from typing import Literal

from qcloudsim.workload.job import Job

Topology = Literal["global", "per_device"]

_job_of = itemgetter(1)
"""The job of a ``(token, job)`` queue entry."""


class _Tokens:
    """Shared token source of the queues of one simulation."""

    __slots__ = ("back", "front")

    def __init__(self) -> None:
        self.back = 0
        self.front = 0


class JobQueue:
    """Waiting jobs in order (a :class:`~qcloudsim.schedulers.snapshot.QueueView`).

    Args:
        name: The device the queue belongs to (``None``: the shared queue).
    """

    __slots__ = ("name", "_items", "_live", "_tokens")

    def __init__(self, name: str | None = None, tokens: _Tokens | None = None) -> None:
        self.name = name
        self._items: deque[tuple[int, Job]] = deque()
        self._live: dict[int, int] = {}
        self._tokens = tokens or _Tokens()

    def append(self, job: Job) -> None:
        """Enqueue ``job`` at the tail."""
        if job.id in self._live:
            raise ValueError(f"job {job.id} is already queued")
        tokens = self._tokens
        tokens.back += 1
        self._items.append((tokens.back, job))
        self._live[job.id] = tokens.back

    def requeue(self, job: Job) -> None:
        """Put an interrupted job back at the head."""
        if job.id in self._live:
            raise ValueError(f"job {job.id} is already queued")
        tokens = self._tokens
        tokens.front -= 1
        self._items.appendleft((tokens.front, job))
        self._live[job.id] = tokens.front

    def __contains__(self, job: Job) -> bool:
        return job.id in self._live

    def remove(self, job: Job) -> None:
        """Take ``job`` out of the queue.

        Raises:
            KeyError: If it is not queued.
        """
        del self._live[job.id]
        items, live = self._items, self._live
        while items and live.get(items[0][1].id) != items[0][0]:
            items.popleft()
        if len(items) > 64 and len(items) > 2 * len(live):
            self._items = deque(e for e in items if live.get(e[1].id) == e[0])

    def head(self) -> Job | None:
        """The first waiting job, or ``None``."""
        return self._items[0][1] if self._items else None

    def is_live(self, token: int, job: Job) -> bool:
        """Whether the entry ``(token, job)`` is still waiting (not removed, not superseded)."""
        return self._live.get(job.id) == token

    def entries_since(self, back: int, front: int) -> tuple[list[tuple[int, Job]], int, int]:
        """Live entries added after an index last saw tokens ``back`` (tail) and ``front`` (head).

        Returns the new entries and the tokens to remember. Cost: the number of
        new entries, not the queue length (appends have growing tokens at the
        tail, requeues shrinking tokens at the head).
        """
        items, live = self._items, self._live
        new: list[tuple[int, Job]] = []
        for entry in reversed(items):
            if entry[0] <= back:
                break
            if live.get(entry[1].id) == entry[0]:
                new.append(entry)
        for entry in items:
            if entry[0] >= front:
                break
            if live.get(entry[1].id) == entry[0]:
                new.append(entry)
        return new, max(back, self._tokens.back), min(front, self._tokens.front)

    def entries(self) -> Iterator[tuple[int, Job]]:
        """Live ``(token, job)`` pairs in order."""
        live = self._live
        return (e for e in self._items if live.get(e[1].id) == e[0])

    def __iter__(self) -> Iterator[Job]:
        items = self._items
        if len(items) == len(self._live):  # every entry is live (one per queued job): no filtering
            return map(_job_of, items)
        live = self._live
        return (job for token, job in items if live.get(job.id) == token)

    def __len__(self) -> int:
        return len(self._live)


class MergedQueue:
    """Read-only view of several queues in one global order (a ``QueueView``)."""

    __slots__ = ("_queues",)

    def __init__(self, queues: tuple[JobQueue, ...]) -> None:
        self._queues = queues

    def __iter__(self) -> Iterator[Job]:
        busy = [q for q in self._queues if len(q)]
        if len(busy) == 1:
            return iter(busy[0])
        return (job for _, job in heapq.merge(*(q.entries() for q in busy), key=lambda e: e[0]))

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues)

    def head(self) -> Job | None:
        best: tuple[int, Job] | None = None
        for queue in self._queues:
            for entry in queue.entries():
                if best is None or entry[0] < best[0]:
                    best = entry
                break
        return None if best is None else best[1]


class QueueSet:
    """The queues of one simulation (see the module doc).

    Args:
        topology: ``global`` or ``per_device``.
        devices: Device names (fleet order).
    """

    def __init__(self, topology: Topology, devices: tuple[str, ...]) -> None:
        if topology not in ("global", "per_device"):
            raise ValueError(f"queue topology must be 'global' or 'per_device', got {topology!r}")
        self.topology = topology
        tokens = _Tokens()
        self.shared = JobQueue(None, tokens)
        self.by_device: Mapping[str, JobQueue] = (
            {name: JobQueue(name, tokens) for name in devices} if topology == "per_device" else {}
        )
        self._all = (self.shared, *self.by_device.values())
        self.view = self.shared if topology == "global" else MergedQueue(self._all)

    def queue_of(self, job: Job) -> JobQueue:
        """The queue ``job`` waits in."""
        if self.topology == "per_device":
            target = job.submission.pinned_device
            if target is not None and target in self.by_device:
                return self.by_device[target]
        return self.shared

    def add(self, job: Job) -> None:
        """Enqueue a new job at the tail of its queue."""
        self.queue_of(job).append(job)

    def requeue(self, job: Job) -> None:
        """Put an interrupted job at the head of its queue."""
        self.queue_of(job).requeue(job)

    def remove(self, job: Job) -> None:
        """Take ``job`` out of its queue (``KeyError`` if not queued)."""
        self.queue_of(job).remove(job)

    def __contains__(self, job: Job) -> bool:
        return job in self.queue_of(job)

    def __len__(self) -> int:
        if not self.by_device:
            return len(self.shared)
        return sum(len(q) for q in self._all)

    def __iter__(self) -> Iterator[Job]:
        return iter(self.view)

    def queues(self) -> tuple[JobQueue, ...]:
        """Every queue: the per-device queues (fleet order), then the shared one."""
        return (*self.by_device.values(), self.shared)
