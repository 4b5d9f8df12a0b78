"""Expanding a config's sweep grid and replications into individual runs.

A sweep maps dotted field paths to lists of values::

    sweep:
      workload.arrivals.rate_per_s: [0.2, 0.4, 0.8]
      scheduler.name: [fcfs, sjf]
    replications: 5

Every combination of values is a *point* (here 3 x 2 = 6); every point runs
``replications`` times with seeds ``seed, seed + 1, ...``. The same seeds at
every point give common random numbers: schedulers are compared on the same
arrivals and job mix, which narrows the confidence intervals of differences.
Paths may index lists (``fleet.0.catalog``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from qcloudsim.config.schema import ExperimentConfig


class SweepError(ValueError):
    """A sweep that cannot be expanded (bad path or a value that fails validation)."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep.

    Attributes:
        run_id: Stable identifier (see :func:`run_id`: the whole config, seed, version, inputs).
        point: Swept values, by dotted path (empty without a sweep).
        seed: The run's seed.
        replication: Index of the replication (0-based).
        config: The fully validated config of this run (sweep/replications removed).
    """

    run_id: str
    point: dict[str, Any]
    seed: int
    replication: int
    config: ExperimentConfig


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``data[a][b]...`` for ``path = "a.b..."``, indexing lists with integers.

    Raises:
        SweepError: If an intermediate key or index does not exist.
    """
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            where = ".".join(parts[: depth + 1])
            raise SweepError(f"sweep path {path!r}: {where!r} does not exist in the config") from None
    last = parts[-1]
    if isinstance(node, list):
        try:
            node[int(last)] = value
        except (IndexError, ValueError):
            raise SweepError(f"sweep path {path!r}: no list index {last!r}") from None
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise SweepError(f"sweep path {path!r}: {'.'.join(parts[:-1])!r} is not a mapping or list")


def run_id(config: ExperimentConfig, seed: int) -> str:
    """Stable 12-hex-digit key of one run.

    It hashes everything the run's results depend on: the whole resolved
    config (every value, swept or not; ``output`` excluded, it only says
    where results go), the seed, the qcloudsim version, and the content of
    every input file the config names (trace, calibration history, QASM,
    loss trace). Editing any of them gives new keys, so a resumed sweep
    recomputes instead of reusing stale runs.
    """
    from qcloudsim import __version__

    data = config.model_dump(mode="json", exclude={"output", "sweep", "replications"})
    inputs = {str(path): file_fingerprint(path) for path in sorted(set(input_files(config)))}
    text = json.dumps(
        {"config": data, "seed": seed, "qcloudsim": __version__, "inputs": inputs}, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def input_files(node: Any) -> list[Path]:
    """Every existing file or folder a (part of a) config names, depth first (a policy checkpoint too)."""
    if isinstance(node, dict) and isinstance(node.get("checkpoint"), str):
        checkpoint = Path(node["checkpoint"])
        found = [p for p in (checkpoint, checkpoint.with_suffix(".zip")) if p.is_file()][:1]
        return found + [p for key, item in node.items() if key != "checkpoint" for p in input_files(item)]
    if isinstance(node, Path):
        return [node] if node.exists() else []
    if isinstance(node, BaseModel):
        return [p for name in type(node).model_fields for p in input_files(getattr(node, name))]
    if isinstance(node, (list, tuple)):
        return [p for item in node for p in input_files(item)]
    if isinstance(node, dict):
        return [p for item in node.values() for p in input_files(item)]
    return []


def file_fingerprint(path: Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (names and bytes, sorted)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        stat = file.stat()
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        digest.update(_content_digest(str(file.resolve()), stat.st_size, stat.st_mtime_ns).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=256)
def _content_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file, cached while its size and modification time stay the same."""
    from qcloudsim.results.folder import file_digest

    return file_digest(Path(path))


def expand(config: ExperimentConfig) -> list[RunSpec]:
    """All runs of ``config``: sweep points x replications, in a stable order.

    Raises:
        SweepError: A sweep path that does not exist, or a value that makes
            the config invalid (the message names the path and the value).
    """
    base = config.model_dump(mode="json", exclude={"sweep", "replications"})
    paths = list(config.sweep)
    grids = [config.sweep[p] for p in paths]
    runs: list[RunSpec] = []
    for values in itertools.product(*grids) if paths else [()]:
        point = dict(zip(paths, values, strict=True))
        data = copy.deepcopy(base)
        for path, value in point.items():
            set_path(data, path, value)
        try:
            point_config = ExperimentConfig.model_validate(data)
        except ValidationError as exc:
            from qcloudsim.config.loader import clean_loc

            first = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in clean_loc(tuple(first["loc"])))
            raise SweepError(
                f"sweep point {point}: field '{loc}': {first['msg']}"
            ) from None
        for replication in range(config.replications):
            seed = config.seed + replication
            runs.append(RunSpec(run_id(point_config, seed), point, seed, replication, point_config))
    return runs
