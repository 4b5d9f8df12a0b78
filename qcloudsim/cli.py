"""Command-line interface: ``qcloudsim run|devices|version`` (typer)."""

from __future__ import annotations

import functools
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import yaml
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qcloudsim.cli_devices import devices_app

app = typer.Typer(
    name="qcloudsim",
    help="Discrete-event simulator of quantum cloud scheduling.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(devices_app, name="devices")
PIPED_WIDTH = 200
"""Columns of tables written to a pipe or file (no terminal to fit)."""


def _console(stderr: bool = False) -> Console:
    """The terminal's width on a terminal; wide when piped, so tables are not squeezed into 80 columns."""
    console = Console(stderr=stderr)
    return console if console.is_terminal else Console(stderr=stderr, width=PIPED_WIDTH)


class _Output:
    """Prints through a console made at each call, so the width follows where output goes now
    (a terminal, a pipe, a test runner's capture)."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr

    def print(self, *objects: object, **options: object) -> None:
        _console(self.stderr).print(*objects, **options)  # type: ignore[arg-type]


console = _Output()
errors = _Output(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        from qcloudsim import __version__

        console.print(f"qcloudsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Discrete-event simulator of quantum cloud scheduling."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a user-facing error (no traceback) and exit with ``code``."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _interruptible(command: Callable[..., None]) -> Callable[..., None]:
    """Ctrl-C anywhere in ``command`` (imports, reading the config) ends with a message and exit code 130.

    The steps that keep or write something say more (``_on_interrupt``);
    this catches the rest, which typer would end silently.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except KeyboardInterrupt:
            errors.print("[bold yellow]interrupted:[/] nothing was written", highlight=False)
            raise typer.Exit(130) from None

    return wrapper


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def print_summary(summary: dict) -> None:
    """Summary metrics and per-device utilization as rich tables."""
    table = Table(title="Summary", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        if key not in ("devices", "recorded_vs_simulated", "trace_skip_examples"):
            table.add_row(key, _fmt(value))
    console.print(table)
    devices = Table(title="Devices", show_header=True)
    for column in ("device", "qubits", "busy fraction", "qubit-time fraction", "down (s)"):
        devices.add_column(column, justify="right" if column != "device" else "left")
    for row in summary.get("devices", []):
        devices.add_row(
            row["device"], str(row["num_qubits"]), _fmt(row["busy_fraction"]),
            _fmt(row["qubit_fraction"]), _fmt(row["down_s"]),
        )
    console.print(devices)


def print_frame(frame, keep: int, title: str | None = None) -> None:
    """A table of strings that fits the terminal: the first ``keep`` columns, then as many as fit.

    Cells are never cut to ``…``; columns that do not fit are named below
    the table (every value is in the folder's CSV and ``--format csv``).
    """
    from qcloudsim.sweep.report import fit_columns

    width = _console().width
    shown, dropped = fit_columns(frame, keep, width)
    table = Table(title=title, show_header=True, box=box.SIMPLE_HEAD)
    for column in shown.columns:
        table.add_column(str(column), justify="left" if shown[column].map(_is_text).all() else "right",
                         overflow="fold")
    for _, row in shown.iterrows():
        table.add_row(*(escape(str(v)) for v in row))
    console.print(table)
    if dropped:
        console.print(f"  not shown at this width: {escape(', '.join(dropped))} (all in --format csv)",
                      highlight=False)


def _is_text(value: object) -> bool:
    text = str(value).replace(",", "").replace("±", "").replace(" ", "").lstrip("+-")
    return not text[:1].isdigit()


def print_sweep_summary(summary, swept: list[str], comparisons=None, fmt: str = "table") -> None:
    """Per sweep point: the key metrics as mean ± 95 % CI half-width; then paired comparisons, if any."""
    from qcloudsim.sweep.report import comparison_text, render, summary_numbers, summary_text

    if fmt != "table":
        console.print(render(summary_numbers(summary, swept), fmt), end="", markup=False, highlight=False,
                      soft_wrap=True)
        return
    print_frame(summary_text(summary, swept), keep=len(swept) + 1, title="Sweep summary (mean ± 95 % CI half-width)")
    if comparisons is not None and not comparisons.empty:
        print_frame(comparison_text(comparisons, swept), keep=len(swept) + 1,
                    title="Paired differences with the first scheduler, same seeds (mean ± 95 % CI; * excludes 0)")


@app.command()
@_interruptible
def run(
    config: Annotated[Path, typer.Argument(help="Experiment YAML file.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Results folder (default: output.dir or results/<name>).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", "-s", help="Override the config's seed.", min=0)] = None,
    backend: Annotated[str, typer.Option("--backend", help="Sweeps: 'local' (process pool) or 'ray'.")] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (default: start a local Ray).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", help="Local worker processes (default: CPU count).", min=1)
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the results folder.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="Sweep summary: table, csv, markdown or json.")] = "table",
) -> None:
    """Run an experiment (one run, or its replications and sweep) and write the results folder."""
    from qcloudsim.config.loader import ConfigError, load_config
    from qcloudsim.engine.simulation import SchedulingError
    from qcloudsim.experiment import run as run_experiment

    if backend not in ("local", "ray"):
        fail(f"--backend must be 'local' or 'ray', got {backend!r}")
    _check_format(fmt)
    with _on_interrupt("stopped while reading the config; nothing was written"):
        try:
            _find_user_modules(config)
            cfg = load_config(config, overrides=None if seed is None else {"seed": seed})
        except ConfigError as exc:
            fail(str(exc))
    if cfg.sweep or cfg.replications > 1:
        _run_sweep(cfg, config, out, backend, address, workers, quiet, fmt)
        return
    target = out or cfg.output.dir or Path("results") / cfg.name
    _check_target(target)
    with _on_interrupt("nothing was written (a run's folder is written only when the run completes)"):
        try:
            with _skip_warnings_to_stderr():
                results = run_experiment(cfg, seed=seed, progress=not quiet)
        except SchedulingError as exc:
            fail(f"scheduler {cfg.scheduler.name!r} made an invalid decision: {exc}", code=1)
        except (ValueError, FileNotFoundError) as exc:
            fail(f"{config}: {exc}")
        _write(results, target, plot=_summary_plot() if cfg.output.plot else None)
    if not quiet:
        with _on_interrupt(f"the results are written to {target}"):
            print_summary(results.summary)
            print_recorded(results.summary)
        console.print(f"results written to [bold]{escape(str(target))}[/]")
    else:
        console.print(str(target))


