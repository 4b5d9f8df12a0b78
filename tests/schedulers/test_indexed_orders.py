"""Indexed queue orders: per-round work does not grow with the queue (counted, not timed)."""

from __future__ import annotations

import pytest

from qcloudsim.schedulers import fairshare as fairshare_module
from qcloudsim.schedulers.base import BestFidelityPlacement, PolicyScheduler
from qcloudsim.schedulers.fairshare import FairShareOrder
from qcloudsim.schedulers.ordering import (
    EarliestDeadlineOrder,
    PriorityOrder,
    ShortestJobFirstOrder,
)
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import simulate


def _backlog(n: int) -> list[Job]:
    """``n`` jobs arriving at once on a fleet that serves one at a time: a standing queue."""
    return [
        Job.new(id=i, arrival_s=0.0, profile=ghz_profile(2 + i % 3), service_s=1.0 + (i * 7919) % 5,
                priority=i % 4, deadline_s=100.0 + (i * 104729) % 1000, group=f"g{i % 3}/p{i % 2}")
        for i in range(n)
    ]


@pytest.mark.parametrize("order_cls", [ShortestJobFirstOrder, PriorityOrder, EarliestDeadlineOrder])
def test_each_job_is_keyed_once_not_once_per_round(order_cls):
    calls = 0

    class Counting(order_cls):  # type: ignore[valid-type,misc]
        def key(self, job, snapshot):
            nonlocal calls
            calls += 1
            return super().key(job, snapshot)

    n = 400
    scheduler = PolicyScheduler(Counting(), BestFidelityPlacement(), backfill=False)
    _, frame, _ = simulate([line_device()], _backlog(n), scheduler=scheduler)
    assert (frame["status"] == "completed").all()
    # the unindexed order keyed the whole queue every round: about n * n / 2 = 80,000 calls
    assert calls == n


def test_indexed_order_matches_a_full_sort_every_round():
    jobs = _backlog(200)
    reference = PolicyScheduler(PriorityOrder(), BestFidelityPlacement())
    reference.order_policy.indexed = False
    _, full, _ = simulate([line_device(), line_device("b")], [j.revised() for j in jobs], scheduler=reference)
    _, indexed, _ = simulate([line_device(), line_device("b")], jobs, scheduler=PolicyScheduler(
        PriorityOrder(), BestFidelityPlacement()))
    assert full[["job_id", "start_s", "device"]].equals(indexed[["job_id", "start_s", "device"]])


def test_fair_share_buckets_each_job_once(monkeypatch):
    calls = 0
    original = fairshare_module.split_group

    def counting(path):
        nonlocal calls
        calls += 1
        return original(path)

    monkeypatch.setattr(fairshare_module, "split_group", counting)
    n = 400
    scheduler = PolicyScheduler(FairShareOrder(allocations={"g0": 2}), BestFidelityPlacement())
    _, frame, _ = simulate([line_device()], _backlog(n), scheduler=scheduler)
    assert (frame["status"] == "completed").all()
    assert calls <= 2 * n  # bucketed once on arrival (and once per charge), not once per round
