"""Exact fidelity and runtime mode: transpile the circuit, then score each gate.

The analytic models (:mod:`qcloudsim.models.fidelity`,
:mod:`qcloudsim.models.runtime`) work on a :class:`CircuitProfile` and region
averages. This optional mode instead

1. transpiles the circuit with ``qiskit.transpile`` onto exactly the region:
   the coupling map is the region's couplers in the given calibration (both
   directions), relabelled to region positions ``0..k-1``; logical qubit
   ``i`` starts on region position ``i`` (``initial_layout`` = the region,
   in its order); basis ``rz, sx, x`` plus the device's two-qubit gate
   (``ecr``/``cx``/``cz``); ``optimization_level=1``, ``seed_transpiler=0``.
   Relabelling to positions is the same as transpiling onto the region's
   physical qubits with the device coupling map cut down to the region, and
   keeps transpilation cost independent of the device size;
2. schedules the transpiled circuit *as soon as possible* (ASAP) with the
   calibrated duration of every gate on the physical qubit or coupler it
   lands on (:func:`asap_schedule`): ``rz`` is virtual (a frame change, no
   time, no error; McKay et al., PRA 96, 022330, 2017), ``sx``/``x`` take
   the qubit's single-qubit duration, two-qubit gates the coupler's,
   ``measure`` and ``reset`` the qubit's readout duration, a ``barrier``
   aligns its qubits;
3. multiplies the success probabilities (ESP; Nishio et al., ACM JETC 16(3),
   2020)::

       F = prod_{sx, x}  (1 - e_1q[q])
         * prod_{2q}     (1 - e_2q[a, b])
         * prod_{meas q} (1 - e_readout[q])
         * prod_q F_idle(t_idle[q], T1[q], T2[q])

   with :func:`qcloudsim.models.fidelity.idle_fidelity` and ``t_idle[q]`` the
   time between the start of the qubit's first operation and the end of its
   last one that it spends in no operation. Before its first gate a qubit
   is in ``|0>``, which neither T1 nor T2 decay changes, and after its last
   measurement nothing about it matters, so those stretches are not idle.

The circuit duration (``circuit_s``) is the ASAP makespan. Results are cached
in a bounded dict keyed by (circuit structure hash, device name, region,
calibration version).
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.devices.calibration import Calibration, edge
from qcloudsim.devices.device import Device
from qcloudsim.models.fidelity import idle_fidelity

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit

__all__ = [
    "ExactEstimate",
    "Schedule",
    "asap_schedule",
    "circuit_for_profile",
    "circuit_key",
    "clear_cache",
    "exact_estimate",
    "transpile_to_region",
]

VIRTUAL_GATES = frozenset({"rz", "id", "delay", "barrier", "global_phase"})
"""Operations that take no time and cause no error in the model (``delay``
is handled separately: it takes its own time)."""

PULSE_1Q_GATES = frozenset({"sx", "x"})
"""Physical single-qubit gates: calibrated error and duration of the qubit."""

BASIS_1Q = ("rz", "sx", "x")
"""Single-qubit basis gates of IBM devices."""

OPTIMIZATION_LEVEL = 1
SEED_TRANSPILER = 0

CACHE_SIZE = 4096
"""Bound of the result cache; it is cleared when full."""


@dataclass(frozen=True)
class ExactEstimate:
    """Exact-mode estimate of one circuit on one region.

    Attributes:
        fidelity: ESP of one shot including idle decoherence, in ``[0, 1]``.
        circuit_s: ASAP duration of one shot, without repetition delay (s).
        num_1q: Physical single-qubit gates (``sx``, ``x``; virtual ``rz`` excluded).
        num_2q: Two-qubit gates after routing (SWAPs are decomposed into them).
        depth: Depth of the transpiled circuit (barriers excluded).
        transpiled_ops: Operation counts of the transpiled circuit.
        idle_s: Idle time per region position during one shot (s).
        log_fidelity_terms: ``ln`` of the 1q, 2q, readout and idle factors.
    """

    fidelity: float
    circuit_s: float
    num_1q: int
    num_2q: int
    depth: int
    transpiled_ops: dict[str, int] = field(default_factory=dict)
    idle_s: tuple[float, ...] = ()
    log_fidelity_terms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    """ASAP schedule of a region-local transpiled circuit.

    Attributes:
        starts: Start time of every instruction of ``circuit.data`` (s).
        ends: End time of every instruction (s).
        busy_s: Time each qubit spends in operations (s).
        first_s: Start of each qubit's first timed operation (``inf`` if none).
        last_s: End of each qubit's last operation (``-inf`` if none).
        makespan_s: End of the last operation (s).
    """

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    busy_s: tuple[float, ...]
    first_s: tuple[float, ...]
    last_s: tuple[float, ...]
    makespan_s: float

    def idle_s(self) -> tuple[float, ...]:
        """Idle time of each qubit inside its active window (s), see module doc."""
        return tuple(
            max(last - first - busy, 0.0) if last > first else 0.0
            for first, last, busy in zip(self.first_s, self.last_s, self.busy_s, strict=True)
        )


_cache: dict[tuple, ExactEstimate] = {}


def clear_cache() -> None:
    """Empty the exact-mode result cache."""
    _cache.clear()


def cache_info() -> dict[str, int]:
    """Entries in the result cache and its bound."""
    return {"entries": len(_cache), "max_entries": CACHE_SIZE}


# --------------------------------------------------------------------------- circuit identity


def _op_signature(op: object, depth: int = 0) -> tuple:
    """Name, parameters and (for non-standard ops) definition structure of an op."""
    from qiskit.circuit.library import get_standard_gate_name_mapping

    name = getattr(op, "name", type(op).__name__)
    params = tuple(
        round(float(p), 12) if isinstance(p, int | float) else str(p)
        for p in getattr(op, "params", ())
    )
    inner: tuple = ()
    if name not in get_standard_gate_name_mapping() and depth < 8:
        definition = getattr(op, "definition", None)
        if definition is not None:
            inner = _structure(definition, depth + 1)
    return (name, getattr(op, "num_qubits", 0), params, inner)


def _structure(circuit: QuantumCircuit, depth: int = 0) -> tuple:
    qi = {q: i for i, q in enumerate(circuit.qubits)}
    ci = {c: i for i, c in enumerate(circuit.clbits)}
    return tuple(
        (
            _op_signature(inst.operation, depth),
            tuple(qi[q] for q in inst.qubits),
            tuple(ci[c] for c in inst.clbits),
        )
        for inst in circuit.data
    )


def circuit_key(circuit: QuantumCircuit) -> str:
    """Content hash of a circuit's structure (ops, parameters, wires); name ignored."""
    text = repr((circuit.num_qubits, circuit.num_clbits, _structure(circuit)))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


