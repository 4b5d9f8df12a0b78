"""Running the runs of a sweep in parallel, resumably, locally or on Ray.

Layout of a sweep's output folder::

    OUT/runs/<run_id>/jobs.parquet, ..., summary.json, manifest.json   one folder per run
    OUT/runs.parquet        one row per run: run id, seed, swept values, summary metrics
    OUT/jobs.parquet        every job of every run, with run id, seed and swept values
    OUT/summary.parquet     per sweep point: mean and 95% CI of each metric (also .csv)
    OUT/comparisons.parquet paired differences with the baseline scheduler, when it is swept (also .csv)
    OUT/sweep.json          the sweep's metadata; written last

A run's folder is written as a whole (:mod:`qcloudsim.results.folder`):
filled under a temporary name, closed by a manifest of its files' SHA-256,
and renamed into place. A run's id hashes its whole config, seed, the
package version and its input files (:func:`~qcloudsim.sweep.points.run_id`).
Run again with the same output folder, a sweep reuses the runs whose
folder verifies against its manifest ("resume") and recomputes the others:
missing, interrupted or damaged. Ctrl-C stops every backend within seconds,
keeps the finished runs and raises :class:`SweepInterrupted`.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.results.folder import REPLACED_MARK, STAGING_MARK, ResultsError, is_complete
from qcloudsim.results.io import write_json
from qcloudsim.results.results import Results
from qcloudsim.sweep.aggregate import aggregate, swept_columns
from qcloudsim.sweep.points import RunSpec, expand

RUNS_DIR = "runs"
FAILURES_FILE = "failures.json"


@dataclass
class SweepOutcome:
    """What a sweep produced.

    Attributes:
        out_dir: The output folder.
        runs: One row per run (swept values and summary metrics).
        summary: Mean and 95% confidence interval per sweep point and metric.
        computed: Runs simulated by this call.
        reused: Runs found complete on disk and not recomputed.
        damaged: Runs found on disk but incomplete or damaged, recomputed.
        swept: The swept columns of the tables.
        comparisons: Paired comparisons with the baseline scheduler (when
            the scheduler is swept; see :mod:`qcloudsim.sweep.compare`).
    """

    out_dir: Path
    runs: pd.DataFrame
    summary: pd.DataFrame
    computed: int
    reused: int
    damaged: int = 0
    swept: list[str] = field(default_factory=list)
    comparisons: pd.DataFrame | None = None


def execute_run(config_data: dict[str, Any], seed: int, run_dir: str, plot: bool = False) -> str:
    """Simulate one run and write its folder as a whole (runs in a worker).

    Takes plain data, not objects, so it pickles cheaply to any worker.
    """
    from qcloudsim.experiment import run

    config = ExperimentConfig.model_validate(config_data)
    results = run(config, seed=seed)
    if plot:
        from qcloudsim.plots import plot_run_summary

        results.write(run_dir, plot=plot_run_summary)
    else:
        results.write(run_dir)
    return str(run_dir)


def attempt_run(config_data: dict[str, Any], seed: int, run_dir: str) -> RunFailure | None:
    """:func:`execute_run`, with an exception returned instead of raised (one bad run must not stop a sweep)."""
    try:
        execute_run(config_data, seed, run_dir)
    except Exception as exc:  # noqa: BLE001  (reported per run, with its traceback)
        return RunFailure(Path(run_dir).name, seed, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return None


def _attempt_packed(args: tuple) -> RunFailure | None:
    return attempt_run(*args)


@dataclass(frozen=True)
class RunFailure:
    """A run that raised: its id, seed, the error and the traceback."""

    run_id: str
    seed: int
    error: str
    traceback: str


class SweepRunsFailed(RuntimeError):
    """Some runs raised; the sweep ran every other run and kept them.

    The tracebacks are in ``OUT/failures.json``. Fix the cause and run the
    sweep again: only the failed runs are computed.

    Attributes:
        out_dir: The sweep's output folder.
        failures: One :class:`RunFailure` per failed run.
        finished: Runs complete on disk.
        total: Runs in the sweep.
    """

    def __init__(self, out_dir: Path, failures: list[RunFailure], finished: int, total: int) -> None:
        errors = sorted({f.error for f in failures})
        shown = "; ".join(errors[:3]) + (f"; and {len(errors) - 3} other errors" if len(errors) > 3 else "")
        super().__init__(
            f"{len(failures)} of {total} runs failed ({shown}); {finished} finished runs are kept in {out_dir}, "
            f"tracebacks in {out_dir / FAILURES_FILE}"
        )
        self.out_dir, self.failures, self.finished, self.total = out_dir, failures, finished, total


class BackendUnavailable(ValueError):
    """The chosen sweep backend is not installed (the message names the install command)."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a sweep; finished runs are kept and reused when it runs again.

    Attributes:
        out_dir: The sweep's output folder.
        finished: Runs complete on disk (reused by a rerun).
        total: Runs in the sweep.
    """

    def __init__(self, out_dir: Path, finished: int, total: int) -> None:
        super().__init__(f"sweep interrupted: {finished} of {total} runs finished and kept in {out_dir}")
        self.out_dir, self.finished, self.total = out_dir, finished, total


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
        SweepInterrupted: Ctrl-C; finished runs are kept.
        SweepRunsFailed: Some runs raised; every other run was computed and kept.
        ResultsError: ``out_dir`` is a file.
        ValueError: An unknown backend.
    """
    if backend not in ("local", "ray"):
        raise ValueError(f"unknown backend {backend!r}; allowed: local, ray")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ResultsError(f"{out} is a file; expected a folder for the sweep's results")
    specs = expand(config)
    runs_dir = out / RUNS_DIR
    remove_leftovers(runs_dir)
    unique = list({s.run_id: s for s in specs}.values())
    todo = [s for s in unique if not is_complete(runs_dir / s.run_id)]
    damaged = [s for s in todo if (runs_dir / s.run_id).exists()]
    for spec in damaged:
        shutil.rmtree(runs_dir / spec.run_id)
    reused = len(unique) - len(todo)
    jobs = [(s.config.model_dump(mode="json"), s.seed, str(runs_dir / s.run_id)) for s in todo]
    bar = tqdm(total=len(unique), initial=reused, desc=config.name, unit="run", disable=not progress, leave=False)
    failures: list[RunFailure] = []

    def done(failure: RunFailure | None) -> None:
        if failure is not None:
            failures.append(failure)
        bar.update(1)

    try:
        if backend == "ray":
            _run_ray(jobs, address, done)
        else:
            _run_local(jobs, workers, done)
    except KeyboardInterrupt:
        bar.close()
        remove_leftovers(runs_dir)
        finished = sum(is_complete(runs_dir / s.run_id) for s in unique)
        raise SweepInterrupted(out, finished, len(unique)) from None
    finally:
        bar.close()
    record_failures(out, failures, unique)
    if failures:
        raise SweepRunsFailed(out, failures, len(unique) - len(failures), len(unique))
    runs, summary, comparisons = aggregate(specs, runs_dir, out)
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
    return SweepOutcome(
        out, runs, summary, computed=len(todo), reused=reused, damaged=len(damaged),
        swept=swept_columns(specs), comparisons=comparisons,
    )


