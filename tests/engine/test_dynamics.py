"""Devices over time: calibration cycles, outages, drift, history replay, crosstalk."""

from __future__ import annotations

import dataclasses

import pytest

from qcloudsim.engine.dynamics import CalibrationCycle, DeviceDynamics, HistoryReplay, Outages
from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.crosstalk import CrosstalkParams
from qcloudsim.models.drift import DriftParams
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import CalibrationRecorder, JobRecorder, TimelineRecorder
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device, make_calibration
from tests.engine.test_simulation import check_invariants


def simulate(devices, jobs, dynamics, scheduler=None, seed=0, crosstalk=None, horizon_s=None):
    recorder, timeline, cals = JobRecorder(), TimelineRecorder(devices), CalibrationRecorder(devices)
    sim = Simulation(devices, scheduler or FCFSScheduler(), jobs, Estimator(crosstalk=crosstalk),
                     monitors=[recorder, timeline, cals], dynamics=dynamics, streams=SeedStreams(seed),
                     horizon_s=horizon_s)
    sim.run()
    return sim, recorder.to_dataframe(), timeline.to_dataframe(), cals.to_dataframe()


def fixed_jobs(count, service_s, arrival_s=0.0, size=2):
    return [Job.new(id=i, arrival_s=arrival_s, profile=ghz_profile(size), service_s=service_s) for i in range(count)]


def intervals(timeline, state):
    rows = timeline[timeline["state"] == state]
    return [tuple(r) for r in rows[["start_s", "end_s"]].to_numpy().tolist()]


def test_calibration_cycle_drains_running_jobs():
    cycle = CalibrationCycle(period_s=100, duration_s=20)
    _, frame, timeline, _ = simulate([line_device()], fixed_jobs(4, 30.0), {"line5": DeviceDynamics(calibration=cycle)})
    # 0-30, 30-60, 60-90; the 4th would run past 100, so it waits for the calibration to end
    assert frame["start_s"].tolist() == [0.0, 30.0, 60.0, 120.0]
    assert intervals(timeline, "calibrating") == [(100.0, 120.0)]
    assert frame["interruptions"].sum() == 0
    check_invariants(frame, timeline, {"line5": [(100.0, 120.0)]})


@pytest.mark.parametrize("policy", ["requeue", "fail"])
def test_calibration_cuts_running_jobs_when_configured(policy):
    cycle = CalibrationCycle(period_s=100, duration_s=20, on_running=policy)
    sim, frame, timeline, _ = simulate([line_device()], fixed_jobs(4, 30.0),
                                       {"line5": DeviceDynamics(calibration=cycle)})
    last = frame.loc[3]
    assert last["interruptions"] == 1
    if policy == "requeue":
        assert (last["status"], last["start_s"], last["end_s"]) == ("completed", 120.0, 150.0)
    else:
        assert last["status"] == "failed" and "interrupted by calibration of line5 at 100.000 s" in last["reason"]
    check_invariants(frame, timeline, {"line5": [(100.0, 120.0)]})


def test_job_longer_than_every_calibration_gap_is_rejected():
    cycle = CalibrationCycle(period_s=100, duration_s=20)
    _, frame, _, _ = simulate([line_device()], fixed_jobs(1, 90.0), {"line5": DeviceDynamics(calibration=cycle)})
    assert frame.loc[0, "status"] == "rejected"
    assert "longer than the longest interval between planned downtimes (80 s)" in frame.loc[0, "reason"]


def test_outages_requeue_jobs_deterministically():
    dyn = {"line5": DeviceDynamics(outages=Outages(mtbf_s=60.0, mttr_s=15.0))}
    jobs = lambda: fixed_jobs(20, 20.0)  # noqa: E731
    _, a, timeline, _ = simulate([line_device()], jobs(), dyn, seed=4)
    _, b, _, _ = simulate([line_device()], jobs(), dyn, seed=4)
    _, c, _, _ = simulate([line_device()], jobs(), dyn, seed=5)
    assert a.equals(b) and not a.equals(c)
    assert (a["status"] == "completed").all() and a["interruptions"].sum() > 0
    down = intervals(timeline, "down")
    assert down, "outages appear on the timeline"
    check_invariants(a, timeline, {"line5": down})


