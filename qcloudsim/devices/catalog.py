"""The device catalog shipped with qcloudsim, and what-if devices from specs.

:func:`load_catalog` reads ``data/ibm_fake_backends.json.gz`` (built by
:mod:`qcloudsim.devices.importer` from the qiskit-ibm-runtime fake backends)
without importing qiskit. :func:`device_from_spec` builds a hypothetical
device from YAML-style data.

Units: catalog data is in seconds; spec fields carry their unit in their name
(``t1_us``, ``duration_2q_ns``, ...).
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import rustworkx as rx

from qcloudsim.devices.calibration import Calibration, Edge, edge
from qcloudsim.devices.device import Device

DEFAULT_CATALOG_PATH = Path(__file__).parent / "data" / "ibm_fake_backends.json.gz"
"""The catalog shipped with the package."""

SUPPORTED_FORMATS = frozenset({1})
"""Catalog file format versions this module reads."""

LIST_HINT = "run `qcloudsim devices list` to see the available devices"


class UnknownDeviceError(KeyError, ValueError):
    """A device name that is neither in the catalog nor an alias.

    Subclasses both :class:`KeyError` (mapping lookups) and :class:`ValueError`
    (config validation), so either ``except`` catches it.

    Attributes:
        name: The name asked for.
        suggestions: Close catalog names (may be empty).
    """

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = ""
        if self.suggestions:
            hint = " Did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(f"unknown device {name!r}.{hint} ({LIST_HINT})")

    def __str__(self) -> str:
        return str(self.args[0])


class DeviceCatalog:
    """A read-only set of devices addressable by name or alias.

    Iteration yields devices sorted by name. Lookups accept catalog names
    (``ibm_brisbane``), aliases (``fake_brisbane``, ``brisbane``), in any case.
    """

    def __init__(
        self,
        devices: Sequence[Device],
        aliases: Mapping[str, str] | None = None,
        *,
        generator: str = "",
        path: Path | None = None,
    ) -> None:
        """Build a catalog.

        Args:
            devices: Devices; names must be unique.
            aliases: Alias -> device name.
            generator: Software that produced the data (from the file).
            path: File the catalog was read from, if any.
        """
        self._devices = {d.name: d for d in sorted(devices, key=lambda d: d.name)}
        if len(self._devices) != len(devices):
            raise ValueError("device catalog has duplicate device names")
        self._aliases = {k: v for k, v in (aliases or {}).items() if v in self._devices}
        self._folded = {k.lower(): k for k in self._devices}
        self._folded.update({k.lower(): v for k, v in self._aliases.items()})
        self.generator = generator
        self.path = path

    def names(self) -> list[str]:
        """Catalog names, sorted."""
        return list(self._devices)

    @property
    def aliases(self) -> dict[str, str]:
        """Alias -> catalog name."""
        return dict(self._aliases)

    def resolve(self, name: str) -> str:
        """The catalog name for ``name`` (a name or alias, any case).

        Raises:
            UnknownDeviceError: ``name`` is not known; the message suggests
                close matches.
        """
        if name in self._devices:
            return name
        if name in self._aliases:
            return self._aliases[name]
        folded = self._folded.get(str(name).lower())
        if folded is not None:
            return self._devices[folded].name if folded in self._devices else folded
        raise UnknownDeviceError(str(name), self.suggest(str(name)))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` catalog names close to ``name`` (difflib), via names and aliases."""
        matches = difflib.get_close_matches(name.lower(), list(self._folded), n=n * 2, cutoff=0.6)
        out: list[str] = []
        for match in matches:
            canonical = self._folded[match]
            if canonical not in out:
                out.append(canonical)
        return out[:n]

    def get(self, name: str) -> Device:
        """The device called ``name`` (name or alias).

        Raises:
            UnknownDeviceError: Unknown name.
        """
        return self._devices[self.resolve(name)]

    def __getitem__(self, name: str) -> Device:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self.resolve(name)
        except UnknownDeviceError:
            return False
        return True

    def __iter__(self) -> Iterator[Device]:
        return iter(self._devices.values())

    def __len__(self) -> int:
        return len(self._devices)

    def __repr__(self) -> str:
        return f"DeviceCatalog({len(self)} devices)"


