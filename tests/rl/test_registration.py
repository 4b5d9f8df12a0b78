"""The documented ``gymnasium.make`` call works in a fresh interpreter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("gymnasium")

ROOT = Path(__file__).resolve().parents[2]


def test_readme_gymnasium_make_works_in_a_fresh_interpreter(tmp_path):
    readme = (ROOT / "README.md").read_text()
    call = re.search(r"`(gymnasium\.make\([^`]+\))`", readme).group(1)
    script = f"import gymnasium\nenv = {call}\nobs, info = env.reset(seed=1)\nprint(type(env.unwrapped).__name__)\n"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "QCloudEnv"
