"""The experiment configuration (YAML), validated with pydantic.

Every section forbids unknown keys, so a typo is an error, not a silently
ignored setting. Names of devices and schedulers are checked against the
catalog and the registry here, so the error names the field.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    field_validator,
    model_validator,
)

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base: unknown keys are errors; values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CalibrationCycleConfig(Strict):
    """Periodic recalibration (see :class:`qcloudsim.engine.dynamics.CalibrationCycle`)."""

    period_s: PositiveFloat
    duration_s: PositiveFloat
    jitter_s: NonNegativeFloat = 0.0
    first_s: NonNegativeFloat | None = None
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
    """Drift model parameters (see :mod:`qcloudsim.models.drift`); rates per hour."""

    step_s: PositiveFloat = 3600.0
    error_trend_per_h: float = 0.01
    error_volatility_per_sqrt_h: NonNegativeFloat = 0.05
    coherence_trend_per_h: float = 0.005
    coherence_volatility_per_sqrt_h: NonNegativeFloat = 0.03
    recalibration_scatter: NonNegativeFloat = 0.1
    max_error: Annotated[float, Field(gt=0, lt=1)] = 0.5


class HistoryConfig(Strict):
    """Replay of a recorded calibration history (a .tar.gz or folder of IBM BackendProperties JSON)."""

    path: Path
    time_scale: PositiveFloat = 1.0
    downtime_s: NonNegativeFloat = 0.0
    on_running: Literal["drain", "requeue", "fail"] = "drain"

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"calibration history {value} does not exist")
        return value


class OutagesConfig(Strict):
    """Random failures: exponential MTBF/MTTR (s)."""

    mtbf_s: PositiveFloat
    mttr_s: PositiveFloat
    on_running: Literal["requeue", "fail"] = "requeue"


class DynamicsFields(BaseModel):
    """How a fleet device changes over time (all optional)."""

    downtime: list[tuple[NonNegativeFloat, NonNegativeFloat]] = []
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
    name: str | None = None

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

    Keys are those of :func:`qcloudsim.devices.catalog.device_from_spec`
    (``name``, ``edges`` or ``topology``, calibration numbers), plus the
    dynamics keys of :class:`CatalogDevice` (``downtime``, ``calibration``,
    ``drift``, ``history``, ``outages``).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str

    @model_validator(mode="after")
    def _buildable(self) -> CustomDevice:
        from qcloudsim.devices.catalog import device_from_spec

        device_from_spec(self.spec())
        return self

    def spec(self) -> dict[str, Any]:
        """The device specification without fleet-only keys."""
        data = self.model_dump()
        for key in DYNAMICS_KEYS:
            data.pop(key, None)
        return data


class PoissonArrivals(Strict):
    """Poisson arrivals.

    Attributes:
        process: ``poisson``.
        rate_per_s: Mean arrivals per second.
    """

    process: Literal["poisson"] = "poisson"
    rate_per_s: PositiveFloat


class MmppArrivals(Strict):
    """Bursty arrivals: a Markov-modulated Poisson process (see :func:`qcloudsim.workload.generators.mmpp_times`).

    Attributes:
        process: ``mmpp``.
        rates_per_s: Arrival rate in each state (1/s).
        mean_sojourn_s: Mean time spent in each state (s).
    """

    process: Literal["mmpp"]
    rates_per_s: Annotated[list[NonNegativeFloat], Field(min_length=2)]
    mean_sojourn_s: Annotated[list[PositiveFloat], Field(min_length=2)]

    @model_validator(mode="after")
    def _same_length(self) -> MmppArrivals:
        if len(self.rates_per_s) != len(self.mean_sojourn_s):
            raise ValueError("rates_per_s and mean_sojourn_s need one value per state")
        if not any(r > 0 for r in self.rates_per_s):
            raise ValueError("at least one state needs a rate > 0")
        return self


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
    base_rate_per_s: PositiveFloat
    phase_s: NonNegativeFloat = 0.0
    hourly: Annotated[list[NonNegativeFloat], Field(min_length=24, max_length=24)] | None = None
    weekly: Annotated[list[NonNegativeFloat], Field(min_length=7, max_length=7)] | None = None


Arrivals = Annotated[PoissonArrivals | MmppArrivals | DiurnalArrivals, Field(discriminator="process")]


class SwfMappingConfig(Strict):
    """How SWF jobs become quantum jobs (see :class:`qcloudsim.traces.swf.SwfMapping`)."""

    scale: Literal["linear", "log2"] = "linear"
    qubits_per_processor: PositiveFloat = 1.0
    min_qubits: Annotated[int, Field(ge=1)] = 2
    max_qubits: Annotated[int, Field(ge=1)] = 27
    family: str | None = "qft"
    depth_per_qubit: Annotated[int, Field(ge=1)] = 4
    two_qubit_density: Annotated[float, Field(ge=0, le=1)] = 0.5
    shots: Annotated[int, Field(ge=1)] | None = None


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

    path: Path
    format: Literal["auto", "canonical", "ibm", "swf", "qasm_list"] = "auto"
    on_error: Literal["raise", "skip"] = "raise"
    mapping: dict[str, str | None] = {}
    units: dict[str, str] = {}
    swf: SwfMappingConfig = SwfMappingConfig()
    start_s: NonNegativeFloat | None = None
    end_s: NonNegativeFloat | None = None
    time_scale: PositiveFloat = 1.0
    load_scale: PositiveFloat = 1.0
    jitter_s: NonNegativeFloat = 60.0
    users: list[str] | None = None
    device_map: dict[str, str] = {}
    runtime: Literal["model", "recorded"] = "model"
    default_shots: Annotated[int, Field(ge=1)] = 1024

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"trace file {value} does not exist")
        return value

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
        qubits: Size or inclusive ``[min, max]`` range (families only).
        weight: Relative frequency.
    """

    family: str | None = None
    qasm: Path | None = None
    qubits: int | tuple[int, int] | None = None
    weight: PositiveFloat = 1.0

    @model_validator(mode="after")
    def _one_source(self) -> MixEntryConfig:
        if (self.family is None) == (self.qasm is None):
            raise ValueError("give exactly one of 'family' or 'qasm'")
        if self.family is not None:
            from qcloudsim.circuits.families import family_names

            names = family_names()
            if self.family not in names:
                raise ValueError(f"unknown family {self.family!r}; allowed: {', '.join(names)}")
            if self.qubits is None:
                raise ValueError("a family entry needs 'qubits' (a size or [min, max])")
            low, high = self.size_range()
            if not (1 <= low <= high):
                raise ValueError(f"'qubits' must be >= 1 with min <= max, got {self.qubits}")
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
    """A user: name, group (fair-share) and share of the submitted jobs."""

    name: str
    group: str = "default"
    weight: PositiveFloat = 1.0


