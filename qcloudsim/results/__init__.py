"""Results of runs and sweeps: recorders, summary metrics, folders written as a whole, readers."""

from qcloudsim.results.folder import ResultsError
from qcloudsim.results.results import Results
from qcloudsim.results.sweep_results import SweepResults, read_results

__all__ = ["Results", "ResultsError", "SweepResults", "read_results"]
