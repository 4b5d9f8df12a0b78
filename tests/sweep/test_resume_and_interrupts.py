"""Resume reuses only runs that verify and match the whole config; Ctrl-C stops every backend quickly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

import qcloudsim.sweep.runner as runner_module
from qcloudsim.results.results import Results
from qcloudsim.sweep import SweepInterrupted, expand, run_sweep
from tests.helpers import small_config, small_config_data

ROOT = Path(__file__).resolve().parents[2]


def _sweep(**overrides):
    return small_config(replications=2, sweep={"workload.arrivals.rate_per_s": [0.4, 1.2]}, **overrides)


def test_stale_resume_edit_non_swept_value_recomputes(tmp_path):
    first = run_sweep(_sweep(), tmp_path, workers=1, progress=False)
    assert (first.computed, first.reused) == (4, 0)
    workload = small_config_data()["workload"] | {"jobs": 20}
    second = run_sweep(_sweep(workload=workload), tmp_path, workers=1, progress=False)
    assert (second.computed, second.reused) == (4, 0)
    assert (second.runs["jobs_submitted"] == 20).all()
    third = run_sweep(_sweep(workload=workload), tmp_path, workers=1, progress=False)
    assert (third.computed, third.reused) == (0, 4)


def test_run_key_covers_seed_version_and_input_files(tmp_path, monkeypatch):
    trace = tmp_path / "trace.csv"
    trace.write_text("job_id,submit_time,num_qubits,depth,num_2q_gates,shots\n1,0,3,10,4,100\n2,5,4,12,6,100\n")
    data = small_config_data(workload={"trace": {"path": str(trace)}})
    ids = [s.run_id for s in expand(small_config(**data))]
    assert ids == [s.run_id for s in expand(small_config(**data))]  # stable
    assert ids != [s.run_id for s in expand(small_config(**{**data, "seed": 4}))]
    trace.write_text(trace.read_text() + "3,9,2,5,1,100\n")
    assert ids != [s.run_id for s in expand(small_config(**data))]  # the trace changed
    monkeypatch.setattr("qcloudsim.__version__", "9.9.9")
    trace.write_text(trace.read_text().rsplit("3,9", 1)[0])
    assert ids != [s.run_id for s in expand(small_config(**data))]  # another version


def test_damaged_run_folder_is_recomputed_on_resume(tmp_path):
    first = run_sweep(_sweep(), tmp_path, workers=1, progress=False)
    run_ids = list(first.runs["run_id"])
    jobs_file = tmp_path / "runs" / run_ids[0] / "jobs.parquet"
    jobs_file.write_bytes(jobs_file.read_bytes()[:100])  # truncated
    (tmp_path / "runs" / run_ids[1] / "summary.json").unlink()  # missing summary
    (tmp_path / "runs" / run_ids[2] / "manifest.json").unlink()  # interrupted before its manifest
    second = run_sweep(_sweep(), tmp_path, workers=1, progress=False)
    assert (second.computed, second.reused, second.damaged) == (3, 1, 3)
    pd.testing.assert_frame_equal(first.runs.drop(columns="wall_time_s", errors="ignore"),
                                  second.runs.drop(columns="wall_time_s", errors="ignore"))
    for run_id in run_ids:
        Results.read(tmp_path / "runs" / run_id)


def test_repeated_sweep_values_compute_each_run_once(tmp_path):
    config = small_config(sweep={"workload.arrivals.rate_per_s": [0.4, 0.4]})
    outcome = run_sweep(config, tmp_path, workers=2, progress=False)
    assert outcome.computed == 1 and len(outcome.runs) == 2


def test_ctrl_c_in_a_serial_sweep_keeps_finished_runs(tmp_path, monkeypatch):
    real = runner_module.execute_run
    calls = []

    def interrupted_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            staging = Path(args[2]).parent / f".{Path(args[2]).name}.staging-x"
            staging.mkdir(parents=True)  # what a write cut short leaves
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(runner_module, "execute_run", interrupted_third)
    with pytest.raises(SweepInterrupted) as caught:
        run_sweep(_sweep(), tmp_path, workers=1, progress=False)
    assert (caught.value.finished, caught.value.total) == (2, 4)
    assert isinstance(caught.value, KeyboardInterrupt)
    assert not list((tmp_path / "runs").glob(".*"))
    monkeypatch.setattr(runner_module, "execute_run", real)
    resumed = run_sweep(_sweep(), tmp_path, workers=1, progress=False)
    assert (resumed.computed, resumed.reused) == (2, 2)


def _long_sweep_file(tmp_path: Path, runs: int) -> Path:
    data = small_config_data(replications=runs)
    data["workload"]["jobs"] = 4000
    data["output"] = {"plot": False}
    config = tmp_path / "long.yaml"
    config.write_text(yaml.safe_dump(data))
    return config


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "qcloudsim", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _wait_for_runs(runs_dir: Path, count: int, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while len(list(runs_dir.glob("*/manifest.json"))) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no run finished in time"
        time.sleep(0.2)


def _interrupt(process: subprocess.Popen) -> tuple[float, str]:
    """Ctrl-C as a terminal sends it (to the whole process group); seconds until exit, stderr."""
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    return time.monotonic() - sent, err


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("backend", ["local", pytest.param("ray", marks=pytest.mark.slow)])
def test_ctrl_c_stops_a_sweep_within_seconds_and_resume_finishes_it(tmp_path, backend):
    if backend == "ray":
        pytest.importorskip("ray")
    config, out = _long_sweep_file(tmp_path, runs=8), tmp_path / "out"
    process = _start(["run", str(config), "-o", str(out), "-j", "2", "--backend", backend], tmp_path)
    _wait_for_runs(out / "runs", 1, process)
    seconds, err = _interrupt(process)
    assert process.returncode == 130, err
    assert seconds < 10, f"took {seconds:.1f} s to stop"
    assert "Run the same command again to resume" in " ".join(err.split())
    time.sleep(0.5)
    assert _group_gone(process.pid), "worker processes survived the interrupt"
    kept = len(list((out / "runs").glob("*/manifest.json")))
    assert 1 <= kept < 8 and not list((out / "runs").glob(".*"))
    from qcloudsim.config.loader import load_config

    resumed = run_sweep(load_config(config), out, workers=2, progress=False)
    assert (resumed.computed, resumed.reused) == (8 - kept, kept)


def test_ctrl_c_on_a_single_run_prints_a_message_and_exits_130(tmp_path):
    data = small_config_data(output={"plot": False})
    data["workload"]["jobs"] = 200_000
    config = tmp_path / "one.yaml"
    config.write_text(yaml.safe_dump(data))
    process = _start(["run", str(config), "-o", str(tmp_path / "out"), "-q"], tmp_path)
    time.sleep(6)
    assert process.poll() is None, process.communicate()
    seconds, err = _interrupt(process)
    assert process.returncode == 130 and seconds < 5
    assert "interrupted" in err and "nothing was written" in " ".join(err.split())
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_one_failing_run_does_not_stop_the_others(tmp_path, workers):
    from qcloudsim.sweep import SweepRunsFailed

    points = [{"buggy": False}, {"buggy": True}]
    config = small_config(
        replications=2, scheduler={"name": "tests.sweep.failing_scheduler:BuggyScheduler"},
        sweep={"scheduler.params": points},
    )
    with pytest.raises(SweepRunsFailed, match="2 of 4 runs failed .RuntimeError: deliberate scheduler bug.") as caught:
        run_sweep(config, tmp_path, workers=workers, progress=False)
    assert (caught.value.finished, caught.value.total) == (2, 4)
    assert len(list((tmp_path / "runs").glob("*/manifest.json"))) == 2
    failures = json.loads((tmp_path / "failures.json").read_text())
    assert [f["point"] for f in failures] == [{"scheduler.params": {"buggy": True}}] * 2
    assert all("deliberate scheduler bug" in f["traceback"] for f in failures)
    fixed = small_config(
        replications=2, scheduler={"name": "tests.sweep.failing_scheduler:BuggyScheduler"},
        sweep={"scheduler.params": [{"buggy": False}]},
    )
    rerun = run_sweep(fixed, tmp_path, workers=workers, progress=False)
    assert (rerun.computed, rerun.reused) == (0, 2) and not (tmp_path / "failures.json").exists()


def test_cli_reports_failed_runs_with_exit_code_1(tmp_path):
    from typer.testing import CliRunner

    from qcloudsim.cli import app

    data = small_config_data(
        scheduler={"name": "tests.sweep.failing_scheduler:BuggyScheduler"},
        sweep={"scheduler.params": [{"buggy": False}, {"buggy": True}]},
    )
    config = tmp_path / "buggy.yaml"
    config.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["run", str(config), "-o", str(tmp_path / "out"), "-j", "1", "-q"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "1 of 2 runs failed (RuntimeError: deliberate scheduler bug)" in text and "failures.json" in text
