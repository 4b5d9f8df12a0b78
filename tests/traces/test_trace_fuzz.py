"""Fuzzing the trace loaders (slow suite): hostile files of every format load or fail by name.

Hypothesis writes random bytes, CSV-like text (random headers, delimiters,
quotes, huge numbers, NaN, negatives, unicode), truncated gzip and truncated
or oddly typed Parquet, SWF-like records and QASM lists, then loads each
through the path ``qcloudsim run`` uses (:func:`qcloudsim.build.build_workload`,
every job built, the summary report asked for) in both ``on_error`` modes.
Every input must load, or raise :class:`~qcloudsim.traces.table.TraceError`
naming the file: no other exception, no warning other than
:class:`~qcloudsim.traces.table.TraceSkipWarning` (a NumPy overflow would be
one), no hang (a per-example deadline).
"""

from __future__ import annotations

import gzip
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qcloudsim.build import build_workload
from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.ibm import DEFAULT_MAPPING
from qcloudsim.traces.table import COLUMNS, TraceError, TraceSkipWarning

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=200, deadline=5000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

NASTY = [
    "", " ", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e30", "1e308", "-0", "0", "1", "-1", "+1",
    "1.0", "1.5", "0x10", "1_000", "١٢", "9223372036854775807", "9223372036854775808",
    "18446744073709551616", "9007199254740993", "1" * 60, "qft_5", "ghz_3", "xyz_3", "qft_1",
    "qft_99999999999999999999", "random_8_seed999999999999999999999999", "good.qasm", "bad.qasm",
    "missing.qasm", "../../etc/passwd", "/", "2024-03-04T10:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01",
    "2024-13-45", "DONE", '"', '""', "'", "\x00", ";", ",", "\t", "|", "#", "é", "\u202e", "\ufeff",
]
CELL = st.one_of(
    st.sampled_from(NASTY),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(0, 1e6).map(lambda x: f"{x:.3f}"),
    st.text(max_size=8),
)
NAMES = [c.name for c in COLUMNS] + sorted(set(DEFAULT_MAPPING.values())) + ["path", "width", "extra"]
HEADER = st.lists(st.one_of(st.sampled_from(NAMES), st.text(max_size=6)), min_size=1, max_size=10)
DELIMITER = st.sampled_from([",", ";", "\t", "|", " ", ":"])
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_text(draw: st.DrawFn, names: list[str] | None = None) -> bytes:
    """CSV-like text: a (random or given) header and ragged rows of hostile cells, maybe cut short."""
    header = names if names is not None else draw(HEADER)
    sep, newline = draw(DELIMITER), draw(NEWLINE)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 2), max_size=8))
    quote = draw(st.booleans())
    cell = (lambda c: '"' + c.replace('"', '""') + '"') if quote else (lambda c: c)
    text = newline.join(sep.join(cell(c) for c in row) for row in [header, *rows]) + newline
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


GOOD = {
    "job_id": st.integers(0, 50).map(str),
    "circuit": st.sampled_from(["ghz_3", "qft_4", "wstate_2", "", "good.qasm", "bad.qasm"]),
    "user": st.sampled_from(["alice", "bob", ""]),
    "num_qubits": st.integers(1, 8).map(str),
    "depth": st.integers(0, 30).map(str),
    "num_2q_gates": st.integers(0, 30).map(str),
    "depth_2q": st.integers(0, 30).map(str),
    "num_measured": st.integers(0, 8).map(str),
    "shots": st.integers(1, 4000).map(str),
    "circuits": st.integers(1, 4).map(str),
    "priority": st.integers(-5, 5).map(str),
    "date": st.integers(0, 10**6).map(lambda s: (pd.Timestamp("2024-03-04", tz="UTC")
                                                 + pd.Timedelta(seconds=s)).isoformat()),
    "qubits": st.integers(1, 8).map(str),
    "machine": st.sampled_from(["ibm_kyiv", "ibm_osaka"]),
    "status": st.sampled_from(["DONE", "ERROR"]),
    "path": st.sampled_from(["good.qasm", "good.qasm", "bad.qasm", "missing.qasm"]),
}
TIME = st.floats(0, 100).map(lambda x: f"{x:.2f}")