def _check_format(fmt: str) -> None:
    from qcloudsim.sweep.report import FORMATS

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")


def _run_sweep(
    cfg, config: Path, out: Path | None, backend: str, address: str | None, workers: int | None, quiet: bool,
    fmt: str = "table",
) -> None:
    from qcloudsim.results.folder import ResultsError
    from qcloudsim.sweep import SweepError, SweepInterrupted, SweepRunsFailed, run_sweep
    from qcloudsim.sweep.runner import BackendUnavailable

    target = out or cfg.output.dir or Path("results") / cfg.name
    try:
        outcome = run_sweep(cfg, target, backend=backend, workers=workers, address=address, progress=not quiet)
    except SweepInterrupted as exc:
        errors.print(
            f"[bold yellow]interrupted:[/] {exc.finished} of {exc.total} runs are finished "
            f"and kept in {escape(str(target))}. "
            "Run the same command again to resume: finished runs are reused, the others computed.",
            highlight=False, soft_wrap=True,
        )
        raise typer.Exit(130) from None
    except KeyboardInterrupt:  # outside the runs themselves (expanding, checking, aggregating)
        errors.print(
            f"[bold yellow]interrupted:[/] finished runs are kept in {escape(str(target))}. "
            "Run the same command again to resume.",
            highlight=False, soft_wrap=True,
        )
        raise typer.Exit(130) from None
    except SweepError as exc:
        fail(f"{config}: {exc}")
    except BackendUnavailable as exc:
        fail(str(exc))
    except SweepRunsFailed as exc:
        fail(f"{exc}. Fix the cause and run the same command again: only the failed runs are computed.", code=1)
    except ResultsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write results to {target}: {exc.strerror or exc}", code=1)
    if quiet:
        console.print(str(target))
        return
    with _on_interrupt(f"the sweep is complete in {target}"):
        print_sweep_summary(outcome.summary, outcome.swept, outcome.comparisons, fmt)
    damaged = f" ({outcome.damaged} incomplete or damaged, recomputed)" if outcome.damaged else ""
    (console if fmt == "table" else errors).print(  # CSV/JSON/Markdown on stdout stay clean for tools
        f"{outcome.computed} runs computed{damaged}, {outcome.reused} reused; "
        f"results written to [bold]{escape(str(target))}[/]"
    )


def _find_user_modules(config: Path | None = None) -> None:
    """Let ``"module:Class"`` schedulers load from the config's folder and the working folder.

    ``python -m qcloudsim`` puts the working folder on ``sys.path`` and the
    ``qcloudsim`` script does not; both now find a module next to the config
    (if any) or in the working folder, without ``PYTHONPATH``. Process-pool
    workers inherit the path; Ray workers need the module installed.
    """
    folders = [str(Path.cwd())] + ([str(config.resolve().parent)] if config is not None else [])
    for folder in folders:
        if folder not in sys.path:
            sys.path.insert(0, folder)


