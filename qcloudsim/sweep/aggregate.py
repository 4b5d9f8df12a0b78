"""Tidy tables across the runs of a sweep, with 95% confidence intervals.

The confidence interval of a metric's mean over ``n`` replications is the
Student-t interval ``mean ± t_{0.975, n-1} · s / sqrt(n)`` (``s`` the sample
standard deviation); it is undefined (NaN) for ``n = 1``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from qcloudsim.results.io import atomic_write, write_parquet
from qcloudsim.results.results import Results
from qcloudsim.sweep.points import RunSpec

METRICS = (
    "completion_mean_s", "completion_median_s", "completion_p95_s",
    "wait_mean_s", "wait_median_s", "wait_p95_s",
    "makespan_s", "throughput_jobs_per_h",
    "utilization_busy_mean", "utilization_qubit_time", "fidelity_mean",
    "jobs_completed", "jobs_rejected", "jobs_failed",
    "slowdown_mean", "jain_user_slowdown", "deadline_hit_rate",
    "program_tts_mean_s", "program_queue_share", "program_qpu_share", "program_classical_share",
    "program_network_share", "program_session_idle_s", "background_completion_mean_s",
)
"""Summary metrics carried into the sweep tables (others present are kept too)."""


FRACTIONS = frozenset({
    "utilization_busy_mean", "utilization_qubit_time", "fidelity_mean", "jain_user_slowdown",
    "deadline_hit_rate", "program_queue_share", "program_qpu_share", "program_classical_share",
    "program_network_share",
})
"""Metrics that are fractions, bounded to [0, 1]; every other metric is >= 0."""


def metric_range(metric: str) -> tuple[float, float]:
    """The values a metric can take: ``(0, 1)`` for fractions, else ``(0, inf)``."""
    return (0.0, 1.0) if metric in FRACTIONS else (0.0, math.inf)


def mean_ci95(values: np.ndarray, bounds: tuple[float, float] = (-math.inf, math.inf)) -> tuple[float, float, float]:
    """``(mean, low, high)`` of the 95% Student-t interval; NaN bounds if n < 2.

    Args:
        values: One value per replication (NaN ignored).
        bounds: The range the quantity can take; the interval is clipped
            to it (a Jain index never exceeds 1, a time is never negative).
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    n = data.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(data.mean())
    if n < 2:
        return (mean, math.nan, math.nan)
    half = float(stats.t.ppf(0.975, n - 1) * data.std(ddof=1) / math.sqrt(n))
    return (mean, max(mean - half, bounds[0]), min(mean + half, bounds[1]))


def format_mean_ci(row, metric: str, decimals: int = 3) -> str:
    """``"mean [low, high]"`` of a summary row's metric; whole numbers from 10 up."""
    mean, low, high = row[metric], row[f"{metric}_ci95_low"], row[f"{metric}_ci95_high"]
    fmt = f"{{:.{decimals}f}}" if abs(mean) < 10 else "{:.0f}"
    return f"{fmt.format(mean)} [{fmt.format(low)}, {fmt.format(high)}]"


def _column(path: str) -> str:
    return path.replace(".", "_")


def display_value(value: object) -> str | int | float | bool | None:
    """A swept value as a table cell: a mapping with ``label`` or ``name`` shows that."""
    if isinstance(value, dict):
        for key in ("label", "name"):
            if isinstance(value.get(key), str):
                return value[key]
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def run_table(specs: list[RunSpec], runs_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per run (``runs``) and all jobs of all runs (``jobs``)."""
    rows, frames = [], []
    for spec in specs:
        results = Results.read(runs_dir / spec.run_id)
        swept = {_column(k): display_value(v) for k, v in spec.point.items()}
        scalar = {k: v for k, v in results.summary.items() if not isinstance(v, (list, dict))}
        rows.append({"run_id": spec.run_id, "seed": spec.seed, "replication": spec.replication, **swept, **scalar})
        jobs = results.jobs
        jobs.insert(0, "run_id", spec.run_id)
        jobs.insert(1, "seed", spec.seed)
        for offset, (name, value) in enumerate(swept.items()):
            jobs.insert(2 + offset, name, value)
        frames.append(jobs)
    runs = pd.DataFrame(rows)
    jobs_all = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return runs, jobs_all


def summarize_points(runs: pd.DataFrame, swept: list[str]) -> pd.DataFrame:
    """Per sweep point: number of runs and mean/ci95_low/ci95_high of each metric."""
    metrics = [m for m in METRICS if m in runs.columns]
    groups = runs.groupby(swept, sort=False, dropna=False) if swept else [((), runs)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(swept, key, strict=True))
        row["runs"] = len(group)
        for metric in metrics:
            mean, low, high = mean_ci95(group[metric].to_numpy(dtype=float), metric_range(metric))
            row[f"{metric}"] = mean
            row[f"{metric}_ci95_low"] = low
            row[f"{metric}_ci95_high"] = high
        rows.append(row)
    return pd.DataFrame(rows)


def swept_columns(specs: list[RunSpec]) -> list[str]:
    """The table columns of the swept paths (``a.b`` -> ``a_b``), in sweep order."""
    return [_column(k) for k in (specs[0].point if specs else {})]


def aggregate(
    specs: list[RunSpec], runs_dir: Path, out: Path
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Build and write ``runs.parquet``, ``jobs.parquet``, ``summary.parquet``/``.csv`` and,
    when the sweep varies the scheduler, ``comparisons.parquet``/``.csv``
    (see :func:`qcloudsim.sweep.compare.default_comparison`)."""
    from qcloudsim.sweep.compare import default_comparison

    runs, jobs = run_table(specs, runs_dir)
    swept = swept_columns(specs)
    summary = summarize_points(runs, swept)
    write_parquet(out / "runs.parquet", runs)
    write_parquet(out / "jobs.parquet", jobs)
    write_parquet(out / "summary.parquet", summary)
    atomic_write(out / "summary.csv", lambda tmp: summary.to_csv(tmp, index=False))
    comparisons = default_comparison(runs, swept)
    for suffix in (".parquet", ".csv"):
        (out / f"comparisons{suffix}").unlink(missing_ok=True)
    if comparisons is not None:
        write_parquet(out / "comparisons.parquet", comparisons)
        atomic_write(out / "comparisons.csv", lambda tmp: comparisons.to_csv(tmp, index=False))
    return runs, summary, comparisons
