"""A run's results folder is written as a whole and read only when its manifest checks out."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest

from qcloudsim.results.folder import MANIFEST_FILE, ResultsError, is_complete, verify
from qcloudsim.results.io import UMASK
from qcloudsim.results.results import Results


def tiny_results(jobs: int = 3, programs: bool = False) -> Results:
    frame = pd.DataFrame({"job_id": range(jobs), "status": ["completed"] * jobs})
    return Results(
        jobs=frame,
        timeline=pd.DataFrame({"device": ["a"], "start_s": [0.0], "end_s": [1.0]}),
        summary={"jobs_total": jobs},
        metadata={"seed": 0},
        attempts=pd.DataFrame({"job_id": range(jobs)}),
        programs=pd.DataFrame({"program_id": [1, 2]}) if programs else None,
    )


def test_write_then_read_round_trips_and_lists_every_file_in_the_manifest(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert set(manifest["files"]) == {"jobs.parquet", "timeline.parquet", "attempts.parquet", "summary.json"}
    back = Results.read(out)
    pd.testing.assert_frame_equal(back.jobs, tiny_results().jobs)
    assert back.summary == {"jobs_total": 3}


def test_failed_rewrite_leaves_the_old_folder_whole(tmp_path):
    out = tiny_results(jobs=3).write(tmp_path / "run")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken_plot(results, path):
        raise RuntimeError("disk full while drawing")

    with pytest.raises(RuntimeError):
        tiny_results(jobs=5).write(out, plot=broken_plot)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert len(Results.read(out).jobs) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left behind


def test_old_programs_parquet_does_not_survive_an_overwrite(tmp_path):
    out = tiny_results(programs=True).write(tmp_path / "run")
    assert (out / "programs.parquet").exists()
    tiny_results(programs=False).write(out)
    assert not (out / "programs.parquet").exists()
    assert Results.read(out).programs is None


def test_damaged_run_folder_missing_summary_is_a_named_error(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    (out / "summary.json").unlink()
    with pytest.raises(ResultsError, match=r"summary\.json: missing"):
        Results.read(out)
    assert not is_complete(out)


def test_damaged_run_folder_truncated_parquet_is_a_named_error(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    data = (out / "jobs.parquet").read_bytes()
    (out / "jobs.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(ResultsError, match=r"jobs\.parquet: damaged"):
        Results.read(out)


def test_unreadable_parquet_that_matches_its_manifest_is_a_named_error(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    (out / "jobs.parquet").write_bytes(b"PAR1 not really")
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    manifest["files"]["jobs.parquet"]["bytes"] = (out / "jobs.parquet").stat().st_size
    (out / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ResultsError, match=r"jobs\.parquet: unreadable Parquet"):
        Results.read(out, verify_hashes=False)


def test_changed_file_with_the_same_size_is_caught_by_its_hash(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    text = (out / "summary.json").read_text()
    (out / "summary.json").write_text(text.replace("3", "4"))
    with pytest.raises(ResultsError, match="SHA-256"):
        verify(out)


def test_folder_without_manifest_is_incomplete(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    (out / MANIFEST_FILE).unlink()
    with pytest.raises(ResultsError, match="incomplete results folder"):
        Results.read(out)
    with pytest.raises(ResultsError, match="no such results folder"):
        Results.read(tmp_path / "nowhere")


def test_output_dir_that_is_a_file_is_a_clear_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(ResultsError, match="is a file; expected a folder"):
        tiny_results().write(target)
    assert target.read_text() == "not a folder"


def test_a_folder_with_other_files_is_never_overwritten(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="not a qcloudsim results folder"):
        tiny_results().write(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert Results.read(tiny_results().write(empty)).summary == {"jobs_total": 3}


def test_leftovers_of_an_interrupted_write_are_removed_by_the_next(tmp_path):
    (tmp_path / ".run.staging-abc").mkdir()
    (tmp_path / ".run.replaced-def").mkdir()
    tiny_results().write(tmp_path / "run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_result_files_follow_the_umask_not_0600(tmp_path):
    out = tiny_results().write(tmp_path / "run")
    for path in [out, *out.iterdir()]:
        expected = (0o777 if path.is_dir() else 0o666) & ~UMASK
        assert stat.S_IMODE(os.stat(path).st_mode) == expected, path.name


def test_sweep_folder_is_refused_with_a_hint(tmp_path):
    (tmp_path / "sweep.json").write_text("{}")
    with pytest.raises(ResultsError, match="is a sweep folder"):
        Results.read(tmp_path)
