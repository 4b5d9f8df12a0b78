"""Recorded calibration histories: a device's calibration day by day.

A history is a ``.tar.gz`` archive (or a folder) of IBM ``BackendProperties``
JSON documents, one per calibration snapshot, as IBM's ``backend.properties()``
returns them and as ``data/ibm_perth_calibration_2023H1.tar.gz`` (in the repository)
(181 daily snapshots of ibm_perth, Qonductor repository, MIT) stores them.
Each document has::

    backend_name       "ibm_perth"
    last_update_date   ISO-8601 with UTC offset, "2023-01-03T07:59:44+01:00"
    qubits             per qubit a list of {name, value, unit, date}:
                       T1, T2 (us), readout_error, readout_length (ns), ...
    gates              list of {gate, qubits, parameters: [{name, value, unit}]}
                       with parameters gate_error and gate_length (ns), for
                       id, rz, sx, x, cx (or ecr/cz), reset

Every snapshot is filtered with the same rules as the catalog importer
(:func:`filter_snapshot`, built from the helpers of
:mod:`qcloudsim.devices.importer`: broken couplers with a two-qubit
error outside ``[0, 1)`` are dropped, invalid per-qubit values are replaced by
the snapshot's median, ``T2 > 2 T1`` is clamped); the notes are kept per
snapshot. A coupler dropped on one day is simply absent from that day's
:class:`~qcloudsim.devices.calibration.Calibration`; a day on which every
coupler is broken keeps its snapshot, with no coupler. All snapshots of one
history must describe the same number of qubits.

Units are converted to seconds (``us``/``µs``, ``ns``, ``ms``, ``s``); an
unknown time unit is an error. Parsing uses only the standard library
(``tarfile``, ``json``), no network.

``BackendProperties`` carry no repetition delay or processor name; the
history's :class:`~qcloudsim.devices.device.Device` takes them from the
shipped catalog when the device is in it, else IBM's usual 250 µs
(:data:`qcloudsim.devices.importer.FALLBACK_REP_DELAY_S`).
"""

from __future__ import annotations

import bisect
import json
import os
import tarfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcloudsim.devices.calibration import Calibration, Edge
from qcloudsim.devices.device import Device
from qcloudsim.devices.importer import (
    FALLBACK_REP_DELAY_S,
    TWO_QUBIT_GATES,
    RawBackend,
    SkipBackend,
    filter_calibration,
    majority_gate,
)

__all__ = [
    "CalibrationHistory",
    "HistoryFormatError",
    "filter_snapshot",
    "load_history",
    "parse_properties",
]

TIME_UNITS: Mapping[str, float] = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ns": 1e-9}
"""Seconds per unit for the time units IBM properties use."""

ONE_QUBIT_GATE = "sx"
"""Single-qubit pulse gate read as the 1q calibration (as the importer does)."""


class HistoryFormatError(ValueError):
    """A member of a calibration history is malformed.

    The message names the archive member (or file) and the offending field.

    Attributes:
        member: Archive member or file name.
        field: The field that is missing or invalid, e.g. ``"qubits[3].T1"``.
    """

    def __init__(self, member: str, field: str, detail: str) -> None:
        self.member = member
        self.field = field
        super().__init__(f"{member}: field {field!r}: {detail}")


@dataclass(frozen=True)
class CalibrationHistory:
    """A device's recorded calibration snapshots, sorted by time.

    Attributes:
        device: The device; its calibration is the first snapshot with every
            coupler seen in any snapshot added (taken from the earliest snapshot
            that has it), so its topology is the union of couplers seen.
        snapshots: ``(time_s, calibration)`` sorted by ``last_update_date``;
            ``time_s`` is seconds since the first snapshot (first is ``0.0``).
        timestamps: ISO-8601 ``last_update_date`` of each snapshot.
        members: Archive member (or file) name of each snapshot.
        notes: Filter notes of each snapshot (see the module doc).
    """

    device: Device
    snapshots: tuple[tuple[float, Calibration], ...]
    timestamps: tuple[str, ...]
    members: tuple[str, ...]
    notes: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if not self.snapshots:
            raise ValueError("a calibration history needs at least one snapshot")
        times = [t for t, _ in self.snapshots]
        if any(b < a for a, b in zip(times, times[1:], strict=False)):
            raise ValueError("calibration history snapshots must be sorted by time")
        object.__setattr__(self, "_times", times)

    def __len__(self) -> int:
        return len(self.snapshots)

    def __iter__(self) -> Iterator[tuple[float, Calibration]]:
        return iter(self.snapshots)

    @property
    def times_s(self) -> tuple[float, ...]:
        """Snapshot times in seconds since the first snapshot."""
        return tuple(self._times)  # type: ignore[attr-defined]

    @property
    def duration_s(self) -> float:
        """Time from the first to the last snapshot (s)."""
        return self.snapshots[-1][0]

    def index_at(self, t_s: float) -> int:
        """Index of the snapshot in force at ``t_s``: the latest with time ``<= t_s``.

        Raises:
            ValueError: ``t_s`` is before the first snapshot (negative).
        """
        i = bisect.bisect_right(self._times, t_s) - 1  # type: ignore[attr-defined]
        if i < 0:
            raise ValueError(f"time {t_s} s is before the first calibration snapshot (0 s)")
        return i

    def at(self, t_s: float) -> Calibration:
        """The calibration in force at ``t_s`` seconds after the first snapshot."""
        return self.snapshots[self.index_at(t_s)][1]

    def device_at(self, t_s: float) -> Device:
        """:attr:`device` under the calibration in force at ``t_s``."""
        return self.device.with_calibration(self.at(t_s))


