"""Cached evaluation of the placement, runtime and fidelity models.

The models are pure functions; the estimator only memoises them. Keys use
the calibration's ``version`` and the profile's content ``key``, so a new
calibration (drift, recalibration) or a new circuit never hits a stale
entry. Caches are bounded: when one exceeds ``max_entries`` it is cleared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.models.crosstalk import CrosstalkParams, crosstalk_log_fid_2q, halo
from qcloudsim.models.fidelity import FidelityParams, estimate_fidelity
from qcloudsim.models.placement import Region, adjacency, ranked_regions, select_region
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
        crosstalk: Crosstalk model for jobs sharing a device (defaults if ``None``).
        mode: ``"analytic"`` (default) or ``"exact"``: transpile the circuit
            onto the region with qiskit and score the transpiled gates
            (:mod:`qcloudsim.models.exact`; cached per circuit, region and
            calibration). Exact mode applies to profiles whose circuit can be
            rebuilt (benchmark families, QASM files) when the device is
            given; other jobs fall back to the analytic model.
    """

    def __init__(
        self,
        runtime: RuntimeParams | None = None,
        fidelity: FidelityParams | None = None,
        max_entries: int = 200_000,
        crosstalk: CrosstalkParams | None = None,
        mode: str = "analytic",
    ) -> None:
        if mode not in ("analytic", "exact"):
            raise ValueError(f"fidelity mode must be 'analytic' or 'exact', got {mode!r}")
        self.mode = mode
        self.exact_fallbacks = 0
        """Exact-mode estimates that used the analytic model (profiles whose circuit cannot be rebuilt)."""
        self._circuits: dict[str, object] = {}
        self.runtime_params = runtime or RuntimeParams()
        self.fidelity_params = fidelity or FidelityParams()
        self.crosstalk_params = crosstalk or CrosstalkParams()
        self.max_entries = max_entries
        self._ranked: dict[tuple, list[Region]] = {}
        self._regions: dict[tuple, Region | None] = {}
        self._last_free: dict[tuple[int, int], tuple[frozenset[int], Region | None]] = {}
        """Per (calibration version, size): the last frozen free set asked about and its answer."""
        self._stats: dict[tuple, RegionStats] = {}
        self._estimates: dict[tuple, Estimate] = {}

    def neighbours(self, calibration: Calibration) -> tuple[tuple[int, ...], ...]:
        """Adjacency lists of the calibrated coupling graph (cached)."""
        key = ("adj", calibration.version)
        try:
            return self._ranked[key]  # type: ignore[return-value]
        except KeyError:
            adj = self._ranked[key] = adjacency(calibration)  # type: ignore[assignment]
            return adj

    def ranked(self, calibration: Calibration, size: int) -> list[Region]:
        """Candidate regions on the whole device, best first (cached)."""
        key = (calibration.version, size)
        try:
            return self._ranked[key]
        except KeyError:
            pass
        if len(self._ranked) >= self.max_entries:
            self._ranked.clear()
        regions = self._ranked[key] = [r for _, r in ranked_regions(calibration, size)]
        return regions

    def region(
        self, calibration: Calibration, size: int, free: Collection[int] | None = None
    ) -> Region | None:
        """A connected region of ``size`` qubits among ``free`` (all if ``None``).

        On a whole device this is the best region (:func:`select_region`).
        On a partly occupied device it is the best whole-device candidate
        whose qubits are all free; only when none is, a full search over the
        free qubits runs (cached by the free set).
        """
        # a device's free set is one frozenset object until its occupancy changes, and most devices
        # do not change between two rounds: remember the answer for the last one (identity, O(1))
        frozen = type(free) is frozenset
        if frozen:
            last = self._last_free.get((calibration.version, size))
            if last is not None and last[0] is free:
                return last[1]
        if size > calibration.num_qubits:
            return None
        candidates = self.ranked(calibration, size)
        if free is None:
            return candidates[0] if candidates else None
        free_set = free if isinstance(free, (set, frozenset)) else frozenset(free)
        if len(free_set) < size:
            return None
        found = self._region_among(calibration, size, candidates, free_set)
        if frozen:
            if len(self._last_free) >= self.max_entries:
                self._last_free.clear()
            self._last_free[calibration.version, size] = (free_set, found)  # type: ignore[assignment]
        return found

    def _region_among(
        self, calibration: Calibration, size: int, candidates: list[Region], free_set: Collection[int],
    ) -> Region | None:
        for region in candidates:
            if free_set.issuperset(region):  # type: ignore[attr-defined]
                return region
        key = (calibration.version, size, frozenset(free_set))
        try:
            return self._regions[key]
        except KeyError:
            pass
        if len(self._regions) >= self.max_entries:
            self._regions.clear()
        found = self._regions[key] = select_region(calibration, size, free_set)
        return found

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
        self,
        profile: CircuitProfile,
        calibration: Calibration,
        region: Region,
        rep_delay_s: float,
        device: Device | None = None,
    ) -> Estimate:
        """Runtime and fidelity of ``profile`` on ``region`` (cached).

        ``device`` is needed by the exact mode (it transpiles onto the
        device's gates), whose keys hold the device's name. The mode is fixed
        for an estimator, so one cache never mixes modes.

        Raises:
            ValueError: In exact mode without ``device`` (the estimate would
                silently be the analytic one).
        """
        exact = self.mode == "exact"
        key: tuple
        if exact:
            if device is None:
                raise ValueError("exact fidelity mode needs the device; "
                                 "price jobs through qcloudsim.models.cost.CostModel")
            key = (profile.key, calibration.version, region, rep_delay_s, device.name)
        else:
            key = (profile.key, calibration.version, region, rep_delay_s)
        try:
            return self._estimates[key]
        except KeyError:
            pass
        if len(self._estimates) >= self.max_entries:
            self._estimates.clear()
        if exact:
            assert device is not None
            result = self._exact(profile, calibration, region, rep_delay_s, device)
            if result is not None:
                self._estimates[key] = result
                return result
            self.exact_fallbacks += 1
        stats = self.stats(calibration, region)
        swaps = estimated_swaps(profile, stats) if self.fidelity_params.routing else 0
        circuit_s = circuit_duration_s(profile, stats, swaps)
        rep = self.runtime_params.rep_delay_s
        shot_s = shot_duration_s(circuit_s, rep_delay_s if rep is None else rep)
        fidelity = estimate_fidelity(profile, stats, circuit_s, swaps, self.fidelity_params)
        result = self._estimates[key] = Estimate(region, circuit_s, shot_s, swaps, fidelity)
        return result

    def _exact(
        self, profile: CircuitProfile, calibration: Calibration, region: Region, rep_delay_s: float, device: Device
    ) -> Estimate | None:
        from qcloudsim.models.exact import circuit_for_profile, exact_estimate

        if profile.key not in self._circuits:
            self._circuits[profile.key] = circuit_for_profile(profile)
        circuit = self._circuits[profile.key]
        if circuit is None:
            return None
        result = exact_estimate(circuit, device, region, calibration)
        rep = self.runtime_params.rep_delay_s
        swaps = max(0, (result.num_2q - profile.num_2q_gates) // 3)
        shot_s = shot_duration_s(result.circuit_s, rep_delay_s if rep is None else rep)
        return Estimate(region, result.circuit_s, shot_s, swaps, result.fidelity)

    def with_crosstalk(
        self,
        estimate: Estimate,
        profile: CircuitProfile,
        calibration: Calibration,
        neighbours: tuple[tuple[int, ...], ...],
        foreign: Collection[int],
    ) -> Estimate:
        """``estimate`` with the crosstalk penalty of qubits ``foreign`` held by other jobs.

        Returns ``estimate`` unchanged when crosstalk is off or no coupler
        of the region is exposed (see :mod:`qcloudsim.models.crosstalk`).
        """
        if not self.crosstalk_params.enabled or not foreign or profile.num_2q_gates == 0:
            return estimate
        exposing = self.halo(calibration, estimate.qubits, neighbours)
        touching = exposing.keys() & foreign if len(exposing) < len(foreign) else [q for q in foreign if q in exposing]
        if not touching:
            return estimate
        exposed = frozenset().union(*(exposing[q] for q in touching))
        key = (profile.key, calibration.version, estimate.qubits, estimate.fidelity, exposed)
        cached = self._estimates.get(key)
        if cached is not None:
            return cached
        stats = self.stats(calibration, estimate.qubits)
        log_2q = crosstalk_log_fid_2q(calibration, stats.edges, exposed, self.crosstalk_params)
        penalised = dataclasses.replace(stats, log_fid_2q=log_2q)
        fidelity = estimate_fidelity(profile, penalised, estimate.circuit_s, estimate.swaps, self.fidelity_params)
        result = self._estimates[key] = dataclasses.replace(estimate, fidelity=fidelity)
        return result

    def halo(
        self, calibration: Calibration, region: Region, neighbours: tuple[tuple[int, ...], ...]
    ) -> dict[int, frozenset[tuple[int, int]]]:
        """Outside qubit -> region couplers it exposes (cached; see :func:`crosstalk.halo`)."""
        key = ("halo", calibration.version, region)
        try:
            return self._stats[key]  # type: ignore[return-value]
        except KeyError:
            pass
        stats = self.stats(calibration, region)
        result = self._stats[key] = halo(stats.edges, region, neighbours)  # type: ignore[assignment]
        return result

    def runtime_s(self, estimate: Estimate, shots: int, circuits: int = 1) -> float:
        """Total QPU time of a job with this estimate (s)."""
        return job_runtime_s(estimate.shot_s, shots, circuits, self.runtime_params)
