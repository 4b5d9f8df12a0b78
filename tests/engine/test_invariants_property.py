"""Property test: engine invariants hold for random workloads, fleets and downtime."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
        Job(id=i, arrival_s=a, profile=ghz_profile(draw(st.integers(2, 9))),
            shots=draw(st.sampled_from([10, 1000, 8000])), circuits=draw(st.integers(1, 3)))
        for i, a in enumerate(arrivals)
    ]
    downtime = {}
    for device in devices:
        if draw(st.booleans()):
            start = draw(st.floats(0.0, 20.0))
            downtime[device.name] = [(start, start + draw(st.floats(0.5, 15.0)))]
    backfill = draw(st.booleans())
    horizon = draw(st.one_of(st.none(), st.floats(5.0, 60.0)))
    return devices, jobs, downtime, backfill, horizon


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants(scenario):
    devices, jobs, downtime, backfill, horizon = scenario
    recorder = JobRecorder()
    timeline = TimelineRecorder(devices)
    sim = Simulation(devices, FCFSScheduler(backfill=backfill), jobs, Estimator(),
                     monitors=[recorder, timeline], downtime=downtime, horizon_s=horizon)
    sim.run()
    frame = recorder.to_dataframe()
    submitted = sum(1 for j in jobs if horizon is None or j.arrival_s <= horizon)
    assert len(frame) == sim.submitted == submitted, "every submitted job has exactly one row"
    check_invariants(frame, timeline.to_dataframe(), downtime)
    largest = max(d.num_qubits for d in devices)
    too_big = frame[frame["num_qubits"] > largest]
    assert (too_big["status"] == "rejected").all()
    if horizon is None:
        fits = frame[frame["num_qubits"] <= largest]
        assert (fits["status"] == "completed").all()
