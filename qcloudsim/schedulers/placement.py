"""Placement baselines: least loaded, best fidelity, weighted fidelity/wait.

Each placement is a :class:`~qcloudsim.schedulers.base.Placement` and is
registered as a scheduler with FIFO order (strict by default, like
``fcfs``; ``backfill=True`` lets later jobs overtake).

Sources: least-loaded (join-the-shortest-queue) dispatch, Winston, J. Appl.
Prob. 14(1), 1977; noise-aware device selection as in Tannu & Qureshi,
"Not all qubits are created equal", ASPLOS 2019, and Ravi et al.,
"Adaptive job and resource management for the growing quantum cloud",
IEEE QCE 2021 (which trades fidelity against queueing delay, the idea of
``weighted``).
"""

from __future__ import annotations

from qcloudsim.models.cost import Quote
from qcloudsim.schedulers.base import (
    INFEASIBLE,
    WAIT,
    BestFidelityPlacement,
    Decision,
    FifoOrder,
    Placement,
    PolicyScheduler,
    feasible_somewhere,
)
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import Assignment, DeviceView, Snapshot
from qcloudsim.workload.job import Job


class LeastLoadedPlacement(Placement):
    """The device that can start the job now with the fewest running jobs,
    then the most free qubits (after this round's claims), then the lowest
    fleet index. The job gets that device's best region."""

    name = "least_loaded"

    def place(self, job: Job, snapshot: Snapshot) -> Decision:
        best = None
        for device in snapshot.open_devices():
            quote = snapshot.estimate(job, device)
            if quote is None or not snapshot.finishes_before_downtime(job, device, quote):
                continue
            free = snapshot.free_qubits(device)
            num_free = device.num_qubits if free is None else len(free)
            key = (device.running, -num_free, device.index)
            if best is None or key < best[0]:
                best = (key, device, quote)
        if best is None:
            return WAIT if feasible_somewhere(job, snapshot) else INFEASIBLE
        return Assignment(job, best[1].name, best[2].qubits, quote=best[2])


class WeightedPlacement(Placement):
    """Trade estimated fidelity against expected wait; may choose to wait.

    For every device that could run the job (allowed, big enough) a score::

        score = w · F - (1 - w) · W / W_max

    ``F`` is the estimated fidelity on the device's best region (all qubits
    free: an exclusive device is empty when the job starts). ``W`` is the
    expected wait: 0 if the device can start the job now, else
    ``busy_until_s - now`` for a device that is up and busy. ``W_max`` is the
    largest ``W`` among the candidates (all ``W / W_max`` are 0 when every
    candidate is free). Ties go to higher fidelity, then fleet order.

    When the best score belongs to a busy device, the job *waits* (``None``
    this round). Waiting never deadlocks: the only devices worth waiting for
    are up and running a job, whose completion triggers a new round; a
    device that is down, idle but unable to take the job (claimed this round,
    or too small right now), or whose run would cross its next downtime is
    not a candidate for waiting. A job never waits for nothing: if no
    device is free and none is busy-and-up, it returns ``None`` like any
    placement and a later event (downtime end, completion) retries it.

    Args:
        fidelity_weight: ``w`` in ``[0, 1]``: 1 = best fidelity (waiting for
            it if busy), 0 = least wait.

    Raises:
        ValueError: If ``fidelity_weight`` is not a number in ``[0, 1]``.
    """

    name = "weighted"

    def __init__(self, fidelity_weight: float = 0.5) -> None:
        if isinstance(fidelity_weight, bool) or not isinstance(fidelity_weight, int | float) or not (
            0.0 <= fidelity_weight <= 1.0
        ):
            raise ValueError(f"fidelity_weight must be a number in [0, 1], got {fidelity_weight!r}")
        self.fidelity_weight = float(fidelity_weight)

    def params(self) -> dict:
        return {"fidelity_weight": self.fidelity_weight}

    def place(self, job: Job, snapshot: Snapshot) -> Decision:
        # (device, fidelity, wait, quote or None when the job would wait)
        candidates: list[tuple[DeviceView, float, float, Quote | None]] = []
        size = job.profile.num_qubits
        for device in snapshot.devices:
            if not snapshot.allowed(job, device) or size > device.num_qubits:
                continue
            quote = snapshot.estimate(job, device)
            if quote is not None:
                if snapshot.finishes_before_downtime(job, device, quote):
                    candidates.append((device, quote.fidelity, 0.0, quote))
                continue
            if not (device.available and device.running):
                continue
            later = snapshot.reference_quote(job, device)
            if later is None:
                continue
            start = max(device.busy_until_s, snapshot.now)
            if start + snapshot.runtime_s(job, later) > device.next_down_s:
                continue
            candidates.append((device, later.fidelity, start - snapshot.now, None))
        if not candidates:
            return WAIT if feasible_somewhere(job, snapshot) else INFEASIBLE
        w = self.fidelity_weight
        w_max = max(c[2] for c in candidates)
        best = max(
            candidates,
            key=lambda c: (w * c[1] - (1 - w) * (c[2] / w_max if w_max > 0 else 0.0), c[1], -c[0].index),
        )
        device, _, _, chosen = best
        return WAIT if chosen is None else Assignment(job, device.name, chosen.qubits, quote=chosen)


