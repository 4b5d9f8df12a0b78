"""Summary metrics computed from the per-job table and the device timeline.

All times in seconds. Percentiles use linear interpolation
(``numpy.percentile`` default). Utilization is measured over the observed
period ``[0, T]`` where ``T`` is the end of the simulation:

* busy fraction of a device = time with at least one job running / ``T``;
* qubit-time fraction = sum(busy qubits x interval length) / (qubits x ``T``);
* fleet qubit-time fraction = the same summed over devices.

Fairness: bounded slowdown per job, Jain's index over the users' mean
slowdowns, each group's share of the QPU time used, and the share of jobs
with a deadline that completed by it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def _stats(values: pd.Series, prefix: str) -> dict[str, float]:
    data = values.dropna().to_numpy(dtype=float)
    if data.size == 0:
        return {f"{prefix}_mean_s": math.nan, f"{prefix}_median_s": math.nan, f"{prefix}_p95_s": math.nan}
    return {
        f"{prefix}_mean_s": float(np.mean(data)),
        f"{prefix}_median_s": float(np.median(data)),
        f"{prefix}_p95_s": float(np.percentile(data, 95)),
    }


def device_utilization(timeline: pd.DataFrame, period_s: float) -> pd.DataFrame:
    """Per-device busy-time and qubit-time fractions over ``[0, period_s]``.

    Returns:
        One row per device: ``device, num_qubits, busy_s, down_s,
        calibrating_s, busy_fraction, qubit_fraction, qubit_s``.
    """
    if timeline.empty or period_s <= 0:
        return pd.DataFrame(columns=["device", "num_qubits", "busy_s", "down_s", "calibrating_s", "busy_fraction",
                                     "qubit_fraction", "qubit_s"])
    frame = timeline.assign(length=timeline["end_s"] - timeline["start_s"])
    frame["busy_len"] = frame["length"].where(frame["jobs"] > 0, 0.0)
    frame["down_len"] = frame["length"].where(frame["state"] == "down", 0.0)
    frame["cal_len"] = frame["length"].where(frame["state"] == "calibrating", 0.0)
    frame["qubit_s"] = frame["length"] * frame["busy_qubits"]
    grouped = frame.groupby("device", sort=True).agg(
        num_qubits=("num_qubits", "first"),
        busy_s=("busy_len", "sum"),
        down_s=("down_len", "sum"),
        calibrating_s=("cal_len", "sum"),
        qubit_s=("qubit_s", "sum"),
    )
    grouped["busy_fraction"] = grouped["busy_s"] / period_s
    grouped["qubit_fraction"] = grouped["qubit_s"] / (grouped["num_qubits"] * period_s)
    return grouped.reset_index()[["device", "num_qubits", "busy_s", "down_s", "calibrating_s", "busy_fraction",
                                  "qubit_fraction", "qubit_s"]]


SLOWDOWN_FLOOR_S = 10.0
"""Run-time floor of the bounded slowdown (s), Feitelson et al. JSSPP 1997."""


def bounded_slowdown(jobs: pd.DataFrame, floor_s: float = SLOWDOWN_FLOOR_S) -> pd.Series:
    """Bounded slowdown of completed jobs: ``max(1, completion / max(run, floor))``.

    Feitelson, Rudolph, Schwiegelshohn, Sevcik, Wong, "Theory and practice
    in parallel job scheduling", JSSPP 1997: the floor keeps very short jobs
    from dominating.
    """
    done = jobs[jobs["status"] == "completed"]
    return (done["completion_s"] / done["run_s"].clip(lower=floor_s)).clip(lower=1.0)


def jain_index(values: pd.Series | np.ndarray) -> float:
    """Jain's fairness index ``(sum x)^2 / (n sum x^2)`` in ``(0, 1]``; 1 = all equal.

    Jain, Chiu, Hawe, "A quantitative measure of fairness and discrimination
    for resource allocation in shared computer systems", DEC TR-301, 1984.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0 or not np.any(x):
        return math.nan
    return float(x.sum() ** 2 / (x.size * np.square(x).sum()))


