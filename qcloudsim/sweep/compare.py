"""Paired comparisons of sweep points against a baseline, on common random numbers.

Every point of a sweep runs with the same seeds, so run ``seed`` of
scheduler B sees the same arrivals, circuit mix and device dynamics as run
``seed`` of the baseline A. The comparison is therefore paired: per seed
``d_i = x_B,i - x_A,i``, and

* the mean difference ``d̄`` with the 95 % Student-t interval
  ``d̄ ± t_{0.975, n-1} · s_d / sqrt(n)`` (``n`` pairs, ``s_d`` the sample
  standard deviation of the differences);
* the p-value of the paired t-test (:func:`scipy.stats.ttest_rel`);
* the p-value of the Wilcoxon signed-rank test (:func:`scipy.stats.wilcoxon`),
  which does not assume normal differences.

Source: A. M. Law, *Simulation Modeling and Analysis*, 5th ed. (2015),
§10.2.1 (paired-t confidence interval) and §11.2 (common random numbers).
Pairing removes the run-to-run noise both systems share, so the interval
of a difference is much narrower than the two separate intervals suggest.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

COMPARED_METRICS = (
    "completion_mean_s", "fidelity_mean", "wait_mean_s", "utilization_busy_mean",
    "slowdown_mean", "jain_user_slowdown", "deadline_hit_rate",
)
"""Metrics compared by default (those present in the runs table)."""


def paired_difference(baseline: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """Statistics of ``other - baseline`` over paired replications.

    Args:
        baseline: One value per seed.
        other: The value for the same seeds, in the same order.

    Returns:
        ``pairs``, ``baseline_mean``, ``mean``, ``diff_mean``,
        ``diff_ci95_low``, ``diff_ci95_high``, ``rel_diff`` (``diff_mean /
        baseline_mean``), ``p_t`` and ``p_wilcoxon`` (NaN when undefined:
        fewer than 2 pairs, or no variation in the differences).
    """
    a, b = np.asarray(baseline, dtype=float), np.asarray(other, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = int(a.size)
    nan = math.nan
    out = {"pairs": n, "baseline_mean": nan, "mean": nan, "diff_mean": nan,
           "diff_ci95_low": nan, "diff_ci95_high": nan, "rel_diff": nan, "p_t": nan, "p_wilcoxon": nan}
    if n == 0:
        return out
    d = b - a
    out.update(baseline_mean=float(a.mean()), mean=float(b.mean()), diff_mean=float(d.mean()))
    if out["baseline_mean"]:
        out["rel_diff"] = out["diff_mean"] / abs(out["baseline_mean"])
    if n < 2:
        return out
    spread = float(d.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * spread / math.sqrt(n)
    out.update(diff_ci95_low=out["diff_mean"] - half, diff_ci95_high=out["diff_mean"] + half)
    if spread > 0:
        out["p_t"] = float(stats.ttest_rel(b, a).pvalue)
    if np.any(d != 0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # small-sample notes from scipy; the p-value is still exact
            out["p_wilcoxon"] = float(stats.wilcoxon(b, a).pvalue)
    return out


def paired_comparison(
    runs: pd.DataFrame,
    factor: str,
    baseline: object,
    swept: list[str],
    metrics: tuple[str, ...] = COMPARED_METRICS,
) -> pd.DataFrame:
    """Compare every level of ``factor`` with ``baseline``, paired by seed, within each setting
    of the other swept columns.

    Args:
        runs: The sweep's ``runs.parquet`` table (one row per run).
        factor: The swept column compared (e.g. ``scheduler_name``).
        baseline: The level of ``factor`` the others are compared with.
        swept: All swept columns of the sweep.
        metrics: Metrics to compare (those missing from ``runs`` are left out).

    Returns:
        One row per (other swept values, level, metric) with the columns of
        :func:`paired_difference`, plus ``factor``, ``baseline``, ``level``
        and ``metric``; a metric without a single defined pair is left out.

    Raises:
        ValueError: ``factor`` is not swept, or ``baseline`` is not one of its levels.
    """
    if factor not in swept:
        raise ValueError(f"{factor!r} is not a swept column; swept: {', '.join(swept) or 'none'}")
    levels = list(dict.fromkeys(runs[factor]))
    if baseline not in levels:
        raise ValueError(f"baseline {baseline!r} is not a level of {factor}; levels: {', '.join(map(str, levels))}")
    present = [m for m in metrics if m in runs.columns]
    others = [c for c in swept if c != factor]
    groups = runs.groupby(others, sort=False, dropna=False) if others else [((), runs)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        setting = dict(zip(others, key, strict=True))
        base = group[group[factor] == baseline].set_index("seed")
        for level in levels:
            if level == baseline:
                continue
            other = group[group[factor] == level].set_index("seed")
            seeds = base.index.intersection(other.index)
            for metric in present:
                stats_row = paired_difference(base.loc[seeds, metric].to_numpy(), other.loc[seeds, metric].to_numpy())
                if stats_row["pairs"] == 0:
                    continue  # the metric is undefined here (e.g. no job had a deadline)
                rows.append({**setting, "factor": factor, "baseline": baseline, "level": level, "metric": metric,
                             **stats_row})
    return pd.DataFrame(rows)


def scheduler_factor(swept: list[str]) -> str | None:
    """The swept column that varies the scheduler, if any (``scheduler``, ``scheduler_name``, ...)."""
    return next((c for c in swept if c == "scheduler" or c.startswith("scheduler_")), None)


def default_comparison(runs: pd.DataFrame, swept: list[str]) -> pd.DataFrame | None:
    """When the sweep varies the scheduler: every scheduler against the first one listed.

    Returns:
        The :func:`paired_comparison` table, or ``None`` when no scheduler
        column is swept or it has a single level.
    """
    factor = scheduler_factor(swept)
    if factor is None or runs.empty or runs[factor].nunique(dropna=False) < 2:
        return None
    return paired_comparison(runs, factor, runs[factor].iloc[0], swept)
