"""Monitors that turn engine events into tidy tables (one row per job, per interval).

A recorder appends one tuple per row to a :class:`RowBuffer`, which turns
every :data:`CHUNK_ROWS` rows into columns (numbers in numpy arrays,
strings and qubit tuples as references to objects shared between rows).
No per-row dicts and no references to finished jobs are kept, so memory
grows by about a hundred bytes per job and finished
:class:`~qcloudsim.workload.job.Job` objects can be freed.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from qcloudsim.devices.device import Device
from qcloudsim.engine.monitor import Monitor
from qcloudsim.engine.qpu import QPU, DeviceState, Run
from qcloudsim.workload.job import Job, JobStatus

JOB_COLUMNS = (
    "job_id", "user", "group", "circuit", "num_qubits", "shots", "circuits",
    "arrival_s", "start_s", "end_s", "wait_s", "run_s", "completion_s",
    "device", "qubits", "fidelity", "status", "reason", "priority", "deadline_s", "interruptions",
)
"""Columns of the per-job table, in order (always present)."""

OPTIONAL_JOB_COLUMNS = (
    "program_id", "iteration",
    "recorded_queue_s", "recorded_run_s", "recorded_device", "recorded_status",
)
"""Columns added when any job carries them (hybrid programs, trace outcomes)."""

TIMELINE_COLUMNS = ("device", "start_s", "end_s", "state", "busy_qubits", "num_qubits", "jobs")
"""Columns of the device timeline table, in order."""

CHUNK_ROWS = 8_192
"""Rows a :class:`RowBuffer` keeps as tuples before turning them into column arrays.

Small enough for a chunk's tuples to stay in the CPU cache while they are
transposed (65,536 was about 4 % slower end to end), large enough that the
per-chunk numpy arrays cost nothing."""

_NAN = float("nan")
_COMPLETED = JobStatus.COMPLETED
_STATUS_TEXT = {status: status.value for status in JobStatus}


class RowBuffer:
    """Rows appended as tuples, stored column by column in chunks.

    Appending a tuple is the cheapest way to record a row from Python; every
    :data:`CHUNK_ROWS` rows the tuples are transposed into columns: numbers
    into numpy arrays (8 bytes a value), other values into tuples of
    references to objects that are shared between rows (device and user
    names, a run's qubit tuple, small integers).

    Args:
        kinds: ``(column, kind)`` pairs in row order; kind ``f`` is a float
            (float64), ``i`` an integer (int64), ``q`` a tuple of qubit
            indices (returned as lists), ``o`` any object (strings, ``None``).
    """

    def __init__(self, kinds: Sequence[tuple[str, str]]) -> None:
        self.names = tuple(name for name, _ in kinds)
        self._kinds = tuple(kind for _, kind in kinds)
        self.rows: list[tuple] = []
        """Rows not yet turned into columns (append to it, then call :meth:`spill`)."""
        self._chunks: list[list[Any]] = []
        self._stored = 0
        self._order: tuple[np.ndarray, list[int]] | None = None

    def __len__(self) -> int:
        return self._stored + len(self.rows)

    def spill(self) -> None:
        """Turn the buffered rows into a chunk of columns once there are :data:`CHUNK_ROWS` of them."""
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        """Turn every buffered row into columns now."""
        rows = self.rows
        if not rows:
            return
        chunk: list[Any] = []
        count = len(rows)
        for kind, column in zip(self._kinds, zip(*rows, strict=False), strict=True):  # rows: one shape
            if kind == "f":
                chunk.append(np.fromiter(column, np.float64, count))
            elif kind == "i":
                chunk.append(np.fromiter(column, np.int64, count))
            else:
                chunk.append(column)
        self._chunks.append(chunk)
        self._stored += len(rows)
        rows.clear()

    def column(self, name: str, order: np.ndarray | None = None) -> Any:
        """All values of ``name``, in the order ``order`` (row positions) if given.

        Returns a numpy array (kinds ``f``, ``i``), a list of lists (``q``) or
        a list (``o``).
        """
        self.flush()
        index = self.names.index(name)
        kind = self._kinds[index]
        parts = [chunk[index] for chunk in self._chunks]
        if kind in "fi":
            values = np.concatenate(parts) if parts else np.zeros(0, np.float64 if kind == "f" else np.int64)
            return values if order is None else values[order]
        objects = list(chain.from_iterable(parts))
        if order is not None and len(objects) > 1:
            objects = list(itemgetter(*self._positions(order))(objects))
        if kind == "q":
            return [list(qubits) for qubits in objects]
        return objects

    def _positions(self, order: np.ndarray) -> list[int]:
        """``order`` as a list of ints, converted once for all the columns a table takes in that order."""
        cached = self._order
        if cached is None or cached[0] is not order:
            cached = self._order = (order, order.tolist())
        return cached[1]


def string_array(values: Sequence[str | None]) -> pd.api.extensions.ExtensionArray:
    """``values`` as a pandas ``string`` array (Arrow-backed; ``None`` is missing)."""
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.string()))


def _strings_by_code(values: Sequence[str], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[code]`` for every code, as a pandas ``string`` array built by Arrow (no Python list per row)."""
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.string()).take(pa.array(codes)))


