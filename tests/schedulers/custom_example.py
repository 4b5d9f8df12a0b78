"""A user's own scheduler, as documented in ``docs/schedulers.md``.

Load it from YAML with
``scheduler: {name: "tests.schedulers.custom_example:WidestFirst", params: {max_starts: 2}}``.
"""

from __future__ import annotations

from qcloudsim.schedulers import Assignment, Scheduler, Snapshot


class WidestFirst(Scheduler):
    """Widest job first, on the largest device that can start it now.

    Args:
        max_starts: Most jobs started per scheduling round (>= 1).
    """

    def __init__(self, max_starts: int = 4) -> None:
        if max_starts < 1:
            raise ValueError(f"max_starts must be >= 1, got {max_starts}")
        self.max_starts = max_starts

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        decisions: list[Assignment] = []
        devices = sorted(snapshot.devices, key=lambda d: (-d.num_qubits, d.index))
        for job in sorted(snapshot.queue, key=lambda j: -j.num_qubits):  # stable: FIFO ties
            if len(decisions) == self.max_starts:
                break
            for device in devices:
                estimate = snapshot.estimate(job, device)  # None: cannot start there now
                if estimate and snapshot.finishes_before_downtime(job, device, estimate):
                    decisions.append(Assignment(job, device.name, estimate.qubits))
                    snapshot.claim(decisions[-1])  # later jobs see the qubits as taken
                    break
        return decisions

    def describe(self) -> dict:
        return {"name": "WidestFirst", "max_starts": self.max_starts}