@st.composite
def plausible_rows(draw: st.DrawFn, names: list[str]) -> bytes:
    """CSV text with the format's own columns and mostly valid rows, some with one hostile cell."""
    rows = []
    for i in range(draw(st.integers(1, 8))):
        row = [f"{10 * i + draw(st.integers(0, 9))}" if name == "submit_s" else draw(GOOD.get(name, TIME))
               for name in names]
        if draw(st.booleans()):
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
        rows.append(",".join(f'"{c}"' if "," in c or '"' in c else c for c in row))
    return ("\n".join([",".join(names), *rows]) + "\n").encode("utf-8", errors="surrogatepass")


@st.composite
def compressed(draw: st.DrawFn, inner: st.SearchStrategy[bytes]) -> bytes:
    """Gzip of ``inner``, maybe truncated or with flipped bytes."""
    data = gzip.compress(draw(inner))
    cut = draw(st.integers(0, len(data)))
    if draw(st.booleans()):
        data = data[:cut]
    elif draw(st.booleans()) and data:
        data = data[:cut] + bytes([data[cut % len(data)] ^ 0xFF]) + data[cut + 1 :]
    return data


PARQUET_VALUES = {
    "int": st.integers(-(2**63), 2**63 - 1),
    "uint": st.integers(0, 2**64 - 1),
    "float": st.floats(allow_nan=True, allow_infinity=True),
    "str": st.one_of(st.sampled_from(NASTY), st.text(max_size=8)),
    "bool": st.booleans(),
}
DTYPES = {"int": np.int64, "uint": np.uint64, "float": np.float64, "str": object, "bool": bool}


@st.composite
def parquet_bytes(draw: st.DrawFn) -> bytes:
    """A Parquet file of canonical (and other) columns with random types, maybe truncated.

    Half the files carry good ``job_id``/``submit_s``/``circuit`` columns, so
    the randomly typed others get validated.
    """
    n = draw(st.integers(0, 6))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8, unique=True))
    columns: dict[str, object] = {}
    if draw(st.booleans()):
        columns = {"job_id": np.arange(n, dtype=np.int64), "submit_s": np.arange(n, dtype=float),
                   "circuit": pd.Series(["ghz_3"] * n, dtype=object)}
        names = [name for name in names if name not in columns]
    for name in names:
        kind = draw(st.sampled_from(sorted(PARQUET_VALUES)))
        values = draw(st.lists(PARQUET_VALUES[kind], min_size=n, max_size=n))
        columns[name] = np.array(values, dtype=DTYPES[kind]) if kind != "str" else pd.Series(values, dtype=object)
    buffer = io.BytesIO()
    pd.DataFrame(columns).to_parquet(buffer, index=False)
    data = buffer.getvalue()
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def swf_records(draw: st.DrawFn) -> bytes:
    """Mostly valid 18-field SWF records, some with one hostile field."""
    lines = ["; Version: 2.2"]
    for i in range(draw(st.integers(1, 8))):
        fields = [str(i + 1), str(10 * i), "5", "3", str(draw(st.integers(-1, 64))), "-1", "-1",
                  str(draw(st.integers(-1, 64))), "-1", "-1", str(draw(st.integers(-1, 5))),
                  str(draw(st.integers(-1, 9))), "1", "-1", "-1", "-1", "-1", "-1"]
        if draw(st.booleans()):
            fields[draw(st.integers(0, 17))] = draw(SWF_TOKEN)
        lines.append(" ".join(fields))
    return ("\n".join(lines) + "\n").encode()


SWF_TOKEN = st.one_of(st.sampled_from(["-1", "0", "1", "5", "1e400", "nan", "-0", "x", "1.5", "99999999999999999999"]),
                      st.integers(-(2**40), 2**40).map(str), st.floats(-1e20, 1e20).map(repr))


