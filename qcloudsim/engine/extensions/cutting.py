"""Circuit cutting as a kernel extension.

* an **admission hook**: a new job (not pinned, not a fragment, not a
  session) that the :class:`~qcloudsim.engine.cutting.CuttingPolicy` says to
  cut is replaced by its fragments, each submitted as an ordinary job
  (``Lineage.parent_id`` and ``fragment`` set, ids from the simulation's
  allocator); a job that must be cut but cannot be is rejected with the reason;
* a **split hook**: a scheduler may run part of a fragment's shots
  (``Assignment.shots``), which become a piece job;
* it follows fragments through the ``finish`` and ``reject`` events: when
  every shot of every fragment is done, the reconstruction runs on the
  classical pool and the parent completes (event ``cut_job``); when one
  fails, the parent fails and its queued fragments are withdrawn.

See :mod:`qcloudsim.engine.cutting` for the records and the parent's outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.engine.cutting import (
    CutParent,
    CuttingPolicy,
    fragment_jobs,
    make_plan,
    piece_of,
    reconstruct,
)
from qcloudsim.engine.extensions.classical import pool_of
from qcloudsim.engine.kernel import Extension
from qcloudsim.workload.job import Job, JobStatus

if TYPE_CHECKING:
    from qcloudsim.cutting.plan import CutPlan
    from qcloudsim.engine.kernel import Kernel
    from qcloudsim.engine.qpu import Run


@dataclass(frozen=True, slots=True)
class _Probe:
    """A circuit, shots and circuits to price (for :meth:`CuttingExtension.cut_is_faster`)."""

    profile: CircuitProfile
    shots: int
    circuits: int
    service_s: float | None = None


class CuttingExtension(Extension):
    """Cuts jobs by ``policy`` (see the module doc)."""

    def __init__(self, policy: CuttingPolicy) -> None:
        self.policy = policy
        self._parents: dict[int, CutParent] = {}

    def attach(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.env = kernel.env
        self.pool = pool_of(kernel)
        kernel.splitter = self._piece
        if self.policy.when != "never":
            kernel.admission.append(self._admit)
        kernel.bus.subscribe("finish", self._on_finish)
        kernel.bus.subscribe("reject", self._on_reject)

    # -- admission ------------------------------------------------------------------------

    def _admit(self, job: Job) -> bool:
        if job.lineage.parent_id is not None or job.lineage.session:
            return False
        return self._maybe_cut(job)

    def _maybe_cut(self, job: Job) -> bool:
        """Cut ``job`` if the policy says so; True when it was cut or rejected."""
        from qcloudsim.cutting.plan import CutError

        kernel = self.kernel
        needed = job.profile.num_qubits
        largest = max(kernel.largest.values())
        fits = needed <= largest
        if fits and self.policy.when != "faster":
            return False
        width = min(self.policy.max_fragment_qubits or largest, largest)
        if fits:  # "faster": cut to fit the devices that are idle now
            idle = [kernel.largest[q.name] for q in kernel.qpus if q.available and not q.running]
            width = min(width, max(idle, default=0))
            if width < 2 or width >= needed:
                return False
        try:
            plan = make_plan(job, width, self.policy)
        except CutError as exc:
            if fits:
                return False
            kernel.reject(job, f"needs {needed} connected qubits and cannot be cut: {exc}")
            return True
        if plan.source == "uncut" or len(plan.fragments) < 2:
            return False
        if fits and not self.cut_is_faster(job, plan):
            return False
        job.state.status = JobStatus.RUNNING
        fragments = fragment_jobs(job, plan, self.env.now, kernel.ids)
        self._parents[job.id] = CutParent(
            job, plan, shots_left=[f.shots for f in fragments], fidelity_sum=[0.0] * len(fragments),
            shots_done=[0] * len(fragments), fragments=fragments,
        )
        for fragment in fragments:
            kernel.submit(fragment)
        return True

    def cut_is_faster(self, job: Job, plan: CutPlan) -> bool:
        """Whether ``plan`` is expected to finish ``job`` earlier than running it whole.

        Both estimates use the devices' current availability (``busy_until``)
        and the cost model, and ignore the jobs queued ahead (the same for
        both): uncut = best over fitting devices of delay + runtime; cut =
        the slowest fragment's best delay + runtime, plus reconstruction.
        """
        from qcloudsim.cutting.reconstruction import reconstruction_time_s

        kernel = self.kernel
        now = self.env.now

        def best_finish(profile: CircuitProfile, shots: int) -> float:
            best = math.inf
            probe = _Probe(profile, shots, job.circuits)
            for qpu in kernel.qpus:
                if kernel.largest[qpu.name] < profile.num_qubits:
                    continue
                quote = kernel.cost.best_quote(probe, qpu.device, qpu.calibration)
                if quote is None:
                    continue
                delay = max(qpu.busy_until_s - now, 0.0) if qpu.running else 0.0
                best = min(best, delay + kernel.cost.runtime_s(probe, quote))
            return best

        uncut = best_finish(job.profile, job.shots)
        shots = plan.fragment_shots(job.shots)
        cut = max(best_finish(p, s) for p, s in zip(plan.fragments, shots, strict=True))
        return cut + reconstruction_time_s(plan, job.shots * job.circuits) < uncut

    def _piece(self, job: Job, shots: int) -> Job:
        return piece_of(job, shots, self.kernel.ids)

    # -- fragments leaving ------------------------------------------------------------------

    def _on_finish(self, run: Run, now: float) -> None:
        job = run.job
        if job.lineage.parent_id is None:
            return
        if job.state.status is JobStatus.COMPLETED:
            self._fragment_done(job)
        else:
            self._fragment_failed(job)

    def _on_reject(self, job: Job, now: float) -> None:
        if job.lineage.parent_id is not None:
            self._fragment_failed(job)

    def _fragment_done(self, job: Job) -> None:
        parent = self._parents.get(job.lineage.parent_id)  # type: ignore[arg-type]
        if parent is None or parent.failed:
            return
        f = job.lineage.fragment
        assert f is not None
        shots = job.state.shots
        parent.shots_left[f] -= shots
        parent.shots_done[f] += shots
        parent.fidelity_sum[f] += job.state.fidelity * shots
        parent.devices.add(job.state.device)
        parent.first_start = min(parent.first_start, job.state.start_s)
        if all(left <= 0 for left in parent.shots_left):
            self.env.process(reconstruct(self, parent))

    def _fragment_failed(self, job: Job) -> None:
        parent = self._parents.get(job.lineage.parent_id)  # type: ignore[arg-type]
        if parent is None or parent.failed:
            return
        parent.failed = True
        state = parent.job.state
        state.status = JobStatus.FAILED
        state.reason = f"fragment {job.lineage.fragment} {job.state.status.value}: {job.state.reason}"
        state.end_s = self.env.now
        kernel = self.kernel
        for sibling in parent.fragments:
            if sibling in kernel.queues:
                kernel.withdraw(sibling, JobStatus.FAILED, "sibling fragment failed")
        self.parent_done(parent)

    def parent_done(self, parent: CutParent) -> None:
        """A cut job completed (or failed): record it and release it."""
        if self._parents.pop(parent.job.id, None) is None:
            return
        now = self.env.now
        self.kernel.bus.emit("cut_job", parent.job, now)
        self.kernel.settle(parent.job)

    def close(self, kernel: Kernel, now: float) -> None:
        for parent in list(self._parents.values()):
            parent.failed = True
            state = parent.job.state
            state.status = JobStatus.FAILED
            state.reason = f"cut job not finished {kernel.stop_reason}"
            state.end_s = now
            self.parent_done(parent)