def read_catalog_file(path: str | os.PathLike[str]) -> DeviceCatalog:
    """Read a gzip JSON catalog file (format written by ``importer.write_catalog``).

    Raises:
        ValueError: Unsupported format or malformed content.
    """
    file = Path(path)
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    fmt = data.get("format")
    if fmt not in SUPPORTED_FORMATS:
        raise ValueError(f"{file}: unsupported catalog format {fmt!r} (supported: 1)")
    devices = [Device.from_dict(d) for d in data.get("devices", [])]
    return DeviceCatalog(
        devices, data.get("aliases", {}), generator=str(data.get("generator", "")), path=file
    )


@functools.lru_cache(maxsize=1)
def _default_catalog() -> DeviceCatalog:
    """The shipped catalog, read once per process."""
    return read_catalog_file(DEFAULT_CATALOG_PATH)


def load_catalog(path: str | os.PathLike[str] | None = None) -> DeviceCatalog:
    """Load a device catalog; no qiskit import.

    Args:
        path: Catalog file; ``None`` loads the shipped catalog (cached).
    """
    if path is None:
        return _default_catalog()
    return read_catalog_file(path)


# --------------------------------------------------------------------------- what-if devices

SPEC_DEFAULTS: Mapping[str, float] = {
    "t1_us": 230.0,
    "t2_us": 150.0,
    "readout_error": 0.02,
    "error_1q": 2.4e-4,
    "error_2q": 7.7e-3,
    "duration_1q_ns": 60.0,
    "duration_2q_ns": 660.0,
    "readout_duration_ns": 1300.0,
    "rep_delay_us": 250.0,
}
"""Values used for omitted spec fields: typical IBM Eagle r3 numbers, the medians
of ``ibm_brisbane`` (snapshot 2025-02-26, ``ecr`` native gate) in the shipped
catalog, rounded to two digits."""

PER_QUBIT_FIELDS: Mapping[str, float] = {
    "t1_us": 1e6,
    "t2_us": 1e6,
    "readout_error": 1.0,
    "error_1q": 1.0,
    "duration_1q_ns": 1e9,
    "readout_duration_ns": 1e9,
}
"""Per-qubit spec fields and the divisor converting them to SI units."""

PER_EDGE_FIELDS: Mapping[str, float] = {"error_2q": 1.0, "duration_2q_ns": 1e9}
"""Per-coupler spec fields and the divisor converting them to SI units."""

TOPOLOGIES = ("line", "ring", "grid", "heavy_hex")
"""Named topologies accepted by :func:`device_from_spec`."""

SPEC_KEYS = frozenset(
    {"name", "edges", "topology", "num_qubits", "rows", "cols", "distance", "two_qubit_gate"}
    | {"processor", "timestamp", "rep_delay_us"}
    | set(PER_QUBIT_FIELDS)
    | set(PER_EDGE_FIELDS)
)


def _fail(where: str, field: str, expected: str, got: Any) -> ValueError:
    """A ValueError naming the field, what was expected and what was given."""
    prefix = f"{where}: " if where else ""
    return ValueError(f"{prefix}{field}: expected {expected}, got {got!r}")


def _int(spec: Mapping[str, Any], key: str, where: str, minimum: int) -> int:
    """A required integer field ``>= minimum``."""
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(where, key, f"an integer >= {minimum}", value)
    return value


