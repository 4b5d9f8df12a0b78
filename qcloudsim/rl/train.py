"""``qcloudsim train``: MaskablePPO with the GCN extractor, checkpoints, curve, evaluation.

Output folder::

    OUT/policy.zip              the trained policy (load with ``scheduler: drl``)
    OUT/checkpoints/*.zip       periodic checkpoints
    OUT/progress.csv            SB3 training log (CSV)
    OUT/episodes.csv            one row per training episode (reward, length)
    OUT/training_curve.png      episode reward over training steps
    OUT/evaluation.csv          mean completion and fidelity per scheduler on held-out seeds
    OUT/README.md               model card

Evaluation runs every scheduler — the trained policy through the ordinary
``drl`` scheduler, FCFS and the other registered heuristics — with
:func:`qcloudsim.experiment.run` on the same config and the held-out seeds
``rl.training.eval_seeds`` (never used in training: training episodes use
seeds drawn from ``rl.training.seed``, and the eval seeds are >= 1000 by
default while training seeds are drawn below 1000).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from qcloudsim.config.schema import ExperimentConfig, SchedulerConfig  # noqa: E402
from qcloudsim.rl.env import QCloudEnv  # noqa: E402

HEURISTICS = ("fcfs", "sjf", "least_loaded", "weighted", "edf", "priority", "fairshare")
"""Exclusive heuristics the policy is compared with (same decision model: one job per QPU)."""

TRAIN_SEED_RANGE = 1000
"""Training episodes draw their seeds from ``[0, TRAIN_SEED_RANGE)``; keep eval seeds outside."""


@dataclass
class TrainOutcome:
    """Where things went and how the policy did."""

    out_dir: Path
    policy: Path
    wall_s: float
    evaluation: pd.DataFrame


class _SeededEpisodes(QCloudEnv):
    """Training env: each reset draws the episode seed from a seeded stream below 1000."""

    def __init__(self, config: ExperimentConfig, seed: int) -> None:
        super().__init__(config)
        self._episode_rng = np.random.default_rng(seed)

    def reset(self, *, seed=None, options=None):
        if seed is None:
            seed = int(self._episode_rng.integers(0, TRAIN_SEED_RANGE))
        return super().reset(seed=seed, options=options)


def train(
    config: ExperimentConfig, out_dir: str | Path, total_steps: int | None = None, progress: bool = True
) -> TrainOutcome:
    """Train, checkpoint, evaluate and write the model card (see module doc)."""
    import torch
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.callbacks import CheckpointCallback
    from stable_baselines3.common.logger import configure
    from stable_baselines3.common.monitor import Monitor

    from qcloudsim.rl.features import CircuitGCNExtractor

    torch.set_num_threads(1)  # tiny networks: threads only add contention on a shared machine
    settings = config.rl.training
    if any(s < TRAIN_SEED_RANGE for s in settings.eval_seeds):
        raise ValueError(f"rl.training.eval_seeds must be >= {TRAIN_SEED_RANGE} (training uses seeds below it)")
    steps = total_steps or settings.total_steps
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    env = Monitor(_SeededEpisodes(config, settings.seed), filename=str(out / "episodes"))
    model = MaskablePPO(
        "MultiInputPolicy", env, learning_rate=settings.learning_rate, n_steps=settings.n_steps,
        batch_size=settings.batch_size, gamma=settings.gamma, seed=settings.seed, device="cpu", verbose=0,
        policy_kwargs={
            "features_extractor_class": CircuitGCNExtractor,
            "features_extractor_kwargs": {"gcn_hidden": settings.gcn_hidden, "features_dim": settings.features_dim},
        },
    )
    model.set_logger(configure(str(out), ["csv"]))
    checkpoints = CheckpointCallback(save_freq=settings.checkpoint_every, save_path=str(out / "checkpoints"),
                                     name_prefix="policy")
    started = time.perf_counter()
    model.learn(total_timesteps=steps, callback=checkpoints, progress_bar=progress)
    wall = time.perf_counter() - started
    policy = out / "policy.zip"
    model.save(policy)
    env.close()
    _plot_curve(out)
    evaluation = evaluate(config, policy, settings.eval_seeds)
    evaluation.to_csv(out / "evaluation.csv", index=False)
    _model_card(config, out, steps, wall, evaluation)
    return TrainOutcome(out, policy, wall, evaluation)


def evaluate(
    config: ExperimentConfig, policy: Path, seeds: list[int], heuristics: tuple[str, ...] = HEURISTICS
) -> pd.DataFrame:
    """Mean completion time and fidelity per scheduler over ``seeds`` (one row per scheduler and seed)."""
    from qcloudsim.experiment import run

    rows = []
    candidates = [("drl", {"checkpoint": str(policy)})] + [(name, {}) for name in heuristics]
    for name, params in candidates:
        scheduled = config.model_copy(update={"scheduler": SchedulerConfig(name=name, params=params)})
        for seed in seeds:
            summary = run(scheduled, seed=seed).summary
            rows.append({
                "scheduler": name, "seed": seed,
                "completion_mean_s": summary["completion_mean_s"],
                "wait_mean_s": summary["wait_mean_s"],
                "fidelity_mean": summary["fidelity_mean"],
                "jobs_completed": summary["jobs_completed"],
            })
    return pd.DataFrame(rows)


def _plot_curve(out: Path) -> None:
    path = out / "episodes.monitor.csv"
    if not path.exists():
        return
    episodes = pd.read_csv(path, skiprows=1)
    if episodes.empty:
        return
    fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
    steps = episodes["l"].cumsum()
    ax.plot(steps, episodes["r"], ".", alpha=0.4, label="episode reward")
    window = max(1, len(episodes) // 10)
    ax.plot(steps, episodes["r"].rolling(window, min_periods=1).mean(), label=f"moving mean ({window} episodes)")
    ax.set_xlabel("training steps (decisions)")
    ax.set_ylabel("episode reward")
    ax.legend()
    fig.savefig(out / "training_curve.png", dpi=100)
    plt.close(fig)


def summary_table(evaluation: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % CI half-width per scheduler."""
    from qcloudsim.sweep.aggregate import mean_ci95

    rows = []
    for name, group in evaluation.groupby("scheduler", sort=False):
        row = {"scheduler": name, "seeds": len(group)}
        for metric in ("completion_mean_s", "wait_mean_s", "fidelity_mean"):
            mean, low, high = mean_ci95(group[metric].to_numpy())
            row[metric] = mean
            row[f"{metric}_ci95"] = (high - low) / 2 if not math.isnan(low) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def paired_difference(evaluation: pd.DataFrame, a: str, b: str) -> dict[str, tuple[float, float, float]]:
    """Per-seed differences ``a - b`` of each metric: mean and 95 % Student-t interval."""
    from qcloudsim.sweep.aggregate import mean_ci95

    left = evaluation[evaluation["scheduler"] == a].set_index("seed")
    right = evaluation[evaluation["scheduler"] == b].set_index("seed")
    out = {}
    for metric in ("completion_mean_s", "fidelity_mean"):
        diff = (left[metric] - right[metric]).dropna().to_numpy()
        out[metric] = mean_ci95(diff)
    return out


