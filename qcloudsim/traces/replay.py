"""Replay a canonical job table as a lazy stream of jobs, and compare with what was recorded.

:func:`jobs_from_table` turns validated canonical chunks (from
:func:`~qcloudsim.traces.table.read_table` or an adapter) into
:class:`~qcloudsim.workload.job.Job` objects one chunk at a time: memory is
one chunk plus the profile caches, never the whole trace. Per row, in order:

1. **window**: keep ``start_s <= submit_s < end_s`` (trace time);
2. **users**: keep rows whose ``user`` is in ``users`` (if given);
3. **load scale** ``L`` (seeded, streams ``"replay.load"`` and
   ``"replay.jitter"`` of :class:`~qcloudsim.seeding.SeedStreams`):
   ``L < 1`` keeps each job with probability ``L`` (independent Bernoulli
   thinning); ``L >= 1`` keeps every job and adds ``floor(L) - 1`` copies
   plus one more with probability ``L - floor(L)``. Copy ``k >= 1`` of job
   ``j`` arrives ``U(0, jitter_s)`` seconds after it and gets id
   ``k * COPY_ID_BASE + j``. Copies are held in a heap until the stream
   reaches their time, so the output stays sorted. One uniform draw per
   surviving row and one per copy, consumed in row order, so the result
   does not depend on the chunk size;
4. **time**: ``arrival_s = (submit_s - origin) * time_scale`` with
   ``origin = start_s`` (0 when no window start is given); ``time_scale < 1``
   compresses the trace (higher load), ``> 1`` stretches it;
5. **device map**: a recorded backend found in ``device_map`` pins the job
   to the mapped fleet device (``Job.pinned_device``);
6. **runtime**: ``"model"`` uses the simulator's runtime model;
   ``"recorded"`` sets ``Job.service_s = recorded_run_s`` (rows without
   it raise :class:`~qcloudsim.traces.table.TraceError`, or are skipped and
   counted with ``on_error="skip"``).

Job ids are the trace's ``job_id`` (unique by validation).

**Accounting.** Every row that reaches the replay is counted once in the
:class:`~qcloudsim.traces.table.SkipReport` passed as ``report``: filtered
out by the options (``report.filtered`` by :data:`FILTER_REASONS`: window,
user, thinning), skipped as an error (``report.counts``: a circuit that
cannot be profiled, a missing recorded run time, an arrival after
:data:`~qcloudsim.limits.MAX_TIME_S` once scaled, an id too large for
copies), or yielded as a job; ``report.copies_added`` counts the copies
yielded besides. So ``rows = filtered + skipped + jobs - copies_added``.
"""

from __future__ import annotations

import heapq
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from itertools import chain, repeat
from typing import Literal, cast

import numpy as np
import pandas as pd

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.limits import MAX_TIME_S
from qcloudsim.seeding import SeedStreams
from qcloudsim.traces.profiles import resolve_circuit, synthesize_profile
from qcloudsim.traces.table import REASONS, SkipReport, TraceError, TraceSkipWarning, plain
from qcloudsim.workload.job import ROOT, Job, Lineage, RecordedOutcome, Submission, new_submission

COPY_ID_BASE = 10**12
"""Id offset of load-scale copies: copy ``k`` of job ``j`` has id ``k * COPY_ID_BASE + j``."""

FILTER_REASONS = {
    "before_window": "submit time before the window's start_s",
    "after_window": "submit time at or after the window's end_s",
    "user": "user not among the replayed users",
    "thinned": "dropped by load_scale < 1 (Bernoulli thinning)",
}
"""Why the replay options removed a row (not an error: counted in ``SkipReport.filtered``)."""


