"""Replay options, jobs_from_table and compare_recorded."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.replay import COPY_ID_BASE, ReplayOptions, compare_recorded, jobs_from_table
from qcloudsim.traces.table import SkipReport, TraceError, read_table, write_table


def table(n: int = 100, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "job_id": np.arange(n),
        "submit_s": np.arange(n, dtype=float) * 10.0,
        "user": np.where(np.arange(n) % 2 == 0, "alice", "bob"),
        "num_qubits": rng.integers(2, 6, n),
        "depth": 10,
        "num_2q_gates": 4,
        "recorded_run_s": rng.uniform(1, 5, n),
        "recorded_queue_s": rng.uniform(0, 5, n),
        "recorded_device": np.where(np.arange(n) % 3 == 0, "ibm_old", "ibm_other"),
    })


def chunks(frame: pd.DataFrame, size: int = 17):
    return (frame.iloc[i : i + size] for i in range(0, len(frame), size))


def test_plain_replay_preserves_ids_and_times():
    jobs = list(jobs_from_table(chunks(table())))
    assert [j.id for j in jobs] == list(range(100))
    assert [j.arrival_s for j in jobs] == [10.0 * i for i in range(100)]
    assert jobs[0].service_s is None and jobs[0].shots == 1024
    assert jobs[0].recorded is not None and jobs[0].recorded.device == "ibm_old"


def test_window_and_time_scale():
    opts = ReplayOptions(start_s=100.0, end_s=200.0, time_scale=0.5)
    jobs = list(jobs_from_table(chunks(table()), opts))
    assert [j.id for j in jobs] == list(range(10, 20))
    assert [j.arrival_s for j in jobs] == [5.0 * i for i in range(10)]


def test_user_filter():
    jobs = list(jobs_from_table(chunks(table()), ReplayOptions(users={"bob"})))
    assert {j.user for j in jobs} == {"bob"} and len(jobs) == 50


def test_device_map_pins():
    jobs = list(jobs_from_table(chunks(table()), ReplayOptions(device_map={"ibm_old": "ibm_perth"})))
    assert all((j.pinned_device == "ibm_perth") == (j.id % 3 == 0) for j in jobs)


def test_runtime_recorded_sets_service_time():
    frame = table()
    jobs = list(jobs_from_table(chunks(frame), ReplayOptions(runtime="recorded")))
    assert [j.service_s for j in jobs] == frame["recorded_run_s"].tolist()


def test_runtime_recorded_missing_raises_or_skips():
    frame = table()
    frame.loc[5, "recorded_run_s"] = np.nan
    with pytest.raises(TraceError, match=r"job 5, column 'recorded_run_s'"):
        list(jobs_from_table(chunks(frame), ReplayOptions(runtime="recorded")))
    report = SkipReport()
    jobs = list(jobs_from_table(chunks(frame), ReplayOptions(runtime="recorded", on_error="skip"),
                                report=report))
    assert len(jobs) == 99 and report.counts == {"missing_run_time": 1}


@pytest.mark.parametrize("scale", [0.3, 2.5])
def test_load_scale_is_seeded_and_chunking_independent(scale):
    opts = ReplayOptions(load_scale=scale, jitter_s=30.0)
    run = lambda size, seed: [(j.id, j.arrival_s) for j in jobs_from_table(  # noqa: E731
        chunks(table(2000), size), opts, SeedStreams(seed))]
    a, b, c = run(17, 1), run(500, 1), run(17, 2)
    assert a == b and a != c
    times = [t for _, t in a]
    assert times == sorted(times)
    assert len({i for i, _ in a}) == len(a)
    assert abs(len(a) / 2000 - scale) < 0.05
    if scale > 1:
        assert all(i % COPY_ID_BASE < 2000 for i, _ in a)


def test_load_scale_needs_streams():
    with pytest.raises(ValueError, match="seeded"):
        list(jobs_from_table(chunks(table()), ReplayOptions(load_scale=2.0)))


@pytest.mark.parametrize("kwargs", [
    {"time_scale": 0}, {"load_scale": -1}, {"start_s": 5, "end_s": 5}, {"runtime": "guess"},
    {"default_shots": 0},
])
def test_bad_options(kwargs):
    with pytest.raises(ValueError):
        ReplayOptions(**kwargs)


def test_family_references_and_default_shots(tmp_path):
    frame = pd.DataFrame({"job_id": [1, 2], "submit_s": [0.0, 1.0], "circuit": ["qft_4", "ghz_3"],
                          "shots": [None, 50]})
    path = write_table(frame, tmp_path / "t.parquet")
    jobs = list(jobs_from_table(read_table(path), ReplayOptions(default_shots=77)))
    assert [(j.profile.name, j.shots) for j in jobs] == [("qft_4", 77), ("ghz_3", 50)]


def test_compare_recorded():
    frame = pd.DataFrame({
        "wait_s": [1.0, 2.0, 3.0, np.nan], "run_s": [2.0, 4.0, 6.0, 1.0],
        "recorded_queue_s": [1.0, 2.0, 3.0, 1.0], "recorded_run_s": [1.0, 2.0, 3.0, np.nan],
    })
    out = compare_recorded(frame)
    assert out["queue"]["n"] == 3 and out["queue"]["median_rel_error"] == 0.0
    assert out["queue"]["pearson"] == pytest.approx(1.0) and out["queue"]["spearman"] == pytest.approx(1.0)
    assert out["run"]["median_rel_error"] == pytest.approx(1.0)
    assert math.isnan(compare_recorded(frame.iloc[:1])["run"]["pearson"])


def test_end_to_end_with_engine(tmp_path):
    from qcloudsim.devices.catalog import load_catalog
    from qcloudsim.engine.simulation import Simulation
    from qcloudsim.results.recorders import JobRecorder
    from qcloudsim.schedulers.registry import make_scheduler

    path = write_table(table(50), tmp_path / "t.csv")
    devices = [load_catalog().get("ibm_perth"), load_catalog().get("ibm_lagos")]
    recorder = JobRecorder()
    opts = ReplayOptions(runtime="recorded", device_map={"ibm_old": "ibm_perth"})
    Simulation(devices, make_scheduler("fcfs"), jobs_from_table(read_table(path), opts),
               monitors=[recorder]).run()
    frame = recorder.to_dataframe()
    assert (frame["status"] == "completed").all()
    assert (frame.loc[frame["job_id"] % 3 == 0, "device"] == "ibm_perth").all()
    np.testing.assert_allclose(frame["run_s"], frame["recorded_run_s"])
    assert compare_recorded(frame)["run"]["median_rel_error"] == pytest.approx(0.0, abs=1e-9)


STREAM_SCRIPT = """
import sys
from qcloudsim.traces.replay import jobs_from_table
from qcloudsim.traces.table import read_table
def rss():
    # VmHWM: this process's peak RSS (ru_maxrss would inherit the forking parent's)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024.0
