"""Property test: engine invariants hold for random workloads, fleets and downtime."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcloudsim.engine.dynamics import CalibrationCycle, DeviceDynamics, Outages
from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import JobRecorder, TimelineRecorder
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants


@st.composite
def scenarios(draw):
    sizes = draw(st.lists(st.integers(2, 8), min_size=1, max_size=3))
    devices = [line_device(f"d{i}", n=n) for i, n in enumerate(sizes)]
    gaps = draw(st.lists(st.floats(0.0, 3.0), min_size=1, max_size=25))
    arrivals, t = [], 0.0
    for gap in gaps:
        t += gap
        arrivals.append(t)
    jobs = [
        Job.new(id=i, arrival_s=a, profile=ghz_profile(draw(st.integers(2, 9))),
            shots=draw(st.sampled_from([10, 1000, 8000])), circuits=draw(st.integers(1, 3)))
        for i, a in enumerate(arrivals)
    ]
    downtime = {}
    for device in devices:
        if draw(st.booleans()):
            start = draw(st.floats(0.0, 20.0))
            downtime[device.name] = [(start, start + draw(st.floats(0.5, 15.0)))]
    dynamics = {}
    for device in devices:
        cycle = outages = None
        if draw(st.booleans()):
            cycle = CalibrationCycle(period_s=draw(st.floats(20.0, 60.0)), duration_s=draw(st.floats(1.0, 5.0)),
                                     on_running=draw(st.sampled_from(["drain", "requeue", "fail"])))
        if draw(st.booleans()):
            outages = Outages(mtbf_s=draw(st.floats(10.0, 100.0)), mttr_s=draw(st.floats(1.0, 10.0)),
                              on_running=draw(st.sampled_from(["requeue", "fail"])))
        windows = tuple(downtime.get(device.name, ()))
        dynamics[device.name] = DeviceDynamics(maintenance=windows, calibration=cycle, outages=outages)
    backfill = draw(st.booleans())
    multiprogramming = draw(st.booleans())
    horizon = draw(st.one_of(st.none(), st.floats(5.0, 60.0)))
    return devices, jobs, dynamics, backfill, multiprogramming, horizon


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants(scenario):
    devices, jobs, dynamics, backfill, multiprogramming, horizon = scenario
    recorder = JobRecorder()
    timeline = TimelineRecorder(devices)
    scheduler = FCFSScheduler(backfill=backfill, multiprogramming=multiprogramming)
    sim = Simulation(devices, scheduler, jobs, Estimator(), monitors=[recorder, timeline],
                     dynamics=dynamics, horizon_s=horizon)
    sim.run()
    frame = recorder.to_dataframe()
    submitted = sum(1 for j in jobs if horizon is None or j.arrival_s < horizon)
    assert len(frame) == sim.submitted == submitted, "every submitted job has exactly one row"
    table = timeline.to_dataframe()
    unavailable = {
        name: [tuple(r) for r in group[["start_s", "end_s"]].to_numpy().tolist()]
        for name, group in table[table["state"].isin(["down", "calibrating"])].groupby("device")
    }
    check_invariants(frame, table, unavailable)
    largest = max(d.num_qubits for d in devices)
    too_big = frame[frame["num_qubits"] > largest]
    assert (too_big["status"] == "rejected").all()
    if horizon is None:
        fits = frame[frame["num_qubits"] <= largest]
        assert fits["status"].isin(["completed", "rejected", "failed"]).all()
        cut = fits[fits["status"] == "failed"]
        assert cut["reason"].str.startswith("interrupted by").all()
