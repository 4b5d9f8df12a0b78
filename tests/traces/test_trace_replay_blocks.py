"""Jobs built a block at a time: same jobs as one by one, errors in row order, every bad row counted."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qcloudsim.traces.replay import BLOCK_ROWS, ReplayOptions, jobs_from_table
from qcloudsim.traces.table import RowValidator, SkipReport, TraceError, read_table, write_table
from qcloudsim.workload.job import ROOT, Lineage, RecordedOutcome, Submission


def trace(n: int, seed: int = 0) -> pd.DataFrame:
    """Every optional column, some values missing, rows spanning several blocks."""
    rng = np.random.default_rng(seed)
    qubits = rng.integers(2, 6, n)
    return pd.DataFrame({
        "job_id": np.arange(n) * 3,
        "submit_s": np.cumsum(rng.exponential(2.0, n)),
        "user": np.asarray(["alice", "bob", None], dtype=object)[rng.integers(0, 3, n)],
        "group": "g",
        "circuit": np.where(rng.random(n) < 0.5, "qft_4", None),
        "num_qubits": qubits,
        "depth": qubits * 2,
        "num_2q_gates": qubits,
        "shots": rng.choice([10, 4000], n),
        "circuits": rng.choice([1, 2], n),
        "deadline_s": np.where(rng.random(n) < 0.3, 1e5, np.nan),
        "priority": rng.integers(-2, 3, n),
        "program_id": np.where(rng.random(n) < 0.2, "p", None),
        "iteration": np.where(rng.random(n) < 0.2, 1.0, np.nan),
        "recorded_queue_s": rng.uniform(0, 5, n),
        "recorded_run_s": rng.uniform(0, 9, n),
        "recorded_device": np.asarray(["ibm_a", "ibm_b", None], dtype=object)[rng.integers(0, 3, n)],
        "recorded_status": "DONE",
    })


def validated(frame: pd.DataFrame, size: int = 1000) -> list[pd.DataFrame]:
    validator = RowValidator("t", "raise", SkipReport(), "row")
    return [validator.validate(frame.iloc[i : i + size], np.arange(i, min(i + size, len(frame))))
            for i in range(0, len(frame), size)]


def expected_job(row: pd.Series, options: ReplayOptions) -> tuple[Submission, Lineage]:
    """The submission and lineage of one row, built field by field with keywords."""
    def value(name, default=None):
        v = row.get(name)
        return default if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v

    device = value("recorded_device", "")
    deadline = value("deadline_s")
    program, iteration = value("program_id"), value("iteration")
    submission = Submission(
        id=int(row["job_id"]), arrival_s=float(row["submit_s"]) * options.time_scale, profile=None,
        shots=int(value("shots", options.default_shots)), circuits=int(value("circuits", 1)),
        user=value("user", "user0"), group=value("group", "default"), priority=int(value("priority", 0)),
        deadline_s=None if deadline is None else float(deadline) * options.time_scale,
        service_s=float(row["recorded_run_s"]) if options.runtime == "recorded" else None,
        pinned_device=options.device_map.get(device) if device else None,
        recorded=RecordedOutcome(queue_s=float(row["recorded_queue_s"]), run_s=float(row["recorded_run_s"]),
                                 device=device, status=value("recorded_status", "")),
    )
    lineage = ROOT if program is None and iteration is None else Lineage(
        program_id=program, iteration=None if iteration is None else int(iteration))
    return submission, lineage


@pytest.mark.parametrize("options", [
    ReplayOptions(),
    ReplayOptions(runtime="recorded", time_scale=0.5, device_map={"ibm_a": "ibm_perth"}, default_shots=7),
])
def test_jobs_equal_jobs_built_field_by_field(options):
    frame = trace(3 * BLOCK_ROWS + 5)
    jobs = list(jobs_from_table(validated(frame), options))
    assert len(jobs) == len(frame)
    for job, (_, row) in zip(jobs, frame.iterrows(), strict=True):
        submission, lineage = expected_job(row, options)
        assert job.submission._replace(profile=None) == submission
        assert job.lineage == lineage
        name = row["circuit"] if isinstance(row["circuit"], str) else f"synth_q{row['num_qubits']}_d"
        assert job.profile.name.startswith(name)


def test_raise_hands_out_the_jobs_before_the_bad_row():
    frame = trace(2 * BLOCK_ROWS + 10)
    bad = BLOCK_ROWS + 3
    frame.loc[bad, "recorded_run_s"] = np.nan
    seen = []
    with pytest.raises(TraceError, match=rf"job {3 * bad}, column 'recorded_run_s'"):
        for job in jobs_from_table(validated(frame), ReplayOptions(runtime="recorded")):
            seen.append(job.id)
    assert seen == [3 * i for i in range(bad)]


def test_every_row_with_a_bad_profile_is_counted():
    """Rows sharing sizes that cannot be profiled are each skipped and counted, not only the first."""
    frame = trace(2 * BLOCK_ROWS)
    frame["circuit"] = None
    bad = [1, 5, BLOCK_ROWS + 7]
    frame.loc[bad, ["num_qubits", "depth", "num_2q_gates"]] = [1, 1, 3]  # a 1-qubit circuit with 2q gates
    report = SkipReport()
    jobs = list(jobs_from_table(validated(frame), ReplayOptions(on_error="skip"), report=report))
    assert report.counts == {"bad_circuit": 3}
    assert [job.id for job in jobs] == [3 * i for i in range(len(frame)) if i not in bad]
    assert report.rows == len(jobs) + report.skipped
    assert "job 3, column 'num_qubits'" in report.examples[0]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_text_columns_hold_one_object_per_distinct_value(tmp_path, suffix):
    frame = trace(500)
    path = write_table(frame, tmp_path / f"t{suffix}")
    chunk = next(iter(read_table(path)))
    for name in ("user", "recorded_device", "recorded_status"):
        col = chunk[name]
        assert col.dtype == object
        present = col[col.notna()]
        assert len({id(v) for v in present}) == present.nunique()
        assert col.fillna("<missing>").tolist() == frame[name].fillna("<missing>").tolist()