# --------------------------------------------------------------------------- parsing


def _number(member: str, field: str, value: Any) -> float | None:
    """A JSON number as float; ``None`` for JSON null; error for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HistoryFormatError(member, field, f"value {value!r} is not a number")
    return float(value)


def _seconds(member: str, field: str, value: float | None, unit: Any) -> float | None:
    """Convert a time in ``unit`` to seconds."""
    if value is None:
        return None
    factor = TIME_UNITS.get(str(unit).strip())
    if factor is None:
        raise HistoryFormatError(
            member, field, f"unknown time unit {unit!r}; allowed: {', '.join(TIME_UNITS)}"
        )
    return value * factor


def _named_values(member: str, where: str, entries: Any) -> dict[str, tuple[float | None, str]]:
    """``[{name, value, unit}, ...]`` -> ``{name: (value, unit)}`` with checks."""
    if not isinstance(entries, list):
        raise HistoryFormatError(member, where, f"expected a list, got {type(entries).__name__}")
    out: dict[str, tuple[float | None, str]] = {}
    for j, entry in enumerate(entries):
        if not isinstance(entry, dict) or "name" not in entry or "value" not in entry:
            raise HistoryFormatError(
                member, f"{where}[{j}]", "expected an object with 'name' and 'value'"
            )
        name = str(entry["name"])
        out[name] = (_number(member, f"{where}.{name}", entry["value"]), str(entry.get("unit", "")))
    return out


def _qubit_values(member: str, qubits: Any) -> dict[str, list[float | None]]:
    """Per-qubit T1, T2 (s), readout error and readout duration (s)."""
    if not isinstance(qubits, list) or not qubits:
        raise HistoryFormatError(member, "qubits", "expected a non-empty list of per-qubit lists")
    out: dict[str, list[float | None]] = {"t1": [], "t2": [], "ro": [], "ro_d": []}
    for q, entries in enumerate(qubits):
        values = _named_values(member, f"qubits[{q}]", entries)

        def get(name: str, *, time: bool, q: int = q, values: dict = values) -> float | None:
            value, unit = values.get(name, (None, ""))
            if time:
                return _seconds(member, f"qubits[{q}].{name}", value, unit)
            return value

        out["t1"].append(get("T1", time=True))
        out["t2"].append(get("T2", time=True))
        out["ro"].append(get("readout_error", time=False))
        out["ro_d"].append(get("readout_length", time=True))
    return out


def _gate_values(
    member: str, gates: Any, num_qubits: int
) -> tuple[list[float | None], list[float | None], list[tuple[int, int, str, float | None, float | None]]]:
    """``sx`` error and duration per qubit, and directed two-qubit entries."""
    if not isinstance(gates, list):
        raise HistoryFormatError(member, "gates", f"expected a list, got {type(gates).__name__}")
    e1: list[float | None] = [None] * num_qubits
    d1: list[float | None] = [None] * num_qubits
    two: list[tuple[int, int, str, float | None, float | None]] = []
    for i, gate in enumerate(gates):
        where = f"gates[{i}]"
        if not isinstance(gate, dict) or "gate" not in gate or "qubits" not in gate:
            raise HistoryFormatError(member, where, "expected an object with 'gate' and 'qubits'")
        name = str(gate["gate"])
        qubits = gate["qubits"]
        if (
            not isinstance(qubits, list)
            or not qubits
            or any(isinstance(q, bool) or not isinstance(q, int) or not 0 <= q < num_qubits for q in qubits)
        ):
            raise HistoryFormatError(
                member, f"{where}.qubits", f"{qubits!r} is not a list of qubits in 0..{num_qubits - 1}"
            )
        params = _named_values(member, f"{where}({name}).parameters", gate.get("parameters", []))
        error = params.get("gate_error", (None, ""))[0]
        length, unit = params.get("gate_length", (None, "ns"))
        duration = _seconds(member, f"{where}({name}).gate_length", length, unit)
        if name == ONE_QUBIT_GATE and len(qubits) == 1:
            e1[qubits[0]], d1[qubits[0]] = error, duration
        elif name in TWO_QUBIT_GATES and len(qubits) == 2:
            if qubits[0] == qubits[1]:
                raise HistoryFormatError(member, f"{where}.qubits", f"{qubits!r} repeats a qubit")
            two.append((qubits[0], qubits[1], name, error, duration))
    return e1, d1, two


def _parse_time(member: str, text: Any) -> datetime:
    """``last_update_date`` as an aware datetime (naive times are taken as UTC)."""
    if not isinstance(text, str):
        raise HistoryFormatError(member, "last_update_date", f"expected an ISO-8601 string, got {text!r}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise HistoryFormatError(member, "last_update_date", f"not ISO-8601: {text!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_properties(document: Any, member: str = "<properties>") -> tuple[RawBackend, datetime]:
    """Read one ``BackendProperties`` document into an unfiltered :class:`RawBackend`.

    Args:
        document: The decoded JSON object.
        member: Name used in error messages.

    Returns:
        The raw backend (times in seconds, no filtering) and its
        ``last_update_date``.

    Raises:
        HistoryFormatError: A required field is missing or has the wrong type.
    """
    if not isinstance(document, dict):
        raise HistoryFormatError(member, "<root>", "expected a JSON object")
    for key in ("backend_name", "last_update_date", "qubits", "gates"):
        if key not in document:
            raise HistoryFormatError(member, key, "missing")
    moment = _parse_time(member, document["last_update_date"])
    qubits = _qubit_values(member, document["qubits"])
    n = len(qubits["t1"])
    e1, d1, two = _gate_values(member, document["gates"], n)
    name = str(document["backend_name"])
    raw = RawBackend(
        fake_name=name,
        class_name="BackendProperties",
        reported_name=name,
        timestamp=str(document["last_update_date"]),
        rep_delay_s=None,
        processor="",
        t1_s=tuple(qubits["t1"]),
        t2_s=tuple(qubits["t2"]),
        readout_error=tuple(qubits["ro"]),
        readout_duration_s=tuple(qubits["ro_d"]),
        error_1q=tuple(e1),
        duration_1q_s=tuple(d1),
        gate_1q=ONE_QUBIT_GATE,
        two_qubit=tuple(two),
    )
    return raw, moment


def filter_snapshot(raw: RawBackend) -> tuple[Calibration, str | None, tuple[str, ...]]:
    """Apply the catalog importer's filter rules to one snapshot (pure).

    The same rules, in the same order, as :func:`qcloudsim.devices.importer.convert`,
    built from its helpers, with one difference: a snapshot on which *every*
    coupler is broken is kept (with no coupler: the device could run no
    two-qubit gate that day, as on ibm_perth on 2023-06-25) instead of being
    skipped, because a history must not lose days.

    Args:
        raw: Unfiltered snapshot.

    Returns:
        ``(calibration, majority two-qubit gate or None, filter notes)``.

    Raises:
        SkipBackend: A per-qubit error rate or T1/T2 has no valid value on any qubit.
    """
    calibration, couplers, notes = filter_calibration(raw)
    return calibration, (majority_gate(couplers) if couplers else None), notes


def _iter_documents(path: Path) -> Iterator[tuple[str, bytes]]:
    """``(member name, bytes)`` of every ``.json`` file in a tar archive or folder."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        for file in files:
            yield str(file.relative_to(path)), file.read_bytes()
        return
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise ValueError(f"{path}: not a readable tar archive or folder ({exc})") from exc
    with archive:
        for info in sorted(archive.getmembers(), key=lambda m: m.name):
            if not info.isfile() or not info.name.endswith(".json"):
                continue
            handle = archive.extractfile(info)
            if handle is None:  # pragma: no cover - isfile() members always extract
                continue
            yield info.name, handle.read()


