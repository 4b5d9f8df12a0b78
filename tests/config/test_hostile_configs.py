"""Issue 17, "Hostile inputs": every config defect it found, one test (or a few) each.

1. silently accepted values (strict types on every validation path);
2. duplicate YAML keys;
3. physical bounds on every number;
4. a family size above the family's maximum;
5. a config that is not UTF-8;
6. an ``output.dir`` that is an existing file;
7. the generated config reference (``docs/config_reference.md``).
"""

from __future__ import annotations

import copy
import os
import textwrap
import types
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from qcloudsim.config.loader import ConfigError, load_config
from qcloudsim.config.schema import ExperimentConfig, SchedulerConfig
from qcloudsim.limits import MAX_JOBS, MAX_QUBITS, MAX_SHOTS, MAX_TIME_S, MIN_RATE_PER_S
from qcloudsim.sweep import SweepError, expand
from tests.helpers import small_config_data

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*ROOT.glob("configs/*.yaml"), *ROOT.glob("experiments/*/config.yaml"),
                  *ROOT.glob("policies/*/config.yaml")])


def write(tmp_path: Path, data: dict | str, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def set_in(data: dict, dotted: str, value: Any) -> dict:
    """``data`` with ``a.b.0.c`` set to ``value`` (lists indexed by integers)."""
    parts = dotted.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def load_error(tmp_path: Path, data: dict | str) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, data))
    return str(err.value)


def hybrid_group(**changes: Any) -> dict:
    group = {"ansatz": {"family": "vqe", "qubits": 4}, "parameters": 2, "stopping": {"rule": "fixed", "iterations": 3}}
    group.update(changes)
    return group


# -- 1. silently accepted values ------------------------------------------------------------------


def test_silently_accepted_jobs_string_is_rejected(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.jobs", "20"))
    assert "field 'workload.jobs': Input should be a valid integer (got '20')" in message
    assert str(tmp_path / "exp.yaml") in message


def test_silently_accepted_jobs_boolean_is_rejected(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.jobs", True))
    assert "field 'workload.jobs': Input should be a valid integer (got True)" in message


def test_silently_accepted_backfill_yes_please_is_rejected(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "scheduler.backfill", "yes please"))
    assert "field 'scheduler.backfill': Input should be a valid boolean (got 'yes please')" in message


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("seed", "3", "valid integer"),
        ("seed", 3.0, "valid integer"),
        ("workload.arrivals.rate_per_s", "0.8", "valid number"),
        ("workload.arrivals.rate_per_s", True, "valid number"),
        ("workload.shots", "1000", "valid integer"),
        ("workload.shots.0", 100.0, "valid integer"),
        ("workload.circuits.1", "2", "valid integer"),
        ("workload.mix.0.qubits", "4", "valid integer"),
        ("workload.mix.0.qubits", [2, "6"], "valid integer"),
        ("workload.mix.0.weight", "1", "valid number"),
        ("workload.users.0.name", 7, "valid string"),
        ("workload.users.1.weight", False, "valid number"),
        ("workload.priorities", [0, "1"], "valid integer"),
        ("fleet.1.downtime.0", ["20", 60], "valid number"),
        ("fleet.1.downtime", [[True, 60]], "valid number"),
        ("fleet.2.t1_us", "120", "valid number"),
        ("fleet.2.edges.0", [0, 1.0], "valid integer"),
        ("fleet.2.processor", 5, "valid string"),
        ("name", 5, "valid string"),
        ("scheduler.name", 1, "valid string"),
        ("scheduler.label", 2.5, "valid string"),
        ("scheduler.multiplexing", True, "'exclusive' or 'shared'"),
        ("models.fidelity.routing", 1, "valid boolean"),
        ("models.fidelity.routing", "true", "valid boolean"),
        ("models.crosstalk.enabled", "no", "valid boolean"),
        ("output.plot", 0, "valid boolean"),
        ("output.dir", 5, "expected a path"),
        ("replications", "2", "valid integer"),
        ("horizon_s", "100", "valid number"),
        ("rl.training.eval_seeds", [1000, "1001"], "valid integer"),
        ("cutting.seed", 1.5, "valid integer"),
    ],
)
def test_silently_accepted_no_coercion_anywhere(tmp_path, dotted, value, expected):
    message = load_error(tmp_path, set_in(small_config_data(), dotted, value))
    assert expected in message, message


