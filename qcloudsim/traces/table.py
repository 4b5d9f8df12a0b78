"""The canonical job table: schema, streaming validated reader, atomic writer.

One row per job; the format is specified for users in ``traces/FORMAT.md``
(this module is that spec in code: :data:`COLUMNS`). Times are seconds.

Reading is streamed: :func:`read_table` yields validated pandas chunks of at
most ``chunksize`` rows (``pandas.read_csv(chunksize=...)`` for CSV, possibly
gzip/bz2/xz/zstd compressed; ``pyarrow.parquet.ParquetFile.iter_batches`` for
Parquet), so a trace of any length is read in memory proportional to the
chunk size. Two checks need state across chunks:

* **unique job ids**: ids seen so far are kept in :class:`IdSet`, a packed
  bitmap for ids in ``[0, 2**28)`` (one bit per id up to the largest id seen:
  at most 32 MiB, 125 kB for a million dense ids) and a Python ``set`` for
  larger ids (about 60 bytes per id);
* **non-decreasing submit times**: the last kept ``submit_s``.

Every problem raises :class:`TraceError` naming the file, the position
(``line N``: the 1-based physical line of a CSV, header included, assuming
one line per record; ``row N``: the 0-based row index of a Parquet file) and
the column. With ``on_error="skip"`` bad rows are dropped instead, counted by
reason in the reader's :class:`SkipReport`, and a :class:`TraceSkipWarning`
is issued at the end of the trace: skipping is never silent.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

OnError = Literal["raise", "skip"]

TIME_UNITS: dict[str, float] = {
    "s": 1.0,
    "ms": 1e-3,
    "us": 1e-6,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
}
"""Accepted time units and their length in seconds."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the canonical job table.

    Attributes:
        name: Column name.
        kind: ``"int"``, ``"float"`` or ``"str"``.
        unit: Physical unit (``"s"`` for times, ``""`` for counts and labels).
        required: Whether every row must carry a value.
        minimum: Smallest allowed value of a numeric column.
        doc: Meaning.
    """

    name: str
    kind: Literal["int", "float", "str"]
    unit: str = ""
    required: bool = False
    minimum: float | None = 0
    doc: str = ""


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("job_id", "int", required=True, doc="unique integer job id"),
    ColumnSpec("submit_s", "float", "s", required=True, doc="submit time, non-decreasing"),
    ColumnSpec("user", "str", doc="submitting user (default 'user0')"),
    ColumnSpec("group", "str", doc="user's group / project (default 'default')"),
    ColumnSpec("circuit", "str", doc="family reference like 'qft_12' or a QASM path"),
    ColumnSpec("num_qubits", "int", minimum=1, doc="logical qubits (width)"),
    ColumnSpec("depth", "int", doc="circuit depth (layers)"),
    ColumnSpec("num_2q_gates", "int", doc="two-qubit gates"),
    ColumnSpec("depth_2q", "int", doc="layers holding a two-qubit gate"),
    ColumnSpec("num_1q_gates", "int", doc="single-qubit gates"),
    ColumnSpec("num_measured", "int", doc="measured qubits"),
    ColumnSpec("shots", "int", minimum=1, doc="shots per circuit (default: replay option)"),
    ColumnSpec("circuits", "int", minimum=1, doc="circuits in the job (default 1)"),
    ColumnSpec("deadline_s", "float", "s", doc="absolute deadline"),
    ColumnSpec("priority", "int", minimum=None, doc="larger is more urgent (default 0)"),
    ColumnSpec("program_id", "str", doc="hybrid program / batch / session id"),
    ColumnSpec("iteration", "int", doc="iteration within the program"),
    ColumnSpec("recorded_queue_s", "float", "s", doc="queue time recorded in production"),
    ColumnSpec("recorded_run_s", "float", "s", doc="run (QPU) time recorded in production"),
    ColumnSpec("recorded_device", "str", doc="backend that ran the job in production"),
    ColumnSpec("recorded_status", "str", doc="final status recorded in production"),
)
"""The canonical columns, in canonical order."""

SPECS: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
SIZE_COLUMNS = ("num_qubits", "depth", "num_2q_gates")
"""Profile columns a row needs when it has no ``circuit`` reference."""
TIME_COLUMNS = tuple(c.name for c in COLUMNS if c.unit == "s")

REASONS = {
    "missing": "required value missing",
    "non_numeric": "value is not a number",
    "non_integer": "value is not an integer",
    "negative": "value is negative",
    "out_of_range": "value below the column's minimum",
    "no_circuit": "neither 'circuit' nor num_qubits/depth/num_2q_gates given",
    "duplicate_id": "job id already used",
    "unsorted": "submit time earlier than the previous job's",
    "bad_timestamp": "timestamp cannot be parsed",
    "bad_record": "record cannot be parsed",
    "missing_file": "referenced file does not exist",
    "missing_run_time": "runtime 'recorded' needs recorded_run_s",
    "bad_circuit": "circuit reference or sizes cannot be profiled",
    "too_few_fields": "record has fewer fields than the format requires",
}
"""Skip / error reasons and their meaning."""


class TraceError(ValueError):
    """A trace file is malformed.

    The message reads ``"<file>, line 12, column 'shots': value is negative (-5)"``.

    Attributes:
        path: The trace file.
        position: ``"line N"`` (CSV / text, 1-based) or ``"row N"`` (Parquet,
            0-based), or ``None`` for whole-file problems.
        column: Offending column, or ``None``.
        reason: Key of :data:`REASONS` (or ``"file"`` for whole-file problems).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        detail: str | None = None,
        *,
        position: str | None = None,
        column: str | None = None,
        reason: str = "file",
    ) -> None:
        if detail is None:  # rebuilt from its message (SimPy re-raises process errors so)
            self.path, self.position, self.column, self.reason = "", None, None, reason
            super().__init__(str(path))
            return
        self.path = str(path)
        self.position = position
        self.column = column
        self.reason = reason
        where = [self.path]
        if position is not None:
            where.append(position)
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {detail}")


