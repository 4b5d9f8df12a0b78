"""Combination matrix: every feature alone and every pair of features, under every scheduler.

Each feature is ONE small function in :data:`FEATURES` that edits a plain
config dict (the YAML's data), so the mapping can be adapted when the
config changes. A cell builds the tiny base config (:func:`base_config`),
applies its features, validates it with the public config API, runs it with
``qcloudsim.experiment.run`` and checks every invariant of
:mod:`tests.invariants` (including a second, identical run in the same
process), then checks that the features really took effect
(:data:`EFFECTS`: e.g. outages really happened), so a cell cannot pass by
exercising nothing.

Features are applied in the order of :data:`FEATURES` (not in the order of
the pair): ``trace_pinned`` first because it replaces the workload;
``hybrid`` and ``horizon`` read the workload's arrival span to time the
late program and the horizon.

The three hybrid execution modes are ONE feature, ``hybrid``, that runs a
program in each mode (job, batch, session) plus a late batch program, so
every cell with ``hybrid`` covers all three modes and the matrix keeps 9
features (46 combinations) instead of 11 (67).

Multi-programming is set at ONE line marked ``# MULTIPLEXING-KNOB`` (see
:func:`multiprogramming`); the invariant checker reads the scheduler's
``exclusive`` flag (or the future ``scheduler.multiplexing``) itself.

The default matrix (the plain base, each feature alone and each pair, under
every registered scheduler) is tiny: 3 devices of 5-7 qubits, 20 jobs
arriving faster than the fleet serves them (so work queues), about 20 s of
simulated time. The same matrix with a 5x larger workload is marked
``slow``.

Scheduler-specific handling (:func:`scheduler_entry`):

* ``drl`` runs the shipped policy ``policies/rl_small/policy.zip``, which was
  trained for a fleet of 4 devices: a fourth small device is added for it
  (shipped in the repository);
* ``anneal`` gets ``iterations: 30`` (its default of 2000 makes each round
  slow; the solver and its code paths are the same).

Combinations that are genuinely meaningless must fail validation with a clear
config error (:data:`CONFIG_ERRORS`): a device follows *either* a calibration
cycle *or* a recorded calibration history, so ``calibration`` + ``history``
on the same device is a config error, not a run.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pydantic
import pytest

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.schedulers.registry import scheduler_names
from tests.invariants import guarded_run

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
TRACE = DATA / "trace_pinned.csv"
"""Canonical trace, 24 jobs over 28.5 s; recorded backends ibm_a/ibm_b are pinned by ``device_map``, ibm_c is not.

