"""The kernel's event bus: extensions and monitors subscribe to what happens.

Events (handler arguments in brackets): ``arrival`` (job, now), ``reject``
(job, now: the job left without running, rejected or failed), ``start``
(run, now), ``finish`` (run, now: the run's job left the QPU, completed or
failed), ``interrupt`` (run, now: a run was cut and its job requeued),
``device_state`` (qpu, state, now), ``calibration`` (qpu, now), ``program``
(record, now), ``cut_job`` (job, now) and ``end`` (now).

Handlers run in subscription order. The composition root attaches the
extensions before the monitors, so a monitor sees a run after every
extension has adjusted it (e.g. crosstalk lowering its fidelity).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qcloudsim.engine.monitor import Monitor, overridden_hooks

EVENTS = (
    "arrival", "reject", "start", "finish", "interrupt",
    "device_state", "calibration", "program", "cut_job", "end",
)


class EventBus:
    """Named events with ordered handler lists.

    ``handlers[event]`` is a plain list that stays the same object for the
    life of the bus, so the kernel can hold it and iterate it directly on a
    hot path (an event nobody subscribed to costs one empty loop).
    """

    def __init__(self) -> None:
        self.handlers: dict[str, list[Callable[..., Any]]] = {event: [] for event in EVENTS}

    def subscribe(self, event: str, handler: Callable[..., Any]) -> None:
        """Call ``handler`` on every ``event``.

        Raises:
            ValueError: For an unknown event name.
        """
        if event not in self.handlers:
            raise ValueError(f"unknown engine event {event!r}; events: {', '.join(EVENTS)}")
        self.handlers[event].append(handler)

    def attach(self, monitor: Monitor) -> None:
        """Subscribe the hooks ``monitor`` overrides (``on_start`` -> ``start``, ...)."""
        for hook, method in overridden_hooks(monitor).items():
            self.subscribe(hook[3:], method)  # type: ignore[arg-type]

    def emit(self, event: str, *args: Any) -> None:
        """Call the handlers of ``event`` with ``args``."""
        for handler in self.handlers[event]:
            handler(*args)
