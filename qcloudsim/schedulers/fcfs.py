"""First come, first served."""

from __future__ import annotations

from qcloudsim.schedulers.base import BestFidelityPlacement, FifoOrder, PolicyScheduler
from qcloudsim.schedulers.registry import register


@register("fcfs")
class FCFSScheduler(PolicyScheduler):
    """First come, first served, with calibration-aware placement.

    Jobs start in arrival order. The job at the head of the queue goes to
    the available QPU whose best connected region gives it the highest
    estimated fidelity; if no QPU can take it now, nothing behind it starts
    (strict FCFS, no backfilling) unless ``backfill=True``.

    Args:
        backfill: Let later jobs start when the head job cannot.
    """

    def __init__(self, backfill: bool = False) -> None:
        super().__init__(FifoOrder(), BestFidelityPlacement(), backfill=backfill, exclusive=True)
