"""Features that plug into the kernel (:class:`qcloudsim.engine.kernel.Extension`).

=====================  ==========================================================
extension              how it plugs in
=====================  ==========================================================
``DynamicsExtension``  declares run limits (longest run between planned
                       downtimes); starts per-device processes that call the
                       kernel's device API (plan, go_down, go_up, set_calibration)
``CrosstalkExtension`` subscribes to ``start``: lowers the fidelity of a run that
                       shares its device, and of its exposed neighbours
``ClassicalPoolExtension`` owns the CPU/GPU pool that programs and cutting use
``ProgramsExtension``  holds the run open while programs run; submits their jobs
                       through ``Kernel.submit`` and follows them through
                       ``start`` / ``finish`` / ``reject``; closes programs at the end
``CuttingExtension``   an admission hook that replaces a job by its fragments, a
                       split hook for shot pieces; follows fragments through
                       ``finish`` / ``reject``; reconstruction on the pool
``HorizonExtension``   sets the stop time; at the end counts the jobs that
                       would have arrived after it
=====================  ==========================================================
"""

from qcloudsim.engine.extensions.classical import ClassicalPoolExtension
from qcloudsim.engine.extensions.crosstalk import CrosstalkExtension
from qcloudsim.engine.extensions.cutting import CuttingExtension
from qcloudsim.engine.extensions.dynamics import DynamicsExtension
from qcloudsim.engine.extensions.horizon import HorizonExtension
from qcloudsim.engine.extensions.programs import ProgramsExtension

__all__ = [
    "ClassicalPoolExtension", "CrosstalkExtension", "CuttingExtension", "DynamicsExtension",
    "HorizonExtension", "ProgramsExtension",
]
