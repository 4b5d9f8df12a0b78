"""Circuit cutting: cut plans, cost models and annealing placement of fragments.

* :mod:`~qcloudsim.cutting.plan`: :class:`CutPlan`, :class:`CutError`.
* :mod:`~qcloudsim.cutting.find`: real cuts with qiskit-addon-cutting.
* :mod:`~qcloudsim.cutting.analytic`: cut estimates for profile-only jobs.
* :mod:`~qcloudsim.cutting.reconstruction`: classical post-processing time and
  combined fidelity.
* :mod:`~qcloudsim.cutting.annealing`: pure simulated-annealing placement of
  fragments on QPUs with deadlines, plus greedy baselines.

See ``docs/cutting.md``.
"""

from qcloudsim.cutting.analytic import analytic_plan
from qcloudsim.cutting.plan import CutError, CutPlan
from qcloudsim.cutting.reconstruction import combine_fidelity, reconstruction_time_s

__all__ = ["CutError", "CutPlan", "analytic_plan", "combine_fidelity", "plan_for_circuit", "reconstruction_time_s"]


def __getattr__(name: str):  # lazy: qiskit-addon-cutting is imported on first use
    if name == "plan_for_circuit":
        from qcloudsim.cutting.find import plan_for_circuit

        return plan_for_circuit
    raise AttributeError(f"module 'qcloudsim.cutting' has no attribute {name!r}")