for _chunk in read_table(sys.argv[1], chunksize=20_000):  # warm-up: imports, parser, caches
    pass
del _chunk
base = rss()
jobs = jobs_from_table(read_table(sys.argv[1], chunksize=20_000))
if sys.argv[2] == "hold":
    kept = list(jobs)
    count = len(kept)
else:
    count = sum(1 for _ in jobs)
print(count, rss() - base)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_streaming_memory_is_bounded(tmp_path):
    """300k CSV rows in 20k-row chunks: memory growth far below holding all jobs.

    Each variant runs in a fresh interpreter and reports its peak RSS
    (``VmHWM``) growth over a warm baseline; ``tracemalloc`` would slow
    the pandas parser and job construction about tenfold.
    """
    import subprocess
    import sys

    n = 300_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "job_id": np.arange(n), "submit_s": np.arange(n, dtype=float),
        "circuit": np.asarray(["qft_3", "ghz_4", "vqe_5"])[rng.integers(0, 3, n)],
        "shots": 1000, "recorded_run_s": 1.0,
    })
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)

    def grow(mode: str) -> float:
        out = subprocess.run([sys.executable, "-c", STREAM_SCRIPT, str(path), mode],
                             check=True, capture_output=True, text=True).stdout.split()
        assert int(out[0]) == n
        return float(out[1])

    streamed, held = grow("stream"), grow("hold")
    assert held > 50, f"holding 300k jobs grew RSS by only {held:.0f} MB ({streamed:.0f} streamed)"
    assert streamed < held / 4, f"streaming grew RSS by {streamed:.0f} MB, holding by {held:.0f} MB"