@dataclass(frozen=True)
class ReplayOptions:
    """How a trace is replayed (see the module doc for the order of steps).

    Attributes:
        start_s: Window start in trace time (s), inclusive; also the time origin.
        end_s: Window end in trace time (s), exclusive (``None``: no end).
        time_scale: Multiplies (submit time - origin); ``< 1`` compresses (> 0).
        load_scale: Job multiplier: ``< 1`` Bernoulli thinning, ``> 1``
            jittered copies (> 0).
        jitter_s: Copies arrive ``U(0, jitter_s)`` s (simulated time) after their job.
        users: Keep only these users (``None``: all).
        device_map: Trace backend name -> fleet device name; mapped jobs get
            ``pinned_device``.
        runtime: ``"model"`` or ``"recorded"`` (``service_s = recorded_run_s``).
        default_shots: Shots of rows without ``shots``.
        on_error: ``"raise"`` or ``"skip"`` rows that cannot be replayed
            (missing recorded run time, bad circuit reference).
    """

    start_s: float | None = None
    end_s: float | None = None
    time_scale: float = 1.0
    load_scale: float = 1.0
    jitter_s: float = 60.0
    users: frozenset[str] | None = None
    device_map: Mapping[str, str] = field(default_factory=dict)
    runtime: Literal["model", "recorded"] = "model"
    default_shots: int = 1024
    on_error: Literal["raise", "skip"] = "raise"

    def __post_init__(self) -> None:
        if not (self.time_scale > 0 and math.isfinite(self.time_scale)):
            raise ValueError(f"time_scale must be a finite number > 0, got {self.time_scale}")
        if not (self.load_scale > 0 and math.isfinite(self.load_scale)):
            raise ValueError(f"load_scale must be a finite number > 0, got {self.load_scale}")
        if not self.jitter_s >= 0:
            raise ValueError(f"jitter_s must be >= 0, got {self.jitter_s}")
        if self.start_s is not None and self.end_s is not None and not self.end_s > self.start_s:
            raise ValueError(f"window end_s={self.end_s} must be after start_s={self.start_s}")
        if self.runtime not in ("model", "recorded"):
            raise ValueError(f"runtime must be 'model' or 'recorded', got {self.runtime!r}")
        if self.default_shots < 1:
            raise ValueError(f"default_shots must be >= 1, got {self.default_shots}")
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {self.on_error!r}")
        if self.users is not None and not isinstance(self.users, frozenset):
            object.__setattr__(self, "users", frozenset(self.users))


def jobs_from_table(
    chunks: Iterable[pd.DataFrame],
    options: ReplayOptions | None = None,
    streams: SeedStreams | None = None,
    *,
    report: SkipReport | None = None,
    path: str = "<trace>",
) -> Iterator[Job]:
    """Lazily turn validated canonical chunks into jobs sorted by arrival.

    Jobs are built :data:`BLOCK_ROWS` rows at a time and handed out one by
    one (an iterator over the blocks, so taking the next job runs no Python
    code); a row that raises (``on_error="raise"``) does so after the jobs
    of the rows before it have been handed out.

    Args:
        chunks: Canonical chunks in submit order (e.g. ``read_table(path)``).
        options: Replay options (default: replay as recorded).
        streams: Seeded streams (needed when ``load_scale != 1``).
        report: Counts rows skipped here (``options.on_error="skip"``), rows
            filtered out and copies added (module doc); use a report of its
            own, not the reader's (``rows`` counts rows seen here). Without
            one, a :class:`TraceSkipWarning` reports skipped rows.
        path: Trace name used in error messages.

    Returns:
        An iterator of jobs in non-decreasing ``arrival_s``.

    Raises:
        TraceError: (during iteration) A row that cannot be replayed (``on_error="raise"``).
        ValueError: (at the first job) ``load_scale != 1`` without ``streams``.
    """
    return chain.from_iterable(_job_blocks(chunks, options, streams, report, path))


def _job_blocks(
    chunks: Iterable[pd.DataFrame],
    options: ReplayOptions | None,
    streams: SeedStreams | None,
    report: SkipReport | None,
    path: str,
) -> Iterator[list[Job]]:
    """The jobs of :func:`jobs_from_table`, in order, in lists of at most about :data:`BLOCK_ROWS`."""
    options = options or ReplayOptions()
    if options.load_scale != 1.0 and streams is None:
        raise ValueError("load_scale != 1 needs seeded streams (SeedStreams)")
    own_report = report is None
    report = report if report is not None else SkipReport(path=path)
    load_rng = streams.generator("replay.load") if streams is not None else None
    jitter_rng = streams.generator("replay.jitter") if streams is not None else None
    builder = _JobBuilder(options, report, path)
    copying = options.load_scale > 1.0
    pending: list[tuple[float, int, Job]] = []
    for chunk in chunks:
        frame = _filter(chunk, options, report)
        report.rows += len(chunk)
        if not len(frame):
            continue
        copies = _copies(len(frame), options.load_scale, load_rng)
        _count(report.filtered, "thinned", int((copies == 0).sum()))
        for start, block, complete in builder.blocks(frame, copies):
            if not copying:  # at most one job per row: nothing is ever pending
                yield block if complete else [job for job in block if job is not None]  # type: ignore[misc]
                continue
            out: list[Job] = []
            for job, extra in zip(block, copies[start : start + len(block)].tolist(), strict=True):
                if job is None:
                    continue
                while pending and pending[0][0] <= job.arrival_s:
                    out.append(heapq.heappop(pending)[2])
                out.append(job)
                for k in range(1, extra):
                    delay = float(jitter_rng.random()) * options.jitter_s  # type: ignore[union-attr]
                    copy = builder.copy(job, k, delay)
                    heapq.heappush(pending, (copy.arrival_s, copy.id, copy))
                    report.copies_added += 1
            yield out
    yield [heapq.heappop(pending)[2] for _ in range(len(pending))]
    if own_report and report.skipped:
        warnings.warn(report.summary(), TraceSkipWarning, stacklevel=2)


