"""RL environment speed: steps/s with random valid actions, reset time, policy inference time.

    python benchmarks/bench_rl.py [--steps 20000]

* env steps/s: a 10-device fleet (the 10 real devices of bench_engine.py),
  random valid actions (uniform over the action mask), including the SimPy
  advance to the next decision point; no policy network. Also given as a
  ratio to the jobs/s of the bare SimPy M/M/10 reference (:mod:`reference`)
  timed in the same process (one step is one scheduling decision).
* reset time: rebuilding the simulation from the seed.
* inference: observation + ``MaskablePPO.predict`` per decision, for the
  GCN policy architecture on the 10-device fleet (untrained weights: speed
  does not depend on them) and for the shipped policy on its own fleet.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from reference import bare_simpy, best_of

from qcloudsim.config.loader import load_config
from qcloudsim.rl.env import QCloudEnv
from qcloudsim.rl.observation import observe

ROOT = Path(__file__).resolve().parents[1]
FLEET10 = ["ibm_brisbane", "ibm_torino", "ibm_kyiv", "ibm_sherbrooke", "ibm_osaka",
           "ibm_algiers", "ibm_cairo", "ibm_hanoi", "ibm_perth", "ibm_lagos"]


def ten_device_config():
    config = load_config(ROOT / "configs" / "rl_small.yaml")
    data = config.model_dump(mode="json")
    data["fleet"] = [{"catalog": name} for name in FLEET10]
    data["workload"]["jobs"] = 5000
    data["workload"]["arrivals"]["rate_per_s"] = 1.0
    return type(config).model_validate(data)


def env_steps(env: QCloudEnv, steps: int) -> dict:
    rng = np.random.default_rng(0)
    resets, done_steps, seed = [], 0, 0
    start = time.perf_counter()
    while done_steps < steps:
        t = time.perf_counter()
        env.reset(seed=seed)
        resets.append(time.perf_counter() - t)
        seed += 1
        done = False
        while not done and done_steps < steps:
            action = int(rng.choice(np.flatnonzero(env.action_masks())))
            _, _, terminated, truncated, _ = env.step(action)
            done = terminated or truncated
            done_steps += 1
    wall = time.perf_counter() - start
    return {"steps": done_steps, "steps_per_s": round(done_steps / wall),
            "reset_ms_median": round(statistics.median(resets) * 1e3, 2)}


def inference(env: QCloudEnv, model, decisions: int = 500) -> dict:
    times = []
    env.reset(seed=99)
    rng = np.random.default_rng(1)
    for _ in range(decisions):
        snapshot, job, _, _ = env._pending
        t = time.perf_counter()
        obs, feasible = observe(snapshot, job, env.obs_spec)
        model.predict(obs, action_masks=env.action_masks(), deterministic=True)
        times.append(time.perf_counter() - t)
        _, _, term, trunc, _ = env.step(int(rng.choice(np.flatnonzero(env.action_masks()))))
        if term or trunc:
            env.reset(seed=100 + len(times))
    return {"decisions": decisions, "ms_median": round(statistics.median(times) * 1e3, 3),
            "ms_p95": round(float(np.percentile(times, 95)) * 1e3, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20000)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    from sb3_contrib import MaskablePPO

    from qcloudsim.rl.features import CircuitGCNExtractor

    env10 = QCloudEnv(ten_device_config())
    references = [bare_simpy(args.steps)]
    report: dict = {"env_10_devices_random_actions": env_steps(env10, args.steps)}
    references.append(bare_simpy(args.steps))
    reference = best_of(references)
    # one env step is one scheduling decision, about one job: compare with the reference's jobs per second
    steps = report["env_10_devices_random_actions"]
    steps["ratio_to_bare_simpy"] = round(steps["steps_per_s"] / reference["jobs_per_s"], 3)
    report["bare_simpy_mm10"] = reference
    fresh = MaskablePPO("MultiInputPolicy", env10, device="cpu",
                        policy_kwargs={"features_extractor_class": CircuitGCNExtractor})
    report["inference_10_devices_gcn_policy"] = inference(env10, fresh)
    shipped = ROOT / "policies" / "rl_small" / "policy.zip"
    if shipped.exists():
        env4 = QCloudEnv(load_config(ROOT / "configs" / "rl_small.yaml"))
        report["inference_shipped_policy_4_devices"] = inference(env4, MaskablePPO.load(shipped, device="cpu"))
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
