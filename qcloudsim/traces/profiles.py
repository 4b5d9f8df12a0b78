"""Circuit profiles for trace rows: synthesised from sizes, or resolved from a reference.

A trace row either names its circuit (``circuit`` column: a benchmark family
reference such as ``qft_12`` / ``random_8_seed3``, or an OpenQASM file path)
or carries only sizes (``num_qubits``, ``depth``, ``num_2q_gates`` and
optionally ``depth_2q``, ``num_1q_gates``, ``num_measured``).

:func:`synthesize_profile` turns sizes into a valid
:class:`~qcloudsim.circuits.profile.CircuitProfile` deterministically (no
randomness at all; same arguments, same profile) with these documented
assumptions, since a trace that records sizes says nothing about structure:

* **interaction graph**: the ``num_2q_gates`` two-qubit gates are spread as
  evenly as possible over a nearest-neighbour ring ``0-1, 1-2, ...,
  (n-2)-(n-1)`` plus the closing edge ``(n-1)-0`` when ``n >= 3``
  (``g // E`` gates per edge, the first ``g % E`` edges get one more). A
  ring is the cheapest structure that still needs routing on heavy-hex
  devices for ``n >= 3``, so routing overhead is neither zero nor extreme;
* ``depth_2q`` defaults to ``min(depth, ceil(g / max(1, n // 2)))``: the
  two-qubit gates packed ``n // 2`` per layer (the most that fit);
* ``num_1q_gates`` defaults to ``ceil(n * (depth - depth_2q) / 2)``: half the
  qubits busy in every layer without a two-qubit gate;
* ``num_measured`` defaults to ``n`` (all qubits measured).

Both :func:`synthesize_profile` and :func:`resolve_circuit` are memoised by
their arguments (``functools.lru_cache``).
"""

from __future__ import annotations

import functools
import math
import os
import re

from qcloudsim.circuits.profile import CircuitProfile

_FAMILY_REF = re.compile(r"^(?P<family>[A-Za-z][A-Za-z0-9]*)_(?P<n>\d+)(?:_seed(?P<seed>\d+))?$")


@functools.lru_cache(maxsize=65_536)
def synthesize_profile(
    num_qubits: int,
    depth: int,
    num_2q_gates: int,
    *,
    depth_2q: int | None = None,
    num_1q_gates: int | None = None,
    num_measured: int | None = None,
) -> CircuitProfile:
    """A deterministic profile from sizes only (assumptions in the module doc).

    Args:
        num_qubits: Logical qubits (>= 1).
        depth: Circuit depth in layers (>= 0; >= 1 when there are two-qubit gates).
        num_2q_gates: Two-qubit gates (>= 0; 0 when ``num_qubits == 1``).
        depth_2q: Layers holding a two-qubit gate (default in module doc).
        num_1q_gates: Single-qubit gates (default in module doc).
        num_measured: Measured qubits (default ``num_qubits``).

    Returns:
        A profile named ``synth_q{n}_d{depth}_g{g}`` with ``source="synthetic"``.

    Raises:
        ValueError: Inconsistent sizes (the message names them).
    """
    n, depth, g = int(num_qubits), int(depth), int(num_2q_gates)
    if n < 1 or depth < 0 or g < 0:
        raise ValueError(
            f"synthesized profile needs num_qubits >= 1, depth >= 0, num_2q_gates >= 0; "
            f"got num_qubits={n}, depth={depth}, num_2q_gates={g}"
        )
    if g > 0 and n < 2:
        raise ValueError(f"a 1-qubit circuit cannot have two-qubit gates (num_2q_gates={g})")
    if g > 0 and depth < 1:
        raise ValueError(f"num_2q_gates={g} needs depth >= 1, got depth={depth}")
    if depth_2q is None:
        depth_2q = min(depth, math.ceil(g / max(1, n // 2)))
    if g > 0 and depth_2q < 1:
        raise ValueError(f"num_2q_gates={g} needs depth_2q >= 1, got {depth_2q}")
    if num_1q_gates is None:
        num_1q_gates = math.ceil(n * max(depth - depth_2q, 0) / 2)
    if num_measured is None:
        num_measured = n
    return CircuitProfile(
        name=f"synth_q{n}_d{depth}_g{g}",
        num_qubits=n,
        depth=depth,
        depth_2q=int(depth_2q),
        num_1q_gates=int(num_1q_gates),
        num_2q_gates=g,
        num_measured=int(num_measured),
        interaction=ring_interaction(n, g),
        source="synthetic",
    )


def ring_interaction(num_qubits: int, num_2q_gates: int) -> tuple[tuple[int, int, int], ...]:
    """Spread ``num_2q_gates`` evenly over a nearest-neighbour ring (sorted edges ``(a, b, count)``)."""
    n, g = num_qubits, num_2q_gates
    if g == 0 or n < 2:
        return ()
    edges = [(i, i + 1) for i in range(n - 1)]
    if n >= 3:
        edges.append((0, n - 1))
    base, extra = divmod(g, len(edges))
    counted = [(a, b, base + (1 if i < extra else 0)) for i, (a, b) in enumerate(edges)]
    return tuple(sorted(e for e in counted if e[2] > 0))


@functools.lru_cache(maxsize=4096)
def resolve_circuit(reference: str) -> CircuitProfile:
    """The real profile a trace's ``circuit`` value names.

    ``family_N`` / ``family_N_seedS`` with a registered family name is
    looked up with :func:`qcloudsim.circuits.families.family_profile`;
    anything else is an OpenQASM path read with
    :func:`qcloudsim.circuits.qasm.profile_from_qasm` (relative paths are
    resolved against the trace file by the reader).

    Raises:
        ValueError: Unknown family (a ``family_N`` reference that is no
            file either: the message names the known families), family size
            out of range, or :class:`~qcloudsim.circuits.qasm.CircuitFileError`
            for a bad file.
    """
    from qcloudsim.circuits.families import FAMILIES, family_profile

    match = _FAMILY_REF.match(reference)
    if match and match["family"] in FAMILIES:
        if len(match["n"]) > 9 or len(match["seed"] or "") > 18:
            raise ValueError(f"{reference!r}: size or seed out of range")
        return family_profile(match["family"], int(match["n"]), int(match["seed"] or 0))
    if match and not os.path.exists(reference):
        raise ValueError(
            f"unknown circuit family {match['family']!r} (in {reference!r}); known families: "
            f"{', '.join(FAMILIES)}"
        )
    from qcloudsim.circuits.qasm import profile_from_qasm

    return profile_from_qasm(reference)
