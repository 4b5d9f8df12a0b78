"""qcloudsim: a discrete-event simulator of quantum cloud scheduling.

Time is measured in seconds of simulated wall-clock time throughout.
"""

__version__ = "0.3.0"

try:  # register the Gymnasium environment when gymnasium is installed
    from qcloudsim.rl import register as _register_env

    _register_env()
except ImportError:  # pragma: no cover - gymnasium is an optional dependency
    pass