class JobRecorder(Monitor):
    """One row per job that left the system (completed, rejected or failed).

    Times are in seconds: ``wait_s = start_s - arrival_s``,
    ``run_s = end_s - start_s``, ``completion_s = end_s - arrival_s``
    (turnaround). Jobs that never started have NaN start, wait and run;
    ``deadline_s`` is NaN for jobs without a deadline. The columns of
    :data:`OPTIONAL_JOB_COLUMNS` appear once any job carries a program id
    or a recorded trace outcome.
    """

    _ROW = (
        ("job_id", "i"), ("user", "o"), ("group", "o"), ("circuit", "o"), ("num_qubits", "i"), ("shots", "i"),
        ("circuits", "i"), ("arrival_s", "f"), ("start_s", "f"), ("end_s", "f"), ("device", "o"), ("qubits", "q"),
        ("fidelity", "f"), ("status", "o"), ("reason", "o"), ("priority", "i"), ("deadline_s", "f"),
        ("interruptions", "i"),
    )
    _OPTIONAL_ROW = (
        ("program_id", "o"), ("iteration", "o"), ("recorded_queue_s", "f"), ("recorded_run_s", "f"),
        ("recorded_device", "o"), ("recorded_status", "o"),
    )

    def __init__(self) -> None:
        self._table = RowBuffer(self._ROW)
        self._optional: RowBuffer | None = None

    def _record(self, job: Job) -> None:
        state = job.state
        # a Submission is a named tuple: one unpacking reads every field
        job_id, arrival_s, profile, _, circuits, user, group, priority, deadline, _, _, recorded = job.submission
        table = self._table
        rows = table.rows
        rows.append((
            job_id, user, group, profile.name, profile.num_qubits, state.shots, circuits,
            arrival_s, state.start_s, state.end_s, state.device, state.qubits, state.fidelity,
            _STATUS_TEXT[state.status], state.reason, priority, _NAN if deadline is None else deadline,
            state.interruptions,
        ))
        if self._optional is not None or job.lineage.program_id is not None or recorded is not None:
            self._record_optional(job)
        if len(rows) >= CHUNK_ROWS:
            table.flush()

    def _record_optional(self, job: Job) -> None:
        if self._optional is None:
            self._optional = RowBuffer(self._OPTIONAL_ROW)
            self._optional.rows.extend([(None, None, _NAN, _NAN, None, None)] * (len(self._table) - 1))
        rec = job.submission.recorded
        lineage = job.lineage
        optional = self._optional
        if rec is None:
            optional.rows.append((lineage.program_id, lineage.iteration, _NAN, _NAN, None, None))
        else:
            optional.rows.append((lineage.program_id, lineage.iteration, rec.queue_s, rec.run_s, rec.device,
                                  rec.status))
        optional.spill()

    def on_reject(self, job: Job, now: float) -> None:
        if job.lineage.parent_id is None:
            self._record(job)

    def on_finish(self, run: Run, now: float) -> None:
        if run.job.lineage.parent_id is None:
            self._record(run.job)

    def on_cut_job(self, job: Job, now: float) -> None:
        self._record(job)

    def __len__(self) -> int:
        return len(self._table)

    def to_dataframe(self) -> pd.DataFrame:
        """The per-job table, sorted by job id, columns as :data:`JOB_COLUMNS`."""
        table = self._table
        ids = table.column("job_id")
        order = None if np.all(ids[1:] >= ids[:-1]) else np.argsort(ids, kind="stable")
        data: dict[str, object] = {}
        for name, kind in self._ROW:
            values = table.column(name, order)
            data[name] = string_array(values) if kind == "o" else values
        data["wait_s"] = data["start_s"] - data["arrival_s"]  # type: ignore[operator]
        data["run_s"] = data["end_s"] - data["start_s"]  # type: ignore[operator]
        data["completion_s"] = data["end_s"] - data["arrival_s"]  # type: ignore[operator]
        columns = list(JOB_COLUMNS)
        if self._optional is not None:
            opt = self._optional
            data["program_id"] = string_array(opt.column("program_id", order))
            data["iteration"] = pd.array(opt.column("iteration", order), dtype="Int64")
            data["recorded_queue_s"] = opt.column("recorded_queue_s", order)
            data["recorded_run_s"] = opt.column("recorded_run_s", order)
            data["recorded_device"] = string_array(opt.column("recorded_device", order))
            data["recorded_status"] = string_array(opt.column("recorded_status", order))
            columns += list(OPTIONAL_JOB_COLUMNS)
        return pd.DataFrame({name: data[name] for name in columns})


