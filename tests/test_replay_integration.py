"""Trace replay end to end: YAML workload.trace and `qcloudsim replay`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from qcloudsim.cli import app
from qcloudsim.config.loader import ConfigError, load_config
from qcloudsim.experiment import run

ROOT = Path(__file__).resolve().parents[1]
IBM_SAMPLE = ROOT / "traces" / "sample_ibm_style.csv"
SWF_HEAD = ROOT / "traces" / "nasa_ipsc_1993_head2000.swf.gz"
runner = CliRunner()


def _config(tmp_path, trace: dict, fleet=("ibm_brisbane", "ibm_torino")) -> Path:
    path = tmp_path / "replay.yaml"
    path.write_text(yaml.safe_dump({"name": "rp", "fleet": list(fleet), "workload": {"trace": trace}}))
    return path


def test_canonical_trace_with_recorded_runtime_and_skipped_rows(tmp_path):
    (tmp_path / "t.csv").write_text(
        "job_id,submit_s,user,group,circuit,shots,recorded_run_s,recorded_queue_s,recorded_device\n"
        "1,0,a,g,ghz_3,100,5.0,1.0,ibm_x\n"
        "2,1,b,g,qft_4,100,7.5,2.0,ibm_y\n"
        "3,2,b,g,ghz_3,-5,1.0,0.0,ibm_x\n"
        "4,3,a,g,ghz_3,100,2.0,0.5,ibm_x\n"
    )
    cfg = load_config(_config(tmp_path, {"path": "t.csv", "runtime": "recorded", "on_error": "skip",
                                         "device_map": {"ibm_x": "ibm_torino"}}))
    with pytest.warns(Warning, match="skipped 1"):
        results = run(cfg)
    jobs = results.jobs
    assert jobs["job_id"].tolist() == [1, 2, 4]
    assert jobs["run_s"].tolist() == pytest.approx([5.0, 7.5, 2.0])
    assert jobs.loc[jobs["job_id"] == 1, "device"].item() == "ibm_torino"  # pinned by device_map
    s = results.summary
    assert s["trace_rows_read"] == 4 and s["trace_rows_skipped"] == 1
    assert sum(s["trace_skipped_by_reason"].values()) == 1
    assert s["recorded_vs_simulated"]["run"]["median_rel_error"] == pytest.approx(0.0, abs=1e-9)


def test_malformed_row_raises_with_file_line_column(tmp_path):
    (tmp_path / "t.csv").write_text("job_id,submit_s,circuit\n1,0,ghz_3\n2,abc,ghz_3\n")
    cfg = load_config(_config(tmp_path, {"path": "t.csv"}))
    with pytest.raises(ValueError, match=r"t\.csv.*line 3.*submit_s"):
        run(cfg)


def test_device_map_onto_unknown_device_is_a_config_error(tmp_path):
    (tmp_path / "t.csv").write_text("job_id,submit_s,circuit\n1,0,ghz_3\n")
    with pytest.raises(ConfigError, match="device_map maps onto nowhere"):
        load_config(_config(tmp_path, {"path": "t.csv", "device_map": {"ibm_x": "nowhere"}}))


@pytest.mark.skipif(not SWF_HEAD.exists(), reason="shipped SWF head missing")
def test_swf_replay_with_scaling_is_deterministic(tmp_path):
    trace = {"path": str(SWF_HEAD), "time_scale": 0.01, "load_scale": 1.5, "end_s": 200000,
             "swf": {"max_qubits": 20, "family": "ghz"}}
    cfg = load_config(_config(tmp_path, trace))
    a, b = run(cfg), run(cfg, seed=0)
    pd.testing.assert_frame_equal(a.jobs, b.jobs)
    assert (a.jobs["job_id"] >= 10**12).any(), "load_scale 1.5 adds jittered copies"
    assert a.jobs["num_qubits"].max() <= 20


def test_cli_replay_ibm_sample(tmp_path):
    result = runner.invoke(app, ["replay", str(IBM_SAMPLE), "--runtime", "recorded", "--fleet",
                                 "ibm_brisbane,ibm_kyiv", "--map-device", "ibm_osaka=ibm_kyiv",
                                 "--time-scale", "0.01", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Simulated vs recorded" in result.output
    jobs = pd.read_parquet(tmp_path / "out" / "jobs.parquet")
    assert len(jobs) == 400
    osaka = jobs[jobs["recorded_device"] == "ibm_osaka"]
    assert (osaka["device"] == "ibm_kyiv").all()


def test_cli_replay_bad_options_exit_2(tmp_path):
    bad = runner.invoke(app, ["replay", str(IBM_SAMPLE), "--map-device", "nonsense"])
    assert bad.exit_code == 2 and "TRACE_BACKEND=FLEET_DEVICE" in bad.output
    missing = runner.invoke(app, ["replay", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_errors_raised_inside_the_simulation_keep_their_message():
    from qcloudsim.circuits.qasm import CircuitFileError
    from qcloudsim.traces.table import TraceError

    for error in (TraceError("f.csv", "bad value", position="line 3", column="shots"),
                  CircuitFileError("c.qasm", "parse error", line=7)):
        rebuilt = type(error)(*error.args)  # what SimPy does when a process fails
        assert str(rebuilt) == str(error)
