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

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qcloudsim.workload.job import IdAllocator, Job, JobStatus, Lineage

if TYPE_CHECKING:
    from qcloudsim.cutting.plan import CutPlan
    from qcloudsim.engine.extensions.cutting import CuttingExtension

When = Literal["never", "no_fit", "faster"]


@dataclass(frozen=True)
class CuttingPolicy:
    """When and how to cut.

    Attributes:
        when: ``never``; ``no_fit`` (only jobs no device can hold); ``faster``
            (also a job that fits only on busy devices is cut to the width of
            the largest idle device when that is estimated to finish earlier,
            see :meth:`qcloudsim.engine.extensions.cutting.CuttingExtension.cut_is_faster`).
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
    fragments: list[Job] = field(default_factory=list)
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


def fragment_jobs(parent: Job, plan: CutPlan, now: float, ids: IdAllocator) -> list[Job]:
    """The fragment jobs of a cut job: its submission with the fragment's circuit and shots.

    They inherit user, group, priority and deadline; they arrive ``now`` and
    have no fixed service time or recorded outcome of their own.
    """
    from qcloudsim.cutting.reconstruction import reconstruction_time_s

    recon = reconstruction_time_s(plan, parent.shots * parent.circuits)
    shots = plan.fragment_shots(parent.shots)
    return [
        parent.derived(
            ids.fragment(),
            Lineage(
                program_id=parent.program_id, iteration=parent.iteration,
                parent_id=parent.id, fragment=i, reconstruction_s=recon,
            ),
            arrival_s=now, profile=profile, shots=int(shots[i]), service_s=None, recorded=None,
        )
        for i, profile in enumerate(plan.fragments)
    ]


def piece_of(job: Job, shots: int, ids: IdAllocator) -> Job:
    """A piece of fragment ``job`` running ``shots`` of its shots (the rest stays with ``job``)."""
    return job.derived(ids.fragment(), job.lineage, shots=shots)


def reconstruct(cutting: CuttingExtension, parent: CutParent):
    """Process body: reconstruction on the classical pool, then the parent completes."""
    from qcloudsim.cutting.reconstruction import combine_fidelity, reconstruction_time_s

    env = cutting.env
    duration = reconstruction_time_s(parent.plan, parent.job.shots * parent.job.circuits)
    pool = cutting.pool
    if pool.capacities.get("cpu", 0) > 0:
        yield from pool.run("cpu", duration)
    else:
        yield env.timeout(duration)
    if parent.failed:  # the run ended while reconstructing
        return
    fidelities = [
        total / done if done else 0.0 for total, done in zip(parent.fidelity_sum, parent.shots_done, strict=True)
    ]
    state = parent.job.state
    state.status = JobStatus.COMPLETED
    state.start_s = parent.first_start
    state.end_s = env.now
    state.device = "cut:" + "+".join(sorted(parent.devices))
    state.qubits = ()
    state.fidelity = combine_fidelity(fidelities, parent.plan)
    cutting.parent_done(parent)