class _FifoPlacementScheduler(PolicyScheduler):
    """FIFO order with a placement baseline; ``backfill`` as in ``fcfs``."""

    def __init__(self, placement: Placement, backfill: bool = False, multiprogramming: bool = False) -> None:
        if not isinstance(backfill, bool):
            raise ValueError(f"scheduler {self.name!r}: backfill must be true or false, got {backfill!r}")
        super().__init__(FifoOrder(), placement, backfill=backfill, exclusive=not multiprogramming)


@register("least_loaded")
class LeastLoadedScheduler(_FifoPlacementScheduler):
    """FIFO order; the device with the fewest running jobs, then most free qubits.

    Source: join-the-shortest-queue dispatch (Winston, J. Appl. Prob. 1977).

    Args:
        backfill: Let later jobs start when the head cannot.
    """

    def __init__(self, backfill: bool = False, multiprogramming: bool = False) -> None:
        super().__init__(LeastLoadedPlacement(), backfill, multiprogramming)


@register("fidelity")
class FidelityScheduler(_FifoPlacementScheduler):
    """FIFO order; the free device with the best estimated fidelity (= ``fcfs``).

    Source: noise-aware device selection (Tannu & Qureshi, ASPLOS 2019).

    Args:
        backfill: Let later jobs start when the head cannot.
    """

    def __init__(self, backfill: bool = False, multiprogramming: bool = False) -> None:
        super().__init__(BestFidelityPlacement(), backfill, multiprogramming)


@register("weighted")
class WeightedScheduler(_FifoPlacementScheduler):
    """FIFO order; device by ``w · fidelity - (1 - w) · normalised wait``, may wait.

    See :class:`WeightedPlacement`. Strict FIFO by default: a head job that
    waits for a better busy device holds the queue, so devices drain and
    the job cannot starve. With ``backfill=True`` later jobs may keep the
    preferred device busy (no starvation guarantee).

    Source: fidelity/queueing-delay trade-off of Ravi et al., IEEE QCE 2021.

    Args:
        fidelity_weight: ``w`` in ``[0, 1]``.
        backfill: Let later jobs start when the head cannot (or waits).

    Raises:
        ValueError: If ``fidelity_weight`` is outside ``[0, 1]``.
    """

    def __init__(self, fidelity_weight: float = 0.5, backfill: bool = False, multiprogramming: bool = False) -> None:
        super().__init__(WeightedPlacement(fidelity_weight), backfill, multiprogramming)

    def describe(self) -> dict:
        placement = self.placement
        assert isinstance(placement, WeightedPlacement)
        return {**super().describe(), "fidelity_weight": placement.fidelity_weight}

