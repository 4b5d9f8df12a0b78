from __future__ import annotations

from tests.conftest import ghz_profile


def test_interaction_graph_has_every_qubit_and_weights():
    graph = ghz_profile(4).interaction_graph
    assert sorted(graph.nodes) == [0, 1, 2, 3]
    assert sorted(graph.edges(data="weight")) == [(0, 1, 1), (1, 2, 1), (2, 3, 1)]
