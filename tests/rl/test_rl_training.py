"""A tiny training run, and trained policies as ordinary schedulers."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sb3_contrib")
pytest.importorskip("torch_geometric")

from qcloudsim.config.loader import load_config  # noqa: E402
from qcloudsim.config.schema import SchedulerConfig  # noqa: E402
from qcloudsim.experiment import run  # noqa: E402
from tests.engine.test_simulation import check_invariants  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "rl_small.yaml"
SHIPPED = ROOT / "policies" / "rl_small" / "policy.zip"


def _tiny(config):
    rl = config.rl.model_copy(update={"training": config.rl.training.model_copy(update={
        "n_steps": 64, "batch_size": 32, "eval_seeds": [1000], "checkpoint_every": 128})})
    workload = config.workload.model_copy(update={"jobs": 30})
    return config.model_copy(update={"rl": rl, "workload": workload})


def test_tiny_training_run_writes_policy_card_and_checkpoints(tmp_path):
    from qcloudsim.rl.train import train

    outcome = train(_tiny(load_config(CONFIG)), tmp_path, total_steps=256, progress=False)
    for name in ("policy.zip", "README.md", "evaluation.csv", "progress.csv", "config.yaml"):
        assert (tmp_path / name).exists(), name
    assert list((tmp_path / "checkpoints").glob("*.zip"))
    assert set(outcome.evaluation["scheduler"]) >= {"drl", "fcfs"}
    assert "Evaluation on held-out seeds" in (tmp_path / "README.md").read_text()


def test_eval_seeds_must_not_overlap_training_seeds(tmp_path):
    from qcloudsim.rl.train import train

    config = _tiny(load_config(CONFIG))
    bad = config.model_copy(update={"rl": config.rl.model_copy(update={
        "training": config.rl.training.model_copy(update={"eval_seeds": [5]})})})
    with pytest.raises(ValueError, match="eval_seeds must be >= 1000"):
        train(bad, tmp_path, total_steps=64, progress=False)


@pytest.mark.skipif(not SHIPPED.exists(), reason="no shipped policy")
def test_shipped_policy_runs_as_a_registered_scheduler():
    config = load_config(CONFIG)
    config = config.model_copy(update={
        "scheduler": SchedulerConfig(name="drl", params={"checkpoint": str(SHIPPED)}),
        "workload": config.workload.model_copy(update={"jobs": 60}),
    })
    results = run(config, seed=1234)
    check_invariants(results.jobs, results.timeline)
    assert results.summary["jobs_completed"] == 60
    assert results.metadata["scheduler"]["name"] == "drl"


def test_drl_scheduler_rejects_a_mismatched_fleet():
    from tests.helpers import small_config

    if not SHIPPED.exists():
        pytest.skip("no shipped policy")
    config = small_config(scheduler={"name": "drl", "params": {"checkpoint": str(SHIPPED)}})
    with pytest.raises(ValueError, match="trained for 4 devices, the fleet has 3"):
        run(config)