class TraceSkipWarning(UserWarning):
    """Rows of a trace were skipped (``on_error="skip"``); see the :class:`SkipReport`."""


@dataclass
class SkipReport:
    """What ``on_error="skip"`` dropped, by reason.

    Attributes:
        path: The trace file.
        rows: Rows read.
        kept: Rows yielded.
        counts: Skipped rows per reason (keys of :data:`REASONS`).
        examples: The first :attr:`max_examples` problems as error messages
            (file, position, column, detail).
        max_examples: How many examples to keep.
    """

    path: str = ""
    rows: int = 0
    kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    max_examples: int = 10

    @property
    def skipped(self) -> int:
        """Total rows skipped."""
        return sum(self.counts.values())

    def add(self, reason: str, n: int, examples: Sequence[str]) -> None:
        """Count ``n`` skipped rows for ``reason`` and keep a few example messages."""
        if n <= 0:
            return
        self.counts[reason] = self.counts.get(reason, 0) + n
        room = self.max_examples - len(self.examples)
        if room > 0:
            self.examples.extend(examples[:room])

    def summary(self) -> str:
        """One-line human summary."""
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items()))
        return f"{self.path}: skipped {self.skipped} of {self.rows} rows ({parts})"


class IdSet:
    """Set of non-negative integer ids with vectorised membership (see module doc).

    Ids below ``bitmap_limit`` live in a packed bitmap that grows to the
    largest id seen (1 bit per id); larger ids go to a Python set.
    """

    def __init__(self, bitmap_limit: int = 1 << 28) -> None:
        self.bitmap_limit = bitmap_limit
        self._bits = np.zeros(1024, dtype=np.uint8)
        self._large: set[int] = set()

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """Boolean mask: which of ``ids`` (int64, >= 0) were added before."""
        ids = np.asarray(ids, dtype=np.int64)
        small = ids < self.bitmap_limit
        out = np.zeros(len(ids), dtype=bool)
        s = ids[small]
        byte = s >> 3
        inside = byte < len(self._bits)
        hit = np.zeros(len(s), dtype=bool)
        hit[inside] = (self._bits[byte[inside]] >> (s[inside] & 7).astype(np.uint8)) & 1 == 1
        out[small] = hit
        if not small.all():
            large = self._large
            out[~small] = [int(i) in large for i in ids[~small]]
        return out

    def add(self, ids: np.ndarray) -> None:
        """Add ``ids`` (int64, >= 0)."""
        ids = np.asarray(ids, dtype=np.int64)
        small = ids < self.bitmap_limit
        s = ids[small]
        if len(s):
            need = int(s.max() >> 3) + 1
            if need > len(self._bits):
                grown = np.zeros(max(need, 2 * len(self._bits)), dtype=np.uint8)
                grown[: len(self._bits)] = self._bits
                self._bits = grown
            np.bitwise_or.at(self._bits, s >> 3, (1 << (s & 7)).astype(np.uint8))
        if not small.all():
            self._large.update(int(i) for i in ids[~small])


