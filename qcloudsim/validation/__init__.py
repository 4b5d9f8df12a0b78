"""Checks of qcloudsim's models against independent references.

:mod:`qcloudsim.validation.aer_fidelity` compares the analytic and exact
fidelity models with noisy density-matrix simulations in qiskit-aer (an
optional dependency, imported only there).
"""