Four rows need 8-10 qubits (more than any fleet device): rejected, or cut with ``cutting``;
one of them (job 117) is pinned, so it is rejected even with cutting (pinned jobs are not cut).
"""
TRACE_SPAN_S = 28.5
TRACE_DEVICE_MAP = {"ibm_a": "ibm_perth", "ibm_b": "line6"}
HISTORY = DATA / "calibration_history_ibm_perth_tiny"
"""Three real daily BackendProperties snapshots of ibm_perth (7 qubits), see ``tests/data/README.md``."""
DRL_POLICY = ROOT / "policies" / "rl_small" / "policy.zip"
SEED = 5

BASE_JOBS = 20
BASE_RATE_PER_S = 1.2
HORIZON_FRACTION = 0.72
"""The horizon falls at this fraction of the mean arrival span: with the base seed, jobs are then
still arriving, waiting and running, cut circuits are in progress and programs are mid-way."""


def base_config(scale: int = 1) -> dict:
    """The tiny plain-data experiment every cell starts from (``scale`` multiplies the jobs)."""
    return {
        "name": "combo",
        "seed": SEED,
        "fleet": [
            "ibm_perth",  # 7 qubits
            {"catalog": "ibmq_lima", "name": "lima"},  # 5 qubits, T shape
            {"name": "line6", "topology": "line", "num_qubits": 6, "error_2q": 0.012, "readout_error": 0.02},
        ],
        "workload": {
            "jobs": BASE_JOBS * scale,
            "arrivals": {"process": "poisson", "rate_per_s": BASE_RATE_PER_S},
            "shots": [100, 500, 1000],
            "circuits": [1, 2],
            "mix": [
                {"family": "ghz", "qubits": [2, 5]},
                {"family": "qft", "qubits": [2, 4]},
                {"family": "vqe", "qubits": [3, 6], "weight": 0.6},
                {"family": "ghz", "qubits": 9, "weight": 0.1},  # fits no device: rejected unless cut
            ],
            "users": [{"name": "a", "group": "g1"}, {"name": "b", "group": "g2", "weight": 2}],
            "priorities": [0, 1],
            "deadline_slack_s": [5.0, 60.0],
            "deadline_fraction": 0.5,
        },
        "scheduler": {"name": "fcfs"},
    }


def _scale(cfg: dict) -> int:
    workload = cfg["workload"]
    if "trace" in workload:
        return max(1, round(workload["trace"].get("load_scale", 1)))
    return max(1, workload["jobs"] // BASE_JOBS)


def _fleet_entry(cfg: dict, index: int) -> dict:
    """Fleet entry ``index`` as a dict (catalog names expanded) to add dynamics keys to."""
    entry = cfg["fleet"][index]
    if isinstance(entry, str):
        entry = cfg["fleet"][index] = {"catalog": entry}
    return entry


# -- features: each edits a config dict in place and returns it ---------------------------


def outages(cfg: dict) -> dict:
    """Random failures on two of the devices; running jobs are requeued."""
    for index in (0, 1):
        _fleet_entry(cfg, index)["outages"] = {"mtbf_s": 8.0, "mttr_s": 2.0, "on_running": "requeue"}
    return cfg


def calibration(cfg: dict) -> dict:
    """Every device recalibrates every 20 s for 3 s (staggered); running jobs are requeued."""
    for index in range(len(cfg["fleet"])):
        _fleet_entry(cfg, index)["calibration"] = {
            "period_s": 20.0, "duration_s": 3.0, "first_s": 5.0 + 3.0 * index, "on_running": "requeue",
        }
    return cfg


def drift(cfg: dict) -> dict:
    """Calibrations of every device drift every 4 s (fast trends, so the numbers really move)."""
    for index in range(len(cfg["fleet"])):
        _fleet_entry(cfg, index)["drift"] = {
            "step_s": 4.0, "error_trend_per_h": 20.0, "error_volatility_per_sqrt_h": 2.0,
            "coherence_trend_per_h": 10.0, "coherence_volatility_per_sqrt_h": 1.0,
        }
    return cfg


def history(cfg: dict) -> dict:
    """Device 0 (ibm_perth, 7 qubits) replays a recorded calibration history; switches requeue running jobs."""
    _fleet_entry(cfg, 0)["history"] = {
        "path": str(HISTORY), "time_scale": 1.0 / 8640.0, "downtime_s": 2.0, "on_running": "requeue",
    }
    return cfg


def multiprogramming(cfg: dict) -> dict:
    """Several jobs per device in disjoint regions, with crosstalk between neighbours.

    Today only ``fcfs`` takes ``params: {multiprogramming: true}`` and ``qsra``
    multi-programs by itself; the other schedulers stay exclusive (crosstalk is
    then inert). The engine rewrite replaces the marked line with
    ``cfg["scheduler"]["multiplexing"] = "shared"`` for every scheduler.
    """
    cfg.setdefault("models", {})["crosstalk"] = {"enabled": True, "kappa": 2.0}
    scheduler = cfg["scheduler"]
    if scheduler["name"] in MULTIPLEXING_SCHEDULERS:
        scheduler["multiplexing"] = "shared"  # MULTIPLEXING-KNOB
    return cfg


def _policy_schedulers() -> frozenset[str]:
    from qcloudsim.schedulers.base import PolicyScheduler
    from qcloudsim.schedulers.registry import scheduler_class

    return frozenset(n for n in scheduler_names() if issubclass(scheduler_class(n), PolicyScheduler))


MULTIPLEXING_SCHEDULERS = _policy_schedulers()
"""Schedulers built from policy levels: ``multiplexing: shared`` applies to every one of them.

