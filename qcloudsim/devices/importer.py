"""Build the device catalog from the offline fake backends of qiskit-ibm-runtime.

The importer has two layers:

* :func:`raw_from_backend` reads one qiskit ``BackendV2`` into a plain
  :class:`RawBackend` (no filtering, no qiskit types afterwards);
* :func:`convert` turns a :class:`RawBackend` into a :class:`Device`, applying
  the filter rules below. It is pure and testable without qiskit.

Filter rules (every replaced or dropped value is recorded as a human-readable
note in ``Device.filtered``):

* two-qubit gate error NaN, missing, ``< 0`` or ``>= 1`` -> that directed entry
  is dropped; a coupler with no valid direction is dropped from the coupling
  graph. Both directions of a coupler collapse to one undirected edge that
  takes the lower error and that direction's duration.
* readout error NaN, missing, ``< 0`` or ``>= 0.5`` (no better than a coin)
  -> device median of the valid readout errors.
* single-qubit (``sx``) error NaN, missing, ``< 0`` or ``>= 1`` -> device median.
* T1 or T2 missing, NaN or ``<= 0`` -> device median of the valid values;
  then T2 ``> 2 * T1`` (physically impossible) -> clamped to ``2 * T1``.
* missing or invalid durations (1q, 2q, readout) -> device median; if the
  device reports none at all, the documented defaults
  :data:`FALLBACK_READOUT_DURATION_S` / :data:`FALLBACK_DURATION_1Q_S` /
  :data:`FALLBACK_DURATION_2Q_S`.
* missing ``default_rep_delay`` -> :data:`FALLBACK_REP_DELAY_S`.

Naming rule: a device is named as IBM named it, i.e. ``properties().backend_name``
when that starts with ``ibm`` (``ibm_brisbane``, ``ibmq_16_melbourne``,
``ibmqx2``); IBM's ``alt_`` prefix for retired devices becomes ``ibm_``
(``alt_cairo`` -> ``ibm_cairo``). The fake name (``fake_brisbane``) and the bare
city name (``brisbane``) are aliases. Backends that are not snapshots of a real
device (:data:`SYNTHETIC_BACKENDS`), have fewer than two qubits, or have no
usable two-qubit coupler are skipped with a reason.

All times are in seconds; errors are probabilities.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import statistics
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from qcloudsim.devices.calibration import Calibration, Edge, edge
from qcloudsim.devices.catalog import DEFAULT_CATALOG_PATH
from qcloudsim.devices.device import Device

__all__ = [
    "DEFAULT_CATALOG_PATH",
    "ImportReport",
    "RawBackend",
    "SkipBackend",
    "convert",
    "import_fake_backends",
    "import_raw",
    "raw_from_backend",
    "write_catalog",
]

CATALOG_FORMAT = 1
"""Version of the catalog file layout written by :func:`write_catalog`."""

TWO_QUBIT_GATES: tuple[str, ...] = ("ecr", "cz", "cx")
"""Native two-qubit gates recognised in a backend target."""

ONE_QUBIT_GATES: tuple[str, ...] = ("sx", "u2")
"""Single-qubit pulse gate used as the 1q calibration, in order of preference.

