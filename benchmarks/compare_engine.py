"""A/B engine throughput: this checkout against another git revision, on the same machine.

Runs ``bench_engine.py`` (this checkout's script) alternately against this
checkout's package and a revision's package (checked out into a temporary
git worktree; the revision must accept the script's config), ``--rounds``
times each, and reports per scenario the best CPU-time jobs/s of each side,
its ratio to the best bare-SimPy reference of that side, and new/old. The
revision's package is imported from its worktree even when this checkout
is installed in editable mode (whose import hook would otherwise win over
``PYTHONPATH``; compare runs before 2026-12-04 were affected by this).
Alternating and taking the best of several rounds keeps the comparison
fair on a shared machine whose speed drifts by ±10 % or more.

Usage::

    python benchmarks/compare_engine.py --base 7dcbc23            # 30,000 jobs, 4 rounds
    python benchmarks/compare_engine.py --base HEAD~3 --jobs 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_engine.py"


_BOOTSTRAP = """
import runpy, sys
# an editable install of this checkout would shadow the package on PYTHONPATH: drop its finder
sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
sys.argv = [sys.argv[3], "--jobs", sys.argv[4], "--repeats", "1"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _run(package_root: Path, jobs: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _BOOTSTRAP, str(package_root), str(BENCH.parent), str(BENCH), str(jobs)],
        cwd=package_root, check=True, capture_output=True, text=True,
    )
    report = json.loads(out.stdout)
    report["package"] = out.stderr.strip()
    return report


def _best(reports: list[dict]) -> tuple[int, dict[str, int]]:
    reference = max(max(r["bare_simpy_mm10"]["timings_cpu_jobs_per_s"]) for r in reports)
    scenarios = [k for k, v in reports[0].items() if isinstance(v, dict) and "cpu_jobs_per_s" in v
                 and k != "bare_simpy_mm10"]
    return reference, {k: max(r[k]["cpu_jobs_per_s"] for r in reports) for k in scenarios}


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
    print(f"best of {args.rounds} rounds, {args.jobs} jobs, CPU time; "
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
