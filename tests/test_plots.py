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
    assert names == ["fidelity_vs_wait.png", "share_vs_allocation.png", "summary.png", "utilization_over_time.png"]
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
