"""The cut plan: what a cut circuit turns into for the scheduler.

A circuit too wide for any QPU is cut into *fragments* (subcircuits) with
quasi-probability decompositions (QPD) of cut gates and wires. For the
simulator a cut is summarised by a :class:`CutPlan`: the profile of every
fragment, how many distinct subexperiments must run, and the sampling
overhead that multiplies the shot count.

Shot accounting (used by :meth:`CutPlan.total_shots` and
:meth:`CutPlan.fragment_shots`):

* The QPD estimator of an expectation value has a variance ``gamma^2``
  times that of the uncut circuit, so matching the standard error of an
  uncut run with ``S`` shots needs ``ceil(S * gamma^2)`` samples of the cut
  circuit (``sampling_overhead = gamma^2``; Mitarai & Fujii, New J. Phys. 23,
  023021, 2021; Piveteau & Sutter, IEEE TIT 70, 2024; qiskit-addon-cutting
  documentation, "sampling overhead").
* One sample of the cut circuit is one shot of *every* fragment (for the
  same QPD term), so **each fragment** runs ``total_shots(S)`` shots, spread
  over its subexperiments. Within a fragment the split follows the QPD
  term probabilities; the scheduler only needs the total, and the runtime
  model sees ``C = subexperiments`` circuits of ``ceil(shots / C)`` shots.
* Every subexperiment gets at least one shot, so a fragment runs
  ``max(total_shots(S), subexperiments)`` shots. The shots executed on QPUs
  for the whole job are ``sum(fragment_shots(S))`` (:meth:`CutPlan.qpu_shots`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from qcloudsim.circuits.profile import CircuitProfile

__all__ = ["CutError", "CutPlan", "GATE_CUT_OVERHEAD", "WIRE_CUT_OVERHEAD", "GATE_CUT_TERMS", "WIRE_CUT_TERMS"]

GATE_CUT_OVERHEAD = 9.0
"""Sampling overhead ``gamma^2`` of one CNOT/CZ-type gate cut without classical
communication (gamma = 3; Mitarai & Fujii, New J. Phys. 23, 023021, 2021)."""

WIRE_CUT_OVERHEAD = 16.0
"""Sampling overhead ``gamma^2`` of one wire cut without classical communication
(gamma = 4; Peng et al., PRL 125, 150504, 2020; qiskit-addon-cutting reports 16)."""

GATE_CUT_TERMS = 6
"""QPD terms of a CNOT-type gate cut in qiskit-addon-cutting 0.10 (``QPDBasis.maps``)."""

WIRE_CUT_TERMS = 8
"""QPD terms of a wire cut (``Move`` decomposition) in qiskit-addon-cutting 0.10."""

PlanSource = Literal["qiskit-addon-cutting", "analytic", "uncut"]


class CutError(ValueError):
    """A circuit cannot be cut under the given limits (reason in the message)."""


@dataclass(frozen=True, slots=True)
class CutPlan:
    """How a circuit is cut into fragments (no circuits, only sizes and counts).

    Attributes:
        fragments: One profile per fragment; every width is at most the limit
            the plan was made for.
        num_subexperiments: Subexperiments (distinct circuits) to run, summed
            over all fragments.
        sampling_overhead: ``gamma^2``, the factor on the shot count (product of
            the overheads of all cuts; 1.0 when uncut).
        gate_cuts: Number of cut two-qubit gates.
        wire_cuts: Number of cut wires.
        source: ``"qiskit-addon-cutting"`` (real cut of a circuit),
            ``"analytic"`` (estimate from a profile) or ``"uncut"`` (fits already).
        fragment_subexperiments: Subexperiments of each fragment (same order as
            ``fragments``); must sum to ``num_subexperiments``.
    """

    fragments: tuple[CircuitProfile, ...]
    num_subexperiments: int
    sampling_overhead: float
    gate_cuts: int
    wire_cuts: int
    source: PlanSource
    fragment_subexperiments: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.fragments:
            raise ValueError("a cut plan needs at least one fragment")
        if len(self.fragment_subexperiments) != len(self.fragments):
            raise ValueError(
                f"fragment_subexperiments has {len(self.fragment_subexperiments)} entries, "
                f"expected one per fragment ({len(self.fragments)})"
            )
        if any(n < 1 for n in self.fragment_subexperiments):
            raise ValueError("every fragment needs at least one subexperiment")
        if sum(self.fragment_subexperiments) != self.num_subexperiments:
            raise ValueError(
                f"num_subexperiments={self.num_subexperiments} != sum of fragment_subexperiments "
                f"({sum(self.fragment_subexperiments)})"
            )
        if not self.sampling_overhead >= 1.0:
            raise ValueError(f"sampling_overhead must be >= 1, got {self.sampling_overhead}")
        if self.gate_cuts < 0 or self.wire_cuts < 0:
            raise ValueError("cut counts must be >= 0")

    @property
    def num_fragments(self) -> int:
        """Number of fragments."""
        return len(self.fragments)

    @property
    def max_width(self) -> int:
        """Widest fragment (qubits)."""
        return max(f.num_qubits for f in self.fragments)

    def total_shots(self, base_shots: int) -> int:
        """Samples of the cut circuit: ``ceil(base_shots * sampling_overhead)``.

        This is the shot count *each fragment* runs (over all its
        subexperiments) to match the standard error of ``base_shots`` shots
        of the uncut circuit; see the module docstring.

        Args:
            base_shots: Shots the user asked for (uncut), >= 1.

        Returns:
            Shots per fragment (before the one-shot-per-subexperiment floor).
        """
        if base_shots < 1:
            raise ValueError(f"base_shots must be >= 1, got {base_shots}")
        # Tolerate float rounding of products such as 9.000000000000002.
        return math.ceil(base_shots * self.sampling_overhead - 1e-9)

    def fragment_shots(self, base_shots: int) -> tuple[int, ...]:
        """Shots each fragment runs: ``max(total_shots(base_shots), subexperiments_f)``.

        Args:
            base_shots: Shots the user asked for (uncut), >= 1.

        Returns:
            One shot count per fragment, in ``fragments`` order.
        """
        total = self.total_shots(base_shots)
        return tuple(max(total, n) for n in self.fragment_subexperiments)

    def qpu_shots(self, base_shots: int) -> int:
        """Shots executed on QPUs for the whole job (sum over fragments)."""
        return sum(self.fragment_shots(base_shots))
