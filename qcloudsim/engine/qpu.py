"""Live state of one QPU inside the engine (a read-only DeviceView for schedulers)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.models.cost import Quote
from qcloudsim.models.estimator import Estimate
from qcloudsim.workload.job import Job


class DeviceState:
    """Names of the states a device timeline records."""

    IDLE = "idle"
    BUSY = "busy"
    DOWN = "down"
    CALIBRATING = "calibrating"


@dataclass(slots=True, eq=False)
class Run:
    """One job executing on one QPU.

    Attributes:
        job: The job.
        qpu: Where it runs.
        qubits: The physical qubits it holds.
        start_s: Start time (s).
        end_s: Expected end time (s).
        estimate: Model outputs in force for it (crosstalk included).
        quote: The cost model's quote it was dispatched with.
        attempt: 1 for the job's first run, 2 after one requeue, ...
        cancelled: Set when the run is cut short; its completion event is ignored.
    """

    job: Job
    qpu: QPU
    qubits: tuple[int, ...]
    start_s: float
    end_s: float
    estimate: Estimate
    quote: Quote | None = None
    attempt: int = 1
    cancelled: bool = False


class QPU:
    """Engine-side state of a device. Schedulers read it, never write it.

    Attributes:
        index: Position in the fleet.
        device: Static description and nominal calibration.
        name: The device's name.
        num_qubits: Physical qubits.
        calibration: Calibration in force.
        available: False during downtime.
        next_down_s: Start of the next planned (drained) downtime (s), ``inf`` if none.
        down_reasons: Why the device is unavailable now: source -> state.
        owner: Held qubit -> the run holding it, kept from the first time
            two runs share the device (only the crosstalk between runs needs it).
        blocking: Runs that keep other jobs off the device under exclusive scheduling.
        planned: Announced downtime starts by source (s).
    """

    __slots__ = (
        "index", "device", "name", "num_qubits", "calibration", "available", "next_down_s",
        "down_reasons", "planned", "_free", "_runs", "_frozen", "owner", "blocking", "_tracked",
    )

    def __init__(self, index: int, device: Device) -> None:
        self.index = index
        self.device = device
        self.name = device.name
        self.num_qubits = device.num_qubits
        self.calibration: Calibration = device.calibration
        self.available = True
        self.next_down_s = math.inf
        self.down_reasons: dict[str, str] = {}
        self.planned: dict[str, float] = {}
        self._free: set[int] = set(range(self.num_qubits))
        self._runs: dict[int, Run] = {}
        self._frozen: frozenset[int] | None = None
        self.owner: dict[int, Run] = {}
        self.blocking = 0
        self._tracked = False

    @property
    def free_qubits(self) -> frozenset[int]:
        if self._frozen is None:
            self._frozen = frozenset(self._free)
        return self._frozen

    @property
    def num_free(self) -> int:
        return len(self._free)

    @property
    def running(self) -> int:
        return len(self._runs)

    @property
    def busy_qubits(self) -> int:
        return self.device.num_qubits - len(self._free)

    @property
    def busy_until_s(self) -> float:
        return max((r.end_s for r in self._runs.values()), default=-math.inf)

    def runs(self) -> tuple[Run, ...]:
        """Runs in progress."""
        return tuple(self._runs.values())

    def busy_set(self) -> set[int]:
        """Qubits held by any run."""
        return set(range(self.num_qubits)) - self._free

    def held_by_others(self, job_id: int) -> set[int]:
        """Qubits held by runs other than ``job_id``'s."""
        own = self._runs[job_id].qubits if job_id in self._runs else ()
        return self.busy_set().difference(own)

    def hold(self, run: Run) -> None:
        """Give ``run`` its qubits.

        Raises:
            RuntimeError: If any of the qubits is already held (the
                "no qubit held twice" invariant).
        """
        free = self._free
        if not free.issuperset(run.qubits):
            busy = [q for q in run.qubits if q not in free]
            raise RuntimeError(f"{self.name}: qubits {busy} are already held; cannot start job {run.job.id}")
        free.difference_update(run.qubits)
        self._frozen = None
        self._runs[run.job.id] = run
        if self._tracked:
            owner = self.owner
            for q in run.qubits:
                owner[q] = run
        elif len(self._runs) > 1:
            self._tracked = True
            self.owner = {q: held for held in self._runs.values() for q in held.qubits}
        if run.job.lineage.blocking:
            self.blocking += 1

    def release(self, run: Run) -> None:
        """Free the qubits of a finished or cancelled run."""
        del self._runs[run.job.id]
        self._free.update(run.qubits)
        self._frozen = None
        if self._tracked:
            owner = self.owner
            for q in run.qubits:
                del owner[q]
        if run.job.lineage.blocking:
            self.blocking -= 1
