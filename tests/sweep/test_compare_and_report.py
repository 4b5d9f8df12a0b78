"""Paired comparisons, bounded intervals, readable summaries and reading a sweep folder back."""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from qcloudsim.cli import app
from qcloudsim.results import Results, ResultsError, SweepResults, read_results
from qcloudsim.sweep import run_sweep
from qcloudsim.sweep.aggregate import mean_ci95, metric_range
from qcloudsim.sweep.compare import default_comparison, paired_comparison, paired_difference
from qcloudsim.sweep.report import mean_pm, significant, summary_text
from tests.helpers import small_config, small_config_data


def test_paired_difference_matches_a_hand_computed_paired_t_interval():
    out = paired_difference(np.array([10.0, 12.0, 14.0]), np.array([11.0, 14.0, 17.0]))
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t_{0.975, 2} * s_d / sqrt(n), d = [1, 2, 3]
    assert out["pairs"] == 3 and out["diff_mean"] == pytest.approx(2.0)
    assert (out["diff_ci95_low"], out["diff_ci95_high"]) == pytest.approx((2 - half, 2 + half))
    assert out["rel_diff"] == pytest.approx(2 / 12)
    assert out["p_t"] == pytest.approx(stats.ttest_rel([11, 14, 17], [10, 12, 14]).pvalue)
    assert out["p_wilcoxon"] == pytest.approx(0.25)


