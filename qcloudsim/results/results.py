"""The outcome of one run: per-job table, device timeline, summary and metadata."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qcloudsim.results.io import write_json, write_parquet

JOBS_FILE = "jobs.parquet"
TIMELINE_FILE = "timeline.parquet"
SUMMARY_FILE = "summary.json"
PLOT_FILE = "summary.png"
CALIBRATIONS_FILE = "calibrations.parquet"
PROGRAMS_FILE = "programs.parquet"
FRAGMENTS_FILE = "fragments.parquet"
ATTEMPTS_FILE = "attempts.parquet"


@dataclass
class Results:
    """Results of one simulation run.

    Attributes:
        jobs: One row per job (see :data:`qcloudsim.results.recorders.JOB_COLUMNS`).
        timeline: Device state intervals (see :class:`~qcloudsim.results.recorders.TimelineRecorder`).
        summary: Summary metrics (see :func:`qcloudsim.results.summary.summarize`).
        metadata: Config hash, seed, scheduler, versions, wall time.
        calibrations: Calibration log (one row per device and change), if recorded.
        programs: One row per hybrid program, if any.
        fragments: One row per fragment run of cut circuits, if any.
        attempts: One row per run of a job on a QPU, runs cut by a requeue
            included (see :class:`~qcloudsim.results.recorders.AttemptRecorder`).
    """

    jobs: pd.DataFrame
    timeline: pd.DataFrame
    summary: dict
    metadata: dict = field(default_factory=dict)
    calibrations: pd.DataFrame | None = None
    programs: pd.DataFrame | None = None
    fragments: pd.DataFrame | None = None
    attempts: pd.DataFrame | None = None

    def write(self, out_dir: str | Path, plot: Callable[[Results, Path], object] | bool | None = None) -> Path:
        """Write ``jobs.parquet``, ``timeline.parquet``, ``attempts.parquet``, ``summary.json``.

        Each file is written atomically; ``summary.json`` is written last,
        so its presence marks a complete result folder.

        Args:
            out_dir: The folder.
            plot: Draws ``summary.png`` (e.g. :func:`qcloudsim.plots.plot_run_summary`),
                called before ``summary.json`` is written; results never import
                plots. ``None`` or ``False``: no figure.

        Raises:
            TypeError: For ``plot=True`` (name the function that draws).
        """
        if plot is True:
            raise TypeError("Results.write(plot=...) takes the function that draws, e.g. qcloudsim.plots.plot_run_summary")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        write_parquet(out / JOBS_FILE, self.jobs)
        write_parquet(out / TIMELINE_FILE, self.timeline)
        if self.calibrations is not None:
            write_parquet(out / CALIBRATIONS_FILE, self.calibrations)
        if self.programs is not None and len(self.programs):
            write_parquet(out / PROGRAMS_FILE, self.programs)
        if self.fragments is not None and len(self.fragments):
            write_parquet(out / FRAGMENTS_FILE, self.fragments)
        if self.attempts is not None:
            write_parquet(out / ATTEMPTS_FILE, self.attempts)
        if callable(plot):
            plot(self, out / PLOT_FILE)
        write_json(out / SUMMARY_FILE, {"summary": self.summary, "metadata": self.metadata})
        return out

    @classmethod
    def read(cls, out_dir: str | Path) -> Results:
        """Load a folder written by :meth:`write`.

        Raises:
            FileNotFoundError: If the folder holds no complete result
                (``summary.json`` missing).
        """
        out = Path(out_dir)
        summary_path = out / SUMMARY_FILE
        if not summary_path.exists():
            raise FileNotFoundError(f"{out}: no {SUMMARY_FILE}; not a complete results folder")
        data = json.loads(summary_path.read_text())
        return cls(
            jobs=pd.read_parquet(out / JOBS_FILE),
            timeline=pd.read_parquet(out / TIMELINE_FILE),
            summary=data["summary"],
            metadata=data["metadata"],
            calibrations=pd.read_parquet(out / CALIBRATIONS_FILE) if (out / CALIBRATIONS_FILE).exists() else None,
            programs=pd.read_parquet(out / PROGRAMS_FILE) if (out / PROGRAMS_FILE).exists() else None,
            fragments=pd.read_parquet(out / FRAGMENTS_FILE) if (out / FRAGMENTS_FILE).exists() else None,
            attempts=pd.read_parquet(out / ATTEMPTS_FILE) if (out / ATTEMPTS_FILE).exists() else None,
        )