@contextmanager
def _skip_warnings_to_stderr() -> Iterator[None]:
    """Print each trace-skip warning raised inside as ``warning: ...`` on stderr, even with ``-q``.

    ``-q`` limits stdout to the results folder; skipped trace rows are always
    reported. Other warnings are passed on unchanged.
    """
    from qcloudsim.traces.table import TraceSkipWarning

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TraceSkipWarning)
            yield
    finally:
        for w in caught:
            if issubclass(w.category, TraceSkipWarning):
                errors.print(f"[bold yellow]warning:[/] {escape(str(w.message))}", highlight=False, soft_wrap=True)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


_REPLAY_OPTIONS: dict[tuple[str, ...], str] = {
    ("workload", "trace", "path"): "TRACE",
    ("workload", "trace", "format"): "--format",
    ("workload", "trace", "runtime"): "--runtime",
    ("workload", "trace", "time_scale"): "--time-scale",
    ("workload", "trace", "load_scale"): "--load-scale",
    ("workload", "trace", "start_s"): "--start",
    ("workload", "trace", "end_s"): "--end",
    ("workload", "trace", "users"): "--user",
    ("workload", "trace", "device_map"): "--map-device",
    ("workload", "trace", "on_error"): "--on-error",
    ("workload", "trace"): "TRACE",
    ("fleet",): "--fleet",
    ("seed",): "--seed",
    ("scheduler", "name"): "--scheduler",
    ("scheduler", "params"): "--param",
    ("scheduler", "backfill"): "--backfill",
    ("scheduler", "order"): "--order",
    ("scheduler", "placement"): "--placement",
    ("scheduler", "multiplexing"): "--multiplexing",
    ("scheduler", "queues"): "--queues",
    ("scheduler",): "--scheduler",
}
"""Config field of ``qcloudsim replay`` -> the option that sets it (longest prefix wins)."""

_REPLAY_FIELD_WORDS = re.compile(
    r"(?<![\w.-])(?:workload\.trace\.)?(time_scale|load_scale|start_s|end_s|device_map|on_error|users)(?!\w)"
)


def _replay_problem(loc: tuple, message: str) -> str:
    """A config validation problem of ``qcloudsim replay`` in terms of its options."""
    path = tuple(str(p) for p in loc)
    option = next((_REPLAY_OPTIONS[path[:n]] for n in range(len(path), 0, -1) if path[:n] in _REPLAY_OPTIONS), None)
    message = message.removeprefix("Value error, ")
    message = _REPLAY_FIELD_WORDS.sub(lambda m: _REPLAY_OPTIONS[("workload", "trace", m[1])], message)
    return f"{option}: {message}" if option and option != "TRACE" else message