def test_paired_difference_without_variation_or_pairs_is_undefined_not_an_error():
    same = paired_difference(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert same["diff_mean"] == 0 and math.isnan(same["p_t"]) and math.isnan(same["p_wilcoxon"])
    one = paired_difference(np.array([1.0]), np.array([3.0]))
    assert one["diff_mean"] == 2 and math.isnan(one["diff_ci95_low"])
    assert paired_difference(np.array([]), np.array([]))["pairs"] == 0


def _runs_table() -> pd.DataFrame:
    rows = []
    for rate in (0.4, 1.2):
        for scheduler, shift in (("fcfs", 0.0), ("sjf", -5.0)):
            for seed in (0, 1, 2):
                rows.append({"workload_arrivals_rate_per_s": rate, "scheduler_name": scheduler, "seed": seed,
                             "completion_mean_s": 100 * rate + seed + shift, "fidelity_mean": 0.9})
    return pd.DataFrame(rows)


def test_paired_comparison_pairs_by_seed_within_each_setting():
    swept = ["workload_arrivals_rate_per_s", "scheduler_name"]
    table = paired_comparison(_runs_table(), "scheduler_name", "fcfs", swept)
    assert len(table) == 2 * 2  # two loads x two metrics, one compared level
    completion = table[table["metric"] == "completion_mean_s"]
    assert (completion["diff_mean"] == -5.0).all() and (completion["diff_ci95_high"] == -5.0).all()
    assert list(completion["workload_arrivals_rate_per_s"]) == [0.4, 1.2]
    assert default_comparison(_runs_table(), swept).equals(table)
    assert default_comparison(_runs_table(), ["workload_arrivals_rate_per_s"]) is None
    with pytest.raises(ValueError, match="baseline 'edf' is not a level of scheduler_name; levels: fcfs, sjf"):
        paired_comparison(_runs_table(), "scheduler_name", "edf", swept)


def test_intervals_are_clipped_to_what_a_metric_can_take():
    mean, low, high = mean_ci95(np.array([0.99, 1.0, 1.0, 0.97]), metric_range("jain_user_slowdown"))
    assert high == 1.0 and low < mean < high
    _, low, _ = mean_ci95(np.array([0.1, 5.0, 0.2]), metric_range("wait_mean_s"))
    assert low == 0.0


@given(st.lists(st.floats(0, 1), min_size=2, max_size=12))
def test_fraction_intervals_stay_in_the_unit_interval(values):
    mean, low, high = mean_ci95(np.array(values), metric_range("fidelity_mean"))
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0


def test_numbers_read_well():
    assert significant(1234.567) == "1,235" and significant(0.012345) == "0.0123" and significant(0.0) == "0"
    assert significant(math.nan) == "–"
    assert mean_pm(100.0, 90.0, 110.0) == "100 ± 10" and mean_pm(0.5, math.nan, math.nan) == "0.500"
    summary = pd.DataFrame({"workload_arrivals_rate_per_s": [0.4], "runs": [3], "completion_mean_s": [1234.0],
                            "completion_mean_s_ci95_low": [1200.0], "completion_mean_s_ci95_high": [1268.0]})
    text = summary_text(summary, ["workload_arrivals_rate_per_s"])
    assert text.to_dict("records") == [{"rate_per_s": "0.400", "runs": "3", "completion (s)": "1,234 ± 34"}]


@pytest.fixture(scope="module")
def scheduler_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    config = small_config(replications=3, sweep={"scheduler.name": ["fcfs", "sjf"]})
    return out, run_sweep(config, out, workers=1, progress=False)


def test_a_scheduler_sweep_compares_with_the_first_scheduler_and_reads_back(scheduler_sweep):
    out, outcome = scheduler_sweep
    assert outcome.swept == ["scheduler_name"]
    comparisons = outcome.comparisons
    assert set(comparisons["level"]) == {"sjf"} and set(comparisons["baseline"]) == {"fcfs"}
    assert (comparisons["pairs"] == 3).all()
    back = SweepResults.read(out)
    pd.testing.assert_frame_equal(back.comparisons, comparisons)
    pd.testing.assert_frame_equal(back.summary, outcome.summary)
    assert len(back.jobs) == 6 * 60 and back.metadata["runs"] == 6
    assert isinstance(back.run(back.runs["run_id"].iloc[0]), Results)
    assert isinstance(read_results(out), SweepResults)
    with pytest.raises(ResultsError, match="is a sweep folder: read it with qcloudsim.results.SweepResults.read"):
        Results.read(out)


def test_reading_an_unfinished_sweep_folder_is_a_named_error(tmp_path):
    with pytest.raises(ResultsError, match="not a finished sweep folder"):
        SweepResults.read(tmp_path)
    (tmp_path / "sweep.json").write_text("{}")
    with pytest.raises(ResultsError, match=r"runs\.parquet: missing"):
        SweepResults.read(tmp_path)


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    data = small_config_data(replications=2, sweep={"scheduler.name": ["fcfs", "sjf"],
                                                   "workload.arrivals.rate_per_s": [0.4, 1.2]})
    config = folder / "sweep.yaml"
    config.write_text(yaml.safe_dump(data))
    CliRunner().invoke(app, ["run", str(config), "-o", str(folder / "out"), "-j", "1", "-q"])
    return config, folder / "out"


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_sweep_summary_formats_for_tools(sweep_file, fmt):
    config, out = sweep_file
    result = CliRunner().invoke(app, ["run", str(config), "-o", str(out), "-j", "1", "--format", fmt])
    assert result.exit_code == 0, result.output
    text = result.stdout
    if fmt == "csv":
        frame = pd.read_csv(io.StringIO(text))
        assert list(frame.columns[:3]) == ["scheduler_name", "workload_arrivals_rate_per_s", "runs"]
        assert len(frame) == 4 and "completion_mean_s_ci95_low" in frame
    elif fmt == "json":
        records = json.loads(text)
        assert len(records) == 4 and {"scheduler_name", "fidelity_mean"} <= set(records[0])
    else:
        assert text.splitlines()[0].startswith("| scheduler_name") and len(text.splitlines()) == 6
    assert "runs computed" not in text  # the status line goes to stderr


def test_sweep_summary_is_readable_at_80_columns(sweep_file):
    config, out = sweep_file
    result = CliRunner().invoke(app, ["run", str(config), "-o", str(out), "-j", "1"],
                                env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "…" not in plain and "±" in plain and "Paired differences" in plain
    assert "completion_mean_s_ci95_low" not in plain  # no raw interval columns


def test_unknown_format_is_a_clear_error(sweep_file):
    config, out = sweep_file
    result = CliRunner().invoke(app, ["run", str(config), "-o", str(out), "--format", "xml"])
    assert result.exit_code == 2 and "--format must be one of table, csv, markdown, json" in result.output


def test_compare_command_takes_another_baseline(sweep_file):
    _, out = sweep_file
    result = CliRunner().invoke(app, ["compare", str(out), "--baseline", "sjf", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert set(table["baseline"]) == {"sjf"} and set(table["level"]) == {"fcfs"}
    assert {"diff_mean", "diff_ci95_low", "diff_ci95_high", "p_t", "p_wilcoxon", "pairs"} <= set(table.columns)
    shown = CliRunner().invoke(app, ["compare", str(out), "-b", "sjf"])
    assert shown.exit_code == 0 and "Paired differences with scheduler_name = sjf" in " ".join(shown.stdout.split())
    bad = CliRunner().invoke(app, ["compare", str(out), "--baseline", "edf"])
    assert bad.exit_code == 2 and "baseline 'edf' is not a level of scheduler_name" in bad.output
    load = CliRunner().invoke(app, ["compare", str(out), "--factor", "workload_arrivals_rate_per_s", "-b", "0.4",
                                    "--format", "json"])
    assert load.exit_code == 0, load.output
    assert {r["level"] for r in json.loads(load.stdout)} == {1.2}
