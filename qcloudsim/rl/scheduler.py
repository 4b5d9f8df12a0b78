"""A trained DRL policy as an ordinary registered scheduler (``scheduler: drl``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from qcloudsim.rl.observation import ObservationSpec, observe, wait_allowed
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.registry import register
from qcloudsim.schedulers.snapshot import Assignment, Snapshot


@register("drl")
class DRLScheduler(Scheduler):
    """Places jobs in arrival order with a trained MaskablePPO policy.

    The policy sees exactly what the Gymnasium environment showed it in
    training (:func:`qcloudsim.rl.observation.observe`) and picks a device
    for the job at the head of the queue, or waits. One decision per round
    (``one_per_round``): after each start the engine runs a new round at the
    same instant, so every observation is built from the engine's state,
    as in the environment, never from a round's tentative claims.

    Source: the DRL schedulers of DRLQ (Nguyen et al., arXiv 2407.20599) and
    Moirai-style GCN + RL placement; trained with sb3-contrib MaskablePPO
    (Huang & Ontañón, "A closer look at invalid action masking", 2020).

    Args:
        checkpoint: Path of a saved MaskablePPO model (``.zip``).
        deterministic: Take the most likely action.
    """

    one_per_round = True

    def __init__(self, checkpoint: str, deterministic: bool = True) -> None:
        path = Path(checkpoint)
        if not path.exists() and not path.with_suffix(".zip").exists():
            raise ValueError(f"drl: checkpoint {checkpoint} does not exist")
        self.checkpoint = str(path)
        self.deterministic = bool(deterministic)
        self._model: Any = None  # a MaskablePPO, loaded on first use (sb3-contrib is imported lazily)
        self._spec: ObservationSpec | None = None

    def _load(self, num_devices: int) -> None:
        if self._model is None:
            import torch
            from sb3_contrib import MaskablePPO

            torch.set_num_threads(1)
            self._model = MaskablePPO.load(self.checkpoint, device="cpu")
            space = self._model.observation_space
            self._spec = ObservationSpec(
                num_devices=space["devices"].shape[0],
                max_nodes=space["node_features"].shape[0],
                max_edges=space["edge_index"].shape[1],
            )
        assert self._spec is not None
        if self._spec.num_devices != num_devices:
            raise ValueError(
                f"drl: the policy in {self.checkpoint} was trained for {self._spec.num_devices} devices, "
                f"the fleet has {num_devices}"
            )

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        self._load(len(snapshot.devices))
        assert self._spec is not None and self._model is not None
        job = snapshot.queue.head()
        if job is None:
            return []
        obs, feasible = observe(snapshot, job, self._spec)
        if not feasible.any():
            return []
        mask = np.append(feasible, wait_allowed(snapshot))
        action, _ = self._model.predict(obs, action_masks=mask, deterministic=self.deterministic)
        action = int(action)
        if action == self._spec.num_devices:
            return []
        quote = snapshot.estimate(job, snapshot.devices[action])
        assert quote is not None
        return [Assignment(job, quote.device, quote.qubits, quote=quote)]

    def describe(self) -> dict:
        return {"name": self.name, "checkpoint": self.checkpoint, "deterministic": self.deterministic}