@contextmanager
def _on_interrupt(consequence: str) -> Iterator[None]:
    """Turn Ctrl-C into a one-line message and exit code 130 (typer would exit silently)."""
    try:
        yield
    except KeyboardInterrupt:
        errors.print(f"[bold yellow]interrupted:[/] {escape(consequence)}", highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None


def _check_target(target: Path) -> None:
    """Fail before simulating if the results could not be written to ``target``."""
    from qcloudsim.results.folder import ResultsError, check_target
    from qcloudsim.results.results import is_run_folder

    try:
        check_target(target, is_run_folder)
    except ResultsError as exc:
        fail(str(exc))


def _write(results, target: Path, plot) -> None:
    """Write a run's folder, or fail with a user-facing message."""
    from qcloudsim.results.folder import ResultsError

    try:
        results.write(target, plot=plot)
    except ResultsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write results to {target}: {exc.strerror or exc}", code=1)


def print_recorded(summary: dict) -> None:
    """Simulated vs recorded queue and run times, when the trace recorded them."""
    comparison = summary.get("recorded_vs_simulated")
    if not comparison:
        return
    table = Table(title="Simulated vs recorded", show_header=True)
    for column in ("quantity", "jobs", "median rel. error", "Pearson", "Spearman"):
        table.add_column(column, justify="right" if column != "quantity" else "left")
    for quantity, values in comparison.items():
        table.add_row(
            quantity, _fmt(values.get("n")), _fmt(values.get("median_rel_error")),
            _fmt(values.get("pearson")), _fmt(values.get("spearman")),
        )
    console.print(table)


def _summary_plot():
    """The run-summary figure writer (imported only when a plot is wanted)."""
    from qcloudsim.plots import plot_run_summary

    return plot_run_summary


@app.command()
@_interruptible
def replay(
    trace: Annotated[Path, typer.Argument(help="Trace file (canonical CSV/Parquet, IBM export, SWF, QASM list).")],
    fleet: Annotated[
        str, typer.Option("--fleet", "-f", help="Comma-separated catalog devices.")
    ] = "ibm_brisbane,ibm_torino,ibm_kyiv",
    scheduler: Annotated[str, typer.Option("--scheduler", help="Scheduler name or 'package.module:Class'.")] = "fcfs",
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Scheduler parameter KEY=VALUE (YAML value; repeatable).")
    ] = None,
    backfill: Annotated[
        bool | None,
        typer.Option(
            "--backfill/--no-backfill",
            help="Let later jobs start ahead of one that must wait (default: the scheduler's).",
        ),
    ] = None,
    order: Annotated[
        str | None, typer.Option("--order", help="Queue-order level (fifo, sjf, priority, edf, fairshare, qhrrn).")
    ] = None,
    placement: Annotated[
        str | None, typer.Option("--placement", help="Placement level (fidelity, least_loaded, weighted, spread).")
    ] = None,
    multiplexing: Annotated[str | None, typer.Option("--multiplexing", help="'exclusive' or 'shared'.")] = None,
    queues: Annotated[
        str,
        typer.Option("--queues", help="'auto' (per device when jobs are mapped to devices), 'global' or 'per_device'."),
    ] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="auto, canonical, ibm, swf or qasm_list.")] = "auto",
    runtime: Annotated[str, typer.Option("--runtime", help="'model' or 'recorded' service times.")] = "model",
    time_scale: Annotated[float, typer.Option("--time-scale", help="Multiply arrival times (< 1 compresses).")] = 1.0,
    load_scale: Annotated[float, typer.Option("--load-scale", help="Job multiplier (< 1 thins, > 1 copies).")] = 1.0,
    start: Annotated[float | None, typer.Option("--start", help="Window start, trace seconds.")] = None,
    end: Annotated[float | None, typer.Option("--end", help="Window end, trace seconds.")] = None,
    user: Annotated[list[str] | None, typer.Option("--user", help="Keep only this user (repeatable).")] = None,
    map_device: Annotated[
        list[str] | None, typer.Option("--map-device", help="TRACE_BACKEND=FLEET_DEVICE (repeatable).")
    ] = None,
    on_error: Annotated[str, typer.Option("--on-error", help="'raise' or 'skip' bad rows.")] = "raise",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Results folder (default results/replay_<trace>).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", min=0)] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Replay a production trace on a fleet (the same as a config with workload.trace)."""
    from pydantic import ValidationError

    from qcloudsim.config.loader import clean_loc
    from qcloudsim.config.schema import ExperimentConfig
    from qcloudsim.experiment import run as run_experiment
    from qcloudsim.traces.table import TraceError

    _find_user_modules()
    mapping = {}
    for item in map_device or []:
        backend, sep, device = item.partition("=")
        if not sep or not backend or not device:
            fail(f"--map-device takes TRACE_BACKEND=FLEET_DEVICE, got {item!r}")
        mapping[backend] = device
    params = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--param takes KEY=VALUE, got {item!r}")
        try:
            params[key] = yaml.safe_load(value)
        except yaml.YAMLError:
            fail(f"--param {key}: {value!r} is not a YAML value")
    scheduler_data: dict = {"name": scheduler, "params": params, "queues": queues}
    for level, chosen in (
        ("backfill", backfill), ("order", order), ("placement", placement), ("multiplexing", multiplexing)
    ):
        if chosen is not None:
            scheduler_data[level] = chosen
    name = "replay_" + "".join(c if c.isalnum() or c in "-_." else "_" for c in trace.name.split(".")[0])
    data = {
        "name": name,
        "seed": seed,
        "fleet": [d.strip() for d in fleet.split(",") if d.strip()],
        "scheduler": scheduler_data,
        "workload": {"trace": {
            "path": str(trace), "format": fmt, "runtime": runtime, "time_scale": time_scale,
            "load_scale": load_scale, "start_s": start, "end_s": end, "users": user or None,
            "device_map": mapping, "on_error": on_error,
        }},
    }
    try:
        cfg = ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        fail("; ".join(_replay_problem(tuple(clean_loc(tuple(e["loc"]))), e["msg"])
                       for e in exc.errors(include_url=False)))
    target = out or Path("results") / name
    _check_target(target)
    with _on_interrupt("nothing was written (a run's folder is written only when the run completes)"):
        try:
            with _skip_warnings_to_stderr():
                results = run_experiment(cfg, progress=not quiet)
        except (TraceError, ValueError, FileNotFoundError) as exc:
            fail(str(exc))
        _write(results, target, plot=_summary_plot())
    if quiet:
        console.print(str(target))
        return
    print_summary(results.summary)
    print_recorded(results.summary)
    console.print(f"results written to [bold]{escape(str(target))}[/]")


