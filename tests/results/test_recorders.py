"""The recorders: chunked row buffers and the device timeline swept from run intervals.

The timeline recorder keeps one row per run and the availability changes and
builds the intervals at the end (:func:`qcloudsim.results.recorders._sweep_intervals`).
A property test checks it against the event-by-event state machine the
recorder used before (kept here as the reference): random event sequences
of run starts and ends and availability changes on a few devices, emitted in
the order the engine would, must give the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcloudsim.results import recorders
from qcloudsim.results.recorders import RowBuffer, TimelineRecorder


def test_row_buffer_keeps_rows_across_chunks_and_orders_them(monkeypatch):
    monkeypatch.setattr(recorders, "CHUNK_ROWS", 3)
    buffer = RowBuffer((("id", "i"), ("x", "f"), ("name", "o"), ("qubits", "q")))
    rows = [(i, i / 2, f"n{i}", tuple(range(i % 3 + 1))) for i in range(10)]
    for row in rows:
        buffer.rows.append(row)
        buffer.spill()
    assert len(buffer) == 10
    assert len(buffer.rows) < 3  # the rest went into chunks
    order = np.array([9, 0, 5, 1, 8, 2, 7, 3, 6, 4])
    assert buffer.column("id").tolist() == list(range(10))
    assert buffer.column("id", order).tolist() == order.tolist()
    assert buffer.column("x", order).tolist() == [i / 2 for i in order]
    assert buffer.column("name", order) == [f"n{i}" for i in order]
    assert buffer.column("qubits", order) == [list(range(i % 3 + 1)) for i in order]
    assert buffer.column("qubits")[4] == [0, 1]


def test_empty_row_buffer_gives_empty_columns():
    buffer = RowBuffer((("id", "i"), ("x", "f"), ("name", "o")))
    assert buffer.column("id").dtype == np.int64 and len(buffer.column("id")) == 0
    assert buffer.column("x").dtype == np.float64
    assert buffer.column("name") == []


def test_tables_do_not_depend_on_the_chunk_size(monkeypatch):
    from qcloudsim.config.schema import ExperimentConfig
    from qcloudsim.experiment import run
    from tests.test_combinations import build_config

    config = ExperimentConfig.model_validate(build_config(("outages", "multiprogramming"), "fcfs", scale=2))
    whole = run(config)
    monkeypatch.setattr(recorders, "CHUNK_ROWS", 7)
    chunked = run(config)
    for name in ("jobs", "timeline", "attempts", "calibrations"):
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(chunked, name))


def test_timeline_is_refused_before_the_run_ended():
    from qcloudsim.devices.catalog import load_catalog

    timeline = TimelineRecorder([load_catalog().get("ibm_perth")])
    with pytest.raises(RuntimeError, match="after the run ended"):
        timeline.to_dataframe()


# -- the sweep against the event-by-event reference ---------------------------------------------


@dataclass
class _Device:
    name: str
    num_qubits: int


@dataclass
class _Run:
    qpu: _Device
    start_s: float
    qubits: tuple[int, ...]


@dataclass
class _EventByEvent:
    """The timeline state machine of the recorder before the sweep (the reference)."""

    devices: list[_Device]
    rows: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.open = {d.name: (0.0, "idle", 0, d.num_qubits, 0) for d in self.devices}
        self.down: dict[str, str] = {}

    def change(self, name: str, now: float, busy: int, running: int) -> None:
        start, state, held, size, jobs = self.open[name]
        if name in self.down:
            new = (self.down[name], busy, running)
        elif running:
            new = ("busy", busy, running)
        else:
            new = ("idle", 0, 0)
        if new == (state, held, jobs):
            return
        if now > start:
            self.rows.append((name, start, now, state, held, size, jobs))
        self.open[name] = (now, new[0], new[1], size, new[2])

    def availability(self, name: str, state: str, now: float, busy: int, running: int) -> None:
        if state in ("down", "calibrating"):
            self.down[name] = state
        else:
            self.down.pop(name, None)
        self.change(name, now, busy, running)

    def end(self, now: float) -> pd.DataFrame:
        for name, (start, state, held, size, jobs) in self.open.items():
            if now > start:
                self.rows.append((name, start, now, state, held, size, jobs))
        frame = pd.DataFrame(self.rows, columns=list(recorders.TIMELINE_COLUMNS))
        return frame.sort_values(["device", "start_s"], kind="stable").reset_index(drop=True)


_ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["start", "start", "end", "end", "down", "calibrating", "idle", "wait0", "wait"]),
        st.integers(0, 2),  # device
        st.integers(1, 4),  # qubits of a new run
        st.floats(0.01, 5.0),  # time step
        st.integers(0, 10),  # which running run ends
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(actions=_ACTIONS)
def test_sweep_matches_the_event_by_event_timeline(actions):
    devices = [_Device("qa", 5), _Device("qb", 7), _Device("qc", 4)]
    reference = _EventByEvent(devices)
    swept = TimelineRecorder(devices)  # type: ignore[arg-type]
    now = 0.0
    free = {d.name: set(range(d.num_qubits)) for d in devices}
    running: dict[str, list[_Run]] = {d.name: [] for d in devices}

    def held(name: str) -> int:
        return sum(len(r.qubits) for r in running[name])

    def finish(run: _Run) -> None:
        name = run.qpu.name
        running[name].remove(run)
        free[name].update(run.qubits)
        swept.on_finish(run, now)  # type: ignore[arg-type]
        reference.change(name, now, held(name), len(running[name]))

    for action, index, size, step, which in actions:
        device = devices[index]
        name = device.name
        if action == "wait":
            now += step
        elif action == "wait0":
            now += 0.0
        elif action == "start" and len(free[name]) >= size:
            qubits = tuple(sorted(free[name])[:size])
            free[name].difference_update(qubits)
            run = _Run(device, now, qubits)
            running[name].append(run)
            reference.change(name, now, held(name), len(running[name]))  # on_start
        elif action == "end" and running[name]:
            finish(running[name][which % len(running[name])])
        elif action in ("down", "calibrating", "idle"):
            swept.on_device_state(device, action, now)  # type: ignore[arg-type]
            reference.availability(name, action, now, held(name), len(running[name]))
    now += 1.0
    for device in devices:  # the engine fails what still runs when the run ends
        for run in list(running[device.name]):
            finish(run)
    expected = reference.end(now)
    swept.on_end(now)
    got = swept.to_dataframe()
    pd.testing.assert_frame_equal(
        got.astype({"device": object, "state": object}), expected.astype({"device": object, "state": object}),
        check_dtype=False,
    )
