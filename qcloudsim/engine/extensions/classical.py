"""The classical compute pool as a kernel extension (shared by programs and cutting)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qcloudsim.engine.classical import ClassicalPool
from qcloudsim.engine.kernel import Extension

if TYPE_CHECKING:
    from qcloudsim.engine.kernel import Kernel


class ClassicalPoolExtension(Extension):
    """Creates the :class:`~qcloudsim.engine.classical.ClassicalPool` on the kernel's clock.

    Args:
        capacities: Nodes per kind (``{"cpu": 8, "gpu": 2}``).
    """

    def __init__(self, capacities: Mapping[str, int] | None = None) -> None:
        self.capacities = dict(capacities or {"cpu": 0, "gpu": 0})
        self.pool: ClassicalPool | None = None

    def attach(self, kernel: Kernel) -> None:
        self.pool = ClassicalPool(kernel.env, self.capacities)


def pool_of(kernel: Kernel) -> ClassicalPool:
    """The kernel's classical pool (an empty one is added if none was)."""
    extension = kernel.extension(ClassicalPoolExtension)
    if extension is None:
        extension = kernel.add(ClassicalPoolExtension())
    assert isinstance(extension, ClassicalPoolExtension) and extension.pool is not None
    return extension.pool