The others (``anneal``, ``greedy_finish``, ``agnostic``, ``drl``) decide for
whole devices by construction and stay exclusive; crosstalk is then inert."""


HYBRID_MODES = ("job", "batch", "session")
LATE_PROGRAM_FRACTION = 0.9
"""A fourth program arrives at this fraction of the arrival span (after the horizon, when there is one)."""


def _arrival_span_s(cfg: dict) -> float:
    workload = cfg["workload"]
    if "trace" in workload:
        return TRACE_SPAN_S * workload["trace"].get("time_scale", 1.0)
    return workload["jobs"] / workload["arrivals"]["rate_per_s"]


def hybrid(cfg: dict) -> dict:
    """Small VQE programs: one per execution mode -- job (a job per circuit), batch (a job per
    iteration), session (a session holds the device; 12 s time limit) -- arriving at 3, 4, 5 s
    (program ``p{g}-0`` runs in ``HYBRID_MODES[g]``), and a late batch program ``p3-0`` near
    the end of the arrivals."""
    group = {
        "count": 1,
        "ansatz": {"family": "vqe", "qubits": [3, 4]},
        "circuits_per_iteration": 2, "shots": 200,
        "stopping": {"rule": "fixed", "iterations": 3},
        "classical_kind": "cpu", "classical_step_s": 0.5, "latency_s": 0.05,
        "session": {"time_limit_s": 12.0}, "group": "hybrid",
    }
    programs = [{**group, "mode": mode, "user": f"hybrid_{mode}", "start_s": 3.0 + i}
                for i, mode in enumerate(HYBRID_MODES)]
    late = round(LATE_PROGRAM_FRACTION * _arrival_span_s(cfg), 3)
    programs.append({**group, "mode": "batch", "user": "hybrid_late", "start_s": late})
    cfg["hybrid"] = {"classical": {"cpu": 2, "gpu": 0}, "programs": programs}
    return cfg


def cutting(cfg: dict) -> dict:
    """Cut circuits no device can hold; the synthetic mix gets more of them (the trace has its own)."""
    cfg["cutting"] = {"when": "no_fit"}
    workload = cfg["workload"]
    if "mix" in workload:
        workload["mix"].append({"family": "ghz", "qubits": [9, 14], "weight": 1.0})
    return cfg


def horizon(cfg: dict) -> dict:
    """Stop the clock while jobs still arrive, wait and run (and programs are mid-way)."""
    cfg["horizon_s"] = round(HORIZON_FRACTION * _arrival_span_s(cfg), 3)
    return cfg


def trace_pinned(cfg: dict) -> dict:
    """Replay tests/data/trace_pinned.csv; jobs recorded on ibm_a/ibm_b are pinned to fleet devices."""
    scale = _scale(cfg)
    cfg["workload"] = {"trace": {
        "path": str(TRACE), "format": "canonical", "device_map": dict(TRACE_DEVICE_MAP),
        "time_scale": float(scale), "load_scale": float(scale), "jitter_s": 2.0,
    }}
    return cfg


FEATURES: dict[str, Callable[[dict], dict]] = {
    "trace_pinned": trace_pinned,  # first: replaces the workload
    "outages": outages,
    "calibration": calibration,
    "drift": drift,
    "history": history,
    "multiprogramming": multiprogramming,
    "hybrid": hybrid,
    "cutting": cutting,
    "horizon": horizon,  # last: reads the workload
}
"""Feature name -> function editing a config dict (applied in this order)."""

CONFIG_ERRORS: dict[frozenset[str], str] = {
    frozenset({"calibration", "history"}): "either 'calibration'.*or 'history'",
}
"""Meaningless combinations -> regex of the config error they must raise."""


def scheduler_entry(name: str, scale: int = 1) -> tuple[dict, list[dict]]:
    """``(scheduler section, extra fleet devices)`` for the registered scheduler ``name``."""
    if name == "drl":
        assert DRL_POLICY.exists(), f"shipped policy missing: {DRL_POLICY}"
        # trained for 4 devices (configs/rl_small.yaml): add a fourth small device
        extra = [{"name": "ring5", "topology": "ring", "num_qubits": 5, "error_2q": 0.02}]
        return {"name": "drl", "params": {"checkpoint": str(DRL_POLICY)}}, extra
    if name == "anneal":
        return {"name": "anneal", "params": {"iterations": 30}}, []
    return {"name": name}, []


def build_config(features: tuple[str, ...], scheduler: str, scale: int = 1) -> dict:
    """The plain config dict of one cell."""
    cfg = base_config(scale)
    cfg["scheduler"], extra = scheduler_entry(scheduler, scale)
    cfg["fleet"].extend(extra)
    cfg["name"] = "combo-" + ("-".join(features) or "base")
    for name in FEATURES:  # canonical order
        if name in features:
            cfg = FEATURES[name](cfg)
    return cfg


# -- did the features take effect? -----------------------------------------------------


def _effect_outages(results, cfg):
    down = results.timeline[results.timeline["state"] == "down"]
    assert len(down), "no outage happened"


def _effect_calibration(results, cfg):
    assert (results.timeline["state"] == "calibrating").any(), "no calibration happened"


def _effect_drift(results, cfg):
    log = results.calibrations
    assert log is not None and (log.groupby("device").size() > 1).any(), "no calibration drifted"


def _effect_history(results, cfg):
    log = results.calibrations
    assert log is not None and (log["device"] == "ibm_perth").sum() > 1, "no recorded snapshot was replayed"


def _effect_hybrid(results, cfg):
    programs = results.programs
    assert programs is not None, "no hybrid program ran"
    early = programs[programs["program_id"] != "p3-0"]
    assert sorted(early["mode"]) == sorted(HYBRID_MODES), f"program modes {sorted(early['mode'])}"
    assert (early["jobs"] > 0).all(), "a program submitted no job"


def _effect_multiprogramming(results, cfg):
    from tests.invariants import is_exclusive

    assert cfg["models"]["crosstalk"]["enabled"], "crosstalk is off"
    if cfg["scheduler"]["name"] in MULTIPLEXING_SCHEDULERS:
        assert not is_exclusive(cfg), f"{cfg['scheduler']['name']} still schedules exclusively"


def _effect_cutting(results, cfg):
    assert results.fragments is not None and len(results.fragments), "no circuit was cut"


def _effect_horizon(results, cfg):
    horizon_s = cfg["horizon_s"]
    assert results.summary["end_s"] == pytest.approx(horizon_s), "the run did not stop at the horizon"
    reasons = results.jobs["reason"].fillna("")
    if results.fragments is not None and len(results.fragments):
        reasons = list(reasons) + list(results.fragments["reason"].fillna(""))
    assert any("still running at the horizon" in r for r in reasons), "no job was still running at the horizon"
    assert any("still waiting at the horizon" in r for r in reasons), "no job was still waiting at the horizon"


def _effect_trace(results, cfg):
    assert results.summary.get("trace_rows_read", 0) > 0, "no trace row was read"
    pinned_devices = set(TRACE_DEVICE_MAP.values())
    assert results.jobs["device"].isin(pinned_devices).any(), "no job ran on a mapped device"


EFFECTS: dict[str, Callable] = {
    "outages": _effect_outages,
    "calibration": _effect_calibration,
    "drift": _effect_drift,
    "history": _effect_history,
    "multiprogramming": _effect_multiprogramming,
    "hybrid": _effect_hybrid,
    "cutting": _effect_cutting,
    "horizon": _effect_horizon,
    "trace_pinned": _effect_trace,
}
"""Feature -> check that it did something in the run."""


# -- the matrix --------------------------------------------------------------------------


COMBINATIONS: list[tuple[str, ...]] = (
    [()] + [(f,) for f in FEATURES] + list(itertools.combinations(FEATURES, 2))
)


def _cells():
    for features in COMBINATIONS:
        for scheduler in scheduler_names():
            yield pytest.param(features, scheduler, id=f"{'+'.join(features) or 'base'}-{scheduler}")


def run_cell(features: tuple[str, ...], scheduler: str, scale: int = 1) -> None:
    """Build, validate, run and check one cell."""
    from tests.invariants import check_run

    cfg = build_config(features, scheduler, scale)
    expected_error = CONFIG_ERRORS.get(frozenset(features))
    assert "history" not in features or HISTORY.exists(), f"shipped test data missing: {HISTORY}"
    if expected_error is not None:
        with pytest.raises(pydantic.ValidationError, match=expected_error):
            ExperimentConfig.model_validate(cfg)
        return
    config = ExperimentConfig.model_validate(copy.deepcopy(cfg))
    results = guarded_run(config, SEED)
    check_run(results, cfg)
    for feature in features:
        if feature in EFFECTS:
            EFFECTS[feature](results, cfg)


@pytest.mark.parametrize(("features", "scheduler"), list(_cells()))
def test_combination(features, scheduler):
    run_cell(features, scheduler)


@pytest.mark.slow
@pytest.mark.parametrize(("features", "scheduler"), list(_cells()))
def test_combination_large(features, scheduler):
    run_cell(features, scheduler, scale=5)


def test_feature_functions_only_edit_the_dict():
    """Each feature is a pure dict edit: the result validates and is plain data."""
    import json

    for name, feature in FEATURES.items():
        if name == "history" and not HISTORY.exists():
            continue
        cfg = feature(base_config())
        json.dumps(cfg)  # plain data
        ExperimentConfig.model_validate(cfg)


# -- the checker itself catches what it should ------------------------------------------


@pytest.fixture(scope="module")
def clean_run():
    """A run of the plain base config under fcfs that satisfies every invariant."""
    from tests.invariants import check_run

    cfg = build_config((), "fcfs")
    results = guarded_run(ExperimentConfig.model_validate(copy.deepcopy(cfg)), SEED)
    check_run(results, cfg)
    return results, cfg


def _with(results, **changes):
    from types import SimpleNamespace

    fields = {name: getattr(results, name)
              for name in ("jobs", "timeline", "summary", "metadata", "calibrations", "programs", "fragments")}
    fields["attempts"] = getattr(results, "attempts", None)
    fields.update(changes)
    return SimpleNamespace(**fields)


def _mutations(results):
    jobs, timeline = results.jobs, results.timeline
    ran = jobs[jobs["start_s"].notna()].reset_index(drop=True)
    first, second = ran.iloc[0], ran.iloc[1]

    duplicated = pd.concat([jobs, jobs.iloc[[0]]], ignore_index=True)
    missing = jobs.iloc[1:].reset_index(drop=True)
    clash = jobs.copy()
    index = clash.index[clash["job_id"] == second["job_id"]][0]
    clash.at[index, "device"] = first["device"]
    clash.at[index, "qubits"] = (list(first["qubits"])[:1]
                                 + [q for q in range(50) if q not in first["qubits"]][: len(second["qubits"]) - 1])
    clash.at[index, "start_s"] = first["start_s"]
    clash.at[index, "end_s"] = first["end_s"]
    clash.at[index, "arrival_s"] = min(first["arrival_s"], clash.at[index, "arrival_s"])
    down = pd.concat([timeline, pd.DataFrame([{
        "device": first["device"], "start_s": first["start_s"] + 1e-3, "end_s": first["end_s"] - 1e-3,
        "state": "down", "busy_qubits": 0, "num_qubits": 7, "jobs": 0,
    }]).astype(timeline.dtypes.to_dict())], ignore_index=True)
    early = jobs.copy()
    early.loc[early["job_id"] == first["job_id"], "start_s"] = first["arrival_s"] - 1.0
    running = jobs.copy()
    running["status"] = running["status"].astype(object)
    running.loc[0, "status"] = "running"
    summary = dict(results.summary, utilization_busy_mean=1.5)
    attempts = pd.DataFrame({
        "job_id": [first["job_id"], first["job_id"]], "attempt": [1, 2], "device": [first["device"]] * 2,
        "qubits": [list(first["qubits"])] * 2, "start_s": [first["start_s"]] * 2, "end_s": [first["end_s"]] * 2,
        "outcome": ["completed", "completed"],
    })
    renumbered = jobs.copy()
    renumbered["job_id"] = renumbered["job_id"] + 1
    return {
        "duplicate row": ({"jobs": duplicated}, None, "accounting"),
        "missing job": ({"jobs": missing}, None, "accounting"),
        "non-terminal status": ({"jobs": running}, None, "accounting"),
        "qubit held twice": ({"jobs": clash, "attempts": None}, None, "qubits"),
        "exclusive device shared": ({"jobs": clash, "attempts": None}, None, "exclusive"),
        "run during downtime": ({"timeline": down}, None, "downtime"),
        "start before arrival": ({"jobs": early}, None, "times"),
        "utilization above 1": ({"summary": summary}, None, "utilization"),
        "two completed attempts (attempts path)": ({"attempts": attempts}, None, "attempts"),
        "run during downtime (attempts path)": ({"attempts": attempts.iloc[:1], "timeline": down}, None, "downtime"),
        "ids differ between runs": ({}, {"jobs": renumbered}, "determinism"),
    }


def test_check_run_catches_violations(clean_run):
    from tests.invariants import check_run, invariant_names

    results, cfg = clean_run
    for label, (changes, second_changes, check) in _mutations(results).items():
        broken = _with(results, **changes)
        second = _with(results, **second_changes) if second_changes is not None else None
        with pytest.raises(AssertionError) as info:
            check_run(broken, cfg, rerun=False, second=second)
        assert check in invariant_names(str(info.value)), f"{label}: {info.value}"
