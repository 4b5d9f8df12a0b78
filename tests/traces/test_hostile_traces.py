"""Hostile trace inputs (issue 17): each test is named after the defect it pins down.

Every bad value is a row error naming the file, the line and the column (or,
with ``on_error="skip"``, a row counted by reason), never a traceback, an
overflow or a hang; and every trace row is accounted for in the summary.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qcloudsim.circuits.families import family_names
from qcloudsim.cli import app
from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.experiment import run
from qcloudsim.limits import MAX_QUBITS, MAX_SHOTS, MAX_TIME_S
from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.ibm import read_ibm
from qcloudsim.traces.profiles import resolve_circuit
from qcloudsim.traces.qasm_list import read_qasm_list
from qcloudsim.traces.replay import COPY_ID_BASE, ReplayOptions, jobs_from_table
from qcloudsim.traces.table import SkipReport, TraceError, TraceSkipWarning, read_table

runner = CliRunner()
FLEET = ["ibm_brisbane"]


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def read_all(path: Path, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceSkipWarning)
        return pd.concat(list(read_table(path, **kwargs)), ignore_index=True)


def config(path: Path, **trace) -> ExperimentConfig:
    horizon = trace.pop("horizon_s", None)
    data = {"name": "hostile", "fleet": FLEET, "workload": {"trace": {"path": str(path), **trace}}}
    if horizon is not None:
        data["horizon_s"] = horizon
    return ExperimentConfig.model_validate(data)


def assert_plain(message: str) -> None:
    """No NumPy repr and no int64 overflow leaks into a user-facing message."""
    assert "np." not in message and "float64" not in message and "9223372036854775808" not in message.replace(
        "'9223372036854775808'", ""
    )


# -- 1. ids pass through float64 ------------------------------------------------------------


def test_ids_above_2_53_are_distinct_jobs(tmp_path):
    path = write(tmp_path, f"job_id,submit_s,circuit\n{2**53},0,ghz_3\n{2**53 + 1},1,ghz_3\n{2**63 - 1},2,ghz_3\n")
    frame = read_all(path)
    assert frame["job_id"].dtype == np.int64
    assert frame["job_id"].tolist() == [2**53, 2**53 + 1, 2**63 - 1]
    jobs = list(jobs_from_table(read_table(path)))
    assert [j.id for j in jobs] == [2**53, 2**53 + 1, 2**63 - 1]


def test_id_2_63_is_a_named_row_error(tmp_path):
    path = write(tmp_path, f"job_id,submit_s,circuit\n1,0,ghz_3\n{2**63},1,ghz_3\n{10**30},2,ghz_3\n")
    with pytest.raises(TraceError) as info:
        read_all(path)
    error = info.value
    assert error.reason == "bad_job_id" and error.position == "line 3" and error.column == "job_id"
    assert str(error).startswith(f"{path}, line 3, column 'job_id'")
    reader = read_table(path, on_error="skip")
    with pytest.warns(TraceSkipWarning, match="bad_job_id: 2"):
        frame = pd.concat(list(reader))
    assert frame["job_id"].tolist() == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+7", 7),  # a leading '+' is accepted
        ("8.0", 8),  # an integral decimal is that integer (exactly, not via float)
        ("9e0", 9),
        (" 10", 10),
        ("9007199254740993.0", 2**53 + 1),
        ("1.5", "non_integer"),
        ("-1", "bad_job_id"),
        ("1e19", "bad_job_id"),
        ("12abc", "non_numeric"),
        ("١٢", "non_numeric"),  # non-ASCII digits are not numbers here
        ("nan", "non_numeric"),
    ],
)
def test_id_spellings_are_parsed_exactly_or_named(tmp_path, text, expected):
    path = write(tmp_path, f'job_id,submit_s,circuit\n0,0,ghz_3\n"{text}",1,ghz_3\n')
    if isinstance(expected, int):
        assert read_all(path)["job_id"].tolist() == [0, expected]
        return
    with pytest.raises(TraceError) as info:
        read_all(path)
    assert info.value.reason == expected and info.value.position == "line 3"


def test_parquet_ids_out_of_int64_or_inexact_floats_are_row_errors(tmp_path):
    unsigned = tmp_path / "u.parquet"
    pd.DataFrame({"job_id": np.array([1, 2**63], dtype=np.uint64), "submit_s": [0.0, 1.0],
                  "circuit": ["ghz_3", "ghz_3"]}).to_parquet(unsigned)
    with pytest.raises(TraceError, match=r"u\.parquet, row 1, column 'job_id'") as info:
        read_all(unsigned)
    assert info.value.reason == "bad_job_id"
    floats = tmp_path / "f.parquet"
    pd.DataFrame({"job_id": [3.0, 2.0**53 + 2], "submit_s": [0.0, 1.0],
                  "circuit": ["ghz_3", "ghz_3"]}).to_parquet(floats)
    frame = read_all(floats, on_error="skip")
    assert frame["job_id"].tolist() == [3]


# -- 2. no upper bounds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "bound"),
    [
        ("num_qubits", "1e9", MAX_QUBITS),
        ("shots", "1e30", MAX_SHOTS),
        ("circuits", "1e7", 10**6),
        ("depth", "1e13", 10**12),
        ("num_2q_gates", "1e300", 10**12),
        ("priority", "-1e10", None),
        ("iteration", "1e12", 10**8),
        ("submit_s", "1e11", MAX_TIME_S),
        ("deadline_s", "1e11", MAX_TIME_S),
        ("recorded_run_s", "1e10", 10**9),
    ],
)
def test_numeric_columns_are_bounded(tmp_path, column, value, bound):
    row = {"job_id": "1", "submit_s": "0", "num_qubits": "3", "depth": "4", "num_2q_gates": "2", column: value}
    path = write(tmp_path, ",".join(row) + "\n" + ",".join(row.values()) + "\n")
    with pytest.raises(TraceError) as info:
        read_all(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 2, column '{column}'")
    if bound is not None:
        assert info.value.reason == "too_large" and f"maximum {int(bound)}" in message
    assert_plain(message)


def test_huge_values_are_counted_in_skip_mode_and_the_run_goes_on(tmp_path):
    path = write(tmp_path, "job_id,submit_s,circuit,shots,num_qubits,depth,num_2q_gates\n"
                           "1,0,ghz_3,1e30,,,\n2,1,,,1e9,3,2\n3,2,ghz_3,100,,,\n")
    with pytest.warns(TraceSkipWarning, match="too_large: 2"):
        results = run(config(path, on_error="skip"))
    assert results.jobs["job_id"].tolist() == [3]
    assert results.summary["trace_skipped_by_reason"] == {"too_large": 2}


def test_submit_bound_applies_after_unit_conversion(tmp_path):
    path = write(tmp_path, "job_id,submit_s,circuit\n1,1e9,ghz_3\n")
    with pytest.raises(TraceError, match=r"line 2, column 'submit_s'.*maximum 10000000000 s") as info:
        read_all(path, units={"submit_s": "d"})
    assert info.value.reason == "too_large"


def test_arrival_bound_applies_after_time_scale(tmp_path):
    path = write(tmp_path, "job_id,submit_s,circuit\n1,0,ghz_3\n2,1e9,ghz_3\n")
    report = SkipReport(path=str(path))
    options = ReplayOptions(time_scale=100.0, on_error="skip")
    jobs = list(jobs_from_table(read_table(path), options, report=report, path=str(path)))
    assert [j.id for j in jobs] == [1] and report.counts == {"too_large": 1}
    with pytest.raises(TraceError, match=r"job 2, column 'submit_s'.*maximum 10000000000 s"):
        list(jobs_from_table(read_table(path), ReplayOptions(time_scale=100.0), path=str(path)))


def test_ids_too_large_for_load_scale_copies_are_row_errors(tmp_path):
    path = write(tmp_path, f"job_id,submit_s,circuit\n1,0,ghz_3\n{COPY_ID_BASE},1,ghz_3\n")
    report = SkipReport(path=str(path))
    options = ReplayOptions(load_scale=2.0, on_error="skip")
    jobs = list(jobs_from_table(read_table(path), options, SeedStreams(0), report=report, path=str(path)))
    assert sorted(j.id for j in jobs) == [1, COPY_ID_BASE + 1]
    assert report.counts == {"bad_job_id": 1} and report.copies_added == 1


def test_large_ids_cannot_collide_with_copies_even_when_their_row_gets_none(tmp_path):
    # load_scale 1.5: some rows get a copy, some not; a real id of COPY_ID_BASE + 1 would be
    # the id of job 1's copy, so every id at or above COPY_ID_BASE is refused once copies are made
    rows = "".join(f"{i},{i},ghz_3\n" for i in range(1, 40)) + f"{COPY_ID_BASE + 1},40,ghz_3\n"
    path = write(tmp_path, "job_id,submit_s,circuit\n" + rows)
    for seed in range(5):
        report = SkipReport(path=str(path))
        options = ReplayOptions(load_scale=1.5, on_error="skip")
        jobs = list(jobs_from_table(read_table(path), options, SeedStreams(seed), report=report, path=str(path)))
        ids = [j.id for j in jobs]
        assert len(ids) == len(set(ids))
        assert report.counts == {"bad_job_id": 1}


# -- 3. messages show np.float64 reprs -------------------------------------------------------


def test_messages_show_plain_numbers(tmp_path):
    unsorted = write(tmp_path, "job_id,submit_s,circuit\n1,5,ghz_3\n2,1.5,ghz_3\n")
    with pytest.raises(TraceError) as info:
        read_all(unsorted)
    assert "(1.5 s after 5 s)" in str(info.value)
    assert_plain(str(info.value))
    parquet = tmp_path / "p.parquet"
    pd.DataFrame({"job_id": [1, 2], "submit_s": [0.0, 1.0], "circuit": ["ghz_3", "ghz_3"],
                  "shots": [10.0, -3.0]}).to_parquet(parquet)
    with pytest.raises(TraceError) as info:
        read_all(parquet)
    assert "(got -3)" in str(info.value)
    assert_plain(str(info.value))


# -- 4. a ';'-delimited trace is reported as a missing job_id column ------------------------


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_delimiter_is_sniffed(tmp_path, sep):
    text = "\n".join(sep.join(r) for r in [["job_id", "submit_s", "circuit"], ["1", "0", "ghz_3"],
                                            ["2", "1.5", '"qft_4"']]) + "\n"
    frame = read_all(write(tmp_path, text))
    assert frame["job_id"].tolist() == [1, 2] and frame["circuit"].tolist() == ["ghz_3", "qft_4"]


def test_delimiter_is_sniffed_in_adapters(tmp_path):
    ibm = write(tmp_path, "date;qubits;depth;shots\n2024-01-01T00:00:00Z;3;4;100\n", "export.csv")
    assert pd.concat(list(read_ibm(ibm)))["num_qubits"].tolist() == [3]
    (tmp_path / "a.qasm").write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0],q[1];\n')
    listing = write(tmp_path, "submit_s|path\n0|a.qasm\n", "list.csv")
    assert len(pd.concat(list(read_qasm_list(listing)))) == 1


def test_missing_required_column_names_the_columns_found(tmp_path):
    path = write(tmp_path, "id:submit:circuit\n1:0:ghz_3\n")
    with pytest.raises(TraceError, match=r"required column 'job_id' is missing; the header has the columns "
                                         r"'id:submit:circuit'"):
        read_all(path)


# -- 5. an unknown family is reported as "file not found" -----------------------------------


def test_unknown_family_is_named_with_file_line_and_known_families(tmp_path):
    path = write(tmp_path, "job_id,submit_s,circuit\n1,0,ghz_3\n2,1,xyz_3\n")
    with pytest.raises(TraceError) as info:
        read_all(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 3, column 'circuit': unknown circuit family 'xyz'")
    assert ", ".join(family_names()) in message and "not found" not in message
    size = write(tmp_path, "job_id,submit_s,circuit\n1,0,ghz_1000\n", "size.csv")
    with pytest.raises(TraceError, match=r"size\.csv, line 2, column 'circuit'.*supports 2\.\.\d+ qubits"):
        read_all(size)
    with pytest.raises(ValueError, match="unknown circuit family 'xyz'"):
        resolve_circuit("xyz_3")


# -- 6. replay-stage skips raise no warning, -q hides them -----------------------------------

SKIPPY = ("job_id,submit_s,circuit,shots,recorded_run_s\n"
          "1,0,ghz_3,100,5\n2,1,ghz_3,-5,1\n3,2,ghz_3,100,\n4,3,ghz_4,100,2\n")


def test_replay_stage_skips_are_warned_once_with_the_reader_skips(tmp_path):
    path = write(tmp_path, SKIPPY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = run(config(path, on_error="skip", runtime="recorded"))
    skips = [w for w in caught if issubclass(w.category, TraceSkipWarning)]
    assert len(skips) == 1
    assert str(skips[0].message) == f"{path}: skipped 2 of 4 rows (missing_run_time: 1, negative: 1)"
    assert results.summary["trace_skipped_by_reason"] == {"missing_run_time": 1, "negative": 1}


@pytest.mark.parametrize("quiet", [["-q"], []])
def test_cli_prints_skip_warnings_to_stderr_even_with_quiet(tmp_path, quiet):
    path = write(tmp_path, SKIPPY)
    out = tmp_path / "out"
    result = runner.invoke(app, ["replay", str(path), "--on-error", "skip", "--runtime", "recorded",
                                 "--fleet", "ibm_brisbane", "-o", str(out), *quiet])
    assert result.exit_code == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert f"warning: {path}: skipped 2 of 4 rows (missing_run_time: 1, negative: 1)" in stderr
    if quiet:
        assert result.stdout.strip() == str(out)
    cfg = write(tmp_path, f"name: r\nfleet: [ibm_brisbane]\nworkload:\n  trace:\n    path: {path}\n"
                          "    on_error: skip\n    runtime: recorded\n", "run.yaml")
    result = runner.invoke(app, ["run", str(cfg), "-o", str(tmp_path / "run_out"), *quiet])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "missing_run_time: 1" in " ".join(result.stderr.split())


# -- 7. the replay CLI names --time_scale for --time-scale -----------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--time-scale", "-1"], "--time-scale:"),
        (["--load-scale", "0"], "--load-scale:"),
        (["--start", "5", "--end", "1"], "--end must be greater than --start"),
        (["--on-error", "bad"], "--on-error:"),
        (["--format", "xyz"], "--format:"),
        (["--runtime", "xyz"], "--runtime:"),
        (["--map-device", "a=nowhere"], "--map-device maps onto nowhere"),
        (["--fleet", "nowhere"], "--fleet:"),
    ],
)
def test_replay_cli_errors_name_the_real_options(tmp_path, args, expected):
    path = write(tmp_path, "job_id,submit_s,circuit\n1,0,ghz_3\n")
    result = runner.invoke(app, ["replay", str(path), *args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert expected in message, message
    for field in ("time_scale", "load_scale", "start_s", "end_s", "on_error", "device_map", "workload.trace"):
        assert field not in message


# -- 8. filtered rows are not counted -------------------------------------------------------

ACCOUNTING_TRACE = (
    "job_id,submit_s,user,circuit,num_qubits,depth,num_2q_gates,shots\n"
    + "".join(
        f"{i},{10 * i},{('alice', 'bob', 'carol')[i % 3]},{'ghz_3' if i % 2 else ''},"
        f"{'' if i % 2 else 3},{'' if i % 2 else 6},{'' if i % 2 else 2},{-5 if i == 7 else 100}\n"
        for i in range(16)
    )
    + "16,160,alice,xyz_3,,,,100\n"
)


def accounted(summary: dict) -> tuple[int, int]:
    """Both sides of the accounting identity (docs/traces.md)."""
    left = summary["trace_rows_read"] + summary["trace_copies_added"]
    right = (summary["jobs_submitted"] + summary.get("jobs_after_horizon", 0)
             + summary["trace_rows_skipped"] + summary["trace_rows_filtered"])
    return left, right


def test_filtered_rows_are_counted_by_reason(tmp_path):
    path = write(tmp_path, ACCOUNTING_TRACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceSkipWarning)
        s = run(config(path, on_error="skip", start_s=20, end_s=120, users=["alice", "bob"])).summary
    # rows 7 (negative shots) and 16 (unknown family) skipped by the reader; rows 0, 1 before the
    # window, 12..15 after it; carol's rows 2, 5, 8, 11 inside it; jobs 3, 4, 6, 9, 10
    assert s["trace_skipped_by_reason"] == {"negative": 1, "unknown_family": 1}
    assert s["trace_filtered_by_reason"] == {"before_window": 2, "after_window": 4, "user": 4}
    assert s["trace_rows_filtered"] == 10 and s["trace_copies_added"] == 0
    assert s["jobs_submitted"] == 5
    assert accounted(s)[0] == accounted(s)[1] == 17


def test_copies_thinning_and_the_horizon_are_counted(tmp_path):
    path = write(tmp_path, ACCOUNTING_TRACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceSkipWarning)
        copied = run(config(path, on_error="skip", load_scale=2.5, horizon_s=60)).summary
        thinned = run(config(path, on_error="skip", load_scale=0.5)).summary
    assert copied["trace_copies_added"] >= 15 and copied["jobs_after_horizon"] > 0
    assert "thinned" not in copied["trace_filtered_by_reason"]
    assert thinned["trace_filtered_by_reason"]["thinned"] > 0 and thinned["trace_copies_added"] == 0
    for s in (copied, thinned):
        left, right = accounted(s)
        assert left == right


@pytest.fixture(scope="module")
def accounting_trace(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("accounting"), ACCOUNTING_TRACE)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.one_of(st.none(), st.floats(0, 170)),
    length=st.one_of(st.none(), st.floats(1, 200)),
    users=st.one_of(st.none(), st.sets(st.sampled_from(["alice", "bob", "carol", "dave"]), min_size=1)),
    load_scale=st.one_of(st.just(1.0), st.floats(0.05, 4.0)),
    horizon=st.one_of(st.none(), st.floats(0.5, 200)),
    time_scale=st.sampled_from([0.1, 1.0, 3.0]),
    seed=st.integers(0, 2**16),
)
def test_every_trace_row_is_accounted_for(accounting_trace, start, length, users, load_scale, horizon,
                                          time_scale, seed):
    trace = {"on_error": "skip", "start_s": start, "end_s": None if length is None else (start or 0) + length,
             "users": sorted(users) if users else None, "load_scale": load_scale, "time_scale": time_scale,
             "jitter_s": 5.0, "horizon_s": horizon}
    cfg = config(accounting_trace, **trace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceSkipWarning)
        results = run(cfg, seed=seed)
    s = results.summary
    left, right = accounted(s)
    assert left == right, s
    assert s["trace_rows_read"] == 17
    assert s["trace_rows_filtered"] == sum(s["trace_filtered_by_reason"].values())
    assert set(s["trace_filtered_by_reason"]) <= {"before_window", "after_window", "user", "thinned"}
    if load_scale <= 1:
        assert s["trace_copies_added"] == 0
    if load_scale >= 1:
        assert "thinned" not in s["trace_filtered_by_reason"]
