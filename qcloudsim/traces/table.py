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

**Bounds.** Every numeric column is bounded (:attr:`ColumnSpec.maximum`,
from :mod:`qcloudsim.limits`): a larger value is the row error
``too_large``, so no overflow or giant allocation can happen later.

**Job ids** are parsed exactly, never through float64: text ids are decimal
numbers with an exact integer value (``12``, ``+12``, ``12.0`` and ``1.2e1``
are all job 12; ``12.5`` is ``non_integer``), within ``[0, MAX_JOB_ID]``
(``bad_job_id`` otherwise). A float column (Parquet) carries ids exactly
only up to ``2**53``; larger float ids are ``bad_job_id``.

**Delimiters.** CSV traces may be separated by ``,``, ``;``, tab or ``|``:
the delimiter is the one found most often in the header line
(:func:`sniff_delimiter`).
"""

from __future__ import annotations

import csv
import gzip
import lzma
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from qcloudsim.limits import (
    MAX_CIRCUITS_PER_JOB,
    MAX_DURATION_S,
    MAX_JOB_ID,
    MAX_JOBS,
    MAX_QUBITS,
    MAX_SHOTS,
    MAX_TIME_S,
)

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
        maximum: Largest allowed value of a numeric column (in seconds for
            time columns, after unit conversion).
        doc: Meaning.
    """

    name: str
    kind: Literal["int", "float", "str"]
    unit: str = ""
    required: bool = False
    minimum: float | None = 0
    maximum: float | None = None
    doc: str = ""


MAX_GATES = 10**12
"""Largest depth or gate count of one circuit (a 10⁵-qubit circuit 10⁷ layers deep)."""

