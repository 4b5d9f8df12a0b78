"""Monitors that turn engine events into tidy tables (one row per job, per interval).

Rows are stored column-wise in ``array``/``list`` buffers (no per-row dicts
and no references to finished jobs), so memory grows by a few dozen bytes
per job and finished :class:`~qcloudsim.workload.job.Job` objects can be
freed.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
import pandas as pd

from qcloudsim.devices.device import Device
from qcloudsim.engine.monitor import Monitor
from qcloudsim.engine.qpu import QPU, DeviceState, Run
from qcloudsim.workload.job import Job

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


_NAN = float("nan")


class JobRecorder(Monitor):
    """One row per job that left the system (completed, rejected or failed).

    Times are in seconds: ``wait_s = start_s - arrival_s``,
    ``run_s = end_s - start_s``, ``completion_s = end_s - arrival_s``
    (turnaround). Jobs that never started have NaN start, wait and run;
    ``deadline_s`` is NaN for jobs without a deadline. The columns of
    :data:`OPTIONAL_JOB_COLUMNS` appear once any job carries a program id
    or a recorded trace outcome.
    """

    def __init__(self) -> None:
        self._num = {c: array("d") for c in ("arrival_s", "start_s", "end_s", "fidelity", "deadline_s")}
        self._int = {c: array("q") for c in ("job_id", "num_qubits", "shots", "circuits", "priority", "interruptions")}
        self._obj: dict[str, list] = {
            c: [] for c in ("user", "group", "circuit", "device", "qubits", "status", "reason")
        }
        self._optional: dict[str, list] = {}
        self._seen = 0

    def _record(self, job: Job) -> None:
        num, ints, obj = self._num, self._int, self._obj
        sub, state = job.submission, job.state
        num["arrival_s"].append(sub.arrival_s)
        num["start_s"].append(state.start_s)
        num["end_s"].append(state.end_s)
        num["fidelity"].append(state.fidelity)
        num["deadline_s"].append(_NAN if sub.deadline_s is None else sub.deadline_s)
        ints["priority"].append(sub.priority)
        ints["interruptions"].append(state.interruptions)
        ints["job_id"].append(sub.id)
        ints["num_qubits"].append(sub.profile.num_qubits)
        ints["shots"].append(state.shots)
        ints["circuits"].append(sub.circuits)
        obj["user"].append(sub.user)
        obj["group"].append(sub.group)
        obj["circuit"].append(sub.profile.name)
        obj["device"].append(state.device)
        obj["qubits"].append(state.qubits)
        obj["status"].append(state.status.value)
        obj["reason"].append(state.reason)
        if job.lineage.program_id is not None or sub.recorded is not None or self._optional:
            self._record_optional(job)
        self._seen += 1

    def _record_optional(self, job: Job) -> None:
        if not self._optional:
            self._optional = {c: [None] * self._seen for c in OPTIONAL_JOB_COLUMNS}
        opt = self._optional
        rec = job.recorded
        opt["program_id"].append(job.program_id)
        opt["iteration"].append(job.iteration)
        opt["recorded_queue_s"].append(_NAN if rec is None else rec.queue_s)
        opt["recorded_run_s"].append(_NAN if rec is None else rec.run_s)
        opt["recorded_device"].append(None if rec is None else rec.device)
        opt["recorded_status"].append(None if rec is None else rec.status)

    def on_reject(self, job: Job, now: float) -> None:
        if job.lineage.parent_id is None:
            self._record(job)

    def on_finish(self, run: Run, now: float) -> None:
        if run.job.lineage.parent_id is None:
            self._record(run.job)

    def on_cut_job(self, job: Job, now: float) -> None:
        self._record(job)

    def __len__(self) -> int:
        return len(self._int["job_id"])

    def to_dataframe(self) -> pd.DataFrame:
        """The per-job table, sorted by job id, columns as :data:`JOB_COLUMNS`."""
        data: dict[str, object] = {}
        data.update({k: pd.array(v, dtype="float64") for k, v in self._num.items()})
        data.update({k: pd.array(v, dtype="int64") for k, v in self._int.items()})
        for key in ("user", "group", "circuit", "device", "status", "reason"):
            data[key] = pd.array(self._obj[key], dtype="string")
        data["qubits"] = [list(q) for q in self._obj["qubits"]]
        frame = pd.DataFrame(data)
        frame["wait_s"] = frame["start_s"] - frame["arrival_s"]
        frame["run_s"] = frame["end_s"] - frame["start_s"]
        frame["completion_s"] = frame["end_s"] - frame["arrival_s"]
        columns = list(JOB_COLUMNS)
        if self._optional:
            opt = self._optional
            frame["program_id"] = pd.array(opt["program_id"], dtype="string")
            frame["iteration"] = pd.array(opt["iteration"], dtype="Int64")
            frame["recorded_queue_s"] = pd.array(opt["recorded_queue_s"], dtype="float64")
            frame["recorded_run_s"] = pd.array(opt["recorded_run_s"], dtype="float64")
            frame["recorded_device"] = pd.array(opt["recorded_device"], dtype="string")
            frame["recorded_status"] = pd.array(opt["recorded_status"], dtype="string")
            columns += list(OPTIONAL_JOB_COLUMNS)
        return frame[columns].sort_values("job_id", kind="stable").reset_index(drop=True)


class TimelineRecorder(Monitor):
    """Device timeline: intervals of constant state and occupancy per QPU.

    A row ``(device, start_s, end_s, state, busy_qubits, num_qubits, jobs)``
    says that from ``start_s`` to ``end_s`` the device was ``idle``,
    ``busy`` (``jobs`` runs holding ``busy_qubits`` qubits), ``calibrating``
    or ``down`` (maintenance, outage). Zero-length intervals are not recorded.

    Args:
        devices: The fleet (anything with ``name`` and ``num_qubits``), to
            open every device's first interval at time 0.
    """

    def __init__(self, devices: Sequence[Device] | Sequence[QPU]) -> None:
        self._open: dict[str, tuple[float, str, int, int, int]] = {
            d.name: (0.0, DeviceState.IDLE, 0, d.num_qubits, 0) for d in devices
        }
        self._down: dict[str, str] = {}
        self._rows: dict[str, list] = {c: [] for c in TIMELINE_COLUMNS}

    def _change(self, qpu: QPU, now: float) -> None:
        start, state, busy, size, jobs = self._open[qpu.name]
        if qpu.name in self._down:
            new = (self._down[qpu.name], qpu.busy_qubits, qpu.running)
        elif qpu.running:
            new = (DeviceState.BUSY, qpu.busy_qubits, qpu.running)
        else:
            new = (DeviceState.IDLE, 0, 0)
        if new == (state, busy, jobs):
            return
        if now > start:
            rows = self._rows
            rows["device"].append(qpu.name)
            rows["start_s"].append(start)
            rows["end_s"].append(now)
            rows["state"].append(state)
            rows["busy_qubits"].append(busy)
            rows["num_qubits"].append(size)
            rows["jobs"].append(jobs)
        self._open[qpu.name] = (now, new[0], new[1], size, new[2])

    def on_start(self, run: Run, now: float) -> None:
        self._change(run.qpu, now)

    def on_finish(self, run: Run, now: float) -> None:
        self._change(run.qpu, now)

    def on_interrupt(self, run: Run, now: float) -> None:
        self._change(run.qpu, now)

    def on_device_state(self, qpu: QPU, state: str, now: float) -> None:
        if state in (DeviceState.DOWN, DeviceState.CALIBRATING):
            self._down[qpu.name] = state
        else:
            self._down.pop(qpu.name, None)
        self._change(qpu, now)

    def on_end(self, now: float) -> None:
        rows = self._rows
        for name, (start, state, busy, size, jobs) in self._open.items():
            if now > start:
                rows["device"].append(name)
                rows["start_s"].append(start)
                rows["end_s"].append(now)
                rows["state"].append(state)
                rows["busy_qubits"].append(busy)
                rows["num_qubits"].append(size)
                rows["jobs"].append(jobs)
            self._open[name] = (now, state, busy, size, jobs)

    def to_dataframe(self) -> pd.DataFrame:
        """The timeline, sorted by device then start time."""
        frame = pd.DataFrame(
            {
                "device": pd.array(self._rows["device"], dtype="string"),
                "start_s": pd.array(self._rows["start_s"], dtype="float64"),
                "end_s": pd.array(self._rows["end_s"], dtype="float64"),
                "state": pd.array(self._rows["state"], dtype="string"),
                "busy_qubits": pd.array(self._rows["busy_qubits"], dtype="int64"),
                "num_qubits": pd.array(self._rows["num_qubits"], dtype="int64"),
                "jobs": pd.array(self._rows["jobs"], dtype="int64"),
            }
        )
        return frame.sort_values(["device", "start_s"], kind="stable").reset_index(drop=True)


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
        order = pd.DataFrame({"job_id": self._int["job_id"], "parent_id": self._parents, "fragment": self._fragments})
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

    def __init__(self) -> None:
        self._num = {c: array("d") for c in ("start_s", "end_s", "fidelity")}
        self._int = {c: array("q") for c in ("job_id", "attempt")}
        self._obj: dict[str, list] = {c: [] for c in ("device", "qubits", "outcome")}

    def _record(self, run: Run, end_s: float, outcome: str) -> None:
        self._int["job_id"].append(run.job.id)
        self._int["attempt"].append(run.attempt)
        self._num["start_s"].append(run.start_s)
        self._num["end_s"].append(end_s)
        self._num["fidelity"].append(run.job.state.fidelity)
        self._obj["device"].append(run.qpu.name)
        self._obj["qubits"].append(list(run.qubits))
        self._obj["outcome"].append(outcome)

    def on_finish(self, run: Run, now: float) -> None:
        self._record(run, now, "completed" if run.job.state.status == "completed" else "failed")

    def on_interrupt(self, run: Run, now: float) -> None:
        self._record(run, now, "interrupted")

    def __len__(self) -> int:
        return len(self._int["job_id"])

    def to_dataframe(self) -> pd.DataFrame:
        data: dict = {}
        for column in ATTEMPT_COLUMNS:
            if column in self._num:
                data[column] = np.frombuffer(self._num[column], dtype=np.float64) if len(self) else np.zeros(0)
            elif column in self._int:
                data[column] = np.frombuffer(self._int[column], dtype=np.int64) if len(self) else np.zeros(0, np.int64)
            else:
                data[column] = pd.Series(self._obj[column], dtype=object)
        return pd.DataFrame(data, columns=list(ATTEMPT_COLUMNS))
