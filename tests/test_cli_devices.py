"""``qcloudsim devices`` commands through typer's CliRunner."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from qcloudsim.cli_devices import devices_app
from qcloudsim.devices.catalog import load_catalog, read_catalog_file

runner = CliRunner()


def test_list_shows_every_device() -> None:
    result = runner.invoke(devices_app, ["list"])
    assert result.exit_code == 0, result.output
    for name in load_catalog().names():
        assert name in result.output
    assert "Eagle r3" in result.output
    assert "median T1" in result.output


def test_show_device_by_alias() -> None:
    result = runner.invoke(devices_app, ["show", "fake_brisbane"])
    assert result.exit_code == 0, result.output
    assert "ibm_brisbane" in result.output
    assert "127" in result.output
    assert "filtered at import (3)" in result.output
    assert "coupler (24, 25)" in result.output


def test_show_unknown_device_exits_2_with_suggestion() -> None:
    result = runner.invoke(devices_app, ["show", "ibm_brisbone"])
    assert result.exit_code == 2
    assert "ibm_brisbane" in result.stderr
    assert "qcloudsim devices list" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_import_subset_to_new_file(tmp_path) -> None:
    pytest.importorskip("qiskit_ibm_runtime")
    out = tmp_path / "cat.json.gz"
    result = runner.invoke(devices_app, ["import", "lima", "fake_athens", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 2 devices, skipped 0" in result.stdout
    catalog = read_catalog_file(out)
    assert catalog.names() == ["ibmq_athens", "ibmq_lima"]
    assert catalog.get("fake_lima") == load_catalog().get("ibmq_lima")


def test_import_merges_into_existing_file(tmp_path) -> None:
    pytest.importorskip("qiskit_ibm_runtime")
    out = tmp_path / "cat.json.gz"
    assert runner.invoke(devices_app, ["import", "lima", "--out", str(out)]).exit_code == 0
    result = runner.invoke(devices_app, ["import", "quito", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_catalog_file(out).names() == ["ibmq_lima", "ibmq_quito"]
    listed = runner.invoke(devices_app, ["list", "--catalog", str(out)])
    assert "ibmq_quito" in listed.stdout and "ibm_brisbane" not in listed.stdout


def test_import_unknown_backend_exits_2(monkeypatch, tmp_path) -> None:
    from qcloudsim.devices import importer

    def unknown(names):  # the real lookup is tested in tests/devices/test_importer.py
        raise ValueError(f"no qiskit-ibm-runtime fake backend named {', '.join(names)}")

    monkeypatch.setattr(importer, "import_fake_backends", unknown)
    result = runner.invoke(devices_app, ["import", "fake_nowhere", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "fake_nowhere" in result.stderr
    assert not (tmp_path / "x").exists()


def test_import_without_qiskit_ibm_runtime(monkeypatch, tmp_path) -> None:
    for module in [m for m in sys.modules if m.startswith("qiskit_ibm_runtime")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, "qiskit_ibm_runtime", None)
    result = runner.invoke(devices_app, ["import", "--out", str(tmp_path / "cat.json.gz")])
    assert result.exit_code == 2
    assert "pip install qcloudsim[import]" in result.stderr
    assert not (tmp_path / "cat.json.gz").exists()


def test_devices_list_fits_the_terminal_and_keeps_rows_whole_when_piped() -> None:
    import re

    on_terminal = runner.invoke(devices_app, ["list"], env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert on_terminal.exit_code == 0, on_terminal.output
    lines = re.sub(r"\x1b\[[0-9;]*m", "", on_terminal.output).splitlines()
    assert max(len(line) for line in lines) <= 80
    piped = runner.invoke(devices_app, ["list"], env={"COLUMNS": "80"})
    assert max(len(line) for line in piped.output.splitlines()) > 80  # not squeezed into 80 columns
