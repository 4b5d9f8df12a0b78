"""The cloud's waiting queue: arrival order, O(1) append, head and removal.

Removal is lazy: a removed job stays in the underlying deque, marked by its
status, and is skipped by iteration and dropped when it reaches the head;
the deque is compacted when stale entries outnumber live ones. So removing
any job, from the head or the middle, costs O(1) amortised and never
depends on the queue length.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from qcloudsim.workload.job import Job, JobStatus


class JobQueue:
    """Waiting jobs in arrival order (a :class:`~qcloudsim.schedulers.snapshot.QueueView`)."""

    __slots__ = ("_items", "_live", "_ids")

    def __init__(self) -> None:
        self._items: deque[Job] = deque()
        self._live = 0
        self._ids: set[int] = set()

    def append(self, job: Job) -> None:
        """Enqueue ``job`` (its status becomes ``QUEUED``)."""
        if job.id in self._ids:
            raise ValueError(f"job {job.id} is already queued")
        job.status = JobStatus.QUEUED
        self._items.append(job)
        self._ids.add(job.id)
        self._live += 1

    def requeue(self, job: Job) -> None:
        """Put an interrupted job back at the head of the queue."""
        if job.id in self._ids:
            raise ValueError(f"job {job.id} is already queued")
        job.status = JobStatus.QUEUED
        self._items.appendleft(job)
        self._ids.add(job.id)
        self._live += 1

    def __contains__(self, job: Job) -> bool:
        return job.id in self._ids

    def remove(self, job: Job, status: JobStatus) -> None:
        """Take ``job`` out of the queue, setting its new ``status``."""
        if job.id not in self._ids:
            raise KeyError(f"job {job.id} is not queued")
        self._ids.discard(job.id)
        job.status = status
        self._live -= 1
        items = self._items
        while items and items[0].status is not JobStatus.QUEUED:
            items.popleft()
        if len(items) > 64 and len(items) > 2 * self._live:
            self._items = deque(j for j in items if j.status is JobStatus.QUEUED)

    def head(self) -> Job | None:
        """The oldest waiting job, or ``None``."""
        return self._items[0] if self._items else None

    def __iter__(self) -> Iterator[Job]:
        queued = JobStatus.QUEUED
        return (job for job in self._items if job.status is queued)

    def __len__(self) -> int:
        return self._live