MAX_PRIORITY = 10**9
"""Largest priority magnitude (priorities are compared, never summed)."""


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("job_id", "int", required=True, maximum=MAX_JOB_ID, doc="unique integer job id"),
    ColumnSpec("submit_s", "float", "s", required=True, maximum=MAX_TIME_S, doc="submit time, non-decreasing"),
    ColumnSpec("user", "str", doc="submitting user (default 'user0')"),
    ColumnSpec("group", "str", doc="user's group / project (default 'default')"),
    ColumnSpec("circuit", "str", doc="family reference like 'qft_12' or a QASM path"),
    ColumnSpec("num_qubits", "int", minimum=1, maximum=MAX_QUBITS, doc="logical qubits (width)"),
    ColumnSpec("depth", "int", maximum=MAX_GATES, doc="circuit depth (layers)"),
    ColumnSpec("num_2q_gates", "int", maximum=MAX_GATES, doc="two-qubit gates"),
    ColumnSpec("depth_2q", "int", maximum=MAX_GATES, doc="layers holding a two-qubit gate"),
    ColumnSpec("num_1q_gates", "int", maximum=MAX_GATES, doc="single-qubit gates"),
    ColumnSpec("num_measured", "int", maximum=MAX_QUBITS, doc="measured qubits"),
    ColumnSpec("shots", "int", minimum=1, maximum=MAX_SHOTS, doc="shots per circuit (default: replay option)"),
    ColumnSpec("circuits", "int", minimum=1, maximum=MAX_CIRCUITS_PER_JOB, doc="circuits in the job (default 1)"),
    ColumnSpec("deadline_s", "float", "s", maximum=MAX_TIME_S, doc="absolute deadline"),
    ColumnSpec("priority", "int", minimum=-MAX_PRIORITY, maximum=MAX_PRIORITY,
               doc="larger is more urgent (default 0)"),
    ColumnSpec("program_id", "str", doc="hybrid program / batch / session id"),
    ColumnSpec("iteration", "int", maximum=MAX_JOBS, doc="iteration within the program"),
    ColumnSpec("recorded_queue_s", "float", "s", maximum=MAX_DURATION_S, doc="queue time recorded in production"),
    ColumnSpec("recorded_run_s", "float", "s", maximum=MAX_DURATION_S, doc="run (QPU) time recorded in production"),
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
    "too_large": "value above the column's maximum",
    "bad_job_id": "job id is not an exact integer in [0, 2**63 - 1]",
    "unknown_family": "unknown circuit family",
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
        filtered: Rows the replay options removed, by reason (not errors;
            :data:`qcloudsim.traces.replay.FILTER_REASONS`; replay only).
        copies_added: Jobs the replay added as ``load_scale`` copies (replay only).
    """

    path: str = ""
    rows: int = 0
    kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    max_examples: int = 10
    filtered: dict[str, int] = field(default_factory=dict)
    copies_added: int = 0

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

    def merge(self, other: SkipReport) -> SkipReport:
        """A report of both stages of one trace: ``rows`` of ``self`` (the reader), the rest summed."""
        merged = SkipReport(path=self.path, rows=self.rows, kept=self.kept, max_examples=self.max_examples)
        for report in (self, other):
            merged.add_counts(report.counts)
            merged.examples.extend(report.examples[: merged.max_examples - len(merged.examples)])
            for reason, n in report.filtered.items():
                merged.filtered[reason] = merged.filtered.get(reason, 0) + n
            merged.copies_added += report.copies_added
        return merged

    def add_counts(self, counts: Mapping[str, int]) -> None:
        """Add skip counts by reason (no examples)."""
        for reason, n in counts.items():
            self.counts[reason] = self.counts.get(reason, 0) + n


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
        self._refs: dict[object, tuple[str, str] | None] = {}

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
        *,
        whole: bool = False,
    ) -> np.ndarray:
        """Raise for the first ``bad`` row, or count them and return the keep mask.

        Args:
            bad: Boolean mask of offending rows.
            positions: Source position of every row.
            column: Offending column.
            reason: Key of :data:`REASONS`.
            detail: Message suffix, or a function of the row index giving one.
            whole: ``detail`` is the whole message (not a suffix of the reason's text).

        Returns:
            ``~bad`` (only reached with ``on_error="skip"`` or no bad rows).
        """
        idx = np.flatnonzero(bad)
        if len(idx) == 0:
            return ~bad

        def message(i: int) -> str:
            extra = detail(i) if callable(detail) else detail
            if whole and extra:
                return extra
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
        for name in ("job_id", "submit_s"):
            if name not in frame.columns:
                found = ", ".join(repr(str(c)) for c in frame.columns)
                raise TraceError(
                    self.path, f"required column {name!r} is missing; the header has the columns {found}",
                    column=name,
                )
        for spec in COLUMNS:
            if spec.name not in frame.columns:
                continue
            raw = frame[spec.name]
            if spec.kind == "str":
                if spec.required:
                    keep &= self.reject(raw.isna().to_numpy() & keep, positions, spec.name, "missing")
                out[spec.name] = shared_objects(raw)
                continue
            if spec.name == "job_id":
                values, ok = self._job_ids(raw, positions, keep)
            else:
                values, ok = self._numeric(raw, spec, positions, keep)
            keep &= ok
            out[spec.name] = values
        keep &= self._check_circuit(out, positions, keep)
        keep &= self._check_families(out, positions, keep)
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
        values, non_numeric = to_floats(raw)
        ok = np.ones(len(raw), dtype=bool)
        name = spec.name

        def shown(i: int) -> str:
            return f"got {plain(raw.iloc[i])}"

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
                              lambda i: f"got {plain(raw.iloc[i])}, minimum {plain(spec.minimum)}")
        if spec.maximum is not None:
            with np.errstate(invalid="ignore"):
                high = present & (values > spec.maximum)
            unit = " s" if spec.unit == "s" else ""
            ok &= self.reject(high & keep & ok, positions, name, "too_large",
                              lambda i: f"got {plain(values[i])}{unit}, maximum {plain(spec.maximum)}{unit}")
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

    def _job_ids(
        self, raw: pd.Series, positions: np.ndarray, keep: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact int64 ids (0 where bad) and the mask of rows whose id is good."""
        ids, problems = parse_ids(raw)
        ok = np.ones(len(raw), dtype=bool)
        for reason in ("missing", "non_numeric", "non_integer", "bad_job_id"):
            mask = problems == reason
            if mask.any():
                ok &= self.reject(mask & keep & ok, positions, "job_id", reason,
                                  lambda i: f"got {plain(raw.iloc[i])}")
        return ids, ok

    def _check_families(self, out: dict, positions: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Reject ``family_N`` references to unknown families or sizes out of the family's range."""
        if "circuit" not in out:
            return np.ones(len(positions), dtype=bool)
        col = out["circuit"]
        present = col.notna().to_numpy() & keep
        if not present.any():
            return np.ones(len(positions), dtype=bool)
        bad: dict[object, tuple[str, str]] = {}
        for value in pd.unique(col[present]):
            problem = self._refs[value] if value in self._refs else family_problem(value)
            if len(self._refs) < 100_000:
                self._refs[value] = problem
            if problem is not None:
                bad[value] = problem
        ok = np.ones(len(positions), dtype=bool)
        for reason in ("unknown_family", "bad_circuit"):
            values = [v for v, (r, _) in bad.items() if r == reason]
            if values:
                mask = col.isin(values).to_numpy() & present & ok
                ok &= self.reject(mask, positions, "circuit", reason,
                                  lambda i: bad[col.iloc[i]][1], whole=reason == "unknown_family")
        return ok

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
            return f"{plain(submit[i])} s after {plain(running[i])} s"

        good = self.reject(bad, positions, "submit_s", "unsorted", detail)
        kept = submit[keep & good]
        if len(kept):
            self.last_submit = max(self.last_submit, float(kept.max()))
        return good

    def _resolve_paths(self, out: dict, keep: np.ndarray) -> None:
        base_dir = self.base_dir
        if base_dir is None or "circuit" not in out:
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
                    hit = str(base_dir / value)
                cache[value] = hit
            return hit

        # each distinct value once: a column of family references (the usual case) stays as it is
        if any(resolve(value) != value for value in pd.unique(col.dropna())):
            out["circuit"] = col.map(resolve)


_FAMILY_REF = re.compile(r"^(?P<family>[A-Za-z][A-Za-z0-9]*)_(?P<n>\d+)(?:_seed\d+)?$")


def _looks_like_path(value: str) -> bool:
    """A ``circuit`` value is a file path unless it looks like ``family_12``."""
    return not _FAMILY_REF.match(value)


def family_problem(value: object) -> tuple[str, str] | None:
    """``(reason, message)`` when ``value`` is a ``family_N`` reference that cannot be profiled.

    A reference to an unregistered family is ``unknown_family`` (unless a
    file of that name exists: then it is a QASM path); a size outside the
    family's range is ``bad_circuit``. Anything else is left to the replay.
    """
    if not isinstance(value, str):
        return None
    match = _FAMILY_REF.match(value)
    if match is None:
        return None
    from qcloudsim.circuits.families import FAMILIES, family_spec

    family, size = match["family"], match["n"]
    if family not in FAMILIES:
        if os.path.exists(value):
            return None
        return "unknown_family", (
            f"unknown circuit family {family!r} (in {value!r}); known families: {', '.join(FAMILIES)}"
        )
    if len(size) > 9:
        return "bad_circuit", f"{value!r}: {size[:12]}... qubits is far too many"
    try:
        family_spec(family, int(size))
    except ValueError as exc:
        return "bad_circuit", f"{value!r}: {exc}"
    return None


def plain(value: object) -> str:
    """A value as a user would write it: ``5``, ``2.5``, ``1e+30``, ``'abc'``.

    NumPy scalars are shown as Python numbers (never ``np.float64(5.0)``);
    integral floats without their ``.0``; text quoted (and cut at 60 characters).
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return str(value)


def shared_objects(raw: pd.Series) -> pd.Series:
    """``raw`` as an object column with NaN for missing values, equal strings as one shared object.

    A column of text (pandas ``str`` dtype, as read from CSV or Parquet) is
    dictionary-encoded, so a chunk holds one Python string per distinct
    value instead of one per row, and so do the jobs and result rows made
    from it. Other columns are converted value by value (``astype(object)``).
    """
    if not isinstance(raw.dtype, pd.StringDtype):
        return raw.astype(object).where(raw.notna(), np.nan)
    codes, uniques = pd.factorize(raw)  # missing values get code -1: the last entry of ``values``
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = list(uniques)
    values[-1] = np.nan
    return pd.Series(values[codes], index=raw.index, dtype=object)


def to_floats(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(float64 values with NaN for missing, mask of present values that are not numbers)``."""
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(raw), dtype=bool)
    try:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError, OverflowError):  # objects pandas cannot coerce (lists, bytes...)
        values = np.array([_float_or_nan(v) for v in raw], dtype=float)
    return values, np.isnan(values) & raw.notna().to_numpy(dtype=bool)