def _filter(chunk: pd.DataFrame, options: ReplayOptions, report: SkipReport) -> pd.DataFrame:
    """The rows kept by the window and the user filter; the others counted in ``report.filtered``."""
    mask = np.ones(len(chunk), dtype=bool)
    submit = chunk["submit_s"].to_numpy(dtype=float)
    if options.start_s is not None:
        before = submit < options.start_s
        _count(report.filtered, "before_window", int(before.sum()))
        mask &= ~before
    if options.end_s is not None:
        after = mask & (submit >= options.end_s)
        _count(report.filtered, "after_window", int(after.sum()))
        mask &= ~after
    if options.users is not None:
        if "user" in chunk.columns:
            other = mask & ~chunk["user"].fillna("user0").isin(options.users).to_numpy(dtype=bool)
        else:
            other = mask & ("user0" not in options.users)
        _count(report.filtered, "user", int(other.sum()))
        mask &= ~other
    return chunk if mask.all() else chunk[mask]


def _count(counts: dict[str, int], reason: str, n: int) -> None:
    if n > 0:
        counts[reason] = counts.get(reason, 0) + n


def _copies(n: int, load_scale: float, rng: np.random.Generator | None) -> np.ndarray:
    """Jobs per row including the original (0: the row is thinned out)."""
    if load_scale == 1.0:
        return np.ones(n, dtype=np.int64)
    u = rng.random(n)  # type: ignore[union-attr]
    if load_scale < 1.0:
        return (u < load_scale).astype(np.int64)
    whole = math.floor(load_scale)
    return whole + (u < load_scale - whole).astype(np.int64)


BLOCK_ROWS = 128
"""Rows turned into jobs at a time. Small, so a block's jobs (four objects each) are mostly gone by the next
young garbage collection: jobs that outlive it are walked again by older ones (4096 rows took twice as long)."""

_RECORDED_FIELDS = tuple(f.name for f in fields(RecordedOutcome))
_RECORDED = Submission._fields.index("recorded")
_PROFILE = Submission._fields.index("profile")
_ID = Submission._fields.index("id")
_ARRIVAL = Submission._fields.index("arrival_s")


class _Rows:
    """The columns of one chunk in :class:`~qcloudsim.workload.job.Submission` field order.

    Args:
        values: Per field a list (one value per row) or a ``repeat`` of one value.
        recorded: The :class:`~qcloudsim.workload.job.RecordedOutcome` fields
            (lists in field order), or ``None`` when the trace recorded nothing.
        lineages: One lineage per row, or ``None``: every job is a plain one.
    """

    def __init__(self, values: list[list | repeat], recorded: list[list] | None, lineages: list | None) -> None:
        self.values = values
        self.recorded = recorded
        self.lineages = lineages
        self.ids = cast(list, values[_ID])
        self.arrival = cast(list, values[_ARRIVAL])
        self.profiles = cast(list, values[_PROFILE])

    def jobs(self, start: int, stop: int) -> list[Job]:
        """The jobs of rows ``start:stop``, built by ``map`` (no Python code per row but the records').

        Raises:
            ValueError: A job refuses a value.
        """
        values = [v[start:stop] if isinstance(v, list) else v for v in self.values]
        if self.recorded is not None:
            values[_RECORDED] = list(map(RecordedOutcome, *(c[start:stop] for c in self.recorded)))
        submissions = map(new_submission, zip(*values, strict=False))  # repeat() columns are endless
        if self.lineages is None:
            return list(map(Job, submissions))
        return list(map(Job, submissions, self.lineages[start:stop]))

    def job(self, i: int) -> Job:
        """The job of row ``i``.

        Raises:
            ValueError: A job refuses a value.
        """
        values = [v[i] if isinstance(v, list) else next(v) for v in self.values]
        if self.recorded is not None:
            values[_RECORDED] = RecordedOutcome(*(c[i] for c in self.recorded))
        return Job(new_submission(tuple(values)), ROOT if self.lineages is None else self.lineages[i])


