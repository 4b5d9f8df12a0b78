"""Schedulers: the decision interface, policy levels and the registry."""

from qcloudsim.schedulers.base import (
    BestFidelityPlacement,
    FifoOrder,
    Placement,
    PolicyScheduler,
    QueueOrder,
    Scheduler,
)
from qcloudsim.schedulers.fairshare import FairShareOrder, FairShareScheduler, UsageLedger
from qcloudsim.schedulers.ordering import (
    EarliestDeadlineOrder,
    EDFScheduler,
    PriorityOrder,
    PriorityScheduler,
    ShortestJobFirstOrder,
    SJFScheduler,
)
from qcloudsim.schedulers.placement import (
    FidelityScheduler,
    LeastLoadedPlacement,
    LeastLoadedScheduler,
    WeightedPlacement,
    WeightedScheduler,
)
from qcloudsim.schedulers.qsra import QSRAScheduler, QuantumHRRNOrder, SpreadPlacement
from qcloudsim.schedulers.registry import (
    UnknownSchedulerError,
    make_scheduler,
    register,
    scheduler_class,
    scheduler_names,
)
from qcloudsim.schedulers.snapshot import Assignment, Snapshot

__all__ = [
    "Assignment",
    "BestFidelityPlacement",
    "EDFScheduler",
    "EarliestDeadlineOrder",
    "FairShareOrder",
    "FairShareScheduler",
    "FidelityScheduler",
    "FifoOrder",
    "LeastLoadedPlacement",
    "LeastLoadedScheduler",
    "Placement",
    "PolicyScheduler",
    "PriorityOrder",
    "PriorityScheduler",
    "QSRAScheduler",
    "QuantumHRRNOrder",
    "QueueOrder",
    "SJFScheduler",
    "Scheduler",
    "ShortestJobFirstOrder",
    "Snapshot",
    "SpreadPlacement",
    "UsageLedger",
    "WeightedPlacement",
    "WeightedScheduler",
    "UnknownSchedulerError",
    "make_scheduler",
    "register",
    "scheduler_class",
    "scheduler_names",
]
