from __future__ import annotations

import shutil

import pandas as pd
import pytest

from qcloudsim.sweep import run_sweep
from tests.helpers import small_config


def _config():
    return small_config(replications=2, sweep={"workload.arrivals.rate_per_s": [0.4, 1.2]})


def test_parallel_equals_serial_and_tables_are_tidy(tmp_path):
    config = _config()
    serial = run_sweep(config, tmp_path / "serial", workers=1, progress=False)
    parallel = run_sweep(config, tmp_path / "parallel", workers=2, progress=False)
    pd.testing.assert_frame_equal(serial.runs, parallel.runs)
    assert len(serial.runs) == 4 and set(serial.runs["workload_arrivals_rate_per_s"]) == {0.4, 1.2}
    summary = serial.summary
    assert list(summary["runs"]) == [2, 2]
    assert (summary["completion_mean_s_ci95_low"] <= summary["completion_mean_s"]).all()
    jobs = pd.read_parquet(tmp_path / "serial" / "jobs.parquet")
    assert {"run_id", "seed", "workload_arrivals_rate_per_s"} <= set(jobs.columns)
    assert len(jobs) == 4 * 60
    # heavier load waits longer on average
    means = summary.set_index("workload_arrivals_rate_per_s")["wait_mean_s"]
    assert means[1.2] > means[0.4]


def test_resume_recomputes_only_missing_runs(tmp_path):
    config = _config()
    first = run_sweep(config, tmp_path, workers=1, progress=False)
    assert (first.computed, first.reused) == (4, 0)
    victim = tmp_path / "runs" / first.runs["run_id"].iloc[1]
    shutil.rmtree(victim)
    (tmp_path / "runs" / ".half-written.tmp").mkdir()  # debris of an interrupted run is ignored
    second = run_sweep(config, tmp_path, workers=1, progress=False)
    assert (second.computed, second.reused) == (1, 3)
    pd.testing.assert_frame_equal(first.runs, second.runs)


def test_ray_backend_matches_local(tmp_path):
    pytest.importorskip("ray")
    config = small_config(replications=2)
    local = run_sweep(config, tmp_path / "local", workers=1, progress=False)
    ray_run = run_sweep(config, tmp_path / "ray", backend="ray", progress=False)
    pd.testing.assert_frame_equal(local.runs, ray_run.runs.drop(columns=[]))
    a = pd.read_parquet(tmp_path / "local" / "jobs.parquet")
    b = pd.read_parquet(tmp_path / "ray" / "jobs.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_unknown_backend(tmp_path):
    with pytest.raises(ValueError, match="unknown backend"):
        run_sweep(_config(), tmp_path, backend="spark")


def _generated_ids_config():
    """Hybrid programs and cut circuits: the simulation generates job ids of its own."""
    from tests.helpers import small_config_data

    data = small_config_data(
        replications=2,
        cutting={"when": "no_fit", "method": "analytic"},
        hybrid={"classical": {"cpu": 1}, "programs": [{
            "count": 2, "mode": "job", "ansatz": {"family": "vqe", "qubits": 3}, "circuits_per_iteration": 2,
            "stopping": {"rule": "fixed", "iterations": 2}, "shots": 100,
        }]},
    )
    return small_config(**data)


def _run_files(root):
    import hashlib

    return {
        (run.name, f.name): hashlib.sha256(f.read_bytes()).hexdigest()
        for run in sorted((root / "runs").iterdir()) for f in sorted(run.glob("*.parquet"))
    }


def test_outputs_byte_identical_serial_pool_and_ray(tmp_path):
    config = _generated_ids_config()
    serial = run_sweep(config, tmp_path / "serial", workers=1, progress=False)
    pool = run_sweep(config, tmp_path / "pool", workers=2, progress=False)
    files = _run_files(tmp_path / "serial")
    assert any(name == "attempts.parquet" for _, name in files)
    assert files == _run_files(tmp_path / "pool")
    pd.testing.assert_frame_equal(serial.runs, pool.runs)
    jobs = pd.read_parquet(tmp_path / "serial" / "jobs.parquet")
    assert (jobs["job_id"] >= 10**15).any(), "program jobs or fragments are part of the comparison"
    pytest.importorskip("ray")
    run_sweep(config, tmp_path / "ray", backend="ray", progress=False)
    assert files == _run_files(tmp_path / "ray")
