"""qcloudsim: a discrete-event simulator of quantum cloud scheduling.

Time is measured in seconds of simulated wall-clock time throughout.
"""

__version__ = "0.1.0"