def test_drift_changes_fidelity_and_recalibration_resets():
    drift = DriftParams(step_s=50.0, error_trend_per_h=20.0, error_volatility_per_sqrt_h=0.0,
                        coherence_volatility_per_sqrt_h=0.0, recalibration_scatter=0.0)
    dyn = {"line5": DeviceDynamics(calibration=CalibrationCycle(period_s=400, duration_s=10), drift=drift)}
    jobs = [Job.new(id=i, arrival_s=t, profile=ghz_profile(3), shots=100)
            for i, t in enumerate((0.0, 120.0, 300.0, 420.0))]
    _, frame, _, cals = simulate([line_device()], jobs, dyn)
    f = frame["fidelity"].tolist()
    # errors grow with a deterministic trend, so fidelity falls until the recalibration at 400 s
    assert f[0] > f[1] > f[2]
    assert f[3] == pytest.approx(f[0])
    assert len(cals) > 5 and cals["mean_error_2q"].iloc[-2] > cals["mean_error_2q"].iloc[0]


def test_history_replay_switches_calibration_with_downtime():
    good = make_calibration(5, [(0, 1), (1, 2), (2, 3), (3, 4)], e2=1e-3)
    bad = make_calibration(5, [(0, 1), (1, 2), (2, 3), (3, 4)], e2=5e-2)
    history = HistoryReplay(snapshots=[(0.0, good), (100.0, bad)], time_scale=0.5, downtime_s=5.0)
    jobs = [Job.new(id=0, arrival_s=10.0, profile=ghz_profile(3), shots=10),
            Job.new(id=1, arrival_s=60.0, profile=ghz_profile(3), shots=10)]
    _, frame, timeline, cals = simulate([line_device()], jobs, {"line5": DeviceDynamics(history=history)})
    assert frame.loc[0, "fidelity"] > frame.loc[1, "fidelity"]
    assert intervals(timeline, "calibrating") == [(45.0, 50.0)]
    assert cals["time_s"].tolist() == [0.0, 50.0]


def test_crosstalk_lowers_fidelity_of_neighbouring_jobs_and_can_be_switched_off():
    device = line_device("line6", n=6)
    jobs = lambda: [Job.new(id=i, arrival_s=0.0, profile=ghz_profile(3), service_s=10.0) for i in range(2)]  # noqa: E731
    mp = lambda: FCFSScheduler(multiprogramming=True)  # noqa: E731
    _, on, timeline, _ = simulate([device], jobs(), {}, scheduler=mp(), crosstalk=CrosstalkParams(kappa=1.0))
    _, off, _, _ = simulate([device], jobs(), {}, scheduler=mp(), crosstalk=CrosstalkParams(enabled=False))
    assert on["start_s"].tolist() == [0.0, 0.0]  # co-located
    assert not set(on.loc[0, "qubits"]) & set(on.loc[1, "qubits"])
    assert (on["fidelity"] < off["fidelity"]).all()
    assert timeline["busy_qubits"].max() == 6
    check_invariants(on, timeline)


def test_dynamics_validation():
    with pytest.raises(ValueError, match="shorter than period_s"):
        CalibrationCycle(period_s=10, duration_s=8, jitter_s=2)
    with pytest.raises(ValueError, match="either a calibration cycle or a recorded history"):
        cal = make_calibration(2, [(0, 1)])
        DeviceDynamics(calibration=CalibrationCycle(100, 10), history=HistoryReplay([(0.0, cal)]))
    with pytest.raises(ValueError, match="on_running"):
        Outages(mtbf_s=1, mttr_s=1, on_running="drain")
    with pytest.raises(ValueError, match="maintenance window"):
        DeviceDynamics(maintenance=((5.0, 1.0),))
    assert dataclasses.replace(CalibrationCycle(100, 10, jitter_s=5)).shortest_gap_s == 80
