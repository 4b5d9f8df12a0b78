"""Policy levels by name, and composing a scheduler from them.

YAML names each level; any order combines with any placement and
multiplexing::

    scheduler:
      order: fairshare            # or {name: fairshare, allocations: {physics: 2}}
      placement: fidelity
      multiplexing: shared
      backfill: true

A registered preset (``name: sjf``) supplies the levels that are not given,
so ``{name: sjf, multiplexing: shared}`` is SJF with multi-programming.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from qcloudsim.schedulers.base import (
    BestFidelityPlacement,
    Exclusive,
    FifoOrder,
    Level,
    Multiplexing,
    Placement,
    PolicyScheduler,
    QueueOrder,
    Scheduler,
    Shared,
)
from qcloudsim.schedulers.fairshare import FairShareOrder
from qcloudsim.schedulers.ordering import (
    EarliestDeadlineOrder,
    PriorityOrder,
    ShortestJobFirstOrder,
)
from qcloudsim.schedulers.placement import LeastLoadedPlacement, WeightedPlacement
from qcloudsim.schedulers.qsra import QuantumHRRNOrder, SpreadPlacement

ORDERS: dict[str, type[QueueOrder]] = {
    "fifo": FifoOrder,
    "sjf": ShortestJobFirstOrder,
    "priority": PriorityOrder,
    "edf": EarliestDeadlineOrder,
    "fairshare": FairShareOrder,
    "qhrrn": QuantumHRRNOrder,
}
"""Queue orders by YAML name."""

PLACEMENTS: dict[str, type[Placement]] = {
    "fidelity": BestFidelityPlacement,
    "least_loaded": LeastLoadedPlacement,
    "weighted": WeightedPlacement,
    "spread": SpreadPlacement,
}
"""Placements by YAML name."""

MULTIPLEXING: dict[str, type[Multiplexing]] = {"exclusive": Exclusive, "shared": Shared}
"""Multiplexing levels by YAML name."""

LevelSpec = str | Mapping[str, Any]


class LevelError(ValueError):
    """A level name or parameter the registry cannot build."""


def make_level(kind: str, spec: LevelSpec) -> Level:
    """Build the ``kind`` level (``order``, ``placement`` or ``multiplexing``) from a name or a mapping.

    Raises:
        LevelError: Unknown name (with close matches) or parameters the level rejects.
    """
    table: dict[str, type[Level]] = {"order": ORDERS, "placement": PLACEMENTS, "multiplexing": MULTIPLEXING}[kind]  # type: ignore[assignment]
    if isinstance(spec, str):
        name, params = spec, {}
    elif isinstance(spec, Mapping) and isinstance(spec.get("name"), str):
        name, params = spec["name"], {k: v for k, v in spec.items() if k != "name"}
    else:
        raise LevelError(f"{kind} must be a name or a mapping with a 'name', got {spec!r}")
    cls = table.get(name)
    if cls is None:
        close = difflib.get_close_matches(name, table, n=2)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise LevelError(f"unknown {kind} {name!r}{hint}; allowed: {', '.join(table)}")
    if kind == "order" and name == "fairshare":
        params.pop("ledger", None)
    try:
        return cls(**params)
    except TypeError as exc:
        raise LevelError(f"{kind} {name!r} rejected its parameters {params}: {exc}") from exc


def compose(
    base: Scheduler | None,
    order: LevelSpec | None = None,
    placement: LevelSpec | None = None,
    multiplexing: LevelSpec | None = None,
    backfill: bool | None = None,
) -> Scheduler:
    """``base`` with the given levels replaced (a FCFS-like base when ``None``).

    Returns ``base`` itself when nothing is replaced.

    Raises:
        LevelError: When ``base`` is not built from policy levels, or a level is invalid.
    """
    if order is None and placement is None and multiplexing is None and backfill is None and base is not None:
        return base
    if base is None:
        base = PolicyScheduler(FifoOrder(), BestFidelityPlacement())
    if not isinstance(base, PolicyScheduler):
        raise LevelError(
            f"scheduler {base.name!r} is not built from policy levels; order, placement, multiplexing "
            "and backfill cannot be set for it"
        )
    if backfill is not None and not isinstance(backfill, bool):
        raise LevelError(f"backfill must be true or false, got {backfill!r}")
    composed = PolicyScheduler(
        make_level("order", order) if order is not None else base.order_policy,  # type: ignore[arg-type]
        make_level("placement", placement) if placement is not None else base.placement,  # type: ignore[arg-type]
        backfill=base.backfill if backfill is None else backfill,
        multiplexing=make_level("multiplexing", multiplexing) if multiplexing is not None else base.multiplexing,  # type: ignore[arg-type]
    )
    composed.name = base.describe()["name"]  # type: ignore[misc]
    return composed
