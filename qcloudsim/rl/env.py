"""A Gymnasium environment whose ``step`` advances the SimPy simulation.

Decision point: the job at the head of the queue (arrival order) can start
on at least one device. The agent picks a device (the placement model picks
the qubits) or waits. ``step`` starts the job (or not) and then runs the
SimPy event loop, event by event, until the next decision point or the end
of the episode: no analytic shortcut of waiting times.

Action: ``Discrete(num_devices + 1)``; index ``num_devices`` is *wait*.
``action_masks()`` (sb3-contrib MaskablePPO) allows the devices that can
start the job now, and *wait* only while some device is running a job (its
completion is sure to bring a new decision; otherwise waiting could
deadlock). The DRL scheduler applies the same rule.

Reward of placing job ``j`` (weights from ``rl.reward`` in the config)::

    r = w_fidelity * F_j - w_completion * (now - arrival_j + runtime_j) / time_scale_s
        + w_utilization * (busy devices / devices)

i.e. the job's estimated fidelity, minus its completion time (waiting so
far plus its runtime on the chosen device) in units of ``time_scale_s``,
plus the fleet's busy fraction. Waiting earns 0 now; its cost arrives as a
longer completion time when the job is placed.

A masked-out action (possible only without masking, e.g. in env checkers)
is treated as *wait* with reward ``-1`` and ``info["invalid_action"]``.

``reset(seed=...)`` rebuilds the simulation from the config with that seed
(one seed sequence per episode): same seed, same episode. The simulation is
assembled by :func:`qcloudsim.build.build_simulation`, the same composition
root as ``qcloudsim run``, so every config section is honoured: device
dynamics, the horizon (the episode ends there), cutting (fragments are
decisions like any job), hybrid programs (their jobs too) and the queue
topology. The DRL scheduler decides one job per round, so a policy sees the
same observations under ``qcloudsim run`` as in training (tested).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.engine.simulation import Simulation
from qcloudsim.results.recorders import JobRecorder
from qcloudsim.rl.observation import ObservationSpec, observe, wait_allowed
from qcloudsim.schedulers.base import Scheduler
from qcloudsim.schedulers.snapshot import Assignment, Snapshot
from qcloudsim.workload.job import Job


def as_config(config: ExperimentConfig | dict | str | Path) -> ExperimentConfig:
    """An :class:`ExperimentConfig` from an object, a dict or a YAML path."""
    if isinstance(config, ExperimentConfig):
        return config
    if isinstance(config, (str, Path)):
        from qcloudsim.config.loader import load_config

        return load_config(config)
    return ExperimentConfig.model_validate(config)


INVALID_ACTION_PENALTY = 1.0
"""Reward of a masked-out action (treated as *wait*; MaskablePPO never takes one)."""


class _DecisionPoint(Scheduler):
    """Scheduler stand-in that records decision points for the env instead of deciding."""

    def __init__(self, env: QCloudEnv) -> None:
        self.env = env

    def decide(self, snapshot: Snapshot) -> list[Assignment]:
        head = snapshot.queue.head()
        if head is None:
            return []
        obs, feasible = observe(snapshot, head, self.env.obs_spec)
        if feasible.any():
            self.env._pending = (snapshot, head, obs, feasible)
        return []


class QCloudEnv(gym.Env):
    """Scheduling environment (see module doc).

    Args:
        config: Experiment config (object, dict or YAML path): fleet,
            workload or trace, and the ``rl`` section.
    """

    observation_space: spaces.Dict
    action_space: spaces.Discrete


    metadata = {"render_modes": []}

    def __init__(self, config: ExperimentConfig | dict | str | Path) -> None:
        super().__init__()
        self.config = as_config(config)
        rl = self.config.rl
        self.obs_spec = ObservationSpec(len(self.config.fleet), rl.max_nodes, rl.max_edges)
        self.observation_space = self.obs_spec.space()
        self.action_space = spaces.Discrete(self.obs_spec.num_devices + 1)
        self.wait_action = self.obs_spec.num_devices
        self._sim: Simulation | None = None
        self._pending: tuple[Snapshot, Job, dict, np.ndarray] | None = None
        self._recorder: JobRecorder | None = None
        self._steps = 0

    # -- gymnasium API -----------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        episode_seed = int(seed) if seed is not None else int(self.np_random.integers(0, 2**31 - 1))
        from qcloudsim.build import build_simulation

        self._recorder = JobRecorder()
        built = build_simulation(self.config, episode_seed, [self._recorder], scheduler=_DecisionPoint(self))
        self._sim = built.simulation
        self._sim.start()
        self._pending = None
        self._steps = 0
        self._advance()
        return self._observation(), self._info(episode_seed=episode_seed)

    def step(self, action: int):
        if self._sim is None:
            raise RuntimeError("call reset() before step()")
        if self._pending is None:
            raise RuntimeError("the episode is over; call reset()")
        action = int(action)
        mask = self.action_masks()
        invalid = not (0 <= action < mask.size and mask[action])
        snapshot, job, _, _ = self._pending
        self._pending = None
        self._steps += 1
        reward = 0.0
        if invalid:
            # masked-out action (only without masking, e.g. env checkers): a wait with a penalty
            reward = -INVALID_ACTION_PENALTY
            action = self.wait_action
            if not mask[self.wait_action]:
                self._pending = (snapshot, job, *self._observe_again(snapshot, job))
                return (self._observation(), reward, False, self._steps >= self.config.rl.max_steps,
                        self._info(invalid_action=True))
        if action != self.wait_action:
            reward = self._place(snapshot, job, action)
            self._sim.request_round()
        self._advance(after_wait=action == self.wait_action)
        terminated = self._pending is None
        truncated = not terminated and self._steps >= self.config.rl.max_steps
        return self._observation(), reward, terminated, truncated, self._info(invalid_action=invalid)

    def _observe_again(self, snapshot: Snapshot, job: Job) -> tuple[dict, np.ndarray]:
        return observe(snapshot, job, self.obs_spec)

    def action_masks(self) -> np.ndarray:
        """Allowed actions: feasible devices, and *wait* unless that could deadlock."""
        mask = np.zeros(int(self.action_space.n), dtype=np.bool_)
        if self._pending is None:
            mask[self.wait_action] = True
            return mask
        mask[: self.wait_action] = self._pending[3]
        mask[self.wait_action] = wait_allowed(self._pending[0])
        return mask

    # -- internals ----------------------------------------------------------------

    def _place(self, snapshot: Snapshot, job: Job, index: int) -> float:
        sim = self._sim
        assert sim is not None
        device = snapshot.devices[index]
        quote = snapshot.estimate(job, device)
        if quote is None:  # guarded by the mask
            raise RuntimeError(f"device {device.name} cannot take job {job.id}")
        sim.dispatch(Assignment(job, device.name, quote.qubits, quote=quote))
        weights = self.config.rl.reward
        runtime = snapshot.runtime_s(job, quote)
        completion = (sim.now - job.arrival_s + runtime) / self.config.rl.time_scale_s
        busy = sum(1 for q in sim.qpus if q.running) / len(sim.qpus)
        return float(weights.fidelity * job.state.fidelity - weights.completion * completion
                     + weights.utilization * busy)

    def _advance(self, after_wait: bool = False) -> None:
        """Step SimPy events until a decision point or the end of the work."""
        sim = self._sim
        assert sim is not None
        env = sim.env
        if after_wait:  # nothing changes until the next event: take at least one
            if env.peek() < math.inf:
                env.step()
        stop_at = sim.stop_at if sim.stop_at is not None else math.inf
        while self._pending is None:
            if sim.all_done.triggered or env.peek() == math.inf or env.peek() >= stop_at:
                sim.finish()
                return
            env.step()

    def _observation(self) -> dict[str, np.ndarray]:
        if self._pending is not None:
            return self._pending[2]
        return {k: np.zeros(v.shape or (), v.dtype or np.float32) for k, v in self.observation_space.spaces.items()}

    def _info(self, **extra: Any) -> dict[str, Any]:
        info: dict[str, Any] = {"time_s": self._sim.now if self._sim else 0.0, **extra}
        if self._pending is None and self._recorder is not None and len(self._recorder):
            frame = self._recorder.to_dataframe()
            done = frame[frame["status"] == "completed"]
            info.update(
                jobs=len(frame), completed=len(done),
                mean_completion_s=float(done["completion_s"].mean()) if len(done) else math.nan,
                mean_fidelity=float(done["fidelity"].mean()) if len(done) else math.nan,
            )
        return info

    def results(self):
        """The finished episode's per-job table."""
        return self._recorder.to_dataframe() if self._recorder is not None else None
