"""Devices over time as a kernel extension: maintenance, calibration, drift, history, outages.

Declares each device's longest admissible run (the shortest gap between
drained calibrations, so admission rejects a job no gap can hold) and
starts the per-device processes of :mod:`qcloudsim.engine.dynamics`, which
change devices only through the kernel's device API. Random streams are
the run's, named per device and purpose (``calibration:<name>``,
``drift:<name>``, ``outage:<name>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from qcloudsim.engine import dynamics as dyn
from qcloudsim.engine.dynamics import DeviceDynamics
from qcloudsim.engine.kernel import Extension

if TYPE_CHECKING:
    from qcloudsim.engine.kernel import Kernel

Window = tuple[float, float]


class DynamicsExtension(Extension):
    """How each device changes over time.

    Args:
        dynamics: Per device name.
        downtime: Extra maintenance windows ``(start_s, end_s)`` per device name.

    Raises:
        ValueError: When a name is not in the fleet (at attach).
    """

    def __init__(
        self,
        dynamics: Mapping[str, DeviceDynamics] | None = None,
        downtime: Mapping[str, Sequence[Window]] | None = None,
    ) -> None:
        self.specs = merge_dynamics(dynamics or {}, downtime or {})

    def attach(self, kernel: Kernel) -> None:
        unknown = sorted(set(self.specs) - set(kernel.by_name))
        if unknown:
            raise ValueError(f"device dynamics name device {unknown[0]!r}, which is not in the fleet")
        for name, spec in self.specs.items():
            kernel.run_limits[name] = spec.longest_run_s()

    def start(self, kernel: Kernel) -> bool:
        recurring = False
        streams = kernel.streams
        for qpu in kernel.qpus:
            spec = self.specs.get(qpu.name)
            if spec is None:
                continue
            env, name = kernel.env, qpu.name
            if spec.windows:
                env.process(dyn.maintenance_process(kernel, qpu, spec.windows))
            if spec.history is not None:
                env.process(dyn.history_process(kernel, qpu, spec.history))
            if spec.calibration is not None:
                env.process(dyn.calibration_process(
                    kernel, qpu, spec.calibration, spec.drift, streams.generator(f"calibration:{name}")
                ))
            if spec.drift is not None:
                env.process(dyn.drift_process(kernel, qpu, spec.drift, streams.generator(f"drift:{name}")))
            if spec.outages is not None:
                env.process(dyn.outage_process(kernel, qpu, spec.outages, streams.generator(f"outage:{name}")))
            recurring = recurring or bool(spec.calibration or spec.drift or spec.outages)
        return recurring


def merge_dynamics(
    dynamics: Mapping[str, DeviceDynamics], downtime: Mapping[str, Sequence[Window]]
) -> dict[str, DeviceDynamics]:
    """``dynamics`` with the ``downtime`` windows added as maintenance; static entries dropped."""
    merged: dict[str, DeviceDynamics] = {}
    for name in sorted(set(dynamics) | set(downtime)):
        spec = dynamics.get(name, DeviceDynamics())
        if downtime.get(name):
            windows = tuple(spec.maintenance) + tuple((float(s), float(e)) for s, e in downtime[name])
            spec = DeviceDynamics(windows, spec.calibration, spec.drift, spec.history, spec.outages)
        if not spec.is_static():
            merged[name] = spec
    return merged
