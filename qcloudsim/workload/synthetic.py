"""Synthetic workloads: Poisson arrivals of jobs drawn from a circuit mix.

Every job draws, independently:

* its inter-arrival time from an exponential distribution with the given
  rate (a Poisson process; stream ``"arrivals"``);
* a mix entry with probability proportional to its weight, then a qubit
  count uniformly from the entry's range (stream ``"mix"``);
* shots and the number of circuits uniformly from the given choices
  (stream ``"shots"``);
* a user with probability proportional to the user's weight (stream
  ``"users"``).

Draws happen in blocks of ``block`` jobs with numpy and jobs are yielded
lazily, so a million-job workload never exists in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job


@dataclass(frozen=True)
class MixEntry:
    """One kind of circuit in the mix.

    Attributes:
        weight: Relative frequency (> 0).
        sizes: Qubit counts to draw from uniformly.
        profile_for: Maps a qubit count to the circuit profile.
    """

    weight: float
    sizes: tuple[int, ...]
    profile_for: Callable[[int], CircuitProfile]


@dataclass(frozen=True)
class UserSpec:
    """A user, the group it belongs to and its share of submitted jobs."""

    name: str
    group: str = "default"
    weight: float = 1.0


def poisson_jobs(
    count: int,
    rate_per_s: float,
    mix: Sequence[MixEntry],
    shots: Sequence[int],
    circuits: Sequence[int],
    users: Sequence[UserSpec],
    streams: SeedStreams,
    block: int = 4096,
) -> Iterator[Job]:
    """Yield ``count`` jobs with Poisson arrivals (see module doc).

    Args:
        count: Number of jobs (>= 1).
        rate_per_s: Mean arrivals per second (> 0).
        mix: Circuit mix entries (weights > 0).
        shots: Shot counts to choose from.
        circuits: Circuit counts per job to choose from.
        users: Users with weights.
        streams: The run's random streams.
        block: Jobs drawn per numpy call.
    """
    if count < 1:
        raise ValueError(f"workload needs at least one job, got {count}")
    if not rate_per_s > 0:
        raise ValueError(f"arrival rate must be > 0 per second, got {rate_per_s}")
    if not mix or not shots or not circuits or not users:
        raise ValueError("mix, shots, circuits and users must not be empty")
    arrivals = streams.generator("arrivals")
    mixing = streams.generator("mix")
    shooting = streams.generator("shots")
    choosing = streams.generator("users")
    mix_p = _normalised([m.weight for m in mix])
    user_p = _normalised([u.weight for u in users])
    shots_arr = np.asarray(shots, dtype=np.int64)
    circ_arr = np.asarray(circuits, dtype=np.int64)
    profiles: dict[tuple[int, int], CircuitProfile] = {}
    now = 0.0
    job_id = 0
    while job_id < count:
        n = min(block, count - job_id)
        gaps = arrivals.exponential(1.0 / rate_per_s, size=n)
        kinds = mixing.choice(len(mix), size=n, p=mix_p)
        picks = mixing.random(size=n)
        shot_idx = shooting.integers(0, len(shots_arr), size=n)
        circ_idx = shooting.integers(0, len(circ_arr), size=n)
        who = choosing.choice(len(users), size=n, p=user_p)
        for i in range(n):
            now += float(gaps[i])
            entry_index = int(kinds[i])
            entry = mix[entry_index]
            size = entry.sizes[min(int(picks[i] * len(entry.sizes)), len(entry.sizes) - 1)]
            key = (entry_index, size)
            profile = profiles.get(key)
            if profile is None:
                profile = profiles[key] = entry.profile_for(size)
            user = users[int(who[i])]
            yield Job(
                id=job_id,
                arrival_s=now,
                profile=profile,
                shots=int(shots_arr[shot_idx[i]]),
                circuits=int(circ_arr[circ_idx[i]]),
                user=user.name,
                group=user.group,
            )
            job_id += 1


def _normalised(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"weights must be finite and > 0, got {list(weights)}")
    return w / w.sum()
