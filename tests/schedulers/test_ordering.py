"""SJF, priority and EDF orders on hand-computed single-device scenarios."""

from __future__ import annotations

import pytest

from qcloudsim.schedulers.ordering import (
    EDFScheduler,
    PriorityScheduler,
    ShortestJobFirstOrder,
    SJFScheduler,
    reference_runtime_s,
)
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants, simulate


def _backlog(**fields):
    """Job 0 holds the only device for 10 s; jobs 1-3 arrive at 1, 2, 3 s and queue.

    Service times: job 1 = 5 s, job 2 = 1 s, job 3 = 3 s. ``fields`` maps a
    field name to the values for jobs 1-3.
    """
    services = [10.0, 5.0, 1.0, 3.0]
    jobs = []
    for i, service in enumerate(services):
        extra = {k: v[i - 1] for k, v in fields.items()} if i else {}
        jobs.append(Job.new(id=i, arrival_s=float(i), profile=ghz_profile(2), service_s=service, **extra))
    return jobs


def _starts(frame):
    return dict(zip(frame["job_id"], frame["start_s"], strict=True))


def test_sjf_hand_computed():
    _, frame, timeline = simulate([line_device()], _backlog(), scheduler=SJFScheduler())
    # at t=10 the queue holds jobs 1 (5 s), 2 (1 s), 3 (3 s): shortest first
    assert _starts(frame) == {0: 0.0, 1: 14.0, 2: 10.0, 3: 11.0}
    check_invariants(frame, timeline)


def test_priority_hand_computed_fifo_ties():
    jobs = _backlog(priority=[5, 0, 5])
    _, frame, _ = simulate([line_device()], jobs, scheduler=PriorityScheduler())
    # jobs 1 and 3 share priority 5: FIFO between them, job 2 (priority 0) last
    assert _starts(frame) == {0: 0.0, 1: 10.0, 3: 15.0, 2: 18.0}


def test_edf_hand_computed_no_deadline_last():
    jobs = _backlog(deadline_s=[None, 100.0, 50.0])
    _, frame, _ = simulate([line_device()], jobs, scheduler=EDFScheduler())
    assert _starts(frame) == {0: 0.0, 3: 10.0, 2: 13.0, 1: 14.0}


def test_sjf_uses_the_runtime_model_without_service_time():
    device = line_device()
    jobs = [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2), service_s=10.0),
        Job.new(id=1, arrival_s=1.0, profile=ghz_profile(2), shots=4000),
        Job.new(id=2, arrival_s=2.0, profile=ghz_profile(2), shots=100),
    ]
    sim, frame, _ = simulate([device], jobs, scheduler=SJFScheduler())
    assert frame.loc[2, "start_s"] == pytest.approx(10.0)
    assert frame.loc[1, "start_s"] == pytest.approx(frame.loc[2, "end_s"])


@pytest.mark.parametrize(("backfill", "start_of_job_2"), [(True, 2.0), (False, 10.0)])
def test_backfill_lets_a_small_job_overtake(backfill, start_of_job_2):
    big, small = line_device("big"), line_device("small", n=3)
    jobs = [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(5), service_s=10.0),
        Job.new(id=1, arrival_s=1.0, profile=ghz_profile(5), service_s=1.0),  # shortest, fits only 'big'
        Job.new(id=2, arrival_s=2.0, profile=ghz_profile(2), service_s=4.0),
    ]
    _, frame, _ = simulate([big, small], jobs, scheduler=SJFScheduler(backfill=backfill))
    assert frame.loc[2, "start_s"] == start_of_job_2
    assert frame.loc[2, "device"] == "small"
    assert frame.loc[1, "start_s"] == 10.0


def test_reference_runtime_prefers_service_time_and_is_occupancy_free():
    from qcloudsim.schedulers.testing import make_snapshot

    device = line_device()
    fixed = Job.new(id=0, arrival_s=0.0, profile=ghz_profile(3), service_s=7.5)
    modelled = Job.new(id=1, arrival_s=0.0, profile=ghz_profile(3), shots=1000)
    snapshot = make_snapshot([device], [fixed, modelled])
    assert reference_runtime_s(fixed, snapshot) == 7.5
    expected = snapshot.runtime_s(modelled, snapshot.estimate(modelled, snapshot.devices[0]))
    assert reference_runtime_s(modelled, snapshot) == pytest.approx(expected)
    # default 3 s overhead + 1000 shots of ~0.25 ms: about 3.25 s, shorter than 7.5 s
    assert expected < 7.5
    assert list(ShortestJobFirstOrder().order(snapshot)) == [modelled, fixed]
    busy = make_snapshot([device], [modelled], running={device.name: [(fixed, (0, 1, 2), 50.0)]}, exclusive=False)
    assert reference_runtime_s(modelled, busy) == pytest.approx(expected)  # occupancy does not change it


@pytest.mark.parametrize("name", ["sjf", "priority", "edf"])
def test_backfill_defaults_true_and_is_validated(name):
    assert make_scheduler(name).backfill is True
    assert make_scheduler(name, backfill=False).describe()["backfill"] is False
    with pytest.raises(ValueError, match="backfill must be true or false"):
        make_scheduler(name, backfill="yes")
