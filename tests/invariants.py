"""Invariants every simulation run must satisfy, checked on its public results.

:func:`check_run` takes the :class:`~qcloudsim.results.results.Results` of
``qcloudsim.experiment.run`` and the plain config dict the run was built
from, runs every check below and raises one ``AssertionError`` that lists
every violated invariant (so a failing run reports all its problems at once,
each prefixed with the check's name):

* ``accounting``: every submitted job (rebuilt from the config's workload,
  cut at the horizon) has exactly one row in ``results.jobs``; the only other
  rows are jobs of hybrid programs; ids are unique (also across fragments);
  statuses are terminal and rejected/failed rows have a reason; recorded
  arrival times are the submitted ones; a job pinned to a device (trace
  ``device_map``) ran there.
* ``programs``: every configured hybrid program that arrives before the
  horizon has one row (a later one may have a row, then a consistent one),
  with its configured arrival, a terminal status (a reason if failed), no end
  before its arrival, and as many job rows as it submitted; its jobs arrive
  while it runs.
* ``fragments``: fragments of cut circuits have unique ids, terminal
  statuses, and a parent row consistent with them.
* ``times``: ``arrival_s <= start_s <= end_s`` (and ``arrival_s <= end_s``)
  wherever defined.
* ``qubits``: no physical qubit is held by two runs at once.
* ``exclusive``: under an exclusive scheduler (no multiplexing), runs on one
  device never overlap, except non-blocking (interleaved) session runs.
* ``downtime``: no run overlaps a ``down`` or ``calibrating`` interval of its
  device in ``results.timeline`` (touching is fine).
* ``utilization``: every utilization value in the summary is in ``[0, 1]``.
* ``attempts``: when ``results.attempts`` exists, its rows are consistent
  with the job table.
* ``determinism``: a second run with the same config and seed, in the same
  process, gives identical jobs (and fragments, programs, timeline) tables.

Run intervals come from ``results.attempts`` (one row per attempt) when the
attribute exists and is not ``None``; otherwise from ``results.jobs`` and
``results.fragments`` (where a requeued job only shows its last attempt).
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qcloudsim.config.schema import ExperimentConfig, TraceWorkloadConfig, fleet_name
from qcloudsim.experiment import run

TERMINAL = frozenset({"completed", "rejected", "failed"})
ATTEMPT_OUTCOMES = frozenset({"completed", "interrupted", "failed"})
UNAVAILABLE = ("down", "calibrating")
EPS = 1e-9
"""Tolerance of time comparisons (s)."""
SHOW = 5
"""Examples shown per violated invariant."""
RUN_WALL_S = 120.0
"""Wall-clock limit of one simulation run before it is declared hung."""


class RunTimeout(AssertionError):
    """A simulation did not finish within its wall-clock limit."""


@contextlib.contextmanager
def wall_clock_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`RunTimeout` in the block after ``seconds`` of wall time (main thread, POSIX)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def _expired(signum, frame):  # noqa: ARG001
        raise RunTimeout(f"simulation still running after {seconds:.0f} s of wall time (hung?)")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded_run(config: ExperimentConfig, seed: int | None = None, wall_s: float = RUN_WALL_S):
    """``qcloudsim.experiment.run`` with a wall-clock limit."""
    with wall_clock_limit(wall_s):
        return run(config, seed)


# -- context -----------------------------------------------------------------------


@dataclass
class _Context:
    results: Any
    config_dict: dict
    config: ExperimentConfig
    seed: int
    jobs: pd.DataFrame
    fragments: pd.DataFrame
    programs: pd.DataFrame
    devices: dict[str, int]
    exclusive: bool
    expected: pd.DataFrame | None = None
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)


def _frame(value: Any) -> pd.DataFrame:
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame()


def is_exclusive(config_dict: dict) -> bool:
    """Whether the run's scheduler keeps one job per device (no multiplexing)."""
    scheduler = config_dict.get("scheduler") or {}
    if "multiplexing" in scheduler:  # the engine rewrite's knob
        return scheduler["multiplexing"] != "shared"
    from qcloudsim.schedulers.registry import make_scheduler

    built = make_scheduler(scheduler.get("name", "fcfs"), **(scheduler.get("params") or {}))
    return bool(getattr(built, "exclusive", True))


