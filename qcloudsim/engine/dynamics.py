"""Devices over time: maintenance, calibration cycles, drift, history replay, outages.

Each is a SimPy process per device that talks to the engine through four
calls: ``plan`` (announce a downtime start so no job is started that would
run into it), ``go_down`` / ``go_up`` (availability, with what happens to
running jobs: ``drain`` lets them finish — nothing was started that would
overlap a planned downtime — while ``requeue`` and ``fail`` cut them), and
``set_calibration`` (a new :class:`~qcloudsim.devices.calibration.Calibration`
is in force; later jobs see it).

Randomness (jitter, drift, failures) comes from per-device named streams of
the run's seed sequence, so runs are reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from qcloudsim.devices.calibration import Calibration
from qcloudsim.models.drift import DriftParams, drift_step, recalibrate

if TYPE_CHECKING:
    from qcloudsim.engine.kernel import Kernel as Simulation
    from qcloudsim.engine.qpu import QPU

OnRunning = Literal["drain", "requeue", "fail"]
Window = tuple[float, float]

CALIBRATING = "calibrating"
DOWN = "down"


def _check_policy(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what}: on_running must be one of {', '.join(allowed)}, got {value!r}")


@dataclass(frozen=True)
class CalibrationCycle:
    """Periodic recalibration with downtime.

    The ``k``-th calibration starts at ``first_s + k * period_s + U(-jitter_s, jitter_s)``
    and lasts ``duration_s``; the device runs nothing meanwhile.

    Attributes:
        period_s: Time between calibration starts (s).
        duration_s: Downtime of one calibration (s).
        jitter_s: Half-width of the uniform jitter of each start (s).
        first_s: Start of the first calibration (s); default ``period_s``.
        on_running: ``drain`` (default: jobs that would overlap are not
            started), ``requeue`` or ``fail`` (running jobs are cut).
    """

    period_s: float
    duration_s: float
    jitter_s: float = 0.0
    first_s: float | None = None
    on_running: OnRunning = "drain"

    def __post_init__(self) -> None:
        if not (self.period_s > 0 and self.duration_s > 0):
            raise ValueError("calibration period_s and duration_s must be > 0")
        if self.jitter_s < 0:
            raise ValueError("calibration jitter_s must be >= 0")
        if self.duration_s + 2 * self.jitter_s >= self.period_s:
            raise ValueError(
                f"calibration duration_s + 2 * jitter_s ({self.duration_s + 2 * self.jitter_s} s) "
                f"must be shorter than period_s ({self.period_s} s)"
            )
        if self.first_s is not None and self.first_s < self.jitter_s:
            raise ValueError("calibration first_s must be >= jitter_s")
        _check_policy(self.on_running, ("drain", "requeue", "fail"), "calibration")

    @property
    def shortest_gap_s(self) -> float:
        """Shortest possible time between the end of one calibration and the next start (s)."""
        return self.period_s - self.duration_s - 2 * self.jitter_s


@dataclass(frozen=True)
class Outages:
    """Random failures: exponential times to failure and to repair.

    Attributes:
        mtbf_s: Mean time between failures (s).
        mttr_s: Mean time to repair (s).
        on_running: ``requeue`` (default) or ``fail`` the jobs running at a failure.
    """

    mtbf_s: float
    mttr_s: float
    on_running: Literal["requeue", "fail"] = "requeue"

    def __post_init__(self) -> None:
        if not (self.mtbf_s > 0 and self.mttr_s > 0):
            raise ValueError("outages mtbf_s and mttr_s must be > 0")
        _check_policy(self.on_running, ("requeue", "fail"), "outages")


@dataclass(frozen=True)
class HistoryReplay:
    """Follow a recorded sequence of calibration snapshots.

    Attributes:
        snapshots: ``(time_s, Calibration)`` pairs, times relative to the
            first snapshot (s), sorted.
        time_scale: Simulated seconds per recorded second (``1/86400``
            replays a day of history per simulated second).
        downtime_s: Calibration downtime before each new snapshot (s).
        on_running: Policy for running jobs at each switch.
    """

    snapshots: Sequence[tuple[float, Calibration]]
    time_scale: float = 1.0
    downtime_s: float = 0.0
    on_running: OnRunning = "drain"

    def __post_init__(self) -> None:
        if not self.snapshots:
            raise ValueError("a calibration history needs at least one snapshot")
        times = [t for t, _ in self.snapshots]
        if times != sorted(times):
            raise ValueError("calibration history snapshots must be sorted by time")
        if not self.time_scale > 0:
            raise ValueError("history time_scale must be > 0")
        if self.downtime_s < 0:
            raise ValueError("history downtime_s must be >= 0")
        _check_policy(self.on_running, ("drain", "requeue", "fail"), "history")

    def switch_times(self) -> list[float]:
        """Simulated times of the switches to snapshots 1, 2, ... (s)."""
        return [t * self.time_scale for t, _ in self.snapshots[1:]]


@dataclass(frozen=True)
class DeviceDynamics:
    """Everything that changes one device over time (all optional).

    Attributes:
        maintenance: Scheduled windows ``(start_s, end_s)`` (drained).
        calibration: Periodic recalibration.
        drift: Drift of the calibration between recalibrations.
        history: Replay of recorded calibrations (excludes ``calibration``).
        outages: Random failures.
    """

    maintenance: tuple[Window, ...] = ()
    calibration: CalibrationCycle | None = None
    drift: DriftParams | None = None
    history: HistoryReplay | None = None
    outages: Outages | None = None
    _windows: tuple[Window, ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        ordered = tuple(sorted((float(s), float(e)) for s, e in self.maintenance))
        previous = -math.inf
        for start, end in ordered:
            if not (0 <= start < end) or start < previous:
                raise ValueError(
                    f"maintenance window ({start}, {end}) must satisfy 0 <= start < end and not overlap another"
                )
            previous = end
        object.__setattr__(self, "_windows", ordered)
        if self.calibration is not None and self.history is not None:
            raise ValueError("a device follows either a calibration cycle or a recorded history, not both")

    @property
    def windows(self) -> tuple[Window, ...]:
        """Maintenance windows, sorted."""
        return self._windows

    def longest_run_s(self) -> float:
        """Longest job that is sure to find a slot between drained downtimes (s).

        Only a recurring calibration cycle limits it: maintenance windows and
        a recorded history are finite, so a long job waits for the end of
        the last one at worst.
        """
        if self.calibration is not None and self.calibration.on_running == "drain":
            return self.calibration.shortest_gap_s
        return math.inf

    def is_static(self) -> bool:
        """True when nothing changes over time."""
        return not (self.windows or self.calibration or self.drift or self.history or self.outages)


def maintenance_process(sim: Simulation, qpu: QPU, windows: Sequence[Window]) -> Generator:
    """Take the device down for each window (running jobs drained)."""
    env = sim.env
    for start, end in windows:
        sim.plan(qpu, "maintenance", start)
        if start > env.now:
            yield env.timeout(start - env.now)
        sim.go_down(qpu, "maintenance", DOWN, "drain", "maintenance")
        yield env.timeout(end - env.now)
        sim.go_up(qpu, "maintenance")


def calibration_process(
    sim: Simulation, qpu: QPU, cycle: CalibrationCycle, drift: DriftParams | None, rng: np.random.Generator
) -> Generator:
    """Recalibrate every period; with drift, each recalibration draws a fresh calibration."""
    env = sim.env
    nominal = qpu.device.calibration
    first = cycle.period_s if cycle.first_s is None else cycle.first_s
    k = 0
    while True:
        start = first + k * cycle.period_s + (rng.uniform(-cycle.jitter_s, cycle.jitter_s) if cycle.jitter_s else 0.0)
        if cycle.on_running == "drain":
            sim.plan(qpu, "calibration", start)
        yield env.timeout(max(start - env.now, 0.0))
        sim.go_down(qpu, "calibration", CALIBRATING, cycle.on_running, f"calibration of {qpu.name}")
        yield env.timeout(cycle.duration_s)
        if drift is not None:
            sim.set_calibration(qpu, recalibrate(nominal, drift, rng, timestamp=f"t={env.now:.0f}s"))
        sim.go_up(qpu, "calibration")
        k += 1


def drift_process(sim: Simulation, qpu: QPU, drift: DriftParams, rng: np.random.Generator) -> Generator:
    """Step the calibration in force every ``drift.step_s``."""
    env = sim.env
    while True:
        yield env.timeout(drift.step_s)
        sim.set_calibration(qpu, drift_step(qpu.calibration, drift.step_s, drift, rng, timestamp=f"t={env.now:.0f}s"))


def history_process(sim: Simulation, qpu: QPU, history: HistoryReplay) -> Generator:
    """Switch to each recorded snapshot at its (scaled) time."""
    env = sim.env
    sim.set_calibration(qpu, history.snapshots[0][1])
    for (_, calibration), at in zip(history.snapshots[1:], history.switch_times(), strict=True):
        down_at = at - history.downtime_s
        if history.downtime_s > 0:
            if history.on_running == "drain":
                sim.plan(qpu, "history", max(down_at, env.now))
            yield env.timeout(max(down_at - env.now, 0.0))
            sim.go_down(qpu, "history", CALIBRATING, history.on_running, f"recalibration of {qpu.name}")
            yield env.timeout(max(at - env.now, 0.0))
            sim.set_calibration(qpu, calibration)
            sim.go_up(qpu, "history")
        else:
            yield env.timeout(max(at - env.now, 0.0))
            sim.set_calibration(qpu, calibration)


def outage_process(sim: Simulation, qpu: QPU, outages: Outages, rng: np.random.Generator) -> Generator:
    """Fail after Exp(mtbf) of uptime, recover after Exp(mttr)."""
    env = sim.env
    while True:
        yield env.timeout(float(rng.exponential(outages.mtbf_s)))
        sim.go_down(qpu, "outage", DOWN, outages.on_running, f"failure of {qpu.name}")
        yield env.timeout(float(rng.exponential(outages.mttr_s)))
        sim.go_up(qpu, "outage")
