"""Atomic writing of result files.

Every file is written to a temporary name in the destination folder and
moved into place with :func:`os.replace`, which is atomic on POSIX, so a
reader never sees a half-written file and an interrupted run never leaves
a file that looks complete.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


UMASK = os.umask(0)
os.umask(UMASK)
"""The process's umask, read once at import (reading it means setting it)."""

FILE_MODE = 0o666 & ~UMASK
"""Mode of result files (``mkstemp`` alone would give 0600): what ``open`` would give."""

FOLDER_MODE = 0o777 & ~UMASK
"""Mode of result folders (``mkdtemp`` alone would give 0700)."""


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def _clean(value: Any) -> Any:
    """Replace NaN/inf by ``None`` so the JSON is standard."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as indented, key-sorted JSON (NaN as null), atomically."""
    text = json.dumps(_clean(data), indent=2, sort_keys=True, default=_json_default) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text)

    return atomic_write(path, write)


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as Parquet (pyarrow), atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, engine="pyarrow", index=False))