def _catalog_defaults(name: str) -> tuple[float, str, str]:
    """``(rep_delay_s, processor, source note)`` of ``name`` from the shipped catalog."""
    from qcloudsim.devices.catalog import UnknownDeviceError, load_catalog

    try:
        device = load_catalog()[name]
    except (UnknownDeviceError, KeyError, FileNotFoundError, ValueError):
        return FALLBACK_REP_DELAY_S, "", "rep delay: documented default"
    return device.rep_delay_s, device.processor, "rep delay and processor from the catalog"


def _union_calibration(snapshots: list[Calibration]) -> Calibration:
    """The first snapshot with every coupler of later snapshots added."""
    first = snapshots[0]
    error_2q: dict[Edge, float] = dict(first.error_2q)
    duration_2q: dict[Edge, float] = dict(first.duration_2q_s)
    for cal in snapshots[1:]:
        for e in cal.error_2q:
            if e not in error_2q:
                error_2q[e] = cal.error_2q[e]
                duration_2q[e] = cal.duration_2q_s[e]
    if len(error_2q) == len(first.error_2q):
        return first
    return Calibration(
        timestamp=first.timestamp,
        t1_s=first.t1_s,
        t2_s=first.t2_s,
        readout_error=first.readout_error,
        readout_duration_s=first.readout_duration_s,
        error_1q=first.error_1q,
        duration_1q_s=first.duration_1q_s,
        error_2q=dict(sorted(error_2q.items())),
        duration_2q_s=dict(sorted(duration_2q.items())),
    )


