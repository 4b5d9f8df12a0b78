"""Policy levels: composition from YAML names, placement answers, per-device queues, every combination."""

from __future__ import annotations

import itertools

import pytest

from qcloudsim.schedulers.base import INFEASIBLE, WAIT, BestFidelityPlacement, PolicyScheduler
from qcloudsim.schedulers.levels import (
    MULTIPLEXING,
    ORDERS,
    PLACEMENTS,
    LevelError,
    compose,
    make_level,
)
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.schedulers.testing import make_snapshot
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants, simulate


def _job(i, n=2, **kw):
    return Job.new(id=i, arrival_s=float(i), profile=ghz_profile(n), shots=100, **kw)


def test_placement_answers_assign_wait_or_infeasible():
    a, b = line_device("a"), line_device("b")
    placement = BestFidelityPlacement()
    busy = make_snapshot([a, b], [_job(1)], running={"a": [(_job(0), (0, 1), 50.0)]}, down={"b"})
    assert placement.place(_job(1), busy) is WAIT
    assert placement.place(_job(2, n=7), busy) is INFEASIBLE  # no device has 7 qubits
    idle = make_snapshot([a, b], [_job(1)])
    answer = placement.place(_job(1), idle)
    assert answer.device == "a" and answer.quote is not None and answer.quote.qubits == answer.qubits


def test_infeasible_job_never_blocks_a_strict_queue():
    a = line_device("a")
    jobs = [_job(0, n=7), _job(1)]
    assignments = make_scheduler("fcfs").decide(make_snapshot([a], jobs))
    assert [x.job.id for x in assignments] == [1]


def test_per_device_queues_are_cut_separately_in_a_snapshot():
    a, b = line_device("a"), line_device("b")
    jobs = [_job(0, pinned_device="a"), _job(1, pinned_device="b")]
    running = {"a": [(_job(9), (0, 1), 99.0)]}
    one = make_snapshot([a, b], jobs, running=running)
    assert make_scheduler("fcfs").decide(one) == []  # strict FIFO: job 0 blocks job 1 on the global queue
    per = make_snapshot([a, b], [_job(0, pinned_device="a"), _job(1, pinned_device="b")], running=running,
                        queues="per_device")
    assert [x.job.id for x in make_scheduler("fcfs").decide(per)] == [1]


def test_compose_replaces_only_the_given_levels():
    sjf = make_scheduler("sjf")
    shared = compose(sjf, multiplexing="shared")
    assert isinstance(shared, PolicyScheduler) and not shared.exclusive
    assert type(shared.order_policy).__name__ == "ShortestJobFirstOrder" and shared.backfill is True
    fair = compose(None, order={"name": "fairshare", "allocations": {"a": 2}}, placement="least_loaded")
    assert fair.describe()["order"] == {"name": "fairshare", "allocations": {"a": 2.0}, "default_share": 1.0,
                                        "window_s": 28 * 86400.0}
    assert compose(sjf) is sjf
    with pytest.raises(LevelError, match="unknown order 'fairshar' \\(did you mean 'fairshare'"):
        make_level("order", "fairshar")
    with pytest.raises(LevelError, match="not built from policy levels"):
        compose(make_scheduler("greedy_finish"), multiplexing="shared")


def test_levels_from_yaml_config():
    from tests.helpers import small_config

    config = small_config(scheduler={"order": "fairshare", "placement": "fidelity", "multiplexing": "shared"})
    scheduler = config.scheduler.build()
    assert not scheduler.exclusive and scheduler.describe()["order"]["name"] == "fairshare"
    with pytest.raises(Exception, match="unknown placement 'best'"):
        small_config(scheduler={"placement": "best"})


@pytest.mark.parametrize(("order", "placement", "multiplexing"),
                         list(itertools.product(ORDERS, PLACEMENTS, MULTIPLEXING)))
def test_every_combination_of_levels_runs_under_the_invariants(order, placement, multiplexing):
    devices = [line_device("a", n=6), line_device("b", n=4)]
    jobs = [Job.new(id=i, arrival_s=0.3 * i, profile=ghz_profile(2 + i % 4), shots=500, group=f"g{i % 3}",
                    priority=i % 2, deadline_s=5.0 + i) for i in range(16)]
    for backfill in (False, True):
        scheduler = compose(None, order, placement, multiplexing, backfill)
        _, frame, timeline = simulate(devices, [j.revised() for j in jobs], scheduler=scheduler)
        assert len(frame) == 16 and (frame["status"] == "completed").all()
        check_invariants(frame, timeline)


def test_custom_scheduler_classes_are_recorded_by_their_import_path():
    from qcloudsim.schedulers.base import Scheduler
    from qcloudsim.schedulers.fcfs import FCFSScheduler
    from qcloudsim.schedulers.levels import compose

    class Mine(Scheduler):
        def decide(self, snapshot):
            return []

    class MyFCFS(FCFSScheduler):
        pass

    here = f"{__name__}:test_custom_scheduler_classes_are_recorded_by_their_import_path.<locals>"
    assert Mine().describe() == {"name": f"{here}.Mine"}
    assert MyFCFS().describe()["name"] == f"{here}.MyFCFS"  # not the inherited "fcfs"
    assert FCFSScheduler().describe()["name"] == "fcfs"
    assert compose(MyFCFS(), order="sjf").describe()["name"] == f"{here}.MyFCFS"
    assert compose(None, order="sjf").describe()["name"] == "composed"


@pytest.mark.parametrize("name, params, message", [
    ("anneal", {"iterations": 10**30}, "iterations must be an integer in"),
    ("anneal", {"initial_temperature": -5}, "initial_temperature must be a number in"),
    ("anneal", {"window": 10**9}, "window must be an integer in"),
    ("greedy_finish", {"fidelity_weight": 1e300}, "fidelity_weight must be a number in"),
    ("qsra", {"qubit_weight": 1e30}, "qubit_weight must be a number in"),
])
def test_scheduler_parameters_have_upper_bounds(name, params, message):
    from qcloudsim.schedulers.registry import make_scheduler

    with pytest.raises(ValueError, match=message):
        make_scheduler(name, **params)
