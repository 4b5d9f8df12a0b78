"""GCN circuit encoder as an SB3 features extractor (torch-geometric).

The padded graph arrays of :mod:`qcloudsim.rl.observation` are rebuilt into
one ``torch_geometric.data.Batch`` per forward pass (node offsets added per
sample, padding dropped by the masks), encoded by two ``GCNConv`` layers
(Kipf & Welling, ICLR 2017) with ReLU, mean-pooled per circuit, and
concatenated with the job features and the flattened per-device features;
a linear layer maps the result to ``features_dim``. The pattern follows
SB3's ``BaseFeaturesExtractor`` (``stable_baselines3/common/torch_layers.py``)
and the GCN-over-circuit-graph embeddings of Moirai-style schedulers.
"""

from __future__ import annotations

import torch
from gymnasium import spaces
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn
from torch_geometric.nn import GCNConv, global_mean_pool


class CircuitGCNExtractor(BaseFeaturesExtractor):
    """Circuit graph (GCN) + job + device features -> ``features_dim`` vector.

    Args:
        observation_space: The env's ``Dict`` space.
        gcn_hidden: Width of the GCN layers.
        features_dim: Output size.
    """

    def __init__(self, observation_space: spaces.Dict, gcn_hidden: int = 32, features_dim: int = 64) -> None:
        super().__init__(observation_space, features_dim)
        node_features = _shape(observation_space, "node_features")[1]
        device_shape = _shape(observation_space, "devices")
        job_features = _shape(observation_space, "job")[0]
        self.conv1 = GCNConv(node_features, gcn_hidden)
        self.conv2 = GCNConv(gcn_hidden, gcn_hidden)
        self.head = nn.Sequential(
            nn.Linear(gcn_hidden + job_features + device_shape[0] * device_shape[1], features_dim),
            nn.ReLU(),
        )

    def forward(self, observations: dict[str, torch.Tensor]) -> torch.Tensor:
        nodes = observations["node_features"]
        batch_size, max_nodes, _ = nodes.shape
        node_mask = observations["node_mask"] > 0.5
        edge_mask = observations["edge_mask"] > 0.5
        edges = observations["edge_index"].long()
        offsets = (torch.arange(batch_size, device=nodes.device) * max_nodes).view(batch_size, 1, 1)
        flat_edges = (edges + offsets).permute(1, 0, 2).reshape(2, -1)[:, edge_mask.reshape(-1)]
        # keep every node slot (padded ones have no edges and are masked out of the pooling)
        x = nodes.reshape(batch_size * max_nodes, -1)
        batch = torch.arange(batch_size, device=nodes.device).repeat_interleave(max_nodes)
        h = torch.relu(self.conv1(x, flat_edges))
        h = torch.relu(self.conv2(h, flat_edges))
        keep = node_mask.reshape(-1)
        if keep.any():
            pooled = global_mean_pool(h[keep], batch[keep], size=batch_size)
        else:
            pooled = torch.zeros(batch_size, h.shape[1], device=nodes.device)
        devices = observations["devices"].reshape(batch_size, -1)
        return self.head(torch.cat([pooled, observations["job"], devices], dim=1))


def _shape(space: spaces.Dict, key: str) -> tuple[int, ...]:
    """The shape of a Box entry of the observation space."""
    shape = space[key].shape
    if shape is None:
        raise ValueError(f"observation space entry {key!r} has no shape")
    return shape
