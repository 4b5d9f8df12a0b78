"""The experiment configuration (YAML), validated with pydantic.

Every section forbids unknown keys, so a typo is an error, not a silently
ignored setting. Values are strict: a string is never read as a number, a
number never as a string or a boolean, a boolean never as a number. The
only conversions are those YAML cannot express: a list becomes a tuple
(``qubits: [3, 10]``), a string a path, and an integer is accepted where a
number is expected.

Every number has a named bounded type (:mod:`qcloudsim.config.values`:
``Shots``, ``Qubits``, ``JobCount``, ``Rate``, ``Duration``, ...) whose bounds
come from :mod:`qcloudsim.limits`, or, for settings that only matter to the
configuration, from the ``MAX_*`` constants there. Scheduler parameters are
checked against their constructors (:mod:`qcloudsim.config.parameters`). Names of devices, families and schedulers are
checked against the catalog and the registries here, so the error names the
field.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from qcloudsim.config.parameters import check_level, check_parameters
from qcloudsim.config.values import (
    MAX_HEAVY_HEX_DISTANCE,
    MAX_RUNS,
    MAX_SEED,
    CircuitCount,
    CircuitsChoice,
    ConfigPath,
    Coupler,
    Delay,
    DelayRange,
    DelayUs,
    DepthPerQubit,
    Duration,
    EdgeCount,
    Factor,
    Fraction,
    Horizon,
    Iterations,
    IterationScale,
    JobCount,
    LayerWidth,
    LearningRate,
    LoadScale,
    LogTrend,
    Loss,
    NodeCount,
    Overhead,
    PerCouplerDurationNs,
    PerCouplerError,
    Period,
    PerQubitCoherence,
    PerQubitDurationNs,
    PerQubitError,
    PlainData,
    PositiveFactor,
    Priority,
    Probability,
    ProfileWeight,
    QubitFactor,
    Qubits,
    Rate,
    Replications,
    Rollout,
    Scale,
    Seed,
    Shots,
    ShotsChoice,
    SizeOrRange,
    StateRate,
    Steps,
    Time,
    TimeWindow,
    Weight,
)
from qcloudsim.limits import (
    MAX_CIRCUITS_PER_JOB,
    MAX_JOBS,
    MAX_QUBITS,
    MAX_RATE_PER_S,
    MAX_TIME_S,
)


class Strict(BaseModel):
    """Base: unknown keys are errors; values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _path_kind(path: Path) -> Literal["file", "folder", "other", "missing"]:
    """Whether ``path`` is a regular file, a folder, something else (a pipe, a device) or absent.

    Raises:
        ValueError: The path cannot be examined (too long, permission denied...).
    """
    try:
        if path.is_dir():
            return "folder"
        if path.is_file():
            return "file"
        return "other" if path.exists() else "missing"
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot examine {path}: {exc}") from None


def _existing_file(path: Path, what: str) -> Path:
    """``path`` if it is an existing regular file, else a ValueError naming ``what``."""
    kind = _path_kind(path)
    if kind == "missing":
        raise ValueError(f"{what} {path} does not exist")
    if kind == "folder":
        raise ValueError(f"{what} {path} is a folder, expected a file")
    if kind == "other":
        raise ValueError(f"{what} {path} is not a regular file")
    return path


def _check_family_range(family: str, low: int, high: int) -> None:
    """Raise a ValueError unless ``1 <= low <= high`` lies in ``family``'s size range."""
    from qcloudsim.circuits.families import family_names, family_spec

    if family not in family_names():
        raise ValueError(f"unknown family {family!r}; allowed: {', '.join(family_names())}")
    if low > high:
        raise ValueError(f"'qubits' must be [min, max] with min <= max, got [{low}, {high}]")
    spec = family_spec(family)
    if not spec.min_qubits <= low <= high <= spec.max_qubits:
        shown = f"{low}" if low == high else f"[{low}, {high}]"
        raise ValueError(
            f"family {family!r} supports {spec.min_qubits}..{spec.max_qubits} qubits; "
            f"'qubits' {shown} is outside that range"
        )


class CalibrationCycleConfig(Strict):
    """Periodic recalibration (see :class:`qcloudsim.engine.dynamics.CalibrationCycle`).

    Attributes:
        period_s: Time between the starts of two calibrations (s).
        duration_s: Time the device is offline for each calibration (s).
        jitter_s: Uniform random shift of each calibration start (s).
        first_s: Start of the first calibration (s; default: one period in).
        on_running: What happens to running jobs: ``drain`` (wait for them),
            ``requeue`` or ``fail``.
    """

    period_s: Period
    duration_s: Duration
    jitter_s: Delay = 0.0
    first_s: Time | None = None
    on_running: Literal["drain", "requeue", "fail"] = "drain"

    @model_validator(mode="after")
    def _fits(self) -> CalibrationCycleConfig:
        if self.duration_s + 2 * self.jitter_s >= self.period_s:
            raise ValueError(
                f"duration_s + 2 * jitter_s ({self.duration_s + 2 * self.jitter_s} s) must be shorter "
                f"than period_s ({self.period_s} s)"
            )
        if self.first_s is not None and self.first_s < self.jitter_s:
            raise ValueError("first_s must be >= jitter_s")
        return self


