"""Cut-circuit placement with deadlines: annealing vs greedy over load and deadline tightness.

    python experiments/cutting_deadlines/run.py [--workers N] [--out DIR]

Writes ``report.md`` and ``deadlines_vs_load.png`` here; the sweep is ``config.yaml``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from qcloudsim.config.loader import load_config  # noqa: E402
from qcloudsim.plots import metric_vs_load  # noqa: E402
from qcloudsim.sweep import run_sweep  # noqa: E402
from qcloudsim.sweep.aggregate import format_mean_ci  # noqa: E402

HERE = Path(__file__).resolve().parent
LOAD = "workload_arrivals_rate_per_s"
SLACK = "workload_deadline_slack_s"
METRICS = [("deadline_hit_rate", "deadline hit rate"), ("makespan_s", "makespan (s)"),
           ("completion_mean_s", "mean completion (s)"), ("fidelity_mean", "mean fidelity")]


def cell(row: pd.Series, metric: str) -> str:
    return format_mean_ci(row, metric, decimals=3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("results") / "cutting_deadlines")
    args = parser.parse_args(argv)
    outcome = run_sweep(load_config(HERE / "config.yaml"), args.out, workers=args.workers, progress=True)
    summary = outcome.summary
    slacks = sorted(summary[SLACK].unique())
    loads = sorted(summary[LOAD].unique())
    runs = outcome.runs
    fig, axes = plt.subplots(2, len(slacks), figsize=(6 * len(slacks), 8), constrained_layout=True, squeeze=False)
    for col, slack in enumerate(slacks):
        subset = summary[summary[SLACK] == slack]
        metric_vs_load(axes[0][col], subset, LOAD, "deadline_hit_rate", hue="scheduler")
        axes[0][col].set_title(f"deadline hit rate, slack {slack} s")
        metric_vs_load(axes[1][col], subset, LOAD, "makespan_s", hue="scheduler")
        axes[1][col].set_title(f"makespan (s), slack {slack} s")
    fig.savefig(HERE / "deadlines_vs_load.png", dpi=100)
    plt.close(fig)

    lines = [
        "# Cut-circuit placement with deadlines: annealing vs greedy", "",
        "Regenerate with `python experiments/cutting_deadlines/run.py` (a few minutes on 2 cores).",
        "Fleet: four 27-qubit devices (ibm_algiers, ibm_hanoi, ibm_cairo, ibm_auckland) and ibm_perth (7 qubits).",
        "Workload: 100 jobs per run. Half are GHZ (28–50 qubits) and VQE (28–36 qubits) circuits that fit no device",
        "and are cut (`cutting: {when: no_fit, method: analytic}`: 9x sampling overhead per cut gate). The rest are",
        "small GHZ/QFT circuits. Every job has a deadline: arrival plus a slack drawn from the swept range.",
        "Schedulers: `anneal` (simulated annealing over fragments and shot splits, 500 iterations per round),",
        "`greedy-earliest-finish` (each fragment whole to the QPU where it finishes first, deadlines first), and",
        "`greedy-agnostic` (round-robin whole fragments, ignoring dependencies). 5 replications, mean [95 % CI].",
        f"{len(runs)} runs; the annealer's fragment runs exceed the number of fragments when it splits shots.", "",
    ]
    for metric, label in METRICS:
        for slack in slacks:
            subset = summary[summary[SLACK] == slack]
            lines += [f"## {label}, deadline slack {slack} s", "",
                      "| scheduler | " + " | ".join(f"{x} jobs/s" for x in loads) + " |", "|---|" + "---|" * len(loads)]
            for name, group in subset.groupby("scheduler"):
                g = group.set_index(LOAD)
                lines.append(f"| {name} | " + " | ".join(cell(g.loc[x], metric) for x in loads) + " |")
            lines.append("")
    splits = runs.groupby("scheduler")[["jobs_cut", "fragment_runs"]].sum()
    lines += ["## Fragments", "", "| scheduler | cut jobs | fragment runs |", "|---|---|---|"]
    for name, row in splits.iterrows():
        lines.append(f"| {name} | {int(row['jobs_cut'])} | {int(row['fragment_runs'])} |")
    hit = summary.pivot_table(index=[SLACK, LOAD], columns="scheduler", values="deadline_hit_rate")
    better = int((hit["anneal"] >= hit["greedy-earliest-finish"] - 1e-12).sum())
    lines += ["", "![deadlines vs load](deadlines_vs_load.png)", "", "## Reading the results", "",
              f"* The annealer meets at least as many deadlines as the earliest-finish greedy at {better} of "
              f"{len(hit)} sweep points (see the tables for where the intervals overlap). It starts from the "
              "greedy plan and only accepts plans that meet more deadlines, or as many with a shorter makespan.",
              "  It also splits shots of urgent fragments across idle devices.",
              "* The dependency- and shot-agnostic baseline is worst at most points: it spreads fragments of one",
              "  job without regard to when their siblings finish, so parents wait for their slowest fragment. At",
              "  the highest load with tight deadlines both greedy baselines collapse to a similar rate, while the",
              "  annealer keeps about three quarters of the deadlines (with a wide interval over 5 replications).",
              "* Makespans are close, the annealer's slightly shorter. The objective trades makespan only after",
              "  deadlines. Makespan falls with load here because every run has the same 100 jobs, which arrive",
              "  sooner at higher rates.", ""]
    (HERE / "report.md").write_text("\n".join(lines))
    print((HERE / "report.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