def fairness(jobs: pd.DataFrame) -> dict:
    """Jain index over users' mean bounded slowdowns, per-group QPU-time shares, deadline hit rate."""
    done = jobs[jobs["status"] == "completed"]
    slowdown = bounded_slowdown(jobs)
    per_user = slowdown.groupby(done["user"]).mean()
    qpu = done.groupby("group")["run_s"].sum()
    total = float(qpu.sum())
    with_deadline = jobs[jobs["deadline_s"].notna()]
    hits = (with_deadline["status"] == "completed") & (with_deadline["end_s"] <= with_deadline["deadline_s"])
    return {
        "slowdown_mean": float(slowdown.mean()) if len(slowdown) else math.nan,
        "jain_user_slowdown": jain_index(per_user.to_numpy()),
        "deadline_jobs": int(len(with_deadline)),
        "deadline_hit_rate": float(hits.mean()) if len(with_deadline) else math.nan,
        "group_qpu_share": {str(g): (float(v) / total if total else math.nan) for g, v in qpu.items()},
    }


def summarize(jobs: pd.DataFrame, timeline: pd.DataFrame, end_s: float) -> dict:
    """Summary metrics of one run.

    Args:
        jobs: Per-job table (:data:`~qcloudsim.results.recorders.JOB_COLUMNS`).
        timeline: Device timeline.
        end_s: Simulation end time (s).

    Returns:
        A flat, JSON-serialisable dict of metrics plus ``devices``: a list
        of per-device utilization rows.
    """
    completed = jobs[jobs["status"] == "completed"]
    summary: dict = {
        "jobs_submitted": int(len(jobs)),
        "jobs_completed": int(len(completed)),
        "jobs_rejected": int((jobs["status"] == "rejected").sum()),
        "jobs_failed": int((jobs["status"] == "failed").sum()),
        "jobs_interrupted": int((jobs["interruptions"] > 0).sum()) if "interruptions" in jobs else 0,
        "interruptions_total": int(jobs["interruptions"].sum()) if "interruptions" in jobs else 0,
    }
    summary.update(_stats(completed["completion_s"], "completion"))
    summary.update(_stats(completed["wait_s"], "wait"))
    if len(completed):
        first = float(jobs["arrival_s"].min())
        last = float(completed["end_s"].max())
        makespan = last - first
    else:
        makespan = math.nan
    summary["makespan_s"] = makespan
    summary["throughput_jobs_per_h"] = (
        len(completed) / makespan * 3600.0 if makespan and makespan > 0 else math.nan
    )
    util = device_utilization(timeline, end_s)
    total_qubits = float(util["num_qubits"].sum()) if len(util) else 0.0
    summary["utilization_busy_mean"] = float(util["busy_fraction"].mean()) if len(util) else math.nan
    summary["utilization_qubit_time"] = (
        float(util["qubit_s"].sum()) / (total_qubits * end_s) if total_qubits and end_s > 0 else math.nan
    )
    summary["fidelity_mean"] = float(completed["fidelity"].mean()) if len(completed) else math.nan
    summary.update(fairness(jobs))
    summary["end_s"] = float(end_s)
    summary["devices"] = [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in util.drop(columns=["qubit_s"]).to_dict(orient="records")
    ]
    return summary


def hybrid_summary(programs: pd.DataFrame, jobs: pd.DataFrame) -> dict:
    """Program metrics (means over programs) and the completion time of the other jobs.

    Returns keys ``programs``, ``programs_completed``, ``program_tts_mean_s``,
    ``program_iterations_mean``, the mean ``*_share`` of time to solution
    (queue, QPU, classical, network), ``program_session_idle_s`` (total),
    and ``background_completion_mean_s`` over jobs that belong to no program.
    """
    out: dict = {"programs": int(len(programs))}
    if len(programs):
        done = programs[programs["status"] == "completed"]
        out["programs_completed"] = int(len(done))
        out["program_tts_mean_s"] = float(done["time_to_solution_s"].mean()) if len(done) else math.nan
        out["program_iterations_mean"] = float(done["iterations"].mean()) if len(done) else math.nan
        for part in ("queue_share", "qpu_share", "classical_share", "network_share"):
            out[f"program_{part}"] = float(done[part].mean()) if len(done) else math.nan
        out["program_session_idle_s"] = float(programs["session_idle_s"].sum())
    if "program_id" in jobs:
        background = jobs[jobs["program_id"].isna() & (jobs["status"] == "completed")]
    else:
        background = jobs[jobs["status"] == "completed"]
    out["background_completion_mean_s"] = float(background["completion_s"].mean()) if len(background) else math.nan
    return out