def _float_or_nan(value: object) -> float:
    if isinstance(value, (str, int, float, np.number)) and not isinstance(value, bool):
        try:
            return float(value)
        except (ValueError, OverflowError):
            return np.nan
    return np.nan


# -- job ids ----------------------------------------------------------------------

_FLOAT_EXACT = 2**53
"""Largest integer a float64 holds exactly with all smaller ones."""

_PLAIN_ID = r"\+?[0-9]{1,18}"
"""Ids written as at most 18 digits: exact in int64, parsed vectorised."""

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_ids(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Job ids parsed exactly (never through float64), and a problem per row.

    Args:
        raw: The ``job_id`` column: text (CSV), integers or floats (Parquet, adapters).

    Returns:
        ``(ids, problems)``: int64 ids (0 where there is a problem) and per
        row ``""`` or the :data:`REASONS` key of the problem (``missing``,
        ``non_numeric``, ``non_integer``, ``bad_job_id``).
    """
    problems = np.full(len(raw), "", dtype="U11")
    dtype = raw.dtype
    if pd.api.types.is_integer_dtype(dtype):
        return _integer_ids(raw, problems)
    if pd.api.types.is_float_dtype(dtype):
        return _float_ids(raw.to_numpy(dtype=float, na_value=np.nan), problems)
    return _text_ids(raw, problems)


def _integer_ids(raw: pd.Series, problems: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    missing = raw.isna().to_numpy(dtype=bool)
    if pd.api.types.is_unsigned_integer_dtype(raw.dtype):
        unsigned = raw.to_numpy(dtype=np.uint64, na_value=0)
        problems[unsigned > np.uint64(MAX_JOB_ID)] = "bad_job_id"
        ids = np.where(problems == "", unsigned, 0).astype(np.int64)
    else:
        ids = raw.to_numpy(dtype=np.int64, na_value=0)
        problems[ids < 0] = "bad_job_id"
    problems[missing] = "missing"
    return np.where(problems == "", ids, 0), problems


def _float_ids(values: np.ndarray, problems: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    finite = np.isfinite(values)
    with np.errstate(invalid="ignore"):
        fraction = finite & (values != np.floor(values))
        outside = finite & ~fraction & ((values < 0) | (values > _FLOAT_EXACT))
    problems[np.isnan(values)] = "missing"
    problems[np.isinf(values)] = "non_numeric"
    problems[fraction] = "non_integer"
    problems[outside] = "bad_job_id"
    good = problems == ""
    ids = np.zeros(len(values), dtype=np.int64)
    ids[good] = values[good].astype(np.int64)
    return ids, problems


def _text_ids(raw: pd.Series, problems: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Text ids: one vectorised parse when all are plain integers, else plain ones vectorised, the rest one by one."""
    try:
        numbers = pd.to_numeric(raw, errors="raise")
    except (TypeError, ValueError, OverflowError):
        numbers = None
    if numbers is not None and numbers.dtype == np.int64:
        ids = numbers.to_numpy()
        problems[ids < 0] = "bad_job_id"
        return np.where(ids < 0, 0, ids), problems
    ids = np.zeros(len(raw), dtype=np.int64)
    missing = raw.isna().to_numpy(dtype=bool)
    problems[missing] = "missing"
    rows = np.flatnonzero(~missing)
    text = raw.iloc[rows].astype(str).str.strip()
    simple = text.str.fullmatch(_PLAIN_ID).to_numpy(dtype=bool)
    if simple.any():
        ids[rows[simple]] = pd.to_numeric(text[simple]).to_numpy(dtype=np.int64)
    for i, value in zip(rows[~simple].tolist(), text[~simple].tolist(), strict=True):
        ids[i], problems[i] = parse_id_text(value)
    return ids, problems


def parse_id_text(text: str) -> tuple[int, str]:
    """``(id, "")`` for a decimal number with an exact integer value in ``[0, MAX_JOB_ID]``, else ``(0, reason)``."""
    if not _NUMBER.fullmatch(text):
        return 0, "non_numeric"
    number = Decimal(text)
    if number.is_zero():
        return 0, ""
    if number.is_signed() or number.adjusted() > 18:  # negative, or >= 10**19 > MAX_JOB_ID
        return 0, "bad_job_id"
    if number != number.to_integral_value():
        return 0, "non_integer"
    value = int(number)
    return (value, "") if value <= MAX_JOB_ID else (0, "bad_job_id")


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
        self.warn_skips = True
        """Warn about skipped rows at the end; off when a caller warns for the whole trace."""

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """``(chunk with canonical column names, source positions)`` pairs."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[pd.DataFrame]:
        if not self.path.exists():
            raise TraceError(self.path, "file does not exist")
        yield from validated(self.raw_chunks(), self.validator, self.scales, warn=self.warn_skips)


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
    *,
    warn: bool = True,
) -> Iterator[pd.DataFrame]:
    """Validate ``(chunk, positions)`` pairs; raise on an empty trace; warn when rows were skipped.

    Args:
        raw_chunks: Chunks with canonical column names and their source positions.
        validator: Holds the cross-chunk state and the report.
        scales: Seconds per unit of time columns to convert (applied before validation).
        warn: Issue the :class:`TraceSkipWarning` (off when the caller warns
            once for the whole trace, replay stage included).

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
    except (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile) as exc:
        raise TraceError(path, f"truncated or corrupt compressed file ({exc})") from exc
    except OSError as exc:
        raise TraceError(path, f"cannot read the file ({exc})") from exc
    report = validator.report
    if report.rows == 0:
        raise TraceError(path, "empty trace: no job rows")
    if report.skipped and warn:
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


DELIMITERS = (",", ";", "\t", "|")
"""Delimiters a CSV trace may use (:func:`sniff_delimiter`)."""


def sniff_delimiter(path: str | os.PathLike[str]) -> str:
    """The delimiter of a CSV file: the one of :data:`DELIMITERS` found most often in its header.

    Quoted text is ignored; ties go to the earlier delimiter of
    :data:`DELIMITERS`; a header with none of them (one column, or an
    unreadable file, reported by the real read) gives ``","``.
    """
    header = re.sub(r'"[^"]*"', "", _header_line(Path(path)))
    counts = [header.count(d) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))] if max(counts) else ","


