"""The in-run reference of every benchmark: a bare SimPy M/M/c loop with one process per job.

Benchmarks time it in the same process as what they measure and report
ratios to it, since absolute rates vary by ±10-30 % on a shared machine.
:func:`best_of` keeps the fastest of several timings (taken before and after
the measured runs), so one slow timing does not skew every ratio.

Usage from a benchmark (scripts in this folder import it directly)::

    from reference import bare_simpy, best_of, ratios

    refs = [bare_simpy(jobs)]
    result = measure()
    refs.append(bare_simpy(jobs))
    reference = best_of(refs)
    result.update(ratios(result, reference))
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import simpy


def bare_simpy(jobs: int, servers: int = 10, seed: int = 1) -> dict:
    """Time an M/M/``servers`` queue at 80 % load with one SimPy process per job (the reference).

    Args:
        jobs: Jobs to simulate.
        servers: Servers (the benchmark fleets have 10 devices).
        seed: Seed of the inter-arrival and service draws.

    Returns:
        ``jobs``; ``wall_s`` and ``cpu_s`` (``time.process_time``) of the run in
        seconds; ``jobs_per_s`` and ``cpu_jobs_per_s``: jobs per second of wall
        and of CPU time.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    qpus = simpy.Resource(env, capacity=servers)
    gaps = rng.exponential(1.0, jobs)
    service = rng.exponential(servers * 0.8, jobs)

    def job(i):
        with qpus.request() as req:
            yield req
            yield env.timeout(service[i])

    def source():
        for i in range(jobs):
            yield env.timeout(gaps[i])
            env.process(job(i))

    env.process(source())
    wall0, cpu0 = time.perf_counter(), time.process_time()
    env.run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return rates(jobs, wall, cpu)


def rates(jobs: int, wall_s: float, cpu_s: float) -> dict:
    """``jobs``, ``wall_s``, ``cpu_s`` (s) and the rates ``jobs_per_s``, ``cpu_jobs_per_s`` (jobs/s)."""
    return {
        "jobs": jobs,
        "wall_s": round(wall_s, 3),
        "cpu_s": round(cpu_s, 3),
        "jobs_per_s": round(jobs / wall_s) if wall_s > 0 else float("inf"),
        "cpu_jobs_per_s": round(jobs / cpu_s) if cpu_s > 0 else float("inf"),
    }


def best_of(timings: Sequence[Mapping]) -> dict:
    """The fastest reference timing (by wall rate; its CPU rate is the fastest CPU rate), with all rates listed.

    Returns:
        The fastest timing plus ``timings_jobs_per_s`` and
        ``timings_cpu_jobs_per_s``: every timing's rates, in order.
    """
    best = dict(max(timings, key=lambda r: r["jobs_per_s"]))
    best["cpu_jobs_per_s"] = max(r["cpu_jobs_per_s"] for r in timings)
    best["timings_jobs_per_s"] = [r["jobs_per_s"] for r in timings]
    best["timings_cpu_jobs_per_s"] = [r["cpu_jobs_per_s"] for r in timings]
    return best


def ratios(result: Mapping, reference: Mapping) -> dict:
    """``ratio_to_bare_simpy`` (wall) and ``cpu_ratio_to_bare_simpy`` of ``result``'s rates to ``reference``'s."""
    return {
        "ratio_to_bare_simpy": round(result["jobs_per_s"] / reference["jobs_per_s"], 3),
        "cpu_ratio_to_bare_simpy": round(result["cpu_jobs_per_s"] / reference["cpu_jobs_per_s"], 3),
    }
