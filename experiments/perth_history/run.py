"""Fidelity of the same circuits on ibm_perth across half a year of recorded calibrations.

Regenerates ``report.md`` and ``fidelity_over_time.png`` here::

    python experiments/perth_history/run.py

Reads ``data/ibm_perth_calibration_2023H1.tar.gz`` (shipped; see ``data/README.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from qcloudsim.config.loader import ConfigError, load_config  # noqa: E402
from qcloudsim.experiment import run  # noqa: E402

HERE = Path(__file__).resolve().parent
START = pd.Timestamp("2023-01-01")


def calibration_at(calibrations: pd.DataFrame, times: pd.Series) -> pd.DataFrame:
    """The calibration row in force at each time (the latest one at or before it)."""
    log = calibrations.sort_values("time_s")
    index = log["time_s"].searchsorted(times.to_numpy(), side="right") - 1
    return log.iloc[index.clip(min=0)].reset_index(drop=True)


def main() -> int:
    try:
        config = load_config(HERE / "config.yaml")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = run(config)
    jobs = results.jobs[results.jobs["status"] == "completed"].reset_index(drop=True)
    cal = calibration_at(results.calibrations, jobs["start_s"])
    jobs["mean_cx_error"] = cal["mean_error_2q"].to_numpy()
    jobs["mean_readout_error"] = cal["mean_readout_error"].to_numpy()
    jobs["date"] = START + pd.to_timedelta(jobs["start_s"], unit="s")
    jobs["month"] = jobs["date"].dt.strftime("%Y-%m")

    lines = ["# Fidelity of the same circuits on ibm_perth, 2023-01 to 2023-06", ""]
    lines += [f"`python experiments/perth_history/run.py` replays the 181 recorded daily calibrations "
              f"(`{config.fleet[0].history.path.name}`) and submits {len(results.jobs)} jobs of two fixed "
              "circuits (GHZ-5, QFT-4, 4000 shots) about every 6 hours. Each job's estimated fidelity uses "
              "the calibration in force when it starts.", ""]
    lines += ["| circuit | jobs | median fidelity | min | max | Spearman(fidelity, mean CX error) |",
              "|---|---|---|---|---|---|"]
    for circuit, group in jobs.groupby("circuit"):
        rho = spearmanr(group["fidelity"], group["mean_cx_error"]).statistic
        lines.append(f"| {circuit} | {len(group)} | {group['fidelity'].median():.3f} | {group['fidelity'].min():.3f} | "
                     f"{group['fidelity'].max():.3f} | {rho:.2f} |")
    lines += ["", "Median estimated fidelity by month:", "",
              "| month | " + " | ".join(sorted(jobs["circuit"].unique())) + " | mean CX error |",
              "|---|" + "---|" * (jobs["circuit"].nunique() + 1)]
    pivot = jobs.pivot_table(index="month", columns="circuit", values="fidelity", aggfunc="median")
    cx = jobs.groupby("month")["mean_cx_error"].median()
    for month, row in pivot.iterrows():
        lines.append(f"| {month} | " + " | ".join(f"{v:.3f}" for v in row) + f" | {cx[month]:.4f} |")
    waited = results.jobs[results.jobs["wait_s"] > 86400]
    waited_days = sorted({(START + pd.Timedelta(seconds=float(t))).strftime("%Y-%m-%d") for t in waited["arrival_s"]})
    lines += ["", "Each job's fidelity follows the calibration of the day it ran: the monthly medians move "
              "with the recorded errors, and the spread within a circuit (min to max above) comes from "
              "single days with bad couplers or readout. The correlation with the *mean* CX error is "
              "moderate, because placement picks the best connected qubits and readout errors count too.",
              "",
              f"{len(waited)} jobs waited more than a day (longest {results.jobs['wait_s'].max() / 86400:.1f} days, "
              f"submitted {', '.join(waited_days)}). "
              "On those days the recorded data has a broken coupler that splits the 7-qubit chip so that no "
              "5 connected qubits exist, so GHZ-5 cannot be placed and strict FCFS holds the queue behind it.",
              "", "![fidelity over time](fidelity_over_time.png)", ""]
    (HERE / "report.md").write_text("\n".join(lines))

    fig, ax = plt.subplots(figsize=(10, 4.5), constrained_layout=True)
    for circuit, group in jobs.groupby("circuit"):
        ax.plot(group["date"].to_numpy(), group["fidelity"].to_numpy(), ".", ms=3,
                label=f"{circuit} (estimated fidelity)")
    ax.set_ylabel("estimated fidelity")
    ax.set_ylim(0, 1)
    twin = ax.twinx()
    log = results.calibrations.assign(date=START + pd.to_timedelta(results.calibrations["time_s"], unit="s"))
    twin.step(log["date"], log["mean_error_2q"], where="post", color="grey", alpha=0.6, label="mean CX error")
    twin.set_ylabel("mean CX error")
    ax.legend(loc="lower left", fontsize="small")
    twin.legend(loc="lower right", fontsize="small")
    ax.set_title("ibm_perth: same circuits, recorded calibrations 2023-01..06")
    fig.savefig(HERE / "fidelity_over_time.png", dpi=110)
    plt.close(fig)
    print((HERE / "report.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
