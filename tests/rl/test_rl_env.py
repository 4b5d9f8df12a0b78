"""The Gymnasium environment: checkers, determinism, masking, real simulation advance."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")
pytest.importorskip("stable_baselines3")

import qcloudsim  # noqa: E402,F401  (registers the env)
from qcloudsim.config.loader import load_config  # noqa: E402
from qcloudsim.rl.env import INVALID_ACTION_PENALTY, QCloudEnv  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "rl_small.yaml"


def small_env(jobs: int = 40) -> QCloudEnv:
    config = load_config(CONFIG)
    config = config.model_copy(update={"workload": config.workload.model_copy(update={"jobs": jobs})})
    return QCloudEnv(config)


def run_episode(env: QCloudEnv, seed: int, policy):
    obs, _ = env.reset(seed=seed)
    trajectory = []
    done = False
    while not done:
        action = policy(env, obs)
        obs, reward, terminated, truncated, info = env.step(action)
        trajectory.append((action, round(reward, 12), round(info["time_s"], 9)))
        done = terminated or truncated
    return trajectory, info


def first_feasible(env, obs):
    return int(np.flatnonzero(env.action_masks())[0])


def test_registered_and_passes_both_env_checkers():
    from gymnasium.utils.env_checker import check_env
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    env = gymnasium.make("qcloudsim/Scheduling-v0", config=str(CONFIG))
    check_env(env.unwrapped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SB3 notes the 2-D graph arrays; our extractor handles them
        sb3_check_env(env.unwrapped)


def test_fleet_size_comes_from_the_config():
    env = small_env()
    assert env.action_space.n == len(env.config.fleet) + 1 == 5
    assert env.observation_space["devices"].shape == (4, 10)


def test_reset_seed_is_deterministic():
    env = small_env()
    a, info_a = run_episode(env, 7, first_feasible)
    b, info_b = run_episode(env, 7, first_feasible)
    c, _ = run_episode(env, 8, first_feasible)
    assert a == b and info_a == info_b
    assert a != c
    obs1, _ = env.reset(seed=3)
    obs2, _ = env.reset(seed=3)
    assert all(np.array_equal(obs1[k], obs2[k]) for k in obs1)


def test_masks_match_feasibility_and_steps_advance_the_simulation():
    env = small_env()
    obs, _ = env.reset(seed=1)
    times = []
    done = False
    while not done:
        mask = env.action_masks()
        snapshot, job, _, feasible = env._pending
        for i, device in enumerate(snapshot.devices):
            assert mask[i] == (snapshot.estimate(job, device) is not None)
        assert mask[-1] == any(d.running for d in snapshot.devices)
        assert (obs["devices"][:, 0] == mask[:-1]).all()
        obs, _, terminated, truncated, info = env.step(int(np.flatnonzero(mask)[-1]))  # wait when allowed
        times.append(info["time_s"])
        done = terminated or truncated
    assert times == sorted(times) and times[-1] > 0
    assert info["jobs"] == 40 and info["completed"] == 40


def test_invalid_action_is_a_penalised_wait():
    env = small_env()
    env.reset(seed=2)
    mask = env.action_masks()
    invalid = [a for a in range(mask.size) if not mask[a]]
    if not invalid:
        pytest.skip("every action valid at this decision")
    _, reward, _, _, info = env.step(invalid[0])
    assert reward == -INVALID_ACTION_PENALTY and info["invalid_action"]