Pre-2021 backends (``u1/u2/u3`` basis) have no ``sx``; their ``u2`` is a
single pi/2 pulse, the same physical operation.
"""

SYNTHETIC_BACKENDS: Mapping[str, str] = {
    "fake_fractional": "synthetic test backend (a copy of ibmq_lima's calibration), not a real device",
    "fake_nighthawk": "preview backend whose properties qiskit-ibm-runtime says are not typical "
    "error values, not a real device snapshot",
}
"""Fake backends skipped because they do not describe a real device."""

FALLBACK_REP_DELAY_S = 250e-6
"""Repetition delay used when a backend reports none: IBM's ``default_rep_delay``
on nearly all backends (s)."""

FALLBACK_READOUT_DURATION_S = 5.35111e-6
"""Readout duration when a backend reports none (the 2020 ``u2``-basis devices):
the value most IBM Falcon r4 devices reported in March 2021, e.g. ibmq_lima (s)."""

FALLBACK_DURATION_1Q_S = 35.5556e-9
"""Single-qubit pulse duration when a backend reports none: the 2020-era ``u2`` value (s)."""

FALLBACK_DURATION_2Q_S = 400e-9
"""Two-qubit gate duration when a backend reports none: a typical Falcon ``cx`` (s)."""

SIGNIFICANT_DIGITS = 6
"""Floats in the catalog are rounded to this many significant digits."""

READOUT_ERROR_LIMIT = 0.5
"""Readout errors at or above this are no better than guessing and are replaced."""

Number = float | None


@dataclass(frozen=True)
class RawBackend:
    """Unfiltered calibration data of one backend, in plain Python types.

    Attributes:
        fake_name: qiskit name, e.g. ``"fake_brisbane"``.
        class_name: qiskit class, e.g. ``"FakeBrisbane"``.
        reported_name: ``properties().backend_name``, e.g. ``"ibm_brisbane"``.
        timestamp: ISO-8601 ``last_update_date`` of the snapshot.
        rep_delay_s: ``default_rep_delay`` (s) or ``None``.
        processor: ``"Eagle r3"`` style processor name, or ``""``.
        t1_s: T1 per qubit (s), ``None`` if missing.
        t2_s: T2 per qubit (s), ``None`` if missing.
        readout_error: Measurement error per qubit.
        readout_duration_s: Measurement duration per qubit (s).
        error_1q: ``sx`` (or ``u2``) error per qubit.
        duration_1q_s: ``sx`` (or ``u2``) duration per qubit (s).
        gate_1q: Which single-qubit gate was read (``"sx"`` or ``"u2"``).
        two_qubit: Directed entries ``(a, b, gate, error, duration_s)``.
    """

    fake_name: str
    class_name: str
    reported_name: str
    timestamp: str
    rep_delay_s: Number
    processor: str
    t1_s: tuple[Number, ...]
    t2_s: tuple[Number, ...]
    readout_error: tuple[Number, ...]
    readout_duration_s: tuple[Number, ...]
    error_1q: tuple[Number, ...]
    duration_1q_s: tuple[Number, ...]
    gate_1q: str = "sx"
    two_qubit: tuple[tuple[int, int, str, Number, Number], ...] = ()

    @property
    def num_qubits(self) -> int:
        """Number of qubits."""
        return len(self.t1_s)


@dataclass(frozen=True)
class ImportReport:
    """Outcome of an import run.

    Attributes:
        devices: Converted devices, sorted by name.
        skipped: ``(fake_name, reason)`` for every backend not converted.
        aliases: Alias -> catalog name (fake names and bare city names).
        notes: Informational notes per device name that are not filtered values
            (e.g. mixed native two-qubit gates).
        generator: Description of the software that produced the data.
    """

    devices: tuple[Device, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    generator: str = ""

    @property
    def filtered_count(self) -> int:
        """Number of filter notes over all devices.

        One note per filtered value, except a quantity missing on every qubit
        of a device, which is replaced by a documented default under one note.
        """
        return sum(len(d.filtered) for d in self.devices)


class SkipBackend(Exception):
    """Raised by :func:`convert` when a backend cannot become a useful device."""


# --------------------------------------------------------------------------- pure helpers


def round_sig(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Round ``value`` to ``digits`` significant digits (keeps 0 and specials)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def is_error_valid(value: Number, limit: float = 1.0) -> bool:
    """True if ``value`` is a finite probability in ``[0, limit)``."""
    return value is not None and math.isfinite(value) and 0.0 <= value < limit


def is_time_valid(value: Number) -> bool:
    """True if ``value`` is a finite, strictly positive time (s)."""
    return value is not None and math.isfinite(value) and value > 0


def is_duration_valid(value: Number) -> bool:
    """True if ``value`` is a finite, non-negative duration (s)."""
    return value is not None and math.isfinite(value) and value >= 0


def _fmt(value: Number) -> str:
    """Short text for a raw value in a note."""
    if value is None:
        return "missing"
    return f"{value:.6g}"


def fill_invalid(
    values: Sequence[Number],
    valid: Callable[[Number], bool],
    label: str,
    reason: str,
    fallback: float | None = None,
    items: Sequence[str] | None = None,
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Replace invalid per-qubit values by the median of the valid ones.

    Args:
        values: Raw values indexed by qubit.
        valid: Predicate telling a usable value.
        label: Quantity name used in notes, e.g. ``"readout error"``.
        reason: What makes a value invalid, used in notes, e.g. ``">= 0.5"``.
        fallback: Value used for every entry when none is valid (one summary
            note); ``None`` raises :class:`SkipBackend` instead.
        items: Names of the entries in notes; default ``"qubit <i>"``.

    Returns:
        The cleaned values and one note per replaced value.
    """
    if not values:
        return (), ()
    names = items if items is not None else [f"qubit {i}" for i in range(len(values))]
    good = [float(v) for v in values if valid(v)]  # type: ignore[arg-type]
    if not good:
        if fallback is None:
            raise SkipBackend(f"no valid {label} on any qubit")
        value = round_sig(fallback)
        note = f"{label} missing or invalid on all {len(values)} entries, documented default {value:.6g} used"
        return (value,) * len(values), (note,)
    replacement = round_sig(statistics.median(good))
    out: list[float] = []
    notes: list[str] = []
    for item, raw in zip(names, values, strict=True):
        if valid(raw):
            out.append(round_sig(float(raw)))  # type: ignore[arg-type]
            continue
        out.append(replacement)
        what = f"{label} missing" if raw is None else f"{label} {raw:.6g} ({reason})"
        notes.append(f"{item}: {what}, replaced by device median {replacement:.6g}")
    return tuple(out), tuple(notes)