class RowValidator:
    """Validates canonical chunks in order, keeping the cross-chunk state.

    Adapters use it too, passing the source positions of their rows.

    Args:
        path: Trace file (for messages).
        on_error: ``"raise"`` or ``"skip"``.
        report: Where skipped rows are counted.
        position_kind: ``"line"`` (values are 1-based lines) or ``"row"``.
        base_dir: Directory that relative QASM paths in ``circuit`` are
            resolved against (``None``: leave them as they are).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_error: OnError,
        report: SkipReport,
        position_kind: str = "line",
        base_dir: Path | None = None,
    ) -> None:
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        self.path = str(path)
        self.on_error = on_error
        self.report = report
        self.position_kind = position_kind
        self.base_dir = base_dir
        self.ids = IdSet()
        self.last_submit = -np.inf
        self._paths: dict[str, str] = {}

    # -- reporting ---------------------------------------------------------------

    def where(self, pos: int) -> str:
        """``"line N"`` or ``"row N"``."""
        return f"{self.position_kind} {pos}"

    def reject(
        self,
        bad: np.ndarray,
        positions: np.ndarray,
        column: str | None,
        reason: str,
        detail: Callable[[int], str] | str | None = None,
    ) -> np.ndarray:
        """Raise for the first ``bad`` row, or count them and return the keep mask.

        Args:
            bad: Boolean mask of offending rows.
            positions: Source position of every row.
            column: Offending column.
            reason: Key of :data:`REASONS`.
            detail: Message suffix, or a function of the row index giving one.

        Returns:
            ``~bad`` (only reached with ``on_error="skip"`` or no bad rows).
        """
        idx = np.flatnonzero(bad)
        if len(idx) == 0:
            return ~bad

        def message(i: int) -> str:
            extra = detail(i) if callable(detail) else detail
            return REASONS.get(reason, reason) + (f" ({extra})" if extra else "")

        if self.on_error == "raise":
            i = int(idx[0])
            raise TraceError(
                self.path, message(i), position=self.where(int(positions[i])), column=column, reason=reason
            )
        room = self.report.max_examples - len(self.report.examples)
        examples = [
            str(TraceError(self.path, message(int(i)), position=self.where(int(positions[i])), column=column))
            for i in idx[: max(room, 0)]
        ]
        self.report.add(reason, len(idx), examples)
        return ~bad

    # -- validation --------------------------------------------------------------

    def validate(self, frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
        """Check one chunk; return the canonical, typed chunk of the good rows.

        Args:
            frame: Chunk with canonical column names (extra columns are dropped).
            positions: Source position of each row (see ``position_kind``).

        Returns:
            The good rows, canonical columns only, in canonical order: int
            columns ``int64`` (``Int64`` when optional values are missing),
            float columns ``float64``, string columns ``str``/``object`` with
            missing values as NaN.

        Raises:
            TraceError: First problem found (``on_error="raise"``).
        """
        n = len(frame)
        self.report.rows += n
        frame = frame.reset_index(drop=True)
        positions = np.asarray(positions)
        keep = np.ones(n, dtype=bool)
        out: dict[str, object] = {}
        for spec in COLUMNS:
            if spec.name not in frame.columns:
                continue
            raw = frame[spec.name]
            if spec.kind == "str":
                values = raw.astype(object).where(raw.notna(), np.nan)
                if spec.required:
                    keep &= self.reject(raw.isna().to_numpy() & keep, positions, spec.name, "missing")
                out[spec.name] = values
                continue
            values, ok = self._numeric(raw, spec, positions, keep)
            keep &= ok
            out[spec.name] = values
        if "job_id" not in out:
            raise TraceError(self.path, "required column 'job_id' is missing", column="job_id")
        if "submit_s" not in out:
            raise TraceError(self.path, "required column 'submit_s' is missing", column="submit_s")
        keep &= self._check_circuit(out, positions, keep)
        keep &= self._check_ids(np.asarray(out["job_id"]), positions, keep)
        keep &= self._check_order(np.asarray(out["submit_s"], dtype=float), positions, keep)
        self._resolve_paths(out, keep)
        result = pd.DataFrame(out)
        if not keep.all():
            result = result[keep].reset_index(drop=True)
        self.report.kept += len(result)
        return _finalise_dtypes(result)

    def _numeric(
        self, raw: pd.Series, spec: ColumnSpec, positions: np.ndarray, keep: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            values = raw.to_numpy(dtype=float, na_value=np.nan)
            non_numeric = np.zeros(len(raw), dtype=bool)
        else:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            non_numeric = np.isnan(values) & raw.notna().to_numpy()
        ok = np.ones(len(raw), dtype=bool)
        name = spec.name

        def shown(i: int) -> str:
            return f"got {raw.iloc[i]!r}"

        ok &= self.reject(non_numeric & keep, positions, name, "non_numeric", shown)
        missing = np.isnan(values) & ~non_numeric
        if spec.required:
            ok &= self.reject(missing & keep & ok, positions, name, "missing")
        present = ~np.isnan(values)
        ok &= self.reject(np.isinf(values) & keep & ok, positions, name, "non_numeric", shown)
        if spec.minimum is not None:
            with np.errstate(invalid="ignore"):
                negative = present & (values < 0) & (spec.minimum >= 0)
                low = present & (values < spec.minimum) & ~negative
            ok &= self.reject(negative & keep & ok, positions, name, "negative", shown)
            ok &= self.reject(low & keep & ok, positions, name, "out_of_range",
                              lambda i: f"got {raw.iloc[i]!r}, minimum {spec.minimum:g}")
        if spec.kind == "int":
            with np.errstate(invalid="ignore"):
                frac = present & np.isfinite(values) & (values != np.floor(values))
            ok &= self.reject(frac & keep & ok, positions, name, "non_integer", shown)
        return values, ok

    def _check_circuit(self, out: dict, positions: np.ndarray, keep: np.ndarray) -> np.ndarray:
        n = len(positions)
        has_circuit = (
            pd.notna(out["circuit"]).to_numpy() if "circuit" in out else np.zeros(n, dtype=bool)
        )
        has_sizes = np.ones(n, dtype=bool)
        for name in SIZE_COLUMNS:
            has_sizes &= ~np.isnan(out[name]) if name in out else False
        missing_cols = [c for c in SIZE_COLUMNS if c not in out]
        column = "circuit" if not missing_cols else None
        detail = f"columns {', '.join(missing_cols)} absent" if missing_cols and "circuit" not in out else None
        return self.reject(~has_circuit & ~has_sizes & keep, positions, column, "no_circuit", detail)

    def _check_ids(self, ids_f: np.ndarray, positions: np.ndarray, keep: np.ndarray) -> np.ndarray:
        ids = np.where(keep, ids_f, -1).astype(np.int64)
        kept_ids = ids[keep]
        dup = np.zeros(len(ids), dtype=bool)
        if len(kept_ids):
            within = pd.Series(kept_ids).duplicated().to_numpy()
            before = self.ids.contains(kept_ids)
            dup[keep] = within | before
        good = self.reject(dup, positions, "job_id", "duplicate_id", lambda i: f"id {int(ids[i])}")
        self.ids.add(ids[keep & good])
        return good

    def _check_order(self, submit: np.ndarray, positions: np.ndarray, keep: np.ndarray) -> np.ndarray:
        if not keep.any():
            return keep.copy()
        s = np.where(keep, submit, -np.inf)
        running = np.maximum.accumulate(np.concatenate(([self.last_submit], s)))[:-1]
        bad = keep & (submit < running)

        def detail(i: int) -> str:
            return f"{submit[i]!r} s after {running[i]!r} s"

        good = self.reject(bad, positions, "submit_s", "unsorted", detail)
        kept = submit[keep & good]
        if len(kept):
            self.last_submit = max(self.last_submit, float(kept.max()))
        return good

    def _resolve_paths(self, out: dict, keep: np.ndarray) -> None:
        if self.base_dir is None or "circuit" not in out:
            return
        col = out["circuit"]
        cache = self._paths

        def resolve(value: object) -> object:
            if not isinstance(value, str):
                return value
            hit = cache.get(value)
            if hit is None:
                hit = value
                if _looks_like_path(value) and not os.path.isabs(value):
                    hit = str(self.base_dir / value)
                cache[value] = hit
            return hit

        out["circuit"] = col.map(resolve)


_FAMILY_REF = re.compile(r"^[A-Za-z][A-Za-z0-9]*_\d+(?:_seed\d+)?$")


def _looks_like_path(value: str) -> bool:
    """A ``circuit`` value is a file path unless it looks like ``family_12``."""
    return not _FAMILY_REF.match(value)


def _finalise_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    for name in frame.columns:
        spec = SPECS[name]
        if spec.kind == "int":
            col = frame[name]
            if col.isna().any():
                frame[name] = col.astype("Int64")
            else:
                frame[name] = col.astype(np.int64)
    return frame


# -- reading --------------------------------------------------------------------


class TraceReader:
    """Iterable of validated canonical chunks; :attr:`report` holds what was skipped.

    Iterate it once. Subclasses (the adapters) implement :meth:`raw_chunks`.

    Args:
        path: The trace file.
        on_error: ``"raise"`` or ``"skip"``.
        chunksize: Rows per chunk (>= 1).
        position_kind: ``"line"`` or ``"row"`` (see :class:`TraceError`).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_error: OnError = "raise",
        chunksize: int = 100_000,
        position_kind: str = "line",
    ) -> None:
        self.path = Path(path)
        if chunksize < 1:
            raise ValueError(f"chunksize must be >= 1, got {chunksize}")
        self.chunksize = chunksize
        self.report = SkipReport(path=str(self.path))
        self.validator = RowValidator(self.path, on_error, self.report, position_kind, self.path.parent)
        self.scales: dict[str, float] = {}

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """``(chunk with canonical column names, source positions)`` pairs."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[pd.DataFrame]:
        if not self.path.exists():
            raise TraceError(self.path, "file does not exist")
        yield from validated(self.raw_chunks(), self.validator, self.scales)


class TableReader(TraceReader):
    """Reader of a canonical table (see :func:`read_table`)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_error: OnError = "raise",
        chunksize: int = 100_000,
        units: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(path, on_error, chunksize, "row" if _is_parquet(Path(path)) else "line")
        self.scales = time_unit_scales(units or {}, self.path)

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        if _is_parquet(self.path):
            return _parquet_chunks(self.path, self.chunksize)
        return _csv_chunks(self.path, self.chunksize, self.validator)


