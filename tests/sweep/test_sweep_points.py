from __future__ import annotations

import math

import numpy as np
import pytest

from qcloudsim.sweep import SweepError, expand, mean_ci95
from qcloudsim.sweep.points import set_path
from tests.helpers import small_config


def test_grid_times_replications_with_common_seeds():
    config = small_config(
        replications=3,
        sweep={"workload.arrivals.rate_per_s": [0.5, 1.0],
               "scheduler.params": [{"backfill": False}, {"backfill": True}]},
    )
    specs = expand(config)
    assert len(specs) == 2 * 2 * 3
    assert {s.seed for s in specs} == {3, 4, 5}
    assert len({s.run_id for s in specs}) == 12
    rates = {s.config.workload.arrivals.rate_per_s for s in specs}
    assert rates == {0.5, 1.0}
    assert all(s.config.sweep == {} and s.config.replications == 1 for s in specs)
    assert [s.run_id for s in expand(config)] == [s.run_id for s in specs]  # stable


def test_list_index_paths_and_errors():
    data = {"fleet": [{"catalog": "a"}], "x": 1}
    set_path(data, "fleet.0.catalog", "b")
    assert data["fleet"][0]["catalog"] == "b"
    with pytest.raises(SweepError, match="'nope' does not exist"):
        set_path(data, "nope.deeper", 1)
    with pytest.raises(SweepError, match="field 'workload.arrivals.rate_per_s'"):
        expand(small_config(sweep={"workload.arrivals.rate_per_s": [-1.0]}))
    with pytest.raises(SweepError, match="unknown scheduler"):
        expand(small_config(sweep={"scheduler.name": ["fcfs", "nope"]}))


def test_mean_ci95_matches_student_t():
    mean, low, high = mean_ci95(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5
    # t_{0.975,3} = 3.182446; s = 1.290994; half width = 3.182446 * 1.290994 / 2
    assert high - mean == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert mean - low == pytest.approx(high - mean)
    single = mean_ci95(np.array([5.0]))
    assert single[0] == 5.0 and math.isnan(single[1])
