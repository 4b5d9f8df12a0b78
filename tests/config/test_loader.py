from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from qcloudsim.config.loader import ConfigError, load_config
from tests.helpers import small_config_data


def write(tmp_path: Path, data_or_text) -> Path:
    path = tmp_path / "exp.yaml"
    text = data_or_text if isinstance(data_or_text, str) else yaml.safe_dump(data_or_text, sort_keys=False)
    path.write_text(text)
    return path


def test_quickstart_config_is_valid():
    config = load_config(Path(__file__).parents[2] / "configs" / "quickstart.yaml")
    assert config.scheduler.name == "fcfs" and len(config.fleet) >= 3


def test_unknown_key_names_file_line_and_allowed(tmp_path):
    data = small_config_data()
    data["workload"]["arivals"] = data["workload"].pop("arrivals")
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert "field 'workload.arivals'" in message and "unknown key 'arivals'" in message
    assert ("allowed: arrivals, circuits, deadline_fraction, deadline_slack_s, jobs, mix, priorities, "
            "shots, targets, trace, users" in message)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "arivals" in text)
    assert f"line {line}" in message


def test_wrong_type(tmp_path):
    data = small_config_data()
    data["workload"]["jobs"] = "many"
    with pytest.raises(ConfigError, match=r"field 'workload.jobs': .*integer.*'many'"):
        load_config(write(tmp_path, data))


def test_unknown_device_suggests(tmp_path):
    data = small_config_data(fleet=["ibm_brisbon"])
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, data))
    assert "field 'fleet.0.catalog'" in str(err.value) and "ibm_brisbane" in str(err.value)


def test_unknown_scheduler_lists_allowed(tmp_path):
    data = small_config_data(scheduler={"name": "fcs"})
    with pytest.raises(ConfigError, match=r"field 'scheduler.name': unknown scheduler 'fcs'.*allowed: .*fcfs"):
        load_config(write(tmp_path, data))


def test_unknown_family_and_bad_custom_device(tmp_path):
    data = small_config_data()
    data["workload"]["mix"][0]["family"] = "ghzz"
    data["fleet"][2]["error_2q"] = 1.5
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, data))
    message = str(err.value)
    assert "2 problems" in message
    assert "field 'workload.mix.0'" in message and "unknown family 'ghzz'" in message
    assert "field 'fleet.2.error_2q'" in message and "less than 1" in message


def test_duplicate_device_names(tmp_path):
    data = small_config_data(fleet=["ibm_perth", "ibm_perth"])
    with pytest.raises(ConfigError, match="repeated: ibm_perth"):
        load_config(write(tmp_path, data))


def test_yaml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, textwrap.dedent("""\
        name: x
        fleet: [ibm_perth
        workload: {}
    """))
    with pytest.raises(ConfigError, match=r"line \d+, column \d+: invalid YAML"):
        load_config(path)


def test_missing_file_and_non_mapping(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(write(tmp_path, "- 1\n- 2\n"))


def test_missing_required_setting(tmp_path):
    data = small_config_data()
    del data["workload"]["arrivals"]
    with pytest.raises(ConfigError, match="field 'workload.arrivals': required setting is missing"):
        load_config(write(tmp_path, data))


def test_qasm_path_resolved_relative_to_config(tmp_path):
    (tmp_path / "bell.qasm").write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
    )
    data = small_config_data()
    data["workload"]["mix"] = [{"qasm": "bell.qasm"}]
    config = load_config(write(tmp_path, data))
    assert Path(config.workload.mix[0].qasm) == tmp_path / "bell.qasm"


def test_device_dynamics_keys_validate(tmp_path):
    data = small_config_data()
    data["fleet"][0] = {"catalog": "ibm_perth", "calibration": {"period_s": 100, "duration_s": 60, "jitter_s": 30},
                        "outages": {"mtbf_s": 10, "mttr_s": 1, "on_running": "drain"}}
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, data))
    message = str(err.value)
    assert "field 'fleet.0.calibration'" in message and "must be shorter than period_s" in message
    assert "field 'fleet.0.outages.on_running'" in message and "'requeue' or 'fail'" in message