def load_history(path: str | os.PathLike[str], *, device_name: str | None = None) -> CalibrationHistory:
    """Load a recorded calibration history (see the module doc for the format).

    Args:
        path: A ``.tar``/``.tar.gz`` archive or a folder of ``BackendProperties``
            JSON files (searched recursively).
        device_name: Name of the resulting device; defaults to the
            ``backend_name`` of the snapshots (all must agree then).

    Returns:
        The history, snapshots sorted by ``last_update_date`` (ties by member
        name), times in seconds since the first.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        HistoryFormatError: A member is not JSON, misses a field or has an
            invalid value, has a different qubit count than the others, has
            no valid value of a per-qubit quantity on any qubit, or (without
            ``device_name``) names another
            backend; the message names the member and the field.
        ValueError: The archive cannot be read or holds no JSON member.
    """
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"calibration history {source} does not exist")
    parsed: list[tuple[datetime, str, Calibration, tuple[str, ...], str]] = []
    gates: list[str] = []
    num_qubits: tuple[int, str] | None = None
    for member, data in _iter_documents(source):
        label = f"{source.name}:{member}"
        try:
            document = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HistoryFormatError(label, "<root>", f"not valid JSON ({exc})") from exc
        raw, moment = parse_properties(document, label)
        if num_qubits is None:
            num_qubits = (raw.num_qubits, label)
        elif raw.num_qubits != num_qubits[0]:
            raise HistoryFormatError(
                label,
                "qubits",
                f"{raw.num_qubits} qubits, but {num_qubits[1]} has {num_qubits[0]}; "
                "all snapshots of a history must have the same qubit count",
            )
        try:
            calibration, gate, notes = filter_snapshot(raw)
        except SkipBackend as exc:
            raise HistoryFormatError(label, "qubits", str(exc)) from exc
        parsed.append((moment, member, calibration, notes, raw.reported_name))
        if gate is not None:
            gates.append(gate)
    if not parsed:
        raise ValueError(f"{source}: no .json calibration snapshot found")
    names = sorted({p[4] for p in parsed})
    if device_name is None:
        if len(names) > 1:
            odd = next(p for p in parsed if p[4] != parsed[0][4])
            raise HistoryFormatError(
                f"{source.name}:{odd[1]}",
                "backend_name",
                f"{odd[4]!r} differs from {parsed[0][4]!r}; pass device_name to merge backends",
            )
        device_name = names[0]
    parsed.sort(key=lambda p: (p[0], p[1]))
    start = parsed[0][0]
    calibrations = [p[2] for p in parsed]
    rep_delay, processor, provenance = _catalog_defaults(device_name)
    device = Device(
        name=device_name,
        calibration=_union_calibration(calibrations),
        rep_delay_s=rep_delay,
        two_qubit_gate=Counter(gates).most_common(1)[0][0] if gates else "cx",
        processor=processor,
        source=f"calibration history {source.name} ({len(parsed)} snapshots; {provenance})",
        filtered=tuple(f"{p[1]}: {n}" for p in parsed for n in p[3]),
    )
    return CalibrationHistory(
        device=device,
        snapshots=tuple(((p[0] - start).total_seconds(), p[2]) for p in parsed),
        timestamps=tuple(p[2].timestamp for p in parsed),
        members=tuple(p[1] for p in parsed),
        notes=tuple(p[3] for p in parsed),
    )
