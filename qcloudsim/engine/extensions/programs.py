"""Hybrid programs as a kernel extension.

Each program is a SimPy process (:func:`qcloudsim.engine.programs.program_process`)
that holds the run open while it runs, submits its jobs through
:meth:`~qcloudsim.engine.kernel.Kernel.submit` at the current time (so their
``arrival_s`` is when the program submitted them), waits for them through
the kernel's ``start``, ``finish`` and ``reject`` events, and does its
classical steps on the classical pool. Program job ids come from the
simulation's id allocator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import simpy

from qcloudsim.engine.extensions.classical import pool_of
from qcloudsim.engine.kernel import Extension
from qcloudsim.engine.programs import ProgramRecord, program_process
from qcloudsim.hybrid.program import HybridProgram

if TYPE_CHECKING:
    from qcloudsim.engine.classical import ClassicalPool
    from qcloudsim.engine.kernel import Kernel
    from qcloudsim.engine.qpu import Run
    from qcloudsim.workload.job import IdAllocator, Job


class ProgramsExtension(Extension):
    """Runs ``programs`` against the queue.

    Args:
        programs: The hybrid programs of the run.
    """

    def __init__(self, programs: Sequence[HybridProgram]) -> None:
        self.programs = list(programs)
        self._started: dict[int, simpy.Event] = {}
        self._done: dict[int, simpy.Event] = {}
        self._records: dict[str, ProgramRecord] = {}
        self.after_horizon = 0
        """Programs that would have arrived after the run stopped (counted at the end)."""

    def attach(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.env: simpy.Environment = kernel.env
        self.ids: IdAllocator = kernel.ids
        self.pool: ClassicalPool = pool_of(kernel)
        kernel.bus.subscribe("start", self._on_start)
        kernel.bus.subscribe("finish", self._on_finish)
        kernel.bus.subscribe("reject", self._on_left)

    def start(self, kernel: Kernel) -> bool:
        for index, program in enumerate(self.programs):
            kernel.hold()
            kernel.env.process(program_process(self, program, index, kernel.streams))
        return False

    # -- API of program processes --------------------------------------------------------

    def submit(self, job: Job) -> tuple[simpy.Event, simpy.Event]:
        """Submit ``job`` now; returns ``(started, done)`` events.

        ``started`` fires with the :class:`~qcloudsim.engine.qpu.Run` when the
        job starts; ``done`` with the job when it leaves the system. A job
        rejected at submission triggers ``done`` only.
        """
        started, done = self.env.event(), self.env.event()
        self._started[job.id] = started
        self._done[job.id] = done
        self.kernel.submit(job)
        return started, done

    def end_session(self, run: Run) -> None:
        """End a session run now (its program is done with it)."""
        self.kernel.end_run(run)

    def estimate_on(self, run: Run, job: Job) -> float:
        """QPU time (s) of ``job``'s circuits on ``run``'s region (a session)."""
        qpu = run.qpu
        cost = self.kernel.cost
        return cost.runtime_s(job, cost.quote(job, qpu.device, qpu.calibration, run.qubits))

    def register_program(self, record: ProgramRecord) -> None:
        """Track a running program's record so the end of the run can close it."""
        self._records[record.program_id] = record

    def program_ended(self, row: dict) -> None:
        """A program process ended with ``row`` (its record as a table row)."""
        self._records.pop(row["program_id"], None)
        self.kernel.bus.emit("program", row, self.env.now)
        self.kernel.release()

    # -- events -----------------------------------------------------------------------------

    def _on_start(self, run: Run, now: float) -> None:
        started = self._started.pop(run.job.id, None)
        if started is not None:
            started.succeed(run)

    def _on_finish(self, run: Run, now: float) -> None:
        self._on_left(run.job, now)

    def _on_left(self, job: Job, now: float) -> None:
        self._started.pop(job.id, None)
        done = self._done.pop(job.id, None)
        if done is not None:
            done.succeed(job)

    def close(self, kernel: Kernel, now: float) -> None:
        for record in list(self._records.values()):
            if record.arrival_s >= now and kernel.stop_at is not None:
                self.after_horizon += 1  # never arrived: counted, no row (like the workload's jobs)
                continue
            record.status = "failed"
            record.reason = f"not finished {kernel.stop_reason}"
            record.end_s = now
            kernel.bus.emit("program", record.as_row(), now)
        self._records.clear()