def _expected_workload(config: ExperimentConfig, seed: int) -> pd.DataFrame:
    """The workload jobs the run submitted: id, arrival, pinned device (rebuilt from the config)."""
    from qcloudsim.experiment import build_workload
    from qcloudsim.seeding import SeedStreams

    horizon = config.horizon_s
    rows = []
    for job in build_workload(config, SeedStreams(seed)).jobs:
        if horizon is not None and job.arrival_s >= horizon:
            break
        rows.append((job.id, job.arrival_s, job.pinned_device))
    return pd.DataFrame(rows, columns=["job_id", "arrival_s", "pinned_device"])


def _examples(items) -> str:
    items = list(items)
    shown = ", ".join(str(i) for i in items[:SHOW])
    return shown + (f" (+{len(items) - SHOW} more)" if len(items) > SHOW else "")


# -- checks --------------------------------------------------------------------------


def _check_accounting(ctx: _Context) -> None:
    jobs, fragments, problems = ctx.jobs, ctx.fragments, []
    counts = jobs["job_id"].value_counts()
    dupes = counts[counts > 1]
    if len(dupes):
        problems.append(f"job ids with several rows in results.jobs: {_examples(dupes.index.tolist())}")
    if len(fragments):
        clash = set(jobs["job_id"]) & set(fragments["job_id"])
        if clash:
            problems.append(f"ids used by both a job and a fragment: {_examples(sorted(clash))}")
    bad = jobs[~jobs["status"].isin(TERMINAL)]
    if len(bad):
        problems.append(
            "non-terminal status: " + _examples(f"job {r.job_id}={r.status}" for r in bad.itertuples())
        )
    unexplained = jobs[jobs["status"].isin(["rejected", "failed"]) & (jobs["reason"].fillna("").str.len() == 0)]
    if len(unexplained):
        problems.append(f"rejected/failed without a reason: jobs {_examples(unexplained['job_id'].tolist())}")
    if len(jobs) and "jobs_submitted" in ctx.results.summary and ctx.results.summary["jobs_submitted"] != len(jobs):
        problems.append(f"summary jobs_submitted={ctx.results.summary['jobs_submitted']} but {len(jobs)} job rows")

    expected = ctx.expected
    if expected is not None:
        wanted = set(expected["job_id"])
        have = set(jobs["job_id"])
        missing = sorted(wanted - have)
        if missing:
            problems.append(f"submitted jobs missing from results.jobs: {_examples(missing)} "
                            f"({len(missing)} of {len(wanted)})")
        extra = jobs[~jobs["job_id"].isin(wanted)]
        if len(extra):
            program_ids = set(ctx.programs["program_id"]) if len(ctx.programs) else set()
            if "program_id" in extra:
                stray = extra[~extra["program_id"].isin(program_ids)]
            else:
                stray = extra
            if len(stray):
                problems.append(
                    f"rows that are neither submitted workload jobs nor jobs of a recorded program: "
                    f"{_examples(stray['job_id'].tolist())}"
                )
        merged = jobs.merge(expected, on="job_id", how="inner", suffixes=("", "_submitted"))
        off = merged[~np.isclose(merged["arrival_s"], merged["arrival_s_submitted"], rtol=0, atol=EPS)]
        if len(off):
            problems.append(
                "recorded arrival differs from the submitted one: "
                + _examples(f"job {r.job_id}: {r.arrival_s} != {r.arrival_s_submitted}" for r in off.itertuples())
            )
        pinned = merged[merged["pinned_device"].notna() & merged["start_s"].notna()]
        elsewhere = pinned[pinned["device"] != pinned["pinned_device"]]
        if len(elsewhere):
            problems.append(
                "pinned jobs that ran on another device: "
                + _examples(f"job {r.job_id} pinned to {r.pinned_device} ran on {r.device}"
                            for r in elsewhere.itertuples())
            )
    if problems:
        raise AssertionError("; ".join(problems))


