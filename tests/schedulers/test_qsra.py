"""QSRA: quantum HRRN order, spread-out regions on a shared QPU, merging by end time."""

from __future__ import annotations

import pytest

from qcloudsim.schedulers.qsra import QSRAScheduler, SpreadPlacement
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device, make_calibration
from tests.engine.test_simulation import check_invariants, simulate


def _job(i, n, service, arrival=0.0):
    return Job.new(id=i, arrival_s=arrival, profile=ghz_profile(n), service_s=service)


def test_is_multiprogramming():
    assert make_scheduler("qsra").exclusive is False


def test_co_located_jobs_get_disjoint_non_adjacent_regions():
    # qubit sets are compared sorted: the layout order inside a region is the region model's
    # uniform 10-qubit line: the first region is (0, 1, 2) (lowest root among equals);
    # the second avoids the buffer ring {3} around it
    jobs = [_job(0, 3, 5.0), _job(1, 3, 5.0)]
    _, frame, timeline = simulate([line_device("line10", n=10)], jobs, scheduler=QSRAScheduler())
    assert frame["start_s"].tolist() == [0.0, 0.0]
    assert frame["qubits"].map(sorted).tolist() == [[0, 1, 2], [4, 5, 6]]
    check_invariants(frame, timeline)


def test_falls_back_to_adjacent_region_when_no_buffer_fits():
    jobs = [_job(0, 3, 5.0), _job(1, 3, 5.0)]
    _, frame, _ = simulate([line_device("line6", n=6)], jobs, scheduler=QSRAScheduler())
    assert frame["start_s"].tolist() == [0.0, 0.0]
    assert frame["qubits"].map(sorted).tolist() == [[0, 1, 2], [3, 4, 5]]


def test_merges_programs_with_similar_end_times():
    # at t=0 (all response ratios 1, FIFO): job 0 (10 s) -> a (both idle, fleet order);
    # job 1 (3 s): a ends at 10, far from 3 -> the idle device b;
    # job 2 (9.5 s): |10 - 9.5| <= 0.25 * 9.5 -> merged onto a, away from job 0's qubits;
    # job 3 (3 s): b ends at 3 -> merged onto b
    jobs = [_job(0, 2, 10.0), _job(1, 2, 3.0), _job(2, 2, 9.5), _job(3, 2, 3.0)]
    _, frame, timeline = simulate([line_device("a"), line_device("b")], jobs, scheduler=QSRAScheduler())
    assert frame["device"].tolist() == ["a", "b", "a", "b"]
    assert frame["start_s"].tolist() == [0.0] * 4
    assert frame["qubits"].map(sorted).tolist()[:3] == [[0, 1], [0, 1], [3, 4]]
    check_invariants(frame, timeline)


def test_merge_tolerance_zero_spreads_instead():
    jobs = [_job(0, 2, 10.0), _job(1, 2, 3.0), _job(2, 2, 9.5)]
    scheduler = QSRAScheduler(merge_tolerance=0.0)
    _, frame, _ = simulate([line_device("a"), line_device("b")], jobs, scheduler=scheduler)
    # no match: job 2 goes to a busy device of the better score; both equal -> fleet order
    assert frame["device"].tolist() == ["a", "b", "a"]


@pytest.mark.parametrize(("qubit_weight", "first", "starts"),
                         [(1.0, 1, {1: 10.0, 2: 14.0}), (0.0, 2, {2: 10.0, 1: 12.0})])
def test_quantum_hrrn_order(qubit_weight, first, starts):
    # job 0 fills the 5-qubit device until t=10; at t=10 both waited 9 s:
    # job 1: 2 qubits, 4 s; job 2: 5 qubits, 2 s.
    # beta=1: R1 = 1 + 9/(4*2) = 2.125 > R2 = 1 + 9/(2*5) = 1.9 -> job 1 first, job 2 waits for room
    # beta=0 (classic HRRN): R1 = 3.25 < R2 = 5.5 -> job 2 first
    jobs = [_job(0, 5, 10.0), _job(1, 2, 4.0, 1.0), _job(2, 5, 2.0, 1.0)]
    _, frame, _ = simulate([line_device()], jobs, scheduler=QSRAScheduler(qubit_weight=qubit_weight))
    assert dict(zip(frame["job_id"][1:], frame["start_s"][1:], strict=True)) == starts
    assert frame.sort_values(["start_s", "job_id"])["job_id"].tolist()[1] == first


def test_region_score_formula():
    calibration = make_calibration(5, [(i, i + 1) for i in range(4)])
    placement = SpreadPlacement(adjacency_penalty=0.1, degree_penalty=0.05)
    mean_degree = 8 / 5
    # (0, 1): mean degree 1.5 < 1.6, no busy neighbour
    assert placement.region_score(calibration, (0, 1), 0.9, ()) == pytest.approx(
        0.9 - 0.05 * (1 - 1.5 / mean_degree)
    )
    # (2, 3): degree 2 (no sparse penalty), qubit 3 touches busy qubit 4
    assert placement.region_score(calibration, (2, 3), 0.9, {4}) == pytest.approx(0.9 - 0.1 * 0.5)


@pytest.mark.parametrize("name", ["qubit_weight", "adjacency_penalty", "degree_penalty", "merge_tolerance"])
def test_invalid_parameters(name):
    with pytest.raises(ValueError, match=rf"qsra: {name} must be a number in \[0, 1e\+06\]"):
        make_scheduler("qsra", **{name: -1})