def test_device_dynamics_run_end_to_end(tmp_path):
    from qcloudsim.experiment import run

    data = small_config_data()
    data["fleet"][0] = {"catalog": "ibm_perth",
                        "calibration": {"period_s": 40, "duration_s": 5, "on_running": "requeue"},
                        "drift": {"step_s": 10}, "outages": {"mtbf_s": 30, "mttr_s": 3}}
    data["scheduler"] = {"name": "fcfs", "params": {"multiprogramming": True}}
    results = run(load_config(write(tmp_path, data)))
    assert results.summary["jobs_submitted"] == 60
    assert set(results.timeline["state"]) >= {"calibrating", "down"}
    assert (results.calibrations["device"] == "ibm_perth").sum() > 3


def test_bad_scheduler_params_are_reported_at_load_time(tmp_path):
    data = small_config_data(scheduler={"name": "fairshare", "params": {"allocations": {"a/b/c": 1}}})
    with pytest.raises(ConfigError, match=r"field 'scheduler': fairshare: allocation key 'a/b/c'"):
        load_config(write(tmp_path, data))
    data = small_config_data(scheduler={"name": "weighted", "params": {"fidelity_weight": 2}})
    with pytest.raises(ConfigError, match="fidelity_weight"):
        load_config(write(tmp_path, data))


def _hybrid(**group):
    base = {"ansatz": {"family": "vqe", "qubits": 4}, "parameters": 2, "stopping": {"rule": "fixed", "iterations": 3}}
    base.update(group)
    return {"programs": [base]}


def test_hybrid_bad_input_is_reported(tmp_path):
    cases = [
        (_hybrid(stopping={"rule": "fixed", "iterations": 0}),
         "field 'hybrid.programs.0.stopping.iterations'.*greater than or equal to 1"),
        (_hybrid(latency_s=-0.1), "field 'hybrid.programs.0.latency_s'.*greater than or equal to 0"),
        (_hybrid(circuits_per_iteration=4), "exactly one of 'circuits_per_iteration' or 'parameters'"),
        ({**_hybrid(classical_kind="gpu"), "classical": {"cpu": 4, "gpu": 0}}, "classical.gpu is 0"),
    ]
    for hybrid, pattern in cases:
        with pytest.raises(ConfigError, match=pattern):
            load_config(write(tmp_path, small_config_data(hybrid=hybrid)))


def test_session_longer_than_every_calibration_interval_is_a_config_error(tmp_path):
    data = small_config_data(hybrid={**_hybrid(mode="session", session={"time_limit_s": 7200})})
    data["fleet"] = [{"catalog": "ibm_perth", "calibration": {"period_s": 3600, "duration_s": 600}},
                     {"catalog": "ibm_lagos", "calibration": {"period_s": 5400, "duration_s": 600}}]
    with pytest.raises(
        ConfigError,
        match=r"time_limit_s \(7200 s\) is longer than the interval between calibrations of every device",
    ):
        load_config(write(tmp_path, data))
    data["fleet"].append("ibm_nairobi")  # a device without a calibration cycle can host it
    assert load_config(write(tmp_path, data)).hybrid is not None


def test_hybrid_programs_run_from_yaml(tmp_path):
    from qcloudsim.experiment import run

    data = small_config_data(hybrid={**_hybrid(count=2, stopping={"rule": "trace", "tolerance": 0.05}),
                                     "mode": "session"})
    results = run(load_config(write(tmp_path, data)))
    assert len(results.programs) == 2 and (results.programs["status"] == "completed").all()
    assert results.summary["programs_completed"] == 2 and results.summary["classical_pool"]["cpu"]["tasks"] > 0
    assert results.programs["final_loss"].notna().all()
    results.write(tmp_path / "out")
    assert (tmp_path / "out" / "programs.parquet").exists()


def test_clean_loc_drops_union_tags_but_keeps_real_fields():
    from qcloudsim.config.loader import clean_loc

    assert clean_loc(("workload", "trace", "trace", "path")) == ("workload", "trace", "path")
    assert (clean_loc(("workload", "synthetic", "arrivals", "mmpp", "rates_per_s"))
            == ("workload", "arrivals", "rates_per_s"))
    assert clean_loc(("fleet", 2, "custom-device")) == ("fleet", 2)
    assert (clean_loc(("hybrid", "programs", 0, "stopping", "trace", "path"))
            == ("hybrid", "programs", 0, "stopping", "path"))


