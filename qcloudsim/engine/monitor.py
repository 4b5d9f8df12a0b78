"""Monitors: observers of engine events (after batsim-py's monitors).

The engine calls a monitor's hooks as things happen; a monitor collects
what it needs and turns it into a table at the end. Only hooks a subclass
overrides are called, so an unused hook costs nothing per job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcloudsim.engine.qpu import QPU, Run
    from qcloudsim.workload.job import Job

HOOKS = (
    "on_arrival", "on_reject", "on_start", "on_finish", "on_interrupt",
    "on_device_state", "on_calibration", "on_program", "on_cut_job", "on_end",
)


class Monitor:
    """Base class: override any of the hooks below."""

    def on_arrival(self, job: Job, now: float) -> None:
        """A job was submitted."""

    def on_reject(self, job: Job, now: float) -> None:
        """A job left without running (``job.status`` is REJECTED or FAILED, ``job.reason`` says why)."""

    def on_start(self, run: Run, now: float) -> None:
        """A job started on a QPU."""

    def on_finish(self, run: Run, now: float) -> None:
        """A job left a QPU (``run.job.status`` says how)."""

    def on_interrupt(self, run: Run, now: float) -> None:
        """A run was cut and its job put back in the queue (a failed job gets ``on_finish``)."""

    def on_device_state(self, qpu: QPU, state: str, now: float) -> None:
        """A QPU changed availability (``state`` from :class:`~qcloudsim.engine.qpu.DeviceState`)."""

    def on_calibration(self, qpu: QPU, now: float) -> None:
        """A new calibration is in force on ``qpu`` (``qpu.calibration``)."""

    def on_program(self, record: dict, now: float) -> None:
        """A hybrid program ended; ``record`` holds its metrics."""

    def on_cut_job(self, job: Job, now: float) -> None:
        """A cut job left the system (its fragments and reconstruction are done, or one failed)."""

    def on_end(self, now: float) -> None:
        """The simulation ended at ``now``."""


def overridden_hooks(monitor: Monitor) -> dict[str, object]:
    """Bound methods of the hooks ``monitor`` overrides."""
    return {
        hook: getattr(monitor, hook)
        for hook in HOOKS
        if getattr(type(monitor), hook) is not getattr(Monitor, hook)
    }
