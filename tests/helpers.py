"""Small configs shared by tests (kept tiny so the suite stays fast)."""

from __future__ import annotations

from typing import Any

from qcloudsim.config.schema import ExperimentConfig


def small_config_data(**overrides: Any) -> dict:
    """A plain-data experiment: 3 devices (two real, one custom), 60 jobs."""
    data: dict[str, Any] = {
        "name": "small",
        "seed": 3,
        "fleet": [
            "ibm_perth",
            {"catalog": "ibm_lagos", "downtime": [[20.0, 60.0]]},
            {"name": "toy_line", "edges": [[0, 1], [1, 2], [2, 3], [3, 4]], "t1_us": 120, "t2_us": 90,
             "readout_error": 0.02, "error_1q": 0.0005, "error_2q": 0.01},
        ],
        "workload": {
            "jobs": 60,
            "arrivals": {"process": "poisson", "rate_per_s": 0.8},
            "shots": [100, 1000],
            "circuits": [1, 2],
            "mix": [
                {"family": "ghz", "qubits": [2, 6]},
                {"family": "qft", "qubits": [2, 5]},
                {"family": "vqe", "qubits": [3, 7], "weight": 0.5},
                {"family": "ghz", "qubits": 9, "weight": 0.1},
            ],
            "users": [{"name": "a", "group": "g1"}, {"name": "b", "group": "g2", "weight": 2}],
        },
        "scheduler": {"name": "fcfs"},
    }
    data.update(overrides)
    return data


def small_config(**overrides: Any) -> ExperimentConfig:
    """:func:`small_config_data` validated."""
    return ExperimentConfig.model_validate(small_config_data(**overrides))
