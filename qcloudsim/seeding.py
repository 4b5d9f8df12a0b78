"""One seed sequence per run, one independent child stream per purpose.

Streams are derived by name (``spawn_key`` = CRC-32 of the name) rather
than by spawn order, so adding a new random stream later never changes the
numbers an existing stream draws: same config + seed gives the same run.
"""

from __future__ import annotations

import zlib

import numpy as np


class SeedStreams:
    """Named, independent random streams derived from one seed.

    Args:
        seed: The run's seed (a non-negative integer).
    """

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = int(seed)
        self.root = np.random.SeedSequence(self.seed)

    def sequence(self, name: str) -> np.random.SeedSequence:
        """The child :class:`numpy.random.SeedSequence` for ``name``."""
        return np.random.SeedSequence(self.root.entropy, spawn_key=(zlib.crc32(name.encode()),))

    def generator(self, name: str) -> np.random.Generator:
        """A fresh PCG64 generator for stream ``name``."""
        return np.random.default_rng(self.sequence(name))
