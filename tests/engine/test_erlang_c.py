"""Exactness against queueing theory: FCFS on c identical devices is an M/M/c queue.

Poisson arrivals (rate ``λ``) of jobs with exponential service times
(``Job.service_s``, which replaces the runtime model) on ``c`` identical
devices, each job small enough for any device and every device exclusive,
under strict FCFS: that is the M/M/c queue, whose mean waiting time in queue
is given by the Erlang C formula

    C(c, a) = [a^c / c! · c / (c - a)] / [Σ_{k<c} a^k / k! + a^c / c! · c / (c - a)],
    W_q = C(c, a) / (c μ - λ),        a = λ / μ,  ρ = a / c < 1.

The simulated mean wait is estimated by batch means after a warm-up (the
waits of consecutive jobs are strongly correlated, so the batches must be
much longer than the correlation time: about 50 jobs here, the batches hold
2,750) and must lie within 4 standard errors of the exact value. The same is
checked for the probability of waiting, ``P(W_q > 0) = C(c, a)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import JobRecorder
from qcloudsim.schedulers.fcfs import FCFSScheduler
from qcloudsim.workload.job import Job
from tests.conftest import ghz_profile, line_device

SERVERS = 3
MU = 1.0  # service rate (1/s): mean service time 1 s
RHO = 0.7
LAMBDA = RHO * SERVERS * MU  # 2.1 jobs/s
JOBS = 60_000
WARMUP = 5_000
BATCHES = 20
TOLERANCE_SE = 4.0
SEED = 20240611


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    Computed from the Erlang B recursion ``B_0 = 1``,
    ``B_k = a B_{k-1} / (k + a B_{k-1})`` and ``C = c B_c / (c - a (1 - B_c))``,
    which is algebraically the formula of the module doc and does not
    overflow for many servers.

    Args:
        servers: ``c >= 1``.
        offered: Offered load ``a = λ / μ`` in Erlangs, ``0 <= a < c``.

    Raises:
        ValueError: Unstable (``a >= c``) or invalid arguments.
    """
    if servers < 1 or offered < 0:
        raise ValueError(f"need servers >= 1 and offered >= 0, got {servers}, {offered}")
    if offered >= servers:
        raise ValueError(f"offered load {offered} Erlang >= {servers} servers: the queue is unstable")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    return servers * blocking / (servers - offered * (1.0 - blocking))


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean waiting time in queue ``W_q = C(c, a) / (c μ - λ)`` of an M/M/c queue (s)."""
    return erlang_c(servers, arrival_rate / service_rate) / (servers * service_rate - arrival_rate)


def _erlang_c_direct(servers: int, offered: float) -> float:
    """The textbook formula as written in the module doc (for small c)."""
    tail = offered**servers / math.factorial(servers) * servers / (servers - offered)
    return tail / (sum(offered**k / math.factorial(k) for k in range(servers)) + tail)


def _p_wait_birth_death(servers: int, offered: float, states: int = 2_000) -> float:
    """``P(N >= c)`` of the stationary birth-death chain of the M/M/c queue (truncated)."""
    weights = [1.0]
    for n in range(1, states):
        weights.append(weights[-1] * offered / min(n, servers))
    total = math.fsum(weights)
    return math.fsum(weights[servers:]) / total


def test_erlang_c_textbook_values():
    # M/M/1: an arrival waits iff the server is busy, P = ρ; W_q = ρ / (μ - λ)
    assert erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-12)
    assert mmc_mean_wait(1, 0.7, 1.0) == pytest.approx(0.7 / 0.3, rel=1e-12)
    # M/M/2 closed forms (e.g. Gross & Harris, Fundamentals of Queueing Theory, sec. 2.3):
    # P(wait) = 2ρ² / (1 + ρ), W_q = ρ² / (μ (1 - ρ²))
    for rho in (0.1, 0.5, 0.9):
        assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
        assert mmc_mean_wait(2, 2 * rho * 3.0, 3.0) == pytest.approx(rho**2 / (3.0 * (1 - rho**2)), rel=1e-12)
    # Published example (R package ErlangC, README, CRAN): 100 calls per 30 min, 180 s handling
    # time (10 Erlangs), 14 agents: wait probability 0.1741319, average speed of answer 7.83593701177724 s;
    # its staffing table lists 0.6821182 for 11 agents
    assert erlang_c(14, 10.0) == pytest.approx(0.1741319, abs=5e-8)
    assert mmc_mean_wait(14, 100 / 1800, 1 / 180) == pytest.approx(7.83593701177724, rel=1e-9)
    assert erlang_c(11, 10.0) == pytest.approx(0.6821182, abs=5e-8)
    # the recursion equals the formula and the stationary distribution of the birth-death chain
    for servers, offered in ((1, 0.3), (3, 2.1), (5, 4.5), (10, 8.0), (14, 10.0)):
        assert erlang_c(servers, offered) == pytest.approx(_erlang_c_direct(servers, offered), rel=1e-10)
        assert erlang_c(servers, offered) == pytest.approx(_p_wait_birth_death(servers, offered), rel=1e-9)
    assert erlang_c(SERVERS, LAMBDA / MU) == pytest.approx(0.4923444976, rel=1e-9)
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(3, 3.0)


def _poisson_exponential_jobs(count: int, seed: int) -> Iterator[Job]:
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / LAMBDA, count))
    services = rng.exponential(1.0 / MU, count)
    profile = ghz_profile(2)
    for i in range(count):
        yield Job.new(id=i, arrival_s=float(arrivals[i]), profile=profile, shots=1, service_s=float(services[i]))


def _batch_means(values: np.ndarray, batches: int) -> tuple[float, float]:
    """Grand mean and its standard error from ``batches`` consecutive batch means."""
    size = len(values) // batches
    means = values[: size * batches].reshape(batches, size).mean(axis=1)
    return float(means.mean()), float(means.std(ddof=1) / math.sqrt(batches))


def test_fcfs_on_identical_devices_matches_mmc():
    devices = [line_device(f"qpu{i}", n=2) for i in range(SERVERS)]
    recorder = JobRecorder()
    sim = Simulation(devices, FCFSScheduler(), _poisson_exponential_jobs(JOBS, SEED), Estimator(), monitors=[recorder])
    sim.run()
    frame = recorder.to_dataframe()  # sorted by job id = arrival order
    assert len(frame) == JOBS and (frame["status"] == "completed").all()
    # the model is really M/M/c FCFS: service times are the drawn ones, starts follow arrival order
    services = np.array([job.service_s for job in _poisson_exponential_jobs(JOBS, SEED)])
    np.testing.assert_allclose(frame["run_s"].to_numpy(), services, rtol=1e-9, atol=1e-9)
    assert (np.diff(frame["start_s"].to_numpy()) >= -1e-12).all(), "FCFS: jobs start in arrival order"

    waits = frame["wait_s"].to_numpy()[WARMUP:]
    exact_wait = mmc_mean_wait(SERVERS, LAMBDA, MU)
    mean_wait, se_wait = _batch_means(waits, BATCHES)
    assert se_wait < 0.08 * exact_wait, f"estimate not tight enough: SE {se_wait:.4f} s"
    assert abs(mean_wait - exact_wait) <= TOLERANCE_SE * se_wait, (
        f"simulated W_q {mean_wait:.4f} s vs Erlang C {exact_wait:.4f} s "
        f"({(mean_wait - exact_wait) / se_wait:+.2f} standard errors, SE {se_wait:.4f} s)"
    )

    exact_p = erlang_c(SERVERS, LAMBDA / MU)
    p_wait, se_p = _batch_means((waits > 0).astype(float), BATCHES)
    assert abs(p_wait - exact_p) <= TOLERANCE_SE * se_p, (
        f"simulated P(wait) {p_wait:.4f} vs Erlang C {exact_p:.4f} ({(p_wait - exact_p) / se_p:+.2f} SE)"
    )
