"""Calibration drift between recalibrations, and the effect of a recalibration.

Calibration parameters of superconducting QPUs drift over hours
(Proctor et al., "Detecting and tracking drift in quantum information
processors", Nat. Commun. 11, 5396, 2020; Dasgupta & Humble, "Stability of
noisy quantum computing devices", arXiv:2105.09472, 2021). The model here is
a documented assumption, not a fit: every error rate and coherence time
follows a geometric random walk with a trend, stepped every ``step_s``::

    ln e(t + dt) = ln e(t) + mu_e dt + sigma_e sqrt(dt) Z        (errors grow)
    ln T(t + dt) = ln T(t) - mu_T dt + sigma_T sqrt(dt) Z'       (T1, T2 shrink)

with independent standard normals ``Z`` per qubit/coupler, rates per hour
(``dt`` in hours). Errors are capped at ``max_error`` (< 1) and T2 at 2·T1.
A recalibration resets the device to its nominal calibration with a fresh
multiplicative scatter ``exp(sigma_cal Z)`` on every value (a recalibrated
device is never exactly the same as the last time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qcloudsim.devices.calibration import Calibration


@dataclass(frozen=True, slots=True)
class DriftParams:
    """Parameters of the drift model (rates per hour).

    Attributes:
        step_s: Time between drift updates (s).
        error_trend_per_h: ``mu_e``: mean growth of ln(error) per hour.
        error_volatility_per_sqrt_h: ``sigma_e``.
        coherence_trend_per_h: ``mu_T``: mean decline of ln(T1), ln(T2) per hour.
        coherence_volatility_per_sqrt_h: ``sigma_T``.
        recalibration_scatter: ``sigma_cal`` applied at each recalibration.
        max_error: Cap of any error rate.
    """

    step_s: float = 3600.0
    error_trend_per_h: float = 0.01
    error_volatility_per_sqrt_h: float = 0.05
    coherence_trend_per_h: float = 0.005
    coherence_volatility_per_sqrt_h: float = 0.03
    recalibration_scatter: float = 0.1
    max_error: float = 0.5

    def __post_init__(self) -> None:
        if not self.step_s > 0:
            raise ValueError(f"drift step_s must be > 0, got {self.step_s}")
        for name in ("error_volatility_per_sqrt_h", "coherence_volatility_per_sqrt_h", "recalibration_scatter"):
            if getattr(self, name) < 0:
                raise ValueError(f"drift {name} must be >= 0")
        if not 0 < self.max_error < 1:
            raise ValueError(f"drift max_error must be in (0, 1), got {self.max_error}")


def _scale(values: tuple[float, ...], log_factor: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float) * np.exp(log_factor)


def _rebuild(
    base: Calibration,
    t1: np.ndarray,
    t2: np.ndarray,
    readout: np.ndarray,
    e1: np.ndarray,
    e2: np.ndarray,
    max_error: float,
    timestamp: str,
) -> Calibration:
    edges = base.edges
    t2 = np.minimum(t2, 2.0 * t1)
    cap = lambda a: np.clip(a, 0.0, max_error)  # noqa: E731
    return Calibration(
        timestamp=timestamp,
        t1_s=tuple(float(v) for v in t1),
        t2_s=tuple(float(v) for v in t2),
        readout_error=tuple(float(v) for v in cap(readout)),
        readout_duration_s=base.readout_duration_s,
        error_1q=tuple(float(v) for v in cap(e1)),
        duration_1q_s=base.duration_1q_s,
        error_2q={e: float(v) for e, v in zip(edges, cap(e2), strict=True)},
        duration_2q_s=dict(base.duration_2q_s),
    )


def drift_step(
    calibration: Calibration, dt_s: float, params: DriftParams, rng: np.random.Generator, timestamp: str = ""
) -> Calibration:
    """The calibration ``dt_s`` seconds later under the drift model (pure given ``rng``)."""
    hours = dt_s / 3600.0
    n, m = calibration.num_qubits, len(calibration.edges)
    root = math.sqrt(hours)

    def err(size: int) -> np.ndarray:
        return params.error_trend_per_h * hours + params.error_volatility_per_sqrt_h * root * rng.standard_normal(size)

    def coh(size: int) -> np.ndarray:
        return (-params.coherence_trend_per_h * hours
                + params.coherence_volatility_per_sqrt_h * root * rng.standard_normal(size))

    t1 = _scale(calibration.t1_s, coh(n))
    t2 = _scale(calibration.t2_s, coh(n))
    readout = _scale(calibration.readout_error, err(n))
    e1 = _scale(calibration.error_1q, err(n))
    e2 = _scale(tuple(calibration.error_2q[e] for e in calibration.edges), err(m))
    return _rebuild(calibration, t1, t2, readout, e1, e2, params.max_error, timestamp or calibration.timestamp)


def recalibrate(
    nominal: Calibration, params: DriftParams, rng: np.random.Generator, timestamp: str = ""
) -> Calibration:
    """A fresh calibration: ``nominal`` with multiplicative scatter ``exp(sigma_cal Z)``."""
    n, m = nominal.num_qubits, len(nominal.edges)
    s = params.recalibration_scatter

    def noise(size: int) -> np.ndarray:
        return s * rng.standard_normal(size)

    return _rebuild(
        nominal,
        _scale(nominal.t1_s, noise(n)),
        _scale(nominal.t2_s, noise(n)),
        _scale(nominal.readout_error, noise(n)),
        _scale(nominal.error_1q, noise(n)),
        _scale(tuple(nominal.error_2q[e] for e in nominal.edges), noise(m)),
        params.max_error,
        timestamp or nominal.timestamp,
    )
