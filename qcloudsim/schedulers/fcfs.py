"""First come, first served."""

from __future__ import annotations

from qcloudsim.schedulers.base import BestFidelityPlacement, FifoOrder, PolicyScheduler
from qcloudsim.schedulers.registry import register


@register("fcfs")
class FCFSScheduler(PolicyScheduler):
    """First come, first served, with calibration-aware placement.

    FCFS is the baseline policy of batch schedulers (Feitelson, Rudolph,
    Schwiegelshohn, Sevcik, Wong, "Theory and practice in parallel job
    scheduling", JSSPP 1997) and, per device, the order of IBM Quantum's
    queues within a fair-share priority class. Placement follows the ESP
    metric (Nishio et al., ACM JETC 2020), see
    :class:`~qcloudsim.schedulers.base.BestFidelityPlacement`.

    Jobs start in arrival order. The job at the head of the queue goes to
    the available QPU whose best connected region gives it the highest
    estimated fidelity; if no QPU can take it now, nothing behind it starts
    (strict FCFS, no backfilling) unless ``backfill=True``.

    With ``multiprogramming=True`` several jobs share a QPU in disjoint
    regions (the best free region on each device; crosstalk lowers the
    fidelity of neighbours, see :mod:`qcloudsim.models.crosstalk`).

    Args:
        backfill: Let later jobs start when the head job cannot.
        multiprogramming: Run several jobs per QPU at once.
    """

    def __init__(self, backfill: bool = False, multiprogramming: bool = False) -> None:
        super().__init__(
            FifoOrder(), BestFidelityPlacement(), backfill=backfill, exclusive=not multiprogramming
        )