class _JobBuilder:
    """Builds jobs from chunk columns with cached profiles.

    Blocks of rows that need no check (the usual case) are built by ``map``
    over the columns (:meth:`_Rows.jobs`); a block with a row to drop, report
    or refuse is built row by row, in order, so errors and skip examples come
    in row order.
    """

    def __init__(self, options: ReplayOptions, report: SkipReport, path: str) -> None:
        self.options = options
        self.report = report
        self.path = path
        self.origin = options.start_s or 0.0
        self.profiles: dict[object, CircuitProfile | str] = {}
        """Profile per circuit reference or sizes tuple, or why it cannot be built (the message)."""

    def _skip(self, reason: str, job_id: int, column: str | None, detail: str) -> None:
        message = f"{REASONS.get(reason, reason)} ({detail})"
        if self.options.on_error == "raise":
            raise TraceError(self.path, message, position=f"job {job_id}", column=column, reason=reason)
        self.report.add(reason, 1, [str(TraceError(self.path, message, position=f"job {job_id}", column=column))])

    def profile(self, key: object) -> CircuitProfile | str:
        """Cached profile for a circuit reference (str) or a sizes tuple, or why it cannot be built."""
        try:
            return self.profiles[key]
        except KeyError:
            pass
        profile: CircuitProfile | str
        try:
            if isinstance(key, str):
                profile = resolve_circuit(key)
            else:
                sizes = cast(tuple[int, int, int, int | None, int | None, int | None], key)
                n, d, g, d2, g1, m = sizes
                profile = synthesize_profile(n, d, g, depth_2q=d2, num_1q_gates=g1, num_measured=m)
        except ValueError as exc:
            profile = str(exc)
        if len(self.profiles) < 1_000_000:
            self.profiles[key] = profile
        return profile

    def blocks(self, frame: pd.DataFrame, copies: np.ndarray) -> Iterator[tuple[int, list[Job | None], bool]]:
        """``(first row, jobs, complete)`` for consecutive blocks of the rows of ``frame``.

        ``jobs`` has one job (or ``None`` when dropped) per row from the first
        row on; ``complete``: no ``None`` among them. With ``on_error="raise"``,
        the rows before a bad row come as a block of their own before the error.

        Args:
            frame: Filtered canonical rows.
            copies: Jobs wanted per row including the original (0: thinned out).
        """
        o = self.options
        n = len(frame)
        ids = frame["job_id"].to_numpy(dtype=np.int64)
        arrival = (frame["submit_s"].to_numpy(dtype=float) - self.origin) * o.time_scale
        keys = _profile_keys(frame, n)
        distinct = {key: self.profile(key) for key in dict.fromkeys(keys)}
        profiles = list(map(distinct.__getitem__, keys))
        recorded_runtime = o.runtime == "recorded"
        recorded_run = _float_array(frame, "recorded_run_s", n)
        # rows that need a check: thinned out, unreplayable, without profile or recorded run time
        check = (copies == 0) | (arrival > MAX_TIME_S)
        if o.load_scale > 1:  # ids at or above COPY_ID_BASE would collide with copies' ids
            check |= ids >= COPY_ID_BASE
        if any(isinstance(p, str) for p in distinct.values()):
            check |= np.fromiter((isinstance(p, str) for p in profiles), dtype=bool, count=n)
        if recorded_runtime:
            check |= np.isnan(recorded_run)
        device = _strs(frame, "recorded_device", "", n)
        pinned: list | repeat = repeat(None)
        if o.device_map:
            pinned_of = {d: o.device_map.get(d) if d else None for d in set(device)}
            pinned = list(map(pinned_of.__getitem__, device))
        columns: dict[str, list | repeat] = {
            "id": ids.tolist(),
            "arrival_s": arrival.tolist(),
            "profile": profiles,
            "shots": _ints(frame, "shots", o.default_shots, n),
            "circuits": _ints(frame, "circuits", 1, n),
            "user": _strs(frame, "user", "user0", n),
            "group": _strs(frame, "group", "default", n),
            "priority": _ints(frame, "priority", 0, n),
            "deadline_s": _floats(frame, "deadline_s", n, scale=o.time_scale, origin=self.origin),
            "service_s": recorded_run.tolist() if recorded_runtime else repeat(None),
            "pinned_device": pinned,
            "recorded": repeat(None),
        }
        recorded = None
        if any(c in frame.columns for c in _RECORDED_COLUMNS):
            parts = {"queue_s": _float_array(frame, "recorded_queue_s", n).tolist(), "run_s": recorded_run.tolist(),
                     "device": device, "status": _strs(frame, "recorded_status", "", n)}
            recorded = [parts[name] for name in _RECORDED_FIELDS]
        program, iteration = _strs(frame, "program_id", None, n), _ints(frame, "iteration", None, n)
        lineages = None
        if any(p is not None for p in program) or any(s is not None for s in iteration):
            lineages = [ROOT if p is None and s is None else Lineage(program_id=p, iteration=s)
                        for p, s in zip(program, iteration, strict=True)]
        rows = _Rows([columns[name] for name in Submission._fields], recorded, lineages)
        checked_blocks = set((np.flatnonzero(check) // BLOCK_ROWS).tolist())
        for start in range(0, n, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, n)
            if start // BLOCK_ROWS not in checked_blocks:
                try:
                    block = rows.jobs(start, stop)
                except ValueError:  # a value the validator let through but a job refuses: row by row
                    pass
                else:
                    yield start, block, True  # type: ignore[misc]
                    continue
            yield from self._rows(rows, keys, start, stop, copies, check, recorded_run)

    def _rows(
        self, rows: _Rows, keys: list, start: int, stop: int, copies: np.ndarray, check: np.ndarray,
        recorded_run: np.ndarray,
    ) -> Iterator[tuple[int, list[Job | None], bool]]:
        """Rows ``start:stop`` one by one, checked in the order of the module doc."""
        o = self.options
        copying = o.load_scale > 1
        raising = o.on_error == "raise"
        recorded_runtime = o.runtime == "recorded"
        ids, arrival, profiles = rows.ids, rows.arrival, rows.profiles
        out: list[Job | None] = []
        for i in range(start, stop):
            job_id = ids[i]
            problem: tuple[str, str | None, str] | None = None
            job = None
            if not check[i]:
                pass
            elif not copies[i]:
                out.append(None)
                continue
            elif arrival[i] > MAX_TIME_S or (copying and job_id >= COPY_ID_BASE):
                problem = self._unreplayable(job_id, arrival[i])
            elif isinstance(profiles[i], str):
                problem = "bad_circuit", "circuit" if isinstance(keys[i], str) else "num_qubits", profiles[i]
            elif recorded_runtime and math.isnan(recorded_run[i]):
                problem = "missing_run_time", "recorded_run_s", "runtime: recorded"
            if problem is None:
                try:
                    job = rows.job(i)
                except ValueError as exc:  # a value the validator let through but a job refuses
                    problem = "bad_record", None, str(exc)
            if problem is not None:
                if raising and out:
                    yield start, out, False  # the jobs of the rows before come before the error
                    start, out = i, []
                self._skip(problem[0], job_id, problem[1], problem[2])  # raises with on_error="raise"
            out.append(job)
        yield start, out, False

    def _unreplayable(self, job_id: int, arrival_s: float) -> tuple[str, str, str]:
        """Why a row cannot be replayed: its scaled arrival is too late, or its id too large for its copies."""
        if arrival_s > MAX_TIME_S:
            return ("too_large", "submit_s",
                    f"arrives at {plain(arrival_s)} s with time_scale {plain(self.options.time_scale)}, "
                    f"maximum {plain(MAX_TIME_S)} s")
        return ("bad_job_id", "job_id",
                f"with load_scale > 1, ids must be below {COPY_ID_BASE} (copies take the ids above), got {job_id}")

    def copy(self, job: Job, k: int, delay_s: float) -> Job:
        """Copy ``k`` of ``job`` arriving ``delay_s`` later (its id is below :data:`COPY_ID_BASE`)."""
        deadline = job.deadline_s
        return job.derived(
            k * COPY_ID_BASE + job.id, job.lineage, arrival_s=job.arrival_s + delay_s,
            deadline_s=None if deadline is None else deadline + delay_s,
        )


_RECORDED_COLUMNS = ("recorded_queue_s", "recorded_run_s", "recorded_device", "recorded_status")


def _ints(frame: pd.DataFrame, name: str, default: int | None, n: int, rows: np.ndarray | None = None) -> list:
    """Column ``name`` as Python ints, ``default`` where missing (only ``rows`` when given)."""
    if name not in frame.columns:
        return [default] * (n if rows is None else len(rows))
    col = frame[name]
    if col.dtype == np.int64:
        values = col.to_numpy()
        return (values if rows is None else values[rows]).tolist()
    floats = col.to_numpy(dtype=float, na_value=np.nan)
    if rows is not None:
        floats = floats[rows]
    missing = np.isnan(floats)
    out = np.where(missing, 0, floats).astype(np.int64).tolist()
    if missing.any():
        for i in np.flatnonzero(missing).tolist():
            out[i] = default
    return out


def _float_array(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    """Column ``name`` as float64, NaN where missing (all NaN without the column)."""
    if name not in frame.columns:
        return np.full(n, np.nan)
    return frame[name].to_numpy(dtype=float, na_value=np.nan)


def _floats(frame: pd.DataFrame, name: str, n: int, scale: float = 1.0, origin: float = 0.0) -> list:
    """Column ``name`` as Python floats, ``(value - origin) * scale``, ``None`` where missing."""
    if name not in frame.columns:
        return [None] * n
    values = frame[name].to_numpy(dtype=float, na_value=np.nan)
    if scale != 1.0 or origin:
        values = (values - origin) * scale
    out = values.tolist()
    for i in np.flatnonzero(np.isnan(values)).tolist():
        out[i] = None
    return out


def _strs(frame: pd.DataFrame, name: str, default: str | None, n: int) -> list:
    """Column ``name`` as objects, ``default`` where missing."""
    if name not in frame.columns:
        return [default] * n
    col = frame[name]
    missing = col.isna().to_numpy()
    out = col.astype(object).tolist()
    if missing.any():
        for i in np.flatnonzero(missing).tolist():
            out[i] = default
    return out


_SIZE_COLUMNS = ("num_qubits", "depth", "num_2q_gates", "depth_2q", "num_1q_gates", "num_measured")


def _profile_keys(frame: pd.DataFrame, n: int) -> list:
    """Per row: the circuit reference (str), else ``(n, depth, g, depth_2q, g1, measured)``."""
    keys = _strs(frame, "circuit", None, n)
    if "circuit" in frame.columns:
        rows = np.flatnonzero(frame["circuit"].isna().to_numpy())
    else:
        rows = np.arange(n)
    if len(rows):
        sizes = zip(*[_ints(frame, c, None, n, rows) for c in _SIZE_COLUMNS], strict=True)
        for i, key in zip(rows.tolist(), sizes, strict=True):
            keys[i] = key
    return keys


# -- comparison -----------------------------------------------------------------


def compare_recorded(jobs: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Simulated vs recorded queue and run times for jobs with recorded outcomes.

    Args:
        jobs: The per-job table (``JobRecorder.to_dataframe()``) with columns
            ``wait_s``, ``run_s``, ``recorded_queue_s``, ``recorded_run_s``.

    Returns:
        ``{"queue": {...}, "run": {...}}``, each with ``n`` (jobs with both
        values), ``median_rel_error`` (median of ``|sim - rec| / rec`` over
        ``rec > 0``), ``pearson`` and ``spearman`` correlations (NaN with
        fewer than 2 jobs or no variance).
    """

    out: dict[str, dict[str, float]] = {}
    for key, sim_col, rec_col in (("queue", "wait_s", "recorded_queue_s"), ("run", "run_s", "recorded_run_s")):
        if sim_col not in jobs.columns or rec_col not in jobs.columns:
            out[key] = {"n": 0, "median_rel_error": math.nan, "pearson": math.nan, "spearman": math.nan}
            continue
        sim = pd.to_numeric(jobs[sim_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        rec = pd.to_numeric(jobs[rec_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        both = np.isfinite(sim) & np.isfinite(rec)
        sim, rec = sim[both], rec[both]
        positive = rec > 0
        rel = np.abs(sim[positive] - rec[positive]) / rec[positive]
        out[key] = {
            "n": int(both.sum()),
            "median_rel_error": float(np.median(rel)) if len(rel) else math.nan,
            "pearson": _corr(sim, rec),
            "spearman": _corr(pd.Series(sim).rank().to_numpy(), pd.Series(rec).rank().to_numpy()),
        }
    return out


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])