def _configured_programs(config: ExperimentConfig, seed: int) -> dict[str, float]:
    """Program id -> arrival time of every configured hybrid program (rebuilt from the config)."""
    if config.hybrid is None:
        return {}
    from qcloudsim.hybrid.build import build_programs
    from qcloudsim.seeding import SeedStreams

    return {p.id: p.arrival_s for p in build_programs(config.hybrid, SeedStreams(seed))}


def _check_programs(ctx: _Context) -> None:
    config, programs, jobs, problems = ctx.config, ctx.programs, ctx.jobs, []
    configured = _configured_programs(config, ctx.seed)
    if not configured:
        if len(programs):
            problems.append(f"{len(programs)} program rows but no hybrid programs configured")
        if ("program_id" in jobs and jobs["program_id"].notna().any()
                and not isinstance(config.workload, TraceWorkloadConfig)):
            problems.append("job rows carry a program_id but no hybrid programs are configured")
        if problems:
            raise AssertionError("; ".join(problems))
        return
    horizon = config.horizon_s
    # programs that arrive before the horizon must have a row; later ones may (but then a consistent one)
    required = {p for p, at in configured.items() if horizon is None or at < horizon}
    ids = programs["program_id"].tolist() if len(programs) else []
    if len(ids) != len(set(ids)):
        problems.append(f"programs with several rows: {_examples(sorted({i for i in ids if ids.count(i) > 1}))}")
    missing = sorted(required - set(ids))
    if missing:
        problems.append(f"configured programs without a row: {_examples(missing)}")
    unknown = sorted(set(ids) - set(configured))
    if unknown:
        problems.append(f"program rows that were never configured: {_examples(unknown)}")
    if not len(programs):
        if problems:
            raise AssertionError("; ".join(problems))
        return
    moved = [f"{r.program_id}: {r.arrival_s} != {configured[r.program_id]}" for r in programs.itertuples()
             if r.program_id in configured and not math.isclose(r.arrival_s, configured[r.program_id], abs_tol=EPS)]
    if moved:
        problems.append("program arrival differs from the configured one: " + _examples(moved))
    bad = programs[~programs["status"].isin(["completed", "failed"])]
    if len(bad):
        problems.append("programs with a non-terminal status: "
                        + _examples(f"{r.program_id}={r.status}" for r in bad.itertuples()))
    failed = programs[(programs["status"] == "failed") & (programs["reason"].fillna("").str.len() == 0)]
    if len(failed):
        problems.append(f"failed programs without a reason: {_examples(failed['program_id'].tolist())}")
    late = programs[programs["end_s"].notna() & (programs["end_s"] < programs["arrival_s"] - EPS)]
    if len(late):
        problems.append(f"programs that end before they arrive: {_examples(late['program_id'].tolist())}")
    if "program_id" not in jobs:
        problems.append("hybrid programs ran but results.jobs has no program_id column")
        raise AssertionError("; ".join(problems))
    own = jobs[jobs["program_id"].isin(list(configured))]
    per_program = own.groupby("program_id").size()
    for row in programs.itertuples():
        rows = int(per_program.get(row.program_id, 0))
        if rows != row.jobs:
            problems.append(f"program {row.program_id} submitted {row.jobs} jobs but has {rows} job rows")
    bounds = programs.set_index("program_id")[["arrival_s", "end_s"]]
    joined = own.merge(bounds, left_on="program_id", right_index=True, how="left", suffixes=("", "_program"))
    early = joined[joined["arrival_s"] < joined["arrival_s_program"] - EPS]
    if len(early):
        problems.append(
            "program jobs that arrive before their program: "
            + _examples(f"job {r.job_id} at {r.arrival_s} < {r.program_id} at {r.arrival_s_program}"
                        for r in early.itertuples())
        )
    after = joined[joined["end_s_program"].notna() & (joined["arrival_s"] > joined["end_s_program"] + EPS)]
    if len(after):
        problems.append(
            "program jobs that arrive after their program ended: "
            + _examples(f"job {r.job_id} at {r.arrival_s} > {r.program_id} end {r.end_s_program}"
                        for r in after.itertuples())
        )
    if problems:
        raise AssertionError("; ".join(problems))