def test_silently_accepted_yaml_forms_still_validate(tmp_path):
    """Pairs from YAML lists, paths and literals from strings, integers for numbers."""
    data = small_config_data()
    data["fleet"][1]["downtime"] = [[20, 60], [100.5, 200]]
    data["workload"]["arrivals"]["rate_per_s"] = 1
    data["workload"]["deadline_slack_s"] = [10, 60.0]
    data["output"] = {"dir": str(tmp_path / "out")}
    config = load_config(write(tmp_path, data))
    assert config.workload.mix[0].qubits == (2, 6)
    assert config.fleet[1].downtime == [(20.0, 60.0), (100.5, 200.0)]
    assert config.workload.arrivals.rate_per_s == 1.0 and isinstance(config.workload.arrivals.rate_per_s, float)
    assert config.workload.deadline_slack_s == (10.0, 60.0)
    assert config.output.dir == tmp_path / "out" and config.workload.arrivals.process == "poisson"


def test_silently_accepted_exponent_without_dot_is_a_number(tmp_path):
    text = yaml.safe_dump(small_config_data(), sort_keys=False).replace("rate_per_s: 0.8", "rate_per_s: 8e-1")
    assert load_config(write(tmp_path, text)).workload.arrivals.rate_per_s == 0.8


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_silently_accepted_real_configs_round_trip_strictly(path):
    """Shipped configs load, and their JSON dump (what sweeps and workers validate) validates to the same config."""
    config = load_config(path)
    again = ExperimentConfig.model_validate(config.model_dump(mode="json"))
    assert again == config and again.digest() == config.digest()
    for spec in expand(config)[:3]:
        assert ExperimentConfig.model_validate(spec.config.model_dump(mode="json")) == spec.config


def test_silently_accepted_custom_device_and_hybrid_round_trip():
    data = small_config_data(hybrid={"programs": [hybrid_group(mode="session")], "classical": {"cpu": 2}})
    data["fleet"].append({"name": "grid", "topology": "grid", "rows": 2, "cols": 3, "t1_us": [100] * 6})
    config = ExperimentConfig.model_validate(data)
    dumped = config.model_dump(mode="json")
    assert "topology" not in dumped["fleet"][2] and dumped["fleet"][3]["topology"] == "grid"  # unset keys stay unset
    assert ExperimentConfig.model_validate(dumped) == config


def test_silently_accepted_free_form_values_must_be_plain_data(tmp_path):
    """Sweep values and scheduler parameters survive the JSON round trip, so no dates, sets or NaNs
    (found by fuzzing)."""
    text = yaml.safe_dump(small_config_data(), sort_keys=False)
    cases = [
        ("sweep:\n  scheduler.name: [.inf, sjf]\n",
         "field 'sweep.scheduler.name.0': expected a finite number, got inf"),
        ("sweep:\n  seed: [2024-01-01]\n", "field 'sweep.seed.0': expected plain data"),
        ("sweep:\n  scheduler.params: [{1: 2}]\n", "field 'sweep.scheduler.params.0': expected string keys"),
    ]
    for extra, expected in cases:
        assert expected in load_error(tmp_path, text + extra)


def test_silently_accepted_every_validation_path_is_strict(tmp_path):
    """load_config, model_validate of a dict (replay CLI, tests, workers) and sweep expansion agree."""
    bad = set_in(small_config_data(), "workload.jobs", "20")
    with pytest.raises(ValidationError, match="valid integer"):
        ExperimentConfig.model_validate(copy.deepcopy(bad))
    with pytest.raises(ConfigError, match="valid integer"):
        load_config(write(tmp_path, bad))
    swept = ExperimentConfig.model_validate(small_config_data(sweep={"workload.jobs": [20, "30"]}))
    with pytest.raises(SweepError, match=r"field 'workload.jobs'.*valid integer"):
        expand(swept)
    swept = ExperimentConfig.model_validate(small_config_data(sweep={"workload.mix.0.qubits": [[2, 4], [2, True]]}))
    with pytest.raises(SweepError, match=r"field 'workload.mix.0.qubits.1'"):
        expand(swept)


