"""Placement baselines: least loaded, best fidelity, weighted fidelity/wait."""

from __future__ import annotations

import pytest

from qcloudsim.schedulers.placement import (
    FidelityScheduler,
    LeastLoadedScheduler,
    WeightedScheduler,
)
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants, simulate


def _jobs(arrivals, service=10.0, n=2):
    return [Job.new(id=i, arrival_s=t, profile=ghz_profile(n), service_s=service) for i, t in enumerate(arrivals)]


def _fleet():
    # 'bad' is first in the fleet and has worse two-qubit gates
    return [line_device("bad", e2=5e-2), line_device("good", e2=1e-3)]


def test_least_loaded_prefers_most_free_qubits_then_index():
    small, big = line_device("small", n=3), line_device("big", e2=5e-2)
    _, frame, timeline = simulate([small, big], _jobs([0.0, 0.1, 0.2]), scheduler=LeastLoadedScheduler())
    # job 0: both idle, big has 5 free qubits > 3 (despite its worse fidelity);
    # job 1: only small is free; job 2: waits for the first device to free (big at t=10)
    assert frame["device"].tolist() == ["big", "small", "big"]
    assert frame["start_s"].tolist() == [0.0, 0.1, 10.0]
    check_invariants(frame, timeline)
    # equal devices: fleet order
    _, frame, _ = simulate([line_device("x"), line_device("y")], _jobs([0.0]), scheduler=LeastLoadedScheduler())
    assert frame["device"].tolist() == ["x"]


def test_fidelity_is_fcfs_best_fidelity():
    _, frame, _ = simulate(_fleet(), _jobs([0.0, 1.0]), scheduler=FidelityScheduler())
    assert frame["device"].tolist() == ["good", "bad"]
    assert frame["start_s"].tolist() == [0.0, 1.0]


def test_weighted_w1_matches_best_fidelity_when_devices_are_idle():
    jobs = _jobs([0.0, 20.0, 40.0], service=5.0)
    _, by_fidelity, _ = simulate(_fleet(), jobs, scheduler=FidelityScheduler())
    _, weighted, _ = simulate(_fleet(), _jobs([0.0, 20.0, 40.0], service=5.0), scheduler=WeightedScheduler(1.0))
    assert weighted[["device", "start_s"]].equals(by_fidelity[["device", "start_s"]])
    assert weighted["device"].tolist() == ["good"] * 3


def test_weighted_w1_waits_for_the_better_busy_device():
    _, frame, timeline = simulate(_fleet(), _jobs([0.0, 1.0]), scheduler=WeightedScheduler(1.0))
    # job 1 waits 9 s for 'good' instead of starting on 'bad' at t=1; the completion at t=10
    # triggers the round that starts it (no deadlock)
    assert frame["device"].tolist() == ["good", "good"]
    assert frame["start_s"].tolist() == [0.0, 10.0]
    check_invariants(frame, timeline)


def test_weighted_w0_takes_the_least_wait():
    _, frame, _ = simulate(_fleet(), _jobs([0.0, 1.0]), scheduler=WeightedScheduler(0.0))
    # job 0: both idle (wait 0), tie broken by fidelity -> good; job 1: bad now beats good in 9 s
    assert frame["device"].tolist() == ["good", "bad"]
    assert frame["start_s"].tolist() == [0.0, 1.0]


def test_weighted_middle_weight_does_not_wait_for_a_small_gain():
    # w=0.5: good scores 0.5*F_good - 0.5*1, bad 0.5*F_bad; fidelities differ by far less than 1
    _, frame, _ = simulate(_fleet(), _jobs([0.0, 1.0]), scheduler=WeightedScheduler(0.5))
    assert frame["device"].tolist() == ["good", "bad"]


def test_weighted_never_waits_into_a_downtime():
    # good is busy until 10 and goes down at 12: a 10 s job cannot run there after the busy job,
    # so it is no candidate for waiting and job 1 starts on bad at once
    _, frame, timeline = simulate(
        _fleet(), _jobs([0.0, 1.0]), scheduler=WeightedScheduler(1.0), downtime={"good": [(12.0, 100.0)]}
    )
    assert frame["device"].tolist() == ["good", "bad"]
    assert frame["start_s"].tolist() == [0.0, 1.0]
    check_invariants(frame, timeline, {"good": [(12.0, 100.0)]})


def test_weighted_does_not_wait_for_a_down_device():
    # good is down 0-5: job 0 goes to bad rather than waiting for good to come back
    _, frame, _ = simulate(_fleet(), _jobs([0.0]), scheduler=WeightedScheduler(1.0), downtime={"good": [(0.0, 5.0)]})
    assert frame["device"].tolist() == ["bad"]
    assert frame["start_s"].tolist() == [0.0]


@pytest.mark.parametrize("value", [-0.1, 1.5, "high", True, float("nan")])
def test_weighted_rejects_bad_weights(value):
    with pytest.raises(ValueError, match=r"fidelity_weight must be a number in \[0, 1\]"):
        make_scheduler("weighted", fidelity_weight=value)


@pytest.mark.parametrize("name", ["least_loaded", "fidelity", "weighted"])
def test_registered_with_strict_fifo_by_default(name):
    scheduler = make_scheduler(name)
    assert scheduler.backfill is False and scheduler.exclusive is True
    assert make_scheduler(name, backfill=True).backfill is True