class TraceWorkloadConfig(Strict):
    """A workload replayed from a trace."""

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

    jobs: Annotated[int, Field(ge=1)]
    arrivals: Arrivals
    mix: Annotated[list[MixEntryConfig], Field(min_length=1)]
    shots: Annotated[int, Field(ge=1)] | Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)] = 4000
    circuits: Annotated[int, Field(ge=1)] | Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)] = 1
    users: Annotated[list[UserConfig], Field(min_length=1)] = [UserConfig(name="user0")]
    priorities: Annotated[list[int], Field(min_length=1)] = [0]
    deadline_slack_s: tuple[NonNegativeFloat, NonNegativeFloat] | None = None
    deadline_fraction: Annotated[float, Field(ge=0, le=1)] = 1.0
    targets: dict[str, PositiveFloat] = {}

    @model_validator(mode="after")
    def _slack_order(self) -> WorkloadConfig:
        if self.deadline_slack_s is not None and self.deadline_slack_s[0] > self.deadline_slack_s[1]:
            raise ValueError("deadline_slack_s must be [min, max] with min <= max")
        return self


class SchedulerConfig(Strict):
    """The scheduler: a preset by name, policy levels, and the queue topology.

    Attributes:
        name: Registered preset or ``"package.module:Class"``.
        params: The preset's parameters.
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
    params: dict[str, Any] = {}
    label: str | None = None
    order: str | dict[str, Any] | None = None
    placement: str | dict[str, Any] | None = None
    multiplexing: Literal["exclusive", "shared"] | None = None
    backfill: StrictBool | None = None
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

        scheduler_class(value)
        return value

    @model_validator(mode="after")
    def _buildable(self) -> SchedulerConfig:
        self.build()
        return self

    @property
    def display_name(self) -> str:
        """The label, or the name."""
        return self.label or self.name


class RuntimeModelConfig(Strict):
    """Runtime model parameters (see :mod:`qcloudsim.models.runtime`)."""

    per_job_overhead_s: NonNegativeFloat = 3.0
    rep_delay_s: NonNegativeFloat | None = None


class FidelityModelConfig(Strict):
    """Fidelity model switches (see :mod:`qcloudsim.models.fidelity`).

    ``mode: exact`` transpiles each circuit onto its allocated qubits
    (:mod:`qcloudsim.models.exact`; needs circuits from families or QASM).
    """

    idle_decoherence: bool = True
    routing: bool = True
    mode: Literal["analytic", "exact"] = "analytic"


class CrosstalkConfig(Strict):
    """Crosstalk between co-located jobs (see :mod:`qcloudsim.models.crosstalk`)."""

    enabled: bool = True
    kappa: NonNegativeFloat = 1.0


class ModelsConfig(Strict):
    """Model settings."""

    runtime: RuntimeModelConfig = RuntimeModelConfig()
    fidelity: FidelityModelConfig = FidelityModelConfig()
    crosstalk: CrosstalkConfig = CrosstalkConfig()


class FixedStopConfig(Strict):
    """Stop after a fixed number of iterations."""

    rule: Literal["fixed"]
    iterations: Annotated[int, Field(ge=1)]


class CurveStopConfig(Strict):
    """Stop on a stochastic convergence curve (see :class:`qcloudsim.hybrid.program.ConvergenceCurve`)."""

    rule: Literal["curve"]
    initial_loss: float = 1.0
    final_loss: float = 0.0
    tau: PositiveFloat = 20.0
    noise: NonNegativeFloat = 0.01
    tolerance: PositiveFloat = 0.02
    max_iterations: Annotated[int, Field(ge=1)] = 500


class TraceStopConfig(Strict):
    """Follow a recorded optimizer loss trace (``builtin`` = the shipped VQE run)."""

    rule: Literal["trace"]
    path: Path | Literal["builtin"] = "builtin"
    tolerance: NonNegativeFloat = 1e-3


class AnsatzConfig(Strict):
    """The ansatz: a benchmark family at a size or size range."""

    family: str
    qubits: int | tuple[int, int]

    @model_validator(mode="after")
    def _known(self) -> AnsatzConfig:
        from qcloudsim.circuits.families import family_names

        if self.family not in family_names():
            raise ValueError(f"unknown family {self.family!r}; allowed: {', '.join(family_names())}")
        low, high = self.size_range()
        if not 1 <= low <= high:
            raise ValueError(f"'qubits' must be >= 1 with min <= max, got {self.qubits}")
        return self

    def size_range(self) -> tuple[int, int]:
        """Inclusive qubit range."""
        return (self.qubits, self.qubits) if isinstance(self.qubits, int) else (int(self.qubits[0]), int(self.qubits[1]))


class SessionConfig(Strict):
    """Session-mode options (see :class:`qcloudsim.hybrid.program.SessionPolicy`)."""

    time_limit_s: PositiveFloat = 28800.0
    interleave: bool = False


class ProgramGroupConfig(Strict):
    """``count`` hybrid programs with the same settings.

    Attributes:
        count: Number of programs.
        start_s: Arrival of the first program (s).
        spacing_s: Mean time between program arrivals (s; exponential gaps, 0 = all at once).
        ansatz: Circuit family and size(s).
        shots: Shots per circuit.
        circuits_per_iteration: Circuits per iteration, or
        parameters: the ansatz parameters (parameter shift: 2 circuits each).
        stopping: ``fixed``, ``curve`` or ``trace``.
        classical_kind: ``cpu`` or ``gpu``.
        classical_step_s: Optimizer step per iteration (s).
        latency_s: One-way client-cloud latency (s).
        mode: ``job``, ``batch`` or ``session`` (``hybrid.mode`` overrides).
        session: Session options.
        user: Submitting user.
        group: User's group.
    """

    count: Annotated[int, Field(ge=1)] = 1
    start_s: NonNegativeFloat = 0.0
    spacing_s: NonNegativeFloat = 0.0
    ansatz: AnsatzConfig
    shots: Annotated[int, Field(ge=1)] = 4000
    circuits_per_iteration: Annotated[int, Field(ge=1)] | None = None
    parameters: Annotated[int, Field(ge=1)] | None = None
    stopping: Annotated[FixedStopConfig | CurveStopConfig | TraceStopConfig, Field(discriminator="rule")]
    classical_kind: Literal["cpu", "gpu"] = "cpu"
    classical_step_s: NonNegativeFloat = 1.0
    latency_s: NonNegativeFloat = 0.05
    mode: Literal["job", "batch", "session"] = "batch"
    session: SessionConfig = SessionConfig()
    user: str = "hybrid"
    group: str = "default"

    @model_validator(mode="after")
    def _circuits(self) -> ProgramGroupConfig:
        if (self.circuits_per_iteration is None) == (self.parameters is None):
            raise ValueError("give exactly one of 'circuits_per_iteration' or 'parameters' (parameter shift: 2 per parameter)")
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
    classical: dict[Literal["cpu", "gpu"], Annotated[int, Field(ge=0)]] = {"cpu": 8, "gpu": 1}

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
    """Weights of the RL reward (see :mod:`qcloudsim.rl.env`)."""

    completion: NonNegativeFloat = 1.0
    fidelity: NonNegativeFloat = 1.0
    utilization: NonNegativeFloat = 0.0


class TrainingConfig(Strict):
    """MaskablePPO training settings (``qcloudsim train``)."""

    total_steps: Annotated[int, Field(ge=1)] = 50_000
    seed: Annotated[int, Field(ge=0)] = 0
    learning_rate: PositiveFloat = 3e-4
    n_steps: Annotated[int, Field(ge=8)] = 512
    batch_size: Annotated[int, Field(ge=8)] = 128
    gamma: Annotated[float, Field(gt=0, le=1)] = 0.99
    checkpoint_every: Annotated[int, Field(ge=1)] = 10_000
    eval_seeds: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1)] = [1000, 1001, 1002, 1003, 1004]
    gcn_hidden: Annotated[int, Field(ge=4)] = 32
    features_dim: Annotated[int, Field(ge=8)] = 64


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
    time_scale_s: PositiveFloat = 60.0
    max_nodes: Annotated[int, Field(ge=2)] = 32
    max_edges: Annotated[int, Field(ge=2)] = 256
    max_steps: Annotated[int, Field(ge=1)] = 100_000
    training: TrainingConfig = TrainingConfig()


class CuttingConfig(Strict):
    """When and how to cut circuits (see :class:`qcloudsim.engine.cutting.CuttingPolicy`)."""

    when: Literal["never", "no_fit", "faster"] = "never"
    max_fragment_qubits: Annotated[int, Field(ge=2)] | None = None
    max_overhead: PositiveFloat = 1e6
    method: Literal["auto", "circuit", "analytic"] = "auto"
    seed: Annotated[int, Field(ge=0)] = 0


class OutputConfig(Strict):
    """Where results go (relative paths are relative to the working directory)."""

    dir: Path | None = None
    plot: bool = True


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
        workload: The jobs.
        scheduler: The policy.
        models: Model parameters.
        output: Output options.
        replications: Runs per sweep point, with seeds ``seed, seed + 1, ...``.
        sweep: Grid of values per dotted field path (e.g.
            ``workload.arrivals.rate_per_s: [0.2, 0.4]``); every combination
            is a sweep point.
        hybrid: Hybrid (variational) programs run alongside the workload.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    seed: Annotated[int, Field(ge=0)] = 0
    horizon_s: PositiveFloat | None = None
    fleet: Annotated[list[FleetEntry], Field(min_length=1)]
    workload: Annotated[
        Annotated[WorkloadConfig, Tag("synthetic")] | Annotated[TraceWorkloadConfig, Tag("trace")],
        Discriminator(_workload_kind),
    ]
    scheduler: SchedulerConfig = SchedulerConfig()
    models: ModelsConfig = ModelsConfig()
    output: OutputConfig = OutputConfig()
    replications: Annotated[int, Field(ge=1)] = 1
    sweep: dict[str, Annotated[list[Any], Field(min_length=1)]] = {}
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
