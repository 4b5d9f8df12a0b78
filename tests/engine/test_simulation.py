from __future__ import annotations

import math

import pandas as pd
import pytest

from qcloudsim.engine.simulation import SchedulingError, Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.models.runtime import RuntimeParams
from qcloudsim.results.recorders import JobRecorder, TimelineRecorder
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.schedulers.snapshot import Assignment, Snapshot
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device

PER_SHOT = 250e-6  # the rep delay dominates; see per_shot() for the exact value


def simulate(devices, jobs, scheduler=None, downtime=None, horizon_s=None, overhead=1.0):
    recorder = JobRecorder()
    timeline = TimelineRecorder(devices)
    sim = Simulation(
        devices, scheduler or FCFSScheduler(), jobs,
        Estimator(RuntimeParams(per_job_overhead_s=overhead)),
        monitors=[recorder, timeline], downtime=downtime, horizon_s=horizon_s,
    )
    sim.run()
    return sim, recorder.to_dataframe(), timeline.to_dataframe()


def jobs_of(sizes_and_arrivals, shots=1000):
    return [Job.new(id=i, arrival_s=t, profile=ghz_profile(n), shots=shots)
            for i, (n, t) in enumerate(sizes_and_arrivals)]


def test_fcfs_hand_computed_single_device():
    device = line_device()
    jobs = jobs_of([(3, 0.0), (2, 0.5), (2, 0.6)])
    sim, frame, _ = simulate([device], jobs)
    runtimes = [1.0 + 1000 * (sim.estimator.estimate(j.profile, device.calibration, j.qubits, 250e-6).shot_s)
                for j in jobs]
    # strict FCFS on one exclusive device: back to back in arrival order
    assert frame["start_s"].tolist() == pytest.approx([0.0, runtimes[0], runtimes[0] + runtimes[1]])
    assert frame["end_s"].tolist() == pytest.approx(
        [runtimes[0], runtimes[0] + runtimes[1], sum(runtimes)]
    )
    assert frame["wait_s"].tolist() == pytest.approx([0.0, runtimes[0] - 0.5, runtimes[0] + runtimes[1] - 0.6])
    assert set(frame["status"]) == {"completed"}
    # 1000 shots of a few µs circuit + 250 µs delay plus 1 s overhead: about 1.25 s
    assert 1.25 < runtimes[0] < 1.26


def test_best_fidelity_device_is_chosen():
    good = line_device("good", e2=1e-3)
    bad = line_device("bad", e2=5e-2)
    _, frame, _ = simulate([bad, good], jobs_of([(3, 0.0), (3, 0.1)]))
    # the first job takes the better device, the second the only free one
    assert frame["device"].tolist() == ["good", "bad"]
    assert frame["fidelity"][0] > frame["fidelity"][1]


def test_too_large_job_is_rejected_with_reason():
    _, frame, _ = simulate([line_device()], jobs_of([(7, 0.0), (2, 1.0)]))
    rejected = frame[frame["status"] == "rejected"]
    assert rejected["job_id"].tolist() == [0]
    assert "needs 7 connected qubits" in rejected["reason"].iloc[0]
    assert frame.loc[1, "status"] == "completed"


def test_horizon_fails_unfinished_jobs_with_reason():
    _, frame, _ = simulate([line_device()], jobs_of([(2, 0.0), (2, 0.1), (2, 0.2)]), horizon_s=1.5)
    assert frame["status"].tolist() == ["completed", "failed", "failed"]
    assert "still running" in frame.loc[1, "reason"]
    assert "still waiting" in frame.loc[2, "reason"]


def test_downtime_nothing_runs_and_jobs_wait():
    device = line_device()
    jobs = jobs_of([(2, 0.0), (2, 0.2)])
    _, frame, timeline = simulate([device], jobs, downtime={"line5": [(1.0, 10.0)]})
    # job 0 ends before 1.0? It takes ~1.25 s, so it must wait until the window ends
    assert frame["start_s"].min() >= 10.0
    down = timeline[timeline["state"] == "down"]
    assert down[["start_s", "end_s"]].values.tolist() == [[1.0, 10.0]]
    check_invariants(frame, timeline, {"line5": [(1.0, 10.0)]})


