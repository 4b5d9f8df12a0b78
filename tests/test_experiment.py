from __future__ import annotations

import json

import pandas as pd

from qcloudsim.experiment import run
from qcloudsim.results.results import Results
from tests.helpers import small_config


def test_same_seed_same_results_different_seed_different():
    config = small_config()
    a, b = run(config), run(config)
    pd.testing.assert_frame_equal(a.jobs, b.jobs)
    pd.testing.assert_frame_equal(a.timeline, b.timeline)
    assert {k: v for k, v in a.summary.items()} == {k: v for k, v in b.summary.items()}
    c = run(config, seed=4)
    assert not a.jobs["arrival_s"].equals(c.jobs["arrival_s"])
    assert a.metadata["config_hash"] == c.metadata["config_hash"] and c.metadata["seed"] == 4


def test_results_columns_and_summary():
    results = run(small_config())
    jobs = results.jobs
    for column in ("job_id", "user", "arrival_s", "start_s", "end_s", "wait_s", "device", "qubits",
                   "fidelity", "shots", "status", "reason"):
        assert column in jobs.columns
    done = jobs[jobs["status"] == "completed"]
    assert ((done["fidelity"] > 0) & (done["fidelity"] <= 1)).all()
    assert (done["qubits"].map(len) == done["num_qubits"]).all()
    s = results.summary
    for key in ("completion_mean_s", "completion_median_s", "completion_p95_s", "wait_mean_s",
                "makespan_s", "throughput_jobs_per_h", "utilization_busy_mean",
                "utilization_qubit_time", "fidelity_mean"):
        assert key in s
    busy = {d["device"]: d for d in s["devices"]}
    assert set(busy) == {"ibm_perth", "ibm_lagos", "toy_line"}
    assert all(0 <= d["busy_fraction"] <= 1 and 0 <= d["qubit_fraction"] <= d["busy_fraction"] for d in busy.values())
    assert busy["ibm_lagos"]["down_s"] == 40.0
    # utilization agrees with the per-job table: busy time = sum of run times (exclusive devices)
    for device, row in busy.items():
        ran = done[done["device"] == device]
        assert abs(row["busy_s"] - ran["run_s"].sum()) < 1e-6


def test_write_and_read_back(tmp_path):
    results = run(small_config())
    from qcloudsim.plots import plot_run_summary

    out = results.write(tmp_path / "res", plot=plot_run_summary)
    assert sorted(p.name for p in out.iterdir()) == [
        "attempts.parquet", "calibrations.parquet", "jobs.parquet", "manifest.json", "summary.json", "summary.png",
        "timeline.parquet",
    ]
    meta = json.loads((out / "summary.json").read_text())["metadata"]
    assert meta["seed"] == 3 and len(meta["config_hash"]) == 64 and "simpy" in meta["versions"]
    back = Results.read(out)
    pd.testing.assert_frame_equal(back.jobs.drop(columns="qubits"), results.jobs.drop(columns="qubits"))
    assert back.jobs["qubits"].map(list).tolist() == results.jobs["qubits"].tolist()


def test_optional_columns_only_when_used():
    from qcloudsim.results.recorders import OPTIONAL_JOB_COLUMNS, JobRecorder
    from qcloudsim.workload.job import Job, JobStatus, RecordedOutcome
    from tests.conftest import ghz_profile

    plain = JobRecorder()
    job = Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2))
    job.state.status, job.state.reason = JobStatus.REJECTED, "x"
    plain.on_reject(job, 0.0)
    assert not set(OPTIONAL_JOB_COLUMNS) & set(plain.to_dataframe().columns)
    mixed = JobRecorder()
    mixed.on_reject(job, 0.0)
    traced = Job.new(id=1, arrival_s=1.0, profile=ghz_profile(2),
                     recorded=RecordedOutcome(queue_s=5.0, run_s=2.0, device="ibm_x", status="DONE"))
    traced.state.status, traced.state.reason = JobStatus.REJECTED, "y"
    mixed.on_reject(traced, 1.0)
    frame = mixed.to_dataframe()
    assert frame["recorded_run_s"].isna().tolist() == [True, False]
    assert frame.loc[1, "recorded_device"] == "ibm_x" and frame["recorded_device"].isna()[0]


def test_exact_fidelity_mode_runs_and_differs_from_analytic():
    data_cfg = small_config(workload={
        "jobs": 6, "arrivals": {"process": "poisson", "rate_per_s": 0.5}, "shots": 100,
        "mix": [{"family": "qft", "qubits": [3, 4]}],
    })
    exact_cfg = data_cfg.model_copy(update={"models": data_cfg.models.model_copy(
        update={"fidelity": data_cfg.models.fidelity.model_copy(update={"mode": "exact"})})})
    analytic, exact = run(data_cfg), run(exact_cfg)
    done = exact.jobs["status"] == "completed"
    assert done.all()
    assert ((exact.jobs["fidelity"] > 0) & (exact.jobs["fidelity"] <= 1)).all()
    assert not analytic.jobs["fidelity"].equals(exact.jobs["fidelity"])
