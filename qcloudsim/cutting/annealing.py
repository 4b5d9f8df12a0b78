"""Deadline-aware placement of cut-circuit fragments on QPUs (pure, no SimPy).

Inspired by the deadline-aware simulated-annealing scheduler of arXiv
2512.06157 (circuit cutting + annealing placement of subcircuits across QPUs).
Deviations from that paper: the objective here is lexicographic (deadlines
met, then makespan, with an optional fidelity weight) in one scalar energy;
shots of one fragment may be split across QPUs; and QPU order is encoded by a
per-piece priority instead of explicit permutations.

**Problem.** ``Problem(now_s, jobs, available_at_s)``; each job has a deadline
(``inf`` = none), a reconstruction time and fragments; each fragment has a
shot count and, per QPU, ``runtime_per_shot_s`` (``inf`` when it does not
fit), ``setup_s`` and ``fidelity``. QPU ``q`` is free from
``max(available_at_s[q], now_s)``.

**State.** A list of *pieces* ``(fragment, qpu, shots, priority)``. Each
fragment's pieces sum to its shot count, with at most one piece per
(fragment, QPU). A QPU runs its pieces back to back in increasing priority
(ties by piece index). Piece time on QPU ``q``: ``setup_s[q] + shots *
runtime_per_shot_s[q]`` (so every split pays one more setup). Fragments of a
job run in parallel on different QPUs. Job finish = latest end of its pieces
+ ``reconstruction_s``. Fragment fidelity = shot-weighted mean of its pieces'
QPU fidelities; job fidelity = product over fragments
(:func:`qcloudsim.cutting.reconstruction.combine_fidelity`).

**Energy (minimised; ``score = -energy``).** ::

    E = missed + (g - w * F) / (1 + w),   g = M / (M + scale)

``missed`` = jobs finishing after their deadline (or below ``min_fidelity``
when set), ``M`` = makespan - now, ``F`` = mean job fidelity, ``w`` =
``fidelity_weight``, ``scale`` = a problem constant (``makespan_scale_s``).
The second term lies in an interval shorter than 1, so one more met
deadline always beats any makespan/fidelity gain (lexicographic order).
Evaluation is vectorised with numpy: one ``lexsort`` by (QPU, priority),
a cumulative sum per QPU and ``maximum.at`` reductions, O(P log P) for P pieces.

**Moves** (uniformly chosen; a move that is impossible in the current state
is a no-op iteration):

* *relocate*: a random piece moves to another QPU where its fragment fits
  (merged into the fragment's piece there, if any);
* *split*: a random piece with >= 2 shots gives a uniform 1..shots-1 of them
  to another QPU (new piece with the same priority, or merged);
* *merge*: a fragment with >= 2 pieces folds one piece into another;
* *swap*: two pieces on the same QPU exchange priorities (their order).

**Schedule.** Metropolis acceptance ``exp(-dE / T)``, geometric cooling
``T_k = T0 * alpha^k``; ``alpha`` defaults to ``1e-3 ** (1 / iterations)`` (T
falls to 0.1 % of ``T0`` at the end). Stop after ``iterations`` or after
``patience`` iterations without a new best (if set). The random stream is
``numpy.random.default_rng(seed)``. The best state seen is returned, so the
result is never worse than the initial greedy solution; zero iterations
return that greedy solution.

**Baselines.** :func:`greedy_earliest_finish`: fragments in EDF order of their
jobs (then larger work first), each whole on the QPU where it finishes
earliest. :func:`greedy_agnostic`: ignores deadlines, parent jobs and shot
splitting: fragments sorted by size (width, then shots, descending) go
round-robin to the QPUs they fit on.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DEFAULT_ITERATIONS",
    "FragmentSpec",
    "JobSpec",
    "Piece",
    "Problem",
    "Solution",
    "evaluate",
    "greedy_agnostic",
    "greedy_earliest_finish",
    "simulated_annealing",
]

DEFAULT_ITERATIONS = 5000
"""Default annealing budget (well under 1 s per decision on 20 jobs x 8 fragments x 10 QPUs)."""


@dataclass(frozen=True)
class FragmentSpec:
    """One fragment to place.

    Attributes:
        shots: Shots to run (>= 1), e.g. ``CutPlan.fragment_shots(...)[i]``.
        runtime_per_shot_s: Seconds per shot on each QPU (``inf`` = does not fit).
        setup_s: Fixed seconds per piece on each QPU (job overhead).
        fidelity: Estimated fidelity of the fragment on each QPU, in [0, 1].
        width: Qubits (used only by :func:`greedy_agnostic` for sorting).
    """

    shots: int
    runtime_per_shot_s: Sequence[float]
    setup_s: Sequence[float]
    fidelity: Sequence[float]
    width: int = 1


@dataclass(frozen=True)
class JobSpec:
    """A (cut) job: fragments plus reconstruction.

    Attributes:
        id: Job identifier (reported back).
        fragments: Its fragments.
        deadline_s: Absolute deadline (simulation seconds); ``inf`` = none.
        reconstruction_s: Classical post-processing after the last fragment.
    """

    id: Hashable
    fragments: tuple[FragmentSpec, ...]
    deadline_s: float = math.inf
    reconstruction_s: float = 0.0


@dataclass(frozen=True)
class Problem:
    """One placement decision.

    Attributes:
        now_s: Current simulation time (s).
        jobs: Pending jobs.
        available_at_s: When each QPU becomes free (s); its length is the QPU count.
    """

    now_s: float
    jobs: tuple[JobSpec, ...]
    available_at_s: tuple[float, ...]
    _arrays: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nq = len(self.available_at_s)
        if nq < 1:
            raise ValueError("a problem needs at least one QPU")
        frags = [(j, f) for j, job in enumerate(self.jobs) for f in job.fragments]
        rps = np.array([f.runtime_per_shot_s for _, f in frags], dtype=float).reshape(len(frags), nq)
        setup = np.array([f.setup_s for _, f in frags], dtype=float).reshape(len(frags), nq)
        fid = np.array([f.fidelity for _, f in frags], dtype=float).reshape(len(frags), nq)
        shots = np.array([f.shots for _, f in frags], dtype=np.int64)
        if (shots < 1).any():
            raise ValueError("every fragment needs >= 1 shot")
        fits = np.isfinite(rps)
        bad = np.flatnonzero(~fits.any(axis=1))
        if bad.size:
            j, _ = frags[int(bad[0])]
            raise ValueError(f"a fragment of job {self.jobs[j].id!r} fits on no QPU")
        if ((fid < 0) | (fid > 1)).any():
            raise ValueError("fidelities must lie in [0, 1]")
        start = np.maximum(np.asarray(self.available_at_s, dtype=float), self.now_s)
        whole = np.where(fits, setup + shots[:, None] * np.where(fits, rps, 0.0), np.inf)
        recon = np.array([job.reconstruction_s for job in self.jobs], dtype=float)
        scale = float(
            (start.max() - self.now_s)
            + whole.min(axis=1).sum() / nq
            + (recon.max() if recon.size else 0.0)
        )
        self._arrays.update(
            frag_job=np.array([j for j, _ in frags], dtype=np.int64),
            rps=np.where(fits, rps, np.inf),
            setup=setup,
            fid=fid,
            shots=shots,
            fits=fits,
            fit_lists=[np.flatnonzero(row) for row in fits],
            start=start,
            whole=whole,
            deadline=np.array([job.deadline_s for job in self.jobs], dtype=float),
            recon=recon,
            scale=max(scale, 1e-9),
        )

    @property
    def num_qpus(self) -> int:
        """Number of QPUs."""
        return len(self.available_at_s)

    @property
    def num_fragments(self) -> int:
        """Fragments over all jobs."""
        return int(self._arrays["shots"].size)

    @property
    def makespan_scale_s(self) -> float:
        """Problem constant that normalises the makespan term (s)."""
        return float(self._arrays["scale"])


@dataclass(frozen=True)
class Piece:
    """Shots of one fragment placed on one QPU.

    Attributes:
        job_id: The job's id.
        fragment: Fragment index within the job.
        qpu: QPU index.
        shots: Shots in this piece.
        start_s: Start time (s).
        end_s: End time (s).
    """

    job_id: Hashable
    fragment: int
    qpu: int
    shots: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Solution:
    """A placement with its objective values.

    Attributes:
        assignments: Pieces sorted by (QPU, start).
        score: ``-energy`` (higher is better; see the module docstring).
        deadlines_met: Jobs that finish by their deadline (and meet ``min_fidelity``).
        makespan_s: Latest job finish minus ``now_s`` (s).
        mean_fidelity: Mean job fidelity.
        iterations_run: Annealing iterations done (0 for greedy).
        job_finish_s: Finish time of each job (s), in ``problem.jobs`` order.
    """

    assignments: tuple[Piece, ...]
    score: float
    deadlines_met: int
    makespan_s: float
    mean_fidelity: float
    iterations_run: int
    job_finish_s: tuple[float, ...]


@dataclass
class _State:
    frag: np.ndarray
    qpu: np.ndarray
    shots: np.ndarray
    prio: np.ndarray

    def copy(self) -> _State:
        return _State(self.frag.copy(), self.qpu.copy(), self.shots.copy(), self.prio.copy())


@dataclass(frozen=True)
class _Eval:
    energy: float
    met: int
    makespan: float
    fidelity: float
    start: np.ndarray
    end: np.ndarray
    job_finish: np.ndarray


def _evaluate(
    problem: Problem, state: _State, fidelity_weight: float, min_fidelity: float | None
) -> _Eval:
    a = problem._arrays
    order = np.lexsort((np.arange(state.frag.size), state.prio, state.qpu))
    frag, qpu, shots = state.frag[order], state.qpu[order], state.shots[order]
    dur = a["setup"][frag, qpu] + shots * a["rps"][frag, qpu]
    csum = np.cumsum(dur)
    first = np.ones(order.size, dtype=bool)
    first[1:] = qpu[1:] != qpu[:-1]
    seg_start = np.flatnonzero(first)
    seg_len = np.diff(np.append(seg_start, order.size))
    before = np.repeat(csum[seg_start] - dur[seg_start], seg_len)
    end_sorted = a["start"][qpu] + csum - before
    start_sorted = end_sorted - dur
    end = np.empty_like(end_sorted)
    start = np.empty_like(start_sorted)
    end[order] = end_sorted
    start[order] = start_sorted
    njobs = len(problem.jobs)
    frag_job = a["frag_job"][state.frag]
    job_finish = np.full(njobs, problem.now_s)
    np.maximum.at(job_finish, frag_job, end)
    job_finish = job_finish + a["recon"]
    nfrag = a["shots"].size
    weighted = np.zeros(nfrag)
    np.add.at(weighted, state.frag, state.shots * a["fid"][state.frag, state.qpu])
    frag_fid = weighted / a["shots"]
    log_fid = np.zeros(njobs)
    with np.errstate(divide="ignore"):
        np.add.at(log_fid, a["frag_job"], np.log(frag_fid))
    job_fid = np.exp(log_fid)
    ok = job_finish <= a["deadline"] * (1 + 1e-12) + 1e-9
    if min_fidelity is not None:
        ok &= job_fid >= min_fidelity
    met = int(ok.sum())
    makespan = float(job_finish.max() - problem.now_s) if njobs else 0.0
    mean_fid = float(job_fid.mean()) if njobs else 1.0
    g = makespan / (makespan + a["scale"])
    energy = (njobs - met) + (g - fidelity_weight * mean_fid) / (1.0 + fidelity_weight)
    return _Eval(energy, met, makespan, mean_fid, start, end, job_finish)


def _solution(problem: Problem, state: _State, ev: _Eval, iterations: int) -> Solution:
    a = problem._arrays
    frag_index = np.zeros(a["shots"].size, dtype=np.int64)
    seen: dict[int, int] = {}
    for i, j in enumerate(a["frag_job"]):
        frag_index[i] = seen.get(int(j), 0)
        seen[int(j)] = frag_index[i] + 1
    order = np.lexsort((ev.start, state.qpu))
    pieces = tuple(
        Piece(
            job_id=problem.jobs[int(a["frag_job"][state.frag[i]])].id,
            fragment=int(frag_index[state.frag[i]]),
            qpu=int(state.qpu[i]),
            shots=int(state.shots[i]),
            start_s=float(ev.start[i]),
            end_s=float(ev.end[i]),
        )
        for i in order
    )
    return Solution(
        assignments=pieces,
        score=-ev.energy,
        deadlines_met=ev.met,
        makespan_s=ev.makespan,
        mean_fidelity=ev.fidelity,
        iterations_run=iterations,
        job_finish_s=tuple(float(x) for x in ev.job_finish),
    )


def _greedy_state(problem: Problem) -> _State:
    a = problem._arrays
    nfrag = a["shots"].size
    work = a["whole"].min(axis=1)
    order = sorted(range(nfrag), key=lambda f: (a["deadline"][a["frag_job"][f]], a["frag_job"][f], -work[f], f))
    free = a["start"].copy()
    qpu = np.zeros(nfrag, dtype=np.int64)
    prio = np.zeros(nfrag)
    for rank, f in enumerate(order):
        finish = free + a["whole"][f]
        q = int(np.argmin(finish))
        qpu[f] = q
        free[q] = finish[q]
        prio[f] = rank
    return _State(np.arange(nfrag, dtype=np.int64), qpu, a["shots"].copy(), prio)


def evaluate(
    problem: Problem,
    pieces: Sequence[tuple[int, int, int, int]],
    *,
    fidelity_weight: float = 0.0,
    min_fidelity: float | None = None,
) -> Solution:
    """Score an explicit placement.

    Args:
        problem: The problem.
        pieces: ``(job index, fragment index, qpu, shots)`` per piece, in run
            order per QPU.
        fidelity_weight: ``w`` of the energy.
        min_fidelity: Optional fidelity floor per job.

    Returns:
        The solution (``iterations_run = 0``).
    """
    a = problem._arrays
    offsets = np.cumsum([0] + [len(job.fragments) for job in problem.jobs])
    frag = np.array([offsets[j] + f for j, f, _, _ in pieces], dtype=np.int64)
    state = _State(
        frag,
        np.array([q for _, _, q, _ in pieces], dtype=np.int64),
        np.array([s for _, _, _, s in pieces], dtype=np.int64),
        np.arange(len(pieces), dtype=float),
    )
    totals = np.bincount(state.frag, weights=state.shots, minlength=a["shots"].size)
    if not np.array_equal(totals, a["shots"]):
        raise ValueError("pieces must cover every fragment's shots exactly")
    if not a["fits"][state.frag, state.qpu].all():
        raise ValueError("a piece is on a QPU its fragment does not fit")
    return _solution(problem, state, _evaluate(problem, state, fidelity_weight, min_fidelity), 0)


def greedy_earliest_finish(
    problem: Problem, *, fidelity_weight: float = 0.0, min_fidelity: float | None = None
) -> Solution:
    """EDF order, each fragment whole on the QPU where it finishes earliest."""
    state = _greedy_state(problem)
    return _solution(problem, state, _evaluate(problem, state, fidelity_weight, min_fidelity), 0)


def greedy_agnostic(
    problem: Problem, *, fidelity_weight: float = 0.0, min_fidelity: float | None = None
) -> Solution:
    """Round-robin whole fragments, largest (width, shots) first; no deadlines or splits."""
    a = problem._arrays
    frags = [f for job in problem.jobs for f in job.fragments]
    order = sorted(range(len(frags)), key=lambda i: (-frags[i].width, -frags[i].shots, i))
    qpu = np.zeros(len(frags), dtype=np.int64)
    prio = np.zeros(len(frags))
    cursor = 0
    nq = problem.num_qpus
    for rank, f in enumerate(order):
        for step in range(nq):
            q = (cursor + step) % nq
            if a["fits"][f, q]:
                break
        qpu[f] = q
        prio[f] = rank
        cursor = (q + 1) % nq
    state = _State(np.arange(len(frags), dtype=np.int64), qpu, a["shots"].copy(), prio)
    return _solution(problem, state, _evaluate(problem, state, fidelity_weight, min_fidelity), 0)


def simulated_annealing(
    problem: Problem,
    *,
    iterations: int = DEFAULT_ITERATIONS,
    initial_temperature: float = 0.05,
    cooling: float | None = None,
    seed: int = 0,
    fidelity_weight: float = 0.0,
    min_fidelity: float | None = None,
    patience: int | None = None,
) -> Solution:
    """Anneal the placement, starting from :func:`greedy_earliest_finish`.

    Args:
        problem: The placement problem.
        iterations: Move proposals (0 returns the greedy solution).
        initial_temperature: ``T0`` in energy units (one missed deadline = 1).
        cooling: Geometric factor ``alpha`` in (0, 1]; default
            ``1e-3 ** (1 / iterations)``.
        seed: Seed of the ``numpy`` generator.
        fidelity_weight: ``w`` >= 0 of the energy (fidelity vs makespan).
        min_fidelity: Jobs below this fidelity count as missing their deadline.
        patience: Stop after this many iterations without a new best (``None`` = never).

    Returns:
        The best solution seen.
    """
    if iterations < 0:
        raise ValueError(f"iterations must be >= 0, got {iterations}")
    if initial_temperature <= 0:
        raise ValueError("initial_temperature must be > 0")
    if fidelity_weight < 0:
        raise ValueError("fidelity_weight must be >= 0")
    alpha = cooling if cooling is not None else (1e-3 ** (1.0 / max(iterations, 1)))
    if not 0 < alpha <= 1:
        raise ValueError(f"cooling must lie in (0, 1], got {alpha}")
    rng = np.random.default_rng(seed)
    current = _greedy_state(problem)
    cur_eval = _evaluate(problem, current, fidelity_weight, min_fidelity)
    best, best_eval = current, cur_eval
    temperature = float(initial_temperature)
    since_best = 0
    done = 0
    a = problem._arrays
    for _ in range(iterations):
        done += 1
        candidate = _propose(current, a, problem.num_qpus, rng)
        if candidate is not None:
            ev = _evaluate(problem, candidate, fidelity_weight, min_fidelity)
            delta = ev.energy - cur_eval.energy
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                current, cur_eval = candidate, ev
                if ev.energy < best_eval.energy - 1e-15:
                    best, best_eval = candidate, ev
                    since_best = -1
        since_best += 1
        temperature *= alpha
        if patience is not None and since_best >= patience:
            break
    return _solution(problem, best, best_eval, done)


def _propose(state: _State, a: dict, num_qpus: int, rng: np.random.Generator) -> _State | None:
    """One random move (see the module docstring); ``None`` if it is impossible."""
    move = int(rng.integers(4))
    n = state.frag.size
    i = int(rng.integers(n))
    f = int(state.frag[i])
    if move in (0, 1):  # relocate / split
        targets = a["fit_lists"][f]
        targets = targets[targets != state.qpu[i]]
        if targets.size == 0:
            return None
        q = int(targets[rng.integers(targets.size)])
        if move == 0:
            amount = int(state.shots[i])
        else:
            if state.shots[i] < 2:
                return None
            amount = int(rng.integers(1, state.shots[i]))
        new = state.copy()
        existing = np.flatnonzero((new.frag == f) & (new.qpu == q))
        if existing.size:
            new.shots[existing[0]] += amount
        else:
            new.frag = np.append(new.frag, f)
            new.qpu = np.append(new.qpu, q)
            new.shots = np.append(new.shots, amount)
            new.prio = np.append(new.prio, new.prio[i])
        new.shots[i] -= amount
        return _drop_empty(new)
    if move == 2:  # merge
        siblings = np.flatnonzero(state.frag == f)
        if siblings.size < 2:
            return None
        j = int(siblings[rng.integers(siblings.size)])
        if j == i:
            return None
        new = state.copy()
        new.shots[j] += new.shots[i]
        new.shots[i] = 0
        return _drop_empty(new)
    same = np.flatnonzero(state.qpu == state.qpu[i])  # swap order
    if same.size < 2:
        return None
    j = int(same[rng.integers(same.size)])
    if j == i:
        return None
    new = state.copy()
    new.prio[i], new.prio[j] = state.prio[j], state.prio[i]
    return new


def _drop_empty(state: _State) -> _State:
    keep = state.shots > 0
    if keep.all():
        return state
    return _State(state.frag[keep], state.qpu[keep], state.shots[keep], state.prio[keep])