# --------------------------------------------------------------------------- transpilation


def _compact(circuit: QuantumCircuit, size: int) -> QuantumCircuit:
    """Drop qubits no operation touches when the circuit is wider than ``size``."""
    if circuit.num_qubits <= size:
        return circuit
    from qiskit.circuit import QuantumCircuit as QC

    used = sorted(
        {circuit.find_bit(q).index for inst in circuit.data if inst.operation.name != "barrier" for q in inst.qubits}
    )
    if len(used) > size:
        raise ValueError(
            f"circuit {circuit.name!r} uses {len(used)} qubits, region has {size}"
        )
    index = {old: new for new, old in enumerate(used)}
    out = QC(len(used), circuit.num_clbits, name=circuit.name)
    for inst in circuit.data:
        qubits = [circuit.find_bit(q).index for q in inst.qubits]
        kept = [index[q] for q in qubits if q in index]
        if inst.operation.name == "barrier":
            if kept:
                out.barrier(kept)
            continue
        out.append(inst.operation, kept, [circuit.find_bit(c).index for c in inst.clbits])
    return out


def transpile_to_region(
    circuit: QuantumCircuit,
    device: Device,
    region: tuple[int, ...],
    calibration: Calibration | None = None,
) -> QuantumCircuit:
    """Transpile ``circuit`` onto ``region`` (see the module doc, step 1).

    Args:
        circuit: The logical circuit (not modified).
        device: The device (for the two-qubit gate name).
        region: Physical qubits; logical qubit ``i`` starts on ``region[i]``.
        calibration: Calibration giving the couplers; ``device.calibration``
            if ``None``.

    Returns:
        A *region-local* circuit on ``len(region)`` qubits: its qubit ``p``
        is the physical qubit ``region[p]``.

    Raises:
        ValueError: Region too small, repeated qubit, or the circuit cannot be
            routed on the region's couplers (e.g. a disconnected region).
    """
    from qiskit import transpile
    from qiskit.transpiler import CouplingMap, TranspilerError

    cal = calibration or device.calibration
    if len(set(region)) != len(region) or any(not 0 <= q < cal.num_qubits for q in region):
        raise ValueError(f"region {region} repeats a qubit or is outside 0..{cal.num_qubits - 1}")
    logical = _compact(circuit, len(region))
    k = len(region)
    position = {q: i for i, q in enumerate(region)}
    couplers = [(position[a], position[b]) for a, b in cal.edges if a in position and b in position]
    directed = [list(p) for a, b in couplers for p in ((a, b), (b, a))]
    coupling = CouplingMap(directed) if directed else CouplingMap()
    for p in range(k):
        if p not in coupling.physical_qubits:
            coupling.add_physical_qubit(p)
    try:
        return transpile(
            logical,
            coupling_map=coupling,
            basis_gates=[*BASIS_1Q, device.two_qubit_gate],
            initial_layout=list(range(logical.num_qubits)),
            optimization_level=OPTIMIZATION_LEVEL,
            seed_transpiler=SEED_TRANSPILER,
        )
    except TranspilerError as exc:
        raise ValueError(
            f"cannot transpile {circuit.name!r} onto region {region} of {device.name}: {exc}"
        ) from exc


