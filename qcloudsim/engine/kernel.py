"""The simulation kernel: clock, arrivals, admission, scheduling rounds, dispatch, completion.

SimPy owns the clock (seconds). The kernel does only what every run needs:

* **arrivals** pull jobs lazily from the workload and submit each at its
  ``arrival_s`` (a chain of timeouts, one per distinct arrival time);
* **admission** rejects what can never run (a target device that is not in
  the fleet, a circuit larger than every device, a run longer than any
  interval between planned downtimes); extensions may take a job first
  (cutting replaces a job by its fragments);
* a **scheduling round** after every arrival, completion (unless the queue
  is empty) and device change (several triggers at one instant coalesce into
  one round, see :meth:`Kernel.request_round`) gives the
  scheduler a :class:`~qcloudsim.schedulers.snapshot.Snapshot` and
  **dispatches** the returned assignments after checking them, with the
  :class:`~qcloudsim.models.cost.Quote` the scheduler priced them with;
* each run is a SimPy timeout whose callback **completes** it;
* a small **device API** (:meth:`Kernel.plan`, :meth:`~Kernel.go_down`,
  :meth:`~Kernel.go_up`, :meth:`~Kernel.set_calibration`,
  :meth:`~Kernel.interrupt`) for the processes that change devices;
* an **event bus** (:mod:`qcloudsim.engine.bus`) that extensions and monitors
  subscribe to.

Everything else — device dynamics, multi-programming crosstalk, hybrid
programs and the classical pool, circuit cutting, the horizon — is an
:class:`Extension` (:mod:`qcloudsim.engine.extensions`) that subscribes to
events and uses the kernel's public API; adding a feature never means
editing this module.

Invariants the kernel enforces (violations raise :class:`SchedulingError`,
a scheduler bug, not a user error): an assignment names a queued job, an
available device, free and connected qubits, one per logical qubit, and a
run that ends before the device's next planned downtime.

Ids of the jobs a simulation creates and every random stream belong to the
simulation (:class:`~qcloudsim.workload.job.IdAllocator`,
:class:`~qcloudsim.seeding.SeedStreams`); the scheduler is reset with the
run's ``scheduler`` stream.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import networkx as nx
import simpy
from simpy.events import URGENT

from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.engine.bus import EventBus
from qcloudsim.engine.collector import GC_GEN0_THRESHOLD, young_collections_every
from qcloudsim.engine.qpu import QPU, DeviceState, Run
from qcloudsim.engine.queue import QueueSet, Topology
from qcloudsim.models.cost import CostModel, Quote
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.snapshot import Assignment, Snapshot, fleet_state
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import IdAllocator, Job, JobStatus

_NAN = float("nan")
_QUEUED = JobStatus.QUEUED
_RUNNING = JobStatus.RUNNING


class SchedulingError(RuntimeError):
    """A scheduler returned an assignment the engine cannot carry out."""


class Extension:
    """A feature that plugs into the kernel (override what you need).

    ``attach`` runs when the extension is added (subscribe to events,
    register admission hooks, declare run-length limits); ``start`` when
    the run starts (start SimPy processes; return True if they recur
    forever, e.g. calibration cycles); ``close`` when the run ends, after
    the kernel failed what was still running or waiting.
    """

    def attach(self, kernel: Kernel) -> None:  # noqa: B027
        """Subscribe to the kernel's events and hooks."""

    def start(self, kernel: Kernel) -> bool:
        """Start processes; True if some recur forever."""
        return False

    def close(self, kernel: Kernel, now: float) -> None:  # noqa: B027
        """The run ended at ``now``: close what the extension keeps open."""


AdmissionHook = Callable[[Job], bool]
"""Called for a new job before the kernel's own admission checks; True if it took the job."""

SplitHook = Callable[[Job, int], Job]
"""Makes a piece of a queued job that runs only some of its shots."""


