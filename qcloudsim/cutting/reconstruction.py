"""Classical reconstruction cost and combined fidelity of a cut circuit.

**Reconstruction time** (:func:`reconstruction_time_s`). qiskit-addon-cutting's
``reconstruct_expectation_values`` visits every joint QPD term, takes the
product of the fragments' expectation values for it and adds it with its
coefficient; before that, every measured shot is folded into a per-
subexperiment expectation value. The model is therefore::

    T_rec = fixed_s
          + cost_per_term_s * num_terms * fragments      # QPD sum, one product per term
          + cost_per_shot_s * qpu_shots(base_shots)       # parity of each shot outcome

with ``num_terms = num_subexperiments / fragments`` (joint terms; every
fragment runs one subexperiment per term) and ``qpu_shots`` from
:meth:`CutPlan.qpu_shots`. The defaults are **assumptions**, not
measurements: ``cost_per_term_s = 2 us`` (a Python-level loop iteration with a
few numpy calls, as in ``reconstruct_expectation_values``), ``cost_per_shot_s =
20 ns`` (one vectorised parity and accumulate per shot outcome in numpy),
``fixed_s = 10 ms`` (call and result-handling overhead). An uncut plan costs 0.

**Combined fidelity** (:func:`combine_fidelity`). The estimate is the
product of the fragment fidelities, the same ESP-style product the
fidelity model uses for gates (Nishio et al., ACM JETC 16(3), 2020): a joint
sample is correct only when every fragment's shot is. This is a heuristic:
the QPD estimator is unbiased for the noiseless expectation value only if
the fragments run noiselessly; with noise its bias follows the fragments'
errors, and its variance grows with the sampling overhead (``gamma^2``),
which :meth:`CutPlan.total_shots` compensates with more shots. The product
therefore describes the noise per sample, not the statistical error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qcloudsim.cutting.plan import CutPlan

__all__ = ["COST_PER_SHOT_S", "COST_PER_TERM_S", "FIXED_S", "combine_fidelity", "reconstruction_time_s"]

COST_PER_TERM_S = 2e-6
"""Seconds per (joint QPD term x fragment) product in the QPD sum (assumption)."""

COST_PER_SHOT_S = 2e-8
"""Seconds per measured shot outcome folded into an expectation value (assumption)."""

FIXED_S = 0.01
"""Fixed seconds per reconstruction (assumption)."""


def reconstruction_time_s(
    plan: CutPlan,
    base_shots: int,
    *,
    cost_per_term_s: float = COST_PER_TERM_S,
    cost_per_shot_s: float = COST_PER_SHOT_S,
    fixed_s: float = FIXED_S,
) -> float:
    """Classical post-processing time of a cut job (seconds; see the module docstring).

    Args:
        plan: The cut plan.
        base_shots: Shots requested for the uncut circuit, >= 1.
        cost_per_term_s: Seconds per joint term and fragment.
        cost_per_shot_s: Seconds per executed shot.
        fixed_s: Fixed seconds per reconstruction.

    Returns:
        Seconds; 0.0 for a plan without cuts.
    """
    if min(cost_per_term_s, cost_per_shot_s, fixed_s) < 0:
        raise ValueError("reconstruction costs must be >= 0")
    if plan.gate_cuts == 0 and plan.wire_cuts == 0 and plan.num_fragments == 1:
        return 0.0
    shots = plan.qpu_shots(base_shots)
    return fixed_s + cost_per_term_s * plan.num_subexperiments + cost_per_shot_s * shots


def combine_fidelity(fragment_fidelities: Sequence[float], plan: CutPlan) -> float:
    """Fidelity estimate of the reconstructed result: product of fragment fidelities.

    Args:
        fragment_fidelities: One fidelity in [0, 1] per fragment of ``plan``.
        plan: The plan the fragments belong to.

    Returns:
        ``prod(fragment_fidelities)`` in [0, 1].

    Raises:
        ValueError: On a count mismatch or a value outside [0, 1].
    """
    if len(fragment_fidelities) != plan.num_fragments:
        raise ValueError(
            f"got {len(fragment_fidelities)} fragment fidelities, plan has {plan.num_fragments} fragments"
        )
    for f in fragment_fidelities:
        if not 0.0 <= f <= 1.0:
            raise ValueError(f"fragment fidelity {f} outside [0, 1]")
    return float(math.prod(fragment_fidelities))
