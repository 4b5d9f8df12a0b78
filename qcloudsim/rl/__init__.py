"""Reinforcement learning: a Gymnasium environment, GCN features, a DRL scheduler.

Importing :mod:`qcloudsim` registers ``qcloudsim/Scheduling-v0`` with
Gymnasium when gymnasium is installed. Gymnasium 1.x has no plugin entry
points; its ``module:id`` form imports the package first, so this works in
a fresh interpreter::

    import gymnasium
    env = gymnasium.make("qcloudsim:qcloudsim/Scheduling-v0", config="configs/rl_small.yaml")
"""

ENV_ID = "qcloudsim/Scheduling-v0"


def register() -> None:
    """Register the environment (idempotent)."""
    import gymnasium

    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point="qcloudsim.rl.env:QCloudEnv", disable_env_checker=True)
