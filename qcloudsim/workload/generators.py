"""Synthetic arrival processes and a job stream over any of them.

Each process is a lazy iterator of arrival times (s, non-decreasing) drawn
from one named stream of :class:`~qcloudsim.seeding.SeedStreams` (default
``"arrivals"``), stopping after ``count`` arrivals or at ``end_s`` (whichever
comes first; neither: endless):

* :func:`poisson_times`: homogeneous Poisson process of rate ``lambda``:
  exponential gaps of mean ``1 / lambda``.
* :func:`mmpp_times`: Markov-modulated Poisson process (MMPP). A
  continuous-time Markov chain on states ``i`` with exponential sojourns of
  mean ``m_i`` and jump probabilities ``P[i][j]`` (default: uniform over the
  other states) modulates the rate: while in state ``i`` arrivals are
  Poisson with rate ``lambda_i``. By memorylessness, gaps are drawn afresh
  at every state change. The long-run rate is ``sum_i pi_i lambda_i`` with
  ``pi_i = nu_i m_i / sum_j nu_j m_j`` (``nu`` the stationary law of the
  jump chain ``P``), see :func:`mmpp_mean_rate`. Source: W. Fischer and
  K. Meier-Hellstern, "The Markov-modulated Poisson process (MMPP)
  cookbook", Performance Evaluation 18(2), 149-171 (1993).
* :func:`diurnal_times`: non-homogeneous Poisson process with a
  piecewise-constant rate ``lambda(t) = base * h[hour(t)] * w[day(t)]``
  (24 hourly and/or 7 daily multipliers, ``t = 0`` is Monday 00:00 plus
  ``phase_s``), by thinning: candidates from a Poisson process of rate
  ``lambda_max = base * max(h) * max(w)``, each kept with probability
  ``lambda(t) / lambda_max``. Source: P. A. W. Lewis and G. S. Shedler,
  "Simulation of nonhomogeneous Poisson processes by thinning", Naval
  Research Logistics Quarterly 26(3), 403-413 (1979). Over whole weeks the
  expected count is ``base * mean(h) * mean(w) * T``.

:func:`job_stream` turns any arrival-time iterator into jobs using the
circuit mix and users of :mod:`qcloudsim.workload.synthetic` (same draws per
job as :func:`~qcloudsim.workload.synthetic.poisson_jobs`, streams
``"mix"``, ``"shots"``, ``"users"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.job import Job, Submission
from qcloudsim.workload.synthetic import MixEntry, UserSpec

HOUR_S = 3600.0
DAY_S = 86400.0
WEEK_S = 7 * DAY_S


def _check_stop(count: int | None, end_s: float | None) -> None:
    if count is not None and count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if end_s is not None and not end_s >= 0:
        raise ValueError(f"end_s must be >= 0, got {end_s}")


def poisson_times(
    rate_per_s: float,
    streams: SeedStreams,
    *,
    count: int | None = None,
    end_s: float | None = None,
    start_s: float = 0.0,
    stream: str = "arrivals",
    block: int = 4096,
) -> Iterator[float]:
    """Arrival times of a homogeneous Poisson process.

    Args:
        rate_per_s: Mean arrivals per second (> 0).
        streams: The run's random streams.
        count: Stop after this many arrivals.
        end_s: Stop before this time (s).
        start_s: Time the process starts (s).
        stream: Name of the random stream.
        block: Gaps drawn per numpy call.

    Yields:
        Arrival times (s), increasing.
    """
    if not (rate_per_s > 0 and math.isfinite(rate_per_s)):
        raise ValueError(f"arrival rate must be a finite number > 0 per second, got {rate_per_s}")
    _check_stop(count, end_s)
    rng = streams.generator(stream)
    now, emitted = float(start_s), 0
    while count is None or emitted < count:
        for gap in rng.exponential(1.0 / rate_per_s, size=block).tolist():
            now += gap
            if (end_s is not None and now >= end_s) or (count is not None and emitted >= count):
                return
            emitted += 1
            yield now


def mmpp_mean_rate(
    rates_per_s: Sequence[float],
    mean_sojourn_s: Sequence[float],
    transitions: Sequence[Sequence[float]] | None = None,
) -> float:
    """Long-run arrival rate (per s) of an MMPP (formula in the module doc)."""
    rates, sojourn, jump = _mmpp_params(rates_per_s, mean_sojourn_s, transitions)
    k = len(rates)
    if k == 1:
        return float(rates[0])
    # stationary law of the jump chain: nu (P - I) = 0, sum nu = 1
    a = np.vstack([(jump - np.eye(k)).T, np.ones(k)])
    b = np.zeros(k + 1)
    b[-1] = 1.0
    nu = np.linalg.lstsq(a, b, rcond=None)[0]
    pi = nu * sojourn / np.sum(nu * sojourn)
    return float(np.sum(pi * rates))


def _mmpp_params(
    rates_per_s: Sequence[float],
    mean_sojourn_s: Sequence[float],
    transitions: Sequence[Sequence[float]] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rates = np.asarray(rates_per_s, dtype=float)
    sojourn = np.asarray(mean_sojourn_s, dtype=float)
    k = len(rates)
    if k < 1 or len(sojourn) != k:
        raise ValueError(
            f"MMPP needs one mean sojourn per state: {k} rates, {len(sojourn)} sojourn times"
        )
    if np.any(~np.isfinite(rates)) or np.any(rates < 0) or not np.any(rates > 0):
        raise ValueError(f"MMPP rates must be finite, >= 0 and not all 0, got {list(rates_per_s)}")
    if np.any(~np.isfinite(sojourn)) or np.any(sojourn <= 0):
        raise ValueError(f"MMPP mean sojourn times must be finite and > 0 s, got {list(mean_sojourn_s)}")
    if transitions is None:
        jump = np.ones((k, k)) - np.eye(k)
        jump = jump / jump.sum(axis=1, keepdims=True) if k > 1 else np.ones((1, 1))
    else:
        jump = np.asarray(transitions, dtype=float)
        if jump.shape != (k, k) or np.any(jump < 0) or not np.allclose(jump.sum(axis=1), 1.0):
            raise ValueError(
                f"MMPP transitions must be a {k}x{k} matrix of probabilities with rows summing to 1"
            )
    return rates, sojourn, jump


def mmpp_times(
    rates_per_s: Sequence[float],
    mean_sojourn_s: Sequence[float],
    streams: SeedStreams,
    *,
    transitions: Sequence[Sequence[float]] | None = None,
    initial_state: int = 0,
    count: int | None = None,
    end_s: float | None = None,
    start_s: float = 0.0,
    stream: str = "arrivals",
) -> Iterator[float]:
    """Arrival times of a Markov-modulated Poisson process (bursty arrivals).

    Args:
        rates_per_s: Arrival rate in each state (>= 0, not all 0).
        mean_sojourn_s: Mean time spent in each state per visit (> 0 s).
        streams: The run's random streams.
        transitions: Jump probabilities between states (rows sum to 1;
            default: uniform over the other states).
        initial_state: State at ``start_s``.
        count: Stop after this many arrivals.
        end_s: Stop before this time (s).
        start_s: Time the process starts (s).
        stream: Name of the random stream.

    Yields:
        Arrival times (s), increasing.
    """
    rates, sojourn, jump = _mmpp_params(rates_per_s, mean_sojourn_s, transitions)
    k = len(rates)
    if not 0 <= initial_state < k:
        raise ValueError(f"initial_state must be in 0..{k - 1}, got {initial_state}")
    _check_stop(count, end_s)
    rng = streams.generator(stream)
    state, now, emitted = int(initial_state), float(start_s), 0
    cumulative = np.cumsum(jump, axis=1)
    while True:
        leave = now + float(rng.exponential(sojourn[state]))
        rate = rates[state]
        while rate > 0:
            now += float(rng.exponential(1.0 / rate))
            if now >= leave:
                break
            if (end_s is not None and now >= end_s) or (count is not None and emitted >= count):
                return
            emitted += 1
            yield now
        now = leave
        if (end_s is not None and now >= end_s) or (count is not None and emitted >= count):
            return
        if k > 1:
            state = min(int(np.searchsorted(cumulative[state], rng.random(), side="right")), k - 1)


def diurnal_times(
    base_rate_per_s: float,
    streams: SeedStreams,
    *,
    hourly: Sequence[float] | None = None,
    weekly: Sequence[float] | None = None,
    phase_s: float = 0.0,
    count: int | None = None,
    end_s: float | None = None,
    start_s: float = 0.0,
    stream: str = "arrivals",
    block: int = 4096,
) -> Iterator[float]:
    """Arrival times of a non-homogeneous Poisson process with daily/weekly cycles (thinning).

    Args:
        base_rate_per_s: Rate (per s) before multipliers (> 0).
        streams: The run's random streams.
        hourly: 24 multipliers (>= 0), hour 0 first (default: all 1).
        weekly: 7 multipliers (>= 0), Monday first (default: all 1).
        phase_s: Clock time (s since Monday 00:00) at simulated time 0.
        count: Stop after this many arrivals.
        end_s: Stop before this time (s).
        start_s: Time the process starts (s).
        stream: Name of the random stream.
        block: Candidates drawn per numpy call.

    Yields:
        Arrival times (s), increasing.
    """
    if not (base_rate_per_s > 0 and math.isfinite(base_rate_per_s)):
        raise ValueError(f"base rate must be a finite number > 0 per second, got {base_rate_per_s}")
    h = _profile(hourly, 24, "hourly")
    w = _profile(weekly, 7, "weekly")
    # rate per hour of the week, hour 0 = Monday 00:00
    week = (w[:, None] * h[None, :]).ravel()
    peak = float(week.max())
    if peak <= 0:
        raise ValueError("diurnal profile is zero everywhere: no arrivals possible")
    _check_stop(count, end_s)
    rng = streams.generator(stream)
    lam_max = base_rate_per_s * peak
    accept_p = week / peak
    now, emitted = float(start_s), 0
    while True:
        gaps = rng.exponential(1.0 / lam_max, size=block)
        u = rng.random(size=block)
        times = now + np.cumsum(gaps)
        hours = (((times + phase_s) % WEEK_S) // HOUR_S).astype(np.int64)
        kept = times[u < accept_p[hours]]
        now = float(times[-1])
        for t in kept.tolist():
            if (end_s is not None and t >= end_s) or (count is not None and emitted >= count):
                return
            emitted += 1
            yield t
        if end_s is not None and now >= end_s:
            return


def _profile(values: Sequence[float] | None, size: int, name: str) -> np.ndarray:
    if values is None:
        return np.ones(size)
    arr = np.asarray(values, dtype=float)
    if arr.shape != (size,) or np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} profile needs {size} finite multipliers >= 0, got {list(values)}")
    return arr


def job_stream(
    times: Iterable[float],
    mix: Sequence[MixEntry],
    shots: Sequence[int],
    circuits: Sequence[int],
    users: Sequence[UserSpec],
    streams: SeedStreams,
    *,
    count: int | None = None,
    first_id: int = 0,
    block: int = 4096,
) -> Iterator[Job]:
    """Jobs at the given arrival times with the synthetic circuit mix and users.

    Per job (as in :func:`~qcloudsim.workload.synthetic.poisson_jobs`): a mix
    entry with probability proportional to its weight and a qubit count
    uniformly from its sizes (stream ``"mix"``); shots and circuits
    uniformly from the choices (stream ``"shots"``); a user with probability
    proportional to its weight, with its group (stream ``"users"``).

    Args:
        times: Non-decreasing arrival times (s), e.g. from :func:`mmpp_times`.
        mix: Circuit mix entries.
        shots: Shot counts to choose from.
        circuits: Circuits per job to choose from.
        users: Users with weights and groups.
        streams: The run's random streams.
        count: Stop after this many jobs (default: when ``times`` ends).
        first_id: Id of the first job; ids are consecutive.
        block: Jobs drawn per numpy call.

    Yields:
        Jobs in arrival order.
    """
    if not mix or not shots or not circuits or not users:
        raise ValueError("mix, shots, circuits and users must not be empty")
    mix_p = _normalised([m.weight for m in mix], "mix")
    user_p = _normalised([u.weight for u in users], "user")
    shots_arr = np.asarray(shots, dtype=np.int64)
    circ_arr = np.asarray(circuits, dtype=np.int64)
    mixing = streams.generator("mix")
    shooting = streams.generator("shots")
    choosing = streams.generator("users")
    profiles: dict[tuple[int, int], CircuitProfile] = {}
    job_id = first_id
    it = iter(times)
    last = -math.inf
    made = 0
    while count is None or made < count:
        n = block if count is None else min(block, count - made)
        kinds = mixing.choice(len(mix), size=n, p=mix_p).tolist()
        picks = mixing.random(size=n).tolist()
        shot_idx = shooting.integers(0, len(shots_arr), size=n).tolist()
        circ_idx = shooting.integers(0, len(circ_arr), size=n).tolist()
        who = choosing.choice(len(users), size=n, p=user_p).tolist()
        for i in range(n):
            t = next(it, None)
            if t is None:
                return
            if t < last:
                raise ValueError(f"arrival times must be non-decreasing: {t} s after {last} s")
            last = t
            entry = mix[kinds[i]]
            size = entry.sizes[min(int(picks[i] * len(entry.sizes)), len(entry.sizes) - 1)]
            key = (kinds[i], size)
            profile = profiles.get(key)
            if profile is None:
                profile = profiles[key] = entry.profile_for(size)
            user = users[who[i]]
            yield Job(Submission(
                id=job_id,
                arrival_s=float(t),
                profile=profile,
                shots=int(shots_arr[shot_idx[i]]),
                circuits=int(circ_arr[circ_idx[i]]),
                user=user.name,
                group=user.group,
            ))
            job_id += 1
            made += 1


def _normalised(weights: Sequence[float], what: str) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"{what} weights must be finite and > 0, got {list(weights)}")
    return w / w.sum()
