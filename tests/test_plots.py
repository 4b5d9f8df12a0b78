from __future__ import annotations

from typer.testing import CliRunner

from qcloudsim.cli import app
from qcloudsim.experiment import run
from qcloudsim.plots import plot_run_summary
from qcloudsim.sweep import run_sweep
from tests.helpers import small_config

runner = CliRunner()


def test_plot_run_folder(tmp_path):
    run(small_config()).write(tmp_path / "run", plot=plot_run_summary)
    result = runner.invoke(app, ["plot", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "run" / "figures").iterdir())
    assert names == ["fidelity_vs_wait.png", "gantt.png", "share_vs_allocation.png", "summary.png",
                     "utilization_over_time.png"]
    assert all((tmp_path / "run" / "figures" / n).stat().st_size > 5000 for n in names)


def test_plot_sweep_folder(tmp_path):
    config = small_config(replications=2, sweep={"workload.arrivals.rate_per_s": [0.4, 1.0],
                                                 "scheduler.params": [{"backfill": False}, {"backfill": True}]})
    run_sweep(config, tmp_path / "sw", workers=1, progress=False)
    result = runner.invoke(app, ["plot", str(tmp_path / "sw"), "--out", str(tmp_path / "figs")])
    assert result.exit_code == 0, result.output
    names = {p.name for p in (tmp_path / "figs").iterdir()}
    assert "completion_mean_s_vs_workload_arrivals_rate_per_s.png" in names
    assert {"completion_cdf.png", "fidelity_vs_wait.png"} <= names


def test_plot_of_a_non_results_folder_fails_cleanly(tmp_path):
    result = runner.invoke(app, ["plot", str(tmp_path)])
    assert result.exit_code == 2 and "not a results folder" in result.output


def test_importing_plots_leaves_the_matplotlib_backend_alone():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = (
        "import matplotlib\n"
        "matplotlib.use('svg')\n"
        "import qcloudsim.plots\n"
        "print(matplotlib.get_backend())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "svg"


def test_gantt_puts_overlapping_runs_in_lanes_and_shades_downtime():
    import pandas as pd
    from matplotlib.figure import Figure

    from qcloudsim.plots import device_gantt

    attempts = pd.DataFrame({
        "job_id": [1, 2, 3, 4], "device": ["a", "a", "a", "b"], "start_s": [0.0, 1.0, 5.0, 2.0],
        "end_s": [4.0, 3.0, 6.0, 8.0], "outcome": ["completed", "completed", "interrupted", "completed"],
    })
    timeline = pd.DataFrame({
        "device": ["a", "b", "b"], "start_s": [0.0, 0.0, 8.0], "end_s": [10.0, 8.0, 10.0],
        "state": ["busy", "busy", "down"],
    })
    ax = Figure().subplots()
    assert device_gantt(ax, attempts, timeline) == (0.0, 10.0)
    bars = [(c.get_paths(), c.get_facecolor()) for c in ax.collections]
    heights = sorted({round(p.get_extents().height, 3) for paths, _ in bars for p in paths})
    assert len(ax.collections) == 5  # a: lane 0 completed, lane 0 interrupted, lane 1; b: its run, its downtime
    assert heights[0] < heights[-1]  # device a's runs are split into two lanes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert device_gantt(Figure().subplots(), attempts, timeline, max_runs=2) == (0.0, 4.0)


def test_sweep_cdfs_get_one_panel_per_load():
    import pandas as pd
    from matplotlib.figure import Figure

    from qcloudsim.plots import completion_cdf_panels

    jobs = pd.DataFrame({"rate": [0.2, 0.2, 0.8, 0.8, 1.6, 1.6], "scheduler": ["fcfs", "sjf"] * 3,
                         "status": ["completed"] * 6, "completion_s": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    fig = Figure()
    completion_cdf_panels(fig, jobs, "rate", "scheduler")
    assert [ax.get_title() for ax in fig.axes] == ["rate = 0.2", "rate = 0.8", "rate = 1.6"]
    assert all(len(ax.get_lines()) == 2 for ax in fig.axes)
