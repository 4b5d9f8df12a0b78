"""Cut circuits in the engine: parents, fragments, shot splits and reconstruction.

A job that is cut (see :class:`CuttingPolicy`) never runs itself: its
fragments enter the queue as ordinary jobs (``parent_id`` and ``fragment``
set) that any scheduler can place; a scheduler may run part of a
fragment's shots on one QPU and the rest elsewhere (``Assignment.shots``).
When every shot of every fragment is done, the classical reconstruction
runs on the classical pool (a CPU node if the pool has one, otherwise
without queueing) and the parent completes with:

* ``start_s`` = first fragment start, ``end_s`` = end of the reconstruction;
* ``fidelity`` = :func:`qcloudsim.cutting.reconstruction.combine_fidelity`
  of the fragments' shot-weighted mean fidelities;
* ``device`` = ``"cut:"`` + the devices used, ``qubits`` = ``()``.

If a fragment is rejected or fails, the parent fails with that reason and
its queued fragments are cancelled (``failed``, "sibling fragment failed").
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qcloudsim.workload.job import Job, JobStatus

if TYPE_CHECKING:
    from qcloudsim.cutting.plan import CutPlan
    from qcloudsim.engine.simulation import Simulation

FRAGMENT_IDS = itertools.count(2 * 10**15)
"""Ids of fragment and piece jobs (far above workload and program ids)."""

When = Literal["never", "no_fit", "faster"]


@dataclass(frozen=True)
class CuttingPolicy:
    """When and how to cut.

    Attributes:
        when: ``never``; ``no_fit`` (only jobs no device can hold); ``faster``
            (also a job that fits only on busy devices is cut to the width of
            the largest idle device when that is estimated to finish earlier,
            see :meth:`qcloudsim.engine.simulation.Simulation.cut_is_faster`).
        max_fragment_qubits: Widest fragment; ``None``: the largest connected
            region in the fleet.
        max_overhead: Largest sampling overhead accepted; beyond it the job
            is rejected with that reason.
        method: ``auto`` (qiskit-addon-cutting when the circuit can be rebuilt,
            else the analytic model), ``circuit`` or ``analytic``.
        seed: Seed of the cut search.
    """

    when: When = "never"
    max_fragment_qubits: int | None = None
    max_overhead: float = 1e6
    method: Literal["auto", "circuit", "analytic"] = "auto"
    seed: int = 0


@dataclass
class CutParent:
    """Progress of one cut job."""

    job: Job
    plan: CutPlan
    shots_left: list[int]
    fidelity_sum: list[float]
    shots_done: list[int]
    devices: set[str] = field(default_factory=set)
    first_start: float = math.inf
    failed: bool = False


def make_plan(job: Job, width: int, policy: CuttingPolicy) -> CutPlan:
    """The cut plan of ``job`` for fragments of at most ``width`` qubits.

    Raises:
        qcloudsim.cutting.plan.CutError: No plan within the limits.
    """
    from qcloudsim.cutting.analytic import analytic_plan

    if policy.method in ("auto", "circuit"):
        from qcloudsim.models.exact import circuit_for_profile

        circuit = circuit_for_profile(job.profile)
        if circuit is not None:
            from qcloudsim.cutting.find import plan_for_circuit

            return plan_for_circuit(circuit, width, max_overhead=policy.max_overhead, seed=policy.seed)
        if policy.method == "circuit":
            from qcloudsim.cutting.plan import CutError

            raise CutError(f"job {job.id}: the circuit of profile {job.profile.name!r} cannot be rebuilt for cutting")
    return analytic_plan(job.profile, width, max_overhead=policy.max_overhead, seed=policy.seed)


def fragment_jobs(parent: Job, plan: CutPlan, now: float) -> list[Job]:
    """The fragment jobs of a cut job (inheriting user, group, priority, deadline)."""
    from qcloudsim.cutting.reconstruction import reconstruction_time_s

    recon = reconstruction_time_s(plan, parent.shots * parent.circuits)
    shots = plan.fragment_shots(parent.shots)
    return [
        Job(
            id=next(FRAGMENT_IDS), arrival_s=now, profile=profile, shots=int(shots[i]), circuits=parent.circuits,
            user=parent.user, group=parent.group, priority=parent.priority, deadline_s=parent.deadline_s,
            program_id=parent.program_id, iteration=parent.iteration,
            parent_id=parent.id, fragment=i, reconstruction_s=recon,
        )
        for i, profile in enumerate(plan.fragments)
    ]


def piece_of(job: Job, shots: int) -> Job:
    """A piece of fragment ``job`` running ``shots`` of its shots (the rest stays with ``job``)."""
    return Job(
        id=next(FRAGMENT_IDS), arrival_s=job.arrival_s, profile=job.profile, shots=shots, circuits=job.circuits,
        user=job.user, group=job.group, priority=job.priority, deadline_s=job.deadline_s,
        program_id=job.program_id, iteration=job.iteration,
        parent_id=job.parent_id, fragment=job.fragment, reconstruction_s=job.reconstruction_s,
    )


def reconstruct(sim: Simulation, parent: CutParent):
    """Process body: reconstruction on the classical pool, then the parent completes."""
    from qcloudsim.cutting.reconstruction import combine_fidelity, reconstruction_time_s

    duration = reconstruction_time_s(parent.plan, parent.job.shots * parent.job.circuits)
    if sim.pool.capacities.get("cpu", 0) > 0:
        yield from sim.pool.run("cpu", duration)
    else:
        yield sim.env.timeout(duration)
    fidelities = [
        total / done if done else 0.0 for total, done in zip(parent.fidelity_sum, parent.shots_done, strict=True)
    ]
    job = parent.job
    job.status = JobStatus.COMPLETED
    job.start_s = parent.first_start
    job.end_s = sim.env.now
    job.device = "cut:" + "+".join(sorted(parent.devices))
    job.qubits = ()
    job.fidelity = combine_fidelity(fidelities, parent.plan)
    sim.parent_done(parent)
