"""Jobs: the unit of work users submit.

A :class:`Job` is three records, each with one owner:

* :class:`Submission` — what the user submitted (frozen): circuit, shots,
  user, priority, deadline, a fixed service time, a target device;
* :class:`Lineage` — where the job comes from (frozen): a hybrid program
  and its iteration, a session request, a fragment of a cut circuit;
* :class:`JobState` — what the engine has done with it (mutable, written
  by the engine only): status, times, device, qubits, fidelity, reason.

Schedulers and monitors read a job through its read-only properties;
derived jobs (fragments, shot pieces, load-scale copies) are built from a
submission with :meth:`Submission.replace`, never by copying fields by hand.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any, NamedTuple

from qcloudsim.circuits.profile import CircuitProfile


class JobStatus(StrEnum):
    """Lifecycle of a job. Every job ends ``COMPLETED``, ``REJECTED`` or ``FAILED``."""

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.REJECTED, JobStatus.FAILED})


@dataclass(frozen=True, slots=True)
class RecordedOutcome:
    """What a production trace recorded for a job (NaN / empty when unknown).

    Attributes:
        queue_s: Recorded time in queue (s).
        run_s: Recorded run (service) time (s).
        device: Recorded backend name.
        status: Recorded final status.
    """

    queue_s: float = float("nan")
    run_s: float = float("nan")
    device: str = ""
    status: str = ""


class _SubmissionFields(NamedTuple):
    id: int
    arrival_s: float
    profile: CircuitProfile
    shots: int = 1024
    circuits: int = 1
    user: str = "user0"
    group: str = "default"
    priority: int = 0
    deadline_s: float | None = None
    service_s: float | None = None
    pinned_device: str | None = None
    recorded: RecordedOutcome | None = None


class Submission(_SubmissionFields):
    """What a user submitted: never changes after submission (an immutable named tuple).

    Attributes:
        id: Unique job id.
        arrival_s: Submit time (s since the start of the simulation).
        profile: The circuit (all circuits of a job share one profile).
        shots: Shots per circuit.
        circuits: Number of circuits in the job.
        user: Submitting user.
        group: User's group/project (fair-share), ``"group/project"``.
        priority: Larger is more urgent.
        deadline_s: Optional absolute deadline (s).
        service_s: Fixed QPU time (s) that replaces the runtime model, e.g.
            the run time recorded in a trace (``runtime: recorded``).
        pinned_device: The target device the user chose: only it may run the
            job, and with per-device queues the job waits in its queue.
        recorded: Outcome recorded in a trace, for comparison.

    Raises:
        ValueError: For shots or circuits below 1, or a negative or
            non-finite arrival or service time.
    """

    __slots__ = ()

    def check(self) -> Submission:
        """``self`` after checking its values (a :class:`Job` checks its submission).

        Raises:
            ValueError: For an invalid value (see the class doc).
        """
        if self.shots < 1:
            raise ValueError(f"job {self.id}: shots must be >= 1, got {self.shots}")
        if self.circuits < 1:
            raise ValueError(f"job {self.id}: circuits must be >= 1, got {self.circuits}")
        if not (self.arrival_s >= 0 and math.isfinite(self.arrival_s)):
            raise ValueError(f"job {self.id}: arrival_s must be a finite number >= 0, got {self.arrival_s}")
        if self.service_s is not None and not (self.service_s >= 0 and math.isfinite(self.service_s)):
            raise ValueError(f"job {self.id}: service_s must be a finite number >= 0, got {self.service_s}")
        return self

    def replace(self, **changes: Any) -> Submission:
        """A copy with ``changes``."""
        return self._replace(**changes)


new_submission: Callable[[tuple], Submission] = partial(tuple.__new__, Submission)
"""A :class:`Submission` from a tuple of all its fields in order, without the constructor's keyword
handling (for generators that make one per job; :class:`Job` checks the values)."""


@dataclass(frozen=True, slots=True)
class Lineage:
    """Where a job comes from.

    Attributes:
        program_id: Hybrid program the job belongs to (``None`` for a plain job).
        iteration: Iteration of that program.
        session: The job is a session of a hybrid program: it holds its region
            until the program ends it or ``service_s`` (the time limit) expires.
        blocking: Under exclusive scheduling the run keeps other jobs off the
            whole device (``False``: only its qubits, an interleaving session).
        parent_id: For a fragment of a cut circuit: the cut job's id.
        fragment: For a fragment: its index in the cut plan.
        reconstruction_s: For a fragment: the parent's classical
            reconstruction time (s), so schedulers can plan for it.
    """

    program_id: str | None = None
    iteration: int | None = None
    session: bool = False
    blocking: bool = True
    parent_id: int | None = None
    fragment: int | None = None
    reconstruction_s: float = 0.0


ROOT = Lineage()
"""The lineage of a plain submitted job."""


@dataclass(slots=True)
class JobState:
    """Engine-owned state of a job (written by the engine and its extensions only).

    Attributes:
        status: Current :class:`JobStatus`.
        shots: Shots still to run (a fragment's shots fall as pieces of it run).
        start_s: Start of its (last) run on a QPU (s).
        end_s: Time the job left the system (s).
        device: Name of the QPU that ran it.
        qubits: Physical qubits it held.
        fidelity: Estimated success probability on those qubits.
        reason: Why it was rejected or failed.
        interruptions: Times a run of this job was cut (calibration, outage).
        attempts: Runs started (a requeued job runs more than once).
    """

    status: JobStatus
    shots: int
    start_s: float = float("nan")
    end_s: float = float("nan")
    device: str = ""
    qubits: tuple[int, ...] = ()
    fidelity: float = float("nan")
    reason: str = ""
    interruptions: int = 0
    attempts: int = 0


_SUBMISSION_FIELDS = frozenset(Submission._fields)
_PENDING = JobStatus.PENDING
_LINEAGE_FIELDS = frozenset(f.name for f in dataclasses.fields(Lineage))


class Job:
    """A submitted job: :class:`Submission` + :class:`Lineage` + :class:`JobState`.

    Read-only properties expose the fields of the three records (``shots``
    is the number of shots still to run). Build one with :meth:`new` from
    keyword fields, or from records with the constructor.

    Args:
        submission: What was submitted.
        lineage: Where it comes from (:data:`ROOT` for a plain job).
    """

    __slots__ = ("submission", "lineage", "state", "id", "profile", "arrival_s")

    def __init__(self, submission: Submission, lineage: Lineage = ROOT) -> None:
        shots = submission.shots
        if shots < 1 or submission.circuits < 1 or not (0 <= submission.arrival_s < math.inf) or (
            submission.service_s is not None and not (0 <= submission.service_s < math.inf)
        ):
            submission.check()  # raises with the field that is wrong
        self.submission = submission
        self.lineage = lineage
        self.state = JobState(_PENDING, shots)
        # the three hottest fields, copied once (read-only by convention, like the records)
        self.id = submission.id
        self.profile = submission.profile
        self.arrival_s = submission.arrival_s

    @classmethod
    def new(cls, **fields: object) -> Job:
        """A job from keyword fields of :class:`Submission` and :class:`Lineage`.

        Raises:
            TypeError: For a field of neither record.
        """
        unknown = set(fields) - _SUBMISSION_FIELDS - _LINEAGE_FIELDS
        if unknown:
            raise TypeError(f"unknown job field(s): {', '.join(sorted(unknown))}")
        lineage_fields = {k: v for k, v in fields.items() if k in _LINEAGE_FIELDS}
        submission = Submission(**{k: v for k, v in fields.items() if k in _SUBMISSION_FIELDS})  # type: ignore[arg-type]
        return cls(submission, Lineage(**lineage_fields) if lineage_fields else ROOT)  # type: ignore[arg-type]

    def revised(self, **changes: object) -> Job:
        """A new pending job with ``changes`` to its submission (same lineage)."""
        return Job(self.submission.replace(**changes), self.lineage)

    def derived(self, job_id: int, lineage: Lineage, **changes: object) -> Job:
        """A new pending job with id ``job_id``, ``lineage`` and ``changes`` to a copy of this submission."""
        return Job(self.submission.replace(id=job_id, **changes), lineage)

    def __repr__(self) -> str:
        return (f"Job(id={self.id}, arrival_s={self.arrival_s}, profile={self.profile.name!r}, "
                f"status={self.state.status.value})")

    # -- submission ------------------------------------------------------------------

    @property
    def circuits(self) -> int:
        return self.submission.circuits

    @property
    def user(self) -> str:
        return self.submission.user

    @property
    def group(self) -> str:
        return self.submission.group

    @property
    def priority(self) -> int:
        return self.submission.priority

    @property
    def deadline_s(self) -> float | None:
        return self.submission.deadline_s

    @property
    def service_s(self) -> float | None:
        return self.submission.service_s

    @property
    def pinned_device(self) -> str | None:
        return self.submission.pinned_device

    @property
    def recorded(self) -> RecordedOutcome | None:
        return self.submission.recorded

    @property
    def num_qubits(self) -> int:
        """Qubits the job needs."""
        return self.submission.profile.num_qubits

    # -- lineage -----------------------------------------------------------------------

    @property
    def program_id(self) -> str | None:
        return self.lineage.program_id

    @property
    def iteration(self) -> int | None:
        return self.lineage.iteration

    @property
    def session(self) -> bool:
        return self.lineage.session

    @property
    def blocking(self) -> bool:
        return self.lineage.blocking

    @property
    def parent_id(self) -> int | None:
        return self.lineage.parent_id

    @property
    def fragment(self) -> int | None:
        return self.lineage.fragment

    @property
    def reconstruction_s(self) -> float:
        return self.lineage.reconstruction_s

    # -- state ---------------------------------------------------------------------------

    @property
    def shots(self) -> int:
        """Shots still to run (the submitted count until part of a fragment ran)."""
        return self.state.shots

    @property
    def status(self) -> JobStatus:
        return self.state.status

    @property
    def start_s(self) -> float:
        return self.state.start_s

    @property
    def end_s(self) -> float:
        return self.state.end_s

    @property
    def device(self) -> str:
        return self.state.device

    @property
    def qubits(self) -> tuple[int, ...]:
        return self.state.qubits

    @property
    def fidelity(self) -> float:
        return self.state.fidelity

    @property
    def reason(self) -> str:
        return self.state.reason

    @property
    def interruptions(self) -> int:
        return self.state.interruptions


class IdAllocator:
    """Ids of jobs a simulation creates itself (program jobs, fragments, shot pieces).

    Owned by one simulation, so two identical runs in one process, or in
    different worker processes, number their jobs identically. Ids start far
    above workload ids: program jobs at ``10**15``, fragments and pieces at
    ``2 * 10**15``.
    """

    PROGRAM_BASE = 10**15
    FRAGMENT_BASE = 2 * 10**15

    __slots__ = ("_program", "_fragment")

    def __init__(self) -> None:
        self._program = self.PROGRAM_BASE
        self._fragment = self.FRAGMENT_BASE

    def program_job(self) -> int:
        """The next id of a job created by a hybrid program."""
        value = self._program
        self._program += 1
        return value

    def fragment(self) -> int:
        """The next id of a fragment or shot piece of a cut circuit."""
        value = self._fragment
        self._fragment += 1
        return value


__all__ = [
    "IdAllocator", "Job", "JobState", "JobStatus", "Lineage", "ROOT", "RecordedOutcome",
    "Submission", "TERMINAL",
]