def _header_line(path: Path) -> str:
    """The first non-blank line of a (possibly compressed) text file, ``""`` when unreadable."""
    try:
        first = pd.read_csv(
            path, sep="\x1f", header=None, nrows=1, dtype=str, quoting=csv.QUOTE_NONE,
            keep_default_na=False, compression="infer", encoding_errors="replace",
        )
    except Exception:  # noqa: BLE001 - any failure is reported by the real read
        return ""
    return "\x1f".join(str(v) for v in first.iloc[0]) if len(first) else ""


def _csv_chunks(
    path: Path, chunksize: int, validator: RowValidator
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    try:
        reader = pd.read_csv(
            path, chunksize=chunksize, dtype=str, keep_default_na=False, na_values=[""],
            skipinitialspace=True, compression="infer", on_bad_lines=bad_lines_mode(validator),
            sep=sniff_delimiter(path), index_col=False,
        )
    except pd.errors.EmptyDataError as exc:
        raise TraceError(path, "empty trace: no header and no rows") from exc
    except pd.errors.ParserError as exc:
        raise TraceError(path, f"malformed header ({_short(exc)})", position="line 1") from exc
    except (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile) as exc:
        raise TraceError(path, f"truncated or corrupt compressed file ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(path, f"cannot read the file ({exc})") from exc
    for frame, positions in parsed_chunks(reader, validator, first_line=2):  # line 1: header
        frame.columns = [str(c).strip() for c in frame.columns]
        if frame.columns.has_duplicates:
            twice = sorted(set(frame.columns[frame.columns.duplicated()]))
            raise TraceError(path, f"the header names columns more than once: {', '.join(map(repr, twice))}",
                             position="line 1", reason="bad_record")
        yield frame, positions


def bad_lines_mode(validator: RowValidator) -> Literal["error", "warn"]:
    """``on_bad_lines`` for pandas: records with too many fields raise, or warn (to be counted)."""
    return "error" if validator.on_error == "raise" else "warn"


_BAD_LINE = re.compile(r"line (\d+)")
_WIDER_THAN_HEADER = "does not match length of data"


def parsed_chunks(
    reader: Iterator[pd.DataFrame], validator: RowValidator, first_line: int
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Chunks of a pandas text reader with the physical line of each row.

    Records with too many fields raise :class:`TraceError` naming the line, or
    (skip mode, ``on_bad_lines="warn"``) are counted as ``bad_record``.
    Lines are exact when every record is one line and no comment or blank
    lines sit between records.

    The reader must use ``index_col=False`` (else pandas silently takes the
    first column as an index when the first record has one field more than
    the header, shifting every column). Pandas then measures records against
    the first one: when that one is wider than the header (beyond one
    trailing delimiter), the wider records cannot be told from good ones and
    the whole file is refused, also in skip mode.
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
                if issubclass(w.category, pd.errors.ParserWarning) and _WIDER_THAN_HEADER in str(w.message):
                    header = [] if frame is None else [str(c) for c in frame.columns]
                    raise TraceError(
                        path, f"malformed record: more fields than the header's {len(header)} columns "
                        f"({', '.join(map(repr, header))}); one delimiter at the end of "
                        "every record is allowed, more fields are not", position=f"line {first_line}",
                        reason="bad_record",
                    )
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
        # no pre-buffering of whole row groups (a trace may be one row group): memory follows the chunk size
        file = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
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