def _check_fragments(ctx: _Context) -> None:
    fragments, jobs, problems = ctx.fragments, ctx.jobs, []
    if not len(fragments):
        return
    if ctx.config.cutting.when == "never":
        problems.append("fragments recorded although cutting is off")
    dupes = fragments["job_id"][fragments["job_id"].duplicated()]
    if len(dupes):
        problems.append(f"fragment ids with several rows: {_examples(sorted(set(dupes)))}")
    bad = fragments[~fragments["status"].isin(TERMINAL)]
    if len(bad):
        problems.append("fragments with a non-terminal status: "
                        + _examples(f"{r.job_id}={r.status}" for r in bad.itertuples()))
    unexplained = fragments[fragments["status"].isin(["rejected", "failed"])
                            & (fragments["reason"].fillna("").str.len() == 0)]
    if len(unexplained):
        problems.append(f"rejected/failed fragments without a reason: {_examples(unexplained['job_id'].tolist())}")
    parents = jobs.set_index("job_id")
    orphans = sorted(set(fragments["parent_id"]) - set(parents.index))
    if orphans:
        problems.append(f"fragments whose parent has no job row: parents {_examples(orphans)}")
    for parent_id, group in fragments.groupby("parent_id"):
        if parent_id not in parents.index:
            continue
        parent = parents.loc[parent_id]
        if isinstance(parent, pd.DataFrame):  # duplicated parent row, reported by accounting
            parent = parent.iloc[0]
        if parent["status"] == "completed":
            if not (group["status"] == "completed").all():
                problems.append(f"cut job {parent_id} completed but some of its fragments did not")
            if group["end_s"].max() > parent["end_s"] + EPS:
                problems.append(f"cut job {parent_id} ends before its last fragment")
            if not math.isclose(group["start_s"].min(), parent["start_s"], abs_tol=EPS):
                problems.append(f"cut job {parent_id} start {parent['start_s']} "
                                f"!= first fragment start {group['start_s'].min()}")
        elif (group["status"] != "completed").any() and parent["status"] != "failed":
            problems.append(f"cut job {parent_id} is {parent['status']} although a fragment did not complete")
        if (group["arrival_s"] < parent["arrival_s"] - EPS).any():
            problems.append(f"fragments of cut job {parent_id} arrive before it")
    if problems:
        raise AssertionError("; ".join(problems))


def _check_times(ctx: _Context) -> None:
    problems = []
    for label, table in (("job", ctx.jobs), ("fragment", ctx.fragments)):
        if not len(table):
            continue
        a, s, e = table["arrival_s"], table["start_s"], table["end_s"]
        checks = (
            ("start before arrival", s.notna() & (s < a - EPS)),
            ("end before start", s.notna() & e.notna() & (e < s - EPS)),
            ("end before arrival", e.notna() & (e < a - EPS)),
            ("negative or missing arrival", a.isna() | (a < -EPS)),
        )
        for what, mask in checks:
            if mask.any():
                rows = table[mask.fillna(False)]
                problems.append(
                    f"{label} {what}: "
                    + _examples(f"{r.job_id} (a={r.arrival_s}, s={r.start_s}, e={r.end_s})" for r in rows.itertuples())
                )
    if problems:
        raise AssertionError("; ".join(problems))


def _non_blocking_programs(ctx: _Context) -> set[str]:
    """Programs whose session runs do not block the device (interleaved sessions)."""
    hybrid = ctx.config.hybrid
    if hybrid is None:
        return set()
    out = set()
    for g, group in enumerate(hybrid.programs):
        mode = hybrid.mode or group.mode
        if mode == "session" and group.session.interleave:
            out.update(f"p{g}-{k}" for k in range(group.count))
    return out


