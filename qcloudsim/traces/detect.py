"""Guess a trace file's format from its name and first line."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from qcloudsim.traces.table import TraceError

FORMATS = ("canonical", "ibm", "swf", "qasm_list")


def detect_format(path: str | Path) -> str:
    """``canonical``, ``ibm``, ``swf`` or ``qasm_list`` for ``path``.

    Rules: ``.swf``/``.swf.gz`` -> swf; ``.parquet`` -> canonical; for CSV
    and text files the header decides: ``submit_s`` -> canonical,
    ``run_time``/``queue_time``/``machine`` -> ibm, a ``path`` column or
    ``time path`` lines -> qasm_list. Header fields may be separated by
    ``,``, ``;``, tab or ``|``.

    Raises:
        TraceError: When no rule matches (name the format explicitly) or the
            file cannot be read.
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".swf", ".swf.gz")):
        return "swf"
    if name.endswith(".parquet"):
        return "canonical"
    opener = gzip.open if name.endswith(".gz") else open
    try:
        with opener(path, "rt") as handle:
            first = ""
            for line in handle:
                if line.strip() and not line.lstrip().startswith(("#", ";")):
                    first = line.strip().lower()
                    break
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise TraceError(path, f"cannot read the trace to detect its format ({exc})") from None
    columns = {c.strip().strip('"') for c in re.split(r"[,;\t|]", first)}
    if "submit_s" in columns:
        return "canonical"
    if columns & {"run_time", "queue_time", "machine"}:
        return "ibm"
    if "path" in columns or first.endswith((".qasm", ".qasm3")):
        return "qasm_list"
    raise TraceError(
        path, f"cannot tell the trace format from its name or header; set format to one of {', '.join(FORMATS)}"
    )
