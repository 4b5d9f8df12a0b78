from __future__ import annotations

import math

import pandas as pd
import pytest

from qcloudsim.results.summary import bounded_slowdown, fairness, jain_index


def _jobs(rows):
    frame = pd.DataFrame(rows, columns=["user", "group", "status", "arrival_s", "start_s", "end_s", "deadline_s"])
    frame["run_s"] = frame["end_s"] - frame["start_s"]
    frame["completion_s"] = frame["end_s"] - frame["arrival_s"]
    return frame


def test_jain_index_extremes():
    assert jain_index([2.0, 2.0, 2.0]) == pytest.approx(1.0)
    assert jain_index([1.0, 0.0, 0.0, 0.0]) == pytest.approx(0.25)
    assert math.isnan(jain_index([]))


def test_bounded_slowdown_and_fairness_hand_computed():
    jobs = _jobs([
        # user, group, status, arrival, start, end, deadline
        ("a", "g1", "completed", 0.0, 0.0, 20.0, 25.0),     # slowdown 1, deadline met
        ("a", "g1", "completed", 0.0, 20.0, 40.0, 30.0),    # slowdown 2, missed
        ("b", "g2", "completed", 0.0, 0.0, 5.0, float("nan")),   # run 5 s < floor 10: slowdown max(1, 5/10) = 1
        ("b", "g2", "rejected", 0.0, float("nan"), 0.0, 50.0),   # deadline job that never ran: a miss
    ])
    assert bounded_slowdown(jobs).tolist() == [1.0, 2.0, 1.0]
    result = fairness(jobs)
    # users' mean slowdowns: a 1.5, b 1.0 -> Jain = 2.5^2 / (2 * (2.25 + 1)) = 0.9615...
    assert result["jain_user_slowdown"] == pytest.approx(6.25 / 6.5)
    assert result["deadline_jobs"] == 3 and result["deadline_hit_rate"] == pytest.approx(1 / 3)
    assert result["group_qpu_share"] == pytest.approx({"g1": 40 / 45, "g2": 5 / 45})
