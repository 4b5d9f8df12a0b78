"""A scheduler with a bug that shows only for some parameters (for the keep-going test)."""

from __future__ import annotations

from qcloudsim.schedulers.fcfs import FCFSScheduler


class BuggyScheduler(FCFSScheduler):
    """FCFS, except that with ``buggy: true`` its first decision raises."""

    name = "buggy"

    def __init__(self, buggy: bool = False) -> None:
        super().__init__()
        self.buggy = buggy

    def decide(self, snapshot):
        if self.buggy:
            raise RuntimeError("deliberate scheduler bug")
        return super().decide(snapshot)
