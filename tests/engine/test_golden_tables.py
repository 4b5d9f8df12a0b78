"""Every result table identical to the code before the performance work (commit 6ebf6e9), hash for hash.

The performance issue rewrote the recorders (rows as tuples in chunked
columns, the device timeline swept from run intervals at the end), the
arrival process, scheduling rounds, dispatch and multi-programming
placement. None of that may change a number: each cell below runs one
feature combination of the combination matrix (``tests/test_combinations.py``)
under one scheduler and compares the hash of every table (jobs, timeline,
attempts, calibrations, hybrid programs, fragments; values rounded to 1e-9
and the column dtypes) with the hash the code at 6ebf6e9 computed.
``tests/engine/test_golden_results.py`` does the same for job tables
against the engine before the kernel rewrite. A change that is meant to
alter results must say so and update the hashes.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from qcloudsim.config.schema import ExperimentConfig
from qcloudsim.experiment import run
from tests.test_combinations import build_config

GOLDEN = {
    ("plain", "fcfs"): {
        "jobs": "c3fc68bb29b434c3", "timeline": "6a8657f6adbd8f6f", "attempts": "eafd5a352f38808f",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": None,
    },
    ("outages", "sjf"): {
        "jobs": "744acc8e18cff723", "timeline": "cf6672005aa136a3", "attempts": "3c6da559b5992184",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": None,
    },
    ("calibration+multiprogramming", "fcfs"): {
        "jobs": "fa428bfc5a0f50b9", "timeline": "7ea31b8a2a41e1bd", "attempts": "b302d043e180247d",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": None,
    },
    ("history", "fidelity"): {
        "jobs": "ee7a0d71ce032e2f", "timeline": "2bce07e283baa91e", "attempts": "cc21f3409ec422b3",
        "calibrations": "42bb1bcc78c0d04a", "programs": None, "fragments": None,
    },
    ("drift+horizon", "fairshare"): {
        "jobs": "1b189bdb4493a2a0", "timeline": "24c086de86579c27", "attempts": "bb4a18a4a8f81e40",
        "calibrations": "66718a8cce03013f", "programs": None, "fragments": None,
    },
    ("hybrid", "fcfs"): {
        "jobs": "5d27ead42590f811", "timeline": "266ce849aecda994", "attempts": "f0c9f0549e039369",
        "calibrations": "e6d808f8a81b88c5", "programs": "047061215a93bfd1", "fragments": None,
    },
    ("cutting+horizon", "anneal"): {
        "jobs": "b0b9fa9a32684a95", "timeline": "f5eafa559ccef651", "attempts": "42d241991ddad624",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": "3c34fee748c0e855",
    },
    ("trace_pinned+outages", "least_loaded"): {
        "jobs": "7077b3b0259884b7", "timeline": "1210509f0e6b0b5b", "attempts": "90fd3321d6931bd0",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": None,
    },
    ("multiprogramming+hybrid", "qsra"): {
        "jobs": "6aaf8dc88248c7c6", "timeline": "f76dcdf093b63b42", "attempts": "489a158f6d21196c",
        "calibrations": "e6d808f8a81b88c5", "programs": "fa318a00c9bbc73a", "fragments": None,
    },
    ("cutting", "greedy_finish"): {
        "jobs": "edf67f58f4310038", "timeline": "18b66eb57618ebba", "attempts": "d0c72f73fb10c6b2",
        "calibrations": "e6d808f8a81b88c5", "programs": None, "fragments": "61953b174d9b6bc6",
    },
}


def table_hash(frame: pd.DataFrame | None) -> str | None:
    """Hash of a table"s values (rounded to 1e-9) and its column dtypes; ``None`` for no table."""
    if frame is None:
        return None
    text = frame.round(9).to_csv(index=False) + repr([str(t) for t in frame.dtypes])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize(("features", "scheduler"), list(GOLDEN))
def test_tables_match_the_code_before_the_performance_work(features, scheduler):
    cell = () if features == "plain" else tuple(features.split("+"))
    results = run(ExperimentConfig.model_validate(build_config(cell, scheduler, scale=2)))
    got = {
        "jobs": table_hash(results.jobs), "timeline": table_hash(results.timeline),
        "attempts": table_hash(results.attempts), "calibrations": table_hash(results.calibrations),
        "programs": table_hash(results.programs), "fragments": table_hash(results.fragments),
    }
    assert got == GOLDEN[features, scheduler]