@pytest.mark.parametrize(
    ("scheduler", "expected"),
    [
        ({"name": "agnostic", "params": {"window": "x"}},
         "scheduler 'agnostic': parameter 'window': Input should be a valid integer (got 'x')"),
        ({"name": "agnostic", "params": {"window": True}},
         "parameter 'window': Input should be a valid integer (got True)"),
        ({"name": "anneal", "params": {"initial_temperature": "hot"}},
         "parameter 'initial_temperature': Input should be a valid number"),
        ({"name": "weighted", "params": {"fidelity_weight": float("nan")}},
         "field 'scheduler.params.fidelity_weight': expected a finite number, got nan"),
        ({"name": "weighted", "params": {"fidelity_weight": 1e300}}, "fidelity_weight must be a number in [0, 1]"),
        ({"name": "fcfs", "params": {"multiprogramming": "x"}},
         "parameter 'multiprogramming': Input should be a valid boolean"),
        ({"name": "fairshare", "params": {"allocations": {"a": "2"}}},
         "parameter 'allocations' at a: Input should be a valid number"),
        ({"name": "fcfs", "order": {"name": "fairshare", "window_s": "x"}}, "order 'fairshare': parameter 'window_s'"),
        ({"name": "fcfs", "params": {"nope": 1}}, "rejected its parameters"),
        ({"name": "..:x"}, "cannot load scheduler '..:x'"),
    ],
)
def test_silently_accepted_scheduler_params_are_typed(tmp_path, scheduler, expected):
    message = load_error(tmp_path, small_config_data(scheduler=scheduler))
    assert "field 'scheduler" in message and expected in message, message


def test_silently_accepted_scheduler_params_of_the_right_type_pass():
    built = SchedulerConfig(name="fairshare", params={"allocations": {"a": 2, "b": 1.5}, "window_s": 3600})
    assert built.params["window_s"] == 3600
    assert SchedulerConfig(name="agnostic", params={"window": 5, "fidelity_weight": 1}).build() is not None


# -- 2. duplicate keys ---------------------------------------------------------------------------------


def test_duplicate_yaml_key_names_both_lines(tmp_path):
    text = textwrap.dedent("""\
        name: dup
        fleet: [ibm_perth]
        workload:
          jobs: 10
          arrivals: {process: poisson, rate_per_s: 1.0}
          mix: [{family: ghz, qubits: 3}]
          jobs: 20
    """)
    path = write(tmp_path, text, "x.yaml")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line 7: duplicate key 'jobs' (first at line 4)"


def test_duplicate_yaml_key_in_flow_mapping_and_top_level(tmp_path):
    flow = "name: a\nfleet: [ibm_perth]\nworkload: {jobs: 1, jobs: 2}\n"
    assert "line 3: duplicate key 'jobs' (first at line 3)" in load_error(tmp_path, flow)
    top = "name: a\nseed: 1\nfleet: [ibm_perth]\nseed: 2\n"
    assert "line 4: duplicate key 'seed' (first at line 2)" in load_error(tmp_path, top)


def test_duplicate_yaml_key_merge_keys_may_be_overridden(tmp_path):
    text = textwrap.dedent("""\
        name: merge
        fleet: [ibm_perth]
        workload:
          jobs: 10
          arrivals: {process: poisson, rate_per_s: 0.5}
          mix:
            - &ghz {family: ghz, qubits: 3}
            - <<: *ghz
              qubits: 4
    """)
    config = load_config(write(tmp_path, text))
    assert [entry.qubits for entry in config.workload.mix] == [3, 4]


# -- 3. physical bounds ------------------------------------------------------------------------------


