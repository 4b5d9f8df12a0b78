"""IBM-style fair-share scheduling.

Source: IBM Quantum documentation, "Fair-share scheduler"
(https://quantum.cloud.ibm.com/docs/guides/fair-share-scheduler) and
"Set instance allocation limits": every instance has an allocation; QPU
time used is accounted over a rolling window (28 days); the next job comes
from the instance whose usage is smallest relative to its allocation, and
jobs of one instance run in submission order. The classic documentation
describes the hierarchy hub → group → project with shares assigned at each
level; this module models two levels.

Choices made here (documented in ``docs/schedulers.md``):

* **Hierarchy.** ``Job.group`` is read as a path ``"group/project"``, split
  on the first ``"/"`` (``"physics/alpha"`` → group ``physics``, project
  ``alpha``; a plain ``"physics"`` is project ``""`` of ``physics``). The
  next job comes from the group with the smallest ``usage / share`` among
  groups with waiting jobs, then from that group's project with the
  smallest ``usage / share``, then the oldest job of that project.
  Ties go to the group (project) whose oldest waiting job arrived first,
  so with no usage at all the order is FIFO.
* **Allocations.** ``allocations`` maps ``"group"`` to its share among
  groups and ``"group/project"`` to its share among its group's projects.
  Shares are relative weights (only ratios matter); names not listed get
  ``default_share``.
* **Accounting.** Usage is charged when the scheduler assigns a job, with
  the snapshot's runtime estimate for the chosen device and qubits (the
  engine charges exactly that time, so the estimate is the true QPU time
  unless a run is cut at the horizon). A charge leaves the window
  ``window_s`` after it was made (a charge made at ``t`` counts while
  ``now - t < window_s``), kept in a deque, so expiry is amortised O(1).
  Usage within a round is updated after each assignment, so one round can
  interleave groups.
* **State.** The scheduler is pure over snapshots apart from this ledger,
  which :meth:`FairShareScheduler.reset` clears before each run.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator, Mapping

import numpy as np

from qcloudsim.schedulers.base import BestFidelityPlacement, PolicyScheduler, QueueOrder
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import Assignment, QueueView, Snapshot
from qcloudsim.workload.job import Job

DAY_S = 86_400.0
"""Seconds per day."""


def split_group(path: str) -> tuple[str, str]:
    """``"group/project"`` → ``("group", "project")``; ``"group"`` → ``("group", "")``."""
    group, _, project = path.partition("/")
    return group, project


class UsageLedger:
    """QPU time charged per group and project over a rolling window.

    Args:
        window_s: Length of the rolling window (s, > 0; ``inf`` never forgets).
    """

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._charges: deque[tuple[float, str, str, float]] = deque()
        self._group: dict[str, float] = {}
        self._project: dict[tuple[str, str], float] = {}
        self._count: dict[str, int] = {}

    def clear(self) -> None:
        """Forget all charges."""
        self._charges.clear()
        self._group.clear()
        self._project.clear()
        self._count.clear()

    def charge(self, now: float, group: str, project: str, seconds: float) -> None:
        """Charge ``seconds`` of QPU time to ``group/project`` at time ``now``."""
        self._charges.append((now, group, project, seconds))
        self._group[group] = self._group.get(group, 0.0) + seconds
        self._project[(group, project)] = self._project.get((group, project), 0.0) + seconds
        self._count[group] = self._count.get(group, 0) + 1

    def expire(self, now: float) -> None:
        """Drop charges made at or before ``now - window_s``."""
        charges, horizon = self._charges, now - self.window_s
        while charges and charges[0][0] <= horizon:
            _, group, project, seconds = charges.popleft()
            self._count[group] -= 1
            if self._count[group] == 0:
                # exact zero instead of accumulated rounding error
                del self._count[group]
                self._group.pop(group, None)
                for key in [k for k in self._project if k[0] == group]:
                    del self._project[key]
            else:
                self._group[group] -= seconds
                self._project[(group, project)] -= seconds

    def group_usage(self, group: str) -> float:
        """Charged QPU time of ``group`` in the window (s)."""
        return self._group.get(group, 0.0)

    def project_usage(self, group: str, project: str) -> float:
        """Charged QPU time of ``group/project`` in the window (s)."""
        return self._project.get((group, project), 0.0)

    def by_group(self) -> dict[str, float]:
        """Usage per group (groups with charges in the window only)."""
        return {g: max(0.0, u) for g, u in sorted(self._group.items())}


class FairShareOrder(QueueOrder):
    """Hierarchical fair-share order with its own :class:`UsageLedger`.

    The order is re-evaluated after every job it yields, so charges made
    between two jobs of one round (:meth:`assigned`) are seen. The per-group,
    per-project FIFOs of an engine queue are kept across rounds (new jobs are
    added, started ones dropped lazily), so a round costs ``O(G + P)`` to set
    up and ``O(G + P)``
    per job considered (``G`` groups, ``P`` projects of the chosen group
    with waiting jobs).

    Args:
        ledger: Usage accounting (a new one over ``window_s`` if ``None``).
        allocations: ``{"group": share, "group/project": share}``.
        default_share: Share of names not in ``allocations``.
        window_s: Rolling window of a new ledger (s).
    """

    name = "fairshare"

    def __init__(
        self,
        ledger: UsageLedger | None = None,
        allocations: Mapping[str, float] | None = None,
        default_share: float = 1.0,
        window_s: float = 28 * DAY_S,
    ) -> None:
        allocations = dict(allocations or {})
        for path, share in allocations.items():
            if not isinstance(path, str) or not path or path.count("/") > 1 or path.endswith("/"):
                raise ValueError(f"fairshare: allocation key {path!r} must be 'group' or 'group/project'")
            _check_positive(f"allocations[{path!r}]", share)
        _check_positive("default_share", default_share)
        if ledger is None:
            if not (isinstance(window_s, int | float) and not isinstance(window_s, bool) and window_s > 0):
                raise ValueError(f"fairshare: window_s must be a number > 0 (seconds), got {window_s!r}")
            ledger = UsageLedger(float(window_s))
        self.ledger = ledger
        self.allocations = {k: float(v) for k, v in allocations.items()}
        self.default_share = float(default_share)

    def params(self) -> dict:
        return {
            "allocations": dict(self.allocations), "default_share": self.default_share,
            "window_s": self.ledger.window_s,
        }

    def begin_round(self, snapshot: Snapshot) -> None:
        self.ledger.expire(snapshot.now)

    def assigned(self, assignment: Assignment, snapshot: Snapshot) -> None:
        """Charge the assignment's QPU time (its quote's runtime) to the job's group and project."""
        job = assignment.job
        quote = assignment.quote
        if quote is None:
            quote = snapshot.estimate(job, snapshot.device(assignment.device), assignment.qubits)
        seconds = job.service_s if quote is None else snapshot.runtime_s(job, quote)
        group, project = split_group(job.group)
        self.ledger.charge(snapshot.now, group, project, float(seconds or 0.0))

    def share(self, path: str) -> float:
        """Share of ``"group"`` or ``"group/project"``."""
        return self.allocations.get(path, self.default_share)

    def order(self, snapshot: Snapshot, queue: QueueView | None = None) -> Iterator[Job]:
        jobs = snapshot.queue if queue is None else queue
        if hasattr(jobs, "entries_since"):
            indexes = self.__dict__.setdefault("_indexes", {})
            index = indexes.get(id(jobs))
            if index is None or index.queue is not jobs:
                index = indexes[id(jobs)] = _FairIndex(jobs)
            buckets = index.cursors()
        else:
            lists: dict[str, dict[str, list[tuple[int, Job]]]] = {}
            for seq, job in enumerate(jobs):
                group, project = split_group(job.group)
                lists.setdefault(group, {}).setdefault(project, []).append((seq, job))
            buckets = {g: {p: _Cursor(iter(fifo), None) for p, fifo in ps.items()} for g, ps in lists.items()}
        return self._pick(buckets)

    def _pick(self, buckets: dict[str, dict[str, _Cursor]]) -> Iterator[Job]:
        ledger = self.ledger
        while buckets:
            group = min(
                buckets,
                key=lambda g: (ledger.group_usage(g) / self.share(g), min(c.token for c in buckets[g].values())),
            )
            projects = buckets[group]
            project = min(
                projects,
                key=lambda p: (
                    ledger.project_usage(group, p) / self.share(f"{group}/{p}" if p else group),
                    projects[p].token,
                ),
            )
            cursor = projects[project]
            job = cursor.job
            assert job is not None  # a cursor stays in ``projects`` only while it points at a live job
            yield job
            if not cursor.advance():
                del projects[project]
                if not projects:
                    del buckets[group]

    def reset(self, seed: np.random.SeedSequence | None = None) -> None:
        self.ledger.clear()
        self._indexes: dict[int, _FairIndex] = {}