class TimelineRecorder(Monitor):
    """Device timeline: intervals of constant state and occupancy per QPU.

    A row ``(device, start_s, end_s, state, busy_qubits, num_qubits, jobs)``
    says that from ``start_s`` to ``end_s`` the device was ``idle``,
    ``busy`` (``jobs`` runs holding ``busy_qubits`` qubits), ``calibrating``
    or ``down`` (maintenance, outage). Zero-length intervals are not recorded.

    A new interval starts at every instant where a run starts or ends on the
    device, or its availability changes (so a run that ends as the next
    starts gives two adjacent ``busy`` rows). The recorder keeps one row per
    run (device, start, end, qubits) and the availability changes, and builds
    the intervals from them in one vectorised sweep when the table is asked
    for, which is much cheaper than tracking the state at every event. The
    table is therefore complete only after the run ended (``on_end``).

    Args:
        devices: The fleet (anything with ``name`` and ``num_qubits``), to
            open every device's first interval at time 0.
    """

    _STATES = (DeviceState.IDLE, DeviceState.BUSY, DeviceState.DOWN, DeviceState.CALIBRATING)
    _DOWN_CODES = {DeviceState.DOWN: 1, DeviceState.CALIBRATING: 2}

    def __init__(self, devices: Sequence[Device] | Sequence[QPU]) -> None:
        self._names = [d.name for d in devices]
        self._sizes = np.array([d.num_qubits for d in devices], np.int64)
        self._code = {name: index for index, name in enumerate(self._names)}
        self._runs = RowBuffer((("device", "i"), ("start_s", "f"), ("end_s", "f"), ("qubits", "i")))
        self._availability: list[tuple[int, float, int]] = []
        """``(device, time, code)`` per availability change, in event order (code 0: up, 1: down, 2: calibrating)."""
        self._end_s: float | None = None

    def _ended(self, run: Run, now: float) -> None:
        runs = self._runs
        rows = runs.rows
        rows.append((self._code[run.qpu.name], run.start_s, now, len(run.qubits)))
        if len(rows) >= CHUNK_ROWS:
            runs.flush()

    on_finish = _ended
    on_interrupt = _ended

    def on_device_state(self, qpu: QPU, state: str, now: float) -> None:
        self._availability.append((self._code[qpu.name], now, self._DOWN_CODES.get(state, 0)))

    def on_end(self, now: float) -> None:
        self._end_s = now

    def to_dataframe(self) -> pd.DataFrame:
        """The timeline, sorted by device then start time.

        Raises:
            RuntimeError: Before the run ended (runs in progress are not known yet).
        """
        if self._end_s is None:
            raise RuntimeError("the device timeline is complete only after the run ended")
        device, start, end, state, busy, jobs = _sweep_intervals(
            len(self._names), self._runs, self._availability, self._end_s,
        )
        by_name = np.argsort(np.argsort(np.array(self._names, dtype=object), kind="stable"), kind="stable")
        order = np.lexsort((start, by_name[device]))
        device, start, end, state, busy, jobs = (a[order] for a in (device, start, end, state, busy, jobs))
        return pd.DataFrame({
            "device": _strings_by_code(self._names, device),
            "start_s": start,
            "end_s": end,
            "state": _strings_by_code(self._STATES, state),
            "busy_qubits": busy,
            "num_qubits": self._sizes[device],
            "jobs": jobs,
        })


