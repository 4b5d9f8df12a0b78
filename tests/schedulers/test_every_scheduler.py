"""Every registered scheduler runs through the same invariant checks."""

from __future__ import annotations

import pytest

from qcloudsim.experiment import run
from qcloudsim.schedulers.registry import scheduler_names
from tests.engine.test_simulation import check_invariants
from tests.helpers import small_config


@pytest.mark.parametrize("name", scheduler_names())
def test_scheduler_keeps_invariants_and_is_deterministic(name):
    config = small_config(scheduler={"name": name})
    first = run(config)
    check_invariants(first.jobs, first.timeline, {"ibm_lagos": [(20.0, 60.0)]})
    assert first.summary["jobs_submitted"] == 60
    assert first.summary["jobs_completed"] + first.summary["jobs_rejected"] + first.summary["jobs_failed"] == 60
    # the 9-qubit GHZ jobs fit no device in this fleet
    rejected = first.jobs[first.jobs["status"] == "rejected"]
    assert (rejected["num_qubits"] == 9).all() and len(rejected) >= 1
    second = run(config)
    assert first.jobs.equals(second.jobs)
    assert first.timeline.equals(second.timeline)
