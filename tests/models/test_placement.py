from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from qcloudsim.models.placement import select_region
from tests.conftest import make_calibration


def test_prefers_low_error_qubits_on_a_line():
    # qubits 0-1 are noisy; the best 2-qubit region is the clean pair 3-4
    cal = make_calibration(5, [(0, 1), (1, 2), (2, 3), (3, 4)], ro=[0.2, 0.2, 0.05, 0.01, 0.01],
                           e2={(0, 1): 0.1, (1, 2): 0.05, (2, 3): 0.02, (3, 4): 0.005})
    assert sorted(select_region(cal, 2)) == [3, 4]
    assert sorted(select_region(cal, 3)) == [2, 3, 4]


def test_only_free_qubits_and_none_when_impossible():
    cal = make_calibration(5, [(0, 1), (1, 2), (2, 3), (3, 4)])
    assert sorted(select_region(cal, 2, free={0, 1, 3})) == [0, 1]
    # 0,1 and 3,4 are free but not connected to each other: no 3-qubit region
    assert select_region(cal, 3, free={0, 1, 3, 4}) is None
    assert select_region(cal, 6) is None


def test_single_qubit_picks_best_readout():
    cal = make_calibration(3, [(0, 1), (1, 2)], ro=[0.05, 0.01, 0.03])
    assert select_region(cal, 1) == (1,)


def _brute_force_best(cal, size):
    costs = []
    graph = nx.Graph(list(cal.edges))
    graph.add_nodes_from(range(cal.num_qubits))
    for subset in itertools.combinations(range(cal.num_qubits), size):
        if nx.is_connected(graph.subgraph(subset)):
            costs.append(subset)
    return costs


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 8),
    data=st.data(),
)
def test_region_is_connected_free_and_sized(n, data):
    extra = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=6))
    edges = {(i, i + 1) for i in range(n - 1)} | {tuple(sorted(e)) for e in extra if e[0] != e[1]}
    ro = data.draw(st.lists(st.floats(0.0, 0.3), min_size=n, max_size=n))
    cal = make_calibration(n, sorted(edges), ro=ro)
    free = set(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
    size = data.draw(st.integers(1, n))
    region = select_region(cal, size, free)
    graph = nx.Graph(list(cal.edges))
    graph.add_nodes_from(range(n))
    feasible = [s for s in _brute_force_best(cal, size) if set(s) <= free]
    if region is None:
        assert feasible == []
    else:
        assert len(region) == size == len(set(region))
        assert set(region) <= free
        assert nx.is_connected(graph.subgraph(region))
        assert region == select_region(cal, size, free)  # deterministic
