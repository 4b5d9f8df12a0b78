"""Job tables identical to the engine before the kernel rewrite (commit 7dcbc23), hash for hash.

The hashes below were computed by the pre-kernel engine on the same configs
(10 real IBM devices, 1,500 Poisson jobs of six families, seed 1). An
optimisation or refactor of the engine, the cost model or a scheduler that
changes any job's times, device, qubits or fidelity fails here; a change
that is meant to alter results must say so and update the hashes.
"""

from __future__ import annotations

import hashlib

import pytest

from qcloudsim.circuits.families import family_profile
from qcloudsim.devices.catalog import load_catalog
from qcloudsim.engine.simulation import Simulation
from qcloudsim.models.estimator import Estimator
from qcloudsim.results.recorders import JobRecorder
from qcloudsim.schedulers.registry import make_scheduler
from qcloudsim.seeding import SeedStreams
from qcloudsim.workload.synthetic import MixEntry, UserSpec, poisson_jobs

FLEET = (
    "ibm_brisbane", "ibm_torino", "ibm_kyiv", "ibm_sherbrooke", "ibm_osaka",
    "ibm_algiers", "ibm_cairo", "ibm_hanoi", "ibm_perth", "ibm_lagos",
)
FAMILIES = ("ghz", "qft", "qaoa", "vqe", "random", "wstate")

GOLDEN = {
    ("fcfs", (), 1.5): "10b716922deb3f78",
    ("fcfs", (), 4.0): "4216cc12513c6975",
    ("fcfs", (("multiprogramming", True),), 1.5): "deeed8f16580c4b3",
    ("sjf", (), 4.0): "bfde60535a4882d1",
    ("qsra", (), 1.5): "1f231e3a8ae09f08",
    ("fairshare", (), 4.0): "ad92f133786a9fb6",
    ("least_loaded", (), 2.0): "e40a31daeec642d1",
    ("weighted", (), 2.0): "63497bd87b93d077",
}


def job_table_hash(scheduler: str, params: dict, rate_per_s: float, jobs: int = 1500) -> str:
    catalog = load_catalog()
    devices = [catalog.get(name) for name in FLEET]
    mix = [MixEntry(1.0, tuple(range(3, 8)), lambda n, f=f: family_profile(f, n)) for f in FAMILIES]
    workload = poisson_jobs(
        jobs, rate_per_s, mix, shots=[1000, 4000], circuits=[1, 2],
        users=[UserSpec("a", "g1"), UserSpec("b", "g2")], streams=SeedStreams(1),
    )
    recorder = JobRecorder()
    Simulation(devices, make_scheduler(scheduler, **params), workload, Estimator(), monitors=[recorder]).run()
    frame = recorder.to_dataframe()
    return hashlib.sha256(frame.round(9).to_csv(index=False).encode()).hexdigest()[:16]


@pytest.mark.parametrize(("scheduler", "params", "rate"), list(GOLDEN))
def test_job_table_matches_the_pre_kernel_engine(scheduler, params, rate):
    assert job_table_hash(scheduler, dict(params), rate) == GOLDEN[scheduler, params, rate]