# --------------------------------------------------------------------------- scheduling


def _duration_s(name: str, qubits: tuple[int, ...], region: tuple[int, ...], cal: Calibration, op: object) -> float:
    """Calibrated duration of one region-local operation (s)."""
    if name == "delay":
        unit = getattr(op, "unit", "s")
        value = float(getattr(op, "duration", 0.0) or 0.0)
        scale = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "ps": 1e-12}
        if unit not in scale:
            raise ValueError(f"delay in unit {unit!r} is not supported (give seconds)")
        return value * scale[unit]
    if name in VIRTUAL_GATES:
        return 0.0
    physical = tuple(region[p] for p in qubits)
    if name in ("measure", "reset"):
        return cal.readout_duration_s[physical[0]]
    if len(physical) == 1:
        return cal.duration_1q_s[physical[0]]
    if len(physical) == 2:
        return cal.duration_2q_s[edge(*physical)]
    raise ValueError(f"operation {name!r} on {len(physical)} qubits after transpilation")


def asap_schedule(
    transpiled: QuantumCircuit, region: tuple[int, ...], calibration: Calibration
) -> Schedule:
    """ASAP schedule of a region-local transpiled circuit with calibrated durations.

    ``circuit.data`` is already in a topological order of the circuit DAG, so
    one pass suffices: an instruction starts when all its qubits and classical
    bits are free and ends after its duration; a ``barrier`` starts at the
    latest ready time of its qubits and holds them until then.

    Args:
        transpiled: Output of :func:`transpile_to_region`.
        region: Physical qubit of each region position.
        calibration: Durations per qubit and coupler (s).
    """
    n = transpiled.num_qubits
    qready = [0.0] * n
    cready = [0.0] * transpiled.num_clbits
    busy = [0.0] * n
    first = [math.inf] * n
    last = [-math.inf] * n
    starts: list[float] = []
    ends: list[float] = []
    for inst in transpiled.data:
        qubits = tuple(transpiled.find_bit(q).index for q in inst.qubits)
        clbits = tuple(transpiled.find_bit(c).index for c in inst.clbits)
        name = inst.operation.name
        start = max([qready[q] for q in qubits] + [cready[c] for c in clbits], default=0.0)
        if name == "barrier":
            for q in qubits:
                qready[q] = start
            starts.append(start)
            ends.append(start)
            continue
        duration = _duration_s(name, qubits, region, calibration, inst.operation)
        end = start + duration
        for q in qubits:
            qready[q] = end
            if name == "delay":
                continue
            if name not in VIRTUAL_GATES or duration > 0:
                first[q] = min(first[q], start)
                last[q] = max(last[q], end)
            busy[q] += duration
        for c in clbits:
            cready[c] = end
        starts.append(start)
        ends.append(end)
    return Schedule(
        starts=tuple(starts),
        ends=tuple(ends),
        busy_s=tuple(busy),
        first_s=tuple(first),
        last_s=tuple(last),
        makespan_s=max(ends, default=0.0),
    )