class _Cursor:
    """The next live job of one project's FIFO, within one round."""

    __slots__ = ("_entries", "_live", "token", "job")

    def __init__(self, entries, live) -> None:
        self._entries = entries
        self._live = live
        self.token = -1
        self.job: Job | None = None
        self.advance()

    def advance(self) -> bool:
        """Move to the next live job; False when there is none."""
        live = self._live
        for token, job in self._entries:
            if live is None or live(token, job):
                self.token, self.job = token, job
                return True
        self.job = None
        return False


class _FairIndex:
    """Per-group, per-project FIFOs of one engine queue, kept across rounds (lazy deletion)."""

    __slots__ = ("queue", "buckets", "back", "front", "entries")

    def __init__(self, queue) -> None:
        self.queue = queue
        self.buckets: dict[str, dict[str, deque[tuple[int, Job]]]] = {}
        self.back = 0
        self.front = 0
        self.entries = 0

    def _sync(self) -> None:
        queue = self.queue
        if self.entries > 64 and self.entries > 2 * len(queue):  # mostly stale: rebuild
            self.buckets, self.back, self.front, self.entries = {}, 0, 0, 0
        new, self.back, self.front = queue.entries_since(self.back, self.front)
        appended = sorted(e for e in new if e[0] > 0)
        requeued = sorted((e for e in new if e[0] < 0), reverse=True)
        buckets = self.buckets
        for token, job in appended:
            group, project = split_group(job.group)
            buckets.setdefault(group, {}).setdefault(project, deque()).append((token, job))
        for token, job in requeued:
            group, project = split_group(job.group)
            buckets.setdefault(group, {}).setdefault(project, deque()).appendleft((token, job))
        self.entries += len(new)

    def cursors(self) -> dict[str, dict[str, _Cursor]]:
        """This round's cursors (stale heads dropped, empty projects and groups forgotten)."""
        self._sync()
        live = self.queue.is_live
        out: dict[str, dict[str, _Cursor]] = {}
        for group in list(self.buckets):
            projects = self.buckets[group]
            for project in list(projects):
                fifo = projects[project]
                while fifo and not live(*fifo[0]):
                    fifo.popleft()
                    self.entries -= 1
                if not fifo:
                    del projects[project]
                    continue
                out.setdefault(group, {})[project] = _Cursor(iter(fifo), live)
            if not projects:
                del self.buckets[group]
        return out


