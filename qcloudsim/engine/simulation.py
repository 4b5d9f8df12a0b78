"""A kernel with the standard extensions plugged in, from keyword arguments.

:class:`Simulation` is what :func:`qcloudsim.build.build_simulation` (the
composition root used by ``run()``, sweeps, replay and the RL env) and
tests build. It adds no behaviour of its own: each keyword argument turns
on one :mod:`extension <qcloudsim.engine.extensions>` of the
:class:`~qcloudsim.engine.kernel.Kernel`, in a fixed order (extensions
before monitors, so monitors see what extensions adjusted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from qcloudsim.devices.device import Device
from qcloudsim.engine.classical import ClassicalPool
from qcloudsim.engine.cutting import CuttingPolicy
from qcloudsim.engine.dynamics import DeviceDynamics
from qcloudsim.engine.extensions import (
    ClassicalPoolExtension,
    CrosstalkExtension,
    CuttingExtension,
    DynamicsExtension,
    HorizonExtension,
    ProgramsExtension,
)
from qcloudsim.engine.kernel import Kernel, SchedulingError
from qcloudsim.engine.monitor import Monitor
from qcloudsim.engine.queue import Topology
from qcloudsim.hybrid.program import HybridProgram
from qcloudsim.models.cost import CostModel
from qcloudsim.models.estimator import Estimator
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job

Window = tuple[float, float]

__all__ = ["SchedulingError", "Simulation"]


class Simulation(Kernel):
    """One simulation run: the kernel plus the extensions the arguments ask for.

    Args:
        devices: The fleet (names must be unique).
        scheduler: Decision policy.
        jobs: Jobs in non-decreasing ``arrival_s`` order; consumed lazily.
        estimator: Cached models (wrapped in a :class:`~qcloudsim.models.cost.CostModel`).
        monitors: Observers of engine events.
        downtime: Maintenance windows ``(start_s, end_s)`` per device name.
        horizon_s: Stop the clock here; jobs still waiting or running then
            end ``FAILED`` with a reason. ``None`` runs until all work is done.
        dynamics: How each device changes over time, by device name.
        streams: The run's random streams (seed 0 if ``None``).
        programs: Hybrid programs (:mod:`qcloudsim.engine.programs`).
        classical: Classical pool nodes by kind (``{"cpu": 8, "gpu": 2}``).
        cutting: When to cut circuits (:mod:`qcloudsim.engine.cutting`).
        cost: The cost model (built from ``estimator`` when ``None``).
        queues: Queue topology, ``global`` or ``per_device``.
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
        cost: CostModel | None = None,
        queues: Topology = "global",
    ) -> None:
        super().__init__(devices, scheduler, jobs, cost or CostModel(estimator), streams, queues)
        self.horizon_s = horizon_s
        self._pool = self.add(ClassicalPoolExtension(classical))
        if dynamics or downtime:
            self.add(DynamicsExtension(dynamics, downtime))
        self.add(CrosstalkExtension())
        self.programs = self.add(ProgramsExtension(programs)) if programs else None
        self.cutting = cutting or CuttingPolicy()
        if self.cutting.when != "never":
            self.add(CuttingExtension(self.cutting))
        self.horizon = self.add(HorizonExtension(horizon_s)) if horizon_s is not None else None
        for monitor in monitors:
            self.bus.attach(monitor)

    @property
    def pool(self) -> ClassicalPool:
        """The classical compute pool."""
        assert isinstance(self._pool, ClassicalPoolExtension) and self._pool.pool is not None
        return self._pool.pool

    @property
    def estimator(self) -> Estimator:
        """The memoised models behind the cost model."""
        return self.cost.estimator

    @property
    def queue(self):
        """All waiting jobs, in one order (a read-only view)."""
        return self.queues.view

    @property
    def programs_after_horizon(self) -> int:
        """Hybrid programs that would have arrived after the horizon."""
        return 0 if self.programs is None else self.programs.after_horizon  # type: ignore[attr-defined]

    @property
    def after_horizon(self) -> int:
        """Workload jobs that would have arrived after the horizon (0 without one)."""
        return 0 if self.horizon is None else self.horizon.after_horizon  # type: ignore[attr-defined]