def read_table(
    path: str | os.PathLike[str],
    *,
    on_error: OnError = "raise",
    chunksize: int = 100_000,
    units: Mapping[str, str] | None = None,
) -> TableReader:
    """Stream a canonical job table (CSV, compressed CSV, or Parquet) in validated chunks.

    Args:
        path: ``.csv`` (optionally ``.gz``/``.bz2``/``.xz``/``.zst``) or ``.parquet``.
        on_error: ``"raise"`` at the first bad row, or ``"skip"`` bad rows
            (counted in ``reader.report``, warned about at the end).
        chunksize: Rows per chunk.
        units: Unit of time columns whose values are not in seconds, e.g.
            ``{"submit_s": "min"}`` (see :data:`TIME_UNITS`); values are
            converted to seconds.

    Returns:
        A :class:`TableReader`: iterate it for ``pandas.DataFrame`` chunks;
        afterwards ``reader.report`` is the :class:`SkipReport`.

    Raises:
        TraceError: (during iteration) a bad row, a missing required column,
            an empty trace, an unreadable or truncated file; (at once) an
            unknown unit.
    """
    return TableReader(path, on_error, chunksize, units)


def time_unit_scales(units: Mapping[str, str], path: str | os.PathLike[str]) -> dict[str, float]:
    """Seconds per unit for each time column named in ``units``.

    Raises:
        TraceError: A column that is not a canonical time column, or an unknown unit.
    """
    scales = {}
    for column, unit in units.items():
        if column not in TIME_COLUMNS:
            raise TraceError(
                path, f"units given for {column!r}, which is not a time column; time columns: "
                f"{', '.join(TIME_COLUMNS)}", column=column, reason="unknown_unit",
            )
        if unit not in TIME_UNITS:
            raise TraceError(
                path, f"unknown unit {unit!r}; allowed: {', '.join(TIME_UNITS)}", column=column,
                reason="unknown_unit",
            )
        scales[column] = TIME_UNITS[unit]
    return scales


