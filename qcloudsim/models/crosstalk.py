"""Crosstalk between jobs running side by side on one QPU (multi-programming).

Two-qubit gates on couplers next to other active qubits fail more often:
simultaneous CNOTs on neighbouring couplers raised error rates by factors
of about 2 to 11 on IBM devices (Murali et al., "Software mitigation of
crosstalk on noisy intermediate-scale quantum computers", ASPLOS 2020;
Ash-Saki et al., "Analysis of crosstalk in NISQ devices and security
implications in multi-programming regime", ISLPED 2020). The model:

* a coupler of the job's region is *exposed* when one of its two qubits
  is adjacent to a qubit held by another job running on the same device;
* the error of an exposed coupler is multiplied by ``1 + kappa``
  (default ``kappa = 1``, i.e. doubled, the low end of Murali et al.);
* the job's mean two-qubit log-fidelity is recomputed with those errors,
  so the penalty scales with the job's two-qubit gate count and with the
  share of its couplers that are exposed.

Any overlap in time counts as full overlap: when a neighbour starts while
a job runs, the running job's estimate is lowered too.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from qcloudsim.devices.calibration import Calibration


@dataclass(frozen=True, slots=True)
class CrosstalkParams:
    """Crosstalk model switches.

    Attributes:
        enabled: Apply the penalty.
        kappa: Relative increase of an exposed coupler's error (>= 0).
    """

    enabled: bool = True
    kappa: float = 1.0

    def __post_init__(self) -> None:
        if not (self.kappa >= 0 and math.isfinite(self.kappa)):
            raise ValueError(f"crosstalk kappa must be a finite number >= 0, got {self.kappa}")


def halo(
    region_edges: tuple[tuple[int, int], ...],
    region: tuple[int, ...],
    neighbours: tuple[tuple[int, ...], ...],
) -> dict[int, frozenset[tuple[int, int]]]:
    """For each qubit just outside the region, the region couplers it would expose.

    A coupler ``(a, b)`` is exposed by outside qubit ``q`` when ``q`` is
    adjacent to ``a`` or ``b``. Precomputing this per region makes the
    crosstalk check O(halo) per job instead of O(held qubits).
    """
    members = set(region)
    exposing: dict[int, set[tuple[int, int]]] = {}
    for e in region_edges:
        for end in e:
            for q in neighbours[end]:
                if q not in members:
                    exposing.setdefault(q, set()).add(e)
    return {q: frozenset(edges) for q, edges in exposing.items()}


def exposed_couplers(
    region_edges: tuple[tuple[int, int], ...],
    neighbours: tuple[tuple[int, ...], ...],
    foreign: Collection[int],
) -> tuple[tuple[int, int], ...]:
    """Couplers of the region with an endpoint adjacent to a foreign-held qubit."""
    if not foreign:
        return ()
    near = {q for f in foreign for q in neighbours[f]}
    return tuple(e for e in region_edges if e[0] in near or e[1] in near)


def crosstalk_log_fid_2q(
    calibration: Calibration,
    region_edges: tuple[tuple[int, int], ...],
    exposed: Collection[tuple[int, int]],
    params: CrosstalkParams,
) -> float:
    """Mean ``ln(1 - e_2q)`` over the region's couplers with exposed errors scaled.

    Returns 0 for a region without couplers. Scaled errors are capped just
    below 1.
    """
    if not region_edges:
        return 0.0
    exposed = set(exposed)
    total = 0.0
    for e in region_edges:
        err = calibration.error_2q[e]
        if params.enabled and e in exposed:
            err = min(err * (1.0 + params.kappa), 0.999)
        total += math.log1p(-err)
    return total / len(region_edges)