def test_unsorted_arrivals_raise():
    jobs = jobs_of([(2, 1.0), (2, 0.5)])
    with pytest.raises(ValueError, match="sorted by arrival"):
        simulate([line_device()], jobs)


class _Greedy(Scheduler):
    """Assigns the head job to qubits given at construction, for error tests."""

    def __init__(self, qubits, device="line5", exclusive=True):
        self.qubits, self.device, self.exclusive = qubits, device, exclusive

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        head = snapshot.queue.head()
        return [Assignment(head, self.device, self.qubits)] if head else []


@pytest.mark.parametrize(
    ("qubits", "device", "message"),
    [
        ((0, 2), "line5", "not connected"),
        ((0,), "line5", "needs 2 qubits"),
        ((0, 9), "line5", "outside"),
        ((0, 1), "nope", "unknown device"),
    ],
)
def test_bad_assignments_raise(qubits, device, message):
    with pytest.raises(SchedulingError, match=message):
        simulate([line_device()], jobs_of([(2, 0.0)]), scheduler=_Greedy(qubits, device))


class _DoubleBooker(Scheduler):
    exclusive = False

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        return [Assignment(job, "line5", (0, 1)) for job in snapshot.queue]


def test_double_booking_is_refused():
    with pytest.raises(RuntimeError, match="already held"):
        simulate([line_device()], jobs_of([(2, 0.0), (2, 0.0)]), scheduler=_DoubleBooker())


def check_invariants(frame: pd.DataFrame, timeline: pd.DataFrame, downtime=None) -> None:
    """Invariants every run must satisfy (used by the scheduler suite too)."""
    assert frame["job_id"].is_unique
    assert set(frame["status"]) <= {"completed", "rejected", "failed"}
    not_done = frame[frame["status"] != "completed"]
    assert (not_done["reason"].str.len() > 0).all(), "every job not completed has a reason"
    done = frame[frame["status"] == "completed"]
    assert (done["start_s"] >= done["arrival_s"]).all()
    assert (done["end_s"] >= done["start_s"]).all()
    # no qubit held by two jobs at once
    ran = frame[frame["start_s"].notna()]
    for device, group in ran.groupby("device"):
        events = []
        for row in group.itertuples():
            for q in row.qubits:
                events.append((q, row.start_s, row.end_s))
        events.sort()
        for (q1, _, e1), (q2, s2, _) in zip(events, events[1:], strict=False):
            if q1 == q2:
                assert s2 >= e1 - 1e-9, f"qubit {q1} on {device} held twice"
    # nothing runs during downtime
    for device, windows in (downtime or {}).items():
        runs = ran[ran["device"] == device]
        for start, end in windows:
            overlap = (runs["start_s"] < end) & (runs["end_s"] > start)
            assert not overlap.any(), f"{device} ran a job during downtime {start}-{end}"
    # timeline intervals per device do not overlap and busy qubits fit the device
    for _, group in timeline.groupby("device"):
        assert (group["start_s"].iloc[1:].to_numpy() >= group["end_s"].iloc[:-1].to_numpy() - 1e-9).all()
        assert (group["busy_qubits"] <= group["num_qubits"]).all()
    assert not math.isnan(frame["end_s"].max())


def test_fixed_service_time_and_pinned_device():
    a, b = line_device("a"), line_device("b", e2=1e-4)
    jobs = [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2), service_s=7.0, pinned_device="a"),
        Job.new(id=1, arrival_s=0.0, profile=ghz_profile(2), pinned_device="zz"),
        Job.new(id=2, arrival_s=0.0, profile=ghz_profile(6), pinned_device="a"),
    ]
    _, frame, _ = simulate([a, b], jobs)
    # job 0 would prefer the better device b, but it is pinned to a, and runs exactly 7 s
    assert frame.loc[0, "device"] == "a" and frame.loc[0, "run_s"] == pytest.approx(7.0)
    assert frame.loc[1, "status"] == "rejected" and "not in the fleet" in frame.loc[1, "reason"]
    assert frame.loc[2, "status"] == "rejected" and "pinned device a has 5" in frame.loc[2, "reason"]
