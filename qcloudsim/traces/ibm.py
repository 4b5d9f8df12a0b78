"""Adapter for IBM-Quantum-style job exports (one row per job, CSV or Parquet).

Default columns (override any with ``mapping``, canonical name -> source column):

================  ==============  ==========================================
canonical         source column   conversion
================  ==============  ==========================================
submit_s          ``date``        ISO-8601 timestamps (any zone; naive = UTC)
                                  -> seconds after the earliest job; a
                                  numeric column is taken as a time in
                                  ``units`` (default s)
recorded_run_s    ``run_time``    minutes -> s (unit overridable)
recorded_queue_s  ``queue_time``  minutes -> s (unit overridable)
recorded_device   ``machine``     backend name
recorded_status   ``status``      as is
program_id        ``batch``       batch / session id
shots             ``shots``
depth             ``depth``
num_qubits        ``qubits``      (``width`` is qubits + clbits: not used)
================  ==============  ==========================================

Exports rarely carry a two-qubit gate count; when ``num_2q_gates`` is not
mapped it is estimated as ``round(depth * (num_qubits // 2) * two_qubit_density)``
(``two_qubit_density`` of the at most ``n // 2`` two-qubit gates a layer
can hold; default 0.5). This is an assumption, not a measurement: map a
real column when there is one. ``job_id`` is the mapped integer column, or
the 0-based data row of the export.

**Order.** Exports are usually unordered (newest first, or grouped by
backend), so this adapter reads the whole export (memory O(rows): exports
are thousands to a few hundred thousand rows) and sorts it stably by submit
time before validation. The canonical reader, in contrast, rejects (or
skip-counts) unsorted submit times, because it streams. Errors name the
export's line (CSV, header = line 1) or row (Parquet).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.table import (
    SPECS,
    TIME_COLUMNS,
    TIME_UNITS,
    OnError,
    TraceError,
    TraceReader,
    _is_parquet,
    bad_lines_mode,
    parsed_chunks,
    sniff_delimiter,
)

DEFAULT_MAPPING: dict[str, str] = {
    "submit_s": "date",
    "recorded_run_s": "run_time",
    "recorded_queue_s": "queue_time",
    "recorded_device": "machine",
    "recorded_status": "status",
    "program_id": "batch",
    "shots": "shots",
    "depth": "depth",
    "num_qubits": "qubits",
}
"""Canonical column -> IBM export column."""

DEFAULT_UNITS: dict[str, str] = {"recorded_run_s": "min", "recorded_queue_s": "min", "submit_s": "s"}
"""Units of the exported time columns (``submit_s``: only when numeric)."""


class IbmReader(TraceReader):
    """Reader of an IBM-style export (see :func:`read_ibm`)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        mapping: Mapping[str, str | None] | None = None,
        units: Mapping[str, str] | None = None,
        on_error: OnError = "raise",
        chunksize: int = 100_000,
        two_qubit_density: float = 0.5,
    ) -> None:
        parquet = _is_parquet(Path(path))
        super().__init__(path, on_error, chunksize, "row" if parquet else "line")
        if not 0 <= two_qubit_density <= 1:
            raise ValueError(f"two_qubit_density must be in [0, 1], got {two_qubit_density}")
        self.two_qubit_density = two_qubit_density
        self.parquet = parquet
        if not self.path.exists():
            raise TraceError(self.path, "file does not exist")
        self.sep = "," if parquet else sniff_delimiter(self.path)
        self.source_columns = self._header()
        self.mapping = self._mapping(mapping or {})
        self.units = self._units(units or {})

    def _header(self) -> list[str]:
        try:
            if self.parquet:
                import pyarrow.parquet as pq

                names = list(pq.ParquetFile(self.path).schema_arrow.names)
            else:
                names = [str(c).strip() for c in pd.read_csv(self.path, nrows=0, sep=self.sep).columns]
        except pd.errors.EmptyDataError as exc:
            raise TraceError(self.path, "empty trace: no header and no rows") from exc
        except Exception as exc:  # noqa: BLE001 - any reader failure is a file problem
            raise TraceError(self.path, f"cannot read the export's header ({exc})") from exc
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise TraceError(self.path, f"the header names columns more than once: {', '.join(map(repr, twice))}",
                             position="line 1", reason="bad_record")
        return names

    def _mapping(self, overrides: Mapping[str, str | None]) -> dict[str, str]:
        for name in overrides:
            if name not in SPECS:
                raise TraceError(
                    self.path, f"mapping names unknown canonical column {name!r}; known: "
                    f"{', '.join(SPECS)}", column=name, reason="unknown_column",
                )
        for name, source in overrides.items():
            if source is not None and source not in self.source_columns:
                raise TraceError(
                    self.path, f"mapping {name!r} -> {source!r}: the export has no column {source!r}; "
                    f"its columns: {', '.join(self.source_columns)}", column=source, reason="unknown_column",
                )
        merged: dict[str, str] = {}
        for name, source in {**DEFAULT_MAPPING, **overrides}.items():
            if source is None:
                continue
            if source in self.source_columns:
                merged[name] = source
        if "submit_s" not in merged:
            raise TraceError(
                self.path, f"no submit time column: the export has no {DEFAULT_MAPPING['submit_s']!r} "
                f"column; map one with mapping={{'submit_s': <column>}}; its columns: "
                f"{', '.join(self.source_columns)}", column="submit_s", reason="unknown_column",
            )
        return merged

    def _units(self, overrides: Mapping[str, str]) -> dict[str, float]:
        by_source = {src: name for name, src in self.mapping.items()}
        units = dict(DEFAULT_UNITS)
        for key, unit in overrides.items():
            name = key if key in SPECS else by_source.get(key)
            if name is None or name not in TIME_COLUMNS:
                raise TraceError(
                    self.path, f"units given for {key!r}, which is not a mapped time column; time "
                    f"columns: {', '.join(n for n in self.mapping if n in TIME_COLUMNS)}",
                    column=key, reason="unknown_unit",
                )
            if unit not in TIME_UNITS:
                raise TraceError(
                    self.path, f"unknown unit {unit!r} for {key!r}; allowed: {', '.join(TIME_UNITS)}",
                    column=key, reason="unknown_unit",
                )
            units[name] = unit
        return {name: TIME_UNITS[unit] for name, unit in units.items()}

    def _read_all(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The mapped columns of the whole export and each row's line (CSV) or row (Parquet).

        CSV records with too many fields are reported like in the canonical
        reader (:func:`~qcloudsim.traces.table.parsed_chunks`).
        """
        columns = sorted(set(self.mapping.values()))
        if self.parquet:
            try:
                frame = pd.read_parquet(self.path, columns=columns)
            except (EOFError, OSError, ValueError) as exc:
                raise TraceError(self.path, f"cannot read the export ({exc})") from exc
            return frame, np.arange(len(frame))
        try:
            reader = pd.read_csv(self.path, dtype=str, keep_default_na=False, na_values=[""],
                                 skipinitialspace=True, sep=self.sep, index_col=False,
                                 chunksize=self.chunksize, on_bad_lines=bad_lines_mode(self.validator))
        except (EOFError, OSError, pd.errors.ParserError, ValueError) as exc:
            raise TraceError(self.path, f"cannot read the export ({exc})") from exc
        parts = list(parsed_chunks(reader, self.validator, first_line=2))
        frame = pd.concat([f for f, _ in parts], ignore_index=True) if parts else pd.DataFrame()
        frame.columns = [str(c).strip() for c in frame.columns]
        lines = np.concatenate([p for _, p in parts]) if parts else np.zeros(0, dtype=np.int64)
        return frame.reindex(columns=columns), lines

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        source, positions = self._read_all()
        n = len(source)
        out = pd.DataFrame(index=range(n))
        for name, column in self.mapping.items():
            if name != "submit_s":
                out[name] = source[column].to_numpy()
        for name in ("recorded_run_s", "recorded_queue_s"):
            if name in out.columns:
                numbers = pd.to_numeric(out[name], errors="coerce")
                out[name] = out[name].astype(object).where(numbers.isna(), numbers * self.units[name])
        submit, parsed = self._submit(source[self.mapping["submit_s"]], positions)
        out["submit_s"] = submit
        if "job_id" not in out.columns:
            out["job_id"] = np.arange(n)
        if "num_2q_gates" not in out.columns and "circuit" not in out.columns:
            missing = pd.Series(np.nan, index=out.index)
            q = pd.to_numeric(out["num_qubits"] if "num_qubits" in out.columns else missing, errors="coerce")
            d = pd.to_numeric(out["depth"] if "depth" in out.columns else missing, errors="coerce")
            out["num_2q_gates"] = np.round(d * (q // 2) * self.two_qubit_density)
        if not parsed.all():
            self.report.rows += int((~parsed).sum())  # counted as skipped, never reach the validator
            out, positions, submit = out[parsed], positions[parsed], submit[parsed]
        order = np.argsort(submit.to_numpy(dtype=float, na_value=np.inf), kind="stable")
        out = out.iloc[order].reset_index(drop=True)
        positions = positions[order]
        n = len(out)
        for start in range(0, n, self.chunksize):
            yield out.iloc[start : start + self.chunksize], positions[start : start + self.chunksize]

    def _submit(self, column: pd.Series, positions: np.ndarray) -> tuple[pd.Series, np.ndarray]:
        """Submit seconds and the mask of rows whose timestamp parsed (others were reported)."""
        present = column.notna().to_numpy()
        numbers = pd.to_numeric(column, errors="coerce")
        if present.any() and numbers[present].notna().all():
            return numbers * self.units.get("submit_s", 1.0), np.ones(len(column), dtype=bool)
        stamps = pd.to_datetime(column, errors="coerce", utc=True, format="ISO8601")
        bad = present & stamps.isna().to_numpy()
        keep = self.validator.reject(bad, positions, self.mapping["submit_s"], "bad_timestamp",
                                     lambda i: f"got {column.iloc[i]!r}")
        seconds = (stamps - stamps[keep].min()).dt.total_seconds()
        return seconds, keep


def read_ibm(
    path: str | os.PathLike[str],
    *,
    mapping: Mapping[str, str | None] | None = None,
    units: Mapping[str, str] | None = None,
    on_error: OnError = "raise",
    chunksize: int = 100_000,
    two_qubit_density: float = 0.5,
) -> IbmReader:
    """Read an IBM-style job export as canonical chunks (see module doc).

    Args:
        path: CSV (optionally compressed) or Parquet export.
        mapping: Canonical column -> export column; merged over
            :data:`DEFAULT_MAPPING` (``None`` unmaps a default).
        units: Unit of a time column, keyed by canonical or export name,
            e.g. ``{"run_time": "s"}`` (see :data:`~qcloudsim.traces.table.TIME_UNITS`).
        on_error: ``"raise"`` or ``"skip"`` (counted in ``reader.report``).
        chunksize: Rows per yielded chunk.
        two_qubit_density: For the ``num_2q_gates`` estimate (module doc).

    Returns:
        An iterable :class:`IbmReader` of canonical chunks with ``.report``.

    Raises:
        TraceError: Unknown canonical column or export column in ``mapping``,
            unknown unit, no submit column (at once); bad rows (iterating).
    """
    return IbmReader(path, mapping=mapping, units=units, on_error=on_error, chunksize=chunksize,
                     two_qubit_density=two_qubit_density)


def synthetic_export(count: int, streams: SeedStreams, *, start: str = "2024-03-04T00:00:00Z") -> pd.DataFrame:
    """A synthetic job export in the IBM column layout (for examples and tests).

    Arrivals: diurnal Poisson process (:func:`~qcloudsim.workload.generators.diurnal_times`,
    base rate 1 job / 5 min, busier in working hours, quieter at weekends).
    Per job: 1-27 qubits (geometric-like, small jobs common), depth 2-60 per
    qubit, shots from {1000, 4000, 8192, 20000}, run time from a log-normal
    around 0.1 min, queue time log-normal around 5 min, one of four backend
    names, status ``DONE`` (95 %), ``ERROR`` or ``CANCELLED``, batches of
    consecutive jobs. Rows are shuffled, as in real exports.

    Args:
        count: Jobs.
        streams: Random streams (``"export"`` and the generator's ``"arrivals"``).
        start: ISO timestamp of simulated time 0.

    Returns:
        Columns ``run_time, queue_time, machine, date, status, batch, shots,
        depth, width, qubits`` (times in minutes, dates ISO 8601 UTC).
    """
    from qcloudsim.workload.generators import diurnal_times

    hourly = [0.3] * 7 + [1.0, 1.6, 2.0, 2.0, 1.8, 1.4, 1.8, 2.0, 1.8, 1.5, 1.0, 0.8] + [0.5] * 5
    weekly = [1, 1, 1, 1, 0.9, 0.3, 0.25]
    times = np.fromiter(diurnal_times(1 / 300, streams, hourly=hourly, weekly=weekly, count=count), float)
    rng = streams.generator("export")
    qubits = np.minimum(1 + rng.geometric(0.18, size=count), 27)
    depth = qubits * rng.integers(2, 61, size=count)
    shots = rng.choice([1000, 4000, 8192, 20000], size=count, p=[0.3, 0.4, 0.2, 0.1])
    run_min = np.round(rng.lognormal(np.log(0.1), 0.8, size=count) * (shots / 4000) ** 0.5, 4)
    queue_min = np.round(rng.lognormal(np.log(5.0), 1.2, size=count), 3)
    machine = rng.choice(["ibm_brisbane", "ibm_kyiv", "ibm_osaka", "ibm_sherbrooke"], size=count)
    status = rng.choice(["DONE", "ERROR", "CANCELLED"], size=count, p=[0.95, 0.03, 0.02])
    batch = np.cumsum(rng.random(count) < 0.3)
    origin = pd.Timestamp(start)
    dates = (origin + pd.to_timedelta(np.round(times, 3), unit="s")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    frame = pd.DataFrame({
        "run_time": run_min,
        "queue_time": queue_min,
        "machine": machine,
        "date": dates,
        "status": status,
        "batch": [f"b{b:05d}" for b in batch],
        "shots": shots,
        "depth": depth,
        "width": 2 * qubits,
        "qubits": qubits,
    })
    return frame.iloc[rng.permutation(count)].reset_index(drop=True)