@register("fairshare")
class FairShareScheduler(PolicyScheduler):
    """Fair share of QPU time between groups (and projects), IBM Quantum style.

    Next job: from the group with the smallest ``usage / share`` over the
    rolling window, then the project with the smallest ratio in that group,
    FIFO within a project; placed on the best-fidelity QPU that can start
    it. See the module doc for the accounting and the hierarchy.

    Source: IBM Quantum documentation, "Fair-share scheduler" (28-day
    rolling window, usage relative to allocation, hub/group/project).

    Args:
        allocations: ``{"group": share, "group/project": share}``; shares > 0.
        default_share: Share of groups and projects not listed (> 0).
        window_s: Rolling accounting window (s, > 0); 28 days by default.
        backfill: Let later jobs start when the chosen one cannot (default
            true: IBM keeps one queue per QPU, so a job waiting for one QPU
            never holds back another QPU).

    Raises:
        ValueError: For a non-positive or non-finite share or window.
    """

    def __init__(
        self,
        allocations: Mapping[str, float] | None = None,
        default_share: float = 1.0,
        window_s: float = 28 * DAY_S,
        backfill: bool = True,
        multiprogramming: bool = False,
    ) -> None:
        order = FairShareOrder(None, allocations, default_share, window_s)
        super().__init__(order, BestFidelityPlacement(), backfill=backfill, exclusive=not multiprogramming)
        self.fair_order = order
        self.ledger = order.ledger
        self.window_s = order.ledger.window_s

    def usage_by_group(self, now: float) -> dict[str, float]:
        """QPU time (s) charged per group within the window ending at ``now``.

        Expires charges older than the window first (time only moves forward
        in a run, so this is safe to call from a monitor).
        """
        self.ledger.expire(now)
        return self.ledger.by_group()

    def describe(self) -> dict:
        return {
            **super().describe(),
            "allocations": dict(self.fair_order.allocations),
            "default_share": self.fair_order.default_share,
            "window_s": self.window_s,
        }


def _check_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
        value > 0 and math.isfinite(value)
    ):
        raise ValueError(f"fairshare: {name} must be a finite number > 0, got {value!r}")
