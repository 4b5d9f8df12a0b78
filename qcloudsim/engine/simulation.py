"""The discrete-event engine (SimPy owns the clock; time unit: seconds).

Processes and events:

* an **arrival process** pulls jobs lazily from the workload iterator and
  submits each at its ``arrival_s``;
* **device processes** (:mod:`qcloudsim.engine.dynamics`): maintenance
  windows, calibration cycles, drift, calibration-history replay and random
  outages, each talking to the engine through :meth:`Simulation.plan`,
  :meth:`~Simulation.go_down`, :meth:`~Simulation.go_up` and
  :meth:`~Simulation.set_calibration`;
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

from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.engine import dynamics as dyn
from qcloudsim.engine.classical import ClassicalPool
from qcloudsim.engine.cutting import (
    CutParent,
    CuttingPolicy,
    fragment_jobs,
    make_plan,
    piece_of,
    reconstruct,
)
from qcloudsim.engine.dynamics import DeviceDynamics
from qcloudsim.engine.monitor import Monitor, overridden_hooks
from qcloudsim.engine.programs import program_process
from qcloudsim.engine.qpu import QPU, DeviceState, Run
from qcloudsim.engine.queue import JobQueue
from qcloudsim.hybrid.program import HybridProgram
from qcloudsim.models.estimator import Estimator
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.snapshot import Assignment, Snapshot
from qcloudsim.seeding import SeedStreams
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
        downtime: Maintenance windows ``(start_s, end_s)`` per device name
            (shorthand for ``dynamics`` with only maintenance).
        horizon_s: Stop the clock here; jobs still waiting or running then
            end ``FAILED`` with a reason. ``None`` runs until all work is done
            (with recurring device processes — calibration, drift, outages —
            the clock stops when the last job has left).
        dynamics: How each device changes over time, by device name.
        streams: Random streams for the device processes (seed 0 if ``None``).
        programs: Hybrid programs (:mod:`qcloudsim.engine.programs`).
        classical: Classical pool nodes by kind (``{"cpu": 8, "gpu": 2}``).
        cutting: When to cut circuits (:mod:`qcloudsim.engine.cutting`).
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
        dynamics: Mapping[str, DeviceDynamics] | None = None,
        streams: SeedStreams | None = None,
        programs: Sequence[HybridProgram] = (),
        classical: Mapping[str, int] | None = None,
        cutting: CuttingPolicy | None = None,
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
        self._dynamics = _merge_dynamics(dynamics or {}, downtime or {}, self._by_name)
        self._longest_run = {q.name: self._dynamics[q.name].longest_run_s() if q.name in self._dynamics else math.inf for q in self.qpus}
        self._any_limit = any(v != math.inf for v in self._longest_run.values())
        self._streams = streams or SeedStreams(0)
        self._pending = 0
        self._programs = 0
        self._program_records: dict[str, object] = {}
        self._started: dict[int, simpy.Event] = {}
        self._done: dict[int, simpy.Event] = {}
        self.pool = ClassicalPool(self.env, classical or {"cpu": 0, "gpu": 0})
        self._program_specs = list(programs)
        self.cutting = cutting or CuttingPolicy()
        self._cut_parents: dict[int, CutParent] = {}
        self._arrivals_done = False
        self._all_done = self.env.event()
        self._hooks: dict[str, list[Callable]] = {}
        for monitor in monitors:
            for hook, method in overridden_hooks(monitor).items():
                self._hooks.setdefault(hook, []).append(method)
        self.submitted = 0
        self.finished = False

    # -- running ---------------------------------------------------------------

    def run(self) -> None:
        """Run to completion (or to the horizon)."""
        recurring = self.start()
        if self.horizon_s is not None:
            self.env.run(until=self.horizon_s)
        elif recurring or self._program_specs:
            self.env.run(until=self._all_done)
        else:
            self.env.run()
        self.finish()

    def finish(self) -> None:
        """Close the run: unfinished work fails with a reason, monitors see the end."""
        self._close()

    @property
    def all_done(self) -> simpy.Event:
        """Fires when every submitted job and program has left and arrivals are over."""
        return self._all_done

    def start(self) -> bool:
        """Start the arrival, device and program processes without advancing time.

        For callers that step the environment themselves (the Gymnasium
        env); :meth:`run` calls it. Returns whether recurring device
        processes exist (then ``env.peek()`` never reaches infinity: wait on
        :attr:`all_done`).
        """
        if self.finished or getattr(self, "_started_once", False):
            raise RuntimeError("a Simulation runs once; build a new one")
        self._started_once = True
        self.scheduler.reset()
        self.env.process(self._arrivals())
        for index, program in enumerate(self._program_specs):
            self.program_started()
            self.env.process(program_process(self, program, index, self._streams))
        recurring = False
        for qpu in self.qpus:
            spec = self._dynamics.get(qpu.name)
            if spec is None:
                continue
            env, name = self.env, qpu.name
            if spec.windows:
                env.process(dyn.maintenance_process(self, qpu, spec.windows))
            if spec.history is not None:
                env.process(dyn.history_process(self, qpu, spec.history))
            if spec.calibration is not None:
                env.process(dyn.calibration_process(self, qpu, spec.calibration, spec.drift, self._streams.generator(f"calibration:{name}")))
            if spec.drift is not None:
                env.process(dyn.drift_process(self, qpu, spec.drift, self._streams.generator(f"drift:{name}")))
            if spec.outages is not None:
                env.process(dyn.outage_process(self, qpu, spec.outages, self._streams.generator(f"outage:{name}")))
            recurring = recurring or bool(spec.calibration or spec.drift or spec.outages)
        return recurring

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
        self._arrivals_done = True
        self._check_done()

    def _check_done(self) -> None:
        if self._arrivals_done and self._pending == 0 and self._programs == 0 and not self._all_done.triggered:
            self._all_done.succeed()

    # -- device dynamics API (used by qcloudsim.engine.dynamics) -------------------

    def plan(self, qpu: QPU, source: str, at_s: float) -> None:
        """Announce that ``source`` takes ``qpu`` down at ``at_s``: no job is started that would still run then."""
        qpu.planned[source] = at_s
        qpu.next_down_s = min(qpu.planned.values())

    def go_down(self, qpu: QPU, source: str, state: str, on_running: str, reason: str) -> None:
        """Make ``qpu`` unavailable because of ``source``.

        Args:
            qpu: The device.
            source: What takes it down (``"calibration"``, ``"outage"``, ...).
            state: Timeline state (``"down"`` or ``"calibrating"``).
            on_running: ``drain`` lets running jobs finish; ``requeue`` and
                ``fail`` cut them (counted in ``Job.interruptions``).
            reason: Said in the reason of failed jobs.
        """
        qpu.planned.pop(source, None)
        qpu.next_down_s = min(qpu.planned.values(), default=math.inf)
        qpu.down_reasons[source] = state
        qpu.available = False
        if on_running != "drain":
            for run in qpu.runs():
                self._interrupt(run, requeue=on_running == "requeue", reason=reason)
        self._emit_state(qpu, _shown_state(qpu))

    def go_up(self, qpu: QPU, source: str) -> None:
        """``source`` no longer holds ``qpu`` down."""
        qpu.down_reasons.pop(source, None)
        if not qpu.down_reasons:
            qpu.available = True
            self._emit_state(qpu, DeviceState.IDLE)
            self._request_round()
        else:
            self._emit_state(qpu, _shown_state(qpu))

    def set_calibration(self, qpu: QPU, calibration: Calibration) -> None:
        """Put ``calibration`` in force on ``qpu`` (jobs started from now on use it)."""
        if calibration.num_qubits != qpu.num_qubits:
            raise ValueError(f"{qpu.name}: calibration has {calibration.num_qubits} qubits, device {qpu.num_qubits}")
        qpu.calibration = calibration
        now = self.env.now
        for hook in self._hooks.get("on_calibration", ()):
            hook(qpu, now)

    def _interrupt(self, run: Run, requeue: bool, reason: str) -> None:
        now = self.env.now
        run.cancelled = True
        run.qpu.release(run)
        del self._active_runs[run.job.id]
        job = run.job
        job.interruptions += 1
        if requeue:
            for hook in self._hooks.get("on_interrupt", ()):
                hook(run, now)
            job.start_s = float("nan")
            job.device = ""
            job.qubits = ()
            job.fidelity = float("nan")
            self.queue.requeue(job)
            self._request_round()
            return
        self._run_left(run, JobStatus.FAILED, f"interrupted by {reason} at {now:.3f} s")

    def _run_left(self, run: Run, status: JobStatus, reason: str = "") -> None:
        """A run's job leaves the system now (completed, or failed with ``reason``)."""
        now = self.env.now
        job = run.job
        job.status = status
        job.end_s = now
        if reason:
            job.reason = reason
        for hook in self._hooks.get("on_finish", ()):
            hook(run, now)
        self._pending -= 1
        self._notify_done(job)
        if job.parent_id is not None:
            if status is JobStatus.COMPLETED:
                self._fragment_done(job)
            else:
                self._fragment_failed(job)
        self._check_done()
        if status is JobStatus.COMPLETED:
            self._request_round()

    # -- job lifecycle -----------------------------------------------------------

    def _submit(self, job: Job) -> None:
        self.submitted += 1
        now = self.env.now
        for hook in self._hooks.get("on_arrival", ()):
            hook(job, now)
        self._pending += 1
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
        elif self.cutting.when != "never" and job.parent_id is None and not job.session and self._maybe_cut(job):
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
        if self._any_limit:
            too_long = self._too_long_everywhere(job)
            if too_long:
                self._leave(job, JobStatus.REJECTED, too_long)
                return
        self.queue.append(job)
        self._request_round()

    def _maybe_cut(self, job: Job) -> bool:
        """Cut ``job`` if the policy says so; True when it was cut or rejected."""
        from qcloudsim.cutting.plan import CutError

        needed = job.profile.num_qubits
        largest = max(self._largest.values())
        fits = needed <= largest
        if fits and self.cutting.when != "faster":
            return False
        width = min(self.cutting.max_fragment_qubits or largest, largest)
        if fits:  # "faster": cut to fit the devices that are idle now
            idle = [self._largest[q.name] for q in self.qpus if q.available and not q.running]
            width = min(width, max(idle, default=0))
            if width < 2 or width >= needed:
                return False
        try:
            plan = make_plan(job, width, self.cutting)
        except CutError as exc:
            if fits:
                return False
            self._leave(job, JobStatus.REJECTED, f"needs {needed} connected qubits and cannot be cut: {exc}")
            return True
        if plan.source == "uncut" or len(plan.fragments) < 2:
            return False
        if fits and not self.cut_is_faster(job, plan):
            return False
        job.status = JobStatus.RUNNING
        fragments = fragment_jobs(job, plan, self.env.now)
        self._cut_parents[job.id] = CutParent(
            job, plan, shots_left=[f.shots for f in fragments], fidelity_sum=[0.0] * len(fragments),
            shots_done=[0] * len(fragments),
        )
        for fragment in fragments:
            self._submit(fragment)
        return True

    def cut_is_faster(self, job: Job, plan) -> bool:
        """Whether ``plan`` is expected to finish ``job`` earlier than running it whole.

        Both estimates use the devices' current availability (``busy_until``)
        and the runtime model, and ignore the jobs queued ahead (the same for
        both): uncut = best over fitting devices of delay + runtime; cut =
        the slowest fragment's best delay + runtime, plus reconstruction.
        """
        from qcloudsim.cutting.reconstruction import reconstruction_time_s

        def best_finish(profile, shots: int) -> float:
            best = math.inf
            for qpu in self.qpus:
                if self._largest[qpu.name] < profile.num_qubits:
                    continue
                region = self.estimator.region(qpu.calibration, profile.num_qubits)
                if region is None:
                    continue
                estimate = self.estimator.estimate(profile, qpu.calibration, region, qpu.device.rep_delay_s, qpu.device)
                delay = max(qpu.busy_until_s - self.env.now, 0.0) if qpu.running else 0.0
                best = min(best, delay + self.estimator.runtime_s(estimate, shots, job.circuits))
            return best

        uncut = best_finish(job.profile, job.shots)
        shots = plan.fragment_shots(job.shots)
        cut = max(best_finish(p, s) for p, s in zip(plan.fragments, shots, strict=True))
        return cut + reconstruction_time_s(plan, job.shots * job.circuits) < uncut

    def _fragment_done(self, job: Job) -> None:
        parent = self._cut_parents.get(job.parent_id)  # type: ignore[arg-type]
        if parent is None or parent.failed:
            return
        f = job.fragment
        assert f is not None
        parent.shots_left[f] -= job.shots
        parent.shots_done[f] += job.shots
        parent.fidelity_sum[f] += job.fidelity * job.shots
        parent.devices.add(job.device)
        parent.first_start = min(parent.first_start, job.start_s)
        if all(left <= 0 for left in parent.shots_left):
            self.env.process(reconstruct(self, parent))

    def _fragment_failed(self, job: Job) -> None:
        parent = self._cut_parents.get(job.parent_id)  # type: ignore[arg-type]
        if parent is None or parent.failed:
            return
        parent.failed = True
        whole = parent.job
        whole.status = JobStatus.FAILED
        whole.reason = f"fragment {job.fragment} {job.status.value}: {job.reason}"
        whole.end_s = self.env.now
        for sibling in list(self.queue):
            if sibling.parent_id == whole.id:
                self.queue.remove(sibling, JobStatus.FAILED)
                self._leave(sibling, JobStatus.FAILED, "sibling fragment failed")
        self.parent_done(parent)

    def parent_done(self, parent: CutParent) -> None:
        """A cut job completed (or failed): record it and release it."""
        self._cut_parents.pop(parent.job.id, None)
        now = self.env.now
        for hook in self._hooks.get("on_cut_job", ()):
            hook(parent.job, now)
        self._pending -= 1
        self._notify_done(parent.job)
        self._check_done()

    def _too_long_everywhere(self, job: Job) -> str:
        """A reason if ``job`` can never start under drained downtimes, else ''."""
        limits = self._longest_run
        needed = job.profile.num_qubits
        longest = 0.0
        for qpu in self.qpus:
            if self._largest[qpu.name] < needed or (job.pinned_device and job.pinned_device != qpu.name):
                continue
            if limits[qpu.name] == math.inf:
                return ""
            if job.service_s is not None:
                runtime = job.service_s
            else:
                region = self.estimator.region(qpu.calibration, needed)
                if region is None:
                    continue
                estimate = self.estimator.estimate(job.profile, qpu.calibration, region, qpu.device.rep_delay_s)
                runtime = self.estimator.runtime_s(estimate, job.shots, job.circuits)
            if runtime <= limits[qpu.name]:
                return ""
            longest = max(longest, limits[qpu.name])
        return (
            f"its run time is longer than the longest interval between planned downtimes "
            f"({longest:.0f} s) on every device that fits it"
        )

    def _leave(self, job: Job, status: JobStatus, reason: str) -> None:
        job.status = status
        job.reason = reason
        job.end_s = self.env.now
        now = self.env.now
        for hook in self._hooks.get("on_reject", ()):
            hook(job, now)
        self._pending -= 1
        self._notify_done(job)
        if job.parent_id is not None:
            self._fragment_failed(job)
        self._check_done()

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
            if qpu.available and (not qpu.blocking and qpu._free if exclusive else qpu._free):
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
        split = assignment.shots is not None and assignment.shots != job.shots
        if split:
            if job.parent_id is None:
                raise SchedulingError(f"job {job.id}: only fragments of cut circuits may be split by shots")
            if not (1 <= assignment.shots < job.shots):  # type: ignore[operator]
                raise SchedulingError(f"job {job.id}: cannot run {assignment.shots} of its {job.shots} shots")
        if not qpu.available:
            raise SchedulingError(f"{qpu.name} is down; job {job.id} cannot start")
        if job.pinned_device is not None and job.pinned_device != qpu.name:
            raise SchedulingError(f"job {job.id} is pinned to {job.pinned_device}, not {qpu.name}")
        if self.scheduler.exclusive and qpu.blocking:
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
        estimate = self.estimator.estimate(job.profile, qpu.calibration, qubits, qpu.device.rep_delay_s, qpu.device)
        if job.service_s is not None:
            runtime = job.service_s
        else:
            runtime = self.estimator.runtime_s(estimate, job.shots, job.circuits)
        if now + runtime > qpu.next_down_s:
            raise SchedulingError(
                f"job {job.id} would run until {now + runtime:.3f} s, past the start of "
                f"{qpu.name}'s downtime at {qpu.next_down_s:.3f} s"
            )
        if qpu.running:
            estimate = self._with_crosstalk(qpu, job, estimate, None)
        if split:
            queued, job = job, piece_of(job, assignment.shots)  # type: ignore[arg-type]
            queued.shots -= job.shots
            self._pending += 1
            runtime = self.estimator.runtime_s(estimate, job.shots, job.circuits)
            job.status = JobStatus.RUNNING
        run = Run(job, qpu, qubits, now, now + runtime, estimate)
        qpu.hold(run)
        if not split:
            self.queue.remove(job, JobStatus.RUNNING)
        job.start_s = now
        job.device = qpu.name
        job.qubits = qubits
        job.fidelity = estimate.fidelity
        self._active_runs[job.id] = run
        if qpu.running > 1:
            self._penalise_neighbours(qpu, run)
        for hook in self._hooks.get("on_start", ()):
            hook(run, now)
        started = self._started.pop(job.id, None)
        if started is not None:
            started.succeed(run)
        self.env.timeout(runtime, value=run).callbacks.append(self._finish)

    def _with_crosstalk(self, qpu: QPU, job: Job, estimate, own: Run | None):
        """``estimate`` penalised by the qubits other runs hold next to its region."""
        neighbours = self.estimator.neighbours(qpu.calibration)
        exposing = self.estimator.halo(qpu.calibration, estimate.qubits, neighbours)
        owner = qpu.owner
        foreign = [q for q in exposing if q in owner and owner[q] is not own]
        return self.estimator.with_crosstalk(estimate, job.profile, qpu.calibration, neighbours, foreign)

    def _penalise_neighbours(self, qpu: QPU, new: Run) -> None:
        """Lower the estimates of running jobs now exposed to ``new``'s qubits."""
        if not self.estimator.crosstalk_params.enabled:
            return
        neighbours = self.estimator.neighbours(qpu.calibration)
        owner = qpu.owner
        affected = {
            id(other): other
            for q in new.qubits for n in neighbours[q]
            if (other := owner.get(n)) is not None and other is not new
        }
        for other in affected.values():
            penalised = self._with_crosstalk(qpu, other.job, other.estimate, other)
            if penalised.fidelity < other.job.fidelity:
                other.job.fidelity = penalised.fidelity

    def _finish(self, event: simpy.Event) -> None:
        run: Run = event.value
        if run.cancelled:
            return
        run.qpu.release(run)
        del self._active_runs[run.job.id]
        self._run_left(run, JobStatus.COMPLETED)

    # -- hybrid programs (qcloudsim.engine.programs) ------------------------------

    def submit(self, job: Job) -> tuple[simpy.Event, simpy.Event]:
        """Submit ``job`` now from a process; returns ``(started, done)`` events.

        ``started`` fires with the :class:`Run` when the job starts; ``done``
        fires with the job when it leaves the system (completed, rejected or
        failed). A job rejected at submission triggers ``done`` only.
        """
        started, done = self.env.event(), self.env.event()
        self._started[job.id] = started
        self._done[job.id] = done
        self._submit(job)
        return started, done

    def end_session(self, run: Run) -> None:
        """End a session run now (its program is done with it)."""
        if run.cancelled or run.job.id not in self._active_runs:
            return
        now = self.env.now
        run.cancelled = True
        run.end_s = now
        run.qpu.release(run)
        del self._active_runs[run.job.id]
        self._run_left(run, JobStatus.COMPLETED)

    def estimate_on(self, run: Run, job: Job) -> float:
        """QPU time (s) of ``job``'s circuits on ``run``'s region (a session)."""
        qpu = run.qpu
        estimate = self.estimator.estimate(job.profile, qpu.calibration, run.qubits, qpu.device.rep_delay_s, qpu.device)
        return self.estimator.runtime_s(estimate, job.shots, job.circuits)

    def program_started(self) -> None:
        """A program process began (the run waits for it to end)."""
        self._programs += 1

    def register_program(self, record) -> None:
        """Track a running program's record so the horizon can close it."""
        self._program_records[record.program_id] = record

    def program_ended(self, record: dict) -> None:
        """A program process ended with ``record`` (see :mod:`qcloudsim.engine.programs`)."""
        self._programs -= 1
        self._program_records.pop(record["program_id"], None)
        now = self.env.now
        for hook in self._hooks.get("on_program", ()):
            hook(record, now)
        self._check_done()

    def _notify_done(self, job: Job) -> None:
        self._started.pop(job.id, None)
        done = self._done.pop(job.id, None)
        if done is not None:
            done.succeed(job)

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
        for parent in list(self._cut_parents.values()):
            parent.failed = True
            parent.job.status = JobStatus.FAILED
            parent.job.reason = f"cut job not finished at the horizon ({self.horizon_s} s)"
            parent.job.end_s = now
            self._cut_parents.pop(parent.job.id, None)
            for hook in self._hooks.get("on_cut_job", ()):
                hook(parent.job, now)
        for record in list(self._program_records.values()):
            record.status = "failed"
            record.reason = f"not finished at the horizon ({self.horizon_s} s)"
            record.end_s = now
            for hook in self._hooks.get("on_program", ()):
                hook(record.as_row(), now)
        self._program_records.clear()
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


def _shown_state(qpu: QPU) -> str:
    """Timeline state of an unavailable device: ``down`` wins over ``calibrating``."""
    states = set(qpu.down_reasons.values())
    return DeviceState.DOWN if DeviceState.DOWN in states else DeviceState.CALIBRATING


def _merge_dynamics(
    dynamics: Mapping[str, DeviceDynamics],
    downtime: Mapping[str, Sequence[Window]],
    by_name: Mapping[str, QPU],
) -> dict[str, DeviceDynamics]:
    merged: dict[str, DeviceDynamics] = {}
    for name in set(dynamics) | set(downtime):
        if name not in by_name:
            raise ValueError(f"device dynamics name device {name!r}, which is not in the fleet")
        spec = dynamics.get(name, DeviceDynamics())
        if downtime.get(name):
            windows = tuple(spec.maintenance) + tuple((float(s), float(e)) for s, e in downtime[name])
            spec = DeviceDynamics(windows, spec.calibration, spec.drift, spec.history, spec.outages)
        if not spec.is_static():
            merged[name] = spec
    return merged
