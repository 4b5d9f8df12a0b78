"""Build a :class:`~qcloudsim.schedulers.snapshot.Snapshot` without SimPy, for scheduler tests.

A scheduler is a pure function of its snapshot; this module lets a test
(or a user writing a scheduler) put any state in front of it — queued jobs,
busy qubits, devices down or about to go down — and call ``decide``::

    snapshot = make_snapshot([device_a, device_b], jobs, now=10.0,
                             running={"a": [(job0, (0, 1), 25.0)]}, down={"b"})
    assignments = scheduler.decide(snapshot)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from qcloudsim.devices.device import Device
from qcloudsim.engine.qpu import QPU, Run
from qcloudsim.engine.queue import QueueSet, Topology
from qcloudsim.models.cost import CostModel
from qcloudsim.schedulers.snapshot import Snapshot
from qcloudsim.workload.job import Job, JobStatus


def make_snapshot(
    devices: Sequence[Device],
    queue: Iterable[Job],
    now: float = 0.0,
    running: Mapping[str, Sequence[tuple[Job, tuple[int, ...], float]]] | None = None,
    down: Iterable[str] = (),
    next_down_s: Mapping[str, float] | None = None,
    exclusive: bool = True,
    cost: CostModel | None = None,
    queues: Topology = "global",
) -> Snapshot:
    """A snapshot of ``devices`` with ``queue`` waiting at time ``now``.

    Args:
        devices: The fleet, in order.
        queue: Waiting jobs, in arrival order.
        now: Simulation time (s).
        running: Per device name, runs in progress as ``(job, qubits, end_s)``.
        down: Names of devices that are unavailable.
        next_down_s: Per device name, the start of its next planned downtime (s).
        exclusive: The scheduler's multiplexing (one job per QPU when true).
        cost: The cost model (defaults if ``None``).
        queues: Queue topology (``global`` or ``per_device``).
    """
    cost = cost or CostModel()
    qpus = tuple(QPU(i, d) for i, d in enumerate(devices))
    by_name = {q.name: q for q in qpus}
    down = set(down)
    for name, runs in (running or {}).items():
        qpu = by_name[name]
        for job, qubits, end_s in runs:
            job.state.status = JobStatus.RUNNING
            quote = cost.quote(job, qpu.device, qpu.calibration, tuple(qubits))
            qpu.hold(Run(job, qpu, tuple(qubits), now, end_s, quote.estimate, quote))
    for qpu in qpus:
        qpu.available = qpu.name not in down
        qpu.next_down_s = (next_down_s or {}).get(qpu.name, math.inf)
    topology = QueueSet(queues, tuple(by_name))
    for job in queue:
        job.state.status = JobStatus.QUEUED
        topology.add(job)
    return Snapshot(now, topology.view, qpus, cost, exclusive, by_name, queues=topology)
