"""Synthetic workloads: Poisson arrivals of jobs drawn from a circuit mix.

Every job draws, independently:

* its inter-arrival time from an exponential distribution with the given
  rate (a Poisson process; stream ``"arrivals"``);
* a mix entry with probability proportional to its weight, then a qubit
  count uniformly from the entry's range (stream ``"mix"``);
* shots and the number of circuits uniformly from the given choices
  (stream ``"shots"``);
* a user with probability proportional to the user's weight (stream
  ``"users"``);
* optionally, a priority uniformly from the given list, and with
  probability ``deadline_fraction`` a deadline ``arrival + slack`` with the
  slack uniform in ``deadline_slack_s`` (stream ``"deadlines"``).

Draws happen in blocks of ``block`` jobs with numpy and jobs are yielded
lazily, so a million-job workload never exists in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job, new_submission


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
    priorities: Sequence[int] = (0,),
    deadline_slack_s: tuple[float, float] | None = None,
    deadline_fraction: float = 1.0,
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
        priorities: Priorities to draw from uniformly.
        deadline_slack_s: ``(min, max)`` slack of deadlines after arrival (s);
            ``None`` for no deadlines.
        deadline_fraction: Share of jobs that get a deadline.
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
    timing = streams.generator("deadlines")
    prio_arr = np.asarray(priorities, dtype=np.int64)
    if deadline_slack_s is not None and not (0 <= deadline_slack_s[0] <= deadline_slack_s[1]):
        raise ValueError(f"deadline slack must satisfy 0 <= min <= max, got {deadline_slack_s}")
    if not 0.0 <= deadline_fraction <= 1.0:
        raise ValueError(f"deadline_fraction must be in [0, 1], got {deadline_fraction}")
    mix_p = _normalised([m.weight for m in mix])
    user_p = _normalised([u.weight for u in users])
    shots_arr = np.asarray(shots, dtype=np.int64)
    circ_arr = np.asarray(circuits, dtype=np.int64)
    # every (mix entry, size) choice gets one slot in a flat table, filled with its profile on first use
    choices = [(index, size) for index, entry in enumerate(mix) for size in entry.sizes]
    profiles: list[CircuitProfile | None] = [None] * len(choices)
    num_sizes = np.asarray([len(entry.sizes) for entry in mix], dtype=np.int64)
    first_choice = np.concatenate([[0], np.cumsum(num_sizes)[:-1]]).astype(np.int64)
    names = [user.name for user in users]
    groups = [user.group for user in users]
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
        prio = prio_arr[timing.integers(0, len(prio_arr), size=n)] if len(prio_arr) > 1 else None
        if deadline_slack_s is not None:
            slack = timing.uniform(deadline_slack_s[0], deadline_slack_s[1], size=n)
            has_deadline = timing.random(size=n) < deadline_fraction
        else:
            slack = has_deadline = None  # type: ignore[assignment]  # no deadlines drawn
        # one conversion per block: Python scalars are much cheaper to read in the loop than numpy ones
        gap_list = gaps.tolist()
        sizes_of_kind = num_sizes[kinds]
        # the same size as sizes[min(int(pick * len(sizes)), len(sizes) - 1)] per job
        choice_list = (first_choice[kinds] + np.minimum((picks * sizes_of_kind).astype(np.int64),
                                                        sizes_of_kind - 1)).tolist()
        shot_list = shots_arr[shot_idx].tolist()
        circ_list = circ_arr[circ_idx].tolist()
        who_list = who.tolist()
        prio_list = prio.tolist() if prio is not None else [int(prio_arr[0])] * n
        slack_list = slack.tolist() if slack is not None else None
        deadline_list = has_deadline.tolist() if has_deadline is not None else None
        for i in range(n):
            now += gap_list[i]
            choice = choice_list[i]
            profile = profiles[choice]
            if profile is None:
                entry_index, size = choices[choice]
                profile = profiles[choice] = mix[entry_index].profile_for(size)
            who_i = who_list[i]
            deadline = now + slack_list[i] if deadline_list is not None and deadline_list[i] else None
            yield Job(new_submission((
                job_id, now, profile, shot_list[i], circ_list[i], names[who_i], groups[who_i], prio_list[i], deadline,
                None, None, None,
            )))
            job_id += 1


def _normalised(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"weights must be finite and > 0, got {list(weights)}")
    return w / w.sum()
