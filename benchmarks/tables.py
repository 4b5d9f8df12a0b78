"""Markdown tables for ``benchmarks/README.md`` from the JSON a benchmark printed.

Usage::

    python benchmarks/bench_engine.py --scaling --cold > engine.json
    python benchmarks/tables.py engine engine.json
    python benchmarks/bench_schedulers.py > schedulers.json
    python benchmarks/tables.py schedulers schedulers.json [rerun.json]

The README's tables are pasted from this output, so they show exactly what
a run measured.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ENGINE_ROWS = {
    "fcfs_load_0.7": "FCFS, exclusive QPUs, load ≈ 0.7",
    "fcfs_overload": "FCFS, exclusive, overloaded (4 jobs/s, queue grows)",
    "multiprogramming_load_0.7": "FCFS, multi-programming + crosstalk, load ≈ 0.7",
    "fcfs_load_0.7_cold": "FCFS, load ≈ 0.7, first run in a fresh process",
}


def engine_table(report: dict) -> str:
    """The end-to-end scenarios with jobs/s and both ratios to the reference."""
    reference = report["bare_simpy_mm10"]
    lines = [
        "| scenario (100,000 jobs, `run(config)` end to end) | µs/job (CPU) | jobs/s (wall) "
        "| ratio to bare SimPy (wall) | ratio (CPU) |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| bare SimPy M/M/10, one process per job (reference) | {1e6 / reference['cpu_jobs_per_s']:.2f} "
        f"| {reference['jobs_per_s']:,} | 1 | 1 |",
    ]
    for key, label in ENGINE_ROWS.items():
        if key not in report:
            continue
        row = report[key]
        us = row.get("us_per_job", round(1e6 * row["cpu_s"] / row["jobs"], 2))
        lines.append(f"| {label} | {us:.2f} | {row['jobs_per_s']:,} | **{row['ratio_to_bare_simpy']:.3f}** "
                     f"| {row['cpu_ratio_to_bare_simpy']:.3f} |")
    mp = report["multiprogramming_vs_exclusive"]
    lines.append("")
    lines.append(f"Multi-programming / exclusive: **{mp['wall']:.3f}** (wall), {mp['cpu']:.3f} (CPU).")
    if "scaling_us_per_job" in report:
        sizes = report["scaling_us_per_job"]
        lines.append("")
        lines.append("| jobs | " + " | ".join(f"{int(n):,}" for n in sizes) + " |")
        lines.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
        lines.append("| µs per job (CPU), FCFS load ≈ 0.7 | " + " | ".join(f"{v:.2f}" for v in sizes.values()) + " |")
        lines.append("")
        lines.append(f"1M / 10k per-job cost: {report['scaling_1m_over_10k']:.2f}.")
    lines.append("")
    lines.append(f"Peak RSS of the benchmark process: {report['peak_rss_mb']:,.0f} MB.")
    return "\n".join(lines)


def schedulers_table(report: dict, rerun: dict | None = None) -> str:
    """Per-scheduler µs/job at both sizes, their ratio, and the ratio to the reference (rerun column if given)."""
    header = "| scheduler | µs/job at 10k | µs/job at 100k | 100k / 10k | ratio to bare SimPy at 100k |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if rerun:
        header += " rerun: 100k / 10k |"
        rule += " ---: |"
    lines = [header, rule]
    for name, row in report.items():
        if not isinstance(row, dict):
            continue
        line = (f"| {name} | {row['us_per_job_small']} | {row['us_per_job_large']} | {row['large_over_small']:.2f} "
                f"| {row.get('ratio_to_bare_simpy', float('nan')):.3f} |")
        if rerun:
            again = rerun.get(name)
            line += f" {again['large_over_small']:.2f} |" if isinstance(again, dict) else " |"
        lines.append(line)
    lines.append("")
    lines.append(f"Bare SimPy M/M/4 reference: {report['bare_simpy_us_per_job']} µs per job.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["engine", "schedulers"])
    parser.add_argument("report", type=Path)
    parser.add_argument("rerun", type=Path, nargs="?")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text())
    if args.kind == "engine":
        print(engine_table(report))
    else:
        print(schedulers_table(report, json.loads(args.rerun.read_text()) if args.rerun else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
