"""The composition root: config -> simulation, the one place a run is assembled.

:func:`build_simulation` is used by :func:`qcloudsim.experiment.run` (and so
by sweeps and trace replay) and by the Gymnasium environment; each config
section becomes a part of the simulation here and nowhere else: the fleet
and its dynamics, the workload (synthetic or a trace), the models, the
scheduler and queue topology, hybrid programs, cutting and the horizon.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.config.schema import (
    CatalogDevice,
    CustomDevice,
    ExperimentConfig,
    MixEntryConfig,
    MmppArrivals,
    PoissonArrivals,
    TraceConfig,
    TraceWorkloadConfig,
    WorkloadConfig,
    fleet_name,
)
from qcloudsim.devices.device import Device
from qcloudsim.engine.cutting import CuttingPolicy
from qcloudsim.engine.dynamics import CalibrationCycle, DeviceDynamics, HistoryReplay, Outages
from qcloudsim.engine.monitor import Monitor
from qcloudsim.engine.simulation import Simulation
from qcloudsim.hybrid.build import build_programs
from qcloudsim.hybrid.program import HybridProgram
from qcloudsim.models.cost import CostModel
from qcloudsim.models.crosstalk import CrosstalkParams
from qcloudsim.models.drift import DriftParams
from qcloudsim.models.estimator import Estimator
from qcloudsim.models.fidelity import FidelityParams
from qcloudsim.models.runtime import RuntimeParams
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job
from qcloudsim.workload.synthetic import MixEntry, UserSpec, poisson_jobs

if TYPE_CHECKING:
    from qcloudsim.traces.table import SkipReport


def _dynamics(entry: CatalogDevice | CustomDevice, device: Device) -> DeviceDynamics:
    cycle = history = outages = drift = None
    if entry.calibration is not None:
        cycle = CalibrationCycle(**entry.calibration.model_dump())
    if entry.drift is not None:
        drift = DriftParams(**entry.drift.model_dump())
    if entry.outages is not None:
        outages = Outages(**entry.outages.model_dump())
    if entry.history is not None:
        from qcloudsim.devices.history import load_history

        recorded = load_history(entry.history.path)
        if recorded.device.num_qubits != device.num_qubits:
            raise ValueError(
                f"calibration history {entry.history.path} has {recorded.device.num_qubits} qubits, "
                f"device {device.name} has {device.num_qubits}"
            )
        history = HistoryReplay(
            snapshots=list(recorded.snapshots), time_scale=entry.history.time_scale,
            downtime_s=entry.history.downtime_s, on_running=entry.history.on_running,
        )
    windows = tuple((float(s), float(e)) for s, e in entry.downtime)
    return DeviceDynamics(windows, cycle, drift, history, outages)


def build_fleet(config: ExperimentConfig) -> tuple[list[Device], dict[str, DeviceDynamics]]:
    """Devices of the fleet and how each changes over time."""
    from qcloudsim.devices.catalog import device_from_spec, load_catalog

    devices: list[Device] = []
    dynamics: dict[str, DeviceDynamics] = {}
    for index, entry in enumerate(config.fleet):
        name = fleet_name(entry)
        if isinstance(entry, CatalogDevice):
            device = load_catalog().get(entry.catalog)
            if device.name != name:
                device = _renamed(device, name)
        else:
            assert isinstance(entry, CustomDevice)
            device = device_from_spec(entry.spec(), where=f"fleet.{index}")
        devices.append(device)
        spec = _dynamics(entry, device)
        if not spec.is_static():
            dynamics[name] = spec
    return devices, dynamics


def _renamed(device: Device, name: str) -> Device:
    data = device.to_dict()
    data["name"] = name
    return Device.from_dict(data)


def _profile_source(entry: MixEntryConfig):
    if entry.qasm is not None:
        from qcloudsim.circuits.qasm import profile_from_qasm

        profile = profile_from_qasm(entry.qasm)
        return (profile.num_qubits,), (lambda _size, p=profile: p)
    low, high = entry.size_range()
    assert entry.family is not None  # a mix entry is a QASM file or a family
    return tuple(range(low, high + 1)), partial(_family, entry.family)


def _family(name: str, size: int) -> CircuitProfile:
    from qcloudsim.circuits.families import family_profile

    return family_profile(name, size)


@dataclass
class WorkloadSource:
    """A lazy job stream and, after the run, what its source reports.

    Attributes:
        jobs: Jobs in arrival order.
        report: Called after the run: a dict for the summary (trace rows
            read and skipped by reason; empty for synthetic workloads).
    """

    jobs: Iterator[Job]
    report: Callable[[], dict]


def build_workload(config: ExperimentConfig, streams: SeedStreams) -> WorkloadSource:
    """The job stream of the config (lazy): synthetic or replayed from a trace."""
    if isinstance(config.workload, TraceWorkloadConfig):
        return _trace_workload(config.workload.trace, streams)
    return WorkloadSource(_synthetic_jobs(config.workload, streams), dict)


def open_trace(trace: TraceConfig):
    """A reader of canonical chunks for the configured trace format."""
    from qcloudsim.traces import ibm, qasm_list, swf, table

    fmt = trace.resolved_format()
    if fmt == "canonical":
        return table.read_table(trace.path, on_error=trace.on_error, units=trace.units or None)
    if fmt == "ibm":
        return ibm.read_ibm(trace.path, mapping=trace.mapping or None, units=trace.units or None,
                            on_error=trace.on_error)
    if fmt == "swf":
        return swf.read_swf(trace.path, swf.SwfMapping(**trace.swf.model_dump()), on_error=trace.on_error)
    return qasm_list.read_qasm_list(trace.path, on_error=trace.on_error)


def _trace_workload(trace: TraceConfig, streams: SeedStreams) -> WorkloadSource:
    """The replayed jobs of a trace, and the accounting of its rows for the summary.

    Every row read is a job, a skipped row (by reason, reader and replay stage
    together) or a filtered row (window, users, thinning), and copies come on
    top: ``trace_rows_read + trace_copies_added == jobs + trace_rows_skipped +
    trace_rows_filtered`` where jobs are the run's submitted jobs plus those
    arriving after the horizon (``docs/traces.md``). One
    :class:`~qcloudsim.traces.table.TraceSkipWarning` sums up the skips of
    both stages when the stream ends.
    """
    from qcloudsim.traces.replay import ReplayOptions, jobs_from_table
    from qcloudsim.traces.table import SkipReport

    reader = open_trace(trace)
    reader.warn_skips = False  # warned once below, with the replay stage's skips
    options = ReplayOptions(
        start_s=trace.start_s, end_s=trace.end_s, time_scale=trace.time_scale, load_scale=trace.load_scale,
        jitter_s=trace.jitter_s, users=frozenset(trace.users) if trace.users else None,
        device_map=dict(trace.device_map), runtime=trace.runtime, default_shots=trace.default_shots,
        on_error=trace.on_error,
    )
    replay_report = SkipReport(path=str(trace.path))
    jobs = jobs_from_table(reader, options, streams, report=replay_report, path=str(trace.path))
    warned = False

    def warn_once() -> None:
        nonlocal warned
        if not warned:
            warned = True
            _warn_skips(reader.report.merge(replay_report))

    def stream() -> Iterator[Job]:
        yield from jobs
        warn_once()

    def report() -> dict:
        warn_once()
        merged = reader.report.merge(replay_report)
        return {
            "trace_rows_read": merged.rows,
            "trace_rows_skipped": merged.skipped,
            "trace_skipped_by_reason": dict(merged.counts),
            "trace_rows_filtered": sum(merged.filtered.values()),
            "trace_filtered_by_reason": dict(merged.filtered),
            "trace_copies_added": merged.copies_added,
            "trace_skip_examples": merged.examples,
        }

    return WorkloadSource(stream(), report)


def _warn_skips(report: SkipReport) -> None:
    """One :class:`~qcloudsim.traces.table.TraceSkipWarning` for a trace's skipped rows, if any."""
    from qcloudsim.traces.table import TraceSkipWarning

    if report.skipped:
        warnings.warn(report.summary(), TraceSkipWarning, stacklevel=3)


