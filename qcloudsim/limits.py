"""Physical and numerical bounds on every user-supplied number.

A value outside these bounds is a user mistake, reported with the file,
line and field like any other; it never reaches the engine, where it could
hang a run (a 10⁹-qubit circuit), overflow an integer (10³⁰ shots) or make
simulated time lose its resolution (an arrival rate of 10⁻³⁰⁰ /s).

The bounds are generous: each is well above anything a real quantum cloud
or a laptop-sized simulation needs, and well below where the model breaks.
They are documented in the config reference (``docs/config_reference.md``).
"""

from __future__ import annotations

MAX_QUBITS = 100_000
"""Largest circuit or device width (qubits). Today's largest QPUs have ~1,000."""

MAX_SHOTS = 10**9
"""Most shots of one circuit. IBM Quantum caps a job at 10⁷ shots in total."""

MAX_CIRCUITS_PER_JOB = 10**6
"""Most circuits in one job (IBM's limit is 10⁴–3·10⁵ depending on the backend)."""

MAX_JOBS = 10**8
"""Most jobs in one run (≈ 1 h of simulation at 30k jobs/s)."""

MAX_TIME_S = 1e10
"""Latest simulated time (s, ≈ 317 years). Below it float64 resolves 2 µs."""

MAX_DURATION_S = 1e9
"""Longest configured duration, period or spacing (s, ≈ 31.7 years)."""

MIN_RATE_PER_S = 1e-9
"""Slowest arrival rate (1/s): one job per ≈ 31.7 years."""

MAX_RATE_PER_S = 1e6
"""Fastest arrival rate (1/s)."""

MAX_JOB_ID = 2**63 - 1
"""Largest job id (ids are int64 in results)."""
