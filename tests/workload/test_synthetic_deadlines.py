from __future__ import annotations

from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.synthetic import MixEntry, UserSpec, poisson_jobs
from tests.conftest import ghz_profile


def _jobs(seed=1, **kwargs):
    mix = [MixEntry(1.0, (2, 3), ghz_profile)]
    return list(poisson_jobs(500, 1.0, mix, [100], [1], [UserSpec("u")], SeedStreams(seed), **kwargs))


def test_deadlines_and_priorities_drawn_without_changing_other_streams():
    plain = _jobs()
    extra = _jobs(priorities=[0, 1, 2], deadline_slack_s=(10.0, 20.0), deadline_fraction=0.5)
    assert [j.arrival_s for j in plain] == [j.arrival_s for j in extra]
    assert [j.profile for j in plain] == [j.profile for j in extra]
    with_deadline = [j for j in extra if j.deadline_s is not None]
    assert 200 < len(with_deadline) < 300
    assert all(10.0 <= j.deadline_s - j.arrival_s <= 20.0 for j in with_deadline)
    assert {j.priority for j in extra} == {0, 1, 2}
    assert all(j.deadline_s is None and j.priority == 0 for j in plain)