def validated(
    raw_chunks: Iterator[tuple[pd.DataFrame, np.ndarray]],
    validator: RowValidator,
    scales: Mapping[str, float] | None = None,
) -> Iterator[pd.DataFrame]:
    """Validate ``(chunk, positions)`` pairs; raise on an empty trace; warn when rows were skipped.

    Args:
        raw_chunks: Chunks with canonical column names and their source positions.
        validator: Holds the cross-chunk state and the report.
        scales: Seconds per unit of time columns to convert (applied before validation).

    Yields:
        Non-empty validated chunks.
    """
    path = validator.path
    try:
        for frame, positions in raw_chunks:
            for column, scale in (scales or {}).items():
                if column in frame.columns and scale != 1.0:
                    frame[column] = _scale(frame[column], scale)
            chunk = validator.validate(frame, positions)
            if len(chunk):
                yield chunk
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise TraceError(path, f"truncated or corrupt compressed file ({exc})") from exc
    report = validator.report
    if report.rows == 0:
        raise TraceError(path, "empty trace: no job rows")
    if report.skipped:
        warnings.warn(report.summary(), TraceSkipWarning, stacklevel=3)
    if report.kept == 0:
        raise TraceError(path, f"empty trace: every row was skipped ({report.summary()})")


def _scale(col: pd.Series, scale: float) -> pd.Series:
    """Multiply numbers by ``scale``, leaving non-numeric text for the validator to report."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return col * scale
    numbers = pd.to_numeric(col, errors="coerce")
    return col.astype(object).where(numbers.isna(), numbers * scale)


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _csv_chunks(
    path: Path, chunksize: int, validator: RowValidator
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    try:
        reader = pd.read_csv(
            path, chunksize=chunksize, dtype=str, keep_default_na=False, na_values=[""],
            skipinitialspace=True, compression="infer", on_bad_lines=bad_lines_mode(validator),
        )
    except pd.errors.EmptyDataError as exc:
        raise TraceError(path, "empty trace: no header and no rows") from exc
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise TraceError(path, f"truncated or corrupt compressed file ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(path, f"cannot read the file ({exc})") from exc
    for frame, positions in parsed_chunks(reader, validator, first_line=2):  # line 1: header
        frame.columns = [str(c).strip() for c in frame.columns]
        yield frame, positions


def bad_lines_mode(validator: RowValidator) -> str:
    """``on_bad_lines`` for pandas: records with too many fields raise, or warn (to be counted)."""
    return "error" if validator.on_error == "raise" else "warn"


_BAD_LINE = re.compile(r"line (\d+)")


def parsed_chunks(
    reader: Iterator[pd.DataFrame], validator: RowValidator, first_line: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Chunks of a pandas text reader with the physical line of each row.

    Records with too many fields raise :class:`TraceError` naming the line, or
    (skip mode, ``on_bad_lines="warn"``) are counted as ``bad_record``.
    Lines are exact when every record is one line and no comment or blank
    lines sit between records.
    """
    path = validator.path
    line = first_line
    with reader:  # type: ignore[attr-defined]
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    frame = next(reader)
                except StopIteration:
                    frame = None
                except pd.errors.ParserError as exc:
                    text = str(exc).strip().replace("\n", " ")
                    match = _BAD_LINE.search(text)
                    raise TraceError(
                        path, f"malformed record ({text})", reason="bad_record",
                        position=f"line {match.group(1)}" if match else None,
                    ) from exc
                except UnicodeDecodeError as exc:
                    raise TraceError(path, f"not valid UTF-8 text ({exc})") from exc
            skipped: list[int] = []
            for w in caught:
                if issubclass(w.category, pd.errors.ParserWarning):
                    skipped += [int(m) for m in _BAD_LINE.findall(str(w.message))]
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if skipped:
                validator.report.rows += len(skipped)
                validator.report.add("bad_record", len(skipped), [
                    str(TraceError(path, f"{REASONS['bad_record']} (too many fields)",
                                   position=f"line {n}")) for n in skipped
                ])
            if frame is None:
                return
            lines = np.arange(line, line + len(frame) + len(skipped))
            if skipped:
                lines = lines[~np.isin(lines, skipped)]
            positions = lines[: len(frame)]
            line = (max(int(positions[-1]) if len(positions) else line - 1, max(skipped, default=0))) + 1
            yield frame, positions


