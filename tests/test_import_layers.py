"""Import structure, checked by import-linter against the contracts in ``pyproject.toml``.

Contracts: models and schedulers import no engine process code, config, CLI
or composition root; no import cycles between the engine's modules; results
never import plots. ``.ci/run`` also runs ``lint-imports`` on its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from importlinter import cli

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept(capsys):
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(previous)
    output = capsys.readouterr().out
    assert code == 0, output
    assert "3 kept, 0 broken" in output
