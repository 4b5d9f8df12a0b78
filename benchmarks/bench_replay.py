"""Trace replay throughput: canonical Parquet trace -> validated chunks -> jobs -> engine.

Scenario: a synthetic canonical trace (Poisson arrivals at 1.5 jobs/s, about
70 % load on the fleet; half the rows name a circuit family ``ghz/qft/qaoa/
vqe/random/wstate`` of 3-7 qubits, half carry only sizes and get a
synthesised profile; recorded queue/run times and backend present) is
written as Parquet to a temporary directory, then streamed with
``read_table`` (100,000-row chunks) and ``jobs_from_table`` into a
``Simulation`` with the 10-device fleet of ``bench_engine.py``, FCFS, the
analytic ``Estimator`` and ``JobRecorder`` + ``TimelineRecorder``. Each size
runs in a fresh subprocess so its peak RSS (``resource.getrusage``) is its
own (``VmHWM``). The timing covers reading, validation, job building and simulation
(not writing the trace, not building the result DataFrame).

Usage::

    python benchmarks/bench_replay.py                      # 10k, 100k, 1M jobs
    python benchmarks/bench_replay.py --sizes 10000 100000
    python benchmarks/bench_replay.py --profile 100000     # cProfile top 25
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

FLEET = [
    "ibm_brisbane", "ibm_torino", "ibm_kyiv", "ibm_sherbrooke", "ibm_osaka",
    "ibm_algiers", "ibm_cairo", "ibm_hanoi", "ibm_perth", "ibm_lagos",
]
FAMILIES = ("ghz", "qft", "qaoa", "vqe", "random", "wstate")


def make_trace(jobs: int, path: Path, seed: int = 1, rate_per_s: float = 1.5) -> None:
    """Write a synthetic canonical trace of ``jobs`` rows to ``path`` (Parquet)."""
    from qcloudsim.traces.table import write_table

    rng = np.random.default_rng(seed)
    submit = np.cumsum(rng.exponential(1.0 / rate_per_s, jobs))
    qubits = rng.integers(3, 8, jobs)
    family = np.asarray(FAMILIES)[rng.integers(0, len(FAMILIES), jobs)]
    named = rng.random(jobs) < 0.5
    circuit = np.where(named, np.char.add(np.char.add(family, "_"), qubits.astype(str)), None)
    depth = qubits * rng.integers(2, 6, jobs)
    frame = pd.DataFrame({
        "job_id": np.arange(jobs, dtype=np.int64),
        "submit_s": submit,
        "user": np.asarray(["alice", "bob", "carol", "dave"])[rng.integers(0, 4, jobs)],
        "group": "default",
        "circuit": circuit,
        "num_qubits": qubits,
        "depth": depth,
        "num_2q_gates": depth * (qubits // 2) // 2,
        "shots": rng.choice([1000, 4000], jobs),
        "circuits": rng.choice([1, 2], jobs),
        "recorded_queue_s": rng.exponential(30.0, jobs),
        "recorded_run_s": rng.exponential(4.0, jobs),
        "recorded_device": np.asarray(FLEET)[rng.integers(0, len(FLEET), jobs)],
        "recorded_status": "DONE",
    })
    write_table(frame, path)


def peak_rss_mb() -> float:
    """Peak RSS of this process (MB): ``VmHWM`` on Linux, else ``getrusage`` (which
    on Linux would include the peak of the parent that forked this process)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024.0
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def replay(path: Path) -> dict:
    """Replay the trace at ``path``; return timing figures."""
    from qcloudsim.devices.catalog import load_catalog
    from qcloudsim.engine.simulation import Simulation
    from qcloudsim.models.estimator import Estimator
    from qcloudsim.results.recorders import JobRecorder, TimelineRecorder
    from qcloudsim.schedulers.registry import make_scheduler
    from qcloudsim.traces.replay import ReplayOptions, jobs_from_table
    from qcloudsim.traces.table import read_table

    catalog = load_catalog()
    devices = [catalog.get(n) for n in FLEET]
    recorder = JobRecorder()
    reader = read_table(path, chunksize=100_000)
    workload = jobs_from_table(reader, ReplayOptions())
    sim = Simulation(devices, make_scheduler("fcfs"), workload, Estimator(),
                     monitors=[recorder, TimelineRecorder(devices)])
    start = time.perf_counter()
    sim.run()
    wall = time.perf_counter() - start
    jobs = len(recorder)
    return {
        "jobs": jobs,
        "wall_s": round(wall, 2),
        "jobs_per_s": round(jobs / wall),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "skipped": reader.report.skipped,
    }


def child(path: Path, profile: bool = False) -> dict:
    """Replay one trace in this process (its peak RSS is the replay's alone)."""
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        result = prof.runcall(replay, path)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    else:
        result = replay(path)
    result["trace_mb"] = round(path.stat().st_size / 1e6, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, help="cProfile one size in this process")
    args = parser.parse_args(argv)
    if args.make:
        make_trace(int(args.make[0]), Path(args.make[1]))
        return 0
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            path = Path(tmp) / "trace.parquet"
            make_trace(args.profile, path)
            print(json.dumps(child(path, profile=True)))
            return 0
        for size in args.sizes:
            path = Path(tmp) / f"trace_{size}.parquet"
            # generate and replay in separate processes: peak RSS is the replay's own
            subprocess.run([sys.executable, __file__, "--make", str(size), str(path)], check=True)
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], check=True,
                                 capture_output=True, text=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), file=sys.stderr)
            path.unlink()
    json.dump({"replay": results}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
