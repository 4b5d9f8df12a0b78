"""The classical compute pool: CPU and GPU nodes as SimPy resources.

Optimizer steps of hybrid programs (and, later, circuit-cutting
reconstruction) queue for a node of their kind; busy and waiting times are
accounted so that utilization can be reported.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping

import simpy


class ClassicalPool:
    """Nodes by kind (``"cpu"``, ``"gpu"``), each kind a :class:`simpy.Resource`.

    Args:
        env: The simulation environment.
        capacities: Nodes per kind (>= 0).
    """

    def __init__(self, env: simpy.Environment, capacities: Mapping[str, int]) -> None:
        for kind, count in capacities.items():
            if count < 0:
                raise ValueError(f"classical pool: {kind} nodes must be >= 0, got {count}")
        self.env = env
        self.capacities = dict(capacities)
        self.resources = {k: simpy.Resource(env, capacity=c) for k, c in capacities.items() if c > 0}
        self.busy_s = dict.fromkeys(capacities, 0.0)
        self.wait_s = dict.fromkeys(capacities, 0.0)
        self.tasks = dict.fromkeys(capacities, 0)

    def run(self, kind: str, duration_s: float) -> Generator[simpy.Event, object, float]:
        """Process body: wait for a ``kind`` node, hold it ``duration_s``; returns the wait (s).

        Raises:
            ValueError: The pool has no node of ``kind``.
        """
        resource = self.resources.get(kind)
        if resource is None:
            raise ValueError(f"the classical pool has no {kind} nodes (capacities: {self.capacities})")
        asked = self.env.now
        with resource.request() as request:
            yield request
            waited = self.env.now - asked
            yield self.env.timeout(duration_s)
        self.busy_s[kind] += duration_s
        self.wait_s[kind] += waited
        self.tasks[kind] += 1
        return waited

    def utilization(self, period_s: float) -> dict[str, dict[str, float]]:
        """Per kind: nodes, tasks, busy node-seconds, mean wait and busy fraction over ``period_s``."""
        out = {}
        for kind, nodes in self.capacities.items():
            busy = self.busy_s[kind]
            out[kind] = {
                "nodes": nodes,
                "tasks": self.tasks[kind],
                "busy_s": busy,
                "mean_wait_s": self.wait_s[kind] / self.tasks[kind] if self.tasks[kind] else 0.0,
                "utilization": busy / (nodes * period_s) if nodes and period_s > 0 else 0.0,
            }
        return out
