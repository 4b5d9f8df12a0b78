"""Regression tests for the defects found when features were combined (engine issue).

Each test is named after the defect it guards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcloudsim.engine.cutting import CuttingPolicy
from qcloudsim.engine.dynamics import DeviceDynamics, Outages
from qcloudsim.engine.simulation import Simulation
from qcloudsim.experiment import run
from qcloudsim.hybrid.program import FixedIterations, HybridProgram
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import AttemptRecorder, JobRecorder
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.helpers import small_config, small_config_data


def _outage_run(scheduler: str, **params):
    devices = [line_device("a", n=6), line_device("b", n=6)]
    jobs = [Job.new(id=i, arrival_s=0.5 * i, profile=ghz_profile(2 + i % 3), service_s=4.0) for i in range(30)]
    outages = Outages(mtbf_s=6.0, mttr_s=1.0, on_running="requeue")
    dynamics = {d.name: DeviceDynamics(outages=outages) for d in devices}
    recorder, attempts = JobRecorder(), AttemptRecorder()
    sim = Simulation(devices, make_scheduler(scheduler, **params), jobs, Estimator(),
                     monitors=[recorder, attempts], dynamics=dynamics, streams=SeedStreams(4))
    sim.run()
    return recorder.to_dataframe(), attempts.to_dataframe()


@pytest.mark.parametrize(("scheduler", "params"), [
    ("qsra", {}), ("sjf", {}), ("fcfs", {"multiprogramming": True}), ("fcfs", {}),
])
def test_requeued_job_is_not_queued_twice(scheduler, params):
    jobs, attempts = _outage_run(scheduler, **params)
    assert len(jobs) == 30 and jobs["job_id"].is_unique
    assert (jobs["status"] == "completed").all()
    interrupted = attempts[attempts["outcome"] == "interrupted"]
    assert len(interrupted) > 0, "the scenario must really requeue runs"
    # every job completes exactly once; requeued jobs have earlier attempts recorded
    assert (attempts[attempts["outcome"] == "completed"]["job_id"].value_counts() == 1).all()
    counts = attempts.groupby("job_id").size()
    rows = jobs.set_index("job_id")
    assert (rows.loc[counts.index, "interruptions"] == counts - 1).all()


def test_horizon_with_cutting_ends_without_keyerror():
    devices = [line_device("a"), line_device("b")]
    jobs = [Job.new(id=i, arrival_s=float(i), profile=ghz_profile(9), shots=4000) for i in range(6)]
    recorder = JobRecorder()
    sim = Simulation(devices, make_scheduler("fcfs"), jobs, Estimator(), monitors=[recorder],
                     cutting=CuttingPolicy(when="no_fit", method="analytic"), horizon_s=3.0)
    sim.run()
    frame = recorder.to_dataframe()
    assert frame["job_id"].is_unique
    parents = frame[frame["job_id"] < 6]
    assert set(parents["job_id"]) == set(range(3))  # an arrival at the horizon itself is after it
    assert (parents["status"] == "failed").all()
    assert sim.after_horizon == 3


def test_program_jobs_arrive_when_submitted():
    program = HybridProgram("p", 5.0, ghz_profile(3), 1000, 1, FixedIterations(3), mode="batch",
                            classical_step_s=2.0, latency_s=0.5)
    recorder = JobRecorder()
    sim = Simulation([line_device()], make_scheduler("fcfs"), [], Estimator(), monitors=[recorder],
                     programs=[program], classical={"cpu": 1, "gpu": 0})
    sim.run()
    frame = recorder.to_dataframe().sort_values("arrival_s")
    assert len(frame) == 3
    assert frame["arrival_s"].iloc[0] == pytest.approx(5.5)  # program arrival + latency
    assert (frame["arrival_s"].diff().dropna() > 2.0).all()  # one iteration (QPU + classical) apart
    assert (frame["wait_s"] >= 0).all() and (frame["wait_s"] < 1e-9).all()  # an idle device: no wait


def test_exact_mode_is_used_by_every_scheduler_and_keyed_by_mode():
    data = small_config_data(workload={
        "jobs": 5, "arrivals": {"process": "poisson", "rate_per_s": 0.5}, "shots": 100,
        "mix": [{"family": "qft", "qubits": [3, 4]}],
    })
    data["fleet"] = ["ibm_perth"]
    fidelities = {}
    for mode in ("analytic", "exact"):
        for scheduler in ("fcfs", "sjf"):
            data.update(models={"fidelity": {"mode": mode}}, scheduler={"name": scheduler})
            jobs = run(small_config(**data)).jobs.sort_values("job_id")
            fidelities[mode, scheduler] = jobs["fidelity"].to_numpy()
    # sjf priced jobs without the device before: its fidelities fell back to the analytic ones
    assert not np.allclose(fidelities["exact", "sjf"], fidelities["analytic", "sjf"])
    assert sorted(fidelities["exact", "sjf"]) == pytest.approx(sorted(fidelities["exact", "fcfs"]))
    estimator = Estimator(mode="exact")
    device = line_device()
    with pytest.raises(ValueError, match="exact fidelity mode needs the device"):
        estimator.estimate(ghz_profile(2), device.calibration, (0, 1), 250e-6)


def test_generated_job_ids_are_identical_across_runs_in_one_process():
    data = small_config_data(
        cutting={"when": "no_fit", "method": "analytic"},
        hybrid={"classical": {"cpu": 2}, "programs": [{
            "count": 2, "mode": "job", "ansatz": {"family": "vqe", "qubits": 3}, "circuits_per_iteration": 2,
            "stopping": {"rule": "fixed", "iterations": 2}, "shots": 100,
        }]},
    )
    first = run(small_config(**data))
    second = run(small_config(**data))
    pd.testing.assert_frame_equal(first.jobs, second.jobs)
    assert (first.jobs["job_id"] >= 10**15).any(), "program jobs and fragments take generated ids"


class _SeedProbe(Scheduler):
    """Records the seed sequence the engine resets it with."""

    seen: list = []

    def reset(self, seed=None):
        _SeedProbe.seen.append(None if seed is None else tuple(seed.generate_state(2)))

    def decide(self, snapshot):
        return make_scheduler("fcfs").decide(snapshot)


def test_run_seed_reaches_the_scheduler():
    _SeedProbe.seen = []
    for seed in (1, 1, 2):
        sim = Simulation([line_device()], _SeedProbe(), [], Estimator(), streams=SeedStreams(seed))
        sim.run()
    assert _SeedProbe.seen[0] is not None
    assert _SeedProbe.seen[0] == _SeedProbe.seen[1] != _SeedProbe.seen[2]
    data = small_config_data(cutting={"when": "no_fit", "method": "analytic"}, scheduler={"name": "anneal"})
    a, b = run(small_config(**data), seed=5), run(small_config(**data), seed=5)
    pd.testing.assert_frame_equal(a.jobs, b.jobs)


def _pinned_jobs():
    return [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2), service_s=1000.0, pinned_device="a"),
        Job.new(id=1, arrival_s=1.0, profile=ghz_profile(2), service_s=10.0, pinned_device="a"),
        Job.new(id=2, arrival_s=2.0, profile=ghz_profile(2), service_s=10.0, pinned_device="b"),
    ]


@pytest.mark.parametrize("scheduler", ["fcfs", "fairshare", "sjf", "qsra", "least_loaded", "weighted"])
def test_pinned_job_never_waits_behind_another_devices_work(scheduler):
    devices = [line_device("a"), line_device("b")]
    waits = {}
    for topology in ("global", "per_device"):
        recorder = JobRecorder()
        sim = Simulation(devices, make_scheduler(scheduler), _pinned_jobs(), Estimator(), monitors=[recorder],
                         queues=topology)
        sim.run()
        waits[topology] = recorder.to_dataframe().set_index("job_id")["wait_s"]
    assert waits["per_device"][2] == 0.0
    if scheduler != "qsra":  # qsra multi-programs: job 1 shares device a with job 0
        assert waits["per_device"][1] == pytest.approx(999.0)
    if scheduler == "fcfs":  # the global head-of-line queue is what per-device queues fix
        assert waits["global"][2] == pytest.approx(998.0)


def test_replay_cli_exposes_scheduler_parameters(tmp_path):
    from typer.testing import CliRunner

    from qcloudsim.cli import app

    trace = tmp_path / "t.csv"
    trace.write_text(
        "job_id,submit_s,circuit,shots,recorded_device,recorded_run_s\n"
        "0,0,ghz_2,100,dev_a,1000\n1,1,ghz_2,100,dev_a,10\n2,2,ghz_2,100,dev_b,10\n"
    )
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, [
        "replay", str(trace), "--fleet", "ibm_perth,ibm_lagos", "--map-device", "dev_a=ibm_perth",
        "--map-device", "dev_b=ibm_lagos", "--runtime", "recorded", "--backfill", "--param", "backfill=false",
        "--queues", "global", "-o", str(out), "-q",
    ])
    assert result.exit_code == 0, result.output
    from qcloudsim.results.results import Results

    jobs = Results.read(out).jobs.set_index("job_id")
    assert jobs.loc[2, "wait_s"] == 0.0  # backfill lets job 2 pass the blocked head
    bad = runner.invoke(app, ["replay", str(trace), "--order", "nonsense", "-o", str(out), "-q"])
    assert bad.exit_code != 0 and "unknown order 'nonsense'" in bad.output


def test_horizon_counts_jobs_generated_after_it():
    data = small_config_data(horizon_s=20.0)
    results = run(small_config(**data))
    assert results.summary["jobs_after_horizon"] > 0
    assert len(results.jobs) + results.summary["jobs_after_horizon"] == 60
