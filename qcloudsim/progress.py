"""Progress bar for long runs (tqdm), as an engine monitor."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

from qcloudsim.engine.monitor import Monitor
from qcloudsim.engine.qpu import Run
from qcloudsim.workload.job import Job


class ProgressMonitor(Monitor):
    """Counts jobs leaving the system on a tqdm bar (updated every ``every`` jobs).

    Args:
        total: Expected number of jobs (``None`` if unknown, e.g. a trace).
        description: Bar label.
        every: Jobs between bar refreshes (keeps the per-job cost tiny).
        disable: ``None`` shows the bar only on a terminal.
    """

    def __init__(
        self, total: int | None, description: str = "jobs", every: int = 256, disable: bool | None = None
    ) -> None:
        if disable is None:
            disable = not sys.stderr.isatty()
        self._bar = tqdm(total=total, desc=description, unit="job", disable=disable, leave=False)
        self._every = every
        self._pending = 0

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= self._every:
            self._bar.update(self._pending)
            self._pending = 0

    def on_reject(self, job: Job, now: float) -> None:
        self._tick()

    def on_finish(self, run: Run, now: float) -> None:
        self._tick()

    def on_end(self, now: float) -> None:
        self._bar.update(self._pending)
        self._pending = 0
        self._bar.close()
