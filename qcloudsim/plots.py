"""Standard figures drawn from results tables (matplotlib).

Every function takes pandas tables as written by a run or a sweep and an
``Axes`` to draw on, so notebooks can compose them; :func:`plot_results`
writes the standard set for a results folder as PNG files
(``qcloudsim plot RESULTS``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from qcloudsim.results.io import atomic_write
from qcloudsim.results.summary import device_utilization

if TYPE_CHECKING:
    from qcloudsim.results.results import Results


def utilization_bars(ax: Axes, timeline: pd.DataFrame, period_s: float) -> None:
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


def completion_cdf(ax: Axes, jobs: pd.DataFrame, label: str | None = None) -> None:
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


def completion_cdf_by(ax: Axes, jobs: pd.DataFrame, by: str) -> None:
    """One completion-time CDF per value of column ``by`` (e.g. the scheduler)."""
    for value, group in jobs.groupby(by, sort=True):
        completion_cdf(ax, group, label=f"{by}={value}")
    ax.legend(fontsize="small")


DOWN_COLORS = {"calibrating": "tab:orange", "down": "tab:red"}
"""Shading of a device's calibration and downtime (maintenance, outage) spans."""

RUN_COLORS = {"completed": "tab:blue", "interrupted": "tab:gray"}
"""Bar colour of a job run by its outcome (any other outcome: black)."""


def device_gantt(
    ax: Axes, attempts: pd.DataFrame, timeline: pd.DataFrame, window: tuple[float, float] | None = None,
    max_runs: int = 3000,
) -> tuple[float, float]:
    """Per-device timeline: every job run as a bar, calibration and downtime as shaded spans.

    Runs that overlap on a device (multi-programming) are drawn in separate
    lanes of the device's row (first free lane, in start order).

    Args:
        ax: Where to draw.
        attempts: ``attempts.parquet`` (one row per run of a job on a QPU).
        timeline: ``timeline.parquet`` (device states over time).
        window: ``(start_s, end_s)`` to show; default: the whole run, or
            the span of the first ``max_runs`` runs when there are more.
        max_runs: Most runs drawn by default (a readable figure).

    Returns:
        The time window drawn (s).
    """
    devices = list(dict.fromkeys(timeline["device"])) if not timeline.empty else sorted(set(attempts["device"]))
    runs = attempts.sort_values(["start_s", "job_id"], kind="stable")
    if window is None:
        end = float(timeline["end_s"].max()) if not timeline.empty else float(runs["end_s"].max())
        if len(runs) > max_runs:
            end = float(runs["end_s"].iloc[:max_runs].max())
        window = (0.0, end)
    lo, hi = window
    runs = runs[(runs["end_s"] > lo) & (runs["start_s"] < hi)]
    spans = timeline[timeline["state"].isin(list(DOWN_COLORS)) & (timeline["end_s"] > lo) & (timeline["start_s"] < hi)]
    for row, device in enumerate(devices):
        for state, color in DOWN_COLORS.items():
            mine = spans[(spans["device"] == device) & (spans["state"] == state)]
            if len(mine):
                ax.broken_barh(list(zip(mine["start_s"], mine["end_s"] - mine["start_s"], strict=True)),
                               (row - 0.45, 0.9), facecolors=color, alpha=0.3, linewidth=0)
        _draw_lanes(ax, runs[runs["device"] == device], row)
    ax.set_yticks(range(len(devices)), devices)
    ax.set_ylim(len(devices) - 0.5, -0.5)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("time (s)")
    ax.set_title("Device timeline: job runs, calibration (orange), downtime (red)")
    return window