def test_physical_bounds_jobs_ten_to_the_thirty(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.jobs", 10**30))
    assert f"field 'workload.jobs': Input should be less than or equal to {MAX_JOBS}" in message


def test_physical_bounds_tiny_rate(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.arrivals.rate_per_s", 1e-300))
    assert "field 'workload.arrivals.rate_per_s': Input should be greater than or equal to" in message
    assert "(got 1e-300)" in message
    assert MIN_RATE_PER_S == 1e-9


@pytest.mark.parametrize("shots", [1e30, 10**30, MAX_SHOTS + 1])
def test_physical_bounds_huge_shots(tmp_path, shots):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.shots", shots))
    assert "field 'workload.shots'" in message
    assert ("valid integer" in message) if isinstance(shots, float) else ("less than or equal to" in message)


def test_physical_bounds_shots_written_1e30_in_yaml(tmp_path):
    text = yaml.safe_dump(small_config_data(), sort_keys=False).replace("shots:\n  - 100\n", "shots:\n  - 1e30\n")
    assert "- 1e30" in text
    assert "field 'workload.shots.0': Input should be a valid integer (got 1e+30)" in load_error(tmp_path, text)


def test_physical_bounds_arrival_span_beyond_max_time(tmp_path):
    data = small_config_data()
    data["workload"]["jobs"] = 10**8
    data["workload"]["arrivals"]["rate_per_s"] = 1e-3
    message = load_error(tmp_path, data)
    assert "field 'workload'" in message and "beyond the longest simulated time" in message
    data["workload"]["arrivals"] = {"process": "mmpp", "rates_per_s": [0, 1e-9], "mean_sojourn_s": [1e6, 1]}
    data["workload"]["jobs"] = 10
    assert "beyond the longest simulated time" in load_error(tmp_path, data)
    data["workload"]["arrivals"] = {"process": "diurnal", "base_rate_per_s": 1e-9, "hourly": [1e-9] * 24}
    assert "beyond the longest simulated time" in load_error(tmp_path, data)
    assert MAX_TIME_S == 1e10


@pytest.mark.parametrize(
    ("dotted", "value"),
    [
        ("seed", -1),
        ("seed", 2**64),
        ("horizon_s", 1e300),
        ("horizon_s", float("inf")),
        ("replications", 10**9),
        ("workload.shots", 0),
        ("workload.circuits", 10**12),
        ("workload.priorities", [10**30]),
        ("workload.mix.0.qubits", [2, MAX_QUBITS + 1]),
        ("workload.mix.0.weight", 1e300),
        ("workload.users.0.weight", float("nan")),
        ("workload.deadline_slack_s", [0, 1e300]),
        ("workload.deadline_fraction", 1.5),
        ("workload.arrivals", {"process": "mmpp", "rates_per_s": [1e-300, 1], "mean_sojourn_s": [10, 10]}),
        ("workload.arrivals", {"process": "mmpp", "rates_per_s": [1, 1], "mean_sojourn_s": [1e-300, 10]}),
        ("workload.arrivals", {"process": "diurnal", "base_rate_per_s": 1e7}),
        ("workload.arrivals", {"process": "diurnal", "base_rate_per_s": 1, "hourly": [1e9] * 24}),
        ("fleet.1.downtime", [[0, 1e300]]),
        ("fleet.0", {"catalog": "ibm_perth", "calibration": {"period_s": 1e-300, "duration_s": 1e-301}}),
        ("fleet.0", {"catalog": "ibm_perth", "drift": {"step_s": 1e-12}}),
        ("fleet.0", {"catalog": "ibm_perth", "drift": {"error_trend_per_h": 1e6}}),
        ("fleet.0", {"catalog": "ibm_perth", "outages": {"mtbf_s": 1e-300, "mttr_s": 1}}),
        ("fleet.2.edges", [[0, 10**9]]),
        ("fleet.2", {"name": "big", "topology": "line", "num_qubits": 10**12}),
        ("fleet.2", {"name": "big", "topology": "grid", "rows": 1000, "cols": 1000}),
        ("fleet.2", {"name": "big", "topology": "heavy_hex", "distance": 10**6 + 1}),
        ("fleet.2.duration_2q_ns", 1e300),
        ("fleet.2.t1_us", [1e300, 1, 1, 1, 1]),
        ("models.runtime.per_job_overhead_s", 1e300),
        ("models.crosstalk.kappa", 1e300),
        ("cutting.max_fragment_qubits", 10**9),
        ("cutting.max_overhead", 1e300),
        ("rl.max_steps", 10**30),
        ("rl.training.total_steps", 10**30),
        ("rl.training.n_steps", 10**12),
        ("rl.training.learning_rate", 1e9),
        ("rl.training.gcn_hidden", 10**9),
        ("hybrid", {"programs": [hybrid_group(count=10**30)]}),
        ("hybrid", {"programs": [hybrid_group(shots=10**30)]}),
        ("hybrid", {"programs": [hybrid_group(latency_s=1e300)]}),
        ("hybrid", {"programs": [hybrid_group(ansatz={"family": "vqe", "qubits": 10**9})]}),
        ("hybrid", {"programs": [hybrid_group(stopping={"rule": "fixed", "iterations": 10**30})]}),
        ("hybrid", {"programs": [hybrid_group(stopping={"rule": "curve", "tau": 1e300})]}),
        ("hybrid", {"programs": [hybrid_group(session={"time_limit_s": 1e300})]}),
        ("hybrid", {"programs": [hybrid_group(count=10**6, spacing_s=1e6)]}),
        ("hybrid", {"programs": [hybrid_group(count=10**6, stopping={"rule": "fixed", "iterations": 10**6})]}),
        ("hybrid", {"programs": [hybrid_group()], "classical": {"cpu": 10**30}}),
    ],
)
def test_physical_bounds_on_every_number(tmp_path, dotted, value):
    message = load_error(tmp_path, set_in(small_config_data(), dotted, value))
    assert f"field '{dotted}" in message, message
    assert "problems" not in message, message  # only the value set here is wrong


def test_physical_bounds_sweep_runs_and_seeds(tmp_path):
    data = small_config_data(replications=10_000, sweep={"seed": list(range(200))})
    assert "more than 1000000" in load_error(tmp_path, data)
    assert "seed + replications - 1" in load_error(tmp_path, small_config_data(seed=2**32 - 1, replications=2))


def test_physical_bounds_trace_settings(tmp_path):
    trace = ROOT / "tests" / "data" / "trace_pinned.csv"
    base = {"trace": {"path": str(trace)}}
    for key, value in [("time_scale", 1e300), ("time_scale", 0), ("load_scale", 1e9), ("start_s", -1.0),
                       ("jitter_s", float("inf")), ("default_shots", 10**30)]:
        data = small_config_data(workload={"trace": {**base["trace"], key: value}})
        assert f"field 'workload.trace.{key}'" in load_error(tmp_path, data)
    data = small_config_data(workload={"trace": {**base["trace"], "swf": {"max_qubits": 10**9}}})
    assert "field 'workload.trace.swf.max_qubits'" in load_error(tmp_path, data)


def _numeric_leaves(annotation: Any, metadata: tuple, where: str) -> typing.Iterator[tuple[str, tuple]]:
    """Every int/float inside ``annotation`` with the constraints that apply to it."""
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        for item in args[1:]:
            metadata += tuple(item.metadata) if isinstance(item, FieldInfo) else (item,)
    if annotation in (int, float):
        yield where, metadata
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _numeric_leaves(arg, metadata, where)
    elif origin is dict:
        yield from _numeric_leaves(args[1], (), f"{where}{{}}")
    elif origin in (list, tuple):
        for arg in args:
            yield from _numeric_leaves(arg, (), f"{where}[]")


def _all_models(root: type[BaseModel] = ExperimentConfig) -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            stack = [info.annotation]
            while stack:
                current = stack.pop()
                if isinstance(current, type) and issubclass(current, BaseModel):
                    todo.append(current)
                stack.extend(typing.get_args(current))
    return seen


def test_physical_bounds_every_numeric_field_is_bounded_both_ways():
    """A meta-check: no int or float anywhere in the schema lacks a lower and an upper bound."""
    unbounded = []
    for model in _all_models():
        for name, info in model.model_fields.items():
            for where, metadata in _numeric_leaves(info.annotation, tuple(info.metadata), f"{model.__name__}.{name}"):
                lower = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in metadata)
                upper = any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in metadata)
                if not (lower and upper):
                    unbounded.append(where)
    assert unbounded == []
    assert len(_all_models()) > 30


