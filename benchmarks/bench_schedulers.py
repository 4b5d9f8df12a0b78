"""Per-job cost of every registered scheduler under a standing backlog, at two sizes.

Every registered scheduler runs the same overloaded workload (arrivals
faster than the fleet can serve, so the queue grows to tens of thousands of
jobs) at ``--small`` and ``--large`` jobs. The figure is microseconds of
simulation per job; a scheduler whose per-round cost does not depend on the
queue length has a large/small ratio near 1 (the performance issue's target
is at most 1.2). Schedulers built for few jobs get settings that keep a run
short without changing what they compute per round: ``anneal`` runs 50
iterations per round, and ``drl`` runs the shipped policy on the 4-device
fleet it was trained for. Times are CPU seconds (``time.process_time``);
the bare SimPy M/M/c reference (:mod:`reference`, 4 servers like the
fleet) is timed at the large size before and after, and every scheduler's
large-size rate is also given as a ratio to it.

Usage::

    python benchmarks/bench_schedulers.py                    # 10,000 and 100,000 jobs
    python benchmarks/bench_schedulers.py --small 2000 --large 20000 --only sjf,fcfs
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from reference import bare_simpy, best_of

from qcloudsim.circuits.families import family_profile
from qcloudsim.devices.catalog import load_catalog
from qcloudsim.devices.device import Device
from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.schedulers.registry import make_scheduler, scheduler_names
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.synthetic import MixEntry, UserSpec, poisson_jobs

ROOT = Path(__file__).resolve().parents[1]
FLEET = ("ibm_torino", "ibm_kyiv", "ibm_perth", "ibm_lagos")
FAMILIES = ("ghz", "qft", "vqe")
PARAMS = {
    "anneal": {"iterations": 50},
    "drl": {"checkpoint": str(ROOT / "policies" / "rl_small" / "policy.zip")},
}
USERS = [UserSpec("a", "physics"), UserSpec("b", "chemistry"), UserSpec("c", "ml/vision")]


def fleet() -> list[Device]:
    catalog = load_catalog()
    return [catalog.get(name) for name in FLEET]


def run_once(scheduler: str, jobs: int, rate_per_s: float = 4.0, seed: int = 1) -> float:
    """CPU seconds to simulate ``jobs`` jobs under ``scheduler``."""
    devices = fleet()
    mix = [MixEntry(1.0, tuple(range(3, 7)), lambda n, f=f: family_profile(f, n)) for f in FAMILIES]
    workload = poisson_jobs(
        jobs, rate_per_s, mix, shots=[1000, 4000], circuits=[1, 2], users=USERS, streams=SeedStreams(seed),
        priorities=[0, 1, 2], deadline_slack_s=(100.0, 10_000.0),
    )
    sim = Simulation(devices, make_scheduler(scheduler, **PARAMS.get(scheduler, {})), workload, Estimator())
    start = time.process_time()
    sim.run()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--only", default="", help="comma-separated scheduler names (default: every registered one)")
    args = parser.parse_args(argv)
    names = [n for n in scheduler_names() if not args.only or n in args.only.split(",")]
    report: dict = {}
    references = [bare_simpy(args.large, servers=len(FLEET))]
    for name in names:
        run_once(name, 300)  # warm caches (profiles, regions, policy load)
        small = run_once(name, args.small)
        large = run_once(name, args.large)
        us_small, us_large = 1e6 * small / args.small, 1e6 * large / args.large
        report[name] = {
            "us_per_job_small": round(us_small, 1), "us_per_job_large": round(us_large, 1),
            "large_over_small": round(us_large / us_small, 2),
        }
        print(f"{name:14s} {us_small:9.1f} us/job at {args.small:>7,}  {us_large:9.1f} us/job at {args.large:>7,}"
              f"  ratio {us_large / us_small:5.2f}", file=sys.stderr, flush=True)
    references.append(bare_simpy(args.large, servers=len(FLEET)))
    reference = best_of(references)
    reference_us = 1e6 / reference["cpu_jobs_per_s"]
    for value in report.values():
        value["ratio_to_bare_simpy"] = round(reference_us / value["us_per_job_large"], 3)
    report["bare_simpy_us_per_job"] = round(reference_us, 2)
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