def _sweep_intervals(
    num_devices: int, runs: RowBuffer, availability: list[tuple[int, float, int]], end_s: float,
) -> tuple[np.ndarray, ...]:
    """Intervals of constant state per device from run intervals and availability changes.

    Every start and end of a run and every availability change is an event
    at an instant; each device starts idle and up at time 0. At an instant
    with a run event, or with an availability change that changes the
    device's ``(state, busy qubits, runs)``, the open interval closes and a
    new one opens with the state after all events of that instant. Returns
    ``(device, start_s, end_s, state code, busy_qubits, jobs)`` arrays, rows
    in device then time order (state codes index ``TimelineRecorder._STATES``).
    """
    run_device, run_start, run_end, run_qubits = (runs.column(c) for c in ("device", "start_s", "end_s", "qubits"))
    nruns = len(run_device)
    avail = np.array(availability, dtype=np.float64).reshape(-1, 3)
    navail = len(avail)
    initial = np.arange(num_devices)
    # events: one initial state per device at 0 (first), run starts and ends, availability changes (in order)
    device = np.concatenate([initial, run_device, run_device, avail[:, 0].astype(np.int64)])
    time = np.concatenate([np.zeros(num_devices), run_start, run_end, avail[:, 1]])
    rank = np.concatenate([np.full(num_devices, -2), np.full(2 * nruns, -1), np.arange(navail)])
    qubits = np.concatenate([np.zeros(num_devices, np.int64), run_qubits, -run_qubits, np.zeros(navail, np.int64)])
    count = np.concatenate([np.zeros(num_devices, np.int64), np.ones(nruns, np.int64), -np.ones(nruns, np.int64),
                            np.zeros(navail, np.int64)])
    label = np.concatenate([np.zeros(num_devices, np.int64), np.full(2 * nruns, -1, np.int64),
                            avail[:, 2].astype(np.int64)])
    order = np.lexsort((rank, time, device))
    device, time, qubits, count, label = (a[order] for a in (device, time, qubits, count, label))
    first = np.flatnonzero(np.r_[True, device[1:] != device[:-1]])
    sizes = np.diff(np.r_[first, len(device)])
    busy = np.cumsum(qubits)
    busy -= np.repeat(busy[first] - qubits[first], sizes)
    running = np.cumsum(count)
    running -= np.repeat(running[first] - count[first], sizes)
    # availability in force after each event: the last change so far in the device (its initial event is "up")
    known = np.where(label >= 0, np.arange(len(label)), 0)
    np.maximum.accumulate(known, out=known)
    label = label[known]
    state = np.where(label == 1, 2, np.where(label == 2, 3, np.where(running > 0, 1, 0)))
    idle = state == 0
    busy = np.where(idle, 0, busy)
    running = np.where(idle, 0, running)
    changed = np.ones(len(state), bool)
    changed[1:] = (state[1:] != state[:-1]) | (busy[1:] != busy[:-1]) | (running[1:] != running[:-1])
    changed[first] = True  # the initial event opens the device's first interval
    # (a run event always changes the device's run count, so an instant with one always opens an interval)
    # instants: (device, time) groups; an instant with a change opens an interval with the state after it
    group_start = np.flatnonzero(np.r_[True, (device[1:] != device[:-1]) | (time[1:] != time[:-1])])
    group_last = np.r_[group_start[1:], len(device)] - 1
    opens = np.logical_or.reduceat(changed, group_start)
    last = group_last[opens]
    device, start = device[last], time[last]
    next_same = np.r_[device[1:] == device[:-1], False]
    end = np.where(next_same, np.r_[start[1:], 0.0], end_s)
    keep = end > start
    return (device[keep], start[keep], end[keep], state[last][keep], busy[last][keep], running[last][keep])


CALIBRATION_COLUMNS = (
    "device", "time_s", "version", "timestamp", "median_t1_s", "median_t2_s",
    "mean_readout_error", "mean_error_1q", "mean_error_2q",
)
"""Columns of the calibration log."""


