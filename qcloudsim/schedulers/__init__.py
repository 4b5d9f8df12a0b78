"""Schedulers: the decision interface, policy levels and the registry."""

from qcloudsim.schedulers.base import (
    BestFidelityPlacement,
    FifoOrder,
    Placement,
    PolicyScheduler,
    QueueOrder,
    Scheduler,
)
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
    "FifoOrder",
    "Placement",
    "PolicyScheduler",
    "QueueOrder",
    "Scheduler",
    "Snapshot",
    "UnknownSchedulerError",
    "make_scheduler",
    "register",
    "scheduler_class",
    "scheduler_names",
]
