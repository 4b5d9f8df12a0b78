"""Fuzzing the config loader (issue 17, "Hostile inputs").

Hypothesis mutates valid configs — values replaced by values of random
types (strings, booleans, huge, negative, NaN and infinite numbers, lists,
nulls, deep nesting) or by extreme values of the same type, keys dropped,
renamed and given twice, explicit YAML tags, aliases, text spliced or cut,
other encodings — and also feeds random bytes. Every input must either
load or raise :class:`ConfigError` whose message names the file: no other
exception, no hang. A config that loads must also survive the JSON round
trip sweep workers validate. A config that loads with huge but in-bounds
values is not run.
"""

from __future__ import annotations

import contextlib
import copy
import math
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from qcloudsim.config.loader import ConfigError, load_config
from qcloudsim.config.schema import ExperimentConfig
from tests.helpers import small_config_data

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

BASES: list[dict] = [
    small_config_data(),
    small_config_data(
        hybrid={"programs": [{"ansatz": {"family": "vqe", "qubits": [3, 5]}, "parameters": 2,
                              "stopping": {"rule": "curve", "max_iterations": 20}}]},
        cutting={"when": "no_fit", "method": "analytic"},
        scheduler={"name": "fairshare", "params": {"allocations": {"g1": 2}}, "placement": "least_loaded"},
    ),
    yaml.safe_load((ROOT / "configs" / "small_study.yaml").read_text()),
    yaml.safe_load((ROOT / "configs" / "quickstart.yaml").read_text()),
]
"""Valid configs the mutations start from."""

FUZZ = settings(
    max_examples=250,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
"""A few hundred examples per test, 5 s each at most. No *explain* phase: tracing a
deeply nested document's parse line by line takes minutes."""

EXAMPLE_TIME_LIMIT_S = 20
"""Hard limit of one example: a hang fails the test instead of stalling the suite."""

SPECIAL_NUMBERS = [0, -1, 1, 2**31, 2**63, -(2**63), 10**30, -(10**30), 10**400, 1e-300, -1e-300, 1e300, 5e-324,
                   math.nan, math.inf, -math.inf, 0.5, -0.0]
"""Numbers at and beyond every bound."""

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(SPECIAL_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "20", "1e30", "true", "yes please", "null", "~", "ibm_perth", "fcfs", "ghz",
                     "poisson", "..:x", "a" * 300, "/", ".", "\u00e9\u4e2d", "fleet.0.catalog"]),
)
values = st.recursive(
    leaves,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12,
)
"""Values of random types, nested."""


def node_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``node`` (dict keys and list indices)."""
    out: list[tuple] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append(prefix + (key,))
        out += node_paths(child, prefix + (key,))
    return out


def parent_of(document: dict, path: tuple) -> Any:
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    return node


def same_type_as(value: Any) -> st.SearchStrategy:
    """Values of ``value``'s type, often extreme: these keep a config loadable while pushing it to its bounds."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.one_of(st.integers(), st.sampled_from([n for n in SPECIAL_NUMBERS if isinstance(n, int)]))
    if isinstance(value, float):
        return st.one_of(st.floats(), st.sampled_from(SPECIAL_NUMBERS))
    if isinstance(value, str):
        return st.text(max_size=30)
    return values


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict:
    """A base config with 1 to 4 values replaced (by any type or the same type), keys dropped or renamed,
    or entries copied."""
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = node_paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = parent_of(document, path), path[-1]
        operation = draw(st.sampled_from(["replace", "replace", "retype", "retype", "drop", "rename", "copy"]))
        if operation == "replace":
            parent[key] = draw(values)
        elif operation == "retype":
            parent[key] = draw(same_type_as(parent[key]))
        elif operation == "drop":
            del parent[key]
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = parent.pop(key)
        elif operation == "copy" and isinstance(parent, dict):
            parent[f"{key}_copy" if draw(st.booleans()) else draw(st.text(max_size=6))] = copy.deepcopy(parent[key])
        elif operation == "copy":
            parent.append(copy.deepcopy(parent[key]))
    return document


def _duplicate_line(text: str, draw: st.DrawFn) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ":" in line]
    if not candidates:
        return text
    index = draw(st.sampled_from(candidates))
    return "".join(lines[: index + 1] + [lines[index]] + lines[index + 1:])


def _deep_value(text: str, draw: st.DrawFn) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if line.rstrip().endswith(tuple("0123456789")) and ": " in line]
    if not candidates:
        return text
    index = draw(st.sampled_from(candidates))
    depth = draw(st.sampled_from([50, 500, 1500]))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
    key = lines[index].split(": ")[0]
    lines[index] = f"{key}: {opener * depth}1{closer * depth}\n"
    return "".join(lines)


TAGS = ["!!int", "!!float", "!!bool", "!!str", "!!null", "!!timestamp", "!!binary", "!!set", "!!omap", "!!pairs",
        "!!seq", "!!map", "!!python/object:os.system", "!custom", "!<tag:yaml.org,2002:int>"]
"""Explicit tags, valid for some values and not for others."""


def _tagged_value(text: str, draw: st.DrawFn) -> str:
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ": " in line and not line.rstrip().endswith(":")]
    if not candidates:
        return text
    index = draw(st.sampled_from(candidates))
    key, _, value = lines[index].partition(": ")
    lines[index] = f"{key}: {draw(st.sampled_from(TAGS))} {value}"
    return "".join(lines)


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """YAML of a mutated document, then possibly a text-level change and another encoding."""
    text = yaml.safe_dump(draw(mutated_documents()), sort_keys=False, allow_unicode=True)
    change = draw(st.sampled_from(["none", "none", "duplicate", "deep", "splice", "truncate", "tag", "alias"]))
    if change == "duplicate":
        text = _duplicate_line(text, draw)
    elif change == "deep":
        text = _deep_value(text, draw)
    elif change == "splice":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    elif change == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif change == "tag":
        text = _tagged_value(text, draw)
    elif change == "alias":
        text = "x: &a [1, 2]\n" + text.replace("jobs: ", "jobs: *a #", 1)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "utf-8-sig"]))
    return text.encode(encoding, errors="replace")


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError when the block runs longer than ``seconds`` (SIGALRM)."""

    def expire(signum, frame):
        raise TimeoutError(f"loading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_loads_or_reports(path: Path, content: bytes) -> None:
    """``content`` at ``path`` loads (and round-trips), or raises a ConfigError naming the file."""
    path.write_bytes(content)
    with time_limit(EXAMPLE_TIME_LIMIT_S):
        try:
            config = load_config(path)
        except ConfigError as exc:
            assert str(path) in str(exc), f"message does not name the file: {exc}"
            event("rejected")
            return
        event("loaded")
        assert ExperimentConfig.model_validate(config.model_dump(mode="json")) == config


@FUZZ
@given(document=mutated_documents())
def test_fuzz_mutated_values_and_keys(fuzz_dir, document):
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    check_loads_or_reports(fuzz_dir / "values.yaml", text.encode("utf-8"))


@FUZZ
@given(content=mutated_files())
def test_fuzz_mutated_files(fuzz_dir, content):
    check_loads_or_reports(fuzz_dir / "text.yaml", content)


@FUZZ
@given(content=st.binary(max_size=4000))
def test_fuzz_random_bytes(fuzz_dir, content):
    check_loads_or_reports(fuzz_dir / "bytes.yaml", content)
