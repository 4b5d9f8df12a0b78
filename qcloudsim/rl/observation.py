"""Fixed-shape observations of a scheduling decision (shared by the env and the DRL scheduler).

SB3 does not accept ``gymnasium.spaces.Graph``, so the circuit graph is
padded into arrays inside a ``Dict`` space (rebuilt into a torch-geometric
batch by :class:`qcloudsim.rl.features.CircuitGCNExtractor`):

* ``node_features`` ``(max_nodes, 3)``: per logical qubit: degree / max
  degree, two-qubit gates on it / total two-qubit gates, 1 (a bias);
* ``edge_index`` ``(2, max_edges)``: interaction edges, both directions,
  padded with 0;
* ``node_mask`` ``(max_nodes,)``, ``edge_mask`` ``(max_edges,)``: 1 for
  real entries;
* ``job`` ``(6,)``: qubits / max qubits, log10 depth / 4, log10 two-qubit
  gates / 4, log10 shots / 5, log10 circuits / 3, log1p(wait so far) / 10;
* ``devices`` ``(num_devices, 10)``: per device: can take the job now, free
  qubit fraction, available, queue length (log1p / 10), estimated fidelity
  of the job there, estimated start delay (log1p(s) / 10), estimated
  runtime (log1p(s) / 10), time to next planned downtime (log1p(s) / 10),
  estimated finish (log1p(delay + runtime) / 10), and the fidelity gap to
  the best device for this job (best - this).

A circuit larger than ``max_nodes`` is summarised by its first
``max_nodes`` qubits (the job features still carry its true size).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from gymnasium import spaces

from qcloudsim.schedulers.snapshot import Snapshot
from qcloudsim.workload.job import Job

JOB_FEATURES = 6
DEVICE_FEATURES = 10
NODE_FEATURES = 3


@dataclass(frozen=True)
class ObservationSpec:
    """Shapes of the observation.

    Attributes:
        num_devices: Fleet size (a config value, not a constant).
        max_nodes: Padded circuit width.
        max_edges: Padded number of directed interaction edges.
        max_qubits: Normaliser of the job size.
    """

    num_devices: int
    max_nodes: int = 32
    max_edges: int = 256
    max_qubits: int = 156

    def space(self) -> spaces.Dict:
        """The ``gymnasium`` space."""
        return spaces.Dict({
            "node_features": spaces.Box(0.0, 1.0, (self.max_nodes, NODE_FEATURES), np.float32),
            "edge_index": spaces.Box(0, self.max_nodes - 1, (2, self.max_edges), np.int64),
            "node_mask": spaces.Box(0.0, 1.0, (self.max_nodes,), np.float32),
            "edge_mask": spaces.Box(0.0, 1.0, (self.max_edges,), np.float32),
            "job": spaces.Box(0.0, 10.0, (JOB_FEATURES,), np.float32),
            "devices": spaces.Box(0.0, 10.0, (self.num_devices, DEVICE_FEATURES), np.float32),
        })


def _log(value: float, scale: float) -> float:
    return min(math.log1p(max(value, 0.0)) / scale, 10.0)


def circuit_arrays(job: Job, spec: ObservationSpec) -> dict[str, np.ndarray]:
    """Padded graph arrays of the job's interaction graph."""
    profile = job.profile
    n = min(profile.num_qubits, spec.max_nodes)
    nodes = np.zeros((spec.max_nodes, NODE_FEATURES), np.float32)
    node_mask = np.zeros(spec.max_nodes, np.float32)
    edge_index = np.zeros((2, spec.max_edges), np.int64)
    edge_mask = np.zeros(spec.max_edges, np.float32)
    degree = np.zeros(spec.max_nodes, np.float32)
    gates = np.zeros(spec.max_nodes, np.float32)
    k = 0
    for a, b, count in profile.interaction:
        if a >= n or b >= n:
            continue
        degree[a] += 1
        degree[b] += 1
        gates[a] += count
        gates[b] += count
        if k + 2 <= spec.max_edges:
            edge_index[:, k] = (a, b)
            edge_index[:, k + 1] = (b, a)
            edge_mask[k:k + 2] = 1.0
            k += 2
    node_mask[:n] = 1.0
    nodes[:n, 0] = degree[:n] / max(float(degree.max()), 1.0)
    nodes[:n, 1] = gates[:n] / max(float(gates.sum()), 1.0)
    nodes[:n, 2] = 1.0
    return {"node_features": nodes, "edge_index": edge_index, "node_mask": node_mask, "edge_mask": edge_mask}


def observe(snapshot: Snapshot, job: Job, spec: ObservationSpec) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Observation and device feasibility mask for placing ``job`` now.

    Returns:
        ``(observation, feasible)`` where ``feasible[i]`` says device ``i``
        can start the job now (enough free connected qubits, up, and the
        job ends before the device's next planned downtime).
    """
    profile = job.profile
    obs = circuit_arrays(job, spec)
    obs["job"] = np.array([
        min(profile.num_qubits / spec.max_qubits, 1.0),
        min(math.log10(profile.depth + 1) / 4, 10.0),
        min(math.log10(profile.num_2q_gates + 1) / 4, 10.0),
        min(math.log10(job.shots) / 5, 10.0),
        min(math.log10(job.circuits) / 3 + 0.0, 10.0),
        _log(snapshot.now - job.arrival_s, 10.0),
    ], np.float32)
    devices = np.zeros((spec.num_devices, DEVICE_FEATURES), np.float32)
    feasible = np.zeros(spec.num_devices, bool)
    fidelities = np.zeros(spec.num_devices, np.float32)
    queue_len = _log(len(snapshot.queue), 10.0)
    for i, device in enumerate(snapshot.devices[: spec.num_devices]):
        estimate_now = snapshot.estimate(job, device)
        can = estimate_now is not None and (
            device.next_down_s == math.inf or snapshot.finishes_before_downtime(job, device, estimate_now)
        )
        estimate = estimate_now
        if estimate is None and job.profile.num_qubits <= device.num_qubits:
            region = snapshot.estimator.region(device.calibration, job.profile.num_qubits)
            if region is not None:
                estimate = snapshot.estimate(job, device, region)
        delay = max(device.busy_until_s - snapshot.now, 0.0) if device.running else 0.0
        runtime = snapshot.runtime_s(job, estimate) if estimate is not None else 0.0
        devices[i] = (
            1.0 if can else 0.0,
            device.num_free / device.num_qubits if device.num_qubits else 0.0,
            1.0 if device.available else 0.0,
            queue_len,
            estimate.fidelity if estimate is not None else 0.0,
            _log(delay, 10.0),
            _log(runtime, 10.0),
            _log(device.next_down_s - snapshot.now, 10.0) if device.next_down_s != math.inf else 10.0,
            _log(delay + runtime, 10.0) if estimate is not None else 10.0,
            0.0,
        )
        fidelities[i] = estimate.fidelity if estimate is not None else 0.0
        feasible[i] = can
    devices[:, 9] = fidelities.max() - fidelities
    obs["devices"] = devices
    return obs, feasible


def wait_allowed(snapshot: Snapshot) -> bool:
    """*Wait* is safe only while some device runs a job (its completion triggers a new round)."""
    return any(device.running for device in snapshot.devices)
