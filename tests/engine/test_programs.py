"""Hybrid programs in the engine: modes, timing, sessions, failures."""

from __future__ import annotations

import pytest

from qcloudsim.engine.dynamics import CalibrationCycle, DeviceDynamics
from qcloudsim.engine.simulation import Simulation
from qcloudsim.hybrid.program import FixedIterations, HybridProgram, SessionPolicy
from qcloudsim.models.estimator import Estimator
from qcloudsim.models.runtime import RuntimeParams
from qcloudsim.results.recorders import JobRecorder, ProgramRecorder, TimelineRecorder
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants


def simulate(programs, jobs=(), devices=None, dynamics=None, horizon_s=None, cpu=2):
    devices = devices or [line_device()]
    jobs_rec, prog_rec, timeline = JobRecorder(), ProgramRecorder(), TimelineRecorder(devices)
    sim = Simulation(devices, FCFSScheduler(), list(jobs), Estimator(RuntimeParams(per_job_overhead_s=1.0)),
                     monitors=[jobs_rec, prog_rec, timeline], programs=programs, classical={"cpu": cpu, "gpu": 0},
                     dynamics=dynamics, horizon_s=horizon_s)
    sim.run()
    return sim, prog_rec.to_dataframe(), jobs_rec.to_dataframe(), timeline.to_dataframe()


def program(mode, iterations=3, circuits=2, **kw):
    defaults = dict(classical_step_s=1.0, latency_s=0.1)
    defaults.update(kw)
    return HybridProgram("p", 0.0, ghz_profile(3), 1000, circuits, FixedIterations(iterations), mode=mode, **defaults)


def _runtime(sim, circuits):
    device = sim.qpus[0]
    region = sim.estimator.region(device.calibration, 3)
    est = sim.estimator.estimate(ghz_profile(3), device.calibration, region, device.device.rep_delay_s)
    return sim.estimator.runtime_s(est, 1000, circuits)


@pytest.mark.parametrize("mode", ["batch", "session"])
def test_idle_fleet_time_to_solution_is_hand_computable(mode):
    sim, programs, jobs, _ = simulate([program(mode)])
    row = programs.iloc[0]
    r = _runtime(sim, 2)
    assert row["status"] == "completed" and row["iterations"] == 3
    assert row["time_to_solution_s"] == pytest.approx(3 * (0.2 + r + 1.0))
    assert row["qpu_s"] == pytest.approx(3 * r) and row["queue_s"] == pytest.approx(0.0)
    assert row["network_s"] == pytest.approx(0.6) and row["classical_s"] == pytest.approx(3.0)
    parts = row[["queue_s", "qpu_s", "classical_s", "network_s"]].sum()
    assert parts == pytest.approx(row["time_to_solution_s"])
    if mode == "session":
        assert row["sessions"] == 1 and len(jobs) == 1
        # the session holds the QPU from its start to the program's end, idle outside its circuits
        assert row["session_idle_s"] == pytest.approx(row["time_to_solution_s"] - 0.1 - 3 * r)
    else:
        assert len(jobs) == 3 and (jobs["circuits"] == 2).all()


def test_job_mode_queues_every_circuit():
    sim, programs, jobs, _ = simulate([program("job", iterations=2, circuits=3)])
    assert len(jobs) == 6 and (jobs["circuits"] == 1).all()
    assert set(jobs["iteration"]) == {0, 1}
    r1 = _runtime(sim, 1)
    # one exclusive device: the 3 circuits of an iteration run back to back
    assert programs.iloc[0]["qpu_s"] == pytest.approx(2 * 3 * r1)


def test_session_blocks_other_jobs_unless_interleaving():
    background = [Job.new(id=i, arrival_s=0.5, profile=ghz_profile(2), shots=10) for i in range(2)]
    _, _, jobs, timeline = simulate([program("session", iterations=2)], jobs=background, devices=[line_device(n=6)])
    held = jobs[jobs["program_id"].isna()]
    session_end = jobs.loc[jobs["program_id"].notna(), "end_s"].item()
    assert (held["start_s"] >= session_end).all()
    check_invariants(jobs, timeline)
    interleaving = program("session", iterations=2, session=SessionPolicy(interleave=True))
    _, _, jobs2, timeline2 = simulate([interleaving], jobs=background, devices=[line_device(n=6)])
    others = jobs2[jobs2["program_id"].isna()]
    assert (others["start_s"] < jobs2.loc[jobs2["program_id"].notna(), "end_s"].item()).any()
    check_invariants(jobs2, timeline2)


def test_session_time_limit_renews_the_session():
    sim, programs, jobs, _ = simulate([program("session", iterations=4, session=SessionPolicy(time_limit_s=6.0))])
    row = programs.iloc[0]
    assert row["status"] == "completed" and row["sessions"] >= 2
    assert (jobs["run_s"] <= 6.0 + 1e-9).all()


def test_iteration_longer_than_session_fails_with_reason():
    _, programs, _, _ = simulate([program("session", session=SessionPolicy(time_limit_s=0.5))])
    row = programs.iloc[0]
    assert row["status"] == "failed" and "longer than its session time limit" in row["reason"]


def test_program_whose_jobs_cannot_fit_fails_with_reason():
    too_big = HybridProgram("big", 0.0, ghz_profile(9), 100, 1, FixedIterations(2), 1.0, mode="batch")
    _, programs, jobs, _ = simulate([too_big])
    assert programs.iloc[0]["status"] == "failed" and "rejected" in programs.iloc[0]["reason"]
    assert jobs.iloc[0]["status"] == "rejected"


def test_horizon_closes_running_programs():
    _, programs, _, _ = simulate([program("batch", iterations=100)], horizon_s=10.0)
    row = programs.iloc[0]
    assert row["status"] == "failed" and "horizon" in row["reason"] and row["end_s"] == 10.0


def test_session_longer_than_calibration_gap_is_rejected():
    dyn = {"line5": DeviceDynamics(calibration=CalibrationCycle(period_s=100, duration_s=10))}
    _, programs, jobs, _ = simulate([program("session", session=SessionPolicy(time_limit_s=500))], dynamics=dyn)
    assert programs.iloc[0]["status"] == "failed"
    assert "longer than the longest interval between planned downtimes" in jobs.iloc[0]["reason"]


def test_classical_pool_queues_steps():
    programs_ = [HybridProgram(f"p{i}", 0.0, ghz_profile(2), 10, 1, FixedIterations(1), 5.0, latency_s=0.0,
                               mode="session", session=SessionPolicy(interleave=True)) for i in range(2)]
    sim, programs, _, _ = simulate(programs_, cpu=1)
    assert programs["classical_wait_s"].max() == pytest.approx(5.0, abs=1.0)
    assert sim.pool.utilization(sim.now)["cpu"]["tasks"] == 2