def _draw_lanes(ax: Axes, runs: pd.DataFrame, row: int) -> None:
    """Bars of one device's runs, overlapping runs in separate lanes."""
    lane_ends: list[float] = []
    lanes: list[int] = []
    for start, end in zip(runs["start_s"], runs["end_s"], strict=True):
        lane = next((i for i, free_at in enumerate(lane_ends) if free_at <= start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        lanes.append(lane)
    if not lanes:
        return
    height = 0.8 / (max(lanes) + 1)
    outcome = runs["outcome"].astype(str).to_numpy()
    for lane in sorted(set(lanes)):
        in_lane = np.asarray(lanes) == lane
        for kind in sorted(set(outcome[in_lane])):
            chosen = runs[in_lane & (outcome == kind)]
            ax.broken_barh(list(zip(chosen["start_s"], chosen["end_s"] - chosen["start_s"], strict=True)),
                           (row - 0.4 + lane * height, height * 0.9), facecolors=RUN_COLORS.get(kind, "black"),
                           edgecolors="white", linewidth=0.4)


def completion_cdf_panels(fig: Figure, jobs: pd.DataFrame, panel: str, hue: str | None) -> None:
    """One completion-time CDF panel per value of ``panel`` (e.g. the load), one line per ``hue``.

    Distributions at different loads differ by orders of magnitude; pooled
    into one CDF they hide each other, so each load gets its own panel.
    """
    values = sorted(jobs[panel].dropna().unique())
    axes = np.atleast_1d(fig.subplots(1, len(values), sharey=True))
    for ax, value in zip(axes, values, strict=True):
        at = jobs[jobs[panel] == value]
        if hue:
            for level, group in at.groupby(hue, sort=False):
                completion_cdf(ax, group, label=str(level))
            ax.legend(fontsize="x-small")
        else:
            completion_cdf(ax, at)
        ax.set_title(f"{panel} = {value:g}" if isinstance(value, (int, float)) else f"{panel} = {value}",
                     fontsize="small")


def utilization_over_time(ax: Axes, timeline: pd.DataFrame, bins: int = 100) -> None:
    """Busy-qubit fraction of each device over time, averaged in ``bins`` windows."""
    if timeline.empty:
        return
    end = float(timeline["end_s"].max())
    edges = np.linspace(0.0, end, bins + 1)
    for device, group in timeline.groupby("device", sort=True):
        starts = group["start_s"].to_numpy(dtype=float)
        ends = group["end_s"].to_numpy(dtype=float)
        busy = group["busy_qubits"].to_numpy(dtype=float) / float(group["num_qubits"].iloc[0])
        # overlap of each interval with each bin, weighted by occupancy
        lo = np.maximum(starts[:, None], edges[None, :-1])
        hi = np.minimum(ends[:, None], edges[None, 1:])
        share = (np.clip(hi - lo, 0.0, None) * busy[:, None]).sum(axis=0) / np.diff(edges)
        ax.plot((edges[:-1] + edges[1:]) / 2, share, label=str(device))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("busy qubit fraction")
    ax.set_title("Utilization over time")
    ax.legend(fontsize="x-small", ncol=2)


def fidelity_vs_wait(ax: Axes, jobs: pd.DataFrame, hue: str | None = None) -> None:
    """Scatter of estimated fidelity against wait time of completed jobs."""
    done = jobs[jobs["status"] == "completed"]
    groups = done.groupby(hue, sort=True) if hue else [(None, done)]
    for value, group in groups:
        ax.scatter(group["wait_s"], group["fidelity"], s=6, alpha=0.5,
                   label=None if hue is None else f"{hue}={value!s}")
    ax.set_xlabel("wait (s)")
    ax.set_ylabel("estimated fidelity")
    ax.set_title("Fidelity vs wait")
    if hue:
        ax.legend(fontsize="small")


def metric_vs_load(ax: Axes, summary: pd.DataFrame, x: str, metric: str, hue: str | None = None) -> None:
    """Mean of ``metric`` against ``x`` with its 95% CI as a band, one line per ``hue``."""
    groups = summary.groupby(hue, sort=True) if hue else [(None, summary)]
    for value, group in groups:
        group = group.sort_values(x)
        line = ax.plot(group[x], group[metric], marker="o", label=None if hue is None else str(value))
        low, high = f"{metric}_ci95_low", f"{metric}_ci95_high"
        if low in group and group[low].notna().any():
            ax.fill_between(group[x], group[low], group[high], alpha=0.2, color=line[0].get_color())
    ax.set_xlabel(x)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} vs {x}")
    if hue:
        ax.legend(title=hue, fontsize="small")


def share_vs_allocation(
    ax: Axes, jobs: pd.DataFrame, allocations: dict[str, float] | None = None, by: str = "group"
) -> None:
    """Each group's (or user's) share of used QPU time, beside its allocation when known."""
    done = jobs[jobs["status"] == "completed"]
    used = done.groupby(by)["run_s"].sum()
    share = used / used.sum() if used.sum() else used
    names = list(share.index)
    x = np.arange(len(names))
    ax.bar(x - 0.2, share.to_numpy(), width=0.4, label="QPU-time share")
    if allocations:
        total = sum(allocations.values())
        ax.bar(x + 0.2, [allocations.get(n, 0.0) / total for n in names], width=0.4, label="allocation")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel("share")
    ax.set_title(f"QPU-time share per {by}")
    ax.legend(fontsize="small")


def _save(fig: Figure, path: Path) -> Path:
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    return path


def _figure(figsize: tuple[float, float], ncols: int = 1) -> tuple[Figure, Any]:
    """A figure for a file, made without pyplot: no backend is chosen or changed,
    so importing this module leaves notebooks' inline plots alone."""
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(1, ncols)


def plot_run_summary(results: Results, path: str | Path) -> Path:
    """Utilization per device and completion-time CDF of one run, as PNG."""
    fig, (left, right) = _figure((11, 4.2), ncols=2)
    utilization_bars(left, results.timeline, float(results.summary.get("end_s") or 0.0))
    completion_cdf(right, results.jobs)
    fig.suptitle(f"{results.metadata.get('name', 'run')} — {results.metadata.get('scheduler', {}).get('name', '')}")
    return _save(fig, Path(path))


def _allocations(metadata: dict) -> dict[str, float] | None:
    scheduler = metadata.get("scheduler", {}) if isinstance(metadata, dict) else {}
    alloc = scheduler.get("allocations") if isinstance(scheduler, dict) else None
    return alloc if isinstance(alloc, dict) and alloc else None


def plot_results(folder: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write the standard figures of a run or sweep results folder as PNG.

    Args:
        folder: A run folder (``summary.json``) or a sweep folder (``sweep.json``).
        out: Where to write (default: ``folder/figures``).

    Returns:
        The files written.

    Raises:
        ResultsError: If ``folder`` holds neither a run nor a sweep
            (or the run's folder is incomplete or damaged).
    """
    folder = Path(folder)
    out_dir = Path(out) if out else folder / "figures"
    written: list[Path] = []
    if (folder / "sweep.json").exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        runs = pd.read_parquet(folder / "runs.parquet")
        summary = pd.read_parquet(folder / "summary.parquet")
        jobs = pd.read_parquet(folder / "jobs.parquet")
        meta = json.loads((folder / "sweep.json").read_text())
        swept = [p.replace(".", "_") for p in meta.get("sweep", {})]
        numeric = [c for c in swept if pd.api.types.is_numeric_dtype(runs[c])]
        other = [c for c in swept if c not in numeric]
        hue = other[0] if other else None
        if numeric:
            for metric in ("completion_mean_s", "utilization_busy_mean", "fidelity_mean", "jain_user_slowdown"):
                if metric in summary:
                    fig, ax = _figure((6, 4))
                    metric_vs_load(ax, summary, numeric[0], metric, hue)
                    written.append(_save(fig, out_dir / f"{metric}_vs_{numeric[0]}.png"))
        if numeric:
            panels = int(jobs[numeric[0]].nunique())
            fig = Figure(figsize=(min(4.0 * panels, 16.0), 3.8), layout="constrained")
            completion_cdf_panels(fig, jobs, numeric[0], hue)
        else:
            fig, ax = _figure((6, 4))
            if hue:
                completion_cdf_by(ax, jobs, hue)
            else:
                completion_cdf(ax, jobs)
        written.append(_save(fig, out_dir / "completion_cdf.png"))
        fig, ax = _figure((6, 4))
        fidelity_vs_wait(ax, jobs, hue)
        written.append(_save(fig, out_dir / "fidelity_vs_wait.png"))
        return written
    from qcloudsim.results.results import Results

    results = Results.read(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written.append(plot_run_summary(results, out_dir / "summary.png"))
    fig, ax = _figure((8, 4))
    utilization_over_time(ax, results.timeline)
    written.append(_save(fig, out_dir / "utilization_over_time.png"))
    fig, ax = _figure((6, 4))
    fidelity_vs_wait(ax, results.jobs)
    written.append(_save(fig, out_dir / "fidelity_vs_wait.png"))
    fig, ax = _figure((6, 4))
    share_vs_allocation(ax, results.jobs, _allocations(results.metadata))
    written.append(_save(fig, out_dir / "share_vs_allocation.png"))
    if results.attempts is not None:
        rows = results.timeline["device"].nunique()
        fig, ax = _figure((10, 1.0 + 0.45 * rows))
        device_gantt(ax, results.attempts, results.timeline)
        written.append(_save(fig, out_dir / "gantt.png"))
    return written
