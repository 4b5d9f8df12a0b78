"""Build a simulation from a config and run it: ``run(config, seed) -> Results``.

:func:`run` is a pure function of its arguments (same config and seed give
the same per-job results) and picklable, so sweeps can ship it to worker
processes.
"""

from __future__ import annotations

import importlib.metadata
import platform
import time

from qcloudsim.build import (  # noqa: F401  (re-exported: the builders lived here)
    BuiltRun,
    WorkloadSource,
    build_estimator,
    build_fleet,
    build_simulation,
    build_workload,
    open_trace,
)
from qcloudsim.config.schema import ExperimentConfig, WorkloadConfig
from qcloudsim.engine.collector import collections_paused, young_collections_every
from qcloudsim.progress import ProgressMonitor
from qcloudsim.results.recorders import (
    AttemptRecorder,
    CalibrationRecorder,
    FragmentRecorder,
    JobRecorder,
    ProgramRecorder,
    TimelineRecorder,
)
from qcloudsim.results.results import Results
from qcloudsim.results.summary import hybrid_summary, summarize


def run(config: ExperimentConfig, seed: int | None = None, progress: bool = False) -> Results:
    """Simulate ``config`` with ``seed`` (default: the config's seed).

    Args:
        config: A validated experiment config.
        seed: Overrides ``config.seed``.
        progress: Show a progress bar (on a terminal).

    Returns:
        The run's :class:`~qcloudsim.results.results.Results`.
    """
    with young_collections_every():
        return _run(config, config.seed if seed is None else seed, progress)


def _run(config: ExperimentConfig, seed: int, progress: bool) -> Results:
    started = time.perf_counter()
    built = build_simulation(config, seed)
    sim, devices = built.simulation, built.devices
    jobs_recorder = JobRecorder()
    timeline = TimelineRecorder(devices)
    calibrations = CalibrationRecorder(devices)
    program_recorder = ProgramRecorder()
    fragments = FragmentRecorder()
    attempts = AttemptRecorder()
    monitors: list = [jobs_recorder, timeline, calibrations, program_recorder, fragments, attempts]
    if progress:
        total = config.workload.jobs if isinstance(config.workload, WorkloadConfig) else None
        monitors.append(ProgressMonitor(total=total, description=config.name))
    for monitor in monitors:
        sim.bus.attach(monitor)
    sim.run()
    wall = time.perf_counter() - started
    with collections_paused():
        return _results(config, seed, built, wall, monitors)


def _results(config: ExperimentConfig, seed: int, built: BuiltRun, wall: float, monitors: list) -> Results:
    """The run's tables, summary and metadata from its recorders."""
    sim, scheduler, workload, programs = built.simulation, built.scheduler, built.workload, built.programs
    devices = built.devices
    jobs_recorder, timeline, calibrations, program_recorder, fragments, attempts = monitors[:6]
    jobs = jobs_recorder.to_dataframe()
    timeline_frame = timeline.to_dataframe()
    summary = summarize(jobs, timeline_frame, sim.now)
    summary.update(workload.report())
    if config.horizon_s is not None:
        summary["jobs_after_horizon"] = sim.after_horizon
        if programs:
            summary["programs_after_horizon"] = sim.programs_after_horizon
    if sim.estimator.mode == "exact":
        summary["exact_fallbacks"] = sim.estimator.exact_fallbacks
    summary["interrupted_runs"] = int((attempts.to_dataframe()["outcome"] == "interrupted").sum())
    program_frame = program_recorder.to_dataframe()
    fragment_frame = fragments.to_dataframe()
    if len(fragment_frame):
        summary["jobs_cut"] = int(fragment_frame["parent_id"].nunique())
        summary["fragment_runs"] = int(len(fragment_frame))
    if programs:
        summary.update(hybrid_summary(program_frame, jobs))
        summary["classical_pool"] = sim.pool.utilization(sim.now)
    if "recorded_run_s" in jobs:
        from qcloudsim.traces.replay import compare_recorded

        summary["recorded_vs_simulated"] = compare_recorded(jobs)
    metadata = {
        "name": config.name,
        "config_hash": config.digest(),
        "seed": seed,
        "scheduler": scheduler.describe(),
        "devices": [{"name": d.name, "qubits": d.num_qubits, "snapshot": d.snapshot_date, "source": d.source}
                    for d in devices],
        "versions": _versions(),
        "wall_time_s": wall,
        "time_unit": "s",
    }
    return Results(
        jobs=jobs, timeline=timeline_frame, summary=summary, metadata=metadata,
        calibrations=calibrations.to_dataframe(),
        programs=program_frame if programs else None,
        fragments=fragment_frame if len(fragment_frame) else None,
        attempts=attempts.to_dataframe(),
    )


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("qcloudsim", "simpy", "numpy", "pandas", "pyarrow", "networkx", "qiskit"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out