def _intervals(ctx: _Context) -> pd.DataFrame:
    """Every run interval: job_id, device, qubits, start_s, end_s, blocking, source."""
    jobs, fragments = ctx.jobs, ctx.fragments
    parent_ids = set(fragments["parent_id"]) if len(fragments) else set()
    rows = []
    non_blocking = _non_blocking_programs(ctx)

    def blocking_of(row) -> bool:
        program = getattr(row, "program_id", None)
        return not (isinstance(program, str) and program in non_blocking)

    attempts = getattr(ctx.results, "attempts", None)
    covered: set[int] = set()
    if attempts is not None:
        program_of = {}
        if "program_id" in jobs:
            program_of = dict(zip(jobs["job_id"], jobs["program_id"], strict=True))
        for row in attempts.itertuples():
            program = program_of.get(row.job_id)
            rows.append((row.job_id, row.device, tuple(row.qubits), row.start_s, row.end_s,
                         not (isinstance(program, str) and program in non_blocking), "attempts"))
            covered.add(row.job_id)
    for label, table in (("jobs", jobs), ("fragments", fragments)):
        if not len(table):
            continue
        ran = table[table["start_s"].notna() & ~table["job_id"].isin(covered) & ~table["job_id"].isin(parent_ids)]
        for row in ran.itertuples():
            if isinstance(row.device, str) and row.device.startswith("cut:"):
                continue  # a cut job's own row; its fragments ran
            rows.append((row.job_id, row.device, tuple(row.qubits), row.start_s, row.end_s, blocking_of(row), label))
    return pd.DataFrame(rows, columns=["job_id", "device", "qubits", "start_s", "end_s", "blocking", "source"])


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end - EPS and b_start < a_end - EPS


def _check_qubits(ctx: _Context) -> None:
    runs, problems = ctx.runs, []
    unknown = runs[~runs["device"].isin(ctx.devices)]
    if len(unknown):
        problems.append("runs on a device not in the fleet: "
                        + _examples(f"{r.job_id} on {r.device!r}" for r in unknown.itertuples()))
    for device, group in runs[runs["device"].isin(ctx.devices)].groupby("device"):
        size = ctx.devices[device]
        events: dict[int, list[tuple[float, float, int]]] = {}
        for row in group.itertuples():
            if len(set(row.qubits)) != len(row.qubits):
                problems.append(f"job {row.job_id} holds a qubit twice on {device}: {row.qubits}")
            for q in row.qubits:
                if not 0 <= q < size:
                    problems.append(f"job {row.job_id} holds qubit {q} outside {device} ({size} qubits)")
                events.setdefault(q, []).append((row.start_s, row.end_s, row.job_id))
        for q, spans in events.items():
            for first, second, start in _overlaps(spans):
                problems.append(f"qubit {q} on {device} held by jobs {first} and {second} at once (t={start:.6g})")
    if problems:
        raise AssertionError("; ".join(_dedupe(problems)))


def _overlaps(spans: list[tuple[float, float, int]]) -> list[tuple[int, int, float]]:
    """``(earlier job, later job, start)`` for every span that starts before an earlier one ended."""
    found, latest_end, latest_job = [], -math.inf, None
    for start, end, job_id in sorted(spans):
        if start < latest_end - EPS:
            found.append((latest_job, job_id, start))
        if end > latest_end:
            latest_end, latest_job = end, job_id
    return found


def _check_exclusive(ctx: _Context) -> None:
    if not ctx.exclusive:
        return
    problems = []
    blocking = ctx.runs[ctx.runs["blocking"]]
    for device, group in blocking.groupby("device"):
        spans = list(zip(group["start_s"], group["end_s"], group["job_id"], strict=True))
        for first, second, start in _overlaps(spans):
            problems.append(f"exclusive scheduler ran jobs {first} and {second} on {device} at once (t={start:.6g})")
    if problems:
        raise AssertionError("; ".join(_dedupe(problems)))


def _check_downtime(ctx: _Context) -> None:
    timeline, problems = ctx.results.timeline, []
    down = timeline[timeline["state"].isin(UNAVAILABLE)]
    windows = {d: list(zip(g["start_s"], g["end_s"], g["state"], strict=True)) for d, g in down.groupby("device")}
    for row in ctx.runs.itertuples():
        for start, end, state in windows.get(row.device, ()):
            if _overlap(row.start_s, row.end_s, start, end):
                problems.append(
                    f"job {row.job_id} ran on {row.device} [{row.start_s:.6g}, {row.end_s:.6g}] "
                    f"while it was {state} [{start:.6g}, {end:.6g}]"
                )
    if problems:
        raise AssertionError("; ".join(_dedupe(problems)))


