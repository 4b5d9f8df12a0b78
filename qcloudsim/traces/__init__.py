"""Production traces: the canonical job table, adapters and replay.

* :mod:`qcloudsim.traces.table`: the canonical table (``traces/FORMAT.md``),
  a streaming validated reader and an atomic writer;
* :mod:`qcloudsim.traces.ibm`, :mod:`qcloudsim.traces.swf`,
  :mod:`qcloudsim.traces.qasm_list`: adapters from IBM-Quantum-style job
  exports, the Standard Workload Format and lists of QASM files;
* :mod:`qcloudsim.traces.profiles`: circuit profiles for rows that carry
  only sizes, or that name a family or QASM file;
* :mod:`qcloudsim.traces.replay`: canonical chunks to a lazy stream of
  :class:`~qcloudsim.workload.job.Job`, and simulated-vs-recorded checks.
"""

from qcloudsim.traces.table import (
    COLUMNS,
    ColumnSpec,
    SkipReport,
    TableReader,
    TraceError,
    TraceReader,
    TraceSkipWarning,
    read_table,
    write_table,
)

__all__ = [
    "COLUMNS",
    "ColumnSpec",
    "SkipReport",
    "TableReader",
    "TraceReader",
    "TraceError",
    "TraceSkipWarning",
    "read_table",
    "write_table",
]
