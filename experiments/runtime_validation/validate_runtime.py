"""Compare the runtime model with 7,449 real IBM Quantum jobs.

Data: ``data/ibm_job_runtime_regression.npz`` (Qonductor, MIT; see ``data/README.md``):
per job the summed depth, summed width and two-qubit gate count over its
circuits, shots, number of circuits, and the measured QPU time (s). No
backend names, so the model uses *typical* durations: the medians over the
shipped device catalog (sx and two-qubit gate duration, readout duration,
default repetition delay). Nothing is fitted to the jobs: the parameters
are the model defaults and catalog medians.

Mapping of the data's features onto the model (per circuit ``c`` of a job
with ``C`` circuits): depth ``d = depth_sum / C``, two-qubit layers
``d_2q = min(d, n2q / C)`` (a circuit cannot have more two-qubit layers
than two-qubit gates), one measurement layer.

Usage::

    python experiments/runtime_validation/validate_runtime.py [--data PATH] [--out DIR]

Writes ``report.md``, ``metrics.json`` and ``predicted_vs_measured.png``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from qcloudsim.devices.catalog import load_catalog  # noqa: E402
from qcloudsim.models.runtime import RuntimeParams  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "data" / "ibm_job_runtime_regression.npz"


def typical_durations() -> dict[str, float]:
    """Median gate/readout durations and repetition delay over the catalog (s)."""
    catalog = load_catalog()
    d1, d2, dro, rep = [], [], [], []
    for device in catalog:
        cal = device.calibration
        d1.append(statistics.median(cal.duration_1q_s))
        d2.append(statistics.median(cal.duration_2q_s.values()))
        dro.append(statistics.median(cal.readout_duration_s))
        rep.append(device.rep_delay_s)
    return {
        "duration_1q_s": statistics.median(d1),
        "duration_2q_s": statistics.median(d2),
        "readout_duration_s": statistics.median(dro),
        "rep_delay_s": statistics.median(rep),
    }


def predict(x: np.ndarray, durations: dict[str, float], params: RuntimeParams) -> np.ndarray:
    """Model QPU time (s) for each row of the data set's feature matrix.

    Vectorised form of :func:`qcloudsim.models.runtime.circuit_duration_s`
    and :func:`~qcloudsim.models.runtime.job_runtime_s` under the mapping in
    the module doc.
    """
    depth_sum, _width_sum, n2q, shots, circuits = (x[:, i].astype(float) for i in range(5))
    depth = depth_sum / circuits
    depth_2q = np.minimum(depth, n2q / circuits)
    measured = 1.0
    depth_1q = np.maximum(depth - depth_2q - measured, 0.0)
    circuit_s = (
        depth_2q * durations["duration_2q_s"]
        + depth_1q * durations["duration_1q_s"]
        + measured * durations["readout_duration_s"]
    )
    shot_s = circuit_s + durations["rep_delay_s"]
    return params.per_job_overhead_s + circuits * shots * shot_s


def metrics(predicted: np.ndarray, measured: np.ndarray) -> dict[str, float]:
    """Median/mean relative error, Spearman rank correlation, share within 2x."""
    rel = np.abs(predicted - measured) / measured
    ratio = predicted / measured
    return {
        "jobs": int(measured.size),
        "median_relative_error": float(np.median(rel)),
        "mean_relative_error": float(np.mean(rel)),
        "spearman": float(spearmanr(predicted, measured).statistic),
        "within_factor_2": float(np.mean((ratio >= 0.5) & (ratio <= 2.0))),
        "median_ratio_predicted_over_measured": float(np.median(ratio)),
    }


def by_size(predicted: np.ndarray, measured: np.ndarray) -> list[dict]:
    """Median relative error in bands of measured QPU time."""
    bands = [(0, 5), (5, 30), (30, 120), (120, float("inf"))]
    rows = []
    for low, high in bands:
        mask = (measured >= low) & (measured < high)
        if mask.any():
            rel = np.abs(predicted[mask] - measured[mask]) / measured[mask]
            rows.append({"band_s": f"{low}-{high}", "jobs": int(mask.sum()),
                         "median_relative_error": float(np.median(rel))})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare the runtime model with real IBM jobs.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if not args.data.exists():
        parser.error(f"{args.data}: data file not found")
    data = np.load(args.data)
    x, y = data["x"], data["y"].astype(float)
    keep = y > 0
    x, y = x[keep], y[keep]
    durations = typical_durations()
    params = RuntimeParams()
    predicted = predict(x, durations, params)
    result = {
        "durations": durations,
        "per_job_overhead_s": params.per_job_overhead_s,
        "overall": metrics(predicted, y),
        "by_measured_time": by_size(predicted, y),
        "sensitivity_overhead_s": {
            str(o): metrics(predict(x, durations, RuntimeParams(per_job_overhead_s=o)), y)["median_relative_error"]
            for o in (0.0, 1.0, 3.0)
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    fig, ax = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    ax.loglog(y, predicted, ".", ms=2, alpha=0.4)
    lims = [min(y.min(), predicted.min()), max(y.max(), predicted.max())]
    ax.plot(lims, lims, "k--", lw=1, label="predicted = measured")
    ax.set_xlabel("measured QPU time (s)")
    ax.set_ylabel("model QPU time (s)")
    ax.set_title(f"{y.size} IBM jobs, median rel. error {result['overall']['median_relative_error']:.0%}")
    ax.legend()
    fig.savefig(args.out / "predicted_vs_measured.png", dpi=110)
    plt.close(fig)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
