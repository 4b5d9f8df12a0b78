"""The discrete-event engine (SimPy owns the clock; time unit: seconds).

Processes and events:

* an **arrival process** pulls jobs lazily from the workload iterator and
  submits each at its ``arrival_s``;
* a **downtime process** per QPU with maintenance windows takes the QPU
  down and up again;
* each job run is a SimPy timeout whose callback completes it;
* a **scheduling round** runs after every arrival, completion and device
  state change (several triggers at one instant coalesce into one round):
  the engine builds a :class:`~qcloudsim.schedulers.snapshot.Snapshot`,
  calls ``scheduler.decide`` and starts the returned assignments after
  checking them.

Invariants the engine enforces (violations raise :class:`SchedulingError`
— a scheduler bug, not a user error): an assignment names a queued job, an
available device, free and connected qubits, one per logical qubit, and a
run that ends before the device's next downtime.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import networkx as nx
import simpy

from qcloudsim.devices.device import Device
from qcloudsim.engine.monitor import Monitor, overridden_hooks
from qcloudsim.engine.qpu import QPU, DeviceState, Run
from qcloudsim.engine.queue import JobQueue
from qcloudsim.models.estimator import Estimator
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.snapshot import Assignment, Snapshot
from qcloudsim.workload.job import Job, JobStatus

Window = tuple[float, float]


class SchedulingError(RuntimeError):
    """A scheduler returned an assignment the engine cannot carry out."""


class Simulation:
    """One simulation run.

    Args:
        devices: The fleet (names must be unique).
        scheduler: Decision policy.
        jobs: Jobs in non-decreasing ``arrival_s`` order; consumed lazily.
        estimator: Cached models.
        monitors: Observers of engine events.
        downtime: Maintenance windows ``(start_s, end_s)`` per device name.
        horizon_s: Stop the clock here; jobs still waiting or running then
            end ``FAILED`` with a reason. ``None`` runs until all work is done.
    """

    def __init__(
        self,
        devices: Sequence[Device],
        scheduler: Scheduler,
        jobs: Iterable[Job],
        estimator: Estimator | None = None,
        monitors: Sequence[Monitor] = (),
        downtime: Mapping[str, Sequence[Window]] | None = None,
        horizon_s: float | None = None,
    ) -> None:
        names = [d.name for d in devices]
        if not names:
            raise ValueError("the fleet has no devices")
        if len(set(names)) != len(names):
            raise ValueError(f"device names must be unique in a fleet, got {names}")
        self.env = simpy.Environment()
        self.scheduler = scheduler
        self.estimator = estimator or Estimator()
        self.qpus = tuple(QPU(i, d) for i, d in enumerate(devices))
        self._by_name = {q.name: q for q in self.qpus}
        self.queue = JobQueue()
        self.horizon_s = horizon_s
        self._jobs = iter(jobs)
        self._round_pending = False
        self._active_runs: dict[int, Run] = {}
        self._largest = {q.name: _largest_component(q.device) for q in self.qpus}
        self._downtime = _check_downtime(downtime or {}, self._by_name)
        self._hooks: dict[str, list[Callable]] = {}
        for monitor in monitors:
            for hook, method in overridden_hooks(monitor).items():
                self._hooks.setdefault(hook, []).append(method)
        self.submitted = 0
        self.finished = False

    # -- running ---------------------------------------------------------------

    def run(self) -> None:
        """Run to completion (or to the horizon)."""
        if self.finished:
            raise RuntimeError("a Simulation runs once; build a new one")
        self.scheduler.reset()
        self.env.process(self._arrivals())
        for qpu in self.qpus:
            windows = self._downtime.get(qpu.name)
            if windows:
                qpu.next_down_s = windows[0][0]
                self.env.process(self._maintenance(qpu, windows))
        self.env.run(until=self.horizon_s)
        self._close()

    def _arrivals(self):
        env = self.env
        last = 0.0
        for job in self._jobs:
            if job.arrival_s < last:
                raise ValueError(
                    f"job {job.id} arrives at {job.arrival_s} s, before the previous job "
                    f"({last} s): jobs must be sorted by arrival time"
                )
            last = job.arrival_s
            delay = job.arrival_s - env.now
            if delay > 0:
                yield env.timeout(delay)
            self._submit(job)

    def _maintenance(self, qpu: QPU, windows: Sequence[Window]):
        env = self.env
        for i, (start, end) in enumerate(windows):
            if start > env.now:
                yield env.timeout(start - env.now)
            qpu.available = False
            self._emit_state(qpu, DeviceState.DOWN)
            yield env.timeout(end - env.now)
            qpu.available = True
            qpu.next_down_s = windows[i + 1][0] if i + 1 < len(windows) else math.inf
            self._emit_state(qpu, DeviceState.IDLE)
            self._request_round()

    # -- job lifecycle -----------------------------------------------------------

    def _submit(self, job: Job) -> None:
        self.submitted += 1
        now = self.env.now
        for hook in self._hooks.get("on_arrival", ()):
            hook(job, now)
        needed = job.profile.num_qubits
        if job.pinned_device is not None:
            if job.pinned_device not in self._largest:
                self._leave(job, JobStatus.REJECTED, f"pinned to device {job.pinned_device!r}, which is not in the fleet")
                return
            if self._largest[job.pinned_device] < needed:
                self._leave(
                    job, JobStatus.REJECTED,
                    f"needs {needed} connected qubits; its pinned device {job.pinned_device} has "
                    f"{self._largest[job.pinned_device]}",
                )
                return
        elif not any(size >= needed for size in self._largest.values()):
            best = max(self._largest, key=self._largest.__getitem__)
            self._leave(
                job,
                JobStatus.REJECTED,
                f"needs {needed} connected qubits; the largest connected region in the fleet "
                f"has {self._largest[best]} ({best})",
            )
            return
        self.queue.append(job)
        self._request_round()

    def _leave(self, job: Job, status: JobStatus, reason: str) -> None:
        job.status = status
        job.reason = reason
        job.end_s = self.env.now
        now = self.env.now
        for hook in self._hooks.get("on_reject", ()):
            hook(job, now)

    def _request_round(self) -> None:
        if not self._round_pending:
            self._round_pending = True
            self.env.timeout(0).callbacks.append(self._round)

    def _round(self, _event: simpy.Event) -> None:
        self._round_pending = False
        if not len(self.queue):
            return
        exclusive = self.scheduler.exclusive
        for qpu in self.qpus:
            if qpu.available and (not qpu._runs if exclusive else qpu._free):
                break
        else:
            return
        snapshot = Snapshot(self.env.now, self.queue, self.qpus, self.estimator, exclusive, self._by_name)
        for assignment in self.scheduler.decide(snapshot):
            self._start(assignment)

    def _start(self, assignment: Assignment) -> None:
        job, now = assignment.job, self.env.now
        qpu = self._by_name.get(assignment.device)
        if qpu is None:
            raise SchedulingError(f"assignment of job {job.id} names unknown device {assignment.device!r}")
        if job not in self.queue:
            raise SchedulingError(f"job {job.id} is not waiting in the queue")
        if not qpu.available:
            raise SchedulingError(f"{qpu.name} is down; job {job.id} cannot start")
        if job.pinned_device is not None and job.pinned_device != qpu.name:
            raise SchedulingError(f"job {job.id} is pinned to {job.pinned_device}, not {qpu.name}")
        if self.scheduler.exclusive and qpu.running:
            raise SchedulingError(f"{qpu.name} is busy and the scheduler is exclusive")
        qubits = tuple(assignment.qubits)
        if len(qubits) != job.profile.num_qubits:
            raise SchedulingError(
                f"job {job.id} needs {job.profile.num_qubits} qubits, assignment gives {len(qubits)}"
            )
        if any(not (0 <= q < qpu.num_qubits) for q in qubits):
            raise SchedulingError(f"assignment of job {job.id} names qubits outside {qpu.name}")
        if len(qubits) > 1 and not self.estimator.stats(qpu.calibration, qubits).connected:
            raise SchedulingError(f"qubits {qubits} of job {job.id} are not connected on {qpu.name}")
        estimate = self.estimator.estimate(job.profile, qpu.calibration, qubits, qpu.device.rep_delay_s)
        if job.service_s is not None:
            runtime = job.service_s
        else:
            runtime = self.estimator.runtime_s(estimate, job.shots, job.circuits)
        if now + runtime > qpu.next_down_s:
            raise SchedulingError(
                f"job {job.id} would run until {now + runtime:.3f} s, past the start of "
                f"{qpu.name}'s downtime at {qpu.next_down_s:.3f} s"
            )
        run = Run(job, qpu, qubits, now, now + runtime, estimate)
        qpu.hold(run)
        self.queue.remove(job, JobStatus.RUNNING)
        job.start_s = now
        job.device = qpu.name
        job.qubits = qubits
        job.fidelity = estimate.fidelity
        self._active_runs[job.id] = run
        for hook in self._hooks.get("on_start", ()):
            hook(run, now)
        self.env.timeout(runtime, value=run).callbacks.append(self._finish)

    def _finish(self, event: simpy.Event) -> None:
        run: Run = event.value
        if run.cancelled:
            return
        now = self.env.now
        run.qpu.release(run)
        del self._active_runs[run.job.id]
        job = run.job
        job.status = JobStatus.COMPLETED
        job.end_s = now
        for hook in self._hooks.get("on_finish", ()):
            hook(run, now)
        self._request_round()

    def _emit_state(self, qpu: QPU, state: str) -> None:
        now = self.env.now
        for hook in self._hooks.get("on_device_state", ()):
            hook(qpu, state, now)

    def _close(self) -> None:
        now = self.env.now
        for run in list(self._active_runs.values()):
            run.cancelled = True
            run.qpu.release(run)
            run.job.status = JobStatus.FAILED
            run.job.reason = f"still running at the horizon ({self.horizon_s} s)"
            run.job.end_s = now
            for hook in self._hooks.get("on_finish", ()):
                hook(run, now)
        self._active_runs.clear()
        for job in list(self.queue):
            self.queue.remove(job, JobStatus.FAILED)
            self._leave(job, JobStatus.FAILED, f"still waiting at the horizon ({self.horizon_s} s)")
        for hook in self._hooks.get("on_end", ()):
            hook(now)
        self.finished = True

    @property
    def now(self) -> float:
        """Simulation time (s)."""
        return self.env.now


def _largest_component(device: Device) -> int:
    graph = device.coupling_graph
    return max((len(c) for c in nx.connected_components(graph)), default=0)


def _check_downtime(
    downtime: Mapping[str, Sequence[Window]], by_name: Mapping[str, QPU]
) -> dict[str, list[Window]]:
    checked: dict[str, list[Window]] = {}
    for name, windows in downtime.items():
        if name not in by_name:
            raise ValueError(f"downtime names device {name!r}, which is not in the fleet")
        ordered = sorted((float(s), float(e)) for s, e in windows)
        previous_end = -math.inf
        for start, end in ordered:
            if not (0 <= start < end) or start < previous_end:
                raise ValueError(
                    f"downtime window ({start}, {end}) of {name!r} must satisfy 0 <= start < end "
                    "and not overlap another window"
                )
            previous_end = end
        checked[name] = ordered
    return checked
