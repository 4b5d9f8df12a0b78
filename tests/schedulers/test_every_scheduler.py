"""Every registered scheduler runs through the same invariant checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcloudsim.experiment import run
from qcloudsim.schedulers.registry import scheduler_names
from tests.engine.test_simulation import check_invariants
from tests.helpers import small_config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_POLICY = ROOT / "policies" / "rl_small" / "policy.zip"


def config_for(name: str):
    """The shared small config; the DRL scheduler needs its trained fleet and checkpoint."""
    if name != "drl":
        return small_config(scheduler={"name": name}), {"ibm_lagos": [(20.0, 60.0)]}, 60
    if not SHIPPED_POLICY.exists():
        pytest.skip("no shipped DRL policy")
    from qcloudsim.config.loader import load_config

    config = load_config(ROOT / "configs" / "rl_small.yaml")
    config = config.model_copy(update={
        "scheduler": config.scheduler.model_copy(update={"name": "drl", "params": {"checkpoint": str(SHIPPED_POLICY)}}),
        "workload": config.workload.model_copy(update={"jobs": 60}),
    })
    return config, {}, 60


@pytest.mark.parametrize("name", scheduler_names())
def test_scheduler_keeps_invariants_and_is_deterministic(name):
    config, downtime, jobs = config_for(name)
    first = run(config)
    check_invariants(first.jobs, first.timeline, downtime)
    assert first.summary["jobs_submitted"] == jobs
    assert first.summary["jobs_completed"] + first.summary["jobs_rejected"] + first.summary["jobs_failed"] == jobs
    if name != "drl":
        # the 9-qubit GHZ jobs fit no device in this fleet
        rejected = first.jobs[first.jobs["status"] == "rejected"]
        assert (rejected["num_qubits"] == 9).all() and len(rejected) >= 1
    second = run(config)
    assert first.jobs.equals(second.jobs)
    assert first.timeline.equals(second.timeline)
