"""Cached evaluation of the placement, runtime and fidelity models.

The models are pure functions; the estimator only memoises them. Keys use
the calibration's ``version`` and the profile's content ``key``, so a new
calibration (drift, recalibration) or a new circuit never hits a stale
entry. Caches are bounded: when one exceeds ``max_entries`` it is cleared.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.devices.calibration import Calibration
from qcloudsim.models.fidelity import FidelityParams, estimate_fidelity
from qcloudsim.models.placement import Region, select_region
from qcloudsim.models.region import RegionStats, region_stats
from qcloudsim.models.routing import estimated_swaps
from qcloudsim.models.runtime import (
    RuntimeParams,
    circuit_duration_s,
    job_runtime_s,
    shot_duration_s,
)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Model outputs for one circuit on one region.

    Attributes:
        qubits: The region (physical qubits).
        circuit_s: One shot without repetition delay (s).
        shot_s: One shot including the repetition delay (s).
        swaps: Estimated routing SWAPs.
        fidelity: Estimated success probability, in ``[0, 1]``.
    """

    qubits: Region
    circuit_s: float
    shot_s: float
    swaps: int
    fidelity: float


class Estimator:
    """Memoised front end to the models.

    Args:
        runtime: Runtime model parameters (defaults if ``None``).
        fidelity: Fidelity model switches (defaults if ``None``).
        max_entries: Bound of each cache.
    """

    def __init__(
        self,
        runtime: RuntimeParams | None = None,
        fidelity: FidelityParams | None = None,
        max_entries: int = 200_000,
    ) -> None:
        self.runtime_params = runtime or RuntimeParams()
        self.fidelity_params = fidelity or FidelityParams()
        self.max_entries = max_entries
        self._regions: dict[tuple, Region | None] = {}
        self._stats: dict[tuple, RegionStats] = {}
        self._estimates: dict[tuple, Estimate] = {}

    def region(
        self, calibration: Calibration, size: int, free: Collection[int] | None = None
    ) -> Region | None:
        """Best connected region of ``size`` qubits among ``free`` (all if ``None``)."""
        key = (calibration.version, size, None if free is None else frozenset(free))
        try:
            return self._regions[key]
        except KeyError:
            pass
        if len(self._regions) >= self.max_entries:
            self._regions.clear()
        region = select_region(calibration, size, free)
        self._regions[key] = region
        return region

    def stats(self, calibration: Calibration, region: Region) -> RegionStats:
        """Cached :func:`region_stats`."""
        key = (calibration.version, region)
        try:
            return self._stats[key]
        except KeyError:
            pass
        if len(self._stats) >= self.max_entries:
            self._stats.clear()
        stats = self._stats[key] = region_stats(calibration, region)
        return stats

    def estimate(
        self, profile: CircuitProfile, calibration: Calibration, region: Region, rep_delay_s: float
    ) -> Estimate:
        """Runtime and fidelity of ``profile`` on ``region`` (cached)."""
        key = (profile.key, calibration.version, region, rep_delay_s)
        try:
            return self._estimates[key]
        except KeyError:
            pass
        if len(self._estimates) >= self.max_entries:
            self._estimates.clear()
        stats = self.stats(calibration, region)
        swaps = estimated_swaps(profile, stats) if self.fidelity_params.routing else 0
        circuit_s = circuit_duration_s(profile, stats, swaps)
        rep = self.runtime_params.rep_delay_s
        shot_s = shot_duration_s(circuit_s, rep_delay_s if rep is None else rep)
        fidelity = estimate_fidelity(profile, stats, circuit_s, swaps, self.fidelity_params)
        result = self._estimates[key] = Estimate(region, circuit_s, shot_s, swaps, fidelity)
        return result

    def runtime_s(self, estimate: Estimate, shots: int, circuits: int = 1) -> float:
        """Total QPU time of a job with this estimate (s)."""
        return job_runtime_s(estimate.shot_s, shots, circuits, self.runtime_params)
