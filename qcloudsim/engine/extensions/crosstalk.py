"""Multi-programming crosstalk: runs sharing a device lower each other's fidelity.

Subscribes to ``start``. When a run starts on a device that already runs
others, its estimate is penalised by the qubits other runs hold next to its
region, and the estimates of running jobs newly exposed to its qubits are
lowered (never raised). The penalty is
:meth:`qcloudsim.models.estimator.Estimator.with_crosstalk` (Murali et al.
factor, :mod:`qcloudsim.models.crosstalk`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcloudsim.engine.kernel import Extension

if TYPE_CHECKING:
    from qcloudsim.engine.kernel import Kernel
    from qcloudsim.engine.qpu import QPU, Run
    from qcloudsim.models.estimator import Estimate


class CrosstalkExtension(Extension):
    """See the module doc."""

    def attach(self, kernel: Kernel) -> None:
        self.estimator = kernel.cost.estimator
        if self.estimator.crosstalk_params.enabled:
            kernel.bus.subscribe("start", self._started)

    def _started(self, run: Run, now: float) -> None:
        qpu = run.qpu
        if qpu.running < 2:
            return
        estimator = self.estimator
        calibration = qpu.calibration
        neighbours = estimator.neighbours(calibration)
        owner = qpu.owner
        run.estimate = self._penalised(qpu, run, run.estimate, neighbours)
        run.job.state.fidelity = run.estimate.fidelity
        affected: dict[int, Run] = {}
        for q in run.qubits:
            for n in neighbours[q]:
                other = owner.get(n)
                if other is not None and other is not run:
                    affected[id(other)] = other
        for other in affected.values():
            penalised = self._penalised(qpu, other, other.estimate, neighbours)
            if penalised.fidelity < other.job.state.fidelity:
                other.job.state.fidelity = penalised.fidelity

    def _penalised(
        self, qpu: QPU, own: Run, estimate: Estimate, neighbours: tuple[tuple[int, ...], ...],
    ) -> Estimate:
        estimator = self.estimator
        exposing = estimator.halo(qpu.calibration, estimate.qubits, neighbours)
        owner = qpu.owner
        foreign = [q for q in exposing if (holder := owner.get(q)) is not None and holder is not own]
        if not foreign:
            return estimate  # what with_crosstalk returns when no foreign qubit is near
        return estimator.with_crosstalk(estimate, own.job.profile, qpu.calibration, neighbours, foreign)
