"""Canonical table: validation errors, skip reports, round-trips."""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcloudsim.traces.table import (
    COLUMNS,
    IdSet,
    SkipReport,
    TraceError,
    TraceSkipWarning,
    read_table,
    write_table,
)

HEADER = "job_id,submit_s,user,circuit,num_qubits,depth,num_2q_gates,shots\n"
GOOD = [
    "1,0.0,alice,qft_5,,,,100",
    "2,1.0,bob,,4,10,3,200",
    "3,2.5,alice,ghz_3,,,,",
]


def write(tmp_path: Path, rows: list[str], name: str = "t.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n")
    return path


def read_all(path: Path, **kwargs) -> pd.DataFrame:
    return pd.concat(list(read_table(path, **kwargs)), ignore_index=True)


def test_good_csv_reads_typed(tmp_path):
    frame = read_all(write(tmp_path, GOOD))
    assert frame["job_id"].tolist() == [1, 2, 3]
    assert frame["submit_s"].dtype == np.float64
    assert frame["num_qubits"].dtype == "Int64"


@pytest.mark.parametrize(
    ("row", "line_column", "reason"),
    [
        ("4,3.0,alice,qft_5,,,,-5", "line 5, column 'shots'", "negative"),
        ("4,3.0,alice,qft_5,,,,abc", "line 5, column 'shots'", "not a number"),
        ("4,3.0,alice,qft_5,,,,1.5", "line 5, column 'shots'", "not an integer"),
        ("4,,alice,qft_5,,,,10", "line 5, column 'submit_s'", "missing"),
        ("4,3.0,alice,,4,,3,10", "line 5", "neither 'circuit'"),
        ("2,3.0,alice,qft_5,,,,10", "line 5, column 'job_id'", "already used"),
        ("4,1.0,alice,qft_5,,,,10", "line 5, column 'submit_s'", "earlier than"),
        ("4,3.0,alice,qft_5,,,,0", "line 5, column 'shots'", "minimum"),
        ("4,-3.0,alice,qft_5,,,,10", "line 5, column 'submit_s'", "negative"),
    ],
)
def test_bad_row_names_file_line_column(tmp_path, row, line_column, reason):
    path = write(tmp_path, [*GOOD, row])
    with pytest.raises(TraceError) as info:
        read_all(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert line_column in message
    assert reason in message


def test_malformed_record_names_line(tmp_path):
    path = write(tmp_path, [*GOOD, "4,3.0,alice,qft_5,,,,10,extra,fields"])
    with pytest.raises(TraceError, match=r"t\.csv, line 5: malformed record"):
        read_all(path)


def test_skip_counts_by_reason_and_warns(tmp_path):
    rows = [
        *GOOD,
        "4,3.0,alice,qft_5,,,,-5",  # negative
        "5,3.0,alice,qft_5,,,,abc",  # non_numeric
        "2,3.0,alice,qft_5,,,,10",  # duplicate
        "6,1.0,alice,qft_5,,,,10",  # unsorted
        "7,,alice,qft_5,,,,10",  # missing
        "8,4.0,alice,,,,,10",  # no circuit
        "9,4.0,alice,qft_5,,,,10,x",  # bad record (too many fields)
        "10,5.0,bob,qft_5,,,,10",
    ]
    reader = read_table(write(tmp_path, rows), on_error="skip", chunksize=3)
    with pytest.warns(TraceSkipWarning, match="skipped 7 of 11"):
        frame = pd.concat(list(reader))
    assert frame["job_id"].tolist() == [1, 2, 3, 10]
    assert reader.report.counts == {
        "negative": 1, "non_numeric": 1, "duplicate_id": 1, "unsorted": 1, "missing": 1,
        "no_circuit": 1, "bad_record": 1,
    }
    assert reader.report.kept == 4 and reader.report.rows == 11
    assert any("line 5, column 'shots'" in e for e in reader.report.examples)
    assert any("line 11" in e for e in reader.report.examples)
    assert any("line 12" not in e for e in reader.report.examples)


def test_positions_after_skipped_bad_record_stay_exact(tmp_path):
    rows = [*GOOD, "4,3.0,a,qft_5,,,,10,x", "5,4.0,a,qft_5,,,,-1"]
    reader = read_table(write(tmp_path, rows), on_error="skip", chunksize=2)
    with pytest.warns(TraceSkipWarning):
        list(reader)
    assert any("line 6, column 'shots'" in e for e in reader.report.examples)


def test_duplicate_ids_across_chunks(tmp_path):
    rows = [f"{i},{i}.0,u,qft_3,,,,10" for i in range(10)] + ["3,20.0,u,qft_3,,,,10"]
    with pytest.raises(TraceError, match=r"line 12, column 'job_id'.*id 3"):
        read_all(write(tmp_path, rows), chunksize=4)


def test_unsorted_across_chunks(tmp_path):
    rows = [f"{i},{i}.0,u,qft_3,,,,10" for i in range(10)] + ["10,5.0,u,qft_3,,,,10"]
    with pytest.raises(TraceError, match=r"line 12, column 'submit_s'.*earlier"):
        read_all(write(tmp_path, rows), chunksize=4)


def test_missing_required_column(tmp_path):
    path = write(tmp_path, ["1,qft_3"], header="job_id,circuit\n")
    with pytest.raises(TraceError, match="column 'submit_s'.*missing"):
        read_all(path)


def test_empty_trace(tmp_path):
    with pytest.raises(TraceError, match="empty trace"):
        read_all(write(tmp_path, [], header=HEADER))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(TraceError, match="empty trace"):
        read_all(empty)


def test_all_rows_skipped_is_an_error(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TraceSkipWarning)
        with pytest.raises(TraceError, match="every row was skipped"):
            read_all(write(tmp_path, ["1,-1,u,qft_3,,,,10"]), on_error="skip")


def test_unknown_unit_and_unit_conversion(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(TraceError, match="column 'submit_s'.*unknown unit 'fortnights'"):
        read_table(path, units={"submit_s": "fortnights"})
    with pytest.raises(TraceError, match="column 'shots'.*not a time column"):
        read_table(path, units={"shots": "s"})
    frame = read_all(path, units={"submit_s": "min"})
    assert frame["submit_s"].tolist() == [0.0, 60.0, 150.0]


def test_truncated_gzip(tmp_path):
    rows = [f"{i},{i}.0,u,qft_3,,,,10" for i in range(5000)]
    data = gzip.compress((HEADER + "\n".join(rows) + "\n").encode())
    path = tmp_path / "t.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TraceError, match=r"t\.csv\.gz: truncated or corrupt"):
        read_all(path, chunksize=1000)


def test_missing_file(tmp_path):
    with pytest.raises(TraceError, match="does not exist"):
        read_all(tmp_path / "nope.csv")


@pytest.mark.parametrize("name", ["t.csv", "t.csv.gz", "t.parquet"])
def test_round_trip(tmp_path, name):
    frame = pd.DataFrame({
        "job_id": [5, 7, 9],
        "submit_s": [0.0, 0.5, 2.0],
        "user": ["a", "b", "a"],
        "group": ["g", "g", "h"],
        "circuit": ["qft_4", None, "ghz_3"],
        "num_qubits": [None, 4, None],
        "depth": [None, 12, None],
        "num_2q_gates": [None, 6, None],
        "shots": [100, 200, 300],
        "circuits": [1, 2, 1],
        "deadline_s": [10.0, None, 30.0],
        "priority": [0, -1, 2],
        "program_id": [None, "p1", "p1"],
        "iteration": [None, 0, 1],
        "recorded_queue_s": [1.0, 2.0, None],
        "recorded_run_s": [3.0, None, 4.0],
        "recorded_device": ["ibm_a", "ibm_b", None],
        "recorded_status": ["DONE", "ERROR", None],
    })
    path = write_table(frame, tmp_path / name)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # temp file replaced
    back = read_all(path)
    assert list(back.columns) == [c.name for c in COLUMNS if c.name in frame.columns]
    pd.testing.assert_frame_equal(
        back.astype(object).where(back.notna(), None),
        frame.astype(object).where(frame.notna(), None),
        check_dtype=False,
    )


def test_parquet_errors_name_row(tmp_path):
    frame = pd.DataFrame({"job_id": [1, 2, 3], "submit_s": [0.0, 1.0, 2.0],
                          "circuit": ["qft_3"] * 3, "shots": [10, -1, 10]})
    path = write_table(frame, tmp_path / "t.parquet")
    with pytest.raises(TraceError, match=r"t\.parquet, row 1, column 'shots'.*negative"):
        read_all(path)


def test_idset_bitmap_and_large_ids():
    ids = IdSet(bitmap_limit=1000)
    ids.add(np.array([0, 5, 999, 10**9]))
    assert ids.contains(np.array([0, 1, 5, 999, 10**9, 10**9 + 1])).tolist() == [
        True, False, True, True, True, False]


def test_skip_report_summary():
    report = SkipReport(path="x", rows=10)
    report.add("negative", 2, ["a", "b"])
    assert report.skipped == 2 and "negative: 2" in report.summary()
