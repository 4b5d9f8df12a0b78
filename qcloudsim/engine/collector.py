"""How a run uses CPython's garbage collector.

Memory in a run is freed by reference counting: jobs, runs and recorded rows
form no reference cycles, so the cyclic collector finds nothing, yet its
passes cost time in proportion to the objects alive. A run therefore makes
young collections rarer (:func:`young_collections_every`), and building the
result tables, which allocates one Python object per row and nothing
cyclic, pauses the collector (:func:`collections_paused`). Both restore the
collector's previous settings when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GC_GEN0_THRESHOLD = 200_000
"""Allocations between young-generation garbage collections while a run is in progress.

A job is three small objects (submission, state, the job) and a long queue keeps
tens of thousands of them alive, which every young and middle collection walks
again. Measured end to end on 100,000 jobs (``benchmarks/bench_engine.py``),
200,000 instead of 10,000 takes about 8 % off a run at 70 % load and 14 % off
an overloaded one (CPython's default is 700). Nothing in a run creates
reference cycles; if a user's scheduler does, at most this many objects wait
for collection (tens of MB)."""


@contextmanager
def young_collections_every(allocations: int = GC_GEN0_THRESHOLD) -> Iterator[None]:
    """Raise the young-generation GC threshold to ``allocations`` for the block (restored after)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], allocations), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


@contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic garbage collection during the block (re-enabled after, if it was enabled).

    For short phases that allocate many acyclic objects, such as turning
    100,000 recorded rows into a table: each full collection would walk every
    object alive, several times over, for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
