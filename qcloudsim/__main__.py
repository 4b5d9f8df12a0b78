"""``python -m qcloudsim``."""

from qcloudsim.cli import main

main()
