"""Standard figures drawn from results tables (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from qcloudsim.results.io import atomic_write  # noqa: E402
from qcloudsim.results.summary import device_utilization  # noqa: E402

if TYPE_CHECKING:
    from qcloudsim.results.results import Results


def utilization_bars(ax: plt.Axes, timeline: pd.DataFrame, period_s: float) -> None:
    """Per-device busy-time and qubit-time fractions as grouped bars."""
    util = device_utilization(timeline, period_s)
    x = np.arange(len(util))
    ax.bar(x - 0.2, util["busy_fraction"], width=0.4, label="busy time")
    ax.bar(x + 0.2, util["qubit_fraction"], width=0.4, label="qubit time")
    ax.set_xticks(x, util["device"], rotation=45, ha="right")
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("fraction of run")
    ax.set_title("Utilization per device")
    ax.legend(loc="upper left", ncol=2, fontsize="small")


def completion_cdf(ax: plt.Axes, jobs: pd.DataFrame, label: str | None = None) -> None:
    """Empirical CDF of completion time (arrival to end) of completed jobs."""
    values = np.sort(jobs.loc[jobs["status"] == "completed", "completion_s"].to_numpy(dtype=float))
    if values.size:
        ax.step(values, np.arange(1, values.size + 1) / values.size, where="post", label=label)
        if values[0] > 0 and values[-1] / values[0] > 100:
            ax.set_xscale("log")
    ax.set_xlabel("completion time (s)")
    ax.set_ylabel("fraction of jobs")
    ax.set_ylim(0, 1)
    ax.set_title("Completion-time distribution")


def plot_run_summary(results: Results, path: str | Path) -> Path:
    """Utilization per device and completion-time CDF of one run, as PNG."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    utilization_bars(left, results.timeline, float(results.summary.get("end_s") or 0.0))
    completion_cdf(right, results.jobs)
    fig.suptitle(f"{results.metadata.get('name', 'run')} — {results.metadata.get('scheduler', {}).get('name', '')}")
    target = Path(path)
    atomic_write(target, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
    return target
