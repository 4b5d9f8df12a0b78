"""Cut circuits in the engine: fragments, shot splits, reconstruction, failures."""

from __future__ import annotations

import math

import pytest

from qcloudsim.cutting.reconstruction import reconstruction_time_s
from qcloudsim.engine.cutting import CuttingPolicy
from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import FragmentRecorder, JobRecorder, TimelineRecorder
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants


def simulate(jobs, policy, scheduler="fcfs", devices=None, horizon_s=None, **params):
    devices = devices or [line_device("a"), line_device("b")]
    recorder, fragments, timeline = JobRecorder(), FragmentRecorder(), TimelineRecorder(devices)
    sim = Simulation(devices, make_scheduler(scheduler, **params), jobs, Estimator(),
                     monitors=[recorder, fragments, timeline], cutting=policy, horizon_s=horizon_s)
    sim.run()
    return sim, recorder.to_dataframe(), fragments.to_dataframe(), timeline.to_dataframe()


def wide(job_id=0, n=9, arrival=0.0, shots=100, deadline=None):
    return Job.new(id=job_id, arrival_s=arrival, profile=ghz_profile(n), shots=shots, deadline_s=deadline)


def test_no_fit_cuts_a_too_wide_job_and_completes_the_parent_after_reconstruction():
    policy = CuttingPolicy(when="no_fit", method="analytic")
    sim, jobs, frags, timeline = simulate([wide()], policy)
    parent = jobs.iloc[0]
    assert parent["status"] == "completed" and parent["device"].startswith("cut:")
    assert len(frags) == 2 and set(frags["parent_id"]) == {0}
    # a 9-qubit chain cut to fit 5-qubit lines: one gate cut, overhead 9, every fragment runs 9x the shots
    assert set(frags["shots"]) == {900}
    from qcloudsim.engine.cutting import make_plan

    plan = make_plan(wide(), 5, policy)
    assert parent["end_s"] == pytest.approx(frags["end_s"].max() + reconstruction_time_s(plan, 100))
    assert parent["start_s"] == frags["start_s"].min()
    assert 0 < parent["fidelity"] < frags["fidelity"].min()
    check_invariants(frags, timeline)


def test_never_rejects_and_overhead_limit_rejects_with_reason():
    _, jobs, frags, _ = simulate([wide()], CuttingPolicy(when="never"))
    assert jobs.iloc[0]["status"] == "rejected" and frags.empty
    _, jobs, _, _ = simulate([wide(n=14)], CuttingPolicy(when="no_fit", method="analytic", max_overhead=10))
    row = jobs.iloc[0]
    assert (row["status"] == "rejected" and "cannot be cut" in row["reason"]
            and "exceeds the configured maximum" in row["reason"])


def test_faster_cuts_a_job_that_fits_only_on_a_busy_device():
    big, small_a, small_b = line_device("big", n=8), line_device("s1", n=4), line_device("s2", n=4)
    blocker = Job.new(id=1, arrival_s=0.0, profile=ghz_profile(8), service_s=500.0)
    job = Job.new(id=2, arrival_s=1.0, profile=ghz_profile(6), shots=100)
    _, jobs, frags, _ = simulate([blocker, job], CuttingPolicy(when="faster", method="analytic"),
                                 devices=[big, small_a, small_b])
    cut = jobs[jobs["job_id"] == 2].iloc[0]
    assert cut["device"].startswith("cut:") and cut["end_s"] < 500.0
    _, jobs2, _, _ = simulate([blocker, job], CuttingPolicy(when="no_fit", method="analytic"),
                              devices=[big, small_a, small_b])
    assert jobs2[jobs2["job_id"] == 2].iloc[0]["start_s"] >= 500.0  # without cutting it waits for "big"


def test_annealing_splits_shots_across_devices_when_that_meets_a_deadline():
    jobs_ = [wide(shots=20000, deadline=45.0)]
    _, jobs, frags, timeline = simulate(jobs_, CuttingPolicy(when="no_fit", method="analytic"),
                                        scheduler="anneal",
                                        devices=[line_device("a"), line_device("b"), line_device("c")],
                                        iterations=3000)
    assert jobs.iloc[0]["status"] == "completed"
    assert len(frags) > 2, "some fragment ran as several shot pieces"
    assert frags.groupby("fragment")["shots"].sum().tolist() == [180000, 180000]
    assert jobs.iloc[0]["end_s"] <= 45.0, "the split meets the deadline no whole placement meets"
    check_invariants(frags, timeline)


def test_horizon_fails_an_unfinished_cut_job():
    _, jobs, _, _ = simulate([wide(shots=5000)], CuttingPolicy(when="no_fit", method="analytic"), horizon_s=2.0)
    row = jobs.iloc[0]
    assert row["status"] == "failed" and "horizon" in row["reason"]
    assert not math.isnan(row["end_s"])
