"""Running the runs of a sweep in parallel, resumably, locally or on Ray.

Layout of a sweep's output folder::

    OUT/runs/<run_id>/jobs.parquet, timeline.parquet, summary.json   one folder per run
    OUT/runs.parquet        one row per run: run id, seed, swept values, summary metrics
    OUT/jobs.parquet        every job of every run, with run id, seed and swept values
    OUT/summary.parquet     per sweep point: mean and 95% CI of each metric (also .csv)
    OUT/sweep.json          the sweep's metadata; written last

A run's folder is written to a temporary name and renamed into place, so a
folder under ``runs/`` is always complete. An interrupted sweep, run again
with the same output folder, skips the runs whose folder exists
("resume"). Tables are written atomically.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.results.io import write_json
from qcloudsim.results.results import SUMMARY_FILE, Results
from qcloudsim.sweep.aggregate import aggregate
from qcloudsim.sweep.points import RunSpec, expand

RUNS_DIR = "runs"


@dataclass
class SweepOutcome:
    """What a sweep produced.

    Attributes:
        out_dir: The output folder.
        runs: One row per run (swept values and summary metrics).
        summary: Mean and 95% confidence interval per sweep point and metric.
        computed: Runs simulated by this call.
        reused: Runs found complete on disk and not recomputed.
    """

    out_dir: Path
    runs: pd.DataFrame
    summary: pd.DataFrame
    computed: int
    reused: int


def execute_run(config_data: dict[str, Any], seed: int, run_dir: str, plot: bool = False) -> str:
    """Simulate one run and write its folder atomically (runs in a worker).

    Takes plain data, not objects, so it pickles cheaply to any worker.
    """
    from qcloudsim.experiment import run

    config = ExperimentConfig.model_validate(config_data)
    results = run(config, seed=seed)
    target = Path(run_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if plot:
            from qcloudsim.plots import plot_run_summary

            results.write(staging, plot=plot_run_summary)
        else:
            results.write(staging)
        if target.exists():  # another worker finished the same run first
            shutil.rmtree(staging)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return str(target)


def is_complete(run_dir: Path) -> bool:
    """True when a run folder holds a finished result."""
    return (run_dir / SUMMARY_FILE).exists()


def run_sweep(
    config: ExperimentConfig,
    out_dir: str | Path,
    *,
    backend: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = True,
) -> SweepOutcome:
    """Run every run of ``config``'s sweep and replications, then aggregate.

    Args:
        config: A validated config with ``sweep`` and/or ``replications``.
        out_dir: Output folder (reused for resuming).
        backend: ``"local"`` (process pool) or ``"ray"``.
        workers: Local worker processes (default: CPU count); ``1`` runs in-process.
        address: Ray cluster address (``None`` starts a local Ray instance).
        progress: Show a progress bar.

    Raises:
        SweepError: A sweep that does not expand.
        ValueError: An unknown backend.
    """
    if backend not in ("local", "ray"):
        raise ValueError(f"unknown backend {backend!r}; allowed: local, ray")
    out = Path(out_dir)
    specs = expand(config)
    runs_dir = out / RUNS_DIR
    todo = [s for s in specs if not is_complete(runs_dir / s.run_id)]
    reused = len(specs) - len(todo)
    jobs = [(s.config.model_dump(mode="json"), s.seed, str(runs_dir / s.run_id)) for s in todo]
    bar = tqdm(total=len(specs), initial=reused, desc=config.name, unit="run", disable=not progress, leave=False)
    try:
        if backend == "ray":
            _run_ray(jobs, address, bar.update)
        else:
            _run_local(jobs, workers, bar.update)
    finally:
        bar.close()
    runs, summary = aggregate(specs, runs_dir, out)
    write_json(
        out / "sweep.json",
        {
            "name": config.name,
            "config_hash": config.digest(),
            "runs": len(specs),
            "points": len({json.dumps(s.point, sort_keys=True, default=str) for s in specs}),
            "replications": config.replications,
            "sweep": config.sweep,
            "backend": backend,
        },
    )
    return SweepOutcome(out, runs, summary, computed=len(todo), reused=reused)


def _run_local(jobs: list[tuple], workers: int | None, tick: Callable[[int], Any]) -> None:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 1:
        for args in jobs:
            execute_run(*args)
            tick(1)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(execute_run, *args) for args in jobs]
        for future in as_completed(futures):
            future.result()
            tick(1)


def _run_ray(jobs: list[tuple], address: str | None, tick: Callable[[int], Any]) -> None:
    try:
        import ray
    except ImportError:
        raise ValueError("the ray backend needs Ray: pip install 'qcloudsim[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        remote = ray.remote(execute_run)
        pending = [remote.remote(*args) for args in jobs]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            ray.get(done)
            tick(len(done))
    finally:
        if started_here:
            ray.shutdown()


def load_runs(specs: Iterable[RunSpec], runs_dir: Path) -> list[tuple[RunSpec, Results]]:
    """Read the result folders of ``specs``."""
    return [(s, Results.read(runs_dir / s.run_id)) for s in specs]
