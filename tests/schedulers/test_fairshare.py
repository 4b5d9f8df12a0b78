"""Fair-share: hand-computed interleaving, hierarchy, convergence to the shares, window expiry."""

from __future__ import annotations

import pytest

from qcloudsim.schedulers.fairshare import DAY_S, FairShareScheduler, UsageLedger, split_group
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants, simulate


def _jobs(groups, service=1.0, arrival=0.0):
    return [
        Job.new(id=i, arrival_s=arrival, profile=ghz_profile(2), service_s=service, group=g)
        for i, g in enumerate(groups)
    ]


def _groups_in_start_order(frame):
    return frame.sort_values(["start_s", "job_id"])["group"].tolist()


def test_split_group():
    assert split_group("physics/alpha") == ("physics", "alpha")
    assert split_group("physics") == ("physics", "")
    assert split_group("a/b/c") == ("a", "b/c")


def test_three_to_one_hand_computed():
    # all jobs queued at t=0 (a's first), 1 s each, one device.
    # ratios usage/share: a:3, b:1; ties go to the group whose oldest job is older (a)
    # t0 a(1/3) t1 b(1) t2 a(2/3) t3 a(1) t4 tie->a(4/3) t5 b(2) t6 a t7 a t8 tie->a t9 b
    scheduler = FairShareScheduler(allocations={"a": 3, "b": 1})
    _, frame, timeline = simulate([line_device()], _jobs(["a"] * 8 + ["b"] * 4), scheduler=scheduler)
    assert _groups_in_start_order(frame)[:10] == ["a", "b", "a", "a", "a", "b", "a", "a", "a", "b"]
    assert frame["start_s"].sort_values().tolist() == [float(t) for t in range(12)]
    check_invariants(frame, timeline)
    assert scheduler.usage_by_group(12.0) == {"a": 8.0, "b": 4.0}


def test_hierarchy_group_then_project_hand_computed():
    groups = ["phys/alpha"] * 4 + ["phys/beta"] * 4 + ["chem"] * 4
    scheduler = FairShareScheduler(allocations={"phys": 1, "chem": 1, "phys/alpha": 1, "phys/beta": 3})
    _, frame, _ = simulate([line_device()], _jobs(groups), scheduler=scheduler)
    assert _groups_in_start_order(frame) == [
        "phys/alpha", "chem", "phys/beta", "chem", "phys/beta", "chem",
        "phys/beta", "chem", "phys/alpha", "phys/beta", "phys/alpha", "phys/alpha",
    ]


def test_no_usage_means_fifo():
    groups = ["x", "y", "y", "x", "z"]
    _, frame, _ = simulate([line_device()], _jobs(groups), scheduler=FairShareScheduler())
    # equal shares: x, y, then z (usage 0, oldest job 4) before x/y (usage 1)
    assert _groups_in_start_order(frame) == ["x", "y", "z", "y", "x"]


def test_qpu_time_converges_to_allocations_with_backlog():
    # two devices, a backlog of both groups with different job lengths
    groups = ["a", "b"] * 120
    jobs = [
        Job.new(id=i, arrival_s=0.01 * i, profile=ghz_profile(2), service_s=1.0 if g == "a" else 3.0, group=g)
        for i, g in enumerate(groups)
    ]
    scheduler = FairShareScheduler(allocations={"a": 3, "b": 1})
    _, frame, timeline = simulate([line_device("d0"), line_device("d1")], jobs, scheduler=scheduler)
    check_invariants(frame, timeline)
    # both groups still have a backlog until a's 120 s of work is done (about t = 80 s)
    early = frame[frame["start_s"] < 60.0]
    used = early.groupby("group")["run_s"].sum()
    assert used["a"] / used["b"] == pytest.approx(3.0, rel=0.1)


def _expiry_jobs():
    # a's first job holds the device 0-10 s; a's and b's next jobs queue at t=1 (a first)
    return [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2), service_s=10.0, group="a"),
        Job.new(id=1, arrival_s=1.0, profile=ghz_profile(2), service_s=2.0, group="a"),
        Job.new(id=2, arrival_s=1.0, profile=ghz_profile(2), service_s=3.0, group="b"),
    ]


def test_usage_inside_the_window_delays_the_heavy_group():
    _, frame, _ = simulate([line_device()], _expiry_jobs(), scheduler=FairShareScheduler())
    # a has used 10 s in the (28-day) window, b nothing: b goes first at t=10
    assert frame["start_s"].tolist() == [0.0, 13.0, 10.0]


def test_window_expiry():
    scheduler = FairShareScheduler(window_s=5.0)
    _, frame, _ = simulate([line_device()], _expiry_jobs(), scheduler=scheduler)
    # at t=10 a's charge from t=0 has left the 5 s window: tie -> FIFO -> a first
    assert frame["start_s"].tolist() == [0.0, 10.0, 12.0]
    assert scheduler.usage_by_group(12.0) == {"a": 2.0, "b": 3.0}
    assert scheduler.usage_by_group(15.0) == {"b": 3.0}  # charge at 10 expires at 10 + 5
    assert scheduler.usage_by_group(17.0) == {}
    scheduler.reset()
    assert scheduler.usage_by_group(0.0) == {}


def test_ledger_expiry_is_exact():
    ledger = UsageLedger(window_s=10.0)
    ledger.charge(0.0, "g", "p", 0.1)
    ledger.charge(1.0, "g", "q", 0.2)
    ledger.expire(10.0)
    assert ledger.project_usage("g", "p") == 0.0
    assert ledger.group_usage("g") == pytest.approx(0.2)
    ledger.expire(11.0)
    assert ledger.by_group() == {} and ledger.project_usage("g", "q") == 0.0


def test_defaults_and_describe():
    scheduler = make_scheduler("fairshare", allocations={"a": 2})
    assert scheduler.window_s == 28 * DAY_S
    assert scheduler.describe()["allocations"] == {"a": 2.0}
    assert scheduler.backfill is True


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"allocations": {"a": 0}}, r"allocations\['a'\] must be a finite number > 0"),
        ({"allocations": {"a": "lots"}}, "must be a finite number > 0"),
        ({"allocations": {"a/b/c": 1}}, "must be 'group' or 'group/project'"),
        ({"default_share": -1}, "default_share must be"),
        ({"window_s": 0}, "window_s must be a number > 0"),
    ],
)
def test_invalid_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        make_scheduler("fairshare", **params)
