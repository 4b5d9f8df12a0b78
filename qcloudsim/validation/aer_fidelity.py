"""Validate the fidelity models against noisy qiskit-aer simulation.

For a circuit, a device and the region :func:`~qcloudsim.models.placement.select_region`
picks, this module

1. transpiles the circuit onto the region exactly as the exact mode does
   (:func:`qcloudsim.models.exact.transpile_to_region`);
2. builds a qiskit-aer ``NoiseModel`` from the region's
   :class:`~qcloudsim.devices.calibration.Calibration` (:func:`noise_model`)
   with Aer's own device-model conversion
   (``qiskit_aer.noise.device.basic_device_gate_errors`` /
   ``basic_device_readout_errors`` on a ``Target`` built from the
   calibration; the same functions ``NoiseModel.from_backend`` uses):

   * every ``sx``/``x`` and two-qubit gate gets a ``thermal_relaxation_error``
     (T1, T2, zero temperature) over its calibrated duration, composed with a
     depolarizing channel whose parameter makes the *average gate infidelity*
     of the composition equal the calibrated gate error:
     ``p = d (e - r) / (d F_r - 1)`` with ``d = 2^n``, ``F_r`` the average gate
     fidelity of the relaxation channel and ``r = 1 - F_r`` (Aer docs,
     "Building Noise Models"; ``qiskit_aer/noise/device/models.py``);
     ``rz`` is virtual and noiseless;
   * every qubit gets a symmetric ``ReadoutError`` ``[[1-e, e], [e, 1-e]]``
     from its readout error;
   * idle decoherence, which a gate-attached noise model leaves out, is added
     explicitly: the circuit is scheduled ASAP with calibrated durations
     (:func:`qcloudsim.models.exact.asap_schedule`) and a
     ``thermal_relaxation_error(T1, T2, gap)`` is inserted in every gap a
     qubit spends waiting between its first and last operation
     (:func:`with_idle_noise`);

3. simulates it with ``AerSimulator(method="density_matrix")`` (seeded) and
   measures three reference quantities (:func:`simulate`):

   * ``success``: noisy probability of the ideal outcomes (the support of the
     ideal distribution), defined for circuits with a few ideal outcomes:
     GHZ (``0..0`` and ``1..1``) and Bernstein-Vazirani (the secret);
   * ``state_x_readout``: state fidelity ``<psi|rho|psi>`` of the noisy state
     just before the final measurements (exact, from the density matrix)
     times the probability that no measured qubit is misread,
     ``prod (1 - e_ro)``. This is the probability that the state is right and
     read right, the quantity ESP approximates, and it is meaningful for
     any circuit, including those with a near-uniform output distribution
     (QFT on ``|0..0>``, QAOA, random, W state);
   * ``hellinger``: Hellinger fidelity between noisy counts (``shots``) and
     the exact ideal distribution (``qiskit.quantum_info.hellinger_fidelity``).
     It is *not* an ESP: for a near-uniform ideal distribution noise hardly
     changes it. It is reported for completeness.

The analytic model (``estimate_fidelity`` with ``region_stats``,
``circuit_duration_s`` and ``estimated_swaps`` on the circuit's profile) and
the exact mode (:func:`qcloudsim.models.exact.exact_estimate`) are then
compared with these references (:func:`summarise`): Spearman rank
correlation, mean absolute error and mean signed error. Nothing is fitted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from qcloudsim.circuits.families import family_circuit, family_profile
from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.models.exact import asap_schedule, exact_estimate, transpile_to_region
from qcloudsim.models.fidelity import estimate_fidelity
from qcloudsim.models.placement import select_region
from qcloudsim.models.region import region_stats
from qcloudsim.models.routing import estimated_swaps
from qcloudsim.models.runtime import circuit_duration_s

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit
    from qiskit.transpiler import Target
    from qiskit_aer.noise import NoiseModel

__all__ = [
    "DEFAULT_CIRCUITS",
    "DEFAULT_DEVICES",
    "PRIMARY_METRIC",
    "CaseResult",
    "evaluate_case",
    "noise_model",
    "region_target",
    "run_validation",
    "simulate",
    "summarise",
    "with_idle_noise",
]

DEFAULT_DEVICES: tuple[str, ...] = ("ibm_perth", "ibm_lagos", "ibm_algiers", "ibm_brisbane", "ibm_torino")
"""Catalog devices of three generations: Falcon r5.11H (7 q, cx), Falcon r5.11
(27 q, cx), Eagle r3 (127 q, ecr), Heron r1 (133 q, cz)."""

DEFAULT_CIRCUITS: tuple[tuple[str, int], ...] = (
    ("ghz", 3),
    ("ghz", 5),
    ("ghz", 7),
    ("bv", 4),
    ("bv", 6),
    ("qft", 3),
    ("qft", 5),
    ("qaoa", 4),
    ("qaoa", 6),
    ("random", 3),
    ("random", 5),
    ("wstate", 4),
    ("wstate", 6),
)
"""``(family, qubits)`` of the full validation: 3 to 7 qubits (ibm_perth has 7)."""

SUCCESS_FAMILIES = frozenset({"ghz", "bv"})
"""Families with a few ideal outcomes, for which ``success`` is defined."""

PRIMARY_METRIC: dict[str, str] = {"ghz": "success", "bv": "success"}
"""Reference used per family in the primary comparison; ``state_x_readout`` otherwise."""


@dataclass(frozen=True)
class CaseResult:
    """One circuit on one device: model estimates and Aer references.

    Attributes:
        device: Catalog name.
        family: Circuit family.
        num_qubits: Logical qubits.
        region: Physical qubits used.
        analytic: Analytic model ESP.
        exact: Exact mode ESP.
        analytic_swaps: SWAPs the analytic routing model estimates.
        transpiled_2q: Two-qubit gates after transpilation.
        profile_2q: Two-qubit gates of the logical circuit's profile.
        analytic_circuit_s: Analytic shot duration (s).
        exact_circuit_s: Exact (ASAP) shot duration (s).
        success: Aer probability of the ideal outcomes (``nan`` if undefined).
        state_x_readout: Aer state fidelity times readout success.
        state_fidelity: Aer state fidelity before measurement.
        hellinger: Aer Hellinger fidelity of counts vs the ideal distribution.
        primary: The reference for this family (see :data:`PRIMARY_METRIC`).
        primary_metric: Its name.
        seconds: Wall time of the case (s).
    """

    device: str
    family: str
    num_qubits: int
    region: tuple[int, ...]
    analytic: float
    exact: float
    analytic_swaps: int
    transpiled_2q: int
    profile_2q: int
    analytic_circuit_s: float
    exact_circuit_s: float
    success: float
    state_x_readout: float
    state_fidelity: float
    hellinger: float
    primary: float
    primary_metric: str
    seconds: float

    def row(self) -> dict[str, Any]:
        """Flat dict for CSV output (region as ``"a-b-c"``)."""
        data = asdict(self)
        data["region"] = "-".join(str(q) for q in self.region)
        return data


# --------------------------------------------------------------------------- noise model


def region_target(device: Device, region: Sequence[int], calibration: Calibration | None = None) -> Target:
    """A qiskit ``Target`` of the region, qubit ``p`` = physical ``region[p]``.

    Holds T1/T2 per qubit and error plus duration of ``rz`` (0, 0), ``sx``,
    ``x`` (the qubit's single-qubit calibration), the device's two-qubit gate
    on each region coupler in both directions, and ``measure`` (readout error
    and duration). Times in seconds.
    """
    from qiskit.circuit import Measure, Parameter
    from qiskit.circuit.library import CXGate, CZGate, ECRGate, RZGate, SXGate, XGate
    from qiskit.providers import QubitProperties
    from qiskit.transpiler import InstructionProperties, Target

    cal = calibration or device.calibration
    qubits = [int(q) for q in region]
    target = Target(
        num_qubits=len(qubits),
        qubit_properties=[QubitProperties(t1=cal.t1_s[q], t2=cal.t2_s[q]) for q in qubits],
    )
    local = range(len(qubits))
    target.add_instruction(RZGate(Parameter("theta")),
                           {(p,): InstructionProperties(duration=0.0, error=0.0) for p in local})
    for gate in (SXGate(), XGate()):
        target.add_instruction(
            gate,
            {
                (p,): InstructionProperties(duration=cal.duration_1q_s[q], error=cal.error_1q[q])
                for p, q in enumerate(qubits)
            },
        )
    position = {q: p for p, q in enumerate(qubits)}
    two = {}
    for a, b in cal.edges:
        if a in position and b in position:
            props = InstructionProperties(duration=cal.duration_2q_s[(a, b)], error=cal.error_2q[(a, b)])
            two[(position[a], position[b])] = props
            two[(position[b], position[a])] = props
    gate_2q = {"cx": CXGate(), "cz": CZGate(), "ecr": ECRGate()}[device.two_qubit_gate]
    if two:
        target.add_instruction(gate_2q, two)
    target.add_instruction(
        Measure(),
        {
            (p,): InstructionProperties(duration=cal.readout_duration_s[q], error=cal.readout_error[q])
            for p, q in enumerate(qubits)
        },
    )
    return target


def noise_model(device: Device, region: Sequence[int], calibration: Calibration | None = None) -> NoiseModel:
    """Aer noise model of the region (module doc, step 2), region-local qubits."""
    from qiskit_aer.noise import NoiseModel
    from qiskit_aer.noise.device import basic_device_gate_errors, basic_device_readout_errors

    target = region_target(device, region, calibration)
    model = NoiseModel(basis_gates=["rz", "sx", "x", device.two_qubit_gate])
    for name, qubits, error in basic_device_gate_errors(target=target):
        model.add_quantum_error(error, name, list(qubits))
    for qubits, error in basic_device_readout_errors(target=target):
        model.add_readout_error(error, list(qubits))
    return model


def with_idle_noise(
    transpiled: QuantumCircuit, region: Sequence[int], calibration: Calibration
) -> QuantumCircuit:
    """Copy of a region-local circuit with T1/T2 relaxation inserted in idle gaps.

    Gaps come from :func:`qcloudsim.models.exact.asap_schedule`; a qubit's gap
    before an operation is the time since its previous timed operation ended
    (nothing is inserted before its first operation or after its last).
    """
    from qiskit_aer.noise import thermal_relaxation_error

    region = tuple(int(q) for q in region)
    schedule = asap_schedule(transpiled, region, calibration)
    out = transpiled.copy_empty_like()
    last_end: list[float | None] = [None] * transpiled.num_qubits
    for inst, start, end in zip(transpiled.data, schedule.starts, schedule.ends, strict=True):
        name = inst.operation.name
        # zero-time ops (virtual rz) commute with the phase-covariant T1/T2
        # channel, and a delay is idle time: neither ends a gap
        if name not in ("barrier", "delay") and end > start:
            for bit in inst.qubits:
                p = transpiled.find_bit(bit).index
                previous = last_end[p]
                if previous is not None and start > previous:
                    q = region[p]
                    error = thermal_relaxation_error(calibration.t1_s[q], calibration.t2_s[q], start - previous)
                    out.append(error.to_instruction(), [bit])
                last_end[p] = end
        out.append(inst)
    return out


# --------------------------------------------------------------------------- simulation


def _final_measurements(circuit: QuantumCircuit) -> dict[int, int]:
    """``clbit -> qubit`` of the measurements (the last one wins per clbit)."""
    mapping: dict[int, int] = {}
    for inst in circuit.data:
        if inst.operation.name == "measure":
            mapping[circuit.find_bit(inst.clbits[0]).index] = circuit.find_bit(inst.qubits[0]).index
    return mapping


def _ideal_distribution(transpiled: QuantumCircuit) -> dict[str, float]:
    """Exact ideal output distribution over the classical bits (qiskit key order)."""
    from qiskit.quantum_info import Statevector

    state = Statevector(transpiled.remove_final_measurements(inplace=False))
    mapping = _final_measurements(transpiled)
    nclbits = transpiled.num_clbits
    order = [c for c in range(nclbits) if c in mapping]
    probs = state.probabilities_dict(qargs=[mapping[c] for c in order])
    out: dict[str, float] = {}
    for key, p in probs.items():
        if p < 1e-12:
            continue
        bits = ["0"] * nclbits
        for i, c in enumerate(order):
            bits[c] = key[len(order) - 1 - i]
        full = "".join(reversed(bits))
        out[full] = out.get(full, 0.0) + float(p)
    return out


def simulate(
    transpiled: QuantumCircuit,
    device: Device,
    region: Sequence[int],
    calibration: Calibration | None = None,
    *,
    shots: int = 4000,
    seed: int = 0,
    success_metric: bool = False,
) -> dict[str, float]:
    """Aer reference quantities of a region-local transpiled circuit (module doc, step 3).

    Returns:
        ``{"success", "state_fidelity", "state_x_readout", "hellinger"}``;
        ``success`` is ``nan`` unless ``success_metric``.
    """
    from qiskit.quantum_info import Statevector, hellinger_fidelity, state_fidelity
    from qiskit_aer import AerSimulator

    cal = calibration or device.calibration
    region = tuple(int(q) for q in region)
    model = noise_model(device, region, cal)
    noisy = with_idle_noise(transpiled, region, cal)
    simulator = AerSimulator(method="density_matrix", noise_model=model, seed_simulator=seed)
    counts = simulator.run(noisy, shots=shots).result().get_counts()
    counts = {k.replace(" ", ""): v for k, v in counts.items()}
    ideal = _ideal_distribution(transpiled)
    total = sum(counts.values())
    hellinger = hellinger_fidelity(ideal, {k: v / total for k, v in counts.items()})
    success = math.nan
    if success_metric:
        success = sum(counts.get(k, 0) for k in ideal) / total

    state_circuit = noisy.remove_final_measurements(inplace=False)
    state_circuit.save_density_matrix()
    rho = simulator.run(state_circuit, shots=1).result().data()["density_matrix"]
    ideal_state = Statevector(transpiled.remove_final_measurements(inplace=False))
    fidelity = float(state_fidelity(rho, ideal_state, validate=False))
    readout = math.prod(1.0 - cal.readout_error[region[p]] for p in set(_final_measurements(transpiled).values()))
    return {
        "success": success,
        "state_fidelity": fidelity,
        "state_x_readout": fidelity * readout,
        "hellinger": float(hellinger),
    }


def evaluate_case(
    device: Device,
    family: str,
    num_qubits: int,
    *,
    shots: int = 4000,
    seed: int = 0,
) -> CaseResult:
    """Models and Aer references for one family circuit on its selected region."""
    start = time.perf_counter()
    cal = device.calibration
    profile = family_profile(family, num_qubits)
    region = select_region(cal, profile.num_qubits)
    if region is None:
        raise ValueError(f"{device.name} has no connected region of {profile.num_qubits} qubits")
    stats = region_stats(cal, region)
    swaps = estimated_swaps(profile, stats)
    analytic_s = circuit_duration_s(profile, stats, swaps)
    analytic = estimate_fidelity(profile, stats, analytic_s, swaps)
    circuit = family_circuit(family, num_qubits)
    exact = exact_estimate(circuit, device, region, cal)
    transpiled = transpile_to_region(circuit, device, region, cal)
    ref = simulate(transpiled, device, region, cal, shots=shots, seed=seed, success_metric=family in SUCCESS_FAMILIES)
    metric = PRIMARY_METRIC.get(family, "state_x_readout")
    return CaseResult(
        device=device.name,
        family=family,
        num_qubits=num_qubits,
        region=tuple(region),
        analytic=analytic,
        exact=exact.fidelity,
        analytic_swaps=swaps,
        transpiled_2q=exact.num_2q,
        profile_2q=profile.num_2q_gates,
        analytic_circuit_s=analytic_s,
        exact_circuit_s=exact.circuit_s,
        success=ref["success"],
        state_x_readout=ref["state_x_readout"],
        state_fidelity=ref["state_fidelity"],
        hellinger=ref["hellinger"],
        primary=ref[metric],
        primary_metric=metric,
        seconds=time.perf_counter() - start,
    )


def run_validation(
    devices: Iterable[Device],
    circuits: Iterable[tuple[str, int]] = DEFAULT_CIRCUITS,
    *,
    shots: int = 4000,
    seed: int = 0,
) -> list[CaseResult]:
    """Evaluate every circuit that fits on every device (too-large ones are skipped)."""
    circuits = tuple(circuits)
    results = []
    for device in devices:
        for family, n in circuits:
            if n > device.num_qubits:
                continue
            results.append(evaluate_case(device, family, n, shots=shots, seed=seed))
    return results


# --------------------------------------------------------------------------- statistics


def _compare(model: Sequence[float], reference: Sequence[float]) -> dict[str, float]:
    """Spearman rho, MAE and mean signed error (model - reference)."""
    from scipy.stats import spearmanr

    pairs = [(m, r) for m, r in zip(model, reference, strict=True) if not math.isnan(r)]
    n = len(pairs)
    if n == 0:
        return {"n": 0, "spearman": math.nan, "mae": math.nan, "bias": math.nan}
    diffs = [m - r for m, r in pairs]
    rho = float(spearmanr([m for m, _ in pairs], [r for _, r in pairs]).statistic) if n > 2 else math.nan
    return {
        "n": n,
        "spearman": rho,
        "mae": sum(abs(d) for d in diffs) / n,
        "bias": sum(diffs) / n,
    }


def summarise(cases: Sequence[CaseResult]) -> dict[str, Any]:
    """Per model mode and reference metric: Spearman, MAE and bias; also per family.

    Reference metrics: ``primary`` (per-family choice, see
    :data:`PRIMARY_METRIC`), ``state_x_readout`` (all cases), ``success``
    (GHZ and BV only), ``hellinger`` (all cases; not an ESP).
    """
    out: dict[str, Any] = {"cases": len(cases), "overall": {}, "by_family": {}}
    metrics = ("primary", "state_x_readout", "success", "hellinger")
    for mode in ("analytic", "exact"):
        out["overall"][mode] = {
            metric: _compare([getattr(c, mode) for c in cases], [getattr(c, metric) for c in cases])
            for metric in metrics
        }
    for family in sorted({c.family for c in cases}):
        subset = [c for c in cases if c.family == family]
        out["by_family"][family] = {
            mode: _compare([getattr(c, mode) for c in subset], [c.primary for c in subset])
            for mode in ("analytic", "exact")
        } | {"metric": subset[0].primary_metric}
    return out

