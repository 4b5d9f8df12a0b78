"""What a scheduler sees: a read-only view of the cloud at one instant.

A snapshot is cheap to build (no copy of the queue): it wraps the engine's
queue and device state for the duration of one synchronous scheduling
round. Within a round a scheduler may *claim* qubits it intends to assign;
claims change only the snapshot's view (``free_qubits``), never the engine.
The same object type is built by the simulator, by trace replay and by the
Gymnasium environment, so a scheduler runs unchanged in all three.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.models.cost import CostModel, Quote
from qcloudsim.models.estimator import Estimate, Estimator
from qcloudsim.models.placement import Region
from qcloudsim.workload.job import Job

_NOTHING: frozenset[int] = frozenset()


class DeviceView(Protocol):
    """Read-only state of one QPU."""

    @property
    def name(self) -> str: ...
    @property
    def index(self) -> int: ...
    @property
    def device(self) -> Device: ...
    @property
    def calibration(self) -> Calibration: ...
    @property
    def num_qubits(self) -> int: ...
    @property
    def available(self) -> bool:
        """Up (not calibrating, not down) and accepting work."""
        ...
    @property
    def free_qubits(self) -> frozenset[int]: ...
    @property
    def num_free(self) -> int: ...
    @property
    def running(self) -> int:
        """Number of jobs running on it."""
        ...
    @property
    def blocking(self) -> int:
        """Running jobs that keep others off the device under exclusive scheduling."""
        ...
    @property
    def busy_until_s(self) -> float:
        """Latest expected end of the jobs running on it (s); ``-inf`` if idle."""
        ...
    @property
    def next_down_s(self) -> float:
        """Start of its next scheduled downtime (s); ``inf`` if none."""
        ...


class QueueView(Protocol):
    """Read-only queue of waiting jobs in arrival order."""

    def __iter__(self) -> Iterator[Job]: ...
    def __len__(self) -> int: ...
    def head(self) -> Job | None: ...


class Assignment(NamedTuple):
    """A scheduler's decision: run ``job`` on ``device`` holding ``qubits`` (immutable).

    A named tuple rather than a frozen dataclass: schedulers make one per
    job, and a tuple is built several times faster.

    Attributes:
        job: A job from the snapshot's queue.
        device: Name of the QPU.
        qubits: Physical qubits (a connected region of free qubits, one per
            logical qubit of the job's circuit, in layout order).
        shots: Run only this many of the job's shots now (fragments of cut
            circuits only; the rest stays queued). ``None``: all of them.
        quote: The cost model's :class:`~qcloudsim.models.cost.Quote` the
            scheduler priced this choice with; the engine dispatches with it
            (after checking it is for this job, device, calibration and
            region) instead of pricing the job again.
    """

    job: Job
    device: str
    qubits: Region
    shots: int | None = None
    quote: Quote | None = None


class Snapshot:
    """The state a scheduler decides on.

    Args:
        now: Simulation time (s).
        queue: Waiting jobs (all queues, in one order).
        devices: All QPUs, in fleet order.
        cost: The cost model (an :class:`~qcloudsim.models.estimator.Estimator`
            is wrapped in one).
        exclusive: When true a QPU runs one job at a time (no multi-programming).
        by_name: Devices by name (built from ``devices`` when not given).
        queues: The queue topology (:class:`qcloudsim.engine.queue.QueueSet`);
            ``None``: ``queue`` is the only queue.
        fleet: :func:`fleet_state` of ``devices``, when the caller keeps it.
        idle: Indices of the devices that are up and run nothing, when the
            caller keeps that index and no device is partly held by
            non-blocking runs (the engine does; never modified here).
    """

    __slots__ = (
        "now", "queue", "devices", "cost", "exclusive", "_by_name", "_claimed", "_blocked", "_queues", "_open",
        "_fleet", "_idle", "_open_idx", "_shared_claims", "_idle_set", "_idle_claims",
    )

    def __init__(
        self,
        now: float,
        queue: QueueView,
        devices: Sequence[DeviceView],
        cost: CostModel | Estimator,
        exclusive: bool = True,
        by_name: Mapping[str, DeviceView] | None = None,
        queues: Any = None,
        fleet: tuple | None = None,
        idle: set[int] | frozenset[int] | None = None,
    ) -> None:
        self.now = now
        self.queue = queue
        self.devices = tuple(devices)
        self.cost = cost if isinstance(cost, CostModel) else CostModel(cost)
        self.exclusive = exclusive
        self._by_name = by_name if by_name is not None else {d.name: d for d in self.devices}
        self._claimed: dict[str, set[int]] = {}
        self._blocked: set[str] = set()
        self._queues = queues
        self._open: tuple[DeviceView, ...] | None = None
        self._open_idx: frozenset[int] | None = None
        self._idle: bool | None = None
        self._fleet = fleet
        self._shared_claims = False
        self._idle_set = idle
        self._idle_claims: list[str] = []

    @property
    def estimator(self) -> Estimator:
        """The memoised models behind the cost model."""
        return self.cost.estimator

    def queue_views(self) -> tuple[QueueView, ...]:
        """The queues to order separately: per-device queues (fleet order), then the shared one.

        With one global queue this is ``(queue,)``.
        """
        if self._queues is None or not self._queues.by_device:
            return (self.queue,)
        return tuple(q for q in self._queues.queues() if len(q))

    def device(self, name: str) -> DeviceView:
        """The QPU called ``name``."""
        return self._by_name[name]

    def names(self) -> Mapping[str, DeviceView]:
        """Devices by name (a read-only mapping by convention)."""
        return self._by_name

    def largest_device(self) -> int:
        """Qubits of the largest device in the fleet."""
        if self._fleet is None:
            self._fleet = fleet_state(self.devices)
        return self._fleet[2]

    def free_qubits(self, device: DeviceView) -> frozenset[int] | None:
        """Qubits a new job may use on ``device`` now, after this round's claims.

        Returns ``None`` as shorthand for "all qubits" (an idle, available
        device with no claims), which lets the models use their cache.
        Returns an empty set when the device accepts nothing now.
        """
        if not device.available:
            return _NOTHING
        claimed = self._claimed.get(device.name) if self._claimed else None
        if self.exclusive:
            if device.blocking or device.name in self._blocked:
                return _NOTHING
            if claimed:  # claims this round by non-blocking jobs (interleaving sessions)
                return device.free_qubits - claimed
            if device.running:  # only non-blocking runs: their qubits are taken
                return device.free_qubits
            return None
        if not claimed:
            if device.num_free == device.num_qubits:
                return None
            return device.free_qubits
        return device.free_qubits - claimed

    def open_devices(self) -> tuple[DeviceView, ...]:
        """Devices that could accept some job now, after this round's claims, in fleet order.

        Cached until the next claim, so a placement that only considers
        devices that can start a job now skips busy devices at no cost.
        """
        if self._open is None:
            if self._simple():
                blocked = self._blocked
                self._open = tuple(
                    d for d in self.devices if d.available and not d.blocking and d.num_free and d.name not in blocked
                )
            elif not self.exclusive:
                # claims are taken from free qubits, so what is left is num_free minus the claims
                claimed = self._claimed
                self._open = tuple(
                    d for d in self.devices if d.available and d.num_free > len(claimed.get(d.name, ()))
                )
            else:
                self._open = tuple(d for d in self.devices if (f := self.free_qubits(d)) is None or f)
        return self._open

    def _simple(self) -> bool:
        """Exclusive, and every claim this round blocks its device (no interleaving session claims)."""
        return self.exclusive and not self._shared_claims

    def open_indices(self) -> frozenset[int]:
        """Fleet indices of :meth:`open_devices`."""
        if self._open_idx is None:
            self._open_idx = frozenset(d.index for d in self.open_devices())
        return self._open_idx

    def ranking(self, job: Job) -> tuple[tuple[int, Quote], ...]:
        """Devices that can hold ``job``, best whole-device fidelity first (see
        :meth:`qcloudsim.models.cost.CostModel.fleet_ranking`), as ``(fleet index, quote)``."""
        if self._fleet is None:
            self._fleet = fleet_state(self.devices)
        fleet, versions, _ = self._fleet
        return self.cost.fleet_ranking(job, fleet, versions, job.submission.pinned_device)

    def idle_indices(self) -> frozenset[int] | set[int] | None:
        """Under exclusive scheduling, the fleet indices of the devices that can take a job now
        when every one of them is wholly free; ``None`` otherwise (multi-programming, or a device
        partly held by an interleaving session)."""
        if not self._simple():
            return None
        if self._idle_set is not None:
            return self.wholly_free_indices()
        return self.open_indices() if self.all_open_idle() else None

    def wholly_free_indices(self) -> frozenset[int] | set[int] | None:
        """Fleet indices of the devices that are up with every qubit free (no run, no claim this
        round), under any multiplexing, when the engine keeps that index; ``None`` when unknown."""
        if self._idle_set is not None and self._idle_claims:
            by_name = self._by_name
            self._idle_set = self._idle_set - {by_name[name].index for name in self._idle_claims}
            self._idle_claims = []
        return self._idle_set

    def all_open_idle(self) -> bool:
        """True when every device that could accept a job now is wholly free (no runs, no claims)."""
        if self._idle is None:
            if self._simple():
                self._idle = not any(d.running for d in self.open_devices())
            elif not self.exclusive:
                claimed = self._claimed
                self._idle = not any(d.running or d.name in claimed for d in self.open_devices())
            else:
                self._idle = all(self.free_qubits(d) is None for d in self.open_devices())
        return self._idle

    def has_capacity(self) -> bool:
        """True when at least one device could accept some job now."""
        return bool(self.open_devices())

    def can_host(self, job: Job, device: DeviceView) -> bool:
        """Quick size check: does ``device`` have enough free qubits for ``job`` now?"""
        free = self.free_qubits(device)
        if free is None:
            return job.profile.num_qubits <= device.num_qubits
        return job.profile.num_qubits <= len(free)

    def region(self, job: Job, device: DeviceView) -> Region | None:
        """Best connected region for ``job`` among the device's free qubits."""
        free = self.free_qubits(device)
        size = job.profile.num_qubits
        if size > (device.num_qubits if free is None else len(free)):
            return None
        return self.cost.region(device.calibration, size, free)

    def estimate(self, job: Job, device: DeviceView, region: Region | None = None) -> Quote | None:
        """The cost model's :class:`~qcloudsim.models.cost.Quote` of ``job`` on ``device``.

        On ``region`` if given, else on the best region among the free
        qubits; ``None`` when the job is pinned elsewhere or does not fit now.
        A quote has the estimate's ``qubits`` and ``fidelity``; the job's
        QPU time there is :meth:`runtime_s`.
        """
        pinned = job.submission.pinned_device
        if pinned is not None and pinned != device.name:
            return None
        cost = self.cost
        calibration = device.calibration
        if region is None:
            free = self.free_qubits(device)
            size = job.profile.num_qubits
            if size > (device.num_qubits if free is None else len(free)):
                return None
            region = cost.estimator.region(calibration, size, free)
            if region is None:
                return None
        return cost.quote(job, device.device, calibration, region)

    quote = estimate

    def reference_quote(self, job: Job, device: DeviceView) -> Quote | None:
        """The quote of ``job`` on ``device``'s best region with every qubit free (occupancy-independent)."""
        if job.profile.num_qubits > device.num_qubits:
            return None
        return self.cost.best_quote(job, device.device, device.calibration, None)

    def runtime_s(self, job: Job, estimate: Quote | Estimate) -> float:
        """QPU time of ``job`` under ``estimate`` (s); a job's fixed ``service_s`` wins."""
        if isinstance(estimate, Quote):
            return self.cost.runtime_s(job, estimate)
        if job.service_s is not None:
            return job.service_s
        return self.cost.estimator.runtime_s(estimate, job.shots, job.circuits)

    def allowed(self, job: Job, device: DeviceView) -> bool:
        """False when the job is pinned to another device."""
        return job.pinned_device is None or job.pinned_device == device.name

    def finishes_before_downtime(self, job: Job, device: DeviceView, estimate: Quote | Estimate) -> bool:
        """True when ``job`` started now on ``device`` ends before its next downtime.

        The engine refuses assignments that would run into a downtime window.
        """
        if isinstance(estimate, Quote):
            return self.cost.fits(job, estimate, self.now, device.next_down_s)
        return self.now + self.runtime_s(job, estimate) <= device.next_down_s

    def claim(self, assignment: Assignment) -> None:
        """Record a tentative assignment so later checks this round see it.

        The derived indexes (open devices, idle devices) are brought up to
        date when next asked for, so the last claim of a round costs little.
        """
        device = assignment.device
        claimed = self._claimed.get(device)
        if claimed is None:
            self._claimed[device] = set(assignment.qubits)
        else:
            claimed.update(assignment.qubits)
        if assignment.job.lineage.blocking:
            self._blocked.add(device)
            if self._idle_set is not None:
                self._idle_claims.append(device)
        else:
            self._shared_claims = True
            self._idle_set = None
        self._open = None
        self._open_idx = None
        self._idle = None


def fleet_state(devices: Sequence[DeviceView]) -> tuple[tuple, tuple[int, ...], int]:
    """``((device, calibration) per device, calibration versions, largest device size)``."""
    return (
        tuple((d.device, d.calibration) for d in devices),
        tuple(d.calibration.version for d in devices),
        max((d.num_qubits for d in devices), default=0),
    )
