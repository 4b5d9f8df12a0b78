"""Simulated-annealing placement of fragments and its greedy baselines."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qcloudsim.cutting.annealing import (
    FragmentSpec,
    JobSpec,
    Problem,
    greedy_agnostic,
    greedy_earliest_finish,
    simulated_annealing,
)


def random_problem(seed: int, jobs: int = 4, qpus: int = 3) -> Problem:
    rng = np.random.default_rng(seed)
    specs = []
    for j in range(jobs):
        frags = []
        for _ in range(int(rng.integers(1, 4))):
            rps = rng.uniform(1e-3, 1e-2, size=qpus)
            rps[rng.random(qpus) < 0.2] = np.inf
            rps[int(rng.integers(qpus))] = rng.uniform(1e-3, 1e-2)
            frags.append(
                FragmentSpec(
                    shots=int(rng.integers(1, 2000)),
                    runtime_per_shot_s=tuple(rps),
                    setup_s=tuple(rng.uniform(0, 2, size=qpus)),
                    fidelity=tuple(rng.uniform(0.5, 1, size=qpus)),
                )
            )
        specs.append(JobSpec(j, tuple(frags), float(rng.uniform(1, 30)), float(rng.uniform(0, 1))))
    return Problem(0.0, tuple(specs), tuple(rng.uniform(0, 5, size=qpus)))


def test_zero_iterations_is_greedy() -> None:
    problem = random_problem(1)
    sa = simulated_annealing(problem, iterations=0, seed=3)
    greedy = greedy_earliest_finish(problem)
    assert sa.assignments == greedy.assignments and sa.score == greedy.score
    assert sa.iterations_run == 0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0, 1))
def test_never_worse_than_greedy(seed: int, weight: float) -> None:
    problem = random_problem(seed)
    greedy = greedy_earliest_finish(problem, fidelity_weight=weight)
    sa = simulated_annealing(problem, iterations=200, seed=seed, fidelity_weight=weight)
    assert sa.score >= greedy.score - 1e-12
    assert sa.deadlines_met >= greedy.deadlines_met
    for j, job in enumerate(problem.jobs):
        for f, frag in enumerate(job.fragments):
            pieces = [p for p in sa.assignments if p.job_id == job.id and p.fragment == f]
            assert sum(p.shots for p in pieces) == frag.shots
            assert all(math.isfinite(frag.runtime_per_shot_s[p.qpu]) for p in pieces)
        assert sa.job_finish_s[j] >= max(p.end_s for p in sa.assignments if p.job_id == job.id)


def test_pieces_do_not_overlap_on_a_qpu() -> None:
    problem = random_problem(7, jobs=6)
    sa = simulated_annealing(problem, iterations=500, seed=0)
    for q in range(problem.num_qpus):
        pieces = [p for p in sa.assignments if p.qpu == q]
        for a, b in zip(pieces, pieces[1:], strict=False):
            assert a.end_s <= b.start_s + 1e-9
        if pieces:
            assert pieces[0].start_s >= problem.available_at_s[q] - 1e-9


def test_deterministic_with_seed() -> None:
    problem = random_problem(5, jobs=6)
    a = simulated_annealing(problem, iterations=400, seed=11)
    b = simulated_annealing(problem, iterations=400, seed=11)
    assert a == b


def test_split_meets_deadline_no_whole_placement_meets() -> None:
    # 100 shots at 0.1 s/shot on either of two identical QPUs, setup 1 s.
    # Whole on one QPU: 1 + 10 = 11 s > 7 s. Split 50/50: 1 + 5 = 6 s <= 7 s.
    frag = FragmentSpec(100, (0.1, 0.1), (1.0, 1.0), (0.9, 0.9))
    problem = Problem(0.0, (JobSpec("j", (frag,), deadline_s=7.0),), (0.0, 0.0))
    assert greedy_earliest_finish(problem).deadlines_met == 0
    assert greedy_agnostic(problem).deadlines_met == 0
    sa = simulated_annealing(problem, iterations=300, seed=0)
    assert sa.deadlines_met == 1
    assert {p.qpu for p in sa.assignments} == {0, 1}
    assert sa.job_finish_s[0] <= 7.0


def test_infeasible_deadline_reported() -> None:
    frag = FragmentSpec(10, (1.0,), (0.0,), (1.0,))
    problem = Problem(
        5.0,
        (JobSpec("late", (frag,), deadline_s=6.0), JobSpec("ok", (frag,), deadline_s=100.0)),
        (0.0,),
    )
    sa = simulated_annealing(problem, iterations=200, seed=0)
    assert sa.deadlines_met == 1
    assert len(sa.assignments) == 2
    assert math.isclose(sa.makespan_s, 20.0)


def test_min_fidelity_counts_as_miss() -> None:
    frag = FragmentSpec(10, (0.1, 0.1), (0.0, 0.0), (0.5, 0.95))
    problem = Problem(0.0, (JobSpec("j", (frag,)),), (0.0, 0.0))
    sa = simulated_annealing(problem, iterations=200, seed=0, min_fidelity=0.9)
    assert sa.deadlines_met == 1 and sa.mean_fidelity >= 0.9
