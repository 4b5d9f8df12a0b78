"""Adapter for the Standard Workload Format (SWF) of the Parallel Workloads Archive.

An SWF file (optionally gzip-compressed) starts with ``;`` header comments
(``; Key: value``), followed by one job per line with 18 whitespace-separated
numeric fields, ``-1`` meaning unknown (Chapin et al., "Benchmarks and
standards for the evaluation of parallel job schedulers", JSSPP 1999;
https://www.cs.huji.ac.il/labs/parallel/workload/swf.html). Used here as a
real *arrival and size process*: a classical job becomes a quantum job.

=====  ======================  ==========================================
field  SWF meaning             canonical
=====  ======================  ==========================================
1      job number              ``job_id``
2      submit time (s)         ``submit_s``
3      wait time (s)           ``recorded_queue_s`` (-1 -> missing)
4      run time (s)            ``recorded_run_s`` (-1 -> missing)
5      allocated processors    processors -> ``num_qubits`` (see below)
8      requested processors    used when field 5 is -1
11     status                  ``recorded_status``: 1 completed, 0 failed,
                               5 cancelled, 2-4 partial, -1 unknown
12     user id                 ``user`` = ``"u<id>"`` (-1 -> ``"unknown"``)
13     group id                ``group`` = ``"g<id>"`` (-1 -> ``"unknown"``)
=====  ======================  ==========================================

Processors become qubits with :class:`SwfMapping`:
``num_qubits = clip(ceil(qubits_per_processor * p), min_qubits, max_qubits)``
(``scale="linear"``) or ``clip(min_qubits + ceil(log2 p), ...)``
(``scale="log2"``, which keeps the shape of power-of-two size classes in a
small qubit range). The circuit is the family reference
``f"{family}_{num_qubits}"`` (default ``qft``); with ``family=None`` the
row carries sizes only (``depth = depth_per_qubit * n``,
``num_2q_gates = round(depth * (n // 2) * two_qubit_density)``) and the
profile is synthesised (:mod:`qcloudsim.traces.profiles`). Jobs with
neither field 5 nor 8 known are reported as ``missing`` ``num_qubits``.

Positions in errors are physical lines of the (decompressed) file; the
header comments are counted, comment lines between records are not.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from qcloudsim.traces.table import OnError, TraceError, TraceReader, bad_lines_mode, parsed_chunks

FIELDS = (
    "job", "submit", "wait", "run", "alloc_procs", "avg_cpu", "used_mem", "req_procs",
    "req_time", "req_mem", "status", "user", "group", "executable", "queue", "partition",
    "preceding_job", "think_time",
)
"""The 18 SWF fields, in order."""

STATUS = {1: "completed", 0: "failed", 5: "cancelled", 2: "partial", 3: "partial", 4: "partial"}


@dataclass(frozen=True)
class SwfMapping:
    """How SWF jobs become quantum jobs (formulas in the module doc).

    Attributes:
        scale: ``"linear"`` or ``"log2"`` processors -> qubits.
        qubits_per_processor: Slope of the linear scale.
        min_qubits: Smallest qubit count (>= 2 for family circuits).
        max_qubits: Largest qubit count.
        family: Circuit family of every job, or ``None`` for synthesised sizes.
        depth_per_qubit: Depth per qubit when ``family`` is ``None``.
        two_qubit_density: Share of two-qubit slots used when ``family`` is ``None``.
        shots: Shots of every job (``None``: the replay default).
    """

    scale: Literal["linear", "log2"] = "linear"
    qubits_per_processor: float = 1.0
    min_qubits: int = 2
    max_qubits: int = 27
    family: str | None = "qft"
    depth_per_qubit: int = 4
    two_qubit_density: float = 0.5
    shots: int | None = None

    def __post_init__(self) -> None:
        if self.scale not in ("linear", "log2"):
            raise ValueError(f"SWF scale must be 'linear' or 'log2', got {self.scale!r}")
        if not 1 <= self.min_qubits <= self.max_qubits:
            raise ValueError(
                f"need 1 <= min_qubits <= max_qubits, got {self.min_qubits}, {self.max_qubits}"
            )
        if not self.qubits_per_processor > 0:
            raise ValueError(f"qubits_per_processor must be > 0, got {self.qubits_per_processor}")
        if self.family is not None:
            from qcloudsim.circuits.families import family_spec

            spec = family_spec(self.family)
            if not (spec.min_qubits <= self.min_qubits and self.max_qubits <= spec.max_qubits):
                raise ValueError(
                    f"family {self.family!r} supports {spec.min_qubits}..{spec.max_qubits} qubits; "
                    f"min_qubits/max_qubits {self.min_qubits}..{self.max_qubits} fall outside"
                )

    def qubits(self, processors: np.ndarray) -> np.ndarray:
        """Qubit counts (float, NaN where ``processors`` is unknown)."""
        p = np.where(processors > 0, processors, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.scale == "linear":
                q = np.ceil(self.qubits_per_processor * p)
            else:
                q = self.min_qubits + np.ceil(np.log2(p))
        return np.clip(q, self.min_qubits, self.max_qubits)


class SwfReader(TraceReader):
    """Reader of an SWF file (see :func:`read_swf`); ``header`` holds the ``; Key: value`` lines."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        mapping: SwfMapping | None = None,
        on_error: OnError = "raise",
        chunksize: int = 100_000,
    ) -> None:
        super().__init__(path, on_error, chunksize, "line")
        self.mapping = mapping or SwfMapping()
        self.header: dict[str, str] = {}
        self._header_lines = 0

    def _open(self):
        if self.path.suffix == ".gz":
            return gzip.open(self.path, "rt", encoding="utf-8", errors="replace")
        return open(self.path, encoding="utf-8", errors="replace")  # noqa: SIM115

    def _read_header(self) -> None:
        try:
            with self._open() as f:
                for line in f:
                    if not line.startswith(";"):
                        break
                    self._header_lines += 1
                    key, sep, value = line[1:].partition(":")
                    if sep and key.strip() and " " not in key.strip():
                        self.header[key.strip()] = value.strip()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise TraceError(self.path, f"truncated or corrupt compressed file ({exc})") from exc

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        self._read_header()
        try:
            reader = pd.read_csv(
                self.path, sep=r"\s+", header=None, names=list(FIELDS), comment=";",
                skiprows=self._header_lines, chunksize=self.chunksize, dtype=str,
                compression="infer", skip_blank_lines=True, index_col=False,
                on_bad_lines=bad_lines_mode(self.validator),
            )
        except pd.errors.EmptyDataError:
            return
        for frame, positions in parsed_chunks(reader, self.validator, self._header_lines + 1):
            yield self._convert(frame, positions)

    def _convert(self, frame: pd.DataFrame, positions: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Canonical columns for the SWF records, and their lines (short records reported)."""
        short = frame["think_time"].isna().to_numpy()
        keep = self.validator.reject(short, positions, "think_time", "too_few_fields",
                                     "an SWF record has 18 fields")
        num = {name: pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
               for name in ("wait", "run", "alloc_procs", "req_procs", "status", "user", "group")}
        procs = np.where(num["alloc_procs"] > 0, num["alloc_procs"], num["req_procs"])
        m = self.mapping
        qubits = m.qubits(procs)
        out = pd.DataFrame({
            "job_id": frame["job"].to_numpy(),
            "submit_s": frame["submit"].to_numpy(),
            "user": _labels(num["user"], "u"),
            "group": _labels(num["group"], "g"),
            "recorded_queue_s": _unknown(num["wait"], frame["wait"]),
            "recorded_run_s": _unknown(num["run"], frame["run"]),
            "recorded_status": [STATUS.get(int(s), "unknown") if np.isfinite(s) else "unknown" for s in num["status"]],
        })
        if m.family is not None:
            out["circuit"] = [f"{m.family}_{int(q)}" if q == q else None for q in qubits]
            out["num_qubits"] = qubits
        else:
            depth = qubits * m.depth_per_qubit
            out["num_qubits"] = qubits
            out["depth"] = depth
            out["num_2q_gates"] = np.round(depth * (qubits // 2) * m.two_qubit_density)
        if m.shots is not None:
            out["shots"] = m.shots
        # jobs with no known processor count cannot be sized
        unknown = np.isnan(qubits)
        keep &= self.validator.reject(unknown & keep, positions, "num_qubits", "missing",
                                      "SWF fields 5 and 8 (processors) both unknown")
        if not keep.all():
            # rows reported here never reach the validator: count them as read
            self.report.rows += int((~keep).sum())
            out, positions = out[keep].reset_index(drop=True), positions[keep]
        return out, positions


def _labels(values: np.ndarray, prefix: str) -> list[str]:
    """``prefix<id>`` for known ids (0 <= id < 2**63; -1, NaN and absurd values are ``"unknown"``)."""
    return [f"{prefix}{int(v)}" if 0 <= v < 2**63 else "unknown" for v in values]


def _unknown(values: np.ndarray, raw: pd.Series) -> np.ndarray:
    """-1 (unknown) becomes NaN; other text is passed on for the validator to check."""
    return raw.where(values != -1, None).to_numpy(dtype=object)


def read_swf(
    path: str | os.PathLike[str],
    mapping: SwfMapping | None = None,
    *,
    on_error: OnError = "raise",
    chunksize: int = 100_000,
) -> SwfReader:
    """Stream an SWF file (``.swf`` or ``.swf.gz``) as canonical chunks (see module doc).

    Args:
        path: The SWF file.
        mapping: Processors -> qubits and circuit choice.
        on_error: ``"raise"`` or ``"skip"`` (counted in ``reader.report``).
        chunksize: Rows per chunk.

    Returns:
        An iterable :class:`SwfReader`; ``reader.header`` and ``reader.report``
        are filled while iterating.
    """
    return SwfReader(path, mapping, on_error, chunksize)