def clamp_t2(
    t1_s: Sequence[float], t2_s: Sequence[float]
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Clamp T2 to the physical limit ``2 * T1`` (s), with a note per clamped qubit."""
    out: list[float] = []
    notes: list[str] = []
    for qubit, (t1, t2) in enumerate(zip(t1_s, t2_s, strict=True)):
        limit = 2 * t1  # not rounded: must not exceed 2*T1
        if t2 > limit:
            out.append(limit)
            notes.append(
                f"qubit {qubit}: T2 {t2 * 1e6:.6g} us > 2*T1 = {limit * 1e6:.6g} us, clamped to 2*T1"
            )
        else:
            out.append(t2)
    return tuple(out), tuple(notes)


def collapse_couplers(
    entries: Iterable[tuple[int, int, str, Number, Number]],
) -> tuple[dict[Edge, tuple[float, Number, str]], tuple[str, ...]]:
    """Collapse directed two-qubit entries into undirected couplers.

    Invalid entries (error missing, NaN, ``< 0`` or ``>= 1``) are dropped; of the
    remaining directions of one coupler the lower error wins, with its duration.

    Args:
        entries: ``(a, b, gate, error, duration_s)`` per directed qubit pair.

    Returns:
        ``{(a, b): (error, duration_s or None, gate)}`` and notes for every
        coupler dropped because no direction was valid.
    """
    best: dict[Edge, tuple[float, Number, str]] = {}
    bad: dict[Edge, list[str]] = {}
    for a, b, gate, error, duration in entries:
        key = edge(a, b)
        if not is_error_valid(error):
            bad.setdefault(key, []).append(f"{gate} error {_fmt(error)}")
            continue
        current = best.get(key)
        if current is None or error < current[0]:  # type: ignore[operator]
            best[key] = (float(error), duration, gate)  # type: ignore[arg-type]
    notes = tuple(
        f"coupler {key}: {', '.join(sorted(set(reasons)))} outside [0, 1) (broken), coupler dropped"
        for key, reasons in sorted(bad.items())
        if key not in best
    )
    return best, notes


def majority_gate(couplers: Mapping[Edge, tuple[float, Number, str]]) -> str:
    """The native two-qubit gate used by most couplers (ties: ecr, cz, cx order)."""
    counts = {g: 0 for g in TWO_QUBIT_GATES}
    for _, _, gate in couplers.values():
        counts[gate] = counts.get(gate, 0) + 1
    return max(counts, key=lambda g: (counts[g], -TWO_QUBIT_GATES.index(g)))


def fill_coupler_durations(
    couplers: Mapping[Edge, tuple[float, Number, str]],
) -> tuple[dict[Edge, float], dict[Edge, float], tuple[str, ...]]:
    """Split couplers into error/duration maps, replacing missing durations by the median."""
    keys = sorted(couplers)
    durations, notes = fill_invalid(
        [couplers[k][1] for k in keys],
        is_duration_valid,
        "2q duration (s)",
        "invalid",
        fallback=FALLBACK_DURATION_2Q_S,
        items=[f"coupler {k}" for k in keys],
    )
    errors = {k: round_sig(couplers[k][0]) for k in keys}
    return errors, dict(zip(keys, durations, strict=True)), notes


def catalog_name(reported_name: str, fake_name: str) -> str:
    """The real IBM name of a device (see the module docstring for the rule)."""
    if reported_name.startswith("ibm"):
        return reported_name
    if reported_name.startswith("alt_"):
        return "ibm_" + reported_name.removeprefix("alt_")
    return "ibm_" + fake_name.removeprefix("fake_")


def aliases_for(name: str, fake_name: str) -> dict[str, str]:
    """Aliases of a catalog name: the fake name and the bare city name."""
    bare = fake_name.removeprefix("fake_")
    return {alias: name for alias in (fake_name, bare) if alias != name}


def processor_label(processor_type: Mapping[str, Any] | None) -> str:
    """``{'family': 'Eagle', 'revision': 3}`` -> ``"Eagle r3"`` (segment appended, e.g. ``r4T``)."""
    if not processor_type or not processor_type.get("family"):
        return ""
    label = str(processor_type["family"])
    if processor_type.get("revision") not in (None, ""):
        label += f" r{processor_type['revision']}{processor_type.get('segment', '')}"
    return label


def filter_calibration(raw: RawBackend) -> tuple[Calibration, dict, tuple[str, ...]]:
    """Apply the filter rules to one raw snapshot (see the module doc).

    Returns:
        ``(calibration, couplers, notes)``: the filtered calibration, the
        collapsed couplers (empty when every coupler is broken) and a note
        per filtered value. Shared by the catalog importer and the
        calibration-history loader.

    Raises:
        SkipBackend: A per-qubit error rate or T1/T2 has no valid value on any qubit.
    """
    couplers, notes_2q = collapse_couplers(raw.two_qubit)
    error_2q, duration_2q, notes_d2q = fill_coupler_durations(couplers)
    t1, n_t1 = fill_invalid(raw.t1_s, is_time_valid, "T1 (s)", "not > 0")
    t2, n_t2 = fill_invalid(raw.t2_s, is_time_valid, "T2 (s)", "not > 0")
    t2, n_clamp = clamp_t2(t1, t2)
    ro, n_ro = fill_invalid(
        raw.readout_error,
        lambda v: is_error_valid(v, READOUT_ERROR_LIMIT),
        "readout error",
        f"outside [0, {READOUT_ERROR_LIMIT:g})",
    )
    e1, n_e1 = fill_invalid(raw.error_1q, is_error_valid, f"{raw.gate_1q} error", "outside [0, 1)")
    ro_d, n_ro_d = fill_invalid(
        raw.readout_duration_s, is_duration_valid, "readout duration", "missing", fallback=FALLBACK_READOUT_DURATION_S
    )
    d1, n_d1 = fill_invalid(
        raw.duration_1q_s, is_duration_valid, f"{raw.gate_1q} duration", "missing", fallback=FALLBACK_DURATION_1Q_S
    )
    calibration = Calibration(
        timestamp=raw.timestamp,
        t1_s=t1,
        t2_s=t2,
        readout_error=ro,
        readout_duration_s=ro_d,
        error_1q=e1,
        duration_1q_s=d1,
        error_2q=error_2q,
        duration_2q_s=duration_2q,
    )
    notes = notes_2q + notes_d2q + n_t1 + n_t2 + n_clamp + n_ro + n_e1 + n_ro_d + n_d1
    return calibration, couplers, notes


def convert(raw: RawBackend, source: str) -> Device:
    """Filter a :class:`RawBackend` into a :class:`Device` (pure).

    Args:
        raw: Unfiltered backend data.
        source: Provenance string stored on the device.

    Raises:
        SkipBackend: Fewer than two qubits, no valid coupler, or no valid
            value at all for an error rate or T1/T2.
    """
    if raw.num_qubits < 2:
        raise SkipBackend(f"{raw.num_qubits} qubit(s): no two-qubit coupler")
    if not raw.two_qubit:
        raise SkipBackend("no native two-qubit gate (ecr, cz or cx) in the target")
    calibration, couplers, notes_cal = filter_calibration(raw)
    if not couplers:
        raise SkipBackend(
            f"all {len(raw.two_qubit)} two-qubit gate entries are broken (error >= 1)"
        )
    rep_delay = raw.rep_delay_s
    n_rep: tuple[str, ...] = ()
    if rep_delay is None or not is_duration_valid(rep_delay):
        n_rep = (f"default_rep_delay {_fmt(rep_delay)}, using {FALLBACK_REP_DELAY_S:.6g} s",)
        rep_delay = FALLBACK_REP_DELAY_S
    notes = notes_cal + n_rep
    return Device(
        name=catalog_name(raw.reported_name, raw.fake_name),
        calibration=calibration,
        rep_delay_s=round_sig(rep_delay),
        two_qubit_gate=majority_gate(couplers),
        processor=raw.processor,
        source=source,
        filtered=notes,
    )


def mixed_gate_note(raw: RawBackend) -> str | None:
    """A note when a backend uses more than one native two-qubit gate, else ``None``."""
    gates = sorted({gate for _, _, gate, _, _ in raw.two_qubit})
    if len(gates) < 2:
        return None
    counts = {g: len({edge(a, b) for a, b, gg, _, _ in raw.two_qubit if gg == g}) for g in gates}
    detail = ", ".join(f"{g} on {n} couplers" for g, n in counts.items())
    return f"mixed native two-qubit gates ({detail}); all kept, device lists the majority gate"


# --------------------------------------------------------------------------- qiskit layer


def runtime_version() -> str:
    """Installed qiskit-ibm-runtime version, or ``"unknown"`` (no import needed)."""
    try:
        return metadata.version("qiskit-ibm-runtime")
    except metadata.PackageNotFoundError:
        return "unknown"


def generator_string() -> str:
    """The ``generator`` field of the catalog: producing software and data versions."""
    from qcloudsim import __version__

    return f"qcloudsim {__version__} devices importer; qiskit-ibm-runtime {runtime_version()} fake backends"


def _props(target: Any, gate: str, qargs: tuple[int, ...]) -> tuple[Number, Number]:
    """``(error, duration_s)`` of ``gate`` on ``qargs`` in a qiskit Target, ``None`` if absent."""
    if gate not in target:
        return None, None
    props = target[gate].get(qargs)
    if props is None:
        return None, None
    return props.error, props.duration


def raw_from_backend(backend: Any) -> RawBackend:
    """Read a qiskit-ibm-runtime fake ``BackendV2`` into a :class:`RawBackend`.

    Uses ``backend.target`` for qubit and instruction properties (seconds),
    ``properties()`` for the name and timestamp, ``configuration()`` for the
    repetition delay and processor type.
    """
    target = backend.target
    n = backend.num_qubits
    props = backend.properties()
    config = backend.configuration()
    qubit_props = target.qubit_properties or [None] * n
    gate_1q = next((g for g in ONE_QUBIT_GATES if g in target), "sx")
    one_q = [_props(target, gate_1q, (q,)) for q in range(n)]
    meas = [_props(target, "measure", (q,)) for q in range(n)]
    two_qubit = tuple(
        (int(a), int(b), gate, p.error if p else None, p.duration if p else None)
        for gate in TWO_QUBIT_GATES
        if gate in target
        for (a, b), p in sorted(target[gate].items())
    )
    timestamp = props.last_update_date.isoformat() if props is not None else ""
    return RawBackend(
        fake_name=backend.name,
        class_name=type(backend).__name__,
        reported_name=getattr(props, "backend_name", "") or backend.name,
        timestamp=timestamp,
        rep_delay_s=getattr(config, "default_rep_delay", None),
        processor=processor_label(getattr(config, "processor_type", None)),
        t1_s=tuple(getattr(qp, "t1", None) for qp in qubit_props),
        t2_s=tuple(getattr(qp, "t2", None) for qp in qubit_props),
        readout_error=tuple(e for e, _ in meas),
        readout_duration_s=tuple(d for _, d in meas),
        error_1q=tuple(e for e, _ in one_q),
        duration_1q_s=tuple(d for _, d in one_q),
        gate_1q=gate_1q,
        two_qubit=two_qubit,
    )


def fake_backends() -> list[Any]:
    """All fake backends of ``FakeProviderForBackendV2`` (imports qiskit-ibm-runtime)."""
    from qiskit_ibm_runtime.fake_provider import FakeProviderForBackendV2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(FakeProviderForBackendV2().backends())


def guessed_names(fake_name: str) -> set[str]:
    """Names a fake backend can be asked for, known without loading its properties."""
    bare = fake_name.removeprefix("fake_")
    return {fake_name, bare, f"ibm_{bare}", f"ibmq_{bare}"}


def raw_names(raw: RawBackend) -> set[str]:
    """Catalog name and aliases of a raw backend, lower-case."""
    name = catalog_name(raw.reported_name, raw.fake_name)
    return {n.lower() for n in (name, *aliases_for(name, raw.fake_name))}


def select_backends(backends: Sequence[Any], names: Iterable[str] | None) -> list[RawBackend]:
    """Read the backends selected by ``names`` (fake, catalog or bare names, any case).

    Loading a backend's properties is slow, so names are first matched against
    :func:`guessed_names`; only if some name is left over are all backends read.

    Raises:
        ValueError: A name matches no backend.
    """
    if not names:
        return [raw_from_backend(b) for b in backends]
    wanted = {n.lower() for n in names}
    cheap = [b for b in backends if guessed_names(b.name) & wanted]
    if wanted <= set().union(*(guessed_names(b.name) for b in cheap)):
        return [raw_from_backend(b) for b in cheap]
    raws = [raw_from_backend(b) for b in backends]
    unknown = sorted(wanted - set().union(*(raw_names(r) for r in raws)))
    if unknown:
        raise ValueError(f"no qiskit-ibm-runtime fake backend named {', '.join(unknown)}")
    return [r for r in raws if raw_names(r) & wanted]


def import_raw(raws: Iterable[RawBackend], version: str) -> ImportReport:
    """Convert raw backends, collecting skips, aliases and notes (pure).

    Args:
        raws: Unfiltered backends.
        version: qiskit-ibm-runtime version for the ``source`` strings.
    """
    devices: dict[str, Device] = {}
    skipped: list[tuple[str, str]] = []
    aliases: dict[str, str] = {}
    notes: dict[str, tuple[str, ...]] = {}
    for raw in raws:
        if raw.fake_name in SYNTHETIC_BACKENDS:
            skipped.append((raw.fake_name, SYNTHETIC_BACKENDS[raw.fake_name]))
            continue
        try:
            device = convert(raw, f"qiskit-ibm-runtime {version} {raw.class_name}")
        except SkipBackend as exc:
            skipped.append((raw.fake_name, str(exc)))
            continue
        if device.name in devices:
            skipped.append((raw.fake_name, f"duplicate of catalog name {device.name!r}"))
            continue
        devices[device.name] = device
        aliases.update(aliases_for(device.name, raw.fake_name))
        note = mixed_gate_note(raw)
        if note:
            notes[device.name] = (note,)
    return ImportReport(
        devices=tuple(devices[k] for k in sorted(devices)),
        skipped=tuple(sorted(skipped)),
        aliases=dict(sorted(aliases.items())),
        notes=notes,
        generator=generator_string(),
    )


def import_fake_backends(names: Iterable[str] | None = None) -> ImportReport:
    """Convert the qiskit-ibm-runtime fake backends into devices.

    Args:
        names: Restrict to these backends (fake, catalog or bare names);
            ``None`` imports all.

    Raises:
        ModuleNotFoundError: qiskit-ibm-runtime is not installed.
        ValueError: A requested name matches no fake backend.
    """
    raws = select_backends(fake_backends(), names)
    return import_raw(raws, runtime_version())


# --------------------------------------------------------------------------- catalog file


def catalog_payload(
    devices: Iterable[Device],
    aliases: Mapping[str, str] | None = None,
    generator: str | None = None,
) -> dict[str, Any]:
    """The JSON document of a catalog file (devices sorted by name)."""
    ordered = sorted(devices, key=lambda d: d.name)
    names = {d.name for d in ordered}
    return {
        "format": CATALOG_FORMAT,
        "generator": generator if generator is not None else generator_string(),
        "aliases": {k: v for k, v in sorted((aliases or {}).items()) if v in names},
        "devices": [d.to_dict() for d in ordered],
    }


def write_catalog(
    devices: Iterable[Device],
    path: str | os.PathLike[str],
    *,
    aliases: Mapping[str, str] | None = None,
    generator: str | None = None,
) -> Path:
    """Write a gzip JSON catalog atomically and deterministically.

    The file is written to a temporary file in the same directory and moved
    into place with :func:`os.replace`. Keys and devices are sorted and the
    gzip header carries no timestamp or file name, so the same input gives
    identical bytes.

    Args:
        devices: Devices to store.
        path: Destination (``.json.gz``).
        aliases: Alias -> device name; aliases of absent devices are dropped.
        generator: Producing software; defaults to :func:`generator_string`.

    Returns:
        The destination path.
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        catalog_payload(devices, aliases, generator), sort_keys=True, separators=(",", ":")
    )
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with (
            os.fdopen(fd, "wb") as raw_file,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw_file, mtime=0) as gz,
        ):
            gz.write(text.encode("utf-8"))
        mode = dest.stat().st_mode & 0o777 if dest.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
