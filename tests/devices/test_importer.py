"""Importer filter rules on synthetic data, catalog writing, and real fake backends."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcloudsim.devices.catalog import load_catalog, read_catalog_file
from qcloudsim.devices.importer import (
    FALLBACK_READOUT_DURATION_S,
    FALLBACK_REP_DELAY_S,
    RawBackend,
    SkipBackend,
    aliases_for,
    catalog_name,
    clamp_t2,
    collapse_couplers,
    convert,
    fill_invalid,
    import_raw,
    is_error_valid,
    processor_label,
    round_sig,
    write_catalog,
)

NAN = math.nan


def make_raw(**overrides: object) -> RawBackend:
    """A clean 4-qubit line backend; ``overrides`` replace fields."""
    fields: dict[str, object] = {
        "fake_name": "fake_toy",
        "class_name": "FakeToy",
        "reported_name": "ibm_toy",
        "timestamp": "2025-02-26T14:33:06-05:00",
        "rep_delay_s": 250e-6,
        "processor": "Eagle r3",
        "t1_s": (100e-6, 200e-6, 300e-6, 400e-6),
        "t2_s": (100e-6, 100e-6, 100e-6, 100e-6),
        "readout_error": (0.01, 0.02, 0.03, 0.04),
        "readout_duration_s": (1.3e-6,) * 4,
        "error_1q": (1e-4, 2e-4, 3e-4, 4e-4),
        "duration_1q_s": (60e-9,) * 4,
        "gate_1q": "sx",
        "two_qubit": (
            (0, 1, "ecr", 0.01, 660e-9),
            (2, 1, "ecr", 0.02, 600e-9),
            (2, 3, "ecr", 0.03, 700e-9),
        ),
    }
    fields.update(overrides)
    return RawBackend(**fields)  # type: ignore[arg-type]


def test_clean_backend_has_no_notes() -> None:
    device = convert(make_raw(), "src")
    assert device.name == "ibm_toy"
    assert device.filtered == ()
    assert device.edges == ((0, 1), (1, 2), (2, 3))
    assert device.two_qubit_gate == "ecr"
    assert device.source == "src"


@pytest.mark.parametrize("bad", [1.0, 1.5, -0.1, NAN, None])
def test_broken_coupler_dropped(bad: float | None) -> None:
    raw = make_raw(two_qubit=((0, 1, "ecr", 0.01, 1e-7), (1, 2, "ecr", bad, 1e-7)))
    device = convert(raw, "src")
    assert device.edges == ((0, 1),)
    assert len(device.filtered) == 1
    assert device.filtered[0].startswith("coupler (1, 2): ecr error")
    assert "coupler dropped" in device.filtered[0]


def test_directions_collapse_to_lower_error_and_its_duration() -> None:
    couplers, notes = collapse_couplers(
        [
            (0, 1, "cx", 0.02, 300e-9),
            (1, 0, "cx", 0.01, 400e-9),
            (1, 2, "cx", 1.0, 1e-7),
            (2, 1, "cx", 0.05, 500e-9),
        ]
    )
    assert couplers == {(0, 1): (0.01, 400e-9, "cx"), (1, 2): (0.05, 500e-9, "cx")}
    assert notes == ()  # the valid direction keeps (1, 2)


@pytest.mark.parametrize("bad", [0.5, 0.7, -0.01, NAN, None])
def test_bad_readout_error_replaced_by_median(bad: float | None) -> None:
    device = convert(make_raw(readout_error=(0.01, bad, 0.03, 0.05)), "src")
    assert device.calibration.readout_error == (0.01, 0.03, 0.03, 0.05)
    assert len(device.filtered) == 1 and device.filtered[0].startswith("qubit 1: readout error")


@pytest.mark.parametrize("bad", [1.0, -1e-3, NAN, None])
def test_bad_1q_error_replaced_by_median(bad: float | None) -> None:
    device = convert(make_raw(error_1q=(bad, 1e-4, 2e-4, 3e-4)), "src")
    assert device.calibration.error_1q[0] == pytest.approx(2e-4)
    assert "qubit 0: sx error" in device.filtered[0]


@pytest.mark.parametrize("bad", [0.0, -5e-6, NAN, None])
def test_bad_t1_replaced_by_median(bad: float | None) -> None:
    device = convert(make_raw(t1_s=(bad, 200e-6, 300e-6, 400e-6)), "src")
    assert device.calibration.t1_s[0] == pytest.approx(300e-6)
    assert device.filtered[0].startswith("qubit 0: T1")


def test_t2_above_twice_t1_is_clamped() -> None:
    device = convert(make_raw(t2_s=(100e-6, 500e-6, 100e-6, 100e-6)), "src")
    assert device.calibration.t2_s[1] == pytest.approx(400e-6)
    assert device.filtered == ("qubit 1: T2 500 us > 2*T1 = 400 us, clamped to 2*T1",)


def test_missing_t2_replaced_then_clamped() -> None:
    t1 = (10e-6, 200e-6, 300e-6, 400e-6)
    device = convert(make_raw(t1_s=t1, t2_s=(None, 100e-6, 150e-6, 200e-6)), "src")
    assert device.calibration.t2_s[0] == pytest.approx(20e-6)  # median 150 us, clamped to 2*T1
    assert len(device.filtered) == 2


def test_missing_durations() -> None:
    raw = make_raw(
        duration_1q_s=(None, 60e-9, 80e-9, 70e-9),
        readout_duration_s=(None,) * 4,
        two_qubit=((0, 1, "cx", 0.01, None), (1, 2, "cx", 0.02, 500e-9)),
    )
    device = convert(raw, "src")
    cal = device.calibration
    assert cal.duration_1q_s[0] == pytest.approx(70e-9)
    assert cal.readout_duration_s == (FALLBACK_READOUT_DURATION_S,) * 4
    assert cal.duration_2q_s[(0, 1)] == pytest.approx(500e-9)
    assert device.two_qubit_gate == "cx"
    assert sum("coupler (0, 1): 2q duration" in n for n in device.filtered) == 1
    assert sum("on all 4 entries, documented default" in n for n in device.filtered) == 1


def test_missing_rep_delay_uses_default() -> None:
    device = convert(make_raw(rep_delay_s=None), "src")
    assert device.rep_delay_s == FALLBACK_REP_DELAY_S
    assert "default_rep_delay" in device.filtered[0]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (
            {
                "t1_s": (1e-4,),
                "t2_s": (1e-4,),
                "readout_error": (0.01,),
                "readout_duration_s": (1e-6,),
                "error_1q": (1e-4,),
                "duration_1q_s": (6e-8,),
                "two_qubit": (),
            },
            "1 qubit",
        ),
        ({"two_qubit": ()}, "no native two-qubit gate"),
        ({"two_qubit": ((0, 1, "ecr", 1.0, 1e-7), (1, 2, "ecr", 1.0, 1e-7))}, "all 2"),
        ({"readout_error": (0.6, 0.7, NAN, None)}, "no valid readout error"),
    ],
)
def test_unusable_backends_are_skipped(overrides: dict, reason: str) -> None:
    with pytest.raises(SkipBackend, match=reason):
        convert(make_raw(**overrides), "src")


def test_import_raw_collects_skips_aliases_and_notes() -> None:
    mixed = make_raw(
        fake_name="fake_cairo",
        class_name="FakeCairoV2",
        reported_name="alt_cairo",
        two_qubit=((0, 1, "ecr", 0.01, 1e-7), (2, 1, "ecr", 0.01, 1e-7), (2, 3, "cx", 0.01, 1e-7)),
    )
    broken = make_raw(fake_name="fake_dead", two_qubit=((0, 1, "cx", 1.0, 1e-7),))
    synthetic = make_raw(fake_name="fake_fractional")
    report = import_raw([mixed, broken, synthetic], "9.9")
    assert [d.name for d in report.devices] == ["ibm_cairo"]
    assert report.devices[0].source == "qiskit-ibm-runtime 9.9 FakeCairoV2"
    assert report.devices[0].two_qubit_gate == "ecr"
    assert {name for name, _ in report.skipped} == {"fake_dead", "fake_fractional"}
    assert report.aliases == {"cairo": "ibm_cairo", "fake_cairo": "ibm_cairo"}
    assert "mixed native two-qubit gates" in report.notes["ibm_cairo"][0]
    assert report.filtered_count == 0


@pytest.mark.parametrize(
    ("reported", "fake", "expected"),
    [
        ("ibm_brisbane", "fake_brisbane", "ibm_brisbane"),
        ("ibmq_16_melbourne", "fake_melbourne", "ibmq_16_melbourne"),
        ("ibmqx2", "fake_yorktown", "ibmqx2"),
        ("alt_auckland", "fake_auckland", "ibm_auckland"),
        ("something", "fake_x", "ibm_x"),
    ],
)
def test_catalog_name_rule(reported: str, fake: str, expected: str) -> None:
    assert catalog_name(reported, fake) == expected
    assert aliases_for(expected, fake)[fake] == expected


def test_processor_label() -> None:
    assert processor_label({"family": "Eagle", "revision": 3}) == "Eagle r3"
    assert processor_label({"family": "Falcon", "revision": 4, "segment": "T"}) == "Falcon r4T"
    assert processor_label(None) == ""
    assert processor_label({}) == ""


def test_fill_invalid_and_clamp_are_pure() -> None:
    values = [0.1, None, 0.3]
    out, notes = fill_invalid(values, is_error_valid, "x", "bad")
    assert out == (0.1, 0.2, 0.3) and len(notes) == 1
    assert values == [0.1, None, 0.3]
    assert clamp_t2((1.0, 1.0), (1.5, 3.0)) == (
        (1.5, 2.0),
        ("qubit 1: T2 3e+06 us > 2*T1 = 2e+06 us, clamped to 2*T1",),
    )
    assert round_sig(123.456789) == 123.457
    assert round_sig(0.0) == 0.0


maybe_time = st.one_of(
    st.none(), st.just(NAN), st.floats(-1e-3, 1e-3, allow_nan=False), st.just(0.0)
)
maybe_error = st.one_of(st.none(), st.just(NAN), st.floats(-0.5, 1.5, allow_nan=False))


@st.composite
def raw_backends(draw: st.DrawFn) -> RawBackend:
    """Random backends with arbitrary garbage mixed in (at least one valid value each)."""
    n = draw(st.integers(2, 8))

    def column(values: st.SearchStrategy, good: st.SearchStrategy) -> tuple:
        col = draw(st.lists(values, min_size=n, max_size=n))
        col[draw(st.integers(0, n - 1))] = draw(good)
        return tuple(col)

    good_time = st.floats(1e-6, 1e-3)
    good_error = st.floats(0.0, 0.49)
    pairs = [(q, q + 1) for q in range(n - 1)]
    two_qubit = [
        (a, b, "cz", draw(maybe_error), draw(st.one_of(st.none(), st.floats(0, 1e-6))))
        for a, b in pairs
    ]
    two_qubit[0] = (0, 1, "cz", draw(good_error), 1e-7)
    return make_raw(
        t1_s=column(maybe_time, good_time),
        t2_s=column(maybe_time, good_time),
        readout_error=column(maybe_error, good_error),
        readout_duration_s=column(maybe_time, good_time),
        error_1q=column(maybe_error, good_error),
        duration_1q_s=column(maybe_time, good_time),
        rep_delay_s=draw(st.one_of(st.none(), st.floats(0, 1e-3))),
        two_qubit=tuple(two_qubit),
    )


@settings(max_examples=150, deadline=None)
@given(raw_backends())
def test_filtered_output_always_valid(raw: RawBackend) -> None:
    device = convert(raw, "prop")  # Calibration.__post_init__ validates
    cal = device.calibration
    assert cal.num_qubits == raw.num_qubits
    assert all(0 <= e < 0.5 for e in cal.readout_error)
    assert all(0 <= e < 1 for e in cal.error_1q)
    assert all(0 < t2 <= 2 * t1 for t1, t2 in zip(cal.t1_s, cal.t2_s, strict=True))
    assert (0, 1) in cal.error_2q
    for a, b, _, error, _ in raw.two_qubit:
        assert ((a, b) in cal.error_2q) == is_error_valid(error)


def test_write_catalog_is_deterministic_and_atomic(tmp_path) -> None:
    devices = [convert(make_raw(), "src"), convert(replace(make_raw(), reported_name="ibm_b"), "s")]
    first = write_catalog(
        devices, tmp_path / "a.json.gz", aliases={"toy": "ibm_toy"}, generator="g"
    )
    second = write_catalog(
        list(reversed(devices)), tmp_path / "b.json.gz", aliases={"toy": "ibm_toy"}, generator="g"
    )
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json.gz", "b.json.gz"]
    catalog = read_catalog_file(first)
    assert catalog.names() == ["ibm_b", "ibm_toy"]
    assert catalog.get("toy") == devices[0]
    assert catalog.generator == "g"


def test_real_fake_backends_match_shipped_catalog() -> None:
    pytest.importorskip("qiskit_ibm_runtime")
    from qcloudsim.devices.importer import import_fake_backends

    report = import_fake_backends(["fake_brisbane", "lima"])
    shipped = load_catalog()
    assert [d.name for d in report.devices] == ["ibm_brisbane", "ibmq_lima"]
    for device in report.devices:
        expected = shipped.get(device.name)
        assert device == expected
        assert device.filtered == expected.filtered
    brisbane = report.devices[0]
    assert brisbane.num_qubits == 127
    assert any("coupler (24, 25)" in note for note in brisbane.filtered)


def test_unknown_backend_name_rejected() -> None:
    pytest.importorskip("qiskit_ibm_runtime")
    from qcloudsim.devices.importer import import_fake_backends

    with pytest.raises(ValueError, match="fake_nowhere"):
        import_fake_backends(["fake_nowhere"])
