"""Time one annealing placement decision: 20 jobs x <= 8 fragments on 10 QPUs.

Run: ``python benchmarks/bench_annealing.py`` (seeded; prints a table).
The default budget (``DEFAULT_ITERATIONS``) must decide in under 1 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from qcloudsim.cutting.annealing import (
    DEFAULT_ITERATIONS,
    FragmentSpec,
    JobSpec,
    Problem,
    greedy_agnostic,
    greedy_earliest_finish,
    simulated_annealing,
)


def make_instance(seed: int = 0, jobs: int = 20, max_fragments: int = 8, qpus: int = 10) -> Problem:
    """A random but seeded instance: per-shot times 0.1-2 ms, setups 1-5 s, deadlines 0.5-3x work."""
    rng = np.random.default_rng(seed)
    widths = rng.choice([27, 65, 127, 133, 156], size=qpus)
    speed = rng.uniform(0.6, 1.6, size=qpus)
    quality = rng.uniform(0.85, 0.99, size=qpus)
    available = rng.uniform(0.0, 60.0, size=qpus)
    specs = []
    for j in range(jobs):
        frags = []
        work = 0.0
        for _ in range(int(rng.integers(1, max_fragments + 1))):
            width = int(rng.integers(5, 100))
            shots = int(rng.integers(1_000, 40_000))
            base = rng.uniform(1e-4, 2e-3)
            rps = np.where(widths >= width, base * speed, np.inf)
            frags.append(
                FragmentSpec(
                    shots=shots,
                    runtime_per_shot_s=tuple(rps),
                    setup_s=tuple(rng.uniform(1.0, 5.0, size=qpus)),
                    fidelity=tuple(quality ** rng.uniform(1, 5)),
                    width=width,
                )
            )
            work += shots * base
        deadline = float(rng.uniform(0.5, 3.0) * work + rng.uniform(0, 60))
        specs.append(
            JobSpec(id=j, fragments=tuple(frags), deadline_s=deadline, reconstruction_s=float(rng.uniform(0.1, 5)))
        )
    return Problem(now_s=0.0, jobs=tuple(specs), available_at_s=tuple(available))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="instances to average over")
    parser.add_argument("--budgets", type=int, nargs="*", default=[500, 2000, DEFAULT_ITERATIONS, 10000])
    args = parser.parse_args()
    rows = []
    for budget in args.budgets:
        times, met, span, g_met, g_span, a_met = [], [], [], [], [], []
        for seed in range(args.seeds):
            problem = make_instance(seed)
            greedy = greedy_earliest_finish(problem)
            agnostic = greedy_agnostic(problem)
            t0 = time.perf_counter()
            sol = simulated_annealing(problem, iterations=budget, seed=seed)
            times.append(time.perf_counter() - t0)
            met.append(sol.deadlines_met)
            span.append(sol.makespan_s)
            g_met.append(greedy.deadlines_met)
            g_span.append(greedy.makespan_s)
            a_met.append(agnostic.deadlines_met)
        rows.append((budget, np.mean(times), np.max(times), np.mean(met), np.mean(g_met), np.mean(a_met),
                     np.mean(span), np.mean(g_span)))
    frags = sum(problem.num_fragments for problem in [make_instance(s) for s in range(args.seeds)]) / args.seeds
    print(f"instance: 20 jobs, {frags:.1f} fragments on average, 10 QPUs; {args.seeds} seeds")
    print("iters | mean s | max s | met SA | met greedy-EFT | met agnostic | makespan SA s | makespan greedy s")
    for r in rows:
        print(f"{r[0]:5d} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.1f} | {r[6]:.1f} | {r[7]:.1f}")
    default = [r for r in rows if r[0] == DEFAULT_ITERATIONS]
    if default and default[0][2] >= 1.0:
        raise SystemExit(f"default budget took {default[0][2]:.3f} s > 1 s")


if __name__ == "__main__":
    main()