def test_cutting_config_runs_and_validates(tmp_path):
    from qcloudsim.experiment import run

    data = small_config_data(cutting={"when": "no_fit", "method": "analytic"})
    results = run(load_config(write(tmp_path, data)))
    cut = results.jobs[results.jobs["device"].str.startswith("cut:")]
    assert len(cut) >= 1 and (cut["num_qubits"] == 9).all() and (cut["status"] == "completed").all()
    assert results.summary["jobs_cut"] == len(cut) and results.fragments is not None
    with pytest.raises(ConfigError, match="field 'cutting.when'"):
        load_config(write(tmp_path, small_config_data(cutting={"when": "sometimes"})))


def test_drl_checkpoint_is_relative_to_the_config_like_other_paths(tmp_path, monkeypatch):
    import shutil


    root = Path(__file__).resolve().parents[2]
    study = tmp_path / "study"
    study.mkdir()
    shutil.copy(root / "policies" / "rl_small" / "policy.zip", study / "policy.zip")
    config = study / "drl.yaml"
    scheduler = {"name": "drl", "params": {"checkpoint": "policy.zip"}}
    config.write_text(yaml.safe_dump(small_config_data(scheduler=scheduler)))
    monkeypatch.chdir(tmp_path)  # not the config's folder
    loaded = load_config(config)
    assert loaded.scheduler.params["checkpoint"] == str(study / "policy.zip")
    legacy = study / "legacy.yaml"  # an older config: the path is relative to the working folder
    (tmp_path / "policies").mkdir()
    shutil.copy(root / "policies" / "rl_small" / "policy.zip", tmp_path / "policies" / "p.zip")
    legacy.write_text(yaml.safe_dump(small_config_data(
        scheduler={"name": "drl", "params": {"checkpoint": "policies/p.zip"}})))
    assert load_config(legacy).scheduler.params["checkpoint"] == "policies/p.zip"


def test_changing_the_policy_file_changes_the_run_key(tmp_path):
    import shutil

    from qcloudsim.sweep import expand
    from tests.helpers import small_config

    root = Path(__file__).resolve().parents[2]
    policy = tmp_path / "policy.zip"
    shutil.copy(root / "policies" / "rl_small" / "policy.zip", policy)
    config = small_config(scheduler={"name": "drl", "params": {"checkpoint": str(policy)}})
    before = expand(config)[0].run_id
    policy.write_bytes(policy.read_bytes() + b"\0")
    assert expand(config)[0].run_id != before


def test_paths_in_sweep_lists_are_relative_to_the_config_too(tmp_path, monkeypatch):
    import shutil

    root = Path(__file__).resolve().parents[2]
    study = tmp_path / "study"
    study.mkdir()
    shutil.copy(root / "policies" / "rl_small" / "policy.zip", study / "policy.zip")
    shutil.copy(root / "tests" / "data" / "trace_pinned.csv", study / "a.csv")
    data = small_config_data(
        scheduler={"name": "drl", "params": {"checkpoint": "policy.zip"}},
        sweep={"scheduler.params": [{"checkpoint": "policy.zip"}],
               "scheduler": [{"name": "drl", "params": {"checkpoint": "policy.zip"}}, {"name": "fcfs"}]},
    )
    config = study / "sweep.yaml"
    config.write_text(yaml.safe_dump(data))
    monkeypatch.chdir(tmp_path)
    loaded = load_config(config)
    assert loaded.sweep["scheduler.params"] == [{"checkpoint": str(study / "policy.zip")}]
    assert loaded.sweep["scheduler"][0]["params"]["checkpoint"] == str(study / "policy.zip")
    assert loaded.sweep["scheduler"][1] == {"name": "fcfs"}
    trace_data = {**small_config_data(), "workload": {"trace": {"path": "a.csv"}},
                  "sweep": {"workload.trace.path": ["a.csv"]}}
    config.write_text(yaml.safe_dump(trace_data))
    assert load_config(config).sweep["workload.trace.path"] == [str(study / "a.csv")]