# -- 4. family size above its maximum -------------------------------------------------------------


def test_family_size_above_its_maximum_in_the_mix(tmp_path):
    message = load_error(tmp_path, set_in(small_config_data(), "workload.mix.0.qubits", [3, 160]))
    assert ("field 'workload.mix.0': family 'ghz' supports 2..156 qubits; 'qubits' [3, 160] is outside that range"
            in message)
    message = load_error(tmp_path, set_in(small_config_data(), "workload.mix.0", {"family": "grover", "qubits": 13}))
    assert "family 'grover' supports 2..12 qubits; 'qubits' 13 is outside that range" in message


def test_family_size_above_its_maximum_in_the_ansatz_and_swf(tmp_path):
    data = small_config_data(hybrid={"programs": [hybrid_group(ansatz={"family": "grover", "qubits": [4, 20]})]})
    assert "family 'grover' supports 2..12 qubits" in load_error(tmp_path, data)
    data = small_config_data(hybrid={"programs": [hybrid_group(ansatz={"family": "graphstate", "qubits": 2})]})
    assert "family 'graphstate' supports 3..156 qubits" in load_error(tmp_path, data)
    trace = {"path": str(ROOT / "tests" / "data" / "trace_pinned.csv"), "swf": {"family": "grover", "max_qubits": 27}}
    assert "family 'grover' supports 2..12 qubits" in load_error(tmp_path, small_config_data(workload={"trace": trace}))