def _utilization_values(summary: dict) -> Iterator[tuple[str, Any]]:
    for key in ("utilization_busy_mean", "utilization_qubit_time"):
        if key in summary:
            yield key, summary[key]
    for row in summary.get("devices", []):
        for key in ("busy_fraction", "qubit_fraction"):
            if key in row:
                yield f"devices[{row.get('device')}].{key}", row[key]
    for kind, row in (summary.get("classical_pool") or {}).items():
        if "utilization" in row:
            yield f"classical_pool[{kind}].utilization", row["utilization"]


def _check_utilization(ctx: _Context) -> None:
    values = list(_utilization_values(ctx.results.summary))
    if not values:
        raise AssertionError("no utilization values in the summary")
    bad = [f"{k}={v!r}" for k, v in values if not (isinstance(v, int | float) and -EPS <= v <= 1 + EPS)]
    if bad:
        raise AssertionError("utilization outside [0, 1]: " + _examples(bad))


def _check_attempts(ctx: _Context) -> None:
    attempts = getattr(ctx.results, "attempts", None)
    if attempts is None:
        return
    problems = []
    needed = {"job_id", "attempt", "device", "qubits", "start_s", "end_s", "outcome"}
    missing = needed - set(attempts.columns)
    if missing:
        raise AssertionError(f"results.attempts lacks columns {sorted(missing)}")
    bad = attempts[~attempts["outcome"].isin(ATTEMPT_OUTCOMES)]
    if len(bad):
        problems.append("attempt outcomes outside {completed, interrupted, failed}: "
                        + _examples(bad["outcome"].unique()))
    if attempts.duplicated(["job_id", "attempt"]).any():
        problems.append("duplicate (job_id, attempt) rows")
    known = set(ctx.jobs["job_id"]) | (set(ctx.fragments["job_id"]) if len(ctx.fragments) else set())
    stray = sorted(set(attempts["job_id"]) - known)
    if stray:
        problems.append(f"attempts of jobs without a job or fragment row: {_examples(stray)}")
    done = attempts[attempts["outcome"] == "completed"]
    per_job = done.groupby("job_id").size()
    if (per_job > 1).any():
        problems.append(f"jobs with several completed attempts: {_examples(per_job[per_job > 1].index.tolist())}")
    for label, table in (("job", ctx.jobs), ("fragment", ctx.fragments)):
        if not len(table):
            continue
        completed = table[(table["status"] == "completed") & ~table["device"].fillna("").str.startswith("cut:")]
        merged = completed.merge(done, on="job_id", how="left", suffixes=("", "_attempt"))
        lost = merged[merged["outcome"].isna()]
        if len(lost):
            problems.append(f"completed {label}s without a completed attempt: {_examples(lost['job_id'].tolist())}")
        found = merged[merged["outcome"].notna()]
        off = found[(found["device"] != found["device_attempt"])
                    | ~np.isclose(found["end_s"], found["end_s_attempt"], rtol=0, atol=EPS)]
        if len(off):
            problems.append(f"completed {label}s whose completed attempt differs in device or end: "
                            f"{_examples(off['job_id'].tolist())}")
    if problems:
        raise AssertionError("; ".join(problems))


def _first_lines(text: str, n: int = 12) -> str:
    lines = str(text).strip().splitlines()
    return "\n    ".join(lines[:n]) + ("\n    ..." if len(lines) > n else "")


