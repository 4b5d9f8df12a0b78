"""The tables of a sweep's results folder, read back in one call.

Layout (written by :func:`qcloudsim.sweep.run_sweep`)::

    OUT/sweep.json            the sweep's metadata; written last (its presence marks a finished sweep)
    OUT/runs.parquet          one row per run: run_id, seed, replication, swept values, summary metrics
    OUT/summary.parquet       per sweep point: runs, and mean / ci95_low / ci95_high of each metric (also .csv)
    OUT/comparisons.parquet   paired comparisons with the baseline scheduler, when the scheduler is swept (also .csv)
    OUT/jobs.parquet          every job of every run, with run_id, seed and the swept values
    OUT/runs/<run_id>/        one run's results folder (read it with :meth:`Results.read`)
    OUT/failures.json         the runs that raised, with tracebacks (only while some fail)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qcloudsim.results.folder import ResultsError
from qcloudsim.results.results import SWEEP_FILE, Results


@dataclass
class SweepResults:
    """A finished sweep's tables.

    Attributes:
        folder: The sweep's folder.
        metadata: ``sweep.json``: name, config hash, runs, points, replications, sweep grid, backend.
        runs: One row per run.
        summary: Per sweep point, mean and 95 % CI of each metric.
        comparisons: Paired comparisons with the baseline scheduler, or ``None``.
    """

    folder: Path
    metadata: dict
    runs: pd.DataFrame
    summary: pd.DataFrame
    comparisons: pd.DataFrame | None = None
    _jobs: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def jobs(self) -> pd.DataFrame:
        """Every job of every run (read on first use: it is the largest table)."""
        if self._jobs is None:
            self._jobs = _table(self.folder / "jobs.parquet")
        return self._jobs

    def run(self, run_id: str) -> Results:
        """One run's full :class:`Results` (checked against its manifest)."""
        return Results.read(self.folder / "runs" / run_id)

    @classmethod
    def read(cls, folder: str | Path) -> SweepResults:
        """Read a sweep folder.

        Raises:
            ResultsError: Not a finished sweep folder (no ``sweep.json``), or a damaged table.
        """
        folder = Path(folder)
        meta_path = folder / SWEEP_FILE
        if not meta_path.exists():
            raise ResultsError(
                f"{folder}: no {SWEEP_FILE}; not a finished sweep folder (an interrupted sweep resumes "
                "when run again; a single run's folder is read with Results.read)"
            )
        try:
            metadata = json.loads(meta_path.read_text())
        except ValueError:
            raise ResultsError(f"{meta_path}: damaged (not the JSON qcloudsim writes)") from None
        comparisons = folder / "comparisons.parquet"
        return cls(
            folder=folder,
            metadata=metadata,
            runs=_table(folder / "runs.parquet"),
            summary=_table(folder / "summary.parquet"),
            comparisons=_table(comparisons) if comparisons.exists() else None,
        )


def _table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing; the sweep folder is incomplete (run the sweep again)") from None
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: unreadable Parquet ({exc})") from None


def read_results(folder: str | Path) -> Results | SweepResults:
    """Read a run's or a sweep's results folder, whichever ``folder`` is.

    Raises:
        ResultsError: Neither, or incomplete or damaged.
    """
    folder = Path(folder)
    if (folder / SWEEP_FILE).exists():
        return SweepResults.read(folder)
    return Results.read(folder)