def _parquet_chunks(path: Path, chunksize: int) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise TraceError(path, f"not a readable Parquet file ({exc})") from exc
    names = set(file.schema_arrow.names)
    columns = [c.name for c in COLUMNS if c.name in names]
    start = 0
    try:
        for batch in file.iter_batches(batch_size=chunksize, columns=columns):
            frame = batch.to_pandas()
            positions = np.arange(start, start + len(frame))
            start += len(frame)
            yield frame, positions
    except (pa.ArrowInvalid, OSError) as exc:
        raise TraceError(path, f"corrupt Parquet file after row {start} ({exc})") from exc


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__


# -- writing --------------------------------------------------------------------


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a job table as CSV or Parquet (chosen by suffix), atomically.

    The table goes to a temporary file in the target directory that then
    replaces ``path`` (``os.replace``), so readers never see a partial file.
    Canonical columns come first in canonical order; other columns follow.

    Args:
        frame: The table (canonical column names).
        path: ``.csv``, ``.csv.gz`` (any pandas compression suffix) or ``.parquet``.

    Returns:
        The written path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    order = [c.name for c in COLUMNS if c.name in frame.columns]
    order += [c for c in frame.columns if c not in SPECS]
    frame = frame[order]
    suffix = "".join(target.suffixes[-2:]) if len(target.suffixes) > 1 else target.suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        if _is_parquet(target):
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, compression="infer")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
