"""Adapter for a plain list of OpenQASM files with arrival times.

Two layouts, chosen by suffix:

* ``.csv``: a header with at least ``submit_s,path``; any other canonical
  column (``shots``, ``user``, ``group``, ``circuits``, ``job_id``,
  ``priority``, ``deadline_s``, ...) may follow;
* anything else (e.g. ``.txt``): one job per line, ``<submit_s> <path>``
  separated by whitespace; blank lines and lines starting with ``#`` are
  ignored.

Paths are relative to the list file's directory (absolute paths stay as
they are) and become the canonical ``circuit`` column; a file that does not
exist is reported as ``missing_file`` with the list's line. ``job_id``
defaults to the 0-based job index in the list. Submit times must be
non-decreasing, as in the canonical table. Profiles are computed at replay
time (:func:`~qcloudsim.traces.profiles.resolve_circuit`, memoised per file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from qcloudsim.traces.table import OnError, TraceError, TraceReader, _csv_chunks


class QasmListReader(TraceReader):
    """Reader of a QASM list (see :func:`read_qasm_list`)."""

    def __init__(self, path: str | os.PathLike[str], on_error: OnError = "raise", chunksize: int = 100_000):
        super().__init__(path, on_error, chunksize, "line")
        self.base = self.path.parent
        self._count = 0

    def raw_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        source = (
            _csv_chunks(self.path, self.chunksize, self.validator)
            if self.path.suffix.lower() == ".csv"
            else self._text_chunks()
        )
        for frame, positions in source:
            if "path" not in frame.columns:
                raise TraceError(self.path, "a QASM list needs a 'path' column", column="path")
            frame = frame.rename(columns={"path": "circuit"})
            if "job_id" not in frame.columns:
                frame["job_id"] = np.arange(self._count, self._count + len(frame))
            self._count += len(frame)
            yield self._check_files(frame, positions)

    def _text_chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        rows: list[tuple[str, str]] = []
        lines: list[int] = []
        try:
            with open(self.path, encoding="utf-8") as f:
                for number, text in enumerate(f, start=1):
                    stripped = text.strip()
                    if not stripped or stripped.startswith("#"):
                        continue
                    parts = stripped.split(maxsplit=1)
                    if len(parts) != 2:
                        self.report.rows += 1
                        self.validator.reject(np.array([True]), np.array([number]), "path", "bad_record",
                                              "expected '<submit_s> <path>'")
                        continue
                    rows.append((parts[0], parts[1]))
                    lines.append(number)
                    if len(rows) >= self.chunksize:
                        yield pd.DataFrame(rows, columns=["submit_s", "path"]), np.asarray(lines)
                        rows, lines = [], []
        except UnicodeDecodeError as exc:
            raise TraceError(self.path, f"not valid UTF-8 text ({exc})") from exc
        if rows:
            yield pd.DataFrame(rows, columns=["submit_s", "path"]), np.asarray(lines)

    def _check_files(self, frame: pd.DataFrame, positions: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        paths = []
        for value in frame["circuit"].tolist():
            if isinstance(value, str):
                p = Path(value)
                value = str(p if p.is_absolute() else self.base / p)
            paths.append(value)
        frame = frame.assign(circuit=paths)
        missing = np.array([isinstance(p, str) and not os.path.isfile(p) for p in paths], dtype=bool)
        keep = self.validator.reject(missing, positions, "path", "missing_file",
                                     lambda i: f"{paths[i]}")
        if not keep.all():
            self.report.rows += int((~keep).sum())
            frame, positions = frame[keep].reset_index(drop=True), positions[keep]
        return frame, positions


def read_qasm_list(
    path: str | os.PathLike[str], *, on_error: OnError = "raise", chunksize: int = 100_000
) -> QasmListReader:
    """Stream a list of QASM files with arrival times as canonical chunks (see module doc).

    Args:
        path: ``.csv`` list, or a text file of ``<submit_s> <path>`` lines.
        on_error: ``"raise"`` or ``"skip"`` (counted in ``reader.report``).
        chunksize: Rows per chunk.

    Returns:
        An iterable :class:`QasmListReader` with ``.report``.
    """
    return QasmListReader(path, on_error, chunksize)
