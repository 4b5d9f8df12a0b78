"""Trace replay throughput and memory, as ratios to a bare SimPy reference timed in the same process.

Scenario: a synthetic canonical trace (Poisson arrivals at 1.5 jobs/s, about
70 % load on the fleet; half the rows name a circuit family ``ghz/qft/qaoa/
vqe/random/wstate`` of 3-7 qubits, half carry only sizes and get a
synthesised profile; recorded queue/run times and backend present) is
written as Parquet to a temporary directory, then replayed on the 10-device
fleet of ``bench_engine.py`` with FCFS, in two modes:

* ``sim``: the trace streamed with ``read_table`` (100,000-row chunks) and
  ``jobs_from_table`` into a ``Simulation`` with the analytic ``Estimator``
  and ``JobRecorder`` + ``TimelineRecorder``. The timing covers reading,
  validation, job building and simulation, not building result tables;
* ``e2e``: the public path, ``qcloudsim.experiment.run(config)`` with a
  ``workload.trace`` config (default models, every recorder), including the
  result tables and the summary. ``sim_s`` is the part up to the end of the
  simulation (the run's ``wall_time_s``), ``tables_s`` the rest.

Each size and mode runs in a fresh subprocess that first times the bare SimPy
M/M/10 reference of ``reference.py`` for the same number of jobs, then the
replay, then the reference again; the faster reference timing is kept and
``ratio_to_bare_simpy`` (wall time) and ``cpu_ratio_to_bare_simpy``
(``time.process_time``) are the replay's rates over the reference's. The peak
RSS (``VmHWM``) is reset after the first reference (``/proc/self/clear_refs``),
so ``peak_rss_mb`` is the replay's own (imports and the catalog included).

Usage::

    python benchmarks/bench_replay.py                      # 10k, 100k, 1M jobs, both modes
    python benchmarks/bench_replay.py --sizes 1000000 --modes sim
    python benchmarks/bench_replay.py --sizes 1000000 --memory   # VmRSS every 100k jobs (slower)
    python benchmarks/bench_replay.py --profile 100000     # cProfile top 25 of the sim mode
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import bare_simpy, best_of, rates, ratios  # noqa: E402

FLEET = [
    "ibm_brisbane", "ibm_torino", "ibm_kyiv", "ibm_sherbrooke", "ibm_osaka",
    "ibm_algiers", "ibm_cairo", "ibm_hanoi", "ibm_perth", "ibm_lagos",
]
FAMILIES = ("ghz", "qft", "qaoa", "vqe", "random", "wstate")
MODES = ("sim", "e2e")


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


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key)) / 1024.0
    except (OSError, StopIteration):
        return None


def rss_mb() -> float:
    """Current RSS of this process (MB; ``VmRSS``, 0 where ``/proc`` is missing)."""
    return _status_mb("VmRSS:") or 0.0


def peak_rss_mb() -> float:
    """Peak RSS of this process (MB): ``VmHWM`` on Linux, else ``getrusage`` (which
    on Linux would include the peak of the parent that forked this process)."""
    peak = _status_mb("VmHWM:")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_rss() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux ``clear_refs``); whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def sampled(jobs: Iterable, samples: list[tuple[int, float]], every: int = 100_000) -> Iterator:
    """``jobs``, appending ``(jobs so far, VmRSS MB)`` to ``samples`` every ``every`` jobs."""
    for i, job in enumerate(jobs):
        if i % every == 0:
            samples.append((i, round(rss_mb(), 1)))
        yield job


def replay_sim(path: Path, memory: bool = False, chunksize: int = 100_000) -> dict:
    """Replay the trace at ``path`` into a ``Simulation``; times cover reading to the end of the run."""
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
    timeline = TimelineRecorder(devices)
    reader = read_table(path, chunksize=chunksize)
    workload = jobs_from_table(reader, ReplayOptions())
    samples: list[tuple[int, float]] = []
    if memory:
        samples.append((-1, round(rss_mb(), 1)))
        workload = sampled(workload, samples)
    sim = Simulation(devices, make_scheduler("fcfs"), workload, Estimator(), monitors=[recorder, timeline])
    wall0, cpu0 = time.perf_counter(), time.process_time()
    sim.run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    result = rates(len(recorder), wall, cpu)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["skipped"] = reader.report.skipped
    if memory:
        result["rss_mb_by_jobs"] = samples
        result["rss_mb_after_run"] = round(rss_mb(), 1)
        jobs = recorder.to_dataframe()
        result["rss_mb_after_job_table"] = round(rss_mb(), 1)
        result["job_table_mb"] = round(jobs.memory_usage(deep=True).sum() / 2**20, 1)
        del jobs
        result["rss_mb_after_timeline_table"] = round((timeline.to_dataframe(), rss_mb())[1], 1)
        result["peak_rss_mb_with_tables"] = round(peak_rss_mb(), 1)
    return result


def replay_e2e(path: Path) -> dict:
    """Replay the trace at ``path`` through ``qcloudsim.experiment.run`` (result tables included)."""
    from qcloudsim.config.schema import ExperimentConfig
    from qcloudsim.experiment import run

    config = ExperimentConfig.model_validate({
        "name": "bench_replay",
        "fleet": FLEET,
        "workload": {"trace": {"path": str(path), "format": "canonical"}},
        "scheduler": {"name": "fcfs"},
    })
    wall0, cpu0 = time.perf_counter(), time.process_time()
    results = run(config)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    result = rates(len(results.jobs), wall, cpu)
    sim_s = float(results.metadata["wall_time_s"])
    result["sim_s"] = round(sim_s, 3)
    result["tables_s"] = round(wall - sim_s, 3)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["skipped"] = results.summary.get("trace_rows_skipped", 0)
    return result


def child(path: Path, mode: str, memory: bool = False, profile: bool = False) -> dict:
    """Time the reference, the replay in ``mode``, and the reference again, in this process."""
    import pyarrow.parquet as pq

    jobs = pq.ParquetFile(path).metadata.num_rows
    references = [bare_simpy(jobs)]
    base_rss = rss_mb()
    reset = reset_peak_rss()
    measure = replay_sim if mode == "sim" else replay_e2e
    kwargs = {"memory": memory} if mode == "sim" else {}
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        result = prof.runcall(measure, path, **kwargs)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    else:
        result = measure(path, **kwargs)
    references.append(bare_simpy(jobs))
    reference = best_of(references)
    result = {"mode": mode, **result, **ratios(result, reference)}
    result["bare_simpy_mm10"] = reference
    result["rss_mb_before_replay"] = round(base_rss, 1)
    if not reset:
        result["peak_rss_note"] = "VmHWM could not be reset: the peak includes the first reference run"
    result["trace_mb"] = round(path.stat().st_size / 1e6, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--memory", action="store_true", help="sim mode: sample VmRSS every 100k jobs (slower)")
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, help="cProfile one size of the first mode in this process")
    args = parser.parse_args(argv)
    if args.make:
        make_trace(int(args.make[0]), Path(args.make[1]))
        return 0
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1], memory=args.memory)))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            path = Path(tmp) / "trace.parquet"
            make_trace(args.profile, path)
            print(json.dumps(child(path, args.modes[0], profile=True)))
            return 0
        for size in args.sizes:
            path = Path(tmp) / f"trace_{size}.parquet"
            # generate and replay in separate processes: peak RSS is the replay's own
            subprocess.run([sys.executable, __file__, "--make", str(size), str(path)], check=True)
            for mode in args.modes:
                command = [sys.executable, __file__, "--child", str(path), mode]
                out = subprocess.run(command + (["--memory"] if args.memory else []), check=True,
                                     capture_output=True, text=True)
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(results[-1]), file=sys.stderr)
            path.unlink()
    json.dump({"replay": results}, sys.stdout, indent=2)
    print()
    print(table(results), file=sys.stderr)
    return 0


def table(results: list[dict]) -> str:
    """A short summary: one line per size and mode."""
    lines = [f"{'jobs':>9} {'mode':>4} {'wall s':>7} {'jobs/s':>7} {'ratio':>6} {'cpu ratio':>9} {'peak MB':>8}"]
    for r in results:
        lines.append(f"{r['jobs']:>9} {r['mode']:>4} {r['wall_s']:>7.2f} {r['jobs_per_s']:>7} "
                     f"{r['ratio_to_bare_simpy']:>6.3f} {r['cpu_ratio_to_bare_simpy']:>9.3f} {r['peak_rss_mb']:>8.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