class CalibrationRecorder(Monitor):
    """Log of the calibrations in force: one row per device at time 0 and per change.

    Args:
        devices: The fleet (anything with ``name`` and ``calibration``).
    """

    def __init__(self, devices: Sequence[Device] | Sequence[QPU]) -> None:
        self._rows: list[tuple] = []
        self._revisions: dict[str, dict[int, int]] = {}
        for device in devices:
            self._log(device.name, device.calibration, 0.0)

    def _log(self, name: str, cal, now: float) -> None:
        # ``version`` column: the calibration's revision on this device in this run (0 = the first),
        # not the process-wide cache key, so the table is the same in any process
        revisions = self._revisions.setdefault(name, {})
        revision = revisions.setdefault(cal.version, len(revisions))
        errors_2q = list(cal.error_2q.values())
        self._rows.append((
            name, now, revision, cal.timestamp,
            float(np.median(cal.t1_s)), float(np.median(cal.t2_s)),
            float(np.mean(cal.readout_error)), float(np.mean(cal.error_1q)),
            float(np.mean(errors_2q)) if errors_2q else float("nan"),
        ))

    def on_calibration(self, qpu: QPU, now: float) -> None:
        if self._rows and self._rows[-1][0] == qpu.name and self._rows[-1][1] == now:
            self._rows.pop()
        self._log(qpu.name, qpu.calibration, now)

    def to_dataframe(self) -> pd.DataFrame:
        """The log, sorted by device and time (one row per device and instant)."""
        frame = pd.DataFrame(self._rows, columns=list(CALIBRATION_COLUMNS))
        frame = frame.drop_duplicates(["device", "time_s"], keep="last")
        return frame.sort_values(["device", "time_s"], kind="stable").reset_index(drop=True)


class ProgramRecorder(Monitor):
    """One row per hybrid program (see :class:`qcloudsim.engine.programs.ProgramRecord`)."""

    def __init__(self) -> None:
        self._rows: list[dict] = []

    def on_program(self, record: dict, now: float) -> None:
        self._rows.append(record)

    def __len__(self) -> int:
        return len(self._rows)

    def to_dataframe(self) -> pd.DataFrame:
        """Programs sorted by id."""
        frame = pd.DataFrame(self._rows)
        return frame.sort_values("program_id", kind="stable").reset_index(drop=True) if len(frame) else frame


class FragmentRecorder(JobRecorder):
    """One row per fragment (or shot piece of a fragment) of a cut job.

    Same columns as :class:`JobRecorder` plus ``parent_id`` and ``fragment``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parents: list[int] = []
        self._fragments: list[int] = []

    def _keep(self, job: Job) -> None:
        self._record(job)
        self._parents.append(job.parent_id)  # type: ignore[arg-type]
        self._fragments.append(job.fragment)  # type: ignore[arg-type]

    def on_reject(self, job: Job, now: float) -> None:
        if job.parent_id is not None:
            self._keep(job)

    def on_finish(self, run: Run, now: float) -> None:
        if run.job.parent_id is not None:
            self._keep(run.job)

    def on_cut_job(self, job: Job, now: float) -> None:
        return

    def to_dataframe(self) -> pd.DataFrame:
        if not len(self):
            return pd.DataFrame()
        frame = super().to_dataframe()
        order = pd.DataFrame({
            "job_id": self._table.column("job_id"), "parent_id": self._parents, "fragment": self._fragments,
        })
        return frame.merge(order, on="job_id", how="left")


ATTEMPT_COLUMNS = ("job_id", "attempt", "device", "qubits", "start_s", "end_s", "fidelity", "outcome")
"""Columns of the attempts table, in order."""


class AttemptRecorder(Monitor):
    """One row per run of a job on a QPU, including runs cut short and requeued.

    A job interrupted by an outage or a calibration with ``on_running:
    requeue`` runs more than once; the job table shows its last run, this
    table every one. ``outcome`` is ``completed``, ``interrupted`` (cut and
    requeued) or ``failed`` (cut and failed, or still running when the run
    ended). Times in seconds.
    """

    _ROW = (
        ("job_id", "i"), ("attempt", "i"), ("device", "o"), ("qubits", "q"), ("start_s", "f"), ("end_s", "f"),
        ("fidelity", "f"), ("outcome", "o"),
    )

    def __init__(self) -> None:
        self._table = RowBuffer(self._ROW)

    def _record(self, run: Run, end_s: float, outcome: str) -> None:
        table = self._table
        rows = table.rows
        job = run.job
        rows.append((job.id, run.attempt, run.qpu.name, run.qubits, run.start_s, end_s, job.state.fidelity, outcome))
        if len(rows) >= CHUNK_ROWS:
            table.flush()

    def on_finish(self, run: Run, now: float) -> None:
        self._record(run, now, "completed" if run.job.state.status is _COMPLETED else "failed")

    def on_interrupt(self, run: Run, now: float) -> None:
        self._record(run, now, "interrupted")

    def __len__(self) -> int:
        return len(self._table)

    def to_dataframe(self) -> pd.DataFrame:
        table = self._table
        data = {
            name: pd.Series(table.column(name), dtype=object) if kind in "oq" else table.column(name)
            for name, kind in self._ROW
        }
        return pd.DataFrame(data, columns=list(ATTEMPT_COLUMNS))
