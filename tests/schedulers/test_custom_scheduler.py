"""A user's scheduler loaded by "module:Class" from the registry and from YAML."""

from __future__ import annotations

import yaml

from qcloudsim.config.loader import load_config
from qcloudsim.experiment import run
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device
from tests.engine.test_simulation import check_invariants, simulate
from tests.helpers import small_config_data
from tests.schedulers.custom_example import WidestFirst

PATH = "tests.schedulers.custom_example:WidestFirst"


def test_loads_by_import_path_and_runs_hand_computed():
    scheduler = make_scheduler(PATH, max_starts=1)
    assert isinstance(scheduler, WidestFirst) and scheduler.max_starts == 1
    big, small = line_device("big"), line_device("small", n=3)
    jobs = [
        Job.new(id=0, arrival_s=0.0, profile=ghz_profile(2), service_s=4.0),
        Job.new(id=1, arrival_s=0.0, profile=ghz_profile(3), service_s=2.0),
    ]
    _, frame, timeline = simulate([small, big], jobs, scheduler=scheduler)
    # one start per round: the wider job 1 first on the largest device; job 0 in the next
    # round, which only comes with job 1's completion at t=2 (big, the largest, is free again)
    assert frame["device"].tolist() == ["big", "big"]
    assert frame["start_s"].tolist() == [2.0, 0.0]
    check_invariants(frame, timeline)


def test_loads_from_yaml_and_runs_an_experiment(tmp_path):
    data = small_config_data(scheduler={"name": PATH, "params": {"max_starts": 2}})
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_config(path)
    results = run(config)
    assert results.summary["jobs_submitted"] == 60
    check_invariants(results.jobs, results.timeline, {"ibm_lagos": [(20.0, 60.0)]})
