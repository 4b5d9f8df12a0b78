"""Named, bounded value types of the configuration, and the bounds only the configuration has.

Every number in the schema has one of these types (:data:`Shots`,
:data:`Qubits`, :data:`JobCount`, :data:`Rate`, :data:`Duration`, ...). Their
bounds come from :mod:`qcloudsim.limits` (physical and numerical limits) or,
for settings that only matter to the configuration, from the ``MAX_*``
constants here. Each type carries a :class:`TypeName`, so the config
reference (:mod:`qcloudsim.config.reference`) can name and explain it.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from pathlib import Path, PurePath
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag

from qcloudsim.limits import (
    MAX_CIRCUITS_PER_JOB,
    MAX_DURATION_S,
    MAX_JOBS,
    MAX_QUBITS,
    MAX_RATE_PER_S,
    MAX_SHOTS,
    MAX_TIME_S,
    MIN_RATE_PER_S,
)

# -- bounds of settings that only the configuration knows -------------------------------

MIN_PERIOD_S = 1.0 / MAX_RATE_PER_S
"""Shortest period of a repeating event (s): nothing recurs faster than the fastest arrival rate."""

MAX_SEED = 2**32 - 1
"""Largest seed (every RNG API accepts it, numpy's legacy one included)."""

MAX_REPLICATIONS = 10_000
"""Most replications of one sweep point."""

MAX_RUNS = 1_000_000
"""Most runs of one sweep (points x replications)."""

MAX_WEIGHT = 1e9
"""Largest relative weight (weights are normalised; the ratio is what matters)."""

MAX_PRIORITY = 10**9
"""Largest priority magnitude (priorities are compared, never summed)."""

MAX_FACTOR = 1e6
"""Largest dimensionless coefficient (crosstalk kappa, reward weights, drift volatility, losses)."""

MAX_LOG_TREND_PER_H = 100.0
"""Largest drift trend of ln(error) or ln(T) per hour (a factor e¹⁰⁰ per hour; e⁷⁰⁹ overflows a float)."""

MIN_SCALE, MAX_SCALE = 1e-6, 1e6
"""Range of time-scale factors (trace and calibration-history replay)."""

MAX_LOAD_SCALE = 1000.0
"""Largest trace load multiplier (each row becomes at most this many jobs)."""

MAX_ITERATIONS = 10**6
"""Most iterations of one hybrid program (the convergence curve is precomputed)."""

MAX_DEPTH_PER_QUBIT = 10_000
"""Largest circuit depth per qubit of synthesised SWF circuits."""

MAX_NODES = 10**6
"""Most classical nodes of one kind in the hybrid pool."""

MAX_OVERHEAD = 1e9
"""Largest sampling overhead of a cut: 10⁹ x 10⁹ shots still fits an int64."""

MAX_STEPS = 10**9
"""Most training steps, checkpoint interval or episode decisions."""

MAX_ROLLOUT = 10**6
"""Largest PPO rollout or minibatch (steps)."""

MAX_LAYER_WIDTH = 4096
"""Widest policy network layer."""

MAX_OBSERVATION_EDGES = 10**6
"""Most padded interaction edges in an RL observation."""

MAX_COUPLER_NS = MAX_DURATION_S * 1e9
"""Longest gate or readout duration of a custom device (ns)."""

MAX_COHERENCE_US = MAX_DURATION_S * 1e6
"""Longest T1/T2 or repetition delay of a custom device (us)."""

MAX_HEAVY_HEX_DISTANCE = max(d for d in range(3, 1001, 2) if (5 * d * d - 2 * d - 1) // 2 <= MAX_QUBITS)
"""Largest heavy-hex code distance whose ``(5d² - 2d - 1) / 2`` qubits stay within ``MAX_QUBITS``."""


@dataclasses.dataclass(frozen=True)
class TypeName:
    """Marks a named type in its metadata, so the config reference can name it (ignored by validation).

    Attributes:
        name: The type's name.
    """

    name: str


# -- conversions YAML needs ------------------------------------------------------------


def _list_as_tuple(value: Any) -> Any:
    """A YAML list as a tuple (pairs are written ``[a, b]``); anything else unchanged."""
    return tuple(value) if isinstance(value, list) else value


def _as_path(value: Any) -> Any:
    """A string as a :class:`Path`; a path unchanged; anything else is an error."""
    if isinstance(value, PurePath):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a path (a string), got {type(value).__name__} {value!r}")
    if not value.strip() or "\x00" in value:
        raise ValueError(f"expected a path, got {value!r}")
    return Path(value)


ONE_TAG, MANY_TAG = "one-value", "value-list"
"""Tags of the branches of :func:`one_or_many` (dropped from error locations by the loader)."""


def _one_or_many_tag(value: Any) -> str:
    return MANY_TAG if isinstance(value, (list, tuple)) else ONE_TAG


def one_or_many(one: Any, many: Any) -> Any:
    """A type accepting ``one`` (a scalar) or ``many`` (a list), chosen by the input's shape.

    Unlike a plain union, an error names only the branch that applies
    (``Input should be less than 1``, not also ``Input should be a valid list``).
    """
    return Annotated[
        Annotated[one, Tag(ONE_TAG)] | Annotated[many, Tag(MANY_TAG)],
        Discriminator(_one_or_many_tag),
    ]


def _plain_data(value: Any) -> Any:
    """``value`` if it is plain YAML data: null, booleans, integers, finite numbers, strings, lists, mappings.

    Free-form settings (sweep values, scheduler parameters) must survive the
    JSON round trip a sweep worker makes; a date, a set or a NaN would not.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"expected a finite number, got {item!r}")
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise ValueError(f"expected string keys, got {type(key).__name__} {key!r}")
                stack.append(child)
        elif item is not None and not isinstance(item, bool | int | float | str):
            raise ValueError(
                f"expected plain data (null, true/false, a number, a string, a list or a mapping), "
                f"got {type(item).__name__} {item!r}"
            )
    return value


PlainData = Annotated[Any, AfterValidator(_plain_data), TypeName("PlainData")]
"""Free-form data: null, true/false, integers, finite numbers, strings, lists, mappings with string keys."""


def _zero_or_rate(value: float) -> float:
    """A state rate: 0 (the state emits nothing) or a rate within the arrival-rate bounds."""
    if value != 0 and value < MIN_RATE_PER_S:
        raise ValueError(f"a rate must be 0 or >= {MIN_RATE_PER_S:g} per second, got {value!r}")
    return value


# -- named bounded types -------------------------------------------------------------------


Qubits = Annotated[int, Field(ge=1, le=MAX_QUBITS), TypeName("Qubits")]
"""A circuit or device width (qubits)."""

QubitIndex = Annotated[int, Field(ge=0, le=MAX_QUBITS - 1), TypeName("QubitIndex")]
"""A qubit of a custom device (0-based)."""

QubitRange = Annotated[tuple[Qubits, Qubits], BeforeValidator(_list_as_tuple), TypeName("QubitRange")]
"""An inclusive ``[min, max]`` qubit range."""

Coupler = Annotated[tuple[QubitIndex, QubitIndex], BeforeValidator(_list_as_tuple), TypeName("Coupler")]
"""A coupler ``[a, b]`` between two qubits of a custom device."""

Shots = Annotated[int, Field(ge=1, le=MAX_SHOTS), TypeName("Shots")]
"""Shots of one circuit."""

CircuitCount = Annotated[int, Field(ge=1, le=MAX_CIRCUITS_PER_JOB), TypeName("CircuitCount")]
"""Circuits of one job, or of one hybrid iteration."""

JobCount = Annotated[int, Field(ge=1, le=MAX_JOBS), TypeName("JobCount")]
"""A number of jobs (or of hybrid programs, each submitting jobs)."""

Rate = Annotated[float, Field(ge=MIN_RATE_PER_S, le=MAX_RATE_PER_S, allow_inf_nan=False), TypeName("Rate")]
"""An arrival rate (1/s)."""

StateRate = Annotated[
    float, Field(ge=0, le=MAX_RATE_PER_S, allow_inf_nan=False), AfterValidator(_zero_or_rate), TypeName("StateRate")
]
"""An arrival rate (1/s) that may be 0 (a silent state)."""

Time = Annotated[float, Field(ge=0, le=MAX_TIME_S, allow_inf_nan=False), TypeName("Time")]
"""A point on the simulated clock (s)."""

Horizon = Annotated[float, Field(gt=0, le=MAX_TIME_S, allow_inf_nan=False), TypeName("Horizon")]
"""The simulated time at which a run stops (s)."""

Duration = Annotated[float, Field(gt=0, le=MAX_DURATION_S, allow_inf_nan=False), TypeName("Duration")]
"""A positive duration (s)."""

Delay = Annotated[float, Field(ge=0, le=MAX_DURATION_S, allow_inf_nan=False), TypeName("Delay")]
"""A duration that may be 0 (s): an overhead, a latency, a spread."""

Period = Annotated[float, Field(ge=MIN_PERIOD_S, le=MAX_DURATION_S, allow_inf_nan=False), TypeName("Period")]
"""The period or mean interval of a repeating event (s)."""

TimeWindow = Annotated[tuple[Time, Time], BeforeValidator(_list_as_tuple), TypeName("TimeWindow")]
"""A ``[start_s, end_s]`` window on the simulated clock."""

DelayRange = Annotated[tuple[Delay, Delay], BeforeValidator(_list_as_tuple), TypeName("DelayRange")]
"""A ``[min, max]`` range of delays (s)."""

Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), TypeName("Probability")]
"""A probability or a share in ``[0, 1]``."""

ErrorRate = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False), TypeName("ErrorRate")]
"""An error probability in ``[0, 1)``."""

Fraction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), TypeName("Fraction")]
"""A positive fraction in ``(0, 1]``."""

Weight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False), TypeName("Weight")]
"""A positive relative weight."""

ProfileWeight = Annotated[float, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False), TypeName("ProfileWeight")]
"""A relative weight that may be 0 (an hour or a day without arrivals)."""

Factor = Annotated[float, Field(ge=0, le=MAX_FACTOR, allow_inf_nan=False), TypeName("Factor")]
"""A dimensionless coefficient >= 0."""

PositiveFactor = Annotated[float, Field(gt=0, le=MAX_FACTOR, allow_inf_nan=False), TypeName("PositiveFactor")]
"""A dimensionless coefficient > 0."""

Loss = Annotated[float, Field(ge=-MAX_FACTOR, le=MAX_FACTOR, allow_inf_nan=False), TypeName("Loss")]
"""An optimizer loss value."""

LogTrend = Annotated[
    float, Field(ge=-MAX_LOG_TREND_PER_H, le=MAX_LOG_TREND_PER_H, allow_inf_nan=False), TypeName("LogTrend")
]
"""A drift of a logarithm per hour."""

Scale = Annotated[float, Field(ge=MIN_SCALE, le=MAX_SCALE, allow_inf_nan=False), TypeName("Scale")]
"""A time-scale factor."""

LoadScale = Annotated[float, Field(gt=0, le=MAX_LOAD_SCALE, allow_inf_nan=False), TypeName("LoadScale")]
"""A trace load multiplier."""

QubitFactor = Annotated[float, Field(gt=0, le=MAX_QUBITS, allow_inf_nan=False), TypeName("QubitFactor")]
"""Qubits per SWF processor."""

Overhead = Annotated[float, Field(ge=1, le=MAX_OVERHEAD, allow_inf_nan=False), TypeName("Overhead")]
"""A sampling-overhead factor."""

Seed = Annotated[int, Field(ge=0, le=MAX_SEED), TypeName("Seed")]
"""A random seed."""

Priority = Annotated[int, Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY), TypeName("Priority")]
"""A job priority (larger = more urgent)."""

Replications = Annotated[int, Field(ge=1, le=MAX_REPLICATIONS), TypeName("Replications")]
"""Runs per sweep point."""

Iterations = Annotated[int, Field(ge=1, le=MAX_ITERATIONS), TypeName("Iterations")]
"""Iterations of a hybrid program."""

IterationScale = Annotated[float, Field(gt=0, le=MAX_ITERATIONS, allow_inf_nan=False), TypeName("IterationScale")]
"""Iterations per e-fold of a convergence curve."""

DepthPerQubit = Annotated[int, Field(ge=1, le=MAX_DEPTH_PER_QUBIT), TypeName("DepthPerQubit")]
"""Circuit depth per qubit."""

NodeCount = Annotated[int, Field(ge=0, le=MAX_NODES), TypeName("NodeCount")]
"""Classical nodes of one kind."""

Steps = Annotated[int, Field(ge=1, le=MAX_STEPS), TypeName("Steps")]
"""Training steps or decisions."""

Rollout = Annotated[int, Field(ge=8, le=MAX_ROLLOUT), TypeName("Rollout")]
"""A PPO rollout or minibatch size."""

LayerWidth = Annotated[int, Field(ge=4, le=MAX_LAYER_WIDTH), TypeName("LayerWidth")]
"""A policy network layer width."""

LearningRate = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False), TypeName("LearningRate")]
"""An optimizer learning rate."""

EdgeCount = Annotated[int, Field(ge=2, le=MAX_OBSERVATION_EDGES), TypeName("EdgeCount")]
"""Padded interaction edges of an RL observation."""

CoherenceUs = Annotated[float, Field(gt=0, le=MAX_COHERENCE_US, allow_inf_nan=False), TypeName("CoherenceUs")]
"""A coherence time of a custom device (us)."""

DelayUs = Annotated[float, Field(ge=0, le=MAX_COHERENCE_US, allow_inf_nan=False), TypeName("DelayUs")]
"""A repetition delay of a custom device (us)."""

DurationNs = Annotated[float, Field(ge=0, le=MAX_COUPLER_NS, allow_inf_nan=False), TypeName("DurationNs")]
"""A gate or readout duration of a custom device (ns)."""

ConfigPath = Annotated[Path, BeforeValidator(_as_path), TypeName("ConfigPath")]
"""A file or folder path (a string in YAML)."""

NAMED_TYPES: dict[str, Any] = {
    name: value
    for name, value in dict(globals()).items()
    if typing.get_origin(value) is Annotated and any(isinstance(m, TypeName) for m in typing.get_args(value)[1:])
}
"""Every named type above, by name (for :mod:`qcloudsim.config.reference`)."""


# -- a value or a list of values, chosen by the input's shape (see :func:`one_or_many`) ---------

if typing.TYPE_CHECKING:  # what the fields hold, for type checkers (``one_or_many`` builds the validators)
    PerQubitCoherence = float | list[float]
    PerQubitError = float | list[float]
    PerCouplerError = float | list[float]
    PerQubitDurationNs = float | list[float]
    PerCouplerDurationNs = float | list[float]
    SizeOrRange = int | tuple[int, int]
    ShotsChoice = int | list[int]
    CircuitsChoice = int | list[int]
else:
    PerQubitCoherence = one_or_many(
        CoherenceUs, Annotated[list[CoherenceUs], Field(min_length=1, max_length=MAX_QUBITS)]
    )
    PerQubitError = one_or_many(ErrorRate, Annotated[list[ErrorRate], Field(min_length=1, max_length=MAX_QUBITS)])
    PerCouplerError = one_or_many(
        ErrorRate, Annotated[list[ErrorRate], Field(min_length=1, max_length=10 * MAX_QUBITS)]
    )
    PerQubitDurationNs = one_or_many(
        DurationNs, Annotated[list[DurationNs], Field(min_length=1, max_length=MAX_QUBITS)]
    )
    PerCouplerDurationNs = one_or_many(
        DurationNs, Annotated[list[DurationNs], Field(min_length=1, max_length=10 * MAX_QUBITS)]
    )
    SizeOrRange = one_or_many(Qubits, QubitRange)
    ShotsChoice = one_or_many(Shots, Annotated[list[Shots], Field(min_length=1)])
    CircuitsChoice = one_or_many(CircuitCount, Annotated[list[CircuitCount], Field(min_length=1)])