# -- 5. non-UTF-8 ---------------------------------------------------------------------------------------------


def test_non_utf8_config_names_file_line_and_offset(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\n# café\nfleet: [ibm_perth]\n".encode("latin-1"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}, line 2: not UTF-8 text (byte 0xe9 at offset 13); save the file as UTF-8"


def test_non_utf8_control_characters_and_folders(tmp_path):
    assert "line 1, column 8: invalid YAML: character '\\x01'" in load_error(tmp_path, "name: x\x01\n")
    with pytest.raises(ConfigError, match="is a folder, expected a YAML file"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: 2024-13-45\n",
         "line 1, column 7: invalid YAML: cannot read '2024-13-45' as !!timestamp (month must be in 1..12)"),
        ("name: !!int 1x\n", "line 1, column 7: invalid YAML: cannot read '1x' as !!int"),
        ("name: !!float x\n", "cannot read 'x' as !!float"),
        ("seed: " + "1" * 5000 + "\n", "cannot read '1111"),
        ("name: !!python/object:os.system x\n", "could not determine a constructor"),
        ("seed: !!timestamp 3\n", "line 1, column 7: invalid YAML: cannot read '3' as !!timestamp\n"),
        ("seed: !!bool 3\n", "line 1, column 7: invalid YAML: cannot read '3' as !!bool\n"),
    ],
)
def test_non_utf8_and_other_unreadable_scalars(tmp_path, text, expected):
    """Scalars their tag cannot hold are YAML errors with a position, not tracebacks (found while fuzzing)."""
    assert expected in load_error(tmp_path, text) + "\n"


def test_non_utf8_hostile_files(tmp_path):
    """Endless devices, empty files and pipes are reported, never read forever."""
    if Path("/dev/zero").exists():
        with pytest.raises(ConfigError, match="larger than 16 MiB"):
            load_config("/dev/zero")
    assert load_error(tmp_path, "") == f"{tmp_path / 'exp.yaml'}: the file is empty; expected a mapping of settings"
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    data = small_config_data(workload={"trace": {"path": str(fifo)}})
    assert f"field 'workload.trace.path': trace file {fifo} is not a regular file" in load_error(tmp_path, data)


# -- 6. output.dir is a file ------------------------------------------------------------------------------------


def test_output_dir_that_is_a_file(tmp_path):
    existing = tmp_path / "results.txt"
    existing.write_text("not a folder")
    message = load_error(tmp_path, small_config_data(output={"dir": str(existing)}))
    assert f"field 'output.dir': {existing} is a file, expected a folder" in message
    assert load_config(write(tmp_path, small_config_data(output={"dir": str(tmp_path)}))).output.dir == tmp_path


# -- 7. config reference -------------------------------------------------------------------------------------------


def test_config_reference_is_up_to_date():
    from qcloudsim.config.reference import COMMAND, render_reference

    committed = (ROOT / "docs" / "config_reference.md").read_text(encoding="utf-8")
    assert committed == render_reference(), f"docs/config_reference.md is stale; regenerate with: {COMMAND}"


def test_config_reference_describes_every_field_with_bounds():
    from qcloudsim.config.reference import descriptions, render_reference, sections

    missing = [f"{model.__name__}.{name}" for model, _ in sections()
               for name, text in descriptions(model).items() if not text]
    assert missing == []
    text = render_reference()
    assert "qcloudsim/limits.py" in text and "python -m qcloudsim.config.reference" in text.splitlines()[2]
    assert "| `jobs` | [`JobCount`](#type-jobcount) | **required** | ≥ 1, ≤ 100,000,000 | Number of jobs. |" in text
    assert "| `on_running` | one of `drain`, `requeue`, `fail` | `\"drain\"` |" in text
    for model, _ in sections():
        assert f"## {model.__name__}\n" in text


def test_config_reference_check_command(tmp_path):
    from qcloudsim.config.reference import main

    target = tmp_path / "ref.md"
    assert main([str(target), "--check"]) == 1
    assert main([str(target)]) == 0
    assert main([str(target), "--check"]) == 0
