"""Synthetic arrival processes and job_stream."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from qcloudsim.circuits.families import family_profile
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.generators import (
    DAY_S,
    WEEK_S,
    diurnal_times,
    job_stream,
    mmpp_mean_rate,
    mmpp_times,
    poisson_times,
)
from qcloudsim.workload.synthetic import MixEntry, UserSpec


def test_poisson_rate_converges_and_is_deterministic():
    times = np.fromiter(poisson_times(2.0, SeedStreams(1), end_s=50_000.0), float)
    assert abs(len(times) / 50_000.0 - 2.0) < 0.03
    assert np.all(np.diff(times) >= 0) and times[-1] < 50_000.0
    again = list(poisson_times(2.0, SeedStreams(1), count=100))
    assert again == times[:100].tolist()
    assert again != list(poisson_times(2.0, SeedStreams(2), count=100))
    assert len(list(poisson_times(2.0, SeedStreams(1), count=10_000))) == 10_000


def test_mmpp_rate_converges_and_is_bursty():
    rates, sojourn = [0.2, 5.0], [300.0, 60.0]
    expected = mmpp_mean_rate(rates, sojourn)
    assert expected == pytest.approx((0.2 * 300 + 5.0 * 60) / 360)
    horizon = 400_000.0
    times = np.fromiter(mmpp_times(rates, sojourn, SeedStreams(3), end_s=horizon), float)
    assert abs(len(times) / horizon - expected) / expected < 0.05
    counts = np.bincount((times // 60).astype(int))
    assert counts.var() / counts.mean() > 2  # overdispersed vs Poisson (index 1)
    assert list(itertools.islice(mmpp_times(rates, sojourn, SeedStreams(3)), 50)) == times[:50].tolist()


def test_mmpp_with_transition_matrix():
    p = [[0, 0.5, 0.5], [1, 0, 0], [1, 0, 0]]
    expected = mmpp_mean_rate([1.0, 2.0, 4.0], [10.0, 10.0, 10.0], p)
    assert expected == pytest.approx((0.5 * 1 + 0.25 * 2 + 0.25 * 4) / 1.0)
    times = np.fromiter(mmpp_times([1.0, 2.0, 4.0], [10.0] * 3, SeedStreams(4), transitions=p,
                                   end_s=200_000.0), float)
    assert abs(len(times) / 200_000.0 - expected) / expected < 0.05


def test_diurnal_rate_and_shape():
    hourly = [0.2] * 8 + [2.0] * 10 + [0.2] * 6
    weekly = [1, 1, 1, 1, 1, 0.5, 0.5]
    base = 0.05
    horizon = 8 * WEEK_S
    times = np.fromiter(diurnal_times(base, SeedStreams(5), hourly=hourly, weekly=weekly,
                                      end_s=horizon), float)
    expected = base * np.mean(hourly) * np.mean(weekly) * horizon
    assert abs(len(times) - expected) / expected < 0.03
    hours = ((times % DAY_S) // 3600).astype(int)
    assert np.mean((hours >= 8) & (hours < 18)) > 0.8
    first = list(diurnal_times(base, SeedStreams(5), hourly=hourly, weekly=weekly, count=20))
    assert first == times[:20].tolist()


@pytest.mark.parametrize("call", [
    lambda s: poisson_times(0, s),
    lambda s: mmpp_times([1.0], [1.0, 2.0], s),
    lambda s: mmpp_times([1.0, 1.0], [1.0, 0.0], s),
    lambda s: diurnal_times(1.0, s, hourly=[1.0] * 23),
    lambda s: diurnal_times(1.0, s, weekly=[0.0] * 7),
])
def test_bad_parameters(call):
    with pytest.raises(ValueError):
        next(iter(call(SeedStreams(0))))


def test_job_stream_uses_mix_users_and_times():
    mix = [MixEntry(1.0, (3, 4), lambda n: family_profile("ghz", n)),
           MixEntry(3.0, (5,), lambda n: family_profile("qft", n))]
    users = [UserSpec("alice", "physics", 3.0), UserSpec("bob", "chem", 1.0)]
    times = mmpp_times([0.5, 3.0], [100.0, 20.0], SeedStreams(7))
    jobs = list(job_stream(times, mix, [100, 1000], [1, 2], users, SeedStreams(7), count=4000))
    assert len(jobs) == 4000 and [j.id for j in jobs] == list(range(4000))
    assert all(a.arrival_s <= b.arrival_s for a, b in itertools.pairwise(jobs))
    assert abs(np.mean([j.user == "alice" for j in jobs]) - 0.75) < 0.03
    assert abs(np.mean([j.profile.name == "qft_5" for j in jobs]) - 0.75) < 0.03
    assert {j.group for j in jobs if j.user == "bob"} == {"chem"}
    again = list(job_stream(mmpp_times([0.5, 3.0], [100.0, 20.0], SeedStreams(7)), mix, [100, 1000],
                            [1, 2], users, SeedStreams(7), count=4000))
    assert [(j.arrival_s, j.profile.name, j.user, j.shots) for j in again] == [
        (j.arrival_s, j.profile.name, j.user, j.shots) for j in jobs]


def test_job_stream_stops_with_times_and_rejects_unsorted():
    mix = [MixEntry(1.0, (3,), lambda n: family_profile("ghz", n))]
    users = [UserSpec("a")]
    assert len(list(job_stream([0.0, 1.0, 2.0], mix, [1], [1], users, SeedStreams(0)))) == 3
    with pytest.raises(ValueError, match="non-decreasing"):
        list(job_stream([1.0, 0.5], mix, [1], [1], users, SeedStreams(0)))