# --------------------------------------------------------------------------- estimate


def _score(
    transpiled: QuantumCircuit, region: tuple[int, ...], cal: Calibration, schedule: Schedule
) -> ExactEstimate:
    """ESP of a scheduled region-local circuit (module doc, step 3)."""
    log_1q = log_2q = log_ro = 0.0
    num_1q = num_2q = 0
    for inst in transpiled.data:
        name = inst.operation.name
        phys = tuple(region[transpiled.find_bit(q).index] for q in inst.qubits)
        if name in PULSE_1Q_GATES:
            num_1q += 1
            log_1q += math.log1p(-cal.error_1q[phys[0]])
        elif name == "measure":  # each measurement can misassign
            log_ro += math.log1p(-cal.readout_error[phys[0]])
        elif len(phys) == 2 and name != "barrier":
            num_2q += 1
            log_2q += math.log1p(-cal.error_2q[edge(*phys)])
    idle = schedule.idle_s()
    log_idle = sum(
        math.log(idle_fidelity(t, cal.t1_s[region[p]], cal.t2_s[region[p]]))
        for p, t in enumerate(idle)
        if t > 0
    )
    total = log_1q + log_2q + log_ro + log_idle
    ops = {str(k): int(v) for k, v in transpiled.count_ops().items()}
    return ExactEstimate(
        fidelity=math.exp(total),
        circuit_s=schedule.makespan_s,
        num_1q=num_1q,
        num_2q=num_2q,
        depth=transpiled.depth(filter_function=lambda i: i.operation.name != "barrier"),
        transpiled_ops=dict(sorted(ops.items())),
        idle_s=idle,
        log_fidelity_terms={"1q": log_1q, "2q": log_2q, "readout": log_ro, "idle": log_idle},
    )


def exact_estimate(
    circuit: QuantumCircuit,
    device: Device,
    region: tuple[int, ...],
    calibration: Calibration | None = None,
) -> ExactEstimate:
    """Exact-mode fidelity and duration of ``circuit`` on ``region`` (cached).

    Args:
        circuit: Logical circuit; not modified. It may be wider than the
            region only by qubits no operation touches.
        device: The device (name and two-qubit gate).
        region: Physical qubits; logical qubit ``i`` starts on ``region[i]``.
        calibration: Calibration to use; ``device.calibration`` if ``None``.

    Returns:
        The :class:`ExactEstimate`.

    Raises:
        ValueError: See :func:`transpile_to_region`.
    """
    cal = calibration or device.calibration
    region = tuple(int(q) for q in region)
    key = (circuit_key(circuit), device.name, region, cal.version)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    transpiled = transpile_to_region(circuit, device, region, cal)
    result = _score(transpiled, region, cal, asap_schedule(transpiled, region, cal))
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
    _cache[key] = result
    return result


def circuit_for_profile(profile: CircuitProfile) -> QuantumCircuit | None:
    """Rebuild the circuit a profile was made from, when its source says how.

    * ``source="family:<name>"`` with the profile name ``<name>_<n>`` or
      ``<name>_<n>_seed<s>`` -> :func:`qcloudsim.circuits.families.family_circuit`;
    * ``source="qasm:<path>"`` -> :func:`qcloudsim.circuits.qasm.load_qasm`
      (``None`` if the file no longer exists);
    * anything else -> ``None`` (use the analytic model).
    """
    source = profile.source
    if source.startswith("family:"):
        from qcloudsim.circuits.families import family_circuit

        family = source.removeprefix("family:")
        rest = profile.name.removeprefix(f"{family}_")
        if rest == profile.name:
            return None
        size_text, _, seed_text = rest.partition("_seed")
        try:
            size = int(size_text)
            seed = int(seed_text) if seed_text else 0
            return family_circuit(family, size, seed)
        except ValueError:
            return None
    if source.startswith("qasm:"):
        from qcloudsim.circuits.qasm import load_qasm

        path = source.removeprefix("qasm:")
        if not os.path.exists(path):
            return None
        return load_qasm(path)
    return None