def _check_determinism(ctx: _Context, second) -> None:
    problems = []
    pairs = [("jobs", ctx.results.jobs, second.jobs), ("timeline", ctx.results.timeline, second.timeline)]
    for name in ("fragments", "programs", "attempts"):
        a, b = getattr(ctx.results, name, None), getattr(second, name, None)
        if a is None and b is None:
            continue
        if (a is None) != (b is None):
            problems.append(f"{name}: present in one run only")
            continue
        pairs.append((name, a, b))
    for name, a, b in pairs:
        try:
            pd.testing.assert_frame_equal(a, b)
        except AssertionError as exc:
            detail = _first_lines(exc)
            if name in ("jobs", "fragments", "attempts") and "job_id" in a and "job_id" in b and len(a) == len(b):
                differ = (a["job_id"].to_numpy() != b["job_id"].to_numpy())
                if differ.any():
                    first = int(np.argmax(differ))
                    detail = (f"job ids differ in {int(differ.sum())} of {len(a)} rows, first: "
                              f"{a['job_id'].iloc[first]} vs {b['job_id'].iloc[first]}")
            problems.append(f"{name} table differs between two runs with the same config and seed: {detail}")
    if problems:
        raise AssertionError("; ".join(problems))


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    if len(out) > SHOW:
        out = out[:SHOW] + [f"(+{len(out) - SHOW} more)"]
    return out


CHECKS: tuple[tuple[str, Callable[[_Context], None]], ...] = (
    ("accounting", _check_accounting),
    ("programs", _check_programs),
    ("fragments", _check_fragments),
    ("times", _check_times),
    ("qubits", _check_qubits),
    ("exclusive", _check_exclusive),
    ("downtime", _check_downtime),
    ("utilization", _check_utilization),
    ("attempts", _check_attempts),
)


def check_run(results, config_dict: dict, *, rerun: bool = True, second=None, wall_s: float = RUN_WALL_S) -> None:
    """Assert every invariant of the module doc on one run.

    Args:
        results: What ``qcloudsim.experiment.run`` returned for ``config_dict``.
        config_dict: The plain config the run was built from.
        rerun: Run the config again with the same seed (same process) and
            compare the tables (``determinism``).
        second: Results of that second run, if already computed.
        wall_s: Wall-clock limit of the second run.

    Raises:
        AssertionError: Listing every violated invariant, one line each,
            prefixed with the check's name.
    """
    __tracebackhide__ = True  # the message lists every violation; the frames add nothing
    config = ExperimentConfig.model_validate(config_dict)
    seed = int(results.metadata.get("seed", config.seed))
    ctx = _Context(
        results=results, config_dict=config_dict, config=config, seed=seed,
        jobs=_frame(results.jobs), fragments=_frame(getattr(results, "fragments", None)),
        programs=_frame(getattr(results, "programs", None)),
        devices={},
        exclusive=is_exclusive(config_dict),
    )
    from qcloudsim.experiment import build_fleet

    devices, _ = build_fleet(config)
    ctx.devices = {d.name: d.num_qubits for d in devices}
    assert set(ctx.devices) == {fleet_name(e) for e in config.fleet}
    failures: list[str] = []
    try:
        ctx.expected = _expected_workload(config, seed)
    except Exception as exc:  # noqa: BLE001 - reported as a failure, other checks still run
        failures.append(f"[accounting] cannot rebuild the submitted workload: {type(exc).__name__}: {exc}")
    try:
        ctx.runs = _intervals(ctx)
    except Exception as exc:  # noqa: BLE001
        failures.append(f"[intervals] cannot build run intervals: {type(exc).__name__}: {exc}")
        ctx.runs = pd.DataFrame(columns=["job_id", "device", "qubits", "start_s", "end_s", "blocking", "source"])
    for name, check in CHECKS:
        try:
            check(ctx)
        except AssertionError as exc:
            failures.append(f"[{name}] {exc}")
    if rerun or second is not None:
        try:
            if second is None:
                second = guarded_run(config, seed, wall_s)
            _check_determinism(ctx, second)
        except AssertionError as exc:
            failures.append(f"[determinism] {exc}")
        except Exception as exc:  # noqa: BLE001 - the second run crashed where the first did not
            failures.append(f"[determinism] the second run raised {type(exc).__name__}: {exc}")
    if failures:
        raise AssertionError("run violates invariants:\n" + "\n".join(failures))


def invariant_names(message: str) -> list[str]:
    """The bracketed check names in a :func:`check_run` failure message."""
    return re.findall(r"^\[(\w+)\]", message, flags=re.MULTILINE)
