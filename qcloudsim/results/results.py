"""The outcome of one run: per-job table, device timeline, summary and metadata."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qcloudsim.results.folder import MANIFEST_FILE, ResultsError, verify, write_folder
from qcloudsim.results.io import write_json, write_parquet

JOBS_FILE = "jobs.parquet"
TIMELINE_FILE = "timeline.parquet"
SUMMARY_FILE = "summary.json"
PLOT_FILE = "summary.png"
CALIBRATIONS_FILE = "calibrations.parquet"
PROGRAMS_FILE = "programs.parquet"
FRAGMENTS_FILE = "fragments.parquet"
ATTEMPTS_FILE = "attempts.parquet"
SWEEP_FILE = "sweep.json"


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
        """Write the run's folder: ``jobs.parquet``, ``timeline.parquet``, ``attempts.parquet``, ``summary.json``, ...

        The folder is written as a whole (see :mod:`qcloudsim.results.folder`):
        filled under a temporary sibling name, closed by ``manifest.json``
        (every file with its SHA-256), then renamed into place. An existing
        results folder is replaced entirely, so no file of an older run
        survives beside the new ones; a folder that is not a results folder
        is never overwritten.

        Args:
            out_dir: The folder.
            plot: Draws ``summary.png`` (e.g. :func:`qcloudsim.plots.plot_run_summary`);
                results never import plots. ``None`` or ``False``: no figure.

        Raises:
            TypeError: For ``plot=True`` (name the function that draws).
            ResultsError: ``out_dir`` is a file, or a folder holding other files.
        """
        if plot is True:
            raise TypeError("Results.write(plot=...) takes the function that draws, "
                            "e.g. qcloudsim.plots.plot_run_summary")

        def fill(folder: Path) -> None:
            write_parquet(folder / JOBS_FILE, self.jobs)
            write_parquet(folder / TIMELINE_FILE, self.timeline)
            if self.calibrations is not None:
                write_parquet(folder / CALIBRATIONS_FILE, self.calibrations)
            if self.programs is not None and len(self.programs):
                write_parquet(folder / PROGRAMS_FILE, self.programs)
            if self.fragments is not None and len(self.fragments):
                write_parquet(folder / FRAGMENTS_FILE, self.fragments)
            if self.attempts is not None:
                write_parquet(folder / ATTEMPTS_FILE, self.attempts)
            if callable(plot):
                plot(self, folder / PLOT_FILE)
            write_json(folder / SUMMARY_FILE, {"summary": self.summary, "metadata": self.metadata})

        return write_folder(out_dir, fill, owned=is_run_folder)

    @classmethod
    def read(cls, out_dir: str | Path, verify_hashes: bool = True) -> Results:
        """Load a folder written by :meth:`write`, after checking it against its manifest.

        Args:
            out_dir: A run's results folder.
            verify_hashes: Compare every file's SHA-256 with the manifest
                (``False``: sizes only, for very large folders).

        Raises:
            ResultsError: The folder is missing, incomplete (no manifest), or
                damaged (a file missing, truncated or changed), or is a sweep
                folder; the message names the file.
        """
        out = Path(out_dir)
        if (out / SWEEP_FILE).exists():
            raise ResultsError(
                f"{out} is a sweep folder: read it with qcloudsim.results.SweepResults.read (or "
                "qcloudsim.results.read_results, which reads either kind); one run with "
                f"Results.read({out / 'runs' / '<run_id>'})"
            )
        listed = verify(out, hashes=verify_hashes)["files"]
        if SUMMARY_FILE not in listed or JOBS_FILE not in listed or TIMELINE_FILE not in listed:
            raise ResultsError(f"{out}: not a run's results folder (its manifest lists no {SUMMARY_FILE} or tables)")

        def table(name: str) -> pd.DataFrame | None:
            if name not in listed:
                return None
            try:
                return pd.read_parquet(out / name)
            except (OSError, ValueError) as exc:
                raise ResultsError(f"{out / name}: unreadable Parquet ({exc})") from None

        try:
            data = json.loads((out / SUMMARY_FILE).read_text())
            summary, metadata = data["summary"], data["metadata"]
        except (ValueError, KeyError, TypeError):
            raise ResultsError(f"{out / SUMMARY_FILE}: damaged (not the JSON qcloudsim writes)") from None
        jobs, timeline = table(JOBS_FILE), table(TIMELINE_FILE)
        assert jobs is not None and timeline is not None  # both listed, checked above
        return cls(
            jobs=jobs,
            timeline=timeline,
            summary=summary,
            metadata=metadata,
            calibrations=table(CALIBRATIONS_FILE),
            programs=table(PROGRAMS_FILE),
            fragments=table(FRAGMENTS_FILE),
            attempts=table(ATTEMPTS_FILE),
        )


RUN_FILES = frozenset({
    JOBS_FILE, TIMELINE_FILE, SUMMARY_FILE, PLOT_FILE, CALIBRATIONS_FILE, PROGRAMS_FILE,
    FRAGMENTS_FILE, ATTEMPTS_FILE, MANIFEST_FILE,
})
"""Every file a run's folder may hold."""


def is_run_folder(folder: Path) -> bool:
    """True for a folder that holds a run's results (complete or not) and nothing else.

    Such a folder may be replaced by a new run's; ``figures/`` (written by
    ``qcloudsim plot``) is allowed beside the files.
    """
    names = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    return bool(names & {SUMMARY_FILE, MANIFEST_FILE, JOBS_FILE}) and names <= RUN_FILES | {"figures"}