def _number(value: Any, key: str, where: str) -> float:
    """A finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, key, "a finite number", value)
    return float(value)


def _edges_from_list(spec: Mapping[str, Any], where: str) -> tuple[int, list[Edge]]:
    """Qubit count and couplers from an explicit ``edges`` list (order kept)."""
    raw = spec["edges"]
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "edges", "a non-empty list of [a, b] qubit pairs", raw)
    edges: list[Edge] = []
    for i, pair in enumerate(raw):
        ok = isinstance(pair, list | tuple) and len(pair) == 2
        ok = ok and all(isinstance(q, int) and not isinstance(q, bool) and q >= 0 for q in pair)
        if not ok or pair[0] == pair[1]:
            raise _fail(where, f"edges[{i}]", "a pair [a, b] of distinct qubit indices >= 0", pair)
        e = edge(pair[0], pair[1])
        if e in edges:
            raise _fail(where, f"edges[{i}]", "each coupler listed once", pair)
        edges.append(e)
    needed = max(b for _, b in edges) + 1
    n = spec.get("num_qubits", needed)
    if isinstance(n, bool) or not isinstance(n, int) or n < needed:
        raise _fail(where, "num_qubits", f"an integer >= {needed} (highest qubit in edges + 1)", n)
    return n, edges


def _topology_graph(spec: Mapping[str, Any], where: str) -> nx.Graph:
    """The coupling graph of a named topology (networkx / rustworkx generators)."""
    kind = spec["topology"]
    if kind == "line":
        return nx.path_graph(_int(spec, "num_qubits", where, 2))
    if kind == "ring":
        return nx.cycle_graph(_int(spec, "num_qubits", where, 3))
    if kind == "grid":
        rows, cols = _int(spec, "rows", where, 1), _int(spec, "cols", where, 1)
        if rows * cols < 2:
            raise _fail(where, "rows", "rows * cols >= 2", rows)
        return nx.convert_node_labels_to_integers(nx.grid_2d_graph(rows, cols), ordering="sorted")
    if kind == "heavy_hex":
        d = spec.get("distance")
        if isinstance(d, bool) or not isinstance(d, int) or d < 3 or d % 2 == 0:
            raise _fail(where, "distance", "an odd integer >= 3 (heavy-hex code distance)", d)
        graph = nx.Graph()
        rgraph = rx.generators.heavy_hex_graph(d)
        graph.add_nodes_from(rgraph.node_indices())
        graph.add_edges_from(rgraph.edge_list())
        return graph
    raise _fail(where, "topology", f"one of {', '.join(TOPOLOGIES)}", kind)


def _edges_from_topology(spec: Mapping[str, Any], where: str) -> tuple[int, list[Edge]]:
    """Qubit count and sorted couplers of a named topology."""
    graph = _topology_graph(spec, where)
    n = graph.number_of_nodes()
    given = spec.get("num_qubits", n)
    if given != n:
        raise _fail(
            where, "num_qubits", f"{n} for this {spec['topology']} topology (or omit it)", given
        )
    return n, sorted(edge(a, b) for a, b in graph.edges)


def _values(
    spec: Mapping[str, Any], key: str, count: int, what: str, where: str
) -> tuple[float, ...]:
    """A scalar or length-``count`` list field, in the unit of the spec (no scaling)."""
    value = spec.get(key, SPEC_DEFAULTS[key])
    if isinstance(value, list | tuple):
        if len(value) != count:
            raise _fail(
                where, key, f"a number or a list of {count} numbers (one per {what})", value
            )
        return tuple(_number(v, f"{key}[{i}]", where) for i, v in enumerate(value))
    return (_number(value, key, where),) * count


FIELD_RULES: Mapping[str, tuple[Callable[[float], bool], str]] = {
    "t1_us": (lambda v: v > 0, "a time > 0 (microseconds)"),
    "t2_us": (lambda v: v > 0, "a time > 0 (microseconds)"),
    "readout_error": (lambda v: 0 <= v < 1, "a probability in [0, 1)"),
    "error_1q": (lambda v: 0 <= v < 1, "a probability in [0, 1)"),
    "error_2q": (lambda v: 0 <= v < 1, "a probability in [0, 1)"),
    "duration_1q_ns": (lambda v: v >= 0, "a duration >= 0 (nanoseconds)"),
    "duration_2q_ns": (lambda v: v >= 0, "a duration >= 0 (nanoseconds)"),
    "readout_duration_ns": (lambda v: v >= 0, "a duration >= 0 (nanoseconds)"),
}
"""Validity test and expectation text of every calibration spec field."""


def _checked(
    spec: Mapping[str, Any], key: str, count: int, what: str, where: str
) -> tuple[float, ...]:
    """A calibration field, validated by :data:`FIELD_RULES` and converted to SI units."""
    values = _values(spec, key, count, what, where)
    ok, expected = FIELD_RULES[key]
    for i, v in enumerate(values):
        if not ok(v):
            label = (
                key if count == 1 or not isinstance(spec.get(key), list | tuple) else f"{key}[{i}]"
            )
            raise _fail(where, label, expected, v)
    divisor = PER_QUBIT_FIELDS.get(key) or PER_EDGE_FIELDS[key]
    return tuple(v / divisor for v in values)


def device_from_spec(spec: Mapping[str, Any], *, where: str = "") -> Device:
    """Build a what-if device from YAML-style data.

    Fields: ``name`` (required); ``edges`` (list of ``[a, b]``) or ``topology``
    (``line``/``ring`` with ``num_qubits``, ``grid`` with ``rows``/``cols``,
    ``heavy_hex`` with an odd ``distance``); optional ``num_qubits``,
    ``two_qubit_gate`` (default ``"ecr"``), ``processor``, ``timestamp``.
    Calibration fields are a scalar (all qubits/couplers) or a list: per qubit
    ``t1_us``, ``t2_us``, ``readout_error``, ``error_1q``, ``duration_1q_ns``,
    ``readout_duration_ns``; per coupler ``error_2q``, ``duration_2q_ns`` (in
    the order of ``edges`` as written, or sorted ``(a, b)`` pairs for a
    ``topology``); scalar ``rep_delay_us``. Omitted fields take
    :data:`SPEC_DEFAULTS` (typical IBM Eagle r3 values).

    Args:
        spec: The data.
        where: Location prefixed to error messages (e.g. ``"fleet.yaml: devices[2]"``).

    Raises:
        ValueError: A field is missing, unknown or out of range; the message
            names the field and what was expected.
    """
    if not isinstance(spec, Mapping):
        raise _fail(where, "device", "a mapping of device fields", spec)
    unknown = sorted(str(k) for k in set(spec) - SPEC_KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(SPEC_KEYS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        prefix = f"{where}: " if where else ""
        raise ValueError(
            f"{prefix}{unknown[0]}: unknown device field ({hint}known fields: "
            f"{', '.join(sorted(SPEC_KEYS))})"
        )
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(where, "name", "a non-empty string", name)
    if ("edges" in spec) == ("topology" in spec):
        raise _fail(where, "edges/topology", "exactly one of 'edges' or 'topology'", None)
    n, edges = (
        _edges_from_list(spec, where) if "edges" in spec else _edges_from_topology(spec, where)
    )
    per_qubit = {k: _checked(spec, k, n, "qubit", where) for k in PER_QUBIT_FIELDS}
    per_edge = {k: _checked(spec, k, len(edges), "coupler", where) for k in PER_EDGE_FIELDS}
    for q, (t1, t2) in enumerate(zip(per_qubit["t1_us"], per_qubit["t2_us"], strict=True)):
        if t2 > 2 * t1 * (1 + 1e-12):
            expected = f"T2 <= 2 * T1 = {2 * t1 * 1e6:g} on qubit {q} (microseconds)"
            raise _fail(where, "t2_us", expected, t2 * 1e6)
    rep_delay = _number(
        spec.get("rep_delay_us", SPEC_DEFAULTS["rep_delay_us"]), "rep_delay_us", where
    )
    if rep_delay < 0:
        raise _fail(where, "rep_delay_us", ">= 0", rep_delay)
    gate = spec.get("two_qubit_gate", "ecr")
    if gate not in ("ecr", "cx", "cz"):
        raise _fail(where, "two_qubit_gate", "one of ecr, cx, cz", gate)
    calibration = Calibration(
        timestamp=str(spec.get("timestamp", "")),
        t1_s=per_qubit["t1_us"],
        t2_s=per_qubit["t2_us"],
        readout_error=per_qubit["readout_error"],
        readout_duration_s=per_qubit["readout_duration_ns"],
        error_1q=per_qubit["error_1q"],
        duration_1q_s=per_qubit["duration_1q_ns"],
        error_2q=dict(zip(edges, per_edge["error_2q"], strict=True)),
        duration_2q_s=dict(zip(edges, per_edge["duration_2q_ns"], strict=True)),
    )
    return Device(
        name=name,
        calibration=calibration,
        rep_delay_s=rep_delay / 1e6,
        two_qubit_gate=gate,
        processor=str(spec.get("processor", "")),
        source=f"what-if spec{f' ({where})' if where else ''}",
    )
