"""Circuit profiles: from qiskit circuits, OpenQASM files and benchmark families.

Only :class:`CircuitProfile` is imported eagerly. The other names are resolved
on first access (PEP 562 module ``__getattr__``), and none of their modules
imports qiskit at import time, so ``import qcloudsim.circuits`` and
``family_profile("ghz", 5)`` (served from the precomputed library) stay free of
the ~1 s qiskit import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from qcloudsim.circuits.profile import CircuitProfile

if TYPE_CHECKING:
    from qcloudsim.circuits.families import family_circuit, family_names, family_profile
    from qcloudsim.circuits.from_qiskit import profile_from_circuit
    from qcloudsim.circuits.qasm import CircuitFileError, profile_from_qasm

_LAZY = {
    "profile_from_circuit": "qcloudsim.circuits.from_qiskit",
    "profile_from_qasm": "qcloudsim.circuits.qasm",
    "CircuitFileError": "qcloudsim.circuits.qasm",
    "family_profile": "qcloudsim.circuits.families",
    "family_names": "qcloudsim.circuits.families",
    "family_circuit": "qcloudsim.circuits.families",
}

__all__ = [
    "CircuitFileError",
    "CircuitProfile",
    "family_circuit",
    "family_names",
    "family_profile",
    "profile_from_circuit",
    "profile_from_qasm",
]


def __getattr__(name: str) -> Any:
    """Resolve the lazily exported names on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