def _synthetic_jobs(workload: WorkloadConfig, streams: SeedStreams) -> Iterator[Job]:
    mix = []
    for entry in workload.mix:
        sizes, profile_for = _profile_source(entry)
        mix.append(MixEntry(weight=entry.weight, sizes=sizes, profile_for=profile_for))
    shots = workload.shots if isinstance(workload.shots, list) else [workload.shots]
    circuits = workload.circuits if isinstance(workload.circuits, list) else [workload.circuits]
    users = [UserSpec(u.name, u.group, u.weight) for u in workload.users]
    arrivals = workload.arrivals
    if isinstance(arrivals, PoissonArrivals):
        return _with_targets(poisson_jobs(
            workload.jobs, arrivals.rate_per_s, mix, shots, circuits, users, streams,
            priorities=workload.priorities,
            deadline_slack_s=workload.deadline_slack_s,
            deadline_fraction=workload.deadline_fraction,
        ), workload, streams)
    from qcloudsim.workload.generators import diurnal_times, job_stream, mmpp_times

    if isinstance(arrivals, MmppArrivals):
        times = mmpp_times(arrivals.rates_per_s, arrivals.mean_sojourn_s, streams, count=workload.jobs)
    else:
        times = diurnal_times(
            arrivals.base_rate_per_s, streams, hourly=arrivals.hourly, weekly=arrivals.weekly,
            phase_s=arrivals.phase_s, count=workload.jobs,
        )
    jobs = job_stream(times, mix, shots, circuits, users, streams, count=workload.jobs)
    return _with_targets(_with_priorities_and_deadlines(jobs, workload, streams), workload, streams)