def write_model_card(config: ExperimentConfig, out: Path, steps: int, wall: float) -> None:
    """Rewrite the model card from ``evaluation.csv`` in ``out``."""
    _model_card(config, out, steps, wall, pd.read_csv(out / "evaluation.csv"))


def _model_card(config: ExperimentConfig, out: Path, steps: int, wall: float, evaluation: pd.DataFrame) -> None:
    table = summary_table(evaluation)
    fcfs = table.set_index("scheduler").loc["fcfs"]
    drl = table.set_index("scheduler").loc["drl"]
    heuristics = table[table["scheduler"] != "drl"].sort_values("completion_mean_s")
    best = heuristics.iloc[0]
    beats_fcfs = (drl["completion_mean_s"] < fcfs["completion_mean_s"]
                  and drl["fidelity_mean"] >= fcfs["fidelity_mean"] - 1e-12)
    beats_best = drl["completion_mean_s"] < best["completion_mean_s"]
    lines = [
        f"# DRL scheduling policy: `{config.name}`", "",
        "MaskablePPO (sb3-contrib) with a GCN circuit encoder (torch-geometric `GCNConv`) in an SB3 features "
        "extractor, trained in the `qcloudsim/Scheduling-v0` Gymnasium environment.", "",
        "| item | value |", "|---|---|",
        f"| config | `{config.name}` (config hash `{config.digest()[:12]}`), saved as `config.yaml` here |",
        f"| fleet | {', '.join(str(getattr(e, 'catalog', None) or e.name) for e in config.fleet)} |",
        f"| training seed | {config.rl.training.seed} (episode seeds drawn below {TRAIN_SEED_RANGE}) |",
        f"| training steps | {steps:,} decisions |",
        f"| wall time | {wall:.0f} s on 2 CPU cores |",
        f"| reward | fidelity x {config.rl.reward.fidelity} - completion/{config.rl.time_scale_s:.0f} s "
        f"x {config.rl.reward.completion} |",
        f"| evaluation seeds | {', '.join(map(str, config.rl.training.eval_seeds))} (never seen in training) |",
        "", "![training curve](training_curve.png)", "",
        "## Evaluation on held-out seeds (mean ± 95 % CI half-width)", "",
        "| scheduler | mean completion (s) | mean wait (s) | mean fidelity |", "|---|---|---|---|",
    ]
    for _, row in table.sort_values("completion_mean_s").iterrows():
        lines.append(
            f"| {row['scheduler']} | {row['completion_mean_s']:.2f} ± {row['completion_mean_s_ci95']:.2f} | "
            f"{row['wait_mean_s']:.2f} ± {row['wait_mean_s_ci95']:.2f} | "
            f"{row['fidelity_mean']:.4f} ± {row['fidelity_mean_ci95']:.4f} |"
        )
    paired = paired_difference(evaluation, "drl", "fcfs")
    lines += [
        "",
        "Paired over the same seeds (policy minus FCFS, mean [95 % CI]): completion "
        f"{paired['completion_mean_s'][0]:+.2f} s "
        f"[{paired['completion_mean_s'][1]:+.2f}, {paired['completion_mean_s'][2]:+.2f}], "
        f"fidelity {paired['fidelity_mean'][0]:+.4f} "
        f"[{paired['fidelity_mean'][1]:+.4f}, {paired['fidelity_mean'][2]:+.4f}].",
        "",
        f"* Against FCFS: the policy's mean completion time is {drl['completion_mean_s']:.2f} s "
        f"vs {fcfs['completion_mean_s']:.2f} s, "
        f"mean fidelity {drl['fidelity_mean']:.4f} vs {fcfs['fidelity_mean']:.4f}: "
        + ("**beats FCFS at equal or better fidelity** (means over the evaluation seeds)" if beats_fcfs
           else "**does not beat FCFS on both counts.**")
        + (". The completion-time gain is not significant at 95 % over these seeds (the paired interval contains 0); "
           "the fidelity gain is."
           if beats_fcfs and paired["completion_mean_s"][2] > 0 and paired["fidelity_mean"][1] > 0 else "."),
        f"* Against the best heuristic by mean completion (`{best['scheduler']}`, {best['completion_mean_s']:.2f} s): "
        + ("the policy is faster." if beats_best
           else "the policy is **not** faster; the heuristic remains the better choice on this metric."),
        "", "Load it as a scheduler:", "", "```yaml",
        "scheduler: {name: drl, params: {checkpoint: " + (out / "policy.zip").as_posix() + "}}", "```", "",
        "(a relative checkpoint is relative to the config file's folder, or else the working folder)", "",
    ]
    (out / "README.md").write_text("\n".join(lines))
    import yaml

    (out / "config.yaml").write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
