"""The cost model: the one path from a job on a device region to its estimate, runtime and fit.

Every part of the simulator that asks "what would this job cost here?" —
placement, queue orders that rank by runtime, admission checks, dispatch,
sessions, the RL observation — asks :class:`CostModel`. It chains the pure
models (region selection, :mod:`qcloudsim.models.fidelity`,
:mod:`qcloudsim.models.runtime`, and the exact transpile mode of
:mod:`qcloudsim.models.exact`) through the memoising
:class:`~qcloudsim.models.estimator.Estimator`.

* :meth:`CostModel.quote` — the :class:`Quote` of a circuit on a region:
  circuit and shot time, routing, fidelity. It depends on, and is cached
  by, the circuit (``profile.key``), the device (its name: a cost model
  belongs to one simulation, whose device names are unique, and a device's
  gates and repetition delay never change), the calibration in force
  (``calibration.version``) and the region. The fidelity mode (``analytic``
  or ``exact``) is fixed for a cost model and its estimator, so every entry
  of one cache has the same mode (and exact mode always has the device).
* :meth:`CostModel.runtime_s` — the job's QPU time on a quote: its fixed
  ``service_s`` if it has one, else the runtime model for its shots and
  circuits (a closed formula over the quote, not cached).
* :meth:`CostModel.fits` — whether a run started now ends before the
  device's next planned downtime (depends on the clock; never cached).

The engine passes the quote a scheduler chose on to dispatch (see
:class:`~qcloudsim.schedulers.snapshot.Assignment`), so one decision is
priced once.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from qcloudsim.circuits.profile import CircuitProfile
from qcloudsim.devices.calibration import Calibration
from qcloudsim.devices.device import Device
from qcloudsim.models.estimator import Estimate, Estimator
from qcloudsim.models.placement import Region
from qcloudsim.models.runtime import job_runtime_s


class Priced(Protocol):
    """What the cost model reads of a job."""

    @property
    def profile(self) -> CircuitProfile: ...
    @property
    def shots(self) -> int: ...
    @property
    def circuits(self) -> int: ...
    @property
    def service_s(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Quote:
    """The price of one circuit on one region of one device.

    Attributes:
        device: Device name.
        calibration_version: Version of the calibration the quote used.
        estimate: Model outputs (region, circuit and shot time, swaps, fidelity).
        circuit: The circuit's ``profile.key``, so dispatch can check the quote
            was made for the job it is used with.
    """

    device: str
    calibration_version: int
    estimate: Estimate
    circuit: str

    @property
    def circuit_s(self) -> float:
        """One shot without repetition delay (s)."""
        return self.estimate.circuit_s

    @property
    def shot_s(self) -> float:
        """One shot including the repetition delay (s)."""
        return self.estimate.shot_s

    @property
    def swaps(self) -> int:
        """Estimated routing SWAPs."""
        return self.estimate.swaps

    @property
    def qubits(self) -> Region:
        """The region."""
        return self.estimate.qubits

    @property
    def fidelity(self) -> float:
        """Estimated success probability."""
        return self.estimate.fidelity


class CostModel:
    """Prices jobs on device regions (cached; see the module doc).

    Args:
        estimator: The memoised models (defaults if ``None``).
        max_entries: Bound of each cache (cleared when exceeded).
    """

    def __init__(self, estimator: Estimator | None = None, max_entries: int = 400_000) -> None:
        self.estimator = estimator or Estimator()
        self.max_entries = max_entries
        self._quotes: dict[tuple, Quote] = {}
        self._rankings: dict[tuple, tuple[tuple[int, Quote], ...]] = {}
        self._params = self.estimator.runtime_params

    @property
    def mode(self) -> str:
        """Fidelity mode: ``analytic`` or ``exact``."""
        return self.estimator.mode

    def region(self, calibration: Calibration, size: int, free: Collection[int] | None = None) -> Region | None:
        """Best connected region of ``size`` qubits among ``free`` (all qubits if ``None``)."""
        return self.estimator.region(calibration, size, free)

    def quote(self, job: Priced, device: Device, calibration: Calibration, region: Region) -> Quote:
        """The :class:`Quote` of ``job``'s circuit on ``region`` of ``device`` under ``calibration``."""
        profile = job.profile
        key = (profile.key, device.name, calibration.version, region)
        try:
            return self._quotes[key]
        except KeyError:
            pass
        if len(self._quotes) >= self.max_entries:
            self._quotes.clear()
        estimate = self.estimator.estimate(profile, calibration, region, device.rep_delay_s, device)
        quote = self._quotes[key] = Quote(device.name, calibration.version, estimate, profile.key)
        return quote

    def best_quote(
        self, job: Priced, device: Device, calibration: Calibration, free: Collection[int] | None = None
    ) -> Quote | None:
        """The quote on the best region among ``free`` (all qubits if ``None``), or ``None`` if none fits."""
        region = self.estimator.region(calibration, job.profile.num_qubits, free)
        if region is None:
            return None
        return self.quote(job, device, calibration, region)

    def fleet_ranking(
        self, job: Priced, fleet: tuple[tuple[Device, Calibration], ...], versions: tuple[int, ...],
        pinned: str | None = None,
    ) -> tuple[tuple[int, Quote], ...]:
        """Devices of ``fleet`` that can hold ``job``, best first, with the quote on each one's best region.

        Ordered by estimated fidelity on the device's best whole-device region,
        ties to the earlier device; only ``pinned`` when given. Cached by the
        circuit, the pin and the calibration ``versions`` of the fleet (one per
        device, in order), so a placement that wants the best idle device
        stops at the first idle entry instead of pricing every device.

        Returns:
            ``(fleet index, quote)`` pairs.
        """
        key = (job.profile.key, pinned, versions)
        try:
            return self._rankings[key]
        except KeyError:
            pass
        if len(self._rankings) >= self.max_entries:
            self._rankings.clear()
        size = job.profile.num_qubits
        entries = []
        for index, (device, calibration) in enumerate(fleet):
            if (pinned is not None and device.name != pinned) or size > calibration.num_qubits:
                continue
            quote = self.best_quote(job, device, calibration)
            if quote is not None:
                entries.append((-quote.estimate.fidelity, index, quote))
        entries.sort(key=lambda e: (e[0], e[1]))
        ranking = self._rankings[key] = tuple((index, quote) for _, index, quote in entries)
        return ranking

    def runtime_s(self, job: Priced, quote: Quote, shots: int | None = None) -> float:
        """QPU time (s) of ``job`` on ``quote``'s region.

        The job's fixed ``service_s`` when it has one (scaled by ``shots /
        job.shots`` for a shot split), else :func:`qcloudsim.models.runtime.job_runtime_s`
        for ``shots`` (default: the job's shots still to run) and its circuits.
        """
        service = job.service_s
        if shots is None:
            if service is not None:
                return service
            return job_runtime_s(quote.estimate.shot_s, job.shots, job.circuits, self._params)
        if service is not None:
            return service * shots / job.shots
        return job_runtime_s(quote.estimate.shot_s, shots, job.circuits, self._params)

    def fits(self, job: Priced, quote: Quote, now: float, next_down_s: float) -> bool:
        """True when ``job`` started at ``now`` on ``quote``'s region ends by ``next_down_s``."""
        return next_down_s == math.inf or now + self.runtime_s(job, quote) <= next_down_s