class DriftConfig(Strict):
    """Drift model parameters (see :mod:`qcloudsim.models.drift`); rates per hour.

    Attributes:
        step_s: Time between drift updates (s).
        error_trend_per_h: Mean growth of ln(error rate) per hour.
        error_volatility_per_sqrt_h: Volatility of ln(error rate) per square root of an hour.
        coherence_trend_per_h: Mean decline of ln(T1) and ln(T2) per hour.
        coherence_volatility_per_sqrt_h: Volatility of ln(T1), ln(T2) per square root of an hour.
        recalibration_scatter: Spread of the calibrated values at each recalibration (log scale).
        max_error: Cap of any drifted error rate.
    """

    step_s: Period = 3600.0
    error_trend_per_h: LogTrend = 0.01
    error_volatility_per_sqrt_h: Factor = 0.05
    coherence_trend_per_h: LogTrend = 0.005
    coherence_volatility_per_sqrt_h: Factor = 0.03
    recalibration_scatter: Factor = 0.1
    max_error: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)] = 0.5


class HistoryConfig(Strict):
    """Replay of a recorded calibration history (a .tar.gz or folder of IBM BackendProperties JSON).

    Attributes:
        path: The history: a ``.tar.gz`` file or a folder (relative to the config file).
        time_scale: Multiplies the recorded times (< 1 compresses).
        downtime_s: Offline time at each recorded recalibration (s).
        on_running: What happens to running jobs at a recalibration: ``drain``, ``requeue`` or ``fail``.
    """

    path: ConfigPath
    time_scale: Scale = 1.0
    downtime_s: Delay = 0.0
    on_running: Literal["drain", "requeue", "fail"] = "drain"

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if _path_kind(value) == "missing":
            raise ValueError(f"calibration history {value} does not exist")
        return value


class OutagesConfig(Strict):
    """Random failures: exponential times between failures and to repair.

    Attributes:
        mtbf_s: Mean time between failures (s).
        mttr_s: Mean time to repair (s).
        on_running: What happens to running jobs at a failure: ``requeue`` or ``fail``.
    """

    mtbf_s: Period
    mttr_s: Duration
    on_running: Literal["requeue", "fail"] = "requeue"


class DynamicsFields(BaseModel):
    """How a fleet device changes over time (all optional).

    Attributes:
        downtime: Maintenance windows ``[start_s, end_s]`` (s).
        calibration: Periodic recalibration with downtime.
        drift: Calibration drift between recalibrations.
        history: Replay of a recorded calibration history.
        outages: Random failures.
    """

    downtime: list[TimeWindow] = []
    calibration: CalibrationCycleConfig | None = None
    drift: DriftConfig | None = None
    history: HistoryConfig | None = None
    outages: OutagesConfig | None = None

    @model_validator(mode="after")
    def _one_calibration_source(self):
        if self.calibration is not None and self.history is not None:
            raise ValueError("give either 'calibration' (a cycle) or 'history' (a recorded sequence), not both")
        for start, end in self.downtime:
            if not start < end:
                raise ValueError(f"downtime window [{start}, {end}] must have start < end")
        return self


DYNAMICS_KEYS = ("downtime", "calibration", "drift", "history", "outages")


class CatalogDevice(DynamicsFields, Strict):
    """A device from the shipped catalog, optionally renamed (for several copies).

    Attributes:
        catalog: Catalog name (``qcloudsim devices list``).
        name: Name in this fleet (defaults to the catalog name).
        downtime: Maintenance windows ``[start_s, end_s]`` (s).
        calibration: Periodic recalibration with downtime.
        drift: Calibration drift between recalibrations.
        history: Replay of a recorded calibration history.
        outages: Random failures.
    """

    catalog: str
    name: Annotated[str, Field(min_length=1)] | None = None

    @field_validator("catalog")
    @classmethod
    def _known(cls, value: str) -> str:
        from qcloudsim.devices.catalog import load_catalog

        catalog = load_catalog()
        if value not in catalog:
            catalog.get(value)  # raises with suggestions
        return value


