"""Fidelity model: estimated success probability (ESP) of a job on a region.

The estimate multiplies the success probabilities of every operation, as in
the ESP metric (Nishio et al., ACM JETC 16(3), 2020; Tannu & Qureshi,
ASPLOS 2019), using the calibration of the qubits actually allocated, and
adds idle decoherence::

    ln F = n_1q * mean ln(1 - e_1q)
         + (n_2q + 3 * swaps) * mean ln(1 - e_2q)
         + n_meas * mean ln(1 - e_readout)
         + sum_q ln F_idle(t_idle, T1_q, T2_q)

    F_idle(t) = 1/2 + exp(-t / T1) / 6 + exp(-t / T2) / 3

``F_idle`` is the average gate fidelity of a qubit left idle for ``t``
under amplitude and phase damping: its process fidelity is
``(1 + exp(-t/T1) + 2 exp(-t/T2)) / 4`` and the average fidelity is
``(2 F_pro + 1) / 3`` (Horodecki et al., PRA 60, 1888, 1999; Nielsen, Phys.
Lett. A 303, 249, 2002). The idle time per qubit is the circuit duration
less the time the qubit spends in gates, spread evenly over the region::

    t_idle = max(k * t_circuit - (n_1q t_1q + 2 (n_2q + 3 swaps) t_2q + n_meas t_ro), 0) / k

Means are over the region's qubits (and internal couplers for ``e_2q``):
the model knows the region, not which logical gate lands on which coupler.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.models.region import RegionStats
from qcloudsim.models.routing import SWAP_2Q_GATES


@dataclass(frozen=True, slots=True)
class FidelityParams:
    """Switches of the fidelity model.

    Attributes:
        idle_decoherence: Include the T1/T2 idle term.
        routing: Include the SWAP overhead of routing.
    """

    idle_decoherence: bool = True
    routing: bool = True


def idle_fidelity(t_s: float, t1_s: float, t2_s: float) -> float:
    """Average fidelity of a qubit idle for ``t_s`` seconds (see module doc)."""
    if t_s <= 0:
        return 1.0
    return 0.5 + math.exp(-t_s / t1_s) / 6.0 + math.exp(-t_s / t2_s) / 3.0


def idle_time_per_qubit_s(
    profile: CircuitProfile, stats: RegionStats, circuit_s: float, swaps: int = 0
) -> float:
    """Mean idle time of one of the circuit's qubits during one shot (s)."""
    k = profile.num_qubits
    busy = (
        profile.num_1q_gates * stats.duration_1q_s
        + 2 * (profile.num_2q_gates + SWAP_2Q_GATES * swaps) * stats.duration_2q_s
        + profile.num_measured * stats.readout_duration_s
    )
    return max(k * circuit_s - busy, 0.0) / k


def estimate_fidelity(
    profile: CircuitProfile,
    stats: RegionStats,
    circuit_s: float,
    swaps: int = 0,
    params: FidelityParams = FidelityParams(),
) -> float:
    """Estimated success probability of one shot, in ``[0, 1]``.

    Args:
        profile: The logical circuit.
        stats: Statistics of the allocated region (``len(stats.qubits)``
            must be at least ``profile.num_qubits``).
        circuit_s: Duration of one shot without repetition delay (s), from
            :func:`qcloudsim.models.runtime.circuit_duration_s`.
        swaps: Estimated routing SWAPs.
        params: Model switches.
    """
    if profile.num_2q_gates > 0 and not stats.edges:
        return 0.0
    swaps = swaps if params.routing else 0
    log_f = (
        profile.num_1q_gates * stats.log_fid_1q
        + (profile.num_2q_gates + SWAP_2Q_GATES * swaps) * stats.log_fid_2q
        + profile.num_measured * stats.log_fid_readout
    )
    if params.idle_decoherence:
        t_idle = idle_time_per_qubit_s(profile, stats, circuit_s, swaps)
        if t_idle > 0:
            for t1, t2 in zip(stats.t1_s[: profile.num_qubits], stats.t2_s[: profile.num_qubits], strict=True):
                log_f += math.log(idle_fidelity(t_idle, t1, t2))
    return math.exp(log_f)
