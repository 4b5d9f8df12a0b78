"""Programs from the configuration (seeded, deterministic)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from qcloudsim.circuits.families import family_profile
from qcloudsim.config.schema import CurveStopConfig, FixedStopConfig, HybridConfig, TraceStopConfig
from qcloudsim.hybrid.program import (
    ConvergenceCurve,
    FixedIterations,
    HybridProgram,
    LossTrace,
    SessionPolicy,
    StoppingRule,
    parameter_shift_circuits,
)
from qcloudsim.seeding import SeedStreams

BUILTIN_TRACE = Path(__file__).resolve().parent / "data" / "vqe_tfim4_cobyla.json"


@lru_cache(maxsize=16)
def load_loss_trace(path: str) -> tuple[float, ...]:
    """Losses from a JSON file (``{"losses": [...]}`` or a plain list) or a one-value-per-line text file.

    Raises:
        ValueError: Unreadable file or no numbers in it (the message names the file).
    """
    file = Path(path)
    try:
        text = file.read_text()
    except OSError as exc:
        raise ValueError(f"{file}: cannot read the loss trace ({exc.strerror or exc})") from None
    try:
        if file.suffix == ".json":
            data = json.loads(text)
            values = data["losses"] if isinstance(data, dict) else data
        else:
            values = [line for line in text.split() if line.strip()]
        losses = tuple(float(v) for v in values)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{file}: a loss trace must be numbers ({exc})") from None
    if not losses:
        raise ValueError(f"{file}: the loss trace is empty")
    return losses


def stopping_rule(config: FixedStopConfig | CurveStopConfig | TraceStopConfig) -> StoppingRule:
    """The stopping rule a config describes."""
    if isinstance(config, FixedStopConfig):
        return FixedIterations(config.iterations)
    if isinstance(config, CurveStopConfig):
        return ConvergenceCurve(
            config.initial_loss, config.final_loss, config.tau, config.noise, config.tolerance, config.max_iterations
        )
    path = BUILTIN_TRACE if config.path == "builtin" else Path(config.path)
    return LossTrace(load_loss_trace(str(path)), config.tolerance, source=str(path))


def build_programs(hybrid: HybridConfig | None, streams: SeedStreams) -> list[HybridProgram]:
    """All programs of the config, with seeded arrivals (stream ``programs``) and ansatz sizes."""
    if hybrid is None:
        return []
    rng = streams.generator("programs")
    programs: list[HybridProgram] = []
    for g, group in enumerate(hybrid.programs):
        low, high = group.ansatz.size_range()
        rule = stopping_rule(group.stopping)
        circuits = group.circuits_per_iteration or parameter_shift_circuits(group.parameters or 1)
        mode = hybrid.mode or group.mode
        session = SessionPolicy(group.session.time_limit_s, group.session.interleave)
        at = group.start_s
        for k in range(group.count):
            if k and group.spacing_s:
                at += float(rng.exponential(group.spacing_s))
            size = int(rng.integers(low, high + 1))
            programs.append(HybridProgram(
                id=f"p{g}-{k}", arrival_s=at, ansatz=family_profile(group.ansatz.family, size),
                shots=group.shots, circuits_per_iteration=circuits, stopping=rule,
                classical_step_s=group.classical_step_s, classical_kind=group.classical_kind,
                latency_s=group.latency_s, mode=mode, session=session, user=group.user, group=group.group,
            ))
    return programs