class Kernel:
    """One simulation run (see the module doc).

    Args:
        devices: The fleet (names must be unique).
        scheduler: Decision policy.
        jobs: Jobs in non-decreasing ``arrival_s`` order; consumed lazily.
        cost: The cost model (defaults if ``None``).
        streams: The run's random streams (seed 0 if ``None``).
        queues: Queue topology, ``global`` or ``per_device``
            (:mod:`qcloudsim.engine.queue`).
    """

    def __init__(
        self,
        devices: Sequence[Device],
        scheduler: Scheduler,
        jobs: Iterable[Job],
        cost: CostModel | None = None,
        streams: SeedStreams | None = None,
        queues: Topology = "global",
    ) -> None:
        names = [d.name for d in devices]
        if not names:
            raise ValueError("the fleet has no devices")
        if len(set(names)) != len(names):
            raise ValueError(f"device names must be unique in a fleet, got {names}")
        self.env = simpy.Environment()
        self.scheduler = scheduler
        self.cost = cost or CostModel()
        self.streams = streams or SeedStreams(0)
        self.ids = IdAllocator()
        self.bus = EventBus()
        self.qpus = tuple(QPU(i, d) for i, d in enumerate(devices))
        self.by_name = {q.name: q for q in self.qpus}
        self.queues = QueueSet(queues, tuple(names))
        self._view = self.queues.view
        self._shared = self.queues.shared if queues == "global" else None
        self._idle: set[int] = {q.index for q in self.qpus}
        """Indices of devices that are up and run nothing."""
        self._partial: set[int] = set()
        """Indices of devices that are up, partly held by non-blocking runs, with free qubits."""
        self.largest = {q.name: _largest_component(q.device) for q in self.qpus}
        self._max_largest = max(self.largest.values())
        self.run_limits: dict[str, float] = dict.fromkeys(names, math.inf)
        """Longest run (s) that fits between two planned downtimes, per device (set by extensions)."""
        self.admission: list[AdmissionHook] = []
        self.splitter: SplitHook | None = None
        self.extensions: list[Extension] = []
        self.active: dict[int, Run] = {}
        self.stop_at: float | None = None
        """Stop the clock here (s); ``None`` runs until the work is done."""
        self.stop_reason = "when the run ended"
        self.submitted = 0
        self.finished = False
        self._jobs = iter(jobs)
        self._next_job: Job | None = None
        self._last_arrival_s = 0.0
        self._round_pending = False
        self._tail_round = False
        """Inside an arrival or completion callback (a round may run at its end)."""
        self._round_due = False
        self._pending = 0
        self._holds = 0
        self._arrivals_done = False
        self._started = False
        self._limited = False
        self._fleet_state: tuple | None = None
        self._exclusive = scheduler.exclusive
        self._all_done = self.env.event()
        h = self.bus.handlers
        self._on_arrival, self._on_reject, self._on_start = h["arrival"], h["reject"], h["start"]
        self._on_finish, self._on_interrupt, self._on_state = h["finish"], h["interrupt"], h["device_state"]

    # -- composition -------------------------------------------------------------------

    def add(self, extension: Extension) -> Extension:
        """Plug in ``extension`` (before the run starts)."""
        if self._started:
            raise RuntimeError("extensions are added before the run starts")
        self.extensions.append(extension)
        extension.attach(self)
        return extension

    def extension(self, kind: type) -> Extension | None:
        """The added extension of type ``kind``, if any."""
        return next((e for e in self.extensions if isinstance(e, kind)), None)

    # -- running -------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulation time (s)."""
        return self.env.now

    @property
    def all_done(self) -> simpy.Event:
        """Fires when arrivals are over and no job or hold (a program) is left."""
        return self._all_done

    def run(self) -> None:
        """Run to completion (or to :attr:`stop_at`), then close the run."""
        self.start()
        with young_collections_every(GC_GEN0_THRESHOLD):
            if self.stop_at is not None:
                self.env.run(until=self.stop_at)
            else:
                try:
                    self.env.run(until=self._all_done)
                except RuntimeError as exc:  # simpy: no events left before all_done
                    if "No scheduled events left" not in str(exc):
                        raise
                    self.stop_reason = "when no event was left that could let it run"
        self.finish()

    def start(self) -> bool:
        """Start the arrival process and the extensions' processes without advancing time.

        For callers that step the environment themselves (the Gymnasium
        env); :meth:`run` calls it. Returns whether recurring processes
        exist (then ``env.peek()`` never reaches infinity: wait on
        :attr:`all_done`).
        """
        if self._started or self.finished:
            raise RuntimeError("a simulation runs once; build a new one")
        self._started = True
        self._limited = any(v != math.inf for v in self.run_limits.values())
        self.scheduler.reset(self.streams.sequence("scheduler"))
        self._exclusive = self.scheduler.exclusive
        _AtStart(self.env, self._arrive)
        recurring = False
        for extension in self.extensions:
            recurring = extension.start(self) or recurring
        return recurring

    def finish(self) -> None:
        """Close the run: what still runs or waits fails with a reason; extensions close; ``end``."""
        if self.finished:
            return
        now = self.env.now
        reason = self.stop_reason
        for run in list(self.active.values()):
            if run.cancelled:
                continue
            self._cut(run)
            self._left(run, JobStatus.FAILED, f"still running {reason}")
        for job in list(self.queues):
            if job in self.queues:
                self.withdraw(job, JobStatus.FAILED, f"still waiting {reason}")
        for extension in self.extensions:
            extension.close(self, now)
        self.bus.emit("end", now)
        self.finished = True

    def hold(self) -> None:
        """Keep the run open until :meth:`release` (e.g. a program in progress)."""
        self._holds += 1

    def release(self) -> None:
        """Undo one :meth:`hold`."""
        self._holds -= 1
        self._check_done()

    def _arrive(self, _event: simpy.Event) -> None:
        """Submit the job whose arrival time has come and every job due at the same instant; then wait
        for the next one (a chain of timeouts rather than a process: no generator to resume per job)."""
        self._tail_round = True
        job = self._next_job
        if job is not None:
            self._next_job = None
            self.submit(job)
        now = self.env.now
        for job in self._jobs:
            if job.arrival_s < self._last_arrival_s:
                raise ValueError(
                    f"job {job.id} arrives at {job.arrival_s} s, before the previous job "
                    f"({self._last_arrival_s} s): jobs must be sorted by arrival time"
                )
            self._last_arrival_s = job.arrival_s
            delay = job.arrival_s - now
            if delay > 0:
                self._next_job = job
                self.env.timeout(delay).callbacks.append(self._arrive)
                self._run_due_round()
                return
            self.submit(job)
        self._arrivals_done = True
        self._check_done()
        self._run_due_round()

    def unarrived(self) -> Iterable[Job]:
        """Jobs of the workload that had not arrived when the run stopped (consumes them)."""
        if self._next_job is not None:
            yield self._next_job
            self._next_job = None
        yield from self._jobs

    def _check_done(self) -> None:
        if self._arrivals_done and self._pending == 0 and self._holds == 0 and not self._all_done.triggered:
            self._all_done.succeed()

    # -- admission ---------------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Admit ``job`` now: queue it, hand it to an extension, or reject it with a reason."""
        self.submitted += 1
        now = self.env.now
        for handler in self._on_arrival:
            handler(job, now)
        self._pending += 1
        needed = job.profile.num_qubits
        pinned = job.submission.pinned_device
        if pinned is not None:
            if pinned not in self.largest:
                self.reject(job, f"pinned to device {pinned!r}, which is not in the fleet")
                return
            if self.largest[pinned] < needed:
                self.reject(
                    job, f"needs {needed} connected qubits; its pinned device {pinned} has {self.largest[pinned]}"
                )
                return
        else:
            for hook in self.admission:
                if hook(job):
                    return
        if pinned is None and needed > self._max_largest:
            best = max(self.largest, key=self.largest.__getitem__)
            self.reject(
                job,
                f"needs {needed} connected qubits; the largest connected region in the fleet "
                f"has {self.largest[best]} ({best})",
            )
            return
        if self._limited:
            too_long = self._too_long_everywhere(job)
            if too_long:
                self.reject(job, too_long)
                return
        self.enqueue(job)

    def enqueue(self, job: Job) -> None:
        """Put an admitted job at the tail of its queue."""
        if self._shared is not None:
            self._shared.append(job)
        else:
            self.queues.add(job)
        job.state.status = JobStatus.QUEUED
        self.request_round()

    def _too_long_everywhere(self, job: Job) -> str:
        """A reason if ``job`` can never start between planned downtimes, else ''."""
        needed = job.profile.num_qubits
        pinned = job.submission.pinned_device
        longest = 0.0
        for qpu in self.qpus:
            if self.largest[qpu.name] < needed or (pinned is not None and pinned != qpu.name):
                continue
            limit = self.run_limits[qpu.name]
            if limit == math.inf:
                return ""
            quote = self.cost.best_quote(job, qpu.device, qpu.calibration)
            if quote is None:
                continue
            if self.cost.runtime_s(job, quote) <= limit:
                return ""
            longest = max(longest, limit)
        return (
            f"its run time is longer than the longest interval between planned downtimes "
            f"({longest:.0f} s) on every device that fits it"
        )

    def reject(self, job: Job, reason: str, status: JobStatus = JobStatus.REJECTED) -> None:
        """``job`` (not queued, not running) leaves now without running."""
        state = job.state
        state.status = status
        state.reason = reason
        now = state.end_s = self.env.now
        for handler in self._on_reject:
            handler(job, now)
        self._pending -= 1
        self._check_done()

    def settle(self, job: Job) -> None:
        """A job an admission hook took has left the system (the extension emitted its event)."""
        self._pending -= 1
        self._check_done()

    def withdraw(self, job: Job, status: JobStatus, reason: str) -> None:
        """Take a queued job out of its queue; it leaves with ``status`` and ``reason``."""
        self.queues.remove(job)
        self.reject(job, reason, status)

    # -- scheduling rounds and dispatch ----------------------------------------------------------

    def request_round(self) -> None:
        """Ask for a scheduling round at the current instant (coalesced).

        The round is an event at the current instant, processed after every
        event already due now. When nothing else is due now and the request
        comes from an arrival or a completion, that event would be the very
        next one, so the round runs at the end of that callback instead (the
        same order of effects, one event fewer per job).
        """
        if not self._round_pending:
            self._round_pending = True
            if self._tail_round and self.env.peek() > self.env.now:
                self._round_due = True
            else:
                self.env.timeout(0).callbacks.append(self._round)

    def _run_due_round(self) -> None:
        """End of an arrival or completion callback: run the round it deferred, if any."""
        self._tail_round = False
        if self._round_due:
            self._round_due = False
            self._round(None)

    def snapshot(self) -> Snapshot:
        """What the scheduler sees now."""
        if self._fleet_state is None:
            self._fleet_state = fleet_state(self.qpus)
        return Snapshot(
            self.env.now, self.queues.view, self.qpus, self.cost, self._exclusive, self.by_name,
            queues=self.queues, fleet=self._fleet_state, idle=None if self._partial else self._idle,
        )

    def _round(self, _event: simpy.Event | None) -> None:
        self._round_pending = False
        if not len(self._view):
            return
        if self._exclusive:
            if not self._idle and not self._partial:  # every device is down or busy
                return
        else:
            for qpu in self.qpus:
                if qpu.available and qpu._free:
                    break
            else:
                return
        assignments = self.scheduler.decide(self.snapshot())
        for assignment in assignments:
            self.dispatch(assignment)
        if assignments and self.scheduler.one_per_round:
            self.request_round()

    def dispatch(self, assignment: Assignment) -> Run:
        """Start ``assignment`` now after checking it (see the module doc)."""
        job, now = assignment.job, self.env.now
        state = job.state
        qpu = self.by_name.get(assignment.device)
        if qpu is None:
            raise SchedulingError(f"assignment of job {job.id} names unknown device {assignment.device!r}")
        queue = self._shared if self._shared is not None else self.queues.queue_of(job)
        if state.status is not _QUEUED or job not in queue:
            raise SchedulingError(f"job {job.id} is not waiting in the queue")
        shots = assignment.shots
        split = shots is not None and shots != state.shots
        if split:
            if self.splitter is None or job.lineage.parent_id is None:
                raise SchedulingError(f"job {job.id}: only fragments of cut circuits may be split by shots")
            if not (1 <= shots < state.shots):  # type: ignore[operator]
                raise SchedulingError(f"job {job.id}: cannot run {shots} of its {state.shots} shots")
        if not qpu.available:
            raise SchedulingError(f"{qpu.name} is down; job {job.id} cannot start")
        pinned = job.submission.pinned_device
        if pinned is not None and pinned != qpu.name:
            raise SchedulingError(f"job {job.id} is pinned to {pinned}, not {qpu.name}")
        if self._exclusive and qpu.blocking:
            raise SchedulingError(f"{qpu.name} is busy and the scheduler is exclusive")
        qubits = assignment.qubits
        if type(qubits) is not tuple:
            qubits = tuple(qubits)
        profile = job.profile
        if len(qubits) != profile.num_qubits:
            raise SchedulingError(f"job {job.id} needs {profile.num_qubits} qubits, assignment gives {len(qubits)}")
        if not qpu._free.issuperset(qubits) and (min(qubits) < 0 or max(qubits) >= qpu.num_qubits):
            # (qubits inside the device but already held are refused by QPU.hold)
            raise SchedulingError(f"assignment of job {job.id} names qubits outside {qpu.name}")
        cost = self.cost
        calibration = qpu.calibration
        if len(qubits) > 1 and not cost.estimator.stats(calibration, qubits).connected:
            raise SchedulingError(f"qubits {qubits} of job {job.id} are not connected on {qpu.name}")
        quote = assignment.quote
        if not _valid(quote, qpu, qubits, job):
            quote = cost.quote(job, qpu.device, calibration, qubits)
        assert quote is not None
        runtime = cost.runtime_s(job, quote)
        end_s = now + runtime
        if end_s > qpu.next_down_s:
            raise SchedulingError(
                f"job {job.id} would run until {end_s:.3f} s, past the start of "
                f"{qpu.name}'s downtime at {qpu.next_down_s:.3f} s"
            )
        if split:
            assert self.splitter is not None and shots is not None
            queued = job
            job = self.splitter(queued, shots)
            queued.state.shots -= shots
            self._pending += 1
            runtime = cost.runtime_s(queued, quote, shots)
            end_s = now + runtime
            state = job.state
        else:
            queue.remove(job)
        state.status = _RUNNING
        attempt = state.attempts = state.attempts + 1
        state.start_s = now
        state.device = qpu.name
        state.qubits = qubits
        estimate = quote.estimate
        state.fidelity = estimate.fidelity
        run = Run(job, qpu, qubits, now, end_s, estimate, quote, attempt)
        qpu.hold(run)
        self._touch(qpu)
        self.active[job.id] = run
        for handler in self._on_start:
            handler(run, now)
        self.env.timeout(runtime, value=run).callbacks.append(self._completed)
        return run

    def _completed(self, event: simpy.Event) -> None:
        run: Run = event.value  # type: ignore[assignment]  # a run's timeout carries the run
        if run.cancelled:
            return
        self._tail_round = True
        self._cut(run)
        self._left(run, JobStatus.COMPLETED)
        self._run_due_round()

    def end_run(self, run: Run) -> None:
        """End ``run`` now as completed (a session its program is done with)."""
        if run.cancelled or run.job.id not in self.active:
            return
        self._cut(run)
        run.end_s = self.env.now
        self._left(run, JobStatus.COMPLETED)

    def _cut(self, run: Run) -> None:
        run.cancelled = True
        run.qpu.release(run)
        self._touch(run.qpu)
        del self.active[run.job.id]

    def _left(self, run: Run, status: JobStatus, reason: str = "") -> None:
        """A run's job leaves the system now (completed, or failed with ``reason``)."""
        now = self.env.now
        state = run.job.state
        state.status = status
        state.end_s = now
        if reason:
            state.reason = reason
        for handler in self._on_finish:
            handler(run, now)
        self._pending -= 1
        if self._arrivals_done:
            self._check_done()
        if status is JobStatus.COMPLETED and len(self._view):
            self.request_round()

    # -- device API (used by the dynamics extension) --------------------------------------------

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
                ``fail`` cut them (counted in ``interruptions``).
            reason: Said in the reason of failed jobs.
        """
        qpu.planned.pop(source, None)
        qpu.next_down_s = min(qpu.planned.values(), default=math.inf)
        qpu.down_reasons[source] = state
        qpu.available = False
        self._touch(qpu)
        if on_running != "drain":
            for run in qpu.runs():
                self.interrupt(run, requeue=on_running == "requeue", reason=reason)
        self._emit_state(qpu, _shown_state(qpu))

    def go_up(self, qpu: QPU, source: str) -> None:
        """``source`` no longer holds ``qpu`` down."""
        qpu.down_reasons.pop(source, None)
        if not qpu.down_reasons:
            qpu.available = True
            self._touch(qpu)
            self._emit_state(qpu, DeviceState.IDLE)
            self.request_round()
        else:
            self._emit_state(qpu, _shown_state(qpu))

    def set_calibration(self, qpu: QPU, calibration: Calibration) -> None:
        """Put ``calibration`` in force on ``qpu`` (jobs started from now on use it)."""
        if calibration.num_qubits != qpu.num_qubits:
            raise ValueError(f"{qpu.name}: calibration has {calibration.num_qubits} qubits, device {qpu.num_qubits}")
        qpu.calibration = calibration
        self._fleet_state = None
        self.bus.emit("calibration", qpu, self.env.now)

    def interrupt(self, run: Run, requeue: bool, reason: str) -> None:
        """Cut ``run`` now: its job goes back to the head of its queue, or fails with ``reason``."""
        now = self.env.now
        self._cut(run)
        job = run.job
        state = job.state
        state.interruptions += 1
        if requeue:
            run.end_s = now
            for handler in self._on_interrupt:
                handler(run, now)
            state.start_s = _NAN
            state.device = ""
            state.qubits = ()
            state.fidelity = _NAN
            self.queues.requeue(job)
            state.status = JobStatus.QUEUED
            self.request_round()
            return
        self._left(run, JobStatus.FAILED, f"interrupted by {reason} at {now:.3f} s")

    def _touch(self, qpu: QPU) -> None:
        """Keep the idle-device index in step with ``qpu``'s runs and availability."""
        index = qpu.index
        if qpu.available and not qpu._runs:
            self._idle.add(index)
        else:
            self._idle.discard(index)
        if qpu.available and qpu._runs and not qpu.blocking and qpu._free:
            self._partial.add(index)
        else:
            self._partial.discard(index)

    def _emit_state(self, qpu: QPU, state: str) -> None:
        now = self.env.now
        for handler in self._on_state:
            handler(qpu, state, now)


class _AtStart(simpy.Event):
    """Calls ``callback`` at the current instant before any normal event, as SimPy starts a process."""

    def __init__(self, env: simpy.Environment, callback: Callable[[simpy.Event], None]) -> None:
        super().__init__(env)
        self.callbacks.append(callback)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT)


def _valid(quote: Quote | None, qpu: QPU, qubits: tuple[int, ...], job: Job) -> bool:
    """Whether a scheduler's quote was made for this job, device, calibration and region."""
    if quote is None or quote.device != qpu.name or quote.calibration_version != qpu.calibration.version:
        return False
    return quote.estimate.qubits == qubits and quote.circuit == job.profile.key


def _largest_component(device: Device) -> int:
    graph = device.coupling_graph
    return max((len(c) for c in nx.connected_components(graph)), default=0)


def _shown_state(qpu: QPU) -> str:
    """Timeline state of an unavailable device: ``down`` wins over ``calibrating``."""
    states = set(qpu.down_reasons.values())
    return DeviceState.DOWN if DeviceState.DOWN in states else DeviceState.CALIBRATING
