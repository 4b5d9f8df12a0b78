"""Jobs: the unit of work users submit."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from qcloudsim.circuits.profile import CircuitProfile


class JobStatus(StrEnum):
    """Lifecycle of a job. Every job ends ``COMPLETED``, ``REJECTED`` or ``FAILED``."""

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    REJECTED = "rejected"
    FAILED = "failed"


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


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.REJECTED, JobStatus.FAILED})


@dataclass(slots=True, eq=False)
class Job:
    """One submitted job: a circuit profile run for ``shots`` on ``circuits`` circuits.

    The first block of fields is the submission; the engine fills in the
    second block (schedulers must treat jobs as read-only).

    Attributes:
        id: Unique job id.
        arrival_s: Submit time (s since the start of the simulation).
        profile: The circuit (all circuits of a job share one profile).
        shots: Shots per circuit.
        circuits: Number of circuits in the job.
        user: Submitting user.
        group: User's group/project (fair-share).
        priority: Larger is more urgent.
        deadline_s: Optional absolute deadline (s).
        program_id: Hybrid program the job belongs to (``None`` for a plain job).
        iteration: Iteration of that program (``None`` for a plain job).
        service_s: Fixed QPU time (s) that replaces the runtime model, e.g.
            the run time recorded in a trace (``runtime: recorded``).
        pinned_device: Only this device may run the job (e.g. a trace's
            recorded backend mapped onto the fleet).
        recorded: Outcome recorded in a trace, for comparison with the simulation.
        interruptions: Times a run of this job was cut (calibration, outage).
        session: The job is a session of a hybrid program: it holds its region
            until the program ends it or ``service_s`` (the time limit) expires.
        blocking: In exclusive scheduling, the run keeps other jobs off the
            whole device (``False``: only its qubits are held, e.g. an
            interleaving session).
        parent_id: For a fragment of a cut circuit: the cut job's id.
        fragment: For a fragment: its index in the cut plan.
        reconstruction_s: For a fragment: the parent's classical
            reconstruction time (s), so schedulers can plan for it.
        status: Current :class:`JobStatus`.
        start_s: Time the job started on a QPU (s).
        end_s: Time the job left the system (s).
        device: Name of the QPU that ran it.
        qubits: Physical qubits it held.
        fidelity: Estimated success probability on those qubits.
        reason: Why it was rejected or failed.
    """

    id: int
    arrival_s: float
    profile: CircuitProfile
    shots: int = 1024
    circuits: int = 1
    user: str = "user0"
    group: str = "default"
    priority: int = 0
    deadline_s: float | None = None
    program_id: str | None = None
    iteration: int | None = None
    service_s: float | None = None
    pinned_device: str | None = None
    recorded: RecordedOutcome | None = None
    interruptions: int = 0
    session: bool = False
    blocking: bool = True
    parent_id: int | None = None
    fragment: int | None = None
    reconstruction_s: float = 0.0
    status: JobStatus = field(default=JobStatus.PENDING)
    start_s: float = float("nan")
    end_s: float = float("nan")
    device: str = ""
    qubits: tuple[int, ...] = ()
    fidelity: float = float("nan")
    reason: str = ""

    def __post_init__(self) -> None:
        if self.shots < 1:
            raise ValueError(f"job {self.id}: shots must be >= 1, got {self.shots}")
        if self.circuits < 1:
            raise ValueError(f"job {self.id}: circuits must be >= 1, got {self.circuits}")
        if not (self.arrival_s >= 0):
            raise ValueError(f"job {self.id}: arrival_s must be >= 0, got {self.arrival_s}")
        if self.service_s is not None and not (self.service_s >= 0):
            raise ValueError(f"job {self.id}: service_s must be >= 0, got {self.service_s}")

    @property
    def num_qubits(self) -> int:
        """Qubits the job needs."""
        return self.profile.num_qubits