def _with_targets(jobs: Iterator[Job], workload: WorkloadConfig, streams: SeedStreams) -> Iterator[Job]:
    """Pin each job to a target device drawn from ``workload.targets`` (stream ``targets``)."""
    if not workload.targets:
        yield from jobs
        return
    import numpy as np

    names = list(workload.targets)
    weights = np.array([workload.targets[n] for n in names], float)
    cumulative = np.cumsum(weights / weights.sum())
    rng = streams.generator("targets")
    for job in jobs:
        index = min(int(np.searchsorted(cumulative, rng.random(), side="right")), len(names) - 1)
        yield job.revised(pinned_device=names[index])


def _with_priorities_and_deadlines(
    jobs: Iterator[Job], workload: WorkloadConfig, streams: SeedStreams
) -> Iterator[Job]:
    """Draw priorities and deadlines as :func:`poisson_jobs` does (stream ``deadlines``)."""
    if len(workload.priorities) == 1 and workload.deadline_slack_s is None:
        if workload.priorities[0] == 0:
            yield from jobs
            return
        for job in jobs:
            yield job.revised(priority=workload.priorities[0])
        return
    rng = streams.generator("deadlines")
    for job in jobs:
        priority = int(workload.priorities[int(rng.integers(0, len(workload.priorities)))])
        deadline = job.deadline_s
        if workload.deadline_slack_s is not None:
            slack = float(rng.uniform(*workload.deadline_slack_s))
            if rng.random() < workload.deadline_fraction:
                deadline = job.arrival_s + slack
        yield job.revised(priority=priority, deadline_s=deadline)


def build_estimator(config: ExperimentConfig) -> Estimator:
    """Models with the config's parameters."""
    runtime = config.models.runtime
    fidelity = config.models.fidelity
    return Estimator(
        RuntimeParams(per_job_overhead_s=runtime.per_job_overhead_s, rep_delay_s=runtime.rep_delay_s),
        FidelityParams(idle_decoherence=fidelity.idle_decoherence, routing=fidelity.routing),
        crosstalk=CrosstalkParams(enabled=config.models.crosstalk.enabled, kappa=config.models.crosstalk.kappa),
        mode=fidelity.mode,
    )


@dataclass
class BuiltRun:
    """A simulation assembled from a config, with what the caller needs after the run.

    Attributes:
        simulation: The simulation (not started).
        devices: The fleet.
        scheduler: The scheduler object.
        workload: The job stream and its report.
        programs: The hybrid programs.
        streams: The run's random streams.
    """

    simulation: Simulation
    devices: list[Device]
    scheduler: Scheduler
    workload: WorkloadSource
    programs: list[HybridProgram]
    streams: SeedStreams


def build_simulation(
    config: ExperimentConfig,
    seed: int | None = None,
    monitors: Sequence[Monitor] = (),
    scheduler: Scheduler | None = None,
) -> BuiltRun:
    """Assemble the simulation of ``config`` with ``seed`` (default: the config's seed).

    Args:
        config: A validated experiment config.
        seed: Overrides ``config.seed``; one seed sequence for the whole run.
        monitors: Observers attached after the extensions.
        scheduler: Use this scheduler instead of the config's (the RL env's
            decision point); it still gets the run's scheduler seed stream.
    """
    seed = config.seed if seed is None else seed
    streams = SeedStreams(seed)
    devices, dynamics = build_fleet(config)
    if scheduler is None:
        scheduler = config.scheduler.build()
    programs = build_programs(config.hybrid, streams)
    workload = build_workload(config, streams)
    simulation = Simulation(
        devices,
        scheduler,
        workload.jobs,
        monitors=monitors,
        horizon_s=config.horizon_s,
        dynamics=dynamics,
        streams=streams,
        programs=programs,
        classical={str(kind): nodes for kind, nodes in config.hybrid.classical.items()} if config.hybrid else None,
        cutting=CuttingPolicy(**config.cutting.model_dump()),
        cost=CostModel(build_estimator(config)),
        queues=config.scheduler.topology(config.workload),
    )
    return BuiltRun(simulation, devices, scheduler, workload, list(programs), streams)
