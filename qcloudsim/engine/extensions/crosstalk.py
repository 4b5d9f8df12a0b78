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
        run.estimate = self._penalised(qpu, run, run.estimate)
        run.job.state.fidelity = run.estimate.fidelity
        neighbours = self.estimator.neighbours(qpu.calibration)
        owner = qpu.owner
        affected = {
            id(other): other
            for q in run.qubits for n in neighbours[q]
            if (other := owner.get(n)) is not None and other is not run
        }
        for other in affected.values():
            penalised = self._penalised(qpu, other, other.estimate)
            if penalised.fidelity < other.job.state.fidelity:
                other.job.state.fidelity = penalised.fidelity

    def _penalised(self, qpu: QPU, own: Run, estimate: Estimate) -> Estimate:
        estimator = self.estimator
        neighbours = estimator.neighbours(qpu.calibration)
        exposing = estimator.halo(qpu.calibration, estimate.qubits, neighbours)
        owner = qpu.owner
        foreign = [q for q in exposing if q in owner and owner[q] is not own]
        return estimator.with_crosstalk(estimate, own.job.profile, qpu.calibration, neighbours, foreign)
