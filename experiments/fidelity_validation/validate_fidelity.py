"""Compare the analytic and exact fidelity models with noisy qiskit-aer simulation.

For each circuit of :data:`qcloudsim.validation.aer_fidelity.DEFAULT_CIRCUITS`
(GHZ, BV, QFT, QAOA, random, W state; 3 to 7 qubits) on each device of
:data:`~qcloudsim.validation.aer_fidelity.DEFAULT_DEVICES` (shipped catalog
snapshots), on the region ``select_region`` picks, the script computes the
analytic ESP, the exact-mode ESP and the Aer references (see
``qcloudsim/validation/aer_fidelity.py`` and ``docs/fidelity_validation.md``).
Nothing is fitted. Needs ``qiskit-aer``.

Usage::

    python experiments/fidelity_validation/validate_fidelity.py [--shots N] [--seed S] [--out DIR]

Writes ``metrics.json``, ``cases.csv`` and ``model_vs_aer.png`` into ``--out``
(default: this folder).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from qcloudsim.devices.catalog import load_catalog  # noqa: E402
from qcloudsim.validation.aer_fidelity import (  # noqa: E402
    DEFAULT_CIRCUITS,
    DEFAULT_DEVICES,
    CaseResult,
    run_validation,
    summarise,
)

HERE = Path(__file__).resolve().parent


def _clean(value: object) -> object:
    """JSON-safe: NaN -> None, recursively."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def plot(cases: list[CaseResult], metrics: dict, path: Path) -> None:
    """Scatter of model ESP vs the Aer primary reference, one panel per mode."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    families = sorted({c.family for c in cases})
    markers = dict(zip(families, "osD^vPX*", strict=False))
    for ax, mode in zip(axes, ("analytic", "exact"), strict=True):
        for family in families:
            sub = [c for c in cases if c.family == family]
            ax.scatter(
                [c.primary for c in sub],
                [getattr(c, mode) for c in sub],
                marker=markers[family],
                label=f"{family} ({sub[0].primary_metric})",
                alpha=0.75,
            )
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--")
        m = metrics["overall"][mode]["primary"]
        ax.set_title(f"{mode}: Spearman {m['spearman']:.3f}, MAE {m['mae']:.3f}, bias {m['bias']:+.3f}")
        ax.set_xlabel("Aer reference (success or state fidelity x readout)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("model ESP")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Fidelity models vs noisy Aer simulation ({len(cases)} cases)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    start = time.perf_counter()
    catalog = load_catalog()
    devices = [catalog[name] for name in DEFAULT_DEVICES]
    cases = run_validation(devices, DEFAULT_CIRCUITS, shots=args.shots, seed=args.seed)
    metrics = summarise(cases)
    import qiskit
    import qiskit_aer

    metrics["setup"] = {
        "devices": {d.name: d.snapshot_date for d in devices},
        "circuits": [f"{f}_{n}" for f, n in DEFAULT_CIRCUITS],
        "shots": args.shots,
        "seed": args.seed,
        "qiskit": qiskit.__version__,
        "qiskit_aer": qiskit_aer.__version__,
        "wall_s": round(time.perf_counter() - start, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(_clean(metrics), indent=2) + "\n")
    rows = [c.row() for c in cases]
    with (args.out / "cases.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plot(cases, metrics, args.out / "model_vs_aer.png")
    for mode in ("analytic", "exact"):
        for metric, m in metrics["overall"][mode].items():
            print(f"{mode:8s} vs {metric:16s} n={m['n']:3d} spearman={m['spearman']:.3f} "
                  f"mae={m['mae']:.3f} bias={m['bias']:+.3f}")
    print(f"wall time {metrics['setup']['wall_s']} s; wrote {args.out}")


if __name__ == "__main__":
    main()