@st.composite
def swf_text(draw: st.DrawFn) -> bytes:
    """SWF-like text: ``;`` header lines and whitespace-separated records of 0-20 fields."""
    header = draw(st.lists(st.sampled_from(["; Version: 2.2", "; MaxJobs: 3", ";", "; é: \x00"]), max_size=3))
    records = draw(st.lists(st.lists(SWF_TOKEN, max_size=20), max_size=8))
    lines = header + [" ".join(r) for r in records]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "; a comment between records")
    return ("\n".join(lines) + "\n").encode()


QASM_PATH = st.sampled_from(["good.qasm", "bad.qasm", "missing.qasm", "/etc", "a b.qasm", "", "\x00x"])


@st.composite
def qasm_list_text(draw: st.DrawFn) -> bytes:
    """``<submit_s> <path>`` lines with hostile times and paths."""
    lines = [draw(st.sampled_from([f"{i} good.qasm", f"{draw(CELL)} {draw(QASM_PATH)}", draw(CELL)]))
             for i in range(draw(st.integers(0, 6)))]
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    (path / "good.qasm").write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n')
    (path / "bad.qasm").write_bytes(b"\x00\xffOPENQASM 9;\nqreg")
    return path


def load(path: Path, fmt: str) -> None:
    """Build the workload as ``qcloudsim run`` does, in both modes; only named TraceErrors may escape."""
    for on_error in ("raise", "skip"):
        config = ExperimentConfig.model_validate({
            "name": "fuzz", "fleet": ["ibm_brisbane"],
            "workload": {"trace": {"path": str(path), "format": fmt, "on_error": on_error}},
        })
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.simplefilter("ignore", TraceSkipWarning)
            try:
                source = build_workload(config, SeedStreams(0))
                for _ in source.jobs:
                    pass
                summary = source.report()
            except TraceError as exc:
                assert path.name in str(exc), f"{type(exc).__name__} without the file name: {exc}"
                event(f"{on_error}: TraceError {exc.reason}")
                continue
        event(f"{on_error}: loaded")
        assert summary["trace_rows_read"] >= summary["trace_rows_skipped"]


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), csv_text(), plausible_rows([c.name for c in COLUMNS[:12]]),
                      plausible_rows(["job_id", "submit_s", "circuit", "shots", "num_qubits", "depth",
                                      "num_2q_gates", "priority"])),
       fmt=st.sampled_from(["canonical", "auto"]))
def test_canonical_csv_loads_or_names_the_file(folder, data, fmt):
    load(write(folder, "fuzz.csv", data), fmt)


@FUZZ
@given(data=compressed(st.one_of(csv_text(), plausible_rows(["job_id", "submit_s", "circuit", "shots"]))))
def test_canonical_gzip_loads_or_names_the_file(folder, data):
    load(write(folder, "fuzz.csv.gz", data), "canonical")


@FUZZ
@given(data=st.one_of(parquet_bytes(), st.binary(max_size=400)))
def test_canonical_parquet_loads_or_names_the_file(folder, data):
    load(write(folder, "fuzz.parquet", data), "canonical")


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), csv_text(),
                      plausible_rows(sorted(set(DEFAULT_MAPPING.values())))))
def test_ibm_export_loads_or_names_the_file(folder, data):
    load(write(folder, "fuzz_ibm.csv", data), "ibm")


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), swf_text(), swf_records(), compressed(swf_records())),
       gz=st.booleans())
def test_swf_loads_or_names_the_file(folder, data, gz):
    load(write(folder, "fuzz.swf.gz" if gz else "fuzz.swf", data), "swf")


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), qasm_list_text(), csv_text(["submit_s", "path"]),
                      csv_text(["submit_s", "path", "job_id", "shots"]),
                      plausible_rows(["submit_s", "path", "shots"])),
       suffix=st.sampled_from([".txt", ".csv"]))
def test_qasm_list_loads_or_names_the_file(folder, data, suffix):
    load(write(folder, f"fuzz_list{suffix}", data), "qasm_list")
