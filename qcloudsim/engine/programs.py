"""The SimPy process of a hybrid program: iterations against the queue.

Execution modes (as IBM Quantum offers them):

* ``job`` — every circuit of an iteration is a job of its own that waits
  in the queue; the iteration's quantum phase ends when all are done;
* ``batch`` — the circuits of one iteration go as one job;
* ``session`` — the program first obtains a session: a job that holds a
  qubit region (and, unless ``interleave``, the whole device under
  exclusive scheduling) for up to ``time_limit_s``. Its circuits then run
  on that region without queueing, each iteration paying the per-job
  overhead of the runtime model. While the program does classical work the
  region idles (counted as ``session_idle_s``). When the limit would be
  exceeded, the session ends and the program queues for a new one.

Time decomposition of a program (sums to its time to solution): network
(``2 * latency`` per iteration), queue (quantum-phase time before its first
circuit starts; session waits), QPU (first start to last end of each
quantum phase), classical (optimizer steps, including waiting for a node).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from qcloudsim.hybrid.program import HybridProgram
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job, JobStatus, Lineage, Submission

if TYPE_CHECKING:
    from qcloudsim.engine.extensions.programs import ProgramsExtension as Simulation
    from qcloudsim.engine.qpu import Run


@dataclass
class ProgramRecord:
    """Metrics of one program (times in seconds)."""

    program_id: str
    user: str
    group: str
    mode: str
    arrival_s: float
    end_s: float = math.nan
    iterations: int = 0
    planned_iterations: int = 0
    status: str = "running"
    reason: str = ""
    queue_s: float = 0.0
    qpu_s: float = 0.0
    classical_s: float = 0.0
    classical_wait_s: float = 0.0
    network_s: float = 0.0
    session_held_s: float = 0.0
    sessions: int = 0
    jobs: int = 0
    final_loss: float = math.nan
    _session_started_s: float = field(default=math.nan, repr=False)

    def as_row(self) -> dict:
        """The record as a table row, with shares of the time to solution."""
        tts = self.end_s - self.arrival_s
        row = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        row["time_to_solution_s"] = tts
        row["session_idle_s"] = max(self.session_held_s - (self.qpu_s if self.mode == "session" else 0.0), 0.0)
        for part in ("queue_s", "qpu_s", "classical_s", "network_s"):
            row[part.replace("_s", "_share")] = getattr(self, part) / tts if tts > 0 else math.nan
        return row


def _job(sim: Simulation, program: HybridProgram, iteration: int, circuits: int, **lineage) -> Job:
    """A job of ``program`` submitted now (id from the simulation's allocator)."""
    service_s = lineage.pop("service_s", None)
    return Job(
        Submission(
            id=sim.ids.program_job(), arrival_s=float(sim.env.now), profile=program.ansatz, shots=program.shots,
            circuits=circuits, user=program.user, group=program.group, service_s=service_s,
        ),
        Lineage(program_id=program.id, iteration=iteration, **lineage),
    )


def program_process(sim: Simulation, program: HybridProgram, index: int, streams: SeedStreams) -> Generator:
    """Run ``program`` in ``sim`` (a SimPy process body)."""
    env = sim.env
    record = ProgramRecord(program.id, program.user, program.group, program.mode, program.arrival_s)
    sim.register_program(record)
    rng = streams.generator(f"program:{program.id}")
    planned = program.stopping.iterations(rng)
    losses = program.stopping.losses(streams.generator(f"program:{program.id}"))
    record.planned_iterations = planned
    if program.arrival_s > env.now:
        yield env.timeout(program.arrival_s - env.now)
    session: Run | None = None
    try:
        for iteration in range(planned):
            if program.latency_s:
                yield env.timeout(program.latency_s)
                record.network_s += program.latency_s
            if program.mode == "session":
                session = yield from _session_phase(sim, program, iteration, record, session)
            else:
                yield from _queued_phase(sim, program, iteration, record)
            if program.latency_s:
                yield env.timeout(program.latency_s)
                record.network_s += program.latency_s
            start = env.now
            waited = yield from sim.pool.run(program.classical_kind, program.classical_step_s)
            record.classical_s += env.now - start
            record.classical_wait_s += waited
            record.iterations = iteration + 1
        record.status = "completed"
        if losses is not None and record.iterations:
            record.final_loss = float(losses[record.iterations - 1])
    except _ProgramFailed as failure:
        record.status = "failed"
        record.reason = str(failure)
    finally:
        if session is not None:
            _close_session(sim, record, session)
    record.end_s = env.now
    sim.program_ended(record.as_row())


class _ProgramFailed(Exception):
    """A job of the program was rejected or failed."""


def _check(job: Job, program: HybridProgram) -> None:
    if job.status is not JobStatus.COMPLETED:
        raise _ProgramFailed(f"job {job.id} of program {program.id} {job.status.value}: {job.reason}")


def _queued_phase(sim: Simulation, program: HybridProgram, iteration: int, record: ProgramRecord) -> Generator:
    env = sim.env
    begin = env.now
    count = program.circuits_per_iteration
    jobs = [_job(sim, program, iteration, count)] if program.mode == "batch" else [
        _job(sim, program, iteration, 1) for _ in range(count)
    ]
    events = [sim.submit(job) for job in jobs]
    record.jobs += len(jobs)
    yield simpy.AllOf(env, [done for _, done in events])
    for job in jobs:
        _check(job, program)
    first_start = min(job.start_s for job in jobs)
    record.queue_s += first_start - begin
    record.qpu_s += env.now - first_start


def _session_phase(
    sim: Simulation, program: HybridProgram, iteration: int, record: ProgramRecord, session: Run | None
) -> Generator[simpy.Event, object, Run]:
    env = sim.env
    probe = _job(sim, program, iteration, program.circuits_per_iteration)
    begin = env.now
    if session is not None and (session.cancelled or session.job.status is not JobStatus.RUNNING):
        _account_session(record, session, session.end_s)
        session = None
    if session is not None:
        needed = sim.estimate_on(session, probe)
        if env.now + needed > session.end_s:  # the time limit would cut this iteration
            _close_session(sim, record, session)
            session = None
    if session is None:
        request = _job(
            sim, program, iteration, program.circuits_per_iteration, session=True,
            service_s=program.session.time_limit_s, blocking=not program.session.interleave,
        )
        started, done = sim.submit(request)
        record.jobs += 1
        record.sessions += 1
        yield started | done
        if not started.triggered:
            _check(request, program)
            raise _ProgramFailed(f"session of program {program.id} ended before it started")
        session = started.value
        assert session is not None
        record._session_started_s = env.now
    record.queue_s += env.now - begin
    needed = sim.estimate_on(session, probe)
    if env.now + needed > session.end_s:
        raise _ProgramFailed(
            f"one iteration of program {program.id} takes {needed:.0f} s, longer than its session time "
            f"limit ({program.session.time_limit_s:.0f} s)"
        )
    yield env.timeout(needed)
    record.qpu_s += needed
    return session


def _account_session(record: ProgramRecord, session: Run, end_s: float) -> None:
    if not math.isnan(record._session_started_s):
        record.session_held_s += end_s - record._session_started_s
        record._session_started_s = math.nan


def _close_session(sim: Simulation, record: ProgramRecord, session: Run) -> None:
    sim.end_session(session)
    _account_session(record, session, min(sim.env.now, session.end_s))
