"""Replications and parameter sweeps: expand, run in parallel (local or Ray), aggregate."""

from qcloudsim.sweep.aggregate import mean_ci95
from qcloudsim.sweep.points import RunSpec, SweepError, expand
from qcloudsim.sweep.runner import SweepInterrupted, SweepOutcome, SweepRunsFailed, run_sweep

__all__ = [
    "RunSpec", "SweepError", "SweepInterrupted", "SweepOutcome", "SweepRunsFailed", "expand", "mean_ci95", "run_sweep"
]
