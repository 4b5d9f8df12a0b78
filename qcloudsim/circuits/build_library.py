"""Regenerate the precomputed family profile library.

Usage::

    python -m qcloudsim.circuits.build_library [--out PATH]

Builds every family of :mod:`qcloudsim.circuits.families` at every size of
:meth:`FamilySpec.library_sizes` with seed 0, profiles it with
:func:`qcloudsim.circuits.from_qiskit.profile_from_circuit`, and writes
gzipped JSON. The output is deterministic for given qiskit / mqt-bench
versions (sorted keys, compact separators, gzip ``mtime=0``, no timestamps) and
is written atomically (temporary file in the target directory, then
``os.replace``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from qcloudsim.circuits.families import (
    FAMILIES,
    LIBRARY_FILE,
    LIBRARY_FORMAT,
    LIBRARY_SEED,
    build_family_profile,
    profile_to_record,
)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / LIBRARY_FILE
"""Where the packaged library lives."""


def library_payload(*, progress: bool = True) -> dict[str, Any]:
    """Build every library profile and return the JSON document.

    Args:
        progress: Show a tqdm progress bar on stderr.

    Returns:
        ``{"format", "seed", "versions", "families": {name: {"source",
        "min_qubits", "max_qubits", "sizes": {str(n): record}}}}``.
    """
    from tqdm import tqdm

    jobs = [(spec, n) for spec in FAMILIES.values() for n in spec.library_sizes()]
    families: dict[str, Any] = {
        spec.name: {
            "source": spec.source,
            "min_qubits": spec.min_qubits,
            "max_qubits": spec.max_qubits,
            "sizes": {},
        }
        for spec in FAMILIES.values()
    }
    for spec, n in tqdm(jobs, desc="family profiles", unit="circuit", disable=not progress):
        profile = build_family_profile(spec.name, n, LIBRARY_SEED)
        families[spec.name]["sizes"][str(n)] = profile_to_record(profile)
    return {
        "format": LIBRARY_FORMAT,
        "seed": LIBRARY_SEED,
        "versions": {pkg: metadata.version(pkg) for pkg in ("qiskit", "mqt.bench")},
        "families": families,
    }


def encode_library(payload: dict[str, Any]) -> bytes:
    """Deterministic gzipped JSON bytes of a library document."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_library(path: str | os.PathLike[str] = DEFAULT_PATH, *, progress: bool = True) -> Path:
    """Regenerate the library file.

    Args:
        path: Output file (default: the packaged ``data/family_profiles.json.gz``).
        progress: Show a progress bar.

    Returns:
        The path written.
    """
    target = Path(path)
    write_atomic(target, encode_library(library_payload(progress=progress)))
    return target


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m qcloudsim.circuits.build_library",
        description="Regenerate the precomputed benchmark-family profile library.",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="output .json.gz file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    written = build_library(args.out, progress=not args.quiet)
    print(f"wrote {written} ({written.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