@app.command()
@_interruptible
def train(
    config: Annotated[Path, typer.Argument(help="Experiment YAML with an `rl` section.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder (default policies/<name>).")] = None,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Training steps (default rl.training.total_steps).", min=1)
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Train a DRL scheduler (MaskablePPO + GCN), evaluate it against the heuristics, write a model card."""
    from qcloudsim.config.loader import ConfigError, load_config

    try:
        _find_user_modules(config)
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    try:
        from qcloudsim.rl.train import summary_table
        from qcloudsim.rl.train import train as train_policy
    except ImportError as exc:
        fail(f"training needs the RL extra: pip install 'qcloudsim[rl]' (missing: {exc.name or exc})")
    target = out or Path("policies") / cfg.name
    try:
        with _on_interrupt(f"no policy was written; periodic checkpoints so far are in {target / 'checkpoints'}"):
            outcome = train_policy(cfg, target, total_steps=steps, progress=not quiet)
    except ValueError as exc:
        fail(f"{config}: {exc}")
    table = Table(title=f"Evaluation on held-out seeds ({len(cfg.rl.training.eval_seeds)} seeds)")
    for column in ("scheduler", "mean completion (s)", "mean fidelity"):
        table.add_column(column, justify="right" if column != "scheduler" else "left")
    for _, row in summary_table(outcome.evaluation).sort_values("completion_mean_s").iterrows():
        table.add_row(row["scheduler"], _fmt(row["completion_mean_s"]), _fmt(row["fidelity_mean"]))
    console.print(table)
    console.print(f"policy and model card written to [bold]{escape(str(target))}[/] (trained {outcome.wall_s:.0f} s)")


@app.command()
def plot(
    results: Annotated[Path, typer.Argument(help="A run or sweep results folder.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the PNGs (default: RESULTS/figures).")
    ] = None,
) -> None:
    """Draw the standard figures of a results folder as PNG files."""
    from qcloudsim.plots import plot_results
    from qcloudsim.results.folder import ResultsError

    try:
        written = plot_results(results, out)
    except (FileNotFoundError, ResultsError) as exc:
        fail(f"{results}: not a results folder ({exc})")
    for path in written:
        console.print(str(path))


@app.command()
def compare(
    results: Annotated[Path, typer.Argument(help="A sweep's results folder.")],
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", help="Level compared against (default: the first).")
    ] = None,
    factor: Annotated[
        str | None, typer.Option("--factor", help="Swept column compared (default: the scheduler's).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, markdown or json.")] = "table",
) -> None:
    """Paired comparisons of a sweep's levels against a baseline (same seeds, 95 % CIs, p-values)."""
    from qcloudsim.results import ResultsError, SweepResults
    from qcloudsim.sweep.compare import paired_comparison, scheduler_factor
    from qcloudsim.sweep.report import comparison_text, render

    _check_format(fmt)
    try:
        sweep = SweepResults.read(results)
    except ResultsError as exc:
        fail(str(exc))
    swept = [p.replace(".", "_") for p in sweep.metadata.get("sweep", {})]
    factor = factor or scheduler_factor(swept)
    if factor is None:
        fail(f"{results}: the sweep varies no scheduler; name the swept column with --factor "
             f"(one of: {', '.join(swept)})")
    levels = list(dict.fromkeys(sweep.runs[factor])) if factor in sweep.runs else []
    chosen: object = (
        levels[0] if baseline is None and levels else next((v for v in levels if str(v) == baseline), baseline)
    )
    try:
        table = paired_comparison(sweep.runs, factor, chosen, swept)
    except ValueError as exc:
        fail(f"{results}: {exc}")
    if fmt != "table":
        console.print(render(table, fmt), end="", markup=False, highlight=False, soft_wrap=True)
        return
    print_frame(comparison_text(table, swept), keep=len(swept) + 1,
                title=f"Paired differences with {factor} = {chosen}, same seeds (mean ± 95 % CI; * excludes 0)")


@app.command()
def version() -> None:
    """Print the version."""
    from qcloudsim import __version__

    console.print(__version__)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