def record_failures(out: Path, failures: list[RunFailure], specs: list[RunSpec]) -> None:
    """Write ``OUT/failures.json`` (point, seed, error, traceback per failed run), or remove a stale one."""
    path = out / FAILURES_FILE
    if not failures:
        path.unlink(missing_ok=True)
        return
    points = {s.run_id: s.point for s in specs}
    write_json(path, [
        {"run_id": f.run_id, "point": points.get(f.run_id), "seed": f.seed, "error": f.error, "traceback": f.traceback}
        for f in sorted(failures, key=lambda f: f.run_id)
    ])


def remove_leftovers(runs_dir: Path) -> None:
    """Remove staging folders of runs that were interrupted while being written."""
    if runs_dir.is_dir():
        for mark in (STAGING_MARK, REPLACED_MARK):
            for leftover in runs_dir.glob(f".*{mark}*"):
                shutil.rmtree(leftover, ignore_errors=True)


def _ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it terminates the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_local(jobs: list[tuple], workers: int | None, done: Callable[[RunFailure | None], Any]) -> None:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 1:
        for args in jobs:
            done(attempt_run(*args))
        return
    pool = multiprocessing.get_context().Pool(min(workers, len(jobs)), initializer=_ignore_interrupts)
    try:
        for failure in pool.imap_unordered(_attempt_packed, jobs):
            done(failure)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


@contextlib.contextmanager
def _children_ignore_interrupts() -> Iterator[None]:
    """Processes started inside inherit an ignored SIGINT.

    A terminal's Ctrl-C reaches the whole process group. Ray's daemons and
    workers must not die of it half-way (the driver then aborts); the
    driver cancels the tasks and shuts Ray down itself.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_ray(jobs: list[tuple], address: str | None, done: Callable[[RunFailure | None], Any]) -> None:
    try:
        import ray
    except ImportError:
        raise BackendUnavailable("the ray backend needs Ray: pip install 'qcloudsim[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        with _children_ignore_interrupts():
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    pending: list = []
    try:
        remote = ray.remote(attempt_run)
        pending = [remote.remote(*args) for args in jobs]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for failure in ray.get(ready):
                done(failure)
    except BaseException:
        if not started_here:  # a local instance dies with its shutdown; a cluster keeps running tasks
            _, running = ray.wait(pending, num_returns=len(pending), timeout=0)
            for ref in running:
                ray.cancel(ref, force=True)
        raise
    finally:
        if started_here:
            ray.shutdown()


def load_runs(specs: Iterable[RunSpec], runs_dir: Path) -> list[tuple[RunSpec, Results]]:
    """Read the result folders of ``specs``."""
    return [(s, Results.read(runs_dir / s.run_id)) for s in specs]
