"""The env is built by the same composition root as ``run()``: every config section is honoured,
and a policy sees the same observations in training as under ``qcloudsim run``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gymnasium")
pytest.importorskip("sb3_contrib")

from qcloudsim.config.loader import load_config  # noqa: E402
from qcloudsim.rl import scheduler as drl_module  # noqa: E402
from qcloudsim.rl.env import QCloudEnv  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "rl_small.yaml"
POLICY = ROOT / "policies" / "rl_small" / "policy.zip"


def _config(**updates):
    config = load_config(CONFIG)
    workload = config.workload.model_copy(update={"jobs": 30})
    return config.model_copy(update={"workload": workload, **updates})


def _episode(env, seed, choose):
    obs, _ = env.reset(seed=seed)
    done, info = False, {}
    while not done:
        obs, _, terminated, truncated, info = env.step(choose(env, obs))
        done = terminated or truncated
    return info


def _first_feasible(env, obs):
    return int(np.flatnonzero(env.action_masks())[0])


def test_env_honours_the_horizon():
    full = _episode(QCloudEnv(_config()), 3, _first_feasible)
    cut = _episode(QCloudEnv(_config(horizon_s=40.0)), 3, _first_feasible)
    assert cut["time_s"] <= 40.0 < full["time_s"]
    frame = QCloudEnv(_config(horizon_s=40.0))
    _episode(frame, 3, _first_feasible)
    jobs = frame.results()
    assert (jobs["end_s"] <= 40.0 + 1e-9).all()
    assert (jobs.loc[jobs["status"] == "failed", "reason"].str.contains("horizon")).any()


def test_env_honours_cutting_and_hybrid_programs():
    from qcloudsim.config.schema import CuttingConfig, HybridConfig, MixEntryConfig

    config = _config(
        cutting=CuttingConfig(when="no_fit", method="analytic", max_fragment_qubits=12),
        hybrid=HybridConfig.model_validate({"classical": {"cpu": 1}, "programs": [{
            "mode": "batch", "ansatz": {"family": "vqe", "qubits": 4}, "shots": 100, "circuits_per_iteration": 2,
            "stopping": {"rule": "fixed", "iterations": 2},
        }]}),
    )
    small = [MixEntryConfig(family="ghz", qubits=(3, 8)), MixEntryConfig(family="ghz", qubits=20, weight=0.3)]
    workload = config.workload.model_copy(update={"mix": small})
    config = config.model_copy(update={"workload": workload, "fleet": config.fleet[2:]})  # two 16-qubit devices
    env = QCloudEnv(config)
    _episode(env, 5, _first_feasible)
    jobs = env.results()
    assert jobs["device"].str.startswith("cut:").any(), "a 20-qubit job was cut and reconstructed"
    assert jobs["program_id"].notna().any(), "the programs' jobs went through the env's decisions"
    assert jobs["status"].isin(["completed", "rejected", "failed"]).all()


def test_policy_sees_the_same_observations_in_training_and_under_run(monkeypatch):
    from sb3_contrib import MaskablePPO

    from qcloudsim.config.schema import SchedulerConfig
    from qcloudsim.experiment import run

    config = _config()
    model = MaskablePPO.load(str(POLICY), device="cpu")
    seen_env, seen_run = [], []

    def act(env, obs):
        seen_env.append(obs)
        action, _ = model.predict(obs, action_masks=env.action_masks(), deterministic=True)
        return int(action)

    _episode(QCloudEnv(config), 11, act)
    original = drl_module.observe

    def recording(snapshot, job, spec):
        obs, feasible = original(snapshot, job, spec)
        if feasible.any():
            seen_run.append(obs)
        return obs, feasible

    monkeypatch.setattr(drl_module, "observe", recording)
    drl = SchedulerConfig(name="drl", params={"checkpoint": str(POLICY)})
    run(config.model_copy(update={"scheduler": drl}), seed=11)
    assert len(seen_env) == len(seen_run) > 20
    differing = sum(
        any(not np.array_equal(a[k], b[k]) for k in a) for a, b in zip(seen_env, seen_run, strict=True)
    )
    assert differing == 0, f"{differing} of {len(seen_env)} decisions saw another observation"
