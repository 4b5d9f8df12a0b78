"""The horizon: stop the clock at a fixed time.

Sets the kernel's stop time; the kernel then fails what still runs or waits
("still running at the horizon (T s)"). At the end, the jobs of the
workload that would have arrived after the horizon are counted (they are
never submitted, so they are not rows of the job table): see
:attr:`HorizonExtension.after_horizon`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcloudsim.engine.kernel import Extension

if TYPE_CHECKING:
    from qcloudsim.engine.kernel import Kernel


class HorizonExtension(Extension):
    """Stop at ``horizon_s`` seconds.

    Args:
        horizon_s: The stop time (s, > 0).
        count_after: Count the workload's jobs arriving after the horizon
            (consumes the rest of the job stream).

    Attributes:
        after_horizon: Workload jobs that arrive after the horizon (set at the end).
    """

    def __init__(self, horizon_s: float, count_after: bool = True) -> None:
        if not (horizon_s > 0):
            raise ValueError(f"horizon_s must be > 0, got {horizon_s}")
        self.horizon_s = float(horizon_s)
        self.count_after = count_after
        self.after_horizon = 0

    def attach(self, kernel: Kernel) -> None:
        kernel.stop_at = self.horizon_s
        kernel.stop_reason = f"at the horizon ({self.horizon_s} s)"

    def close(self, kernel: Kernel, now: float) -> None:
        if self.count_after:
            self.after_horizon = sum(1 for _ in kernel.unarrived())
