"""``qcloudsim devices``: list, inspect and rebuild the device catalog.

The app object :data:`devices_app` is mounted by the main CLI. Listing and
showing read the shipped catalog without importing qiskit; ``import`` needs
the optional ``qiskit-ibm-runtime`` dependency.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qcloudsim.devices.catalog import (
    DEFAULT_CATALOG_PATH,
    DeviceCatalog,
    UnknownDeviceError,
    load_catalog,
    read_catalog_file,
)
from qcloudsim.devices.device import Device

devices_app = typer.Typer(
    name="devices",
    help="List, inspect and rebuild the device catalog (IBM calibration snapshots).",
    no_args_is_help=True,
)

CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", help="Catalog file to read instead of the shipped one."),
]


PIPED_WIDTH = 200
"""Columns of tables written to a pipe or file (no terminal to fit; rows stay whole)."""


def _out() -> Console:
    """Console for normal output: the terminal's width, or wide when piped
    (created per call so test runners capture it)."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)


def _err() -> Console:
    """Console for error messages (stderr)."""
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=PIPED_WIDTH)


def _median(values: Iterable[float]) -> float | None:
    """Median, or ``None`` for no values."""
    data = list(values)
    return statistics.median(data) if data else None


def _fmt(value: float | None, fmt: str = ".2e", scale: float = 1.0) -> str:
    """Format a number for a table cell ("-" for missing)."""
    return "-" if value is None else format(value * scale, fmt)


def device_row(device: Device) -> list[str]:
    """One row of the ``devices list`` table."""
    cal = device.calibration
    return [
        device.name,
        str(device.num_qubits),
        str(len(device.edges)),
        device.processor or "-",
        device.two_qubit_gate,
        device.snapshot_date[:10] or "-",
        _fmt(_median(cal.error_2q.values())),
        _fmt(_median(cal.readout_error)),
        _fmt(_median(cal.t1_s), ".0f", 1e6),
        str(len(device.filtered)),
    ]


def _open_catalog(path: Path | None) -> DeviceCatalog:
    """The catalog at ``path`` or the shipped one."""
    return load_catalog() if path is None else read_catalog_file(path)


@devices_app.command("list")
def list_devices(catalog: CatalogOption = None) -> None:
    """List the devices in the catalog with median calibration figures."""
    cat = _open_catalog(catalog)
    table = Table(title=f"{len(cat)} devices ({cat.generator})")
    for column in (
        "name",
        "qubits",
        "couplers",
        "processor",
        "2q gate",
        "snapshot",
        "median 2q err",
        "median readout err",
        "median T1 (µs)",
        "filtered",
    ):
        table.add_column(column, justify="right" if column not in ("name", "processor") else "left")
    for device in cat:
        table.add_row(*device_row(device))
    _out().print(table)


def _summary(device: Device) -> Table:
    """Key/value summary of one device."""
    cal = device.calibration
    table = Table(show_header=False, title=device.name)
    table.add_column("field")
    table.add_column("value")
    rows = [
        ("processor", device.processor or "-"),
        ("qubits", str(device.num_qubits)),
        ("couplers", str(len(device.edges))),
        ("native 2q gate", device.two_qubit_gate),
        ("snapshot", device.snapshot_date or "-"),
        ("rep delay (µs)", _fmt(device.rep_delay_s, ".0f", 1e6)),
        ("median 2q error", _fmt(_median(cal.error_2q.values()))),
        ("median 2q duration (ns)", _fmt(_median(cal.duration_2q_s.values()), ".0f", 1e9)),
        ("median 1q error", _fmt(_median(cal.error_1q))),
        ("median readout error", _fmt(_median(cal.readout_error))),
        (
            "median T1 / T2 (µs)",
            f"{_fmt(_median(cal.t1_s), '.0f', 1e6)} / {_fmt(_median(cal.t2_s), '.0f', 1e6)}",
        ),
        ("source", device.source or "-"),
        ("filtered values", str(len(device.filtered))),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def _qubit_table(device: Device) -> Table:
    """Per-qubit calibration table."""
    cal = device.calibration
    table = Table(title="qubits")
    for column in (
        "qubit",
        "T1 (µs)",
        "T2 (µs)",
        "readout err",
        "readout (ns)",
        "1q err",
        "1q (ns)",
        "neighbours",
    ):
        table.add_column(column, justify="right")
    for q in range(device.num_qubits):
        table.add_row(
            str(q),
            _fmt(cal.t1_s[q], ".1f", 1e6),
            _fmt(cal.t2_s[q], ".1f", 1e6),
            _fmt(cal.readout_error[q]),
            _fmt(cal.readout_duration_s[q], ".0f", 1e9),
            _fmt(cal.error_1q[q]),
            _fmt(cal.duration_1q_s[q], ".0f", 1e9),
            ",".join(str(n) for n in device.neighbours[q]) or "-",
        )
    return table


@devices_app.command("show")
def show_device(
    name: Annotated[str, typer.Argument(help="Device name or alias, e.g. ibm_brisbane.")],
    catalog: CatalogOption = None,
) -> None:
    """Show one device: summary, per-qubit calibration and filtered values."""
    cat = _open_catalog(catalog)
    try:
        device = cat.get(name)
    except UnknownDeviceError as exc:
        _err().print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    out = _out()
    out.print(_summary(device))
    out.print(_qubit_table(device))
    if device.filtered:
        out.print(f"filtered at import ({len(device.filtered)}):")
        for note in device.filtered:
            out.print(f"  - {note}", markup=False, highlight=False)
    else:
        out.print("filtered at import: none")


@devices_app.command("import")
def import_devices(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Backends to import (fake, real or bare names); default all."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Catalog file to write.")
    ] = DEFAULT_CATALOG_PATH,
) -> None:
    """Rebuild the catalog from the qiskit-ibm-runtime fake backends.

    With NAMES and an existing --out file, only those devices are replaced or
    added; the other entries of the file are kept.
    """
    try:
        from qcloudsim.devices import importer

        report = importer.import_fake_backends(names or None)
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("qiskit"):
            raise
        _err().print(
            "error: `qcloudsim devices import` needs qiskit-ibm-runtime; "
            "install it with `pip install qcloudsim[import]`",
            markup=False,
        )
        raise typer.Exit(code=2) from None
    except ValueError as exc:
        _err().print(f"error: {exc}", markup=False)
        raise typer.Exit(code=2) from None
    devices = list(report.devices)
    aliases = dict(report.aliases)
    if names and out.exists():
        existing = read_catalog_file(out)
        fresh = {d.name for d in devices}
        devices += [d for d in existing if d.name not in fresh]
        aliases = {**existing.aliases, **aliases}
    importer.write_catalog(devices, out, aliases=aliases, generator=report.generator)
    console = _out()
    for fake_name, reason in report.skipped:
        console.print(f"skipped {fake_name}: {reason}", markup=False)
    for device_name, notes in sorted(report.notes.items()):
        for note in notes:
            console.print(f"note {device_name}: {note}", markup=False)
    console.print(
        f"imported {len(report.devices)} devices, skipped {len(report.skipped)}, "
        f"filtered values: {report.filtered_count} notes; wrote {len(devices)} devices to {out}",
        markup=False,
        highlight=False,
    )