class CustomDevice(DynamicsFields):
    """A what-if device defined in the YAML (see ``docs/devices.md``).

    The device is built by :func:`qcloudsim.devices.catalog.device_from_spec`,
    which also checks the calibration numbers' ranges and lists the known
    fields when one is misspelled. Calibration numbers are a scalar (all
    qubits or couplers) or a list (one per qubit, or per coupler in the
    order of ``edges``).

    Attributes:
        name: Device name.
        edges: Couplers ``[a, b]`` (give ``edges`` or ``topology``).
        topology: ``line``, ``ring`` (with ``num_qubits``), ``grid`` (with
            ``rows``, ``cols``) or ``heavy_hex`` (with ``distance``).
        num_qubits: Qubit count (default: highest qubit in ``edges`` + 1, or the topology's).
        rows: Rows of a ``grid``.
        cols: Columns of a ``grid``.
        distance: Code distance of a ``heavy_hex`` (odd, >= 3).
        two_qubit_gate: Native two-qubit gate (``ecr``, ``cx`` or ``cz``; default ``ecr``).
        processor: Processor family label.
        timestamp: Calibration timestamp label.
        t1_us: T1 per qubit (us).
        t2_us: T2 per qubit (us; at most 2 T1).
        readout_error: Readout error per qubit.
        error_1q: Single-qubit gate error per qubit.
        error_2q: Two-qubit gate error per coupler.
        duration_1q_ns: Single-qubit gate duration per qubit (ns).
        duration_2q_ns: Two-qubit gate duration per coupler (ns).
        readout_duration_ns: Readout duration per qubit (ns).
        rep_delay_us: Delay between shots (us).
        downtime: Maintenance windows ``[start_s, end_s]`` (s).
        calibration: Periodic recalibration with downtime.
        drift: Calibration drift between recalibrations.
        history: Replay of a recorded calibration history.
        outages: Random failures.
    """

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    name: Annotated[str, Field(min_length=1)]
    edges: Annotated[list[Coupler], Field(min_length=1, max_length=10 * MAX_QUBITS)] | None = None
    topology: Literal["line", "ring", "grid", "heavy_hex"] | None = None
    num_qubits: Qubits | None = None
    rows: Qubits | None = None
    cols: Qubits | None = None
    distance: Annotated[int, Field(ge=3, le=MAX_HEAVY_HEX_DISTANCE)] | None = None
    two_qubit_gate: Literal["ecr", "cx", "cz"] | None = None
    processor: str | None = None
    timestamp: str | None = None
    t1_us: PerQubitCoherence | None = None
    t2_us: PerQubitCoherence | None = None
    readout_error: PerQubitError | None = None
    error_1q: PerQubitError | None = None
    error_2q: PerCouplerError | None = None
    duration_1q_ns: PerQubitDurationNs | None = None
    duration_2q_ns: PerCouplerDurationNs | None = None
    readout_duration_ns: PerQubitDurationNs | None = None
    rep_delay_us: DelayUs | None = None

    @model_validator(mode="after")
    def _buildable(self) -> CustomDevice:
        from qcloudsim.devices.catalog import device_from_spec

        if self.rows is not None and self.cols is not None and self.rows * self.cols > MAX_QUBITS:
            raise ValueError(f"a {self.rows} x {self.cols} grid has more than {MAX_QUBITS} qubits")
        device_from_spec(self.spec())
        return self

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Dump only the fields given (an unset device field is not written as ``null``)."""
        data = handler(self)
        return {k: v for k, v in data.items() if not (v is None and k in _DEVICE_SPEC_FIELDS)}

    def spec(self) -> dict[str, Any]:
        """The device specification without fleet-only keys."""
        data = self.model_dump()
        for key in DYNAMICS_KEYS:
            data.pop(key, None)
        return data


_DEVICE_SPEC_FIELDS = frozenset(CustomDevice.model_fields) - set(DYNAMICS_KEYS) - {"name"}


class PoissonArrivals(Strict):
    """Poisson arrivals.

    Attributes:
        process: ``poisson``.
        rate_per_s: Mean arrivals per second.
    """

    process: Literal["poisson"] = "poisson"
    rate_per_s: Rate

    def mean_rate(self) -> float:
        """Long-run arrivals per second."""
        return self.rate_per_s


class MmppArrivals(Strict):
    """Bursty arrivals: a Markov-modulated Poisson process (see :func:`qcloudsim.workload.generators.mmpp_times`).

    Attributes:
        process: ``mmpp``.
        rates_per_s: Arrival rate in each state (1/s; 0 = a silent state).
        mean_sojourn_s: Mean time spent in each state (s).
    """

    process: Literal["mmpp"]
    rates_per_s: Annotated[list[StateRate], Field(min_length=2, max_length=1000)]
    mean_sojourn_s: Annotated[list[Period], Field(min_length=2, max_length=1000)]

    @model_validator(mode="after")
    def _same_length(self) -> MmppArrivals:
        if len(self.rates_per_s) != len(self.mean_sojourn_s):
            raise ValueError("rates_per_s and mean_sojourn_s need one value per state")
        if not any(r > 0 for r in self.rates_per_s):
            raise ValueError("at least one state needs a rate > 0")
        return self

    def mean_rate(self) -> float:
        """Long-run arrivals per second (states are visited uniformly, so time shares follow the sojourns)."""
        total = math.fsum(self.mean_sojourn_s)
        return math.fsum(r * s for r, s in zip(self.rates_per_s, self.mean_sojourn_s, strict=True)) / total


class DiurnalArrivals(Strict):
    """Daily/weekly cycles: a non-homogeneous Poisson process (see :func:`qcloudsim.workload.generators.diurnal_times`).

    Attributes:
        process: ``diurnal``.
        base_rate_per_s: Mean rate (1/s) scaled by the profiles.
        hourly: 24 relative weights, one per hour of the day.
        weekly: 7 relative weights, Monday first.
        phase_s: Clock time at simulated time 0, in seconds since Monday 00:00.
    """

    process: Literal["diurnal"]
    base_rate_per_s: Rate
    phase_s: Delay = 0.0
    hourly: Annotated[list[ProfileWeight], Field(min_length=24, max_length=24)] | None = None
    weekly: Annotated[list[ProfileWeight], Field(min_length=7, max_length=7)] | None = None

    @model_validator(mode="after")
    def _peak_in_bounds(self) -> DiurnalArrivals:
        hourly, weekly = self.hourly or [1.0], self.weekly or [1.0]
        peak = self.base_rate_per_s * max(hourly) * max(weekly)
        if peak <= 0:
            raise ValueError("the hourly or weekly profile is 0 everywhere: no arrivals are possible")
        if peak > MAX_RATE_PER_S:
            raise ValueError(
                f"the peak rate base_rate_per_s x max(hourly) x max(weekly) = {peak:g} per second "
                f"exceeds {MAX_RATE_PER_S:g}"
            )
        return self

    def mean_rate(self) -> float:
        """Long-run arrivals per second (the base rate times the mean of each profile)."""
        hourly, weekly = self.hourly or [1.0], self.weekly or [1.0]
        return self.base_rate_per_s * (math.fsum(hourly) / len(hourly)) * (math.fsum(weekly) / len(weekly))


Arrivals = Annotated[PoissonArrivals | MmppArrivals | DiurnalArrivals, Field(discriminator="process")]


class SwfMappingConfig(Strict):
    """How SWF jobs become quantum jobs (see :class:`qcloudsim.traces.swf.SwfMapping`).

    Attributes:
        scale: ``linear`` (qubits = qubits_per_processor x processors) or ``log2``.
        qubits_per_processor: Qubits per requested processor (``linear``).
        min_qubits: Smallest circuit width.
        max_qubits: Largest circuit width.
        family: Circuit family of every job, or ``null`` for synthesised circuits.
        depth_per_qubit: Depth per qubit of synthesised circuits.
        two_qubit_density: Share of two-qubit slots in synthesised circuits.
        shots: Shots per circuit (default: the trace's ``default_shots``).
    """

    scale: Literal["linear", "log2"] = "linear"
    qubits_per_processor: QubitFactor = 1.0
    min_qubits: Qubits = 2
    max_qubits: Qubits = 27
    family: str | None = "qft"
    depth_per_qubit: DepthPerQubit = 4
    two_qubit_density: Probability = 0.5
    shots: Shots | None = None

    @model_validator(mode="after")
    def _sizes(self) -> SwfMappingConfig:
        if self.min_qubits > self.max_qubits:
            raise ValueError(f"min_qubits ({self.min_qubits}) must be <= max_qubits ({self.max_qubits})")
        if self.family is not None:
            _check_family_range(self.family, self.min_qubits, self.max_qubits)
        return self


class TraceConfig(Strict):
    """A production trace to replay (``traces/FORMAT.md``; ``docs/traces.md``).

    Attributes:
        path: Trace file (relative to the config file).
        format: ``auto`` (by suffix and header), ``canonical``, ``ibm``, ``swf``, ``qasm_list``.
        on_error: ``raise`` at the first bad row, or ``skip`` bad rows (counted by reason).
        mapping: IBM exports: canonical column -> column in the file (``null`` drops one).
        units: Unit overrides per column (e.g. ``{run_time: s}``).
        swf: SWF mapping from processors to qubits.
        start_s: Window start in trace time (s); also the time origin.
        end_s: Window end in trace time (s).
        time_scale: Multiplies arrival times (< 1 compresses).
        load_scale: Job multiplier (< 1 thins, > 1 adds jittered copies).
        jitter_s: Delay spread of the copies (s).
        users: Keep only these users.
        device_map: Recorded backend -> fleet device (those jobs are pinned to it).
        runtime: ``model`` (default) or ``recorded`` (service time = recorded run time).
        default_shots: Shots of rows without them.
    """

    path: ConfigPath
    format: Literal["auto", "canonical", "ibm", "swf", "qasm_list"] = "auto"
    on_error: Literal["raise", "skip"] = "raise"
    mapping: dict[str, str | None] = {}
    units: dict[str, str] = {}
    swf: SwfMappingConfig = SwfMappingConfig()
    start_s: Time | None = None
    end_s: Time | None = None
    time_scale: Scale = 1.0
    load_scale: LoadScale = 1.0
    jitter_s: Delay = 60.0
    users: list[str] | None = None
    device_map: dict[str, str] = {}
    runtime: Literal["model", "recorded"] = "model"
    default_shots: Shots = 1024

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        return _existing_file(value, "trace file")

    @model_validator(mode="after")
    def _window(self) -> TraceConfig:
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("end_s must be greater than start_s")
        return self

    def resolved_format(self) -> str:
        """The format, detected from the file when ``auto``."""
        if self.format != "auto":
            return self.format
        from qcloudsim.traces.detect import detect_format

        return detect_format(self.path)


class MixEntryConfig(Strict):
    """One entry of the circuit mix: a benchmark family over a size range, or a QASM file.

    Attributes:
        family: Family name (``qcloudsim.circuits.family_names()``).
        qasm: Path to an OpenQASM 2/3 file (relative to the config file).
        qubits: Size or inclusive ``[min, max]`` range (families only), within the family's range.
        weight: Relative frequency.
    """

    family: str | None = None
    qasm: ConfigPath | None = None
    qubits: SizeOrRange | None = None
    weight: Weight = 1.0

    @field_validator("qasm")
    @classmethod
    def _qasm_exists(cls, value: Path | None) -> Path | None:
        return None if value is None else _existing_file(value, "QASM file")

    @model_validator(mode="after")
    def _one_source(self) -> MixEntryConfig:
        if (self.family is None) == (self.qasm is None):
            raise ValueError("give exactly one of 'family' or 'qasm'")
        if self.family is not None:
            if self.qubits is None:
                raise ValueError("a family entry needs 'qubits' (a size or [min, max])")
            _check_family_range(self.family, *self.size_range())
        elif self.qubits is not None:
            raise ValueError("'qubits' is taken from the QASM file; remove it")
        return self

    def size_range(self) -> tuple[int, int]:
        """Inclusive qubit range."""
        if isinstance(self.qubits, int):
            return (self.qubits, self.qubits)
        assert self.qubits is not None
        return (int(self.qubits[0]), int(self.qubits[1]))


class UserConfig(Strict):
    """A user: name, group (fair-share) and share of the submitted jobs.

    Attributes:
        name: User name.
        group: Fair-share group.
        weight: Relative share of the submitted jobs.
    """

    name: str
    group: str = "default"
    weight: Weight = 1.0


class TraceWorkloadConfig(Strict):
    """A workload replayed from a trace.

    Attributes:
        trace: The trace and how to replay it.
    """

    trace: TraceConfig


class WorkloadConfig(Strict):
    """Synthetic workload.

    Attributes:
        jobs: Number of jobs.
        arrivals: Arrival process (``poisson``, ``mmpp`` or ``diurnal``).
        mix: Circuit mix.
        shots: Shots per circuit: a number or a list to draw from uniformly.
        circuits: Circuits per job: a number or a list to draw from.
        users: Submitting users.
        priorities: Priorities to draw from uniformly (larger = more urgent).
        deadline_slack_s: ``[min, max]`` slack after arrival for deadlines (s).
        deadline_fraction: Share of jobs with a deadline.
        targets: Devices users name as the target of their jobs, with
            relative weights: each job is pinned to one drawn at random (empty:
            jobs name no device and the scheduler places them).
    """

    jobs: JobCount
    arrivals: Arrivals
    mix: Annotated[list[MixEntryConfig], Field(min_length=1)]
    shots: ShotsChoice = 4000
    circuits: CircuitsChoice = 1
    users: Annotated[list[UserConfig], Field(min_length=1)] = [UserConfig(name="user0")]
    priorities: Annotated[list[Priority], Field(min_length=1)] = [0]
    deadline_slack_s: DelayRange | None = None
    deadline_fraction: Probability = 1.0
    targets: dict[str, Weight] = {}

    @model_validator(mode="after")
    def _slack_order(self) -> WorkloadConfig:
        if self.deadline_slack_s is not None and self.deadline_slack_s[0] > self.deadline_slack_s[1]:
            raise ValueError("deadline_slack_s must be [min, max] with min <= max")
        return self

    @model_validator(mode="after")
    def _arrival_span(self) -> WorkloadConfig:
        rate = self.arrivals.mean_rate()
        span = self.jobs / rate if rate > 0 else math.inf
        if span > MAX_TIME_S:
            raise ValueError(
                f"{self.jobs} jobs at a mean rate of {rate:g} per second arrive over about {span:.3g} s, "
                f"beyond the longest simulated time ({MAX_TIME_S:g} s); use fewer jobs or a higher rate"
            )
        return self


class SchedulerConfig(Strict):
    """The scheduler: a preset by name, policy levels, and the queue topology.

    Attributes:
        name: Registered preset or ``"package.module:Class"``.
        params: The preset's parameters (checked against the constructor's annotations).
        label: Display label.
        order: Queue-order level replacing the preset's (a name such as
            ``fifo``, ``sjf``, ``priority``, ``edf``, ``fairshare``, ``qhrrn``,
            or ``{name: ..., <params>}``).
        placement: Placement level (``fidelity``, ``least_loaded``, ``weighted``, ``spread``).
        multiplexing: ``exclusive`` (one job per QPU) or ``shared`` (multi-programming).
        backfill: Let later jobs start ahead of one that must wait (default: the preset's).
        queues: ``global`` (one queue), ``per_device`` (a job that names its
            device waits in that device's queue, ordered on its own, as IBM
            Quantum runs them) or ``auto`` (default: ``per_device`` when the
            workload names devices — a trace with a ``device_map`` or a
            workload with ``targets`` — else ``global``).

    The scheduler is built once at validation, so a bad value is reported
    with the config's file and line.
    """

    name: str = "fcfs"
    params: dict[str, PlainData] = {}
    label: str | None = None
    order: str | dict[str, PlainData] | None = None
    placement: str | dict[str, PlainData] | None = None
    multiplexing: Literal["exclusive", "shared"] | None = None
    backfill: bool | None = None
    queues: Literal["auto", "global", "per_device"] = "auto"

    def topology(self, workload: WorkloadConfig | TraceWorkloadConfig) -> Literal["global", "per_device"]:
        """The queue topology for ``workload`` (resolves ``auto``)."""
        if self.queues != "auto":
            return self.queues
        if isinstance(workload, TraceWorkloadConfig):
            return "per_device" if workload.trace.device_map else "global"
        return "per_device" if workload.targets else "global"

    def build(self):
        """A new scheduler object for one run."""
        from qcloudsim.schedulers.levels import compose
        from qcloudsim.schedulers.registry import make_scheduler

        return compose(
            make_scheduler(self.name, **self.params), self.order, self.placement, self.multiplexing, self.backfill
        )

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        from qcloudsim.schedulers.registry import scheduler_class

        try:
            scheduler_class(value)
        except (TypeError, LookupError, ImportError, SyntaxError) as exc:
            raise ValueError(f"cannot load scheduler {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _buildable(self) -> SchedulerConfig:
        from qcloudsim.schedulers.registry import scheduler_class

        check_parameters(f"scheduler {self.name!r}", scheduler_class(self.name), self.params)
        check_level("order", self.order)
        check_level("placement", self.placement)
        try:
            self.build()
        except (TypeError, LookupError, OSError, ArithmeticError) as exc:
            raise ValueError(f"scheduler {self.name!r} cannot be built: {exc}") from None
        return self

    @property
    def display_name(self) -> str:
        """The label, or the name."""
        return self.label or self.name


class RuntimeModelConfig(Strict):
    """Runtime model parameters (see :mod:`qcloudsim.models.runtime`).

    Attributes:
        per_job_overhead_s: Fixed time per job (s).
        rep_delay_s: Repetition delay between shots (s); ``null`` uses each device's.
    """

    per_job_overhead_s: Delay = 3.0
    rep_delay_s: Delay | None = None


class FidelityModelConfig(Strict):
    """Fidelity model switches (see :mod:`qcloudsim.models.fidelity`).

    ``mode: exact`` transpiles each circuit onto its allocated qubits
    (:mod:`qcloudsim.models.exact`; needs circuits from families or QASM).

    Attributes:
        idle_decoherence: Count decoherence of idle qubits.
        routing: Count the SWAPs routing adds.
        mode: ``analytic`` (from circuit profiles) or ``exact`` (transpiled circuits).
    """

    idle_decoherence: bool = True
    routing: bool = True
    mode: Literal["analytic", "exact"] = "analytic"


class CrosstalkConfig(Strict):
    """Crosstalk between co-located jobs (see :mod:`qcloudsim.models.crosstalk`).

    Attributes:
        enabled: Model crosstalk between jobs sharing a device.
        kappa: Relative increase of an exposed coupler's error.
    """

    enabled: bool = True
    kappa: Factor = 1.0


class ModelsConfig(Strict):
    """Model settings.

    Attributes:
        runtime: Runtime model.
        fidelity: Fidelity model.
        crosstalk: Crosstalk model.
    """

    runtime: RuntimeModelConfig = RuntimeModelConfig()
    fidelity: FidelityModelConfig = FidelityModelConfig()
    crosstalk: CrosstalkConfig = CrosstalkConfig()


class FixedStopConfig(Strict):
    """Stop after a fixed number of iterations.

    Attributes:
        rule: ``fixed``.
        iterations: Iterations of each program.
    """

    rule: Literal["fixed"]
    iterations: Iterations

    def most_iterations(self) -> int | None:
        """The most iterations a program can run."""
        return self.iterations


class CurveStopConfig(Strict):
    """Stop on a stochastic convergence curve (see :class:`qcloudsim.hybrid.program.ConvergenceCurve`).

    Attributes:
        rule: ``curve``.
        initial_loss: Loss before the first iteration.
        final_loss: Loss the curve converges to.
        tau: Iterations per e-fold of the distance to the final loss.
        noise: Standard deviation of the shot noise on each loss.
        tolerance: Distance to the final loss that counts as converged.
        max_iterations: Hard cap on iterations.
    """

    rule: Literal["curve"]
    initial_loss: Loss = 1.0
    final_loss: Loss = 0.0
    tau: IterationScale = 20.0
    noise: Factor = 0.01
    tolerance: PositiveFactor = 0.02
    max_iterations: Iterations = 500

    def most_iterations(self) -> int | None:
        """The most iterations a program can run."""
        return self.max_iterations


class TraceStopConfig(Strict):
    """Follow a recorded optimizer loss trace (``builtin`` = the shipped VQE run).

    Attributes:
        rule: ``trace``.
        path: Loss trace file, or ``builtin``.
        tolerance: Distance to the final loss that counts as converged.
    """

    rule: Literal["trace"]
    path: Annotated[Literal["builtin"] | ConfigPath, Field(union_mode="left_to_right")] = "builtin"
    tolerance: Factor = 1e-3

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path | str) -> Path | str:
        return value if value == "builtin" else _existing_file(Path(value), "loss trace")

    def most_iterations(self) -> int | None:
        """``None``: a trace is as long as its file, unknown until it is read."""
        return None


class AnsatzConfig(Strict):
    """The ansatz: a benchmark family at a size or size range.

    Attributes:
        family: Family name (``qcloudsim.circuits.family_names()``).
        qubits: Size or inclusive ``[min, max]`` range, within the family's range.
    """

    family: str
    qubits: SizeOrRange

    @model_validator(mode="after")
    def _known(self) -> AnsatzConfig:
        _check_family_range(self.family, *self.size_range())
        return self

    def size_range(self) -> tuple[int, int]:
        """Inclusive qubit range."""
        return ((self.qubits, self.qubits) if isinstance(self.qubits, int)
                else (int(self.qubits[0]), int(self.qubits[1])))


class SessionConfig(Strict):
    """Session-mode options (see :class:`qcloudsim.hybrid.program.SessionPolicy`).

    Attributes:
        time_limit_s: Longest session (s).
        interleave: Let other jobs run on the device between a session's iterations.
    """

    time_limit_s: Duration = 28800.0
    interleave: bool = False


class ProgramGroupConfig(Strict):
    """``count`` hybrid programs with the same settings.

    Attributes:
        count: Number of programs.
        start_s: Arrival of the first program (s).
        spacing_s: Mean time between program arrivals (s; exponential gaps, 0 = all at once).
        ansatz: Circuit family and size(s).
        shots: Shots per circuit.
        circuits_per_iteration: Circuits per iteration (give this or ``parameters``).
        parameters: Parameters of the ansatz (parameter shift: 2 circuits each).
        stopping: ``fixed``, ``curve`` or ``trace``.
        classical_kind: ``cpu`` or ``gpu``.
        classical_step_s: Optimizer step per iteration (s).
        latency_s: One-way client-cloud latency (s).
        mode: ``job``, ``batch`` or ``session`` (``hybrid.mode`` overrides).
        session: Session options.
        user: Submitting user.
        group: User's group.
    """

    count: JobCount = 1
    start_s: Time = 0.0
    spacing_s: Delay = 0.0
    ansatz: AnsatzConfig
    shots: Shots = 4000
    circuits_per_iteration: CircuitCount | None = None
    parameters: Annotated[int, Field(ge=1, le=MAX_CIRCUITS_PER_JOB // 2)] | None = None
    stopping: Annotated[FixedStopConfig | CurveStopConfig | TraceStopConfig, Field(discriminator="rule")]
    classical_kind: Literal["cpu", "gpu"] = "cpu"
    classical_step_s: Delay = 1.0
    latency_s: Delay = 0.05
    mode: Literal["job", "batch", "session"] = "batch"
    session: SessionConfig = SessionConfig()
    user: str = "hybrid"
    group: str = "default"

    @model_validator(mode="after")
    def _circuits(self) -> ProgramGroupConfig:
        if (self.circuits_per_iteration is None) == (self.parameters is None):
            raise ValueError("give exactly one of 'circuits_per_iteration' or 'parameters' "
                             "(parameter shift: 2 per parameter)")
        return self

    @model_validator(mode="after")
    def _bounded(self) -> ProgramGroupConfig:
        last = self.start_s + self.count * self.spacing_s
        if last > MAX_TIME_S:
            raise ValueError(
                f"programs arrive until about start_s + count x spacing_s = {last:.3g} s, "
                f"beyond the longest simulated time ({MAX_TIME_S:g} s)"
            )
        jobs = self.count * (self.stopping.most_iterations() or 1)
        if jobs > MAX_JOBS:
            raise ValueError(f"count x iterations = {jobs} jobs exceeds {MAX_JOBS}")
        return self


class HybridConfig(Strict):
    """Hybrid programs, their execution mode and the classical pool.

    Attributes:
        programs: Groups of programs.
        mode: When set, overrides every group's mode (handy to sweep).
        classical: Nodes of the classical pool by kind.
    """

    programs: Annotated[list[ProgramGroupConfig], Field(min_length=1)]
    mode: Literal["job", "batch", "session"] | None = None
    classical: dict[Literal["cpu", "gpu"], NodeCount] = {"cpu": 8, "gpu": 1}

    @model_validator(mode="after")
    def _pool_has_nodes(self) -> HybridConfig:
        for index, group in enumerate(self.programs):
            if self.classical.get(group.classical_kind, 0) < 1:
                raise ValueError(
                    f"programs.{index} runs its optimizer on {group.classical_kind} nodes, "
                    f"but classical.{group.classical_kind} is 0"
                )
        return self


class RewardConfig(Strict):
    """Weights of the RL reward (see :mod:`qcloudsim.rl.env`).

    Attributes:
        completion: Weight of the (negative, scaled) completion time.
        fidelity: Weight of the fidelity.
        utilization: Weight of the fleet utilisation.
    """

    completion: Factor = 1.0
    fidelity: Factor = 1.0
    utilization: Factor = 0.0


class TrainingConfig(Strict):
    """MaskablePPO training settings (``qcloudsim train``).

    Attributes:
        total_steps: Environment steps of training.
        seed: Seed of training (episode seeds are drawn from it).
        learning_rate: Optimizer learning rate.
        n_steps: Steps per rollout.
        batch_size: Minibatch size.
        gamma: Discount factor.
        checkpoint_every: Steps between checkpoints.
        eval_seeds: Held-out seeds of the evaluation.
        gcn_hidden: Width of the graph network's hidden layers.
        features_dim: Width of the extracted features.
    """

    total_steps: Steps = 50_000
    seed: Seed = 0
    learning_rate: LearningRate = 3e-4
    n_steps: Rollout = 512
    batch_size: Rollout = 128
    gamma: Fraction = 0.99
    checkpoint_every: Steps = 10_000
    eval_seeds: Annotated[list[Seed], Field(min_length=1, max_length=10_000)] = [1000, 1001, 1002, 1003, 1004]
    gcn_hidden: LayerWidth = 32
    features_dim: Annotated[LayerWidth, Field(ge=8)] = 64


class RLConfig(Strict):
    """Gymnasium environment and training settings.

    Attributes:
        reward: Reward weights.
        time_scale_s: Completion times are divided by this in the reward (s).
        max_nodes: Padded circuit width of the observation.
        max_edges: Padded directed interaction edges of the observation.
        max_steps: Episode truncation (decisions).
        training: ``qcloudsim train`` settings.
    """

    reward: RewardConfig = RewardConfig()
    time_scale_s: Duration = 60.0
    max_nodes: Annotated[Qubits, Field(ge=2)] = 32
    max_edges: EdgeCount = 256
    max_steps: Steps = 100_000
    training: TrainingConfig = TrainingConfig()


class CuttingConfig(Strict):
    """When and how to cut circuits (see :class:`qcloudsim.engine.cutting.CuttingPolicy`).

    Attributes:
        when: ``never``; ``no_fit`` (only jobs no device can hold); ``faster``
            (also jobs that would finish earlier cut onto an idle device).
        max_fragment_qubits: Widest fragment (default: the largest connected region in the fleet).
        max_overhead: Largest sampling overhead accepted; beyond it the job is rejected.
        method: ``auto``, ``circuit`` (qiskit-addon-cutting) or ``analytic``.
        seed: Seed of the cut search.
    """

    when: Literal["never", "no_fit", "faster"] = "never"
    max_fragment_qubits: Annotated[Qubits, Field(ge=2)] | None = None
    max_overhead: Overhead = 1e6
    method: Literal["auto", "circuit", "analytic"] = "auto"
    seed: Seed = 0


class OutputConfig(Strict):
    """Where results go (relative paths are relative to the working directory).

    Attributes:
        dir: Output folder (default ``results/<name>``); must not be a file.
        plot: Write summary plots.
    """

    dir: ConfigPath | None = None
    plot: bool = True

    @field_validator("dir")
    @classmethod
    def _not_a_file(cls, value: Path | None) -> Path | None:
        if value is not None and _path_kind(value) in ("file", "other"):
            raise ValueError(f"{value} is a file, expected a folder")
        return value


def _workload_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "trace" if "trace" in value else "synthetic"
    return "trace" if isinstance(value, TraceWorkloadConfig) else "synthetic"


def _fleet_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "catalog-device" if "catalog" in value else "custom-device"
    return "catalog-device" if isinstance(value, CatalogDevice) else "custom-device"


FleetEntry = Annotated[
    Annotated[CatalogDevice, Tag("catalog-device")] | Annotated[CustomDevice, Tag("custom-device")],
    Discriminator(_fleet_kind),
]


class ExperimentConfig(Strict):
    """A whole experiment: fleet, workload, scheduler, models, output.

    Attributes:
        name: Experiment name (default output folder ``results/<name>``).
        seed: Seed of the run's seed sequence.
        horizon_s: Stop the clock here (s); ``null`` runs until all jobs are done.
        fleet: Devices: catalog names, catalog entries with options, or custom devices.
        workload: The jobs: a synthetic workload or a trace.
        scheduler: The policy.
        models: Model parameters.
        output: Output options.
        replications: Runs per sweep point, with seeds ``seed, seed + 1, ...``.
        sweep: Grid of values per dotted field path (e.g.
            ``workload.arrivals.rate_per_s: [0.2, 0.4]``); every combination
            is a sweep point.
        hybrid: Hybrid (variational) programs run alongside the workload.
        rl: Reinforcement-learning environment and training settings.
        cutting: Circuit cutting.
    """

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")]
    seed: Seed = 0
    horizon_s: Horizon | None = None
    fleet: Annotated[list[FleetEntry], Field(min_length=1)]
    workload: Annotated[
        Annotated[WorkloadConfig, Tag("synthetic")] | Annotated[TraceWorkloadConfig, Tag("trace")],
        Discriminator(_workload_kind),
    ]
    scheduler: SchedulerConfig = SchedulerConfig()
    models: ModelsConfig = ModelsConfig()
    output: OutputConfig = OutputConfig()
    replications: Replications = 1
    sweep: dict[str, Annotated[list[PlainData], Field(min_length=1, max_length=MAX_RUNS)]] = {}
    hybrid: HybridConfig | None = None
    rl: RLConfig = RLConfig()
    cutting: CuttingConfig = CuttingConfig()

    @field_validator("fleet", mode="before")
    @classmethod
    def _expand_names(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [{"catalog": item} if isinstance(item, str) else item for item in value]

    @model_validator(mode="after")
    def _run_count(self) -> ExperimentConfig:
        runs = self.replications * math.prod(len(values) for values in self.sweep.values())
        if runs > MAX_RUNS:
            raise ValueError(f"the sweep has {runs} runs (points x replications), more than {MAX_RUNS}")
        if self.seed + self.replications - 1 > MAX_SEED:
            raise ValueError(f"seed + replications - 1 must be <= {MAX_SEED} "
                             "(replications use seeds seed, seed + 1, ...)")
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> ExperimentConfig:
        names = [fleet_name(entry) for entry in self.fleet]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(
                f"device names in the fleet must be unique; repeated: {', '.join(dupes)} "
                "(give copies a 'name')"
            )
        self._sessions_fit_calibration()
        if isinstance(self.workload, WorkloadConfig):
            unknown = sorted(set(self.workload.targets) - set(names))
            if unknown:
                raise ValueError(
                    f"workload.targets names {', '.join(unknown)}, not in the fleet; fleet: {', '.join(names)}"
                )
        if isinstance(self.workload, TraceWorkloadConfig):
            unknown = sorted(set(self.workload.trace.device_map.values()) - set(names))
            if unknown:
                raise ValueError(
                    f"workload.trace.device_map maps onto {', '.join(unknown)}, not in the fleet; "
                    f"fleet: {', '.join(names)}"
                )
        return self

    def _sessions_fit_calibration(self) -> None:
        if self.hybrid is None:
            return
        gaps = {}
        for entry in self.fleet:
            cycle = entry.calibration
            if cycle is None or cycle.on_running != "drain":
                return  # some device has no drained calibration: sessions can run there
            gaps[fleet_name(entry)] = cycle.period_s - cycle.duration_s - 2 * cycle.jitter_s
        for index, group in enumerate(self.hybrid.programs):
            mode = self.hybrid.mode or group.mode
            limit = group.session.time_limit_s
            if mode == "session" and limit > max(gaps.values()):
                shown = ", ".join(f"{k}: {v:.0f} s" for k, v in gaps.items())
                raise ValueError(
                    f"hybrid.programs.{index}.session.time_limit_s ({limit:.0f} s) is longer than the "
                    f"interval between calibrations of every device ({shown}); a session that long could "
                    "never start. Shorten the time limit or let a device run without a drained calibration cycle."
                )

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form (the run's config hash)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def fleet_name(entry: CatalogDevice | CustomDevice) -> str:
    """The name a fleet entry has in the simulation."""
    if isinstance(entry, CatalogDevice):
        if entry.name:
            return entry.name
        from qcloudsim.devices.catalog import load_catalog

        return load_catalog().get(entry.catalog).name
    return entry.name
