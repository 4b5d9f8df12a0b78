"""A/B engine throughput: this checkout against another git revision, on the same machine.

Runs ``bench_engine.py`` (this checkout's script) alternately against this
checkout's package and a revision's package (checked out into a temporary
git worktree), ``--rounds`` times each, and reports per scenario the best
jobs/s of each side, its ratio to the best bare-SimPy reference of that
side, and new/old. Alternating and taking the best of several rounds keeps
the comparison fair on a shared machine whose speed drifts by ±10 % or more.

Usage::

    python benchmarks/compare_engine.py --base 7dcbc23            # 30,000 jobs, 4 rounds
    python benchmarks/compare_engine.py --base HEAD~3 --jobs 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_engine.py"


def _run(package_root: Path, jobs: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(package_root))
    out = subprocess.run(
        [sys.executable, str(BENCH), "--jobs", str(jobs)], env=env, cwd=package_root,
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def _best(reports: list[dict]) -> tuple[int, dict[str, int]]:
    reference = max(max(r.get("bare_simpy_mm10_timings_jobs_per_s", [r["bare_simpy_mm10"]["jobs_per_s"]]))
                    for r in reports)
    scenarios = [k for k, v in reports[0].items()
                 if isinstance(v, dict) and "jobs_per_s" in v and k != "bare_simpy_mm10"]
    return reference, {k: max(r[k]["jobs_per_s"] for r in reports) for k in scenarios}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="git revision to compare against")
    parser.add_argument("--jobs", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qcloudsim-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                       check=True, capture_output=True)
        try:
            new, old = [], []
            for _ in range(args.rounds):
                new.append(_run(ROOT, args.jobs))
                old.append(_run(base, args.jobs))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    ref_new, best_new = _best(new)
    ref_old, best_old = _best(old)
    print(f"best of {args.rounds} rounds, {args.jobs} jobs; "
          f"bare SimPy reference: base {ref_old}, this {ref_new} jobs/s")
    print(f"| scenario | {args.base} jobs/s (ratio) | this checkout jobs/s (ratio) | this / base |")
    print("| --- | ---: | ---: | ---: |")
    for name, value in best_new.items():
        before = best_old[name]
        print(f"| {name} | {before} ({before / ref_old:.3f}) | {value} ({value / ref_new:.3f}) "
              f"| {value / before:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
