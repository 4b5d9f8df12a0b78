from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from qcloudsim.cli import app
from tests.helpers import small_config_data

runner = CliRunner()


def test_run_writes_results_and_prints_summary(tmp_path):
    config = tmp_path / "small.yaml"
    config.write_text(yaml.safe_dump(small_config_data()))
    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "completion_mean_s" in result.output and "ibm_lagos" in result.output
    assert (tmp_path / "out" / "jobs.parquet").exists() and (tmp_path / "out" / "summary.png").exists()


def test_bad_config_exits_2_without_traceback(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml.safe_dump(small_config_data(scheduler={"name": "nope"})))
    proc = subprocess.run(
        [sys.executable, "-m", "qcloudsim", "run", str(config)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown scheduler 'nope'" in proc.stderr
    assert str(config) in proc.stderr


def test_version():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0 and result.output.strip()


def test_unwritable_output_is_a_clear_error(tmp_path):
    config = tmp_path / "small.yaml"
    config.write_text(yaml.safe_dump(small_config_data()))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["run", str(config), "--out", str(blocker / "sub"), "--quiet"])
    assert result.exit_code == 2  # found before simulating: nothing computed is lost
    assert f"{blocker} is a file; expected a folder" in result.output.replace("\n", "")


def test_output_dir_that_is_a_file_says_so_before_simulating(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    config = tmp_path / "small.yaml"
    config.write_text(yaml.safe_dump(small_config_data()))
    for args in (["--out", str(blocker)], []):
        data = small_config_data(output={"dir": str(blocker), "plot": False})
        config.write_text(yaml.safe_dump(data))
        result = runner.invoke(app, ["run", str(config), *args, "--quiet"])
        assert result.exit_code == 2, result.output
        assert "File exists" not in result.output and "is a file" in result.output.replace("\n", "")
        assert blocker.read_text() == "not a folder"


def test_run_with_sweep_prints_ci_table(tmp_path):
    data = small_config_data(replications=2, sweep={"scheduler.params": [{"backfill": False}, {"backfill": True}]})
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "Sweep summary" in result.output and "4 runs computed, 0 reused" in result.output
    again = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "out"), "-j", "1"])
    assert "0 runs computed, 4 reused" in again.output
    bad = runner.invoke(app, ["run", str(config), "--backend", "spark"])
    assert bad.exit_code == 2 and "--backend" in bad.output


def test_version_option_and_metadata_agree():
    import tomllib
    from pathlib import Path

    import yaml

    from qcloudsim import __version__

    root = Path(__file__).resolve().parents[1]
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"qcloudsim {__version__}"
    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"] == __version__
    assert yaml.safe_load((root / "CITATION.cff").read_text())["version"] == __version__
    assert f"## [{__version__}]" in (root / "CHANGELOG.md").read_text()
    assert "Apache License" in (root / "LICENSE").read_text()


ROOT = Path(__file__).resolve().parents[1]
FCFS_SUBCLASS = "from qcloudsim.schedulers.fcfs import FCFSScheduler\n\n\nclass Mine(FCFSScheduler):\n    pass\n"


def run_cli_fresh(args: list[str], cwd: Path, missing: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``qcloudsim ARGS`` in a fresh interpreter, as the installed script runs it.

    ``-P`` keeps the working folder off ``sys.path`` (the console script has
    none); ``missing`` packages cannot be imported, as in an install
    without their extra.
    """
    script = (
        "import sys\n"
        "class NotInstalled:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {missing!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NotInstalled())\n"
        "from qcloudsim.cli import main\n"
        f"sys.argv = ['qcloudsim', *{args!r}]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-P", "-c", script], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def test_missing_rl_extra_names_the_install_command_readably(tmp_path):
    config = tmp_path / "drl.yaml"
    config.write_text(yaml.safe_dump(small_config_data(scheduler={"name": "drl"})))
    rl_extra = ("sb3_contrib", "stable_baselines3", "torch", "torch_geometric", "gymnasium")
    result = run_cli_fresh(["run", str(config), "-q"], tmp_path, missing=rl_extra)
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "scheduler 'drl' needs the 'rl' extra: pip install 'qcloudsim[rl]'" in message, message
    assert "unknown scheduler" not in message and "Traceback" not in message


def test_custom_scheduler_next_to_the_config_loads_without_pythonpath(tmp_path):
    from qcloudsim.results.results import Results

    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "my_scheduler.py").write_text(FCFS_SUBCLASS)
    config = folder / "custom.yaml"
    config.write_text(yaml.safe_dump(small_config_data(scheduler={"name": "my_scheduler:Mine"},
                                                       output={"plot": False})))
    result = run_cli_fresh(["run", str(config), "-o", "out", "-q"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert Results.read(tmp_path / "out").metadata["scheduler"]["name"] == "my_scheduler:Mine"


def test_replay_finds_a_custom_scheduler_in_the_working_folder(tmp_path):
    (tmp_path / "my_replay_scheduler.py").write_text(FCFS_SUBCLASS)
    trace = ROOT / "tests" / "data" / "trace_pinned.csv"
    args = ["replay", str(trace), "--fleet", "ibm_perth,ibm_lagos", "--scheduler", "my_replay_scheduler:Mine",
            "-o", "out", "-q"]
    result = run_cli_fresh(args, tmp_path)
    assert result.returncode == 0, result.stderr


def test_ray_backend_without_ray_names_the_install_command(tmp_path):
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(small_config_data(replications=2)))
    result = run_cli_fresh(["run", str(config), "--backend", "ray", "-o", "out", "-q"], tmp_path, missing=("ray",))
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert "the ray backend needs Ray: pip install 'qcloudsim[ray]'" in message and "Traceback" not in message
